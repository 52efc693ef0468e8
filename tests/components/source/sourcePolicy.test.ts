/**
 * The source role's policies as the real program plans them (infra-account-b under the mocks),
 * evaluated by an IAM policy evaluator (@cloud-copilot/iam-simulate, see tests/support/simulate.ts):
 * who may assume the role, and what the role may and may not do.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { checkedPolicyText } from "../../../shared/iam/checked";
import {
    PolicyDocument,
    PolicyError,
    PolicyJson,
    PolicyStatement,
    StatementProps,
} from "../../../shared/iam/policy";
import { ATHENA_METADATA_ACTIONS, sourceAccessPolicies } from "../../../shared/policies/sourceRole";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { oneOf, raw } from "../../support/program";
import { Context, decide, identityAllows, trustAllows } from "../../support/simulate";
import {
    DATABASE,
    DATA_ACCOUNT,
    DATA_BUCKET,
    GLUE,
    GRAFANA_ACCOUNT,
    KMS_KEY,
    OTHER_KMS_KEY,
    REGION,
    RESULTS_BUCKET,
    ROLE_ARN,
    ROLE_NAME,
    WORKGROUP_ARN,
    WORKSPACE_ROLE_ARN,
    accessPolicies,
    exampleRun,
    key,
    list,
    planSource,
    statements,
    trustPolicy,
} from "../../support/sourcePlan";

/** A session of the source role, as Grafana holds it after sts:AssumeRole. */
const SESSION = `arn:aws:sts::${DATA_ACCOUNT}:assumed-role/${ROLE_NAME}/grafana-athena`;
const TAGGED: Context = { "aws:ResourceTag/GrafanaDataSource": "true" };
const s3Object = (bucket: string, objectKey: string) => `arn:aws:s3:::${bucket}/${objectKey}`;

/**
 * The default key policy of a KMS key: it lets the account's IAM policies grant use of the key
 * (without it, no identity policy can).
 */
const DEFAULT_KEY_POLICY: PolicyJson = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "EnableIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${DATA_ACCOUNT}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ],
};

/** A row of an allow/deny matrix. */
interface Case {
    action: string;
    resource: string;
    context?: Context;
    /** The resource's own policy, when the service needs one (a KMS key policy). */
    resourcePolicy?: PolicyJson;
    allowed: boolean;
    why: string;
}

async function checkMatrix(policies: PolicyJson[], cases: Case[]) {
    const wrong: string[] = [];
    for (const c of cases) {
        const got = c.resourcePolicy
            ? (await decide({
                  identityPolicies: policies,
                  resourcePolicy: c.resourcePolicy,
                  principal: SESSION,
                  action: c.action,
                  resource: c.resource,
                  resourceAccount: DATA_ACCOUNT,
                  context: c.context,
              })) === "Allowed"
            : await identityAllows(policies, SESSION, c.action, c.resource, c.context);
        if (got !== c.allowed) {
            wrong.push(
                `${c.action} on ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""}: expected ${c.allowed ? "allowed" : "denied"} (${c.why})`,
            );
        }
    }
    assert.deepEqual(wrong, []);
}

