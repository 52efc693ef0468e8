/**
 * The data-account project (`infra-account-b`, `grafana-athena-source`) run for real under the
 * mock runtime: what it plans for the example stack and what it exports (the stack-output
 * contract). Its variants: sourcePlanVariants.test.ts; its refusals and `synth`:
 * sourceConfig.test.ts. The role's policies are evaluated by an IAM evaluator in
 * tests/components/source/sourcePolicy.test.ts.
 */
import assert from "node:assert/strict";
import { SECRET_CONTRACT_OUTPUTS, checkSourceOutputs } from "../../../shared/contract";
import { PlanResource, RunResult, SECRET } from "../../../tools/plan/mock/runtime";
import { byType, oneOf, raw } from "../../support/program";
import { SOURCE_EXAMPLE } from "../../support/examples";
import {
    ATTACHMENT_TYPE,
    DATABASE,
    DATA_ACCOUNT,
    GLUE,
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
    WORKSPACE_ROLE_ARN,
    exampleRun,
    key,
    list,
    planSource,
    statementBySid,
    trustPolicy,
} from "../../support/sourcePlan";
import {
    BUCKET_TYPE,
    BUCKET_POLICY_TYPE,
    inputsOf,
    assertNothingProtected,
    BUCKET_OUTPUTS,
} from "../../support/sourceTypes";

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
                alerts: [],
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
