/**
 * A workspace stack that adopts a workspace (`createWorkspace.adopt`) deploys into that workspace as
 * one naming it by `workspaceId` does: what Grafana refuses twice in one workspace (a folder, a team,
 * a data source name) is refused across them, and two stacks may not both adopt it (each would make
 * its own role and settings the workspace's, and the last deploy would win). `fleet check` and the
 * workspace program (`fleet synth`) refuse both, one line naming the file and the key.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkInventory } from "../../../tools/ci/fleet/check";
import { synthFleet } from "../../../tools/ci/fleet/synth";
import { selectStacks } from "../../../tools/ci/fleet/synthSelect";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { DEV_ROOT, FINANCE, GRAFANA_WORKSPACE, MARKETING } from "../../support/userStacks";

const WORKSPACE = "g-7f3a9c2d1e";
const ROLE = (name: string) => `arn:aws:iam::444455556666:role/${name}`;

describe("fleet: workspace stacks that adopt a workspace another stack names or adopts", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;
    const stacks = (grafana: Record<string, unknown>, two: Record<string, unknown>) => {
        const base = { ...GRAFANA_WORKSPACE.config };
        delete base["grafana-athena-workspace:workspaceId"];
        repo.writeStack("infra-account-a", "grafana", { ...base, ...grafana });
        repo.writeStack("infra-account-a", "two", { ...base, ...two });
    };
    const refusals = async () => {
        const check = checkInventory(repo.root, "organization");
        const out = path.join(repo.root, "out");
        fs.rmSync(out, { recursive: true, force: true });
        const synth = await synthFleet(
            repo.root,
            "organization",
            selectStacks(repo.root, "organization", { examples: "exclude" }),
            out,
        );
        return { check, synth: synth.flatMap((o) => (o.refused === undefined ? [] : [o.refused])) };
    };
    /** `check` names `file` with `line`, and `fleet synth` refuses with the same line. */
    const refusedByBoth = (r: { check: string[]; synth: string[] }, file: string, line: string) => {
        assert.ok(
            r.check.some((l) => l.startsWith(`${file}: ${line}`)),
            r.check.join("\n"),
        );
        assert.ok(
            r.synth.some((x) => x.includes(line)),
            r.synth.join("\n"),
        );
    };
    before(() => {
        repo = copyRepository();
        // finance trusts the role the first stack creates, marketing the second's.
        repo.writeStack(FINANCE.folder, FINANCE.stack, {
            ...FINANCE.config,
            "grafana-athena-source:grafanaRoleArn": ROLE("GrafanaAthenaWorkspace"),
        });
        repo.writeStack(MARKETING.folder, MARKETING.stack, {
            ...MARKETING.config,
            "grafana-athena-source:grafanaRoleArn": ROLE("Other"),
        });
    });
    after(() => repo.remove());

    it("refuses two stacks adopting one workspace, in check and in the program", async () => {
        stacks(
            {
                "grafana-athena-workspace:createWorkspace": { name: "fleet", adopt: WORKSPACE },
                "grafana-athena-workspace:sources": [{ stack: "organization/grafana-athena-source/finance" }],
            },
            {
                "grafana-athena-workspace:createWorkspace": {
                    name: "fleet",
                    adopt: WORKSPACE,
                    roleName: "Other",
                },
                "grafana-athena-workspace:sources": [
                    { stack: "organization/grafana-athena-source/marketing" },
                ],
                "grafana-athena-workspace:dashboard": { folder: "Marketing" },
            },
        );
        const { check, synth } = await refusals();
        const line =
            `grafana-athena-workspace:createWorkspace.adopt: adopts the workspace ${WORKSPACE}, which ` +
            `workspace stack "two" adopts too; each would make its role and settings the workspace's: ` +
            "let one stack adopt it, and name it by workspaceId in the others";
        assert.ok(check.includes(`infra-account-a/Pulumi.grafana.yaml: ${line}`), check.join("\n"));
        assert.ok(
            synth.some((r) => r.includes(line)),
            synth.join("\n"),
        );
    });

    it("refuses one folder title in a stack adopting the workspace and one naming it by workspaceId", async () => {
        stacks(
            {
                "grafana-athena-workspace:workspaceId": WORKSPACE,
                "grafana-athena-workspace:sources": [
                    { stack: "organization/grafana-athena-source/marketing" },
                ],
            },
            {
                "grafana-athena-workspace:createWorkspace": { name: "fleet", adopt: WORKSPACE },
                "grafana-athena-workspace:sources": [{ stack: "organization/grafana-athena-source/finance" }],
            },
        );
        const { check, synth } = await refusals();
        const line =
            'grafana-athena-workspace:dashboard.folder: is "Athena", the folder of workspace stack ' +
            `"grafana" on the same workspace ${WORKSPACE}`;
        refusedByBoth({ check, synth }, "infra-account-a/Pulumi.two.yaml", line);
    });

    it("holds a root stack and a workspace stack on one workspace to the sibling rules: one folder refused in both", async () => {
        stacks(
            { "grafana-athena-workspace:workspaceId": WORKSPACE },
            {
                "grafana-athena-workspace:workspaceId": "g-0b1c2d3e4f",
                "grafana-athena-workspace:dashboard": { folder: "Two" },
            },
        );
        const root = DEV_ROOT.config["grafana-athena:workspace"] as Record<string, unknown>;
        const file = repo.writeStack(".", "dev", {
            ...DEV_ROOT.config,
            "grafana-athena:workspace": { ...root, workspaceId: WORKSPACE },
        });
        try {
            const { check, synth } = await refusals();
            const line =
                'grafana-athena-workspace:dashboard.folder: is "Athena", the folder of root stack "dev" ' +
                `on the same workspace ${WORKSPACE}`;
            refusedByBoth({ check, synth }, "infra-account-a/Pulumi.grafana.yaml", line);
            // And the root stack by its own program, under its own key.
            const rootLine =
                'grafana-athena:workspace.dashboard.folder: is "Athena", the folder of workspace stack ' +
                `"grafana" on the same workspace ${WORKSPACE}`;
            refusedByBoth({ check, synth }, "Pulumi.dev.yaml", rootLine);
        } finally {
            fs.rmSync(file);
        }
    });
});
