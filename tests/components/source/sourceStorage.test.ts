/**
 * The source role's S3 access, planned and evaluated: read-only under the data locations, read and
 * write under the results prefix only, TLS required; and the results listing kept apart.
 */
import assert from "node:assert/strict";
import { PolicyError, PolicyJson } from "../../../shared/iam/policy";
import { sourceAccessPolicies } from "../../../shared/policies/sourceRole";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { oneOf, raw } from "../../support/program";
import { decide } from "../../support/simulate";
import {
    DATA_ACCOUNT,
    DATA_BUCKET,
    RESULTS_BUCKET,
    accessPolicies,
    exampleRun,
} from "../../support/sourcePlan";
import { s3Object, checkMatrix } from "../../support/sourceMatrix";

describe("source role policies (planned by infra-account-b), evaluated", function () {
    this.timeout(60_000);
    let example: RunResult;
    let policies: PolicyJson[];
    before(async () => {
        example = await exampleRun();
        policies = accessPolicies(example);
    });

    describe("access policy", () => {
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
