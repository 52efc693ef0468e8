/**
 * What the workspace project refuses of its own stack (an old Grafana, bad config, every problem
 * at once), and the offline plan of the example stack through `synth`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan } from "../../../tools/plan/mock/runtime";
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
import { SALES } from "../../support/sourceRefs";

describe("workspace program (infra-account-a): refusals and the offline plan", function () {
    this.timeout(120_000);

    let sales: PlannedSource;
    before(async () => {
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
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
            // A copy whose infra-account-b/ holds only the example, which is no stack (a user's checkout has
            // stacks).
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
                `source stack "${EXAMPLE_SOURCE_STACK}": output "contractVersion" is 2, but this workspace ` +
                    `stack understands only version 1; deploy both projects from the same release\n`,
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
