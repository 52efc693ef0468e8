/**
 * `fleet check` applies every rule `fleet synth` applies to a set of stack files: each set below is
 * refused by both, check naming the file and the key on one line. The rules are the ones the
 * workspace program calls (shared/chartRules.ts), on the outputs a source stack file implies, and
 * those implied outputs are the ones the source's plan exports.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { impliedSourceOutputs } from "../../../shared/chartRules";
import { SOURCE_KEY_KINDS, SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { readSettings } from "../../../shared/config/read";
import { fleet } from "../../../tools/ci/fleet/cli";
import type { Plan } from "../../../tools/plan/mock/runtime";
import { readProject, readStackConfig } from "../../../tools/plan/stackConfig";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import {
    DEV_ROOT,
    FINANCE,
    GRAFANA_WORKSPACE,
    MARKETING,
    UserStack,
    userSource,
} from "../../support/userStacks";

const WS = (k: string) => `grafana-athena-workspace:${k}`;
const SRC = (k: string) => `grafana-athena-source:${k}`;

async function run(argv: string[]) {
    let out = "";
    let err = "";
    const code = await fleet(argv, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
    return { code, out, err };
}

const workspace = (stack: string, set: Record<string, unknown>, unset: string[] = []): UserStack => {
    const config: Record<string, unknown> = { ...GRAFANA_WORKSPACE.config, ...set };
    for (const k of unset) delete config[k];
    return { folder: "infra-account-a", stack, config };
};
const source = (s: UserStack, set: Record<string, unknown>): UserStack => ({
    ...s,
    config: { ...s.config, ...set },
});

/** Sets of stack files that fleet synth refuses, each with the line fleet check must print for it. */
const REFUSED: { name: string; stacks: UserStack[]; line: RegExp }[] = [
    {
        name: "a source trusting another role than the one the workspace stack creates its workspace with",
        stacks: [
            MARKETING,
            workspace(
                "grafana",
                { [WS("createWorkspace")]: { name: "observability", roleName: "GrafanaAthenaWorkspace" } },
                [WS("workspaceId")],
            ),
        ],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:createWorkspace: source stack "organization\/grafana-athena-source\/marketing" trusts the role arn:aws:iam::444455556666:role\/service-role\/AmazonGrafanaServiceRole-7f3a9c2d1 \(its grafanaRoleArn\), but this workspace stack creates its workspace with the role arn:aws:iam::444455556666:role\/GrafanaAthenaWorkspace \(createWorkspace\.roleName\)/m,
    },
    {
        name: "a workspace panel reading a table a source does not grant",
        stacks: [
            MARKETING,
            FINANCE,
            workspace("grafana", {
                [WS("dashboard")]: {
                    folder: "Athena",
                    panels: [{ type: "stat", title: "Orders", sql: "SELECT count(*) FROM orders" }],
                },
            }),
        ],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:dashboard\.panels: source stack "organization\/grafana-athena-source\/marketing": panel "Orders" of dashboard\.panels reads/m,
    },
    {
        name: "a workspace alert reading a table its sources do not grant",
        stacks: [
            MARKETING,
            FINANCE,
            workspace("grafana", {
                [WS("alerts")]: [
                    {
                        name: "payroll",
                        source: "*",
                        kind: "sql",
                        sql: "SELECT count(*) FROM payroll",
                        above: 1,
                    },
                ],
            }),
        ],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:alerts\[0\]: "payroll" on source stack "organization\/grafana-athena-source\/marketing" reads table payroll, which the source does not grant/m,
    },
    {
        name: "a source naming a team the workspace does not define",
        stacks: [source(MARKETING, { [SRC("teams")]: ["analysts"] }), FINANCE, GRAFANA_WORKSPACE],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:sources: source stack "organization\/grafana-athena-source\/marketing" names the team "analysts", which the workspace stack does not define/m,
    },
    {
        name: "two workspace stacks on one workspace creating the same team",
        stacks: [
            MARKETING,
            workspace("grafana", {
                [WS("teams")]: [{ name: "analysts" }],
                [WS("sources")]: [{ stack: "organization/grafana-athena-source/marketing" }],
            }),
            workspace("bi", {
                [WS("teams")]: [{ name: "analysts" }],
                [WS("dashboard")]: { folder: "BI" },
                [WS("sources")]: [
                    { stack: "organization/grafana-athena-source/marketing", name: "Marketing (BI)" },
                ],
            }),
        ],
        line: /^infra-account-a\/Pulumi\.bi\.yaml: grafana-athena-workspace:teams: creates the team\(s\) "analysts", which workspace stack "grafana" on the same workspace g-7f3a9c2d1e creates too/m,
    },
    {
        name: "two workspace stacks on one workspace where a team's folder is the other's folder",
        stacks: [
            MARKETING,
            workspace("grafana", {
                [WS("teams")]: [{ name: "bi" }],
                [WS("sources")]: [{ stack: "organization/grafana-athena-source/marketing" }],
            }),
            workspace("bi", {
                [WS("dashboard")]: { folder: "Athena (bi)" },
                [WS("sources")]: [
                    { stack: "organization/grafana-athena-source/marketing", name: "Marketing (BI)" },
                ],
            }),
        ],
        line: /^infra-account-a\/Pulumi\.bi\.yaml: grafana-athena-workspace:dashboard\.folder: is "Athena \(bi\)", the folder of workspace stack "grafana"/m,
    },
    {
        name: "organisation mode and a source role of another name",
        stacks: [
            source(MARKETING, { [SRC("roleName")]: "GrafanaAthenaReader" }),
            FINANCE,
            workspace("grafana", {
                [WS("sourceRoleName")]: "AmazonManagedGrafana-CrossAccountAthena",
                [WS("organizationId")]: "o-a1b2c3d4e5",
            }),
        ],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:sourceRoleName: organisation mode allows only roles named "AmazonManagedGrafana-CrossAccountAthena", but these sources use other roles: arn:aws:iam::333344445555:role\/GrafanaAthenaReader/m,
    },
    {
        name: "a source trusting another Grafana account than the workspace stack's",
        stacks: [
            source(MARKETING, {
                [SRC("grafanaAccountId")]: "999988887777",
                [SRC("grafanaRoleArn")]:
                    "arn:aws:iam::999988887777:role/service-role/AmazonGrafanaServiceRole-1",
            }),
            FINANCE,
            GRAFANA_WORKSPACE,
        ],
        line: /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:sources: source stack "organization\/grafana-athena-source\/marketing" trusts the Grafana account 999988887777, but this workspace stack is account 444455556666/m,
    },
];

