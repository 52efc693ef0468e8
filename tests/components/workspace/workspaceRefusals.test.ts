/**
 * What the workspace project refuses from its source stacks: broken contracts, duplicate sources,
 * and what another team's source stack may not do.
 */
import assert from "node:assert/strict";
import { WORKSPACE_DIR, configProblems, refusal } from "../../support/program";
import {
    DATA_SOURCE_TYPE,
    PlannedSource,
    planSource,
    planWorkspace,
    workspaceVariant,
} from "../../support/workspaceSources";
import { SALES, ANALYTICS, withOutputs } from "../../support/sourceRefs";

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
                `source stack "${ANALYTICS}": output "teams" lists 200000 ` +
                    `items, more than the 200 it may hold`,
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
                        `^source stack "${ANALYTICS}": its output "label" is ` +
                            `"${label}", which is or looks like`,
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
                `source stack "${ANALYTICS}": output "externalId" is not a secret: a source stack ` +
                    `of this program exports it as one (its value is not shown)`,
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
                'grafana-athena-workspace:teams: lists the teams "finance" and ' +
                    '"f\u0456nance", which look alike (names are compared ignoring case, ' +
                    "Unicode compatibility forms and look-alike characters)",
            ]);
        });
    });
});