describe("source role policies (planned by infra-account-b), evaluated", function () {
    this.timeout(60_000);
    let example: RunResult;
    let policies: PolicyJson[];
    before(async () => {
        example = await exampleRun();
        policies = accessPolicies(example);
    });

    describe("access policy", () => {
        it("Athena: queries only through the stack's own workgroup, and only while it is tagged GrafanaDataSource=true", async () => {
            await checkMatrix(policies, [
                {
                    action: "athena:StartQueryExecution",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: true,
                    why: "tagged workgroup",
                },
                {
                    action: "athena:GetQueryResults",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: true,
                    why: "tagged workgroup",
                },
                {
                    action: "athena:GetQueryExecution",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: true,
                    why: "tagged workgroup",
                },
                {
                    action: "athena:StopQueryExecution",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: true,
                    why: "tagged workgroup",
                },
                {
                    action: "athena:GetWorkGroup",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: true,
                    why: "tagged workgroup",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: WORKGROUP_ARN,
                    allowed: false,
                    why: "untagged workgroup",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: `arn:aws:athena:${REGION}:${DATA_ACCOUNT}:workgroup/primary`,
                    allowed: false,
                    why: "the untagged primary workgroup",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: `arn:aws:athena:${REGION}:${DATA_ACCOUNT}:workgroup/finance`,
                    context: TAGGED,
                    allowed: false,
                    why: "another workgroup, even tagged",
                },
                {
                    action: "athena:GetQueryResults",
                    resource: `arn:aws:athena:${REGION}:${DATA_ACCOUNT}:workgroup/finance`,
                    context: TAGGED,
                    allowed: false,
                    why: "another workgroup's results",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: WORKGROUP_ARN,
                    context: { "aws:ResourceTag/GrafanaDataSource": "false" },
                    allowed: false,
                    why: 'tag value "false"',
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: WORKGROUP_ARN,
                    context: { "aws:ResourceTag/GrafanaDataSource": "True" },
                    allowed: false,
                    why: "the tag value is exact",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: `arn:aws:athena:us-east-1:${DATA_ACCOUNT}:workgroup/grafana`,
                    context: TAGGED,
                    allowed: false,
                    why: "another region",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: `arn:aws:athena:${REGION}:444455556666:workgroup/grafana`,
                    context: TAGGED,
                    allowed: false,
                    why: "another account",
                },
                { action: "athena:ListWorkGroups", resource: "*", allowed: true, why: "metadata read" },
                {
                    action: "athena:DeleteWorkGroup",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: false,
                    why: "no workgroup changes",
                },
                {
                    action: "athena:UpdateWorkGroup",
                    resource: WORKGROUP_ARN,
                    context: TAGGED,
                    allowed: false,
                    why: "no workgroup changes",
                },
                {
                    action: "athena:CreateWorkGroup",
                    resource: `arn:aws:athena:${REGION}:${DATA_ACCOUNT}:workgroup/mine`,
                    allowed: false,
                    why: "no new workgroups",
                },
            ]);
        });

        it("Glue: the catalog, the one database and the listed tables", async () => {
            await checkMatrix(policies, [
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/${DATABASE}/orders`,
                    allowed: true,
                    why: "a granted table",
                },
                {
                    action: "glue:GetPartitions",
                    resource: `${GLUE}:table/${DATABASE}/customers`,
                    allowed: true,
                    why: "a granted table",
                },
                {
                    action: "glue:GetDatabase",
                    resource: `${GLUE}:database/${DATABASE}`,
                    allowed: true,
                    why: "the database",
                },
                {
                    action: "glue:GetDatabase",
                    resource: `${GLUE}:catalog`,
                    allowed: true,
                    why: "the catalog",
                },
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/${DATABASE}/payroll`,
                    allowed: false,
                    why: "a table not listed",
                },
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/hr/orders`,
                    allowed: false,
                    why: "another database",
                },
                {
                    action: "glue:GetDatabase",
                    resource: `${GLUE}:database/hr`,
                    allowed: false,
                    why: "another database",
                },
                {
                    action: "glue:GetTable",
                    resource: `arn:aws:glue:${REGION}:444455556666:table/${DATABASE}/orders`,
                    allowed: false,
                    why: "another account's catalog",
                },
                {
                    action: "glue:DeleteTable",
                    resource: `${GLUE}:table/${DATABASE}/orders`,
                    allowed: false,
                    why: "read only",
                },
                {
                    action: "glue:UpdateTable",
                    resource: `${GLUE}:table/${DATABASE}/orders`,
                    allowed: false,
                    why: "read only",
                },
                {
                    action: "glue:CreateTable",
                    resource: `${GLUE}:table/${DATABASE}/new`,
                    allowed: false,
                    why: "read only",
                },
                {
                    action: "glue:DeleteDatabase",
                    resource: `${GLUE}:database/${DATABASE}`,
                    allowed: false,
                    why: "read only",
                },
            ]);
        });

        it("S3 data: read-only, and only under the data locations", async () => {
            const orders = s3Object(DATA_BUCKET, "warehouse/orders/year=2026/part-0000.parquet");
            await checkMatrix(policies, [
                { action: "s3:GetObject", resource: orders, allowed: true, why: "a data location" },
                {
                    action: "s3:GetObject",
                    resource: s3Object(DATA_BUCKET, "warehouse/customers/part-0000.parquet"),
                    allowed: true,
                    why: "a data location",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    context: { "s3:prefix": "warehouse/orders/" },
                    allowed: true,
                    why: "listing a data location",
                },
                {
                    action: "s3:GetBucketLocation",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    allowed: true,
                    why: "Athena asks where the data is",
                },
                { action: "s3:PutObject", resource: orders, allowed: false, why: "data is read-only" },
                { action: "s3:DeleteObject", resource: orders, allowed: false, why: "data is read-only" },
                {
                    action: "s3:GetObject",
                    resource: s3Object(DATA_BUCKET, "warehouse/payroll/part-0000.parquet"),
                    allowed: false,
                    why: "outside the data locations",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object(DATA_BUCKET, "warehouse/orders-archive/part-0000.parquet"),
                    allowed: false,
                    why: "a sibling prefix with the same start",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object("another-bucket", "warehouse/orders/part-0000.parquet"),
                    allowed: false,
                    why: "another bucket",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    context: { "s3:prefix": "warehouse/payroll/" },
                    allowed: false,
                    why: "listing outside the data locations",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    context: { "s3:prefix": "warehouse/orders_pii/" },
                    allowed: false,
                    why: "a sibling whose name starts like a data location",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    context: { "s3:prefix": "warehouse/orders" },
                    allowed: false,
                    why: "the bare prefix lists siblings too",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    context: { "s3:prefix": "warehouse/orders/year=2026/" },
                    allowed: true,
                    why: "a partition of a data location",
                },
                {
                    action: "s3:DeleteBucket",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    allowed: false,
                    why: "never",
                },
                {
                    action: "s3:PutBucketPolicy",
                    resource: `arn:aws:s3:::${DATA_BUCKET}`,
                    allowed: false,
                    why: "never",
                },
            ]);
        });

        it("S3 results: read and write under the results prefix only", async () => {
            await checkMatrix(policies, [
                {
                    action: "s3:PutObject",
                    resource: s3Object(RESULTS_BUCKET, "grafana/0a1b2c.csv"),
                    allowed: true,
                    why: "Athena writes results",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object(RESULTS_BUCKET, "grafana/0a1b2c.csv"),
                    allowed: true,
                    why: "Grafana reads results",
                },
                {
                    action: "s3:AbortMultipartUpload",
                    resource: s3Object(RESULTS_BUCKET, "grafana/0a1b2c.csv"),
                    allowed: true,
                    why: "large results",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: true,
                    why: "the results bucket",
                },
                {
                    action: "s3:GetBucketLocation",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: true,
                    why: "the results bucket",
                },
                {
                    action: "s3:PutObject",
                    resource: s3Object(RESULTS_BUCKET, "other/0a1b2c.csv"),
                    allowed: false,
                    why: "outside the results prefix",
                },
                {
                    action: "s3:PutObject",
                    resource: s3Object(RESULTS_BUCKET, "grafana.csv"),
                    allowed: false,
                    why: "outside the results prefix",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object(RESULTS_BUCKET, "other/0a1b2c.csv"),
                    allowed: false,
                    why: "outside the results prefix",
                },
                {
                    action: "s3:DeleteBucket",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: false,
                    why: "never",
                },
                {
                    action: "s3:PutBucketPolicy",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: false,
                    why: "never",
                },
                {
                    action: "s3:PutLifecycleConfiguration",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: false,
                    why: "never",
                },
            ]);
        });

        it("S3 results: the bucket policy denies every request without TLS, the role's included", async () => {
            const bucketPolicy = JSON.parse(
                raw(example, oneOf(example, "aws:s3/bucketPolicy:BucketPolicy").name).policy as string,
            ) as PolicyJson;
            const tls = { "aws:SecureTransport": "true" };
            const plain = { "aws:SecureTransport": "false" };
            const object = s3Object(RESULTS_BUCKET, "grafana/0a1b2c.csv");
            await checkMatrix(policies, [
                {
                    action: "s3:PutObject",
                    resource: object,
                    resourcePolicy: bucketPolicy,
                    context: tls,
                    allowed: true,
                    why: "Athena writes results over TLS",
                },
                {
                    action: "s3:GetObject",
                    resource: object,
                    resourcePolicy: bucketPolicy,
                    context: tls,
                    allowed: true,
                    why: "results are read over TLS",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    resourcePolicy: bucketPolicy,
                    context: tls,
                    allowed: true,
                    why: "over TLS",
                },
                {
                    action: "s3:PutObject",
                    resource: object,
                    resourcePolicy: bucketPolicy,
                    context: plain,
                    allowed: false,
                    why: "no TLS",
                },
                {
                    action: "s3:GetObject",
                    resource: object,
                    resourcePolicy: bucketPolicy,
                    context: plain,
                    allowed: false,
                    why: "no TLS",
                },
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    resourcePolicy: bucketPolicy,
                    context: plain,
                    allowed: false,
                    why: "no TLS",
                },
            ]);
            // Nobody else, with any permission of their own: the Deny is for every principal.
            const admin: PolicyJson = {
                Version: "2012-10-17",
                Statement: [{ Sid: "Admin", Effect: "Allow", Action: "*", Resource: "*" }],
            };
            const adminRole = `arn:aws:iam::${DATA_ACCOUNT}:role/Admin`;
            for (const action of ["s3:GetObject", "s3:DeleteObject"]) {
                const decision = await decide({
                    identityPolicies: [admin],
                    resourcePolicy: bucketPolicy,
                    principal: adminRole,
                    action,
                    resource: object,
                    resourceAccount: DATA_ACCOUNT,
                    context: plain,
                });
                assert.equal(decision, "ExplicitlyDenied", action);
            }
        });

        it("nothing else: no IAM, STS, KMS or Lake Formation by default", async () => {
            await checkMatrix(policies, [
                {
                    action: "iam:CreateRole",
                    resource: `arn:aws:iam::${DATA_ACCOUNT}:role/escalate`,
                    allowed: false,
                    why: "no IAM",
                },
                { action: "iam:PassRole", resource: ROLE_ARN, allowed: false, why: "no IAM" },
                { action: "iam:AttachRolePolicy", resource: ROLE_ARN, allowed: false, why: "no IAM" },
                { action: "iam:PutRolePolicy", resource: ROLE_ARN, allowed: false, why: "no IAM" },
                { action: "iam:UpdateAssumeRolePolicy", resource: ROLE_ARN, allowed: false, why: "no IAM" },
                {
                    action: "sts:AssumeRole",
                    resource: `arn:aws:iam::${DATA_ACCOUNT}:role/Admin`,
                    allowed: false,
                    why: "no role chaining",
                },
                {
                    action: "kms:Decrypt",
                    resource: KMS_KEY,
                    resourcePolicy: DEFAULT_KEY_POLICY,
                    allowed: false,
                    why: "no KMS key configured",
                },
                {
                    action: "lakeformation:GetDataAccess",
                    resource: "*",
                    allowed: false,
                    why: "Lake Formation not enabled",
                },
                { action: "s3:ListAllMyBuckets", resource: "*", allowed: false, why: "no account-wide S3" },
                {
                    action: "glue:GetDatabases",
                    resource: `arn:aws:glue:us-east-1:${DATA_ACCOUNT}:catalog`,
                    allowed: false,
                    why: "another region's catalog",
                },
            ]);
        });

        it("has no wildcard actions, no Deny/NotAction tricks, and only reads on Resource *", () => {
            const readOnStar = new Set([...ATHENA_METADATA_ACTIONS, "lakeformation:GetDataAccess"]);
            for (const s of statements(example)) {
                assert.equal(s.Effect, "Allow", s.Sid);
                assert.equal(s.NotAction, undefined, s.Sid);
                assert.equal(s.NotResource, undefined, s.Sid);
                for (const a of list(s.Action)) assert.ok(!/[*?]/.test(a), `${s.Sid}: wildcard action ${a}`);
                if (list(s.Resource).includes("*")) {
                    for (const a of list(s.Action))
                        assert.ok(readOnStar.has(a), `${s.Sid}: ${a} on Resource "*"`);
                }
            }
        });
    });

    describe("trust policy", () => {
        let trust: PolicyJson;
        let externalId: string;
        before(() => {
            trust = trustPolicy(example);
            externalId = example.rawOutputs.externalId as string;
        });

        it("lets the workspace role assume the source role with the external ID", async () => {
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, { "sts:ExternalId": externalId }),
                true,
            );
        });

        it("lets a session of the workspace role (how AMG calls) assume it with the external ID", async () => {
            // AWS sets aws:PrincipalArn of a role session to the role's ARN, path included.
            const session = `arn:aws:sts::${GRAFANA_ACCOUNT}:assumed-role/AmazonGrafanaServiceRole-ba0ee73bc/grafana`;
            assert.equal(
                await trustAllows(trust, ROLE_ARN, session, {
                    "sts:ExternalId": externalId,
                    "aws:PrincipalArn": WORKSPACE_ROLE_ARN,
                }),
                true,
            );
        });

        it("refuses a wrong or missing external ID", async () => {
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, {
                    "sts:ExternalId": "not-the-external-id",
                }),
                false,
            );
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, {
                    "sts:ExternalId": externalId.slice(0, -1),
                }),
                false,
            );
            assert.equal(await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN), false);
        });

        it("refuses any other principal of the Grafana account, even with the external ID", async () => {
            for (const other of [
                `arn:aws:iam::${GRAFANA_ACCOUNT}:role/SomeOtherRole`,
                `arn:aws:iam::${GRAFANA_ACCOUNT}:role/AmazonGrafanaServiceRole-ba0ee73bc`, // same name, no path: another role
                `arn:aws:iam::${GRAFANA_ACCOUNT}:user/alice`,
                `arn:aws:iam::${GRAFANA_ACCOUNT}:root`,
            ]) {
                assert.equal(
                    await trustAllows(trust, ROLE_ARN, other, { "sts:ExternalId": externalId }),
                    false,
                    other,
                );
            }
        });

        it("refuses principals of other accounts, even with the external ID", async () => {
            for (const other of [
                `arn:aws:iam::444455556666:role/service-role/AmazonGrafanaServiceRole-ba0ee73bc`,
                `arn:aws:iam::${DATA_ACCOUNT}:role/SomeRoleInTheDataAccount`,
            ]) {
                assert.equal(
                    await trustAllows(trust, ROLE_ARN, other, { "sts:ExternalId": externalId }),
                    false,
                    other,
                );
            }
            assert.equal(
                await trustAllows(trust, ROLE_ARN, "grafana.amazonaws.com", { "sts:ExternalId": externalId }),
                false,
                "the Grafana service itself",
            );
        });
    });

    describe("variants, evaluated", () => {
        it("KMS: Decrypt and GenerateDataKey on the listed keys only, and only through S3 in the region", async () => {
            const run = await planSource({ set: { [key("kmsKeyArns")]: [KMS_KEY] } });
            const resourcePolicy = DEFAULT_KEY_POLICY;
            const s3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com` };
            await checkMatrix(accessPolicies(run), [
                {
                    action: "kms:Decrypt",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: true,
                    why: "S3 reads encrypted data",
                },
                {
                    action: "kms:GenerateDataKey",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: true,
                    why: "S3 writes encrypted results",
                },
                {
                    action: "kms:Decrypt",
                    resource: KMS_KEY,
                    resourcePolicy,
                    allowed: false,
                    why: "directly, with the role's credentials",
                },
                {
                    action: "kms:Decrypt",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: { "kms:ViaService": `glue.${REGION}.amazonaws.com` },
                    allowed: false,
                    why: "through another service",
                },
                {
                    action: "kms:Decrypt",
                    resource: OTHER_KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: false,
                    why: "a key not listed",
                },
                {
                    action: "kms:Encrypt",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: false,
                    why: "not needed",
                },
                {
                    action: "kms:ScheduleKeyDeletion",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: false,
                    why: "never",
                },
                {
                    action: "kms:PutKeyPolicy",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: false,
                    why: "never",
                },
            ]);
            // The same key for the example (no kmsKeyArns): denied even though the key policy defers to IAM.
            await checkMatrix(policies, [
                {
                    action: "kms:Decrypt",
                    resource: KMS_KEY,
                    resourcePolicy,
                    context: s3,
                    allowed: false,
                    why: "no key configured",
                },
            ]);
        });

        it("Lake Formation: GetDataAccess when enabled", async () => {
            const run = await planSource({ set: { [key("lakeFormation")]: true } });
            await checkMatrix(accessPolicies(run), [
                {
                    action: "lakeformation:GetDataAccess",
                    resource: "*",
                    allowed: true,
                    why: "Lake Formation governs the tables",
                },
                {
                    action: "lakeformation:GrantPermissions",
                    resource: "*",
                    allowed: false,
                    why: "only data access",
                },
            ]);
        });

        it("all tables: every table of the database, and still no other database", async () => {
            const run = await planSource({ set: { [key("tables")]: ["*"] } });
            await checkMatrix(accessPolicies(run), [
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/${DATABASE}/orders`,
                    allowed: true,
                    why: "all tables",
                },
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/${DATABASE}/payroll`,
                    allowed: true,
                    why: "all tables",
                },
                {
                    action: "glue:GetTable",
                    resource: `${GLUE}:table/hr/payroll`,
                    allowed: false,
                    why: "another database",
                },
                {
                    action: "glue:GetDatabase",
                    resource: `${GLUE}:database/hr`,
                    allowed: false,
                    why: "another database",
                },
            ]);
        });

        it("existing results bucket: the results prefix is still granted", async () => {
            const run = await planSource({
                set: {
                    [key("results")]: {
                        bucket: "shared-athena-results",
                        prefix: "teams/grafana/",
                        create: false,
                    },
                },
            });
            await checkMatrix(accessPolicies(run), [
                {
                    action: "s3:PutObject",
                    resource: s3Object("shared-athena-results", "teams/grafana/q.csv"),
                    allowed: true,
                    why: "the results prefix",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object("shared-athena-results", "teams/grafana/q.csv"),
                    allowed: true,
                    why: "the results prefix",
                },
                {
                    action: "s3:PutObject",
                    resource: s3Object("shared-athena-results", "teams/finance/q.csv"),
                    allowed: false,
                    why: "another team's prefix",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object("shared-athena-results", "teams/finance/q.csv"),
                    allowed: false,
                    why: "another team's prefix",
                },
                {
                    action: "s3:DeleteBucket",
                    resource: "arn:aws:s3:::shared-athena-results",
                    allowed: false,
                    why: "never",
                },
            ]);
        });

        it("results in a data bucket under their own prefix: listing outside both prefixes denied, Athena's needs allowed", async () => {
            const run = await planSource({
                set: { [key("results")]: { bucket: DATA_BUCKET, prefix: "grafana-results/", create: false } },
            });
            const bucket = `arn:aws:s3:::${DATA_BUCKET}`;
            await checkMatrix(accessPolicies(run), [
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    allowed: false,
                    why: "no prefix: the whole data bucket",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "" },
                    allowed: false,
                    why: "the empty prefix: the whole data bucket",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "warehouse/payroll/" },
                    allowed: false,
                    why: "outside the data and results prefixes",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "grafana-results-other/" },
                    allowed: false,
                    why: "a sibling of the results prefix",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "grafana-results" },
                    allowed: false,
                    why: "the bare results prefix lists siblings too",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "grafana-results/" },
                    allowed: true,
                    why: "Athena lists its results",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "grafana-results/2026/12/" },
                    allowed: true,
                    why: "under the results prefix",
                },
                {
                    action: "s3:ListBucket",
                    resource: bucket,
                    context: { "s3:prefix": "warehouse/orders/" },
                    allowed: true,
                    why: "a data location",
                },
                {
                    action: "s3:GetBucketLocation",
                    resource: bucket,
                    allowed: true,
                    why: "Athena checks where the output bucket is",
                },
                {
                    action: "s3:PutObject",
                    resource: s3Object(DATA_BUCKET, "grafana-results/q.csv"),
                    allowed: true,
                    why: "Athena writes results",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object(DATA_BUCKET, "grafana-results/q.csv"),
                    allowed: true,
                    why: "GetQueryResults reads them",
                },
                {
                    action: "s3:AbortMultipartUpload",
                    resource: s3Object(DATA_BUCKET, "grafana-results/q.csv"),
                    allowed: true,
                    why: "large results",
                },
                {
                    action: "s3:ListMultipartUploadParts",
                    resource: s3Object(DATA_BUCKET, "grafana-results/q.csv"),
                    allowed: true,
                    why: "large results",
                },
                {
                    action: "s3:PutObject",
                    resource: s3Object(DATA_BUCKET, "warehouse/orders/q.csv"),
                    allowed: false,
                    why: "data stays read-only",
                },
                {
                    action: "s3:GetObject",
                    resource: s3Object(DATA_BUCKET, "warehouse/payroll/p.parquet"),
                    allowed: false,
                    why: "outside both prefixes",
                },
            ]);
            // In a bucket of its own the listing stays unconditioned (Athena's check of the output bucket).
            await checkMatrix(policies, [
                {
                    action: "s3:ListBucket",
                    resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                    allowed: true,
                    why: "the results bucket's own check",
                },
            ]);
        });

        it("existing workgroup: the same trust and access as a created one", async () => {
            const run = await planSource({
                set: { [key("workgroup")]: { name: "grafana", create: false } },
                world: { workgroups: { grafana: { tags: { Team: "analytics" } } } },
            });
            assert.deepEqual(accessPolicies(run), policies);
            assert.deepEqual(trustPolicy(run), trustPolicy(example));
        });
    });
});

