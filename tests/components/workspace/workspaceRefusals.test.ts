/**
 * What the workspace project refuses (broken contracts, duplicate sources,
 * an old Grafana, bad config), and the offline plan of the example stack through `synth`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan, StackRefOutputs } from "../../../tools/plan/mock/runtime";
import { parseArgs, synth, main as synthMain } from "../../../tools/plan/synth";
import { runMain } from "../../support/cli";
import {
    EXAMPLE_SOURCE_STACK,
    SOURCE_DIR,
    WORKSPACE_DIR,
    configProblems,
    refusal,
} from "../../support/program";
import { examplesOnlyRepository } from "../../support/repository";
import {
    DATA_SOURCE_TYPE,
    PlannedSource,
    WORKSPACE_ID,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

const SALES = EXAMPLE_SOURCE_STACK;
const ANALYTICS = "acme/grafana-athena-source/analytics";

/** `source` as a stack reference with its outputs changed. */
function withOutputs(
    source: PlannedSource,
    change: (outputs: Record<string, unknown>) => void,
): PlannedSource {
    const outputs = { ...source.ref.outputs };
    change(outputs);
    const ref: StackRefOutputs = { ...source.ref, outputs };
    return { ...source, ref };
}

describe("workspace program (infra-account-a): refusals and the offline plan", function () {
    this.timeout(120_000);

    let sales: PlannedSource;
    let analytics: PlannedSource;
    before(async () => {
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
        analytics = await planSource({
            stack: ANALYTICS,
            account: "333344445555",
            workgroup: "analytics",
            label: "Analytics",
        });
    });

    describe("contract check", () => {
        it("refuses a source stack without a contract output, naming the stack and the output", async () => {
            for (const missing of ["database", "externalId", "contractVersion"]) {
                const broken = withOutputs(analytics, (o) => delete o[missing]);
                const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, broken]));
                assert.ok(message.includes(ANALYTICS), `${missing}: ${message}`);
                assert.ok(message.includes(missing), `${missing}: ${message}`);
                assert.ok(
                    !message.includes(`'${SALES}'`) && !message.includes(`"${SALES}"`),
                    `${missing}: blames the good stack: ${message}`,
                );
            }
        });

        it("distrusts every output: each must be what a source stack of this program exports", async () => {
            const cases: [string, (o: Record<string, unknown>) => void, RegExp][] = [
                [
                    "a role of another account",
                    (o) => (o.roleArn = String(o.roleArn).replace("333344445555", "999988887777")),
                    /output "roleArn" is a role of account 999988887777, not of the source's accountId 333344445555/,
                ],
                [
                    "a role of another partition",
                    (o) => (o.roleArn = String(o.roleArn).replace("arn:aws:", "arn:aws-cn:")),
                    /output "roleArn" is in the aws-cn partition, but the source's region eu-west-1 is in aws/,
                ],
                [
                    "a region of an isolated partition",
                    (o) => (o.region = "us-iso-east-1"),
                    /output "region" is in an isolated partition/,
                ],
                [
                    "SQL in the database name",
                    (o) => (o.database = "sales' OR '1'='1"),
                    /output "database" must be a Glue database name/,
                ],
                [
                    "a catalog name with spaces",
                    (o) => (o.catalog = "Aws Data Catalog"),
                    /output "catalog" must be an Athena data catalog name/,
                ],
                [
                    "a workgroup name with a slash",
                    (o) => (o.workgroup = "grafana/../primary"),
                    /output "workgroup" must be an Athena workgroup name/,
                ],
                [
                    "a label of 1,000 characters",
                    (o) => (o.label = "x".repeat(1000)),
                    /output "label" must be a non-empty name of at most 100 characters/,
                ],
                [
                    "an output location with a wildcard",
                    (o) => (o.outputLocation = "s3://results-*/grafana/"),
                    /output "outputLocation" must be an S3 location/,
                ],
                [
                    "a short external ID",
                    (o) => (o.externalId = "guessable"),
                    /output "externalId" is not an external ID of 32 to 1224/,
                ],
            ];
            for (const [what, change, message] of cases) {
                const error = await refusal(
                    WORKSPACE_DIR,
                    workspaceVariant([sales, withOutputs(analytics, change)]),
                );
                assert.match(error, new RegExp(`^source stack "${ANALYTICS}": `), what);
                assert.match(error, message, what);
                assert.ok(
                    !error.includes(String(analytics.ref.outputs.externalId)) && !error.includes("guessable"),
                    `${what}: the external ID is in the message`,
                );
            }
        });

        it("refuses a public output the source made a secret, rather than reveal it", async () => {
            const secretLabel: PlannedSource = {
                ...analytics,
                ref: { ...analytics.ref, secretOutputs: [...(analytics.ref.secretOutputs ?? []), "label"] },
            };
            const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, secretLabel]));
            assert.equal(
                message,
                `source stack "${ANALYTICS}": output "label" is a secret, but only externalId may be one`,
            );
        });

        it("refuses a contract version it does not know, naming the stack", async () => {
            const v2 = withOutputs(analytics, (o) => (o.contractVersion = 2));
            const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, v2]));
            assert.ok(message.includes(ANALYTICS), message);
            assert.match(message, /contractVersion/);
            assert.match(message, /\b2\b/);
        });

        it("refuses two sources that claim the same account", async () => {
            const copy = await planSource({
                stack: "acme/grafana-athena-source/sales-copy",
                account: "222233334444",
                label: "Sales (copy)",
            });
            assert.equal(copy.contract.workgroup, sales.contract.workgroup);
            const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, copy]));
            assert.ok(
                message.includes(SALES) && message.includes("acme/grafana-athena-source/sales-copy"),
                message,
            );
            assert.match(message, /both claim the account 222233334444 \(output "accountId"\)/);
        });

        it("refuses two sources with the same label, and accepts them once one is given a name", async () => {
            const salesUs = await planSource({
                stack: "acme/grafana-athena-source/sales-us",
                account: "666677778888",
                workgroup: "sales",
                label: "Sales",
            });
            const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, salesUs]));
            assert.ok(
                message.includes(SALES) && message.includes("acme/grafana-athena-source/sales-us"),
                message,
            );
            assert.match(message, /"Sales"/);
            const run = await planWorkspace([sales, salesUs], {
                names: { "acme/grafana-athena-source/sales-us": "Sales US" },
            });
            assert.deepEqual(
                run.plan.resources
                    .filter((r) => r.type === DATA_SOURCE_TYPE)
                    .map((d) => d.inputs.name)
                    .sort(),
                ["Sales", "Sales US"],
            );
        });
    });

    describe("tenancy: what another team's source stack may not do", () => {
        it("refuses 200,000 teams in one line, not a stack overflow", async () => {
            const teams = Array.from({ length: 200_000 }, (_, i) => `team-${i}`);
            const message = await refusal(
                WORKSPACE_DIR,
                workspaceVariant([sales, withOutputs(analytics, (o) => (o.teams = teams))]),
            );
            assert.equal(
                message,
                `source stack "${ANALYTICS}": output "teams" lists 200000 items, more than the 200 it may hold`,
            );
        });

        it("refuses a label that passes for the program's own dashboard, naming the stack and the output", async () => {
            for (const label of ["Athena fleet", "Athena sources", "Athena fleet: sales-analysts"]) {
                const message = await refusal(
                    WORKSPACE_DIR,
                    workspaceVariant([sales, withOutputs(analytics, (o) => (o.label = label))]),
                );
                assert.match(
                    message,
                    new RegExp(
                        `^source stack "${ANALYTICS}": its output "label" is "${label}", which is or looks like`,
                    ),
                    label,
                );
            }
        });

        it("refuses an external ID that is not a secret output, without showing it", async () => {
            const plain: PlannedSource = {
                ...analytics,
                ref: {
                    ...analytics.ref,
                    secretOutputs: (analytics.ref.secretOutputs ?? []).filter((n) => n !== "externalId"),
                },
            };
            const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, plain]));
            assert.equal(
                message,
                `source stack "${ANALYTICS}": output "externalId" is not a secret: a source stack of this program exports it as one (its value is not shown)`,
            );
        });

        it("refuses look-alike teams in the workspace's config, naming the key", async () => {
            const problems = await configProblems(
                WORKSPACE_DIR,
                workspaceVariant([sales], {
                    set: {
                        "grafana-athena-workspace:teams": [
                            { name: "finance", existing: true },
                            { name: "f\u0456nance" },
                        ],
                    },
                }),
            );
            assert.deepEqual(problems, [
                'grafana-athena-workspace:teams: lists the teams "finance" and "f\u0456nance", which look alike (names are compared ignoring case, Unicode compatibility forms and look-alike characters)',
            ]);
        });
    });

    describe("Grafana version guard", () => {
        it("refuses a Grafana 9.4 workspace, naming the workspace and its version", async () => {
            const message = await refusal(
                WORKSPACE_DIR,
                workspaceVariant([sales], {
                    world: { workspaces: { [WORKSPACE_ID]: { grafanaVersion: "9.4" } } },
                }),
            );
            assert.ok(message.includes(WORKSPACE_ID), message);
            assert.match(message, /Grafana 9\.4/);
        });

        it("accepts a Grafana 10.4 workspace", async () => {
            const run = await planWorkspace([sales], {
                world: { workspaces: { [WORKSPACE_ID]: { grafanaVersion: "10.4" } } },
            });
            assert.equal(run.plan.resources.filter((r) => r.type === DATA_SOURCE_TYPE).length, 1);
        });
    });

    describe("bad config: every problem at once, each naming its key", () => {
        const expectProblems = (problems: string[], keys: string[]) => {
            for (const p of problems) assert.match(p, /^grafana-athena-workspace:\S+: \S/, p);
            for (const k of keys) {
                assert.ok(
                    problems.some((p) => p.startsWith(`grafana-athena-workspace:${k}: `)),
                    `no problem for ${k}:\n${problems.join("\n")}`,
                );
            }
        };

        it("workspaceId, sources not a list, tokenRotationDays 30, grafanaUrl without grafanaAuth, unknown panel type, resultReuseMinutes 0", async () => {
            const problems = await configProblems(WORKSPACE_DIR, {
                set: {
                    [wsKey("workspaceId")]: "g-XYZ",
                    [wsKey("sources")]: { stack: SALES },
                    [wsKey("tokenRotationDays")]: 30,
                    [wsKey("grafanaUrl")]: "https://grafana.example.com",
                    [wsKey("dashboard")]: {
                        resultReuseMinutes: 0,
                        panels: [{ type: "piechart", title: "Share", sql: "SELECT 1" }],
                    },
                },
            });
            expectProblems(problems, [
                "workspaceId",
                "sources",
                "tokenRotationDays",
                "grafanaAuth",
                "dashboard.panels[0].type",
                "dashboard.resultReuseMinutes",
            ]);
            assert.equal(problems.length, 6, problems.join("\n"));
            assert.ok(problems.find((p) => p.includes("workspaceId"))!.includes('"g-XYZ"'));
            assert.ok(problems.find((p) => p.includes("panels[0].type"))!.includes('"piechart"'));
        });

        it("an administrator role as sourceRoleName in organisation mode", async () => {
            for (const name of [
                "OrganizationAccountAccessRole",
                "AWSControlTowerExecution",
                "AWSReservedSSO_ReadOnly_abc",
                "DataAdmin",
            ]) {
                const problems = await configProblems(WORKSPACE_DIR, {
                    set: { [wsKey("sourceRoleName")]: name, [wsKey("organizationId")]: "o-abcdefghij" },
                });
                assert.equal(problems.length, 1, problems.join("\n"));
                assert.match(
                    problems[0],
                    new RegExp(`^grafana-athena-workspace:sourceRoleName: must not be an administrator role`),
                );
            }
        });

        it("no sources, and no source stack file to chart", async () => {
            // A copy whose infra-account-b/ holds only the example, which is no stack (a user's checkout has stacks).
            const problems = await configProblems(examplesOnlyRepository().workspaceDir, {
                set: { [wsKey("sources")]: [] },
            });
            assert.deepEqual(problems.length, 1, problems.join("\n"));
            assert.match(
                problems[0],
                /^grafana-athena-workspace:sources: lists no source stack, and infra-account-b\/ has no stack file/,
            );
        });

        it("a stack name that is not org/project/stack", async () => {
            const problems = await configProblems(WORKSPACE_DIR, {
                set: { [wsKey("sources")]: [{ stack: SALES }, { stack: "analytics" }] },
            });
            expectProblems(problems, ["sources[1].stack"]);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /org\/project\/stack/);
            assert.match(problems[0], /"analytics"/);
        });
    });

    describe("npm run synth -- infra-account-a --ref <stack>=<source plan>", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-workspace-"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("plans the example workspace stack from the example source plan written with --out", async () => {
            const sourcePlan = path.join(dir, "source.json");
            // The command line, as `npm run synth -- infra-account-b --out FILE` runs it.
            const { stdout } = await runMain(synthMain, [SOURCE_DIR, "--out", sourcePlan]);
            assert.match(stdout, /written to/);
            const source = JSON.parse(fs.readFileSync(sourcePlan, "utf8")) as Plan;
            assert.equal(source.project, "grafana-athena-source");
            assert.deepEqual(source.secretOutputs, ["externalId"]);
            assert.equal(source.outputs.externalId, "[secret]");

            const args = parseArgs([WORKSPACE_DIR, "--ref", `${EXAMPLE_SOURCE_STACK}=${sourcePlan}`]);
            assert.ok(args);
            const workspace = await synth(args);
            assert.equal(workspace.project, "grafana-athena-workspace");
            assert.equal(workspace.stack, "example");
            assert.deepEqual(
                workspace.reads.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.id),
                [EXAMPLE_SOURCE_STACK],
            );
            const dataSources = workspace.resources.filter((r) => r.type === DATA_SOURCE_TYPE);
            assert.equal(dataSources.length, 1);
            assert.equal(dataSources[0].inputs.name, source.outputs.label);
            const json = JSON.parse(String(dataSources[0].inputs.jsonDataEncoded));
            assert.equal(json.assumeRoleArn, source.outputs.roleArn);
            assert.equal(json.workgroup, source.outputs.workgroup);
            assert.equal(json.outputLocation, source.outputs.outputLocation);
            assert.equal(json.externalId, "[secret]");
            const policy = workspace.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
            assert.deepEqual(
                JSON.parse(String(policy.inputs.policy)).Statement[0].Resource,
                source.outputs.roleArn,
            );
            assert.ok(
                workspace.resources.some(
                    (r) => r.type === "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken",
                ),
            );
        });

        /** `npm run synth -- ARGS`, its main in this process: its exit code and what it printed. */
        const synthCli = (args: string[]) => runMain(synthMain, args);

        it("prints a refusal as the one line pulumi up would print, and exits 1 with nothing on stdout", async () => {
            const plan = await synth({ projectDir: SOURCE_DIR, stack: "example", refs: {} });
            const file = path.join(dir, "v2.json");
            fs.writeFileSync(
                file,
                JSON.stringify({ ...plan, outputs: { ...plan.outputs, contractVersion: 2 } }),
            );
            const { code, stdout, stderr } = await synthCli([
                WORKSPACE_DIR,
                "--ref",
                `${EXAMPLE_SOURCE_STACK}=${file}`,
            ]);
            assert.equal(code, 1);
            assert.equal(stdout, "");
            assert.equal(
                stderr,
                `source stack "${EXAMPLE_SOURCE_STACK}": output "contractVersion" is 2, but this workspace stack understands only version 1; deploy both projects from the same release\n`,
            );
        });

        it("refuses a --ref file that is not JSON, holds null, or has no outputs, naming the file", async () => {
            const cases: [string, string, RegExp][] = [
                ["null.json", "null", /null\.json: not a plan/],
                [
                    "no-outputs.json",
                    JSON.stringify({ project: "grafana-athena-source", stack: "s", resources: [] }),
                    /no-outputs\.json: the plan has no outputs/,
                ],
                ["missing.json", "", /missing\.json does not exist/],
            ];
            for (const [name, text, message] of cases) {
                const file = path.join(dir, name);
                if (text !== "") fs.writeFileSync(file, text);
                await assert.rejects(
                    synth({
                        projectDir: WORKSPACE_DIR,
                        stack: "example",
                        refs: { [EXAMPLE_SOURCE_STACK]: file },
                    }),
                    message,
                );
            }
            // As a command: one line, exit 1, no trace.
            const file = path.join(dir, "broken.json");
            fs.writeFileSync(file, "{ not json");
            const { code, stdout, stderr } = await synthCli([
                WORKSPACE_DIR,
                "--ref",
                `${EXAMPLE_SOURCE_STACK}=${file}`,
            ]);
            assert.equal(code, 1, stderr);
            assert.equal(stdout, "");
            assert.match(stderr, /^synth: \S+broken\.json is not JSON \([^\n]+\)\n$/);
        });

        it("without --ref, names the stack reference to pass", async () => {
            await assert.rejects(
                synth({ projectDir: WORKSPACE_DIR, stack: "example", refs: {} }),
                (e: Error) => {
                    assert.ok(e.message.includes(`--ref ${EXAMPLE_SOURCE_STACK}=PLANFILE`), e.message);
                    return true;
                },
            );
        });
    });
});
