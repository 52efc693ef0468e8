/**
 * Two stack files of one project whose names differ only in case (`Pulumi.Finance.yaml` beside
 * `Pulumi.finance.yaml`) are one stack to Pulumi Cloud, which reads stack names without case: each
 * file's deploy would make the stack its own, deleting the other's resources, and an inventory-mode
 * workspace would chart it twice. Every fleet command refuses such a checkout in one line naming both
 * files, and a workspace stack that lists one source twice in two cases is refused by its program's rule.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { fleet } from "../../../tools/ci/fleet/cli";
import { chartedSourceRefs } from "../../../shared/inventory";
import { workspaceSettings } from "../../../shared/config/workspace";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { FINANCE, GRAFANA_WORKSPACE, MARKETING, userSource } from "../../support/userStacks";

describe("fleet: stack files whose names differ only in case", function () {
    this.timeout(60_000);
    let repo: RepositoryCopy;
    before(() => {
        repo = copyRepository();
        for (const s of [MARKETING, FINANCE, GRAFANA_WORKSPACE]) repo.writeStack(s.folder, s.stack, s.config);
        // Another account, workgroup and label: nothing else tells the two apart.
        const twin = userSource("Finance", "555566667778", "eu-central-1", "ledger", ["*"], "Finance Two");
        repo.writeStack(twin.folder, twin.stack, twin.config);
    });
    after(() => repo.remove());

    it("refuses the checkout in every command, one line naming both files", async () => {
        const line =
            "infra-account-b/Pulumi.Finance.yaml and infra-account-b/Pulumi.finance.yaml: stack names " +
            "that differ only in case are one stack to Pulumi Cloud; rename or remove one";
        for (const argv of [
            ["check"],
            ["synth", "--out", path.join(repo.root, "plans"), "--examples", "exclude"],
            ["list", "--json"],
        ]) {
            let out = "";
            let err = "";
            const code = await fleet([...argv, "--root", repo.root], {
                out: (t) => (out += t),
                err: (t) => (err += t),
                env: {},
            });
            assert.equal(code, 1, `${argv[0]}: ${out}${err}`);
            assert.equal(err, `fleet${argv[0] === "synth" ? " synth" : ""}: ${line}\n`, argv[0]);
        }
    });

    it("refuses a workspace's sources that list one stack in two cases, and an inventory holding both", () => {
        const listed = workspaceSettings.shape.sources.safeParse([
            { stack: "organization/grafana-athena-source/finance" },
            { stack: "organization/grafana-athena-source/FINANCE" },
        ]);
        assert.equal(listed.success, false);
        assert.match(
            listed.error!.issues[0].message,
            /^lists a stack twice \(stack names are compared ignoring case/,
        );
        const charted = chartedSourceRefs(
            [],
            [
                { stack: "organization/grafana-athena-source/Finance" },
                { stack: "organization/grafana-athena-source/finance" },
            ],
            false,
        );
        assert.deepEqual(charted, {
            key: "grafana-athena-workspace:sources",
            message:
                "is empty, so every source stack is charted: infra-account-b/Pulumi.Finance.yaml and " +
                "infra-account-b/Pulumi.finance.yaml: stack names that differ only in case are one stack " +
                "to Pulumi Cloud; rename or remove one",
        });
    });
});
