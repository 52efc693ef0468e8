/**
 * The data-account project (`infra-account-b`, `grafana-athena-source`) run for real under the
 * mock runtime: what it plans for the example stack and its variants, what it exports, what it
 * adopts without owning, how it refuses bad config, and the `synth` command around it.
 * The role's policies are evaluated by an IAM evaluator in tests/components/source/sourcePolicy.test.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { CONTRACT_OUTPUTS, SECRET_CONTRACT_OUTPUTS, checkSourceOutputs } from "../../../shared/contract";
import { validatePolicy } from "../../../shared/iam/validate";
import { Plan, PlanResource, RunResult, SECRET } from "../../../tools/plan/mock/runtime";
import { SOURCE_DIR, byType, configProblems, oneOf, refusal, raw } from "../../support/program";
import { CommandRun, runProcess } from "../../support/cli";
import { SOURCE_EXAMPLE } from "../../support/examples";
import {
    ATTACHMENT_TYPE,
    DATABASE,
    DATA_BUCKET,
    DATA_ACCOUNT,
    GLUE,
    KMS_KEY,
    OTHER_KMS_KEY,
    OUTPUT_LOCATION,
    PASSWORD_TYPE,
    POLICY_TYPE,
    RESULTS_BUCKET,
    RESULTS_PREFIX,
    ROLE_ARN,
    ROLE_NAME,
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

const BUCKET_TYPE = "aws:s3/bucket:Bucket";
const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";

/** The one resource of `type` whose inputs are shown in the plan (secrets redacted). */
const inputsOf = (run: RunResult, type: string) => oneOf(run, type).inputs as Record<string, any>;

function assertNothingProtected(run: RunResult) {
    for (const r of run.plan.resources) {
        assert.equal(r.options.protect, false, `${r.name} must not be protected: destroy would stop on it`);
    }
}

/** The outputs of a source with a results bucket: every contract output but resultsMode. */
const BUCKET_OUTPUTS = CONTRACT_OUTPUTS.filter((n) => n !== "resultsMode");

