/**
 * What the source project plans for each variant of its config (KMS keys, Lake Formation, ...),
 * what it adopts without owning, and its ARNs in every AWS partition.
 */
import assert from "node:assert/strict";
import { validatePolicy } from "../../../shared/iam/validate";
import { RunResult } from "../../../tools/plan/mock/runtime";
import { SOURCE_DIR, byType, configProblems, oneOf, refusal, raw } from "../../support/program";
import {
    ATTACHMENT_TYPE,
    DATABASE,
    DATA_ACCOUNT,
    GLUE,
    KMS_KEY,
    OTHER_KMS_KEY,
    OUTPUT_LOCATION,
    POLICY_TYPE,
    RESULTS_BUCKET,
    ROLE_TYPE,
    WORKGROUP,
    WORKGROUP_TYPE,
    GRAFANA_ACCOUNT,
    REGION,
    WORKSPACE_ROLE_ARN,
    accessPolicies,
    exampleRun,
    key,
    list,
    planSource,
    statementBySid,
    trustPolicy,
} from "../../support/sourcePlan";
import { BUCKET_TYPE, inputsOf, assertNothingProtected } from "../../support/sourceTypes";

describe("source project (infra-account-b) under mocks", () => {
    let example: RunResult;
    before(async () => {
        example = await exampleRun();
    });

    describe("variants", () => {
        it("uses the KMS keys: SSE_KMS results with the first, Decrypt/GenerateDataKey on all", async () => {
            const run = await planSource({ set: { [key("kmsKeyArns")]: [KMS_KEY, OTHER_KMS_KEY] } });
            assert.deepEqual(
                inputsOf(run, WORKGROUP_TYPE).configuration.resultConfiguration.encryptionConfiguration,
                {
                    encryptionOption: "SSE_KMS",
                    kmsKeyArn: KMS_KEY,
                },
            );
            const sse = inputsOf(
                run,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            );
            assert.equal(sse.rules.length, 1);
            assert.deepEqual(sse.rules[0].applyServerSideEncryptionByDefault, {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: KMS_KEY,
            });
            const kms = statementBySid(run, "KmsDataAndResultsThroughS3");
            assert.ok(kms, "a KmsDataAndResultsThroughS3 statement");
            assert.equal(kms.Effect, "Allow");
            assert.deepEqual(list(kms.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
            assert.deepEqual(list(kms.Resource).sort(), [KMS_KEY, OTHER_KMS_KEY].sort());
            assert.deepEqual(kms.Condition, {
                StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
            });
            assertNothingProtected(run);
        });

        it("grants lakeformation:GetDataAccess only when Lake Formation governs the tables", async () => {
            const run = await planSource({ set: { [key("lakeFormation")]: true } });
            const lf = statementBySid(run, "LakeFormationDataAccess");
            assert.ok(lf, "a Lake Formation statement");
            assert.deepEqual(list(lf.Action), ["lakeformation:GetDataAccess"]);
            const off = await planSource({ set: { [key("lakeFormation")]: false } });
            assert.equal(statementBySid(off, "LakeFormationDataAccess"), undefined);
        });

        it('grants table/<db>/* and no single table for tables: ["*"]', async () => {
            const run = await planSource({ set: { [key("tables")]: ["*"] } });
            const glue = statementBySid(run, "GlueCatalogRead");
            assert.ok(glue);
            const tables = list(glue.Resource).filter((r) => r.includes(":table/"));
            assert.deepEqual(tables, [`${GLUE}:table/${DATABASE}/*`]);
        });

        it("names the role and its policy after roleName", async () => {
            const run = await planSource({ set: { [key("roleName")]: "GrafanaSalesReader" } });
            assert.equal(inputsOf(run, ROLE_TYPE).name, "GrafanaSalesReader");
            assert.equal(inputsOf(run, POLICY_TYPE).name, "GrafanaSalesReader-Athena");
            assert.equal(inputsOf(run, ATTACHMENT_TYPE).role, "GrafanaSalesReader");
            assert.equal(run.rawOutputs.roleArn, `arn:aws:iam::${DATA_ACCOUNT}:role/GrafanaSalesReader`);
        });

        it("applies bytesScannedCutoffPerQuery and expirationDays from config", async () => {
            const run = await planSource({
                set: {
                    [key("workgroup")]: { name: "dashboards", bytesScannedCutoffPerQuery: 10485760 },
                    [key("results")]: {
                        bucket: RESULTS_BUCKET,
                        prefix: "athena/grafana",
                        expirationDays: 30,
                    },
                },
            });
            const wg = inputsOf(run, WORKGROUP_TYPE);
            assert.equal(wg.name, "dashboards");
            assert.equal(wg.configuration.bytesScannedCutoffPerQuery, 10485760);
            assert.equal(
                wg.configuration.resultConfiguration.outputLocation,
                `s3://${RESULTS_BUCKET}/athena/grafana/`,
            );
            const [rule] = inputsOf(
                run,
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            ).rules;
            assert.deepEqual(rule.filter, { prefix: "athena/grafana/" });
            assert.deepEqual(rule.expiration, { days: 30 });
            assert.equal(run.rawOutputs.workgroup, "dashboards");
            assert.equal(run.rawOutputs.outputLocation, `s3://${RESULTS_BUCKET}/athena/grafana/`);
        });
    });

    describe("adopting what already exists", () => {
        const existingWorkgroup = { [key("workgroup")]: { name: WORKGROUP, create: false } };

        it("tags an existing workgroup without owning it: imported, retained on delete, configuration untouched", async () => {
            const run = await planSource({
                set: existingWorkgroup,
                world: { workgroups: { [WORKGROUP]: { tags: { Team: "analytics" } } } },
            });
            const wg = oneOf(run, WORKGROUP_TYPE);
            assert.equal(wg.options.import, WORKGROUP);
            assert.equal(wg.options.retainOnDelete, true, "destroy forgets the workgroup, never deletes it");
            assert.equal(wg.options.protect, false);
            assert.ok(!("configuration" in wg.inputs), "the stack never reconfigures an adopted workgroup");
            assert.ok(!("forceDestroy" in wg.inputs), "nor lets destroy delete its query history");
            assert.deepEqual(wg.options.ignoreChanges, [
                "configuration",
                "description",
                "forceDestroy",
                "state",
            ]);
            assert.equal(wg.inputs.name, WORKGROUP);
            assert.deepEqual(
                wg.inputs.tags,
                { Team: "analytics", GrafanaDataSource: "true" },
                "existing tags are kept",
            );
            assert.deepEqual(
                run.plan.reads.map((r) => ({ type: r.type, id: r.id })),
                [{ type: WORKGROUP_TYPE, id: WORKGROUP }],
                "the existing workgroup is read first",
            );
            assert.equal(run.rawOutputs.workgroup, WORKGROUP);
            assert.equal(run.rawOutputs.outputLocation, OUTPUT_LOCATION);
            // The bucket is still created: only the workgroup was adopted.
            assert.equal(byType(run, BUCKET_TYPE).length, 1);
            assertNothingProtected(run);
        });

        it("adds only the Grafana tag to an existing workgroup without tags", async () => {
            const run = await planSource({ set: existingWorkgroup });
            assert.deepEqual(oneOf(run, WORKGROUP_TYPE).inputs.tags, { GrafanaDataSource: "true" });
        });

        it("accepts an existing workgroup that enforces the same output location", async () => {
            const run = await planSource({
                set: existingWorkgroup,
                world: {
                    workgroups: {
                        [WORKGROUP]: {
                            configuration: {
                                enforceWorkgroupConfiguration: true,
                                resultConfiguration: { outputLocation: OUTPUT_LOCATION.replace(/\/$/, "") },
                            },
                        },
                    },
                },
            });
            assert.equal(run.rawOutputs.outputLocation, OUTPUT_LOCATION);
        });

        it("refuses an existing workgroup that enforces another output location, naming results and the workgroup", async () => {
            const message = await refusal(SOURCE_DIR, {
                set: existingWorkgroup,
                world: {
                    workgroups: {
                        [WORKGROUP]: {
                            configuration: {
                                enforceWorkgroupConfiguration: true,
                                resultConfiguration: { outputLocation: "s3://other/x/" },
                            },
                        },
                    },
                },
            });
            assert.match(message, /workgroup "grafana"/);
            assert.match(message, /s3:\/\/other\/x\//);
            assert.match(message, /results\.bucket/);
            assert.ok(message.includes(OUTPUT_LOCATION), message);
            // The failed run leaves nothing behind that breaks the next one.
            const next = await planSource();
            assert.deepEqual(next.plan, example.plan);
        });

        it("uses an existing results bucket without planning any S3 resource, and still grants its prefix", async () => {
            const run = await planSource({
                set: {
                    [key("results")]: { bucket: RESULTS_BUCKET, prefix: "shared/grafana/", create: false },
                },
            });
            assert.deepEqual(
                run.plan.resources.filter((r) => r.type.startsWith("aws:s3")).map((r) => r.type),
                [],
                "nothing of the existing bucket is owned",
            );
            const wg = oneOf(run, WORKGROUP_TYPE);
            assert.equal(
                (wg.inputs as any).configuration.resultConfiguration.outputLocation,
                `s3://${RESULTS_BUCKET}/shared/grafana/`,
            );
            assert.deepEqual(wg.options.dependsOn, []);
            const results = statementBySid(run, "S3ResultsReadWrite");
            assert.ok(results);
            assert.deepEqual(list(results.Resource), [`arn:aws:s3:::${RESULTS_BUCKET}/shared/grafana/*`]);
            assert.equal(run.rawOutputs.outputLocation, `s3://${RESULTS_BUCKET}/shared/grafana/`);
        });
    });

    describe("partitions", () => {
        /** Every ARN in every policy and output of a plan. */
        const arns = (run: RunResult) =>
            JSON.stringify({ inputs: run.rawInputs, outputs: run.rawOutputs }).match(
                /arn:[a-z-]+:[^"\\,\s]*/g,
            )!;

        for (const [region, partition] of [
            ["cn-north-1", "aws-cn"],
            ["us-gov-west-1", "aws-us-gov"],
        ] as const) {
            it(`builds every ARN in ${partition} for a stack in ${region}, and the IAM catalog accepts the policies`, async () => {
                const run = await planSource({
                    set: {
                        "aws:region": region,
                        [key("grafanaRoleArn")]: WORKSPACE_ROLE_ARN.replace(/^arn:aws:/, `arn:${partition}:`),
                    },
                });
                const found = arns(run);
                assert.ok(found.length > 10, found.join("\n"));
                for (const arn of found) assert.ok(arn.startsWith(`arn:${partition}:`), arn);
                assert.deepEqual(trustPolicy(run).Statement[0].Principal, {
                    AWS: `arn:${partition}:iam::${GRAFANA_ACCOUNT}:root`,
                });
                for (const policy of [
                    ...accessPolicies(run),
                    ...byType(run, "aws:s3/bucketPolicy:BucketPolicy").map((b) =>
                        JSON.parse(raw(run, b.name).policy),
                    ),
                ]) {
                    assert.deepEqual(
                        await validatePolicy(
                            policy,
                            policy.Statement.some((st: { Principal?: unknown }) => st.Principal)
                                ? "bucket"
                                : "managed",
                        ),
                        [],
                    );
                }
            });
        }

        it("refuses a region of an isolated partition, naming aws:region", async () => {
            const problems = await configProblems(SOURCE_DIR, { set: { "aws:region": "us-iso-east-1" } });
            assert.deepEqual(problems, [
                "aws:region: is in an isolated partition (aws-iso), which this program does not " +
                    'support: use a region of aws, aws-cn or aws-us-gov, got "us-iso-east-1"',
            ]);
        });

        it("refuses a workspace role or KMS key of another partition than the region's, naming the key", async () => {
            const problems = await configProblems(SOURCE_DIR, {
                set: {
                    "aws:region": "cn-north-1",
                    [key("kmsKeyArns")]: [KMS_KEY.replace("eu-west-1", "cn-north-1")],
                },
            });
            assert.deepEqual(
                problems.map((p) => p.split(": ")[0]),
                [key("grafanaRoleArn"), key("kmsKeyArns[0]")],
            );
            assert.match(
                problems[0],
                /is in the aws partition, but aws:region cn-north-1 is in aws-cn: give an ARN of the aws-cn partition/,
            );
        });
    });
});
