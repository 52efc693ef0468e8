/**
 * How the source project refuses bad config, one line per problem naming its key, and the `synth` command
 * around it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { Plan, RunResult, SECRET } from "../../../tools/plan/mock/runtime";
import { SOURCE_DIR, configProblems } from "../../support/program";
import { CommandRun, runProcess } from "../../support/cli";
import { DATA_BUCKET, WORKGROUP, exampleRun, key, planSource } from "../../support/sourcePlan";
import { BUCKET_OUTPUTS } from "../../support/sourceTypes";

describe("source project (infra-account-b) under mocks", () => {
    let example: RunResult;
    before(async () => {
        example = await exampleRun();
    });

    describe("bad config", () => {
        it('a results prefix of "" in an existing bucket, and results that overlap a data location', async () => {
            const existing = await configProblems(SOURCE_DIR, {
                set: {
                    [key("results")]: { bucket: "shared-bucket-222233334444", prefix: "", create: false },
                },
            });
            assert.deepEqual(existing, [
                `${key("results.prefix")}: must name a prefix of its own in an existing bucket ` +
                    `(results.create false): "" would give Grafana write on all of ` +
                    `shared-bucket-222233334444; use a prefix such as grafana/`,
            ]);
            const inside = await configProblems(SOURCE_DIR, {
                set: {
                    [key("results")]: {
                        bucket: DATA_BUCKET,
                        prefix: "warehouse/orders/results/",
                        create: false,
                    },
                },
            });
            assert.equal(inside.length, 1, inside.join("\n"));
            assert.match(
                inside[0],
                new RegExp(
                    `^${key("results")}: s3://${DATA_BUCKET}/warehouse/orders/results/ overlaps ` +
                        `dataLocations\\[0\\] ` +
                        `s3://${DATA_BUCKET}/warehouse/orders/: Grafana would ` +
                        `get write on table data`,
                ),
            );
            const around = await configProblems(SOURCE_DIR, {
                set: { [key("results")]: { bucket: DATA_BUCKET, prefix: "warehouse/", create: false } },
            });
            assert.equal(around.length, 2, "both data locations are inside the results prefix");
            // A sibling prefix of the same bucket is fine.
            const run = await planSource({
                set: { [key("results")]: { bucket: DATA_BUCKET, prefix: "grafana-results/", create: false } },
            });
            assert.equal(run.rawOutputs.outputLocation, `s3://${DATA_BUCKET}/grafana-results/`);
        });

        it("a role name of an administrator role", async () => {
            for (const name of [
                "OrganizationAccountAccessRole",
                "AWSControlTowerExecution",
                "AWSReservedSSO_AdministratorAccess_0123",
                "PlatformAdmin",
                "admin-readonly",
            ]) {
                const problems = await configProblems(SOURCE_DIR, { set: { [key("roleName")]: name } });
                assert.equal(problems.length, 1, problems.join("\n"));
                assert.match(
                    problems[0],
                    new RegExp(`^${key("roleName")}: must not be an administrator role`),
                );
            }
        });

        /** The problems of a variant, asserting that `fullKey` is named exactly once. */
        async function problemFor(
            set: Record<string, unknown>,
            fullKey: string,
            unset: string[] = [],
        ): Promise<string> {
            const problems = await configProblems(SOURCE_DIR, { set, unset });
            const mine = problems.filter((p) => p.startsWith(`${fullKey}: `));
            assert.equal(mine.length, 1, `one problem for ${fullKey} in:\n${problems.join("\n")}`);
            return mine[0];
        }

        it("a 10-digit account ID, reported on its key alone", async () => {
            const p = await problemFor({ [key("grafanaAccountId")]: "1111222233" }, key("grafanaAccountId"));
            assert.match(p, /12-digit/);
            assert.match(p, /"1111222233"/);
            // The role ARN is fine: it is not blamed for the malformed account ID.
            assert.deepEqual(
                await configProblems(SOURCE_DIR, { set: { [key("grafanaAccountId")]: "1111222233" } }),
                [p],
            );
        });

        it("a workspace role of another account", async () => {
            const p = await problemFor(
                { [key("grafanaRoleArn")]: "arn:aws:iam::999988887777:role/AmazonGrafanaServiceRole-x" },
                key("grafanaRoleArn"),
            );
            assert.match(p, /999988887777/);
            assert.match(p, /grafanaAccountId/);
        });

        it("a database name with uppercase letters and a hyphen", async () => {
            const p = await problemFor({ [key("database")]: "Sales-DB" }, key("database"));
            assert.match(p, /lowercase letters, digits and underscores/);
        });

        it("a results bucket name with uppercase letters", async () => {
            const p = await problemFor(
                { [key("results")]: { bucket: "Grafana-Results" } },
                key("results.bucket"),
            );
            assert.match(p, /S3 bucket name/);
            assert.match(p, /lowercase/);
        });

        it("a scan cutoff below Athena's 10 MiB minimum", async () => {
            const p = await problemFor(
                { [key("workgroup")]: { name: WORKGROUP, bytesScannedCutoffPerQuery: 1048576 } },
                key("workgroup.bytesScannedCutoffPerQuery"),
            );
            assert.match(p, /at least 10485760/);
        });

        it("an empty table list", async () => {
            const p = await problemFor({ [key("tables")]: [] }, key("tables"));
            assert.match(p, /at least one table/);
            assert.match(p, /\["\*"\]/);
        });

        it("a data location that is not s3://", async () => {
            const p = await problemFor(
                { [key("dataLocations")]: ["https://example-sales-data.s3.amazonaws.com/orders/"] },
                key("dataLocations[0]"),
            );
            assert.match(p, /s3:\/\/bucket/);
        });

        it("no aws:region", async () => {
            const p = await problemFor({}, "aws:region", ["aws:region"]);
            assert.match(p, /required/);
            assert.match(p, /eu-west-1/);
        });

        it("an unknown key (a typo)", async () => {
            const p = await problemFor({ [key("tabels")]: ["orders"] }, key("tabels"));
            assert.match(p, /not a known setting/);
        });

        it("several mistakes at once: each reported once, in one run", async () => {
            const problems = await configProblems(SOURCE_DIR, {
                set: {
                    [key("grafanaAccountId")]: "1111222233",
                    [key("database")]: "Sales-DB",
                    [key("tables")]: [],
                    [key("dataLocations")]: ["s3://example-sales-data-222233334444/orders/", "ftp://x/"],
                    [key("results")]: { bucket: "Grafana-Results", expirationDays: 0 },
                    [key("workgroup")]: { name: WORKGROUP, bytesScannedCutoffPerQuery: 100 },
                    [key("tabels")]: ["orders"],
                },
                unset: ["aws:region"],
            });
            const expected = [
                "aws:region",
                key("grafanaAccountId"),
                key("database"),
                key("tables"),
                key("dataLocations[1]"),
                key("results.bucket"),
                key("results.expirationDays"),
                key("workgroup.bytesScannedCutoffPerQuery"),
                key("tabels"),
            ];
            const keys = problems.map((p) => p.slice(0, p.indexOf(": ")));
            assert.deepEqual([...keys].sort(), [...expected].sort(), problems.join("\n"));
            for (const p of problems)
                assert.ok(p.length > p.indexOf(": ") + 10, `"${p}" says what is expected`);
        });
    });

    describe("npm run synth -- infra-account-b", function () {
        this.timeout(120_000);
        // The entry point's own test: synth as a process, its exit codes and streams (other tests call its
        // main).
        const synth = (args: string[]) => runProcess("plan/synth.ts", args);

        let tmp: string;
        let good: Promise<CommandRun>;
        let bad: Promise<CommandRun>;
        const badAccount = { [key("grafanaAccountId")]: "12345", [key("database")]: "Sales-DB" };
        before(() => {
            // Both commands run side by side: each is a fresh process.
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "source-synth-"));
            const stack = YAML.parse(
                fs.readFileSync(path.join(SOURCE_DIR, "Pulumi.example.yaml"), "utf8"),
            ) as { config: Record<string, unknown> };
            Object.assign(stack.config, badAccount);
            const badFile = path.join(tmp, "Pulumi.bad.yaml");
            fs.writeFileSync(badFile, YAML.stringify(stack));
            good = synth(["infra-account-b"]);
            bad = synth(["infra-account-b", "--config", badFile]);
        });
        after(async () => {
            await Promise.allSettled([good, bad]);
            fs.rmSync(tmp, { recursive: true, force: true });
        });

        it("prints the example plan as JSON: the same plan the tests check", async () => {
            const { code, stdout, stderr } = await good;
            assert.equal(code, 0, stderr);
            const printed = JSON.parse(stdout) as Plan;
            for (const k of ["project", "stack", "resources", "outputs", "secretOutputs"])
                assert.ok(k in printed, `plan has ${k}`);
            assert.equal(printed.project, "grafana-athena-source");
            assert.equal(printed.stack, "example");
            for (const r of printed.resources) {
                assert.deepEqual(Object.keys(r).sort(), [
                    "inputs",
                    "name",
                    "options",
                    "parent",
                    "provider",
                    "type",
                ]);
                assert.deepEqual(Object.keys(r.options).sort(), [
                    "additionalSecretOutputs",
                    "deleteBeforeReplace",
                    "dependsOn",
                    "ignoreChanges",
                    "import",
                    "protect",
                    "retainOnDelete",
                ]);
            }
            assert.deepEqual(Object.keys(printed.outputs).sort(), [...BUCKET_OUTPUTS].sort());
            assert.deepEqual(printed.secretOutputs, ["externalId"]);
            assert.equal(printed.outputs.externalId, SECRET);
            assert.deepEqual(printed, JSON.parse(JSON.stringify(example.plan)));
            assert.ok(!stdout.includes(example.rawOutputs.externalId as string));
        });

        it("refuses a bad --config file: exit 1, one stderr line per problem, nothing on stdout", async () => {
            const { code, stdout, stderr } = await bad;
            assert.equal(code, 1, stderr);
            assert.equal(stdout, "");
            const lines = stderr.trimEnd().split("\n");
            assert.equal(lines.length, 2, stderr);
            assert.deepEqual(lines, await configProblems(SOURCE_DIR, { set: badAccount }));
            assert.ok(
                lines.some((l) => l.startsWith(`${key("grafanaAccountId")}: `) && l.includes("12-digit")),
                stderr,
            );
            assert.ok(
                lines.some((l) => l.startsWith(`${key("database")}: `)),
                stderr,
            );
        });
    });
});