describe("source project (infra-account-b) under mocks", () => {
    let example: RunResult;
    before(async () => {
        example = await exampleRun();
    });

    describe("example stack", () => {
        it("plans exactly the resources a data account needs, under the component", () => {
            const types = example.plan.resources.map((r) => r.type).sort();
            assert.deepEqual(
                types,
                [
                    ATTACHMENT_TYPE,
                    POLICY_TYPE,
                    ROLE_TYPE,
                    WORKGROUP_TYPE,
                    BUCKET_TYPE,
                    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                    "aws:s3/bucketPolicy:BucketPolicy",
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "grafana-athena:source:AthenaSourceAccess",
                    PASSWORD_TYPE,
                ].sort(),
            );
            const component = oneOf(example, "grafana-athena:source:AthenaSourceAccess");
            for (const r of example.plan.resources) {
                if (r !== component)
                    assert.equal(r.parent, component.name, `${r.name} is a child of the component`);
            }
            assert.deepEqual(
                example.plan.reads,
                [],
                "nothing pre-existing is read when everything is created",
            );
        });

        it("creates a tagged workgroup that enforces engine v3, a scan cutoff, metrics and the results location", () => {
            const wg = inputsOf(example, WORKGROUP_TYPE);
            assert.equal(wg.name, WORKGROUP);
            assert.equal(wg.tags.GrafanaDataSource, "true");
            // Athena's RecursiveDeleteOption: without it, destroy fails once a query has run there.
            assert.equal(wg.forceDestroy, true);
            assert.deepEqual(wg.configuration, {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: 10737418240,
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: OUTPUT_LOCATION,
                    encryptionConfiguration: { encryptionOption: "SSE_S3" },
                },
            });
            const options = oneOf(example, WORKGROUP_TYPE).options;
            assert.equal(options.import, null);
            assert.equal(options.retainOnDelete, false);
            assert.ok(
                options.dependsOn.includes(oneOf(example, BUCKET_POLICY_TYPE).name),
                "no query runs before the results bucket is configured",
            );
        });

        it("configures the results bucket one setting at a time, the TLS-only policy last", () => {
            // S3 refuses settings applied in parallel to a fresh bucket (OperationAborted): each
            // setting must wait for the one before, so that the order is total.
            const settings = example.plan.resources.filter(
                (r) => r.type.startsWith("aws:s3/bucket") && r.type !== BUCKET_TYPE,
            );
            assert.equal(settings.length, 5);
            const byName = new Map(example.plan.resources.map((r) => [r.name, r]));
            const waitsFor = (r: PlanResource, other: string): boolean =>
                r.options.dependsOn.some((d) => d === other || waitsFor(byName.get(d)!, other));
            const bucket = oneOf(example, BUCKET_TYPE).name;
            for (const a of settings) {
                assert.ok(waitsFor(a, bucket), `${a.name} waits for the bucket`);
                for (const b of settings) {
                    if (a !== b)
                        assert.ok(
                            waitsFor(a, b.name) || waitsFor(b, a.name),
                            `${a.name} and ${b.name} may run at the same time`,
                        );
                }
            }
            const last = oneOf(example, BUCKET_POLICY_TYPE);
            assert.ok(
                settings.every((s) => s === last || waitsFor(last, s.name)),
                "the bucket policy comes last",
            );
        });

        it("denies every request to the results bucket that does not use TLS", () => {
            const policy = JSON.parse(raw(example, oneOf(example, BUCKET_POLICY_TYPE).name).policy as string);
            assert.equal(oneOf(example, BUCKET_POLICY_TYPE).inputs.bucket, RESULTS_BUCKET);
            assert.deepEqual(policy.Statement, [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${RESULTS_BUCKET}`, `arn:aws:s3:::${RESULTS_BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
        });

        it("creates a private, owner-enforced, encrypted results bucket whose results expire", () => {
            const bucket = inputsOf(example, BUCKET_TYPE);
            assert.equal(bucket.bucket, RESULTS_BUCKET);
            assert.equal(bucket.forceDestroy, false);
            assert.equal(oneOf(example, BUCKET_TYPE).options.retainOnDelete, false);

            const pab = inputsOf(example, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
            assert.equal(pab.bucket, RESULTS_BUCKET);
            for (const k of [
                "blockPublicAcls",
                "blockPublicPolicy",
                "ignorePublicAcls",
                "restrictPublicBuckets",
            ]) {
                assert.equal(pab[k], true, `${k}`);
            }
            const ownership = inputsOf(example, "aws:s3/bucketOwnershipControls:BucketOwnershipControls");
            assert.equal(ownership.bucket, RESULTS_BUCKET);
            assert.deepEqual(ownership.rule, { objectOwnership: "BucketOwnerEnforced" });

            const sse = inputsOf(
                example,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            );
            assert.equal(sse.bucket, RESULTS_BUCKET);
            assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);

            const lifecycle = inputsOf(
                example,
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            );
            assert.equal(lifecycle.bucket, RESULTS_BUCKET);
            assert.equal(lifecycle.rules.length, 1);
            const [rule] = lifecycle.rules;
            assert.equal(rule.status, "Enabled");
            assert.deepEqual(rule.filter, { prefix: RESULTS_PREFIX }, "only the results prefix expires");
            assert.deepEqual(rule.expiration, { days: 7 }, "expirationDays of the example");
        });

        it("creates the role Grafana assumes, with one access policy attached", () => {
            const role = inputsOf(example, ROLE_TYPE);
            assert.equal(role.name, ROLE_NAME);
            assert.equal(role.maxSessionDuration, 3600);
            assert.equal(
                role.tags.GrafanaDataSource,
                "true",
                "the workspace may assume only roles with the tag",
            );
            assert.ok(typeof role.assumeRolePolicy === "string");

            const policies = byType(example, POLICY_TYPE);
            const attachments = byType(example, ATTACHMENT_TYPE);
            assert.equal(policies.length, 1);
            assert.equal(policies[0].inputs.name, `${ROLE_NAME}-Athena`);
            assert.equal(attachments.length, 1);
            assert.equal(attachments[0].inputs.role, ROLE_NAME);
            assert.equal(
                attachments[0].inputs.policyArn,
                `arn:aws:iam::${DATA_ACCOUNT}:policy/${ROLE_NAME}-Athena`,
            );
            assert.ok(attachments[0].options.dependsOn.includes(policies[0].name));
            assert.ok(attachments[0].options.dependsOn.includes(oneOf(example, ROLE_TYPE).name));

            // The trust policy pins the workspace role of the Grafana account.
            const trust = trustPolicy(example);
            assert.equal(trust.Statement.length, 1);
            assert.deepEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::111122223333:root` });
            assert.deepEqual(trust.Statement[0].Condition?.ArnEquals, {
                "aws:PrincipalArn": WORKSPACE_ROLE_ARN,
            });
        });

        it("grants the listed tables one by one, and no KMS or Lake Formation by default", () => {
            const glue = statementBySid(example, "GlueCatalogRead");
            assert.ok(glue, "a Glue statement");
            assert.deepEqual(list(glue.Resource).sort(), [
                `${GLUE}:catalog`,
                `${GLUE}:database/${DATABASE}`,
                `${GLUE}:table/${DATABASE}/customers`,
                `${GLUE}:table/${DATABASE}/orders`,
            ]);
            assert.equal(statementBySid(example, "KmsDataAndResults"), undefined);
            assert.equal(statementBySid(example, "LakeFormationDataAccess"), undefined);
        });

        it("protects nothing, so that destroy removes what it created", () => {
            assertNothingProtected(example);
        });
    });

    describe("outputs: the stack-output contract", () => {
        it("exports exactly the contract names, with the example's values", () => {
            assert.deepEqual(Object.keys(example.plan.outputs).sort(), [...BUCKET_OUTPUTS].sort());
            assert.deepEqual(Object.keys(example.rawOutputs).sort(), [...BUCKET_OUTPUTS].sort());
            const { externalId, ...rest } = example.rawOutputs;
            assert.deepEqual(rest, {
                contractVersion: 1,
                accountId: DATA_ACCOUNT,
                region: "eu-west-1",
                roleArn: ROLE_ARN,
                catalog: "AwsDataCatalog",
                database: DATABASE,
                workgroup: WORKGROUP,
                outputLocation: OUTPUT_LOCATION,
                label: "Sales",
                // What the workspace checks panels against, and the example's own panels.
                tables: SOURCE_EXAMPLE.tables,
                panels: SOURCE_EXAMPLE.panels,
                variables: [],
                teams: [],
            });
            assert.equal(typeof externalId, "string");
            // What the workspace stack will accept.
            assert.doesNotThrow(() =>
                checkSourceOutputs("organization/grafana-athena-source/example", example.rawOutputs),
            );
        });

        it("keeps the external ID long, random-generated and secret everywhere in the plan", () => {
            const externalId = example.rawOutputs.externalId as string;
            assert.ok(externalId.length >= 32, `external ID of ${externalId.length} characters`);
            assert.deepEqual(example.plan.secretOutputs, [...SECRET_CONTRACT_OUTPUTS]);
            assert.ok(example.plan.secretOutputs.includes("externalId"));
            assert.equal(example.plan.outputs.externalId, SECRET);

            const password = oneOf(example, PASSWORD_TYPE);
            assert.ok(Number(password.inputs.length) >= 32);
            assert.ok(
                password.options.additionalSecretOutputs.includes("result"),
                "the generated value is a secret in state",
            );

            // The trust policy requires the exported value, and the plan shows it redacted.
            assert.equal(
                trustPolicy(example).Statement[0].Condition?.StringEquals?.["sts:ExternalId"],
                externalId,
            );
            const plannedTrust = JSON.parse(inputsOf(example, ROLE_TYPE).assumeRolePolicy as string);
            assert.equal(plannedTrust.Statement[0].Condition.StringEquals["sts:ExternalId"], SECRET);
            assert.ok(
                !JSON.stringify(example.plan).includes(externalId),
                "the clear external ID appears nowhere in the plan",
            );
        });

        it("labels the source by workgroup and account when no label is set", async () => {
            const run = await planSource({ unset: [key("label")] });
            assert.equal(run.rawOutputs.label, `${WORKGROUP} (${DATA_ACCOUNT})`);
        });

        it("plans the same thing twice", async () => {
            const again = await planSource();
            assert.deepEqual(
                JSON.parse(JSON.stringify(again.plan)),
                JSON.parse(JSON.stringify(example.plan)),
            );
            assert.deepEqual(again.rawOutputs, example.rawOutputs, "the same external ID in clear, too");
        });
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
                'aws:region: is in an isolated partition (aws-iso), which this program does not support: use a region of aws, aws-cn or aws-us-gov, got "us-iso-east-1"',
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

    describe("bad config", () => {
        it('a results prefix of "" in an existing bucket, and results that overlap a data location', async () => {
            const existing = await configProblems(SOURCE_DIR, {
                set: {
                    [key("results")]: { bucket: "shared-bucket-222233334444", prefix: "", create: false },
                },
            });
            assert.deepEqual(existing, [
                `${key("results.prefix")}: must name a prefix of its own in an existing bucket (results.create false): "" would give Grafana write on all of shared-bucket-222233334444; use a prefix such as grafana/`,
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
                    `^${key("results")}: s3://${DATA_BUCKET}/warehouse/orders/results/ overlaps dataLocations\\[0\\] s3://${DATA_BUCKET}/warehouse/orders/: Grafana would get write on table data`,
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
        // The entry point's own test: synth as a process, its exit codes and streams (other tests call its main).
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

    it("raw inputs agree with the plan apart from the secret", () => {
        // The plan hides only what is secret: every other input is shown as it is.
        const role = oneOf(example, ROLE_TYPE);
        const clear = raw(example, role.name);
        const externalId = example.rawOutputs.externalId as string;
        assert.equal(
            role.inputs.assumeRolePolicy,
            (clear.assumeRolePolicy as string).split(externalId).join(SECRET),
        );
        const policy = oneOf(example, POLICY_TYPE);
        assert.equal(policy.inputs.policy, raw(example, policy.name).policy);
    });
});