describe("the policy builder refuses IAM policy variables it was not given", () => {
    const statement = (props: Partial<StatementProps>) => () =>
        new PolicyStatement({
            sid: "S3Read",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::b/data/*"],
            ...props,
        });

    it("in a Resource, a NotResource or a Condition value, however it is written", () => {
        for (const props of [
            { resources: ["arn:aws:s3:::b/${aws:username}/*"] },
            { resources: ["arn:aws:s3:::b/${aws:PrincipalTag/team}/*"] },
            { resources: ["arn:aws:s3:::b/${*}/*"] },
            { resources: ["arn:aws:s3:::b/${unclosed/*"] },
            { notResources: ["arn:aws:s3:::b/${aws:userid}/*"], resources: [] },
            { conditions: { StringLike: { "s3:prefix": ["${aws:username}/*"] } } },
        ] as Partial<StatementProps>[]) {
            assert.throws(
                statement(props),
                (e: Error) => e instanceof PolicyError && /would be an IAM policy variable/.test(e.message),
                JSON.stringify(props),
            );
        }
    });

    it("accepts a variable the statement declares, and plain values with braces that are not one", () => {
        assert.doesNotThrow(
            statement({
                resources: ["arn:aws:s3:::b/home/${aws:username}/*"],
                policyVariables: ["${aws:username}"],
            }),
        );
        assert.throws(
            statement({
                resources: ["arn:aws:s3:::b/home/${aws:userid}/*"],
                policyVariables: ["${aws:username}"],
            }),
            PolicyError,
        );
        assert.doesNotThrow(statement({ resources: ["arn:aws:s3:::b/{ACCOUNT_ID}/*"] }));
    });

    it("checks values that were Outputs once they are resolved, before the policy is sent", async () => {
        const doc = new PolicyDocument("p", "managed", [
            new PolicyStatement({
                sid: "S3Read",
                actions: ["s3:GetObject"],
                resources: [pulumi.output("arn:aws:s3:::b/x/*")],
            }),
        ]);
        const json: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/${aws:username}/*",
                },
            ],
        };
        await assert.rejects(
            checkedPolicyText(doc, json, "none"),
            /statement "S3Read": "\$\{aws:username\}" in a Resource or Condition value would be an IAM policy variable/,
        );
        await assert.doesNotReject(
            checkedPolicyText(
                doc,
                { ...json, Statement: [{ ...json.Statement[0], Resource: "arn:aws:s3:::b/x/*" }] },
                "none",
            ),
        );
    });

    it("is right to: the evaluator expands a variable per caller (one policy, each user's own prefix)", async () => {
        const variable: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/${aws:username}/*",
                },
            ],
        };
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/alice",
                "s3:GetObject",
                "arn:aws:s3:::b/alice/x",
                { "aws:username": "alice" },
            ),
            true,
        );
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/bob",
                "s3:GetObject",
                "arn:aws:s3:::b/bob/x",
                { "aws:username": "bob" },
            ),
            true,
        );
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/bob",
                "s3:GetObject",
                "arn:aws:s3:::b/alice/x",
                { "aws:username": "bob" },
            ),
            false,
        );
    });
});

describe("the source role's S3 statements with a results prefix in a data bucket (pure)", () => {
    it("keeps the results listing out of the data listing: conditioned, in a statement of its own", () => {
        const docs = sourceAccessPolicies({
            policyName: "p",
            accountId: "222233334444",
            region: "eu-west-1",
            catalog: "AwsDataCatalog",
            database: "sales",
            workgroup: "grafana",
            tables: ["orders"],
            dataLocations: [{ bucket: "data", prefix: "warehouse/" }],
            results: { bucket: "data", prefix: "results/" },
        });
        const all = docs.flatMap((d) => d.toJSON().Statement);
        const lists = all.filter((st) => [st.Action].flat().includes("s3:ListBucket"));
        assert.deepEqual(
            lists.map((st) => [st.Sid, st.Condition]),
            [
                ["S3DataList1", { StringLike: { "s3:prefix": ["warehouse/", "warehouse/*"] } }],
                ["S3ResultsList", { StringLike: { "s3:prefix": ["results/", "results/*"] } }],
            ],
        );
        assert.throws(
            () =>
                sourceAccessPolicies({
                    policyName: "p",
                    accountId: "222233334444",
                    region: "eu-west-1",
                    catalog: "c",
                    database: "d",
                    workgroup: "w",
                    tables: ["t"],
                    dataLocations: [{ bucket: "data", prefix: "warehouse/" }],
                    results: { bucket: "data", prefix: "" },
                }),
            PolicyError,
        );
    });
});
