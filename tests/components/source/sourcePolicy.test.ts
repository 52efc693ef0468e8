/**
 * The source role's access policy, planned by infra-account-b and evaluated: what Athena and Glue
 * let Grafana do, and nothing else (no IAM, STS, KMS or Lake Formation by default).
 */
import assert from "node:assert/strict";
import { PolicyJson } from "../../../shared/iam/policy";
import { ATHENA_METADATA_ACTIONS } from "../../../shared/policies/sourceRole";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import {
    DATABASE,
    DATA_ACCOUNT,
    GLUE,
    KMS_KEY,
    REGION,
    ROLE_ARN,
    WORKGROUP_ARN,
    accessPolicies,
    exampleRun,
    list,
    statements,
} from "../../support/sourcePlan";
import { TAGGED, DEFAULT_KEY_POLICY, checkMatrix } from "../../support/sourceMatrix";

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
});