describe("fleet check: every rule fleet synth applies", function () {
    this.timeout(240_000);
    let repo: RepositoryCopy;
    const written: string[] = [];
    const write = (stacks: UserStack[]) => {
        for (const f of written.splice(0)) fs.rmSync(f);
        for (const s of stacks) written.push(repo.writeStack(s.folder, s.stack, s.config));
    };
    before(() => (repo = copyRepository()));
    after(() => repo.remove());

    for (const c of REFUSED) {
        it(`refuses, as fleet synth does: ${c.name}`, async () => {
            write(c.stacks);
            const check = await run(["check", "--root", repo.root]);
            assert.equal(check.code, 1, check.out);
            assert.match(check.err, c.line);
            for (const l of check.err.trimEnd().split("\n"))
                assert.match(
                    l,
                    /^infra-account-[ab]\/Pulumi\.[\w-]+\.yaml: (grafana-athena-(source|workspace)|aws):[\w.[\]]+: /,
                    "one line naming the file and the key",
                );
            const synth = await run([
                "synth",
                "--out",
                path.join(repo.root, "out"),
                "--root",
                repo.root,
                "--examples",
                "exclude",
            ]);
            assert.equal(synth.code, 1, `fleet synth refuses it too:\n${synth.out}`);
            const workspaceFile = c.line.source.match(/Pulumi\\\.([\w-]+)\\\.yaml/)![1];
            assert.match(synth.err, new RegExp(`^infra-account-a/Pulumi\\.${workspaceFile}\\.yaml: `, "m"));
        });
    }

    it("names a stack file that is not YAML once, with the line and column, in either command", async () => {
        write([MARKETING, FINANCE, GRAFANA_WORKSPACE]);
        const file = path.join(repo.sourceDir, "Pulumi.finance.yaml");
        fs.writeFileSync(
            file,
            "config:\n  aws:region: eu-central-1\n  " +
                "grafana-athena-source:tables: [ledger\n  grafana-athena-source:label: x\n",
        );
        const expected = /^infra-account-b\/Pulumi\.finance\.yaml: not YAML \(.*, at line 4, column 3\)$/m;
        const check = await run(["check", "--root", repo.root]);
        assert.match(check.err, expected);
        const synth = await run([
            "synth",
            "--out",
            path.join(repo.root, "out"),
            "--root",
            repo.root,
            "--examples",
            "exclude",
        ]);
        assert.match(synth.err, expected);
        for (const out of [check.err, synth.err])
            assert.doesNotMatch(out, /Pulumi\.finance\.yaml: .*Pulumi\.finance\.yaml/);
    });

    it("names a refused source once: a workspace alert on it is not said to be on a source not charted", async () => {
        write([
            source(MARKETING, { [SRC("database")]: "Campaigns-DB" }),
            workspace("grafana", {
                [WS("alerts")]: [
                    {
                        name: "clicks-fresh",
                        source: "organization/grafana-athena-source/marketing",
                        kind: "freshness",
                        table: "clicks",
                        column: "at",
                        maxAgeHours: 6,
                    },
                ],
            }),
        ]);
        const check = await run(["check", "--root", repo.root]);
        assert.equal(check.code, 1);
        assert.deepEqual(
            check.err
                .trimEnd()
                .split("\n")
                .map((l) => l.split(": must")[0]),
            ["infra-account-b/Pulumi.marketing.yaml: grafana-athena-source:database"],
        );
    });

    it("passes a source trusting the role the workspace stack creates its workspace with, in either command", async () => {
        write([
            source(MARKETING, {
                [SRC("grafanaRoleArn")]: "arn:aws:iam::444455556666:role/GrafanaAthenaWorkspace",
            }),
            workspace("grafana", { [WS("createWorkspace")]: { name: "observability" } }, [WS("workspaceId")]),
        ]);
        const check = await run(["check", "--root", repo.root]);
        assert.equal(check.code, 0, check.err);
        const synth = await run([
            "synth",
            "--out",
            path.join(repo.root, "out"),
            "--root",
            repo.root,
            "--examples",
            "exclude",
        ]);
        assert.equal(synth.code, 0, synth.err);
    });

    it("passes the same files without the fault, in either command", async () => {
        write([MARKETING, FINANCE, GRAFANA_WORKSPACE]);
        const check = await run(["check", "--root", repo.root]);
        assert.equal(check.code, 0, check.err);
        assert.match(
            check.out,
            /^fleet: 2 source stacks, 1 workspace stacks: consistent, by every rule fleet synth applies to them \(checked in \d+\.\d\d s, \d+\.\d\d s per 100 stacks\)$/m,
        );
        const synth = await run([
            "synth",
            "--out",
            path.join(repo.root, "out"),
            "--root",
            repo.root,
            "--examples",
            "exclude",
        ]);
        assert.equal(synth.code, 0, synth.err);
        // What check takes a source stack file to export is what its plan exports.
        for (const s of [MARKETING, FINANCE]) {
            const plan = JSON.parse(
                fs.readFileSync(path.join(repo.root, "out", `infra-account-b.${s.stack}.json`), "utf8"),
            ) as Plan;
            const { config, secretKeys } = readStackConfig(
                readProject(repo.sourceDir),
                path.join(repo.sourceDir, `Pulumi.${s.stack}.yaml`),
            );
            const region = config["aws:region"];
            const settings = readSettings(SOURCE_NAMESPACE, SOURCE_KEY_KINDS, sourceSettingsFor(region), [], {
                all: config,
                isSecret: (k) => secretKeys.includes(k),
            });
            const { externalId: _secret, ...exported } = plan.outputs as Record<string, unknown>;
            assert.deepEqual(
                impliedSourceOutputs(
                    settings,
                    region,
                    String(JSON.parse(config["aws:allowedAccountIds"])[0]),
                ),
                exported,
            );
        }
    });

    it("counts the root stacks it checked in the line that says the fleet is consistent", async () => {
        write([MARKETING, GRAFANA_WORKSPACE, DEV_ROOT]);
        const check = await run(["check", "--root", repo.root]);
        assert.equal(check.code, 0, check.err);
        assert.match(check.out, /^fleet: 1 source stacks, 1 workspace stacks, 1 root stacks: consistent, /m);
    });

    it("refuses an inventory that outgrows the explicit assume policy, as the program does, and passes it in organisation mode", async () => {
        // Role names of 64 characters: about 100 role ARNs fit the inline policy, far below the shortest
        // ARNs' bound.
        const roleName = `Grafana-${"x".repeat(56)}`;
        const many = Array.from({ length: 120 }, (_, i) => {
            const account = String(100000000000 + i);
            return source(
                userSource(`account-${i}`, account, "us-east-1", "sales", ["orders"], `Account ${i}`),
                { [SRC("roleName")]: roleName },
            );
        });
        write([...many, GRAFANA_WORKSPACE]);
        const started = process.hrtime.bigint();
        const check = await run(["check", "--root", repo.root]);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        assert.equal(check.code, 1);
        assert.match(
            check.err,
            /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:sources: IAM policy .* It lists 120 source roles; about \d+ fit\. Set sourceRoleName and organizationId/m,
        );
        assert.ok(
            seconds < 30,
            `a bound against a hang, not a benchmark (npm run bench -- fleet-check measures): ${seconds} s`,
        );
        write([
            ...many,
            workspace("grafana", {
                [WS("sourceRoleName")]: roleName,
                [WS("organizationId")]: "o-a1b2c3d4e5",
            }),
        ]);
        const org = await run(["check", "--root", repo.root]);
        assert.equal(org.code, 0, org.err);
    });
});
