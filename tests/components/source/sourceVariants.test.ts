/**
 * The source role under each variant of its config (KMS keys, Lake Formation, all tables, existing
 * bucket or workgroup, results in a data bucket), planned and evaluated.
 */
import assert from "node:assert/strict";
import { PolicyJson } from "../../../shared/iam/policy";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import {
    DATABASE,
    DATA_BUCKET,
    GLUE,
    KMS_KEY,
    OTHER_KMS_KEY,
    REGION,
    RESULTS_BUCKET,
    accessPolicies,
    exampleRun,
    key,
    planSource,
    trustPolicy,
} from "../../support/sourcePlan";
import { s3Object, DEFAULT_KEY_POLICY, checkMatrix } from "../../support/sourceMatrix";

describe("source role policies (planned by infra-account-b), evaluated", function () {
    this.timeout(60_000);
    let example: RunResult;
    let policies: PolicyJson[];
    before(async () => {
        example = await exampleRun();
        policies = accessPolicies(example);
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
