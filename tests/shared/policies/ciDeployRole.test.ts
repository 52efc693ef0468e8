/**
 * The CI deploy role every member account gets from the bootstrap's StackSet, evaluated by a real
 * IAM evaluator: it manages exactly a source stack's resources, creates a role only with the
 * permissions boundary, and the boundary caps every role it creates.
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { Context } from "../../support/simulate";
import { MEMBER, MemberRoles, REGION, memberRoles, planBootstrap } from "../../support/bootstrapPlan";
import { byType, raw } from "../../support/program";
import { POLICY_TYPE, ROLE_TYPE, WORKGROUP_TYPE, key, planSource } from "../../support/sourcePlan";
import {
    STATE_KEY,
    SOURCE_ROLE,
    DEPLOY,
    iam,
    workgroup,
    bucket,
    RESULTS,
    DEFAULT_KEY_POLICY,
    matrix,
} from "../../support/ciRolesWorld";

describe("CI roles of a member account (the bootstrap's StackSet template, evaluated)", function () {
    this.timeout(120_000);
    let roles: MemberRoles;

    before(async () => {
        const result = await planBootstrap({ set: { "grafana-athena-bootstrap:stateKmsKeyArn": STATE_KEY } });
        roles = memberRoles(result);
    });

    it("the deploy role manages exactly the source stack's resources", async () => {
        const tagged: Context = {
            "aws:RequestTag/Component": "grafana-athena",
            "aws:TagKeys": ["Component", "ManagedBy", "GrafanaDataSource"],
        };
        const owned: Context = { "aws:ResourceTag/Component": "grafana-athena" };
        await matrix(DEPLOY, roles.deployPolicy, [
            {
                action: "athena:CreateWorkGroup",
                resource: workgroup("grafana"),
                context: tagged,
                allowed: true,
                why: "created with the program's tag",
            },
            {
                action: "athena:UpdateWorkGroup",
                resource: workgroup("grafana"),
                context: owned,
                allowed: true,
                why: "its own workgroup",
            },
            {
                action: "athena:DeleteWorkGroup",
                resource: workgroup("grafana"),
                context: owned,
                allowed: true,
                why: "its own workgroup",
            },
            {
                action: "athena:TagResource",
                resource: workgroup("grafana-existing"),
                context: { "aws:RequestTag/GrafanaDataSource": "true", "aws:TagKeys": ["GrafanaDataSource"] },
                allowed: true,
                why: "an adopted workgroup gets the Grafana tag",
            },
            {
                action: "athena:CreateWorkGroup",
                resource: workgroup("grafana"),
                allowed: false,
                why: "a workgroup without the program's tag",
            },
            {
                action: "athena:DeleteWorkGroup",
                resource: workgroup("grafana-existing"),
                allowed: false,
                why: "an adopted workgroup is never deleted",
            },
            {
                action: "athena:UpdateWorkGroup",
                resource: workgroup("grafana-existing"),
                allowed: false,
                why: "nor reconfigured",
            },
            {
                action: "athena:TagResource",
                resource: workgroup("grafana-existing"),
                context: { "aws:RequestTag/Component": "grafana-athena", "aws:TagKeys": ["Component"] },
                allowed: false,
                why: "tagging an adopted workgroup as the program's own, to delete it next",
            },
            {
                action: "athena:DeleteWorkGroup",
                resource: workgroup("primary"),
                context: owned,
                allowed: false,
                why: "another workgroup",
            },
            {
                action: "s3:CreateBucket",
                resource: bucket(RESULTS),
                allowed: true,
                why: "the results bucket",
            },
            {
                action: "s3:PutBucketPolicy",
                resource: bucket(RESULTS),
                allowed: true,
                why: "its TLS-only policy",
            },
            {
                action: "s3:PutLifecycleConfiguration",
                resource: bucket(RESULTS),
                allowed: true,
                why: "its expiry",
            },
            { action: "s3:DeleteBucket", resource: bucket(RESULTS), allowed: true, why: "destroy" },
            {
                action: "s3:DeleteBucket",
                resource: bucket("payroll-exports"),
                allowed: false,
                why: "another bucket",
            },
            {
                action: "s3:PutBucketPolicy",
                resource: bucket("example-sales-data-222233334444"),
                allowed: false,
                why: "a data bucket",
            },
            {
                action: "s3:GetObject",
                resource: `${bucket("example-sales-data-222233334444")}/warehouse/orders/1.parquet`,
                allowed: false,
                why: "the data",
            },
            {
                action: "s3:PutObject",
                resource: `${bucket(RESULTS)}/grafana/x.csv`,
                allowed: false,
                why: "results are Grafana's to write",
            },
            {
                action: "iam:CreatePolicy",
                resource: iam(`policy/${SOURCE_ROLE}-Athena`),
                allowed: true,
                why: "the source's access policy",
            },
            {
                action: "iam:CreatePolicyVersion",
                resource: iam(`policy/${SOURCE_ROLE}-Athena-2`),
                allowed: true,
                why: "a packed second policy",
            },
            {
                action: "iam:CreatePolicy",
                resource: iam("policy/Admin"),
                allowed: false,
                why: "any other policy",
            },
            {
                action: "iam:UpdateAssumeRolePolicy",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: true,
                why: "the source role's trust",
            },
            { action: "iam:DeleteRole", resource: iam(`role/${SOURCE_ROLE}`), allowed: true, why: "destroy" },
            {
                action: "iam:DeleteRole",
                resource: iam("role/OrganizationAccountAccessRole"),
                allowed: false,
                why: "another role",
            },
            {
                action: "iam:UpdateAssumeRolePolicy",
                resource: iam("role/grafana-athena-ci-deploy"),
                allowed: false,
                why: "its own trust",
            },
            {
                action: "iam:PutRolePolicy",
                resource: iam("role/grafana-athena-ci-deploy"),
                allowed: false,
                why: "widening itself",
            },
            {
                action: "iam:CreatePolicyVersion",
                resource: iam("policy/grafana-athena-ci-boundary"),
                allowed: false,
                why: "widening the boundary",
            },
            {
                action: "iam:PassRole",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: false,
                why: "no service gets a role",
            },
            { action: "iam:CreateUser", resource: iam("user/backdoor"), allowed: false, why: "no users" },
        ]);
    });

    it("the deploy role creates a role only with the boundary, and attaches only the source's policies to it", async () => {
        const withBoundary: Context = { "iam:PermissionsBoundary": roles.boundaryArn };
        const sourcePolicy = iam(`policy/${SOURCE_ROLE}-Athena`);
        await matrix(DEPLOY, roles.deployPolicy, [
            {
                action: "iam:CreateRole",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: withBoundary,
                allowed: true,
                why: "with the boundary",
            },
            {
                action: "iam:CreateRole",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: false,
                why: "without a boundary",
            },
            {
                action: "iam:CreateRole",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: { "iam:PermissionsBoundary": iam("policy/AdministratorAccess", "aws") },
                allowed: false,
                why: "with another boundary",
            },
            {
                action: "iam:CreateRole",
                resource: iam("role/Other"),
                context: withBoundary,
                allowed: false,
                why: "another role name",
            },
            {
                action: "iam:AttachRolePolicy",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: { ...withBoundary, "iam:PolicyARN": sourcePolicy },
                allowed: true,
                why: "the source's policy to the bounded role",
            },
            {
                action: "iam:AttachRolePolicy",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: { ...withBoundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
                allowed: false,
                why: "an AWS managed policy",
            },
            {
                action: "iam:AttachRolePolicy",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: { "iam:PolicyARN": sourcePolicy },
                allowed: false,
                why: "a role without the boundary (made by hand)",
            },
            {
                action: "iam:DeleteRolePermissionsBoundary",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: false,
                why: "removing the boundary",
            },
            {
                action: "iam:PutRolePermissionsBoundary",
                resource: iam(`role/${SOURCE_ROLE}`),
                context: withBoundary,
                allowed: false,
                why: "replacing it",
            },
        ]);
    });

    it("the boundary caps a created role at the source role's rights, whatever policy it is given", async () => {
        const everything: PolicyJson = {
            Version: "2012-10-17",
            Statement: [{ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }],
        };
        const SOURCE_SESSION = `arn:aws:sts::${MEMBER}:assumed-role/${SOURCE_ROLE}/grafana`;
        await matrix(
            SOURCE_SESSION,
            everything,
            [
                {
                    action: "athena:StartQueryExecution",
                    resource: workgroup("grafana"),
                    context: { "aws:ResourceTag/GrafanaDataSource": "true" },
                    allowed: true,
                    why: "a tagged workgroup",
                },
                {
                    action: "glue:GetTable",
                    resource: `arn:aws:glue:${REGION}:${MEMBER}:table/sales/orders`,
                    allowed: true,
                    why: "catalog reads",
                },
                {
                    action: "s3:GetObject",
                    resource: `${bucket("example-sales-data-222233334444")}/warehouse/orders/1.parquet`,
                    allowed: true,
                    why: "data reads",
                },
                {
                    action: "s3:PutObject",
                    resource: `${bucket(RESULTS)}/grafana/x.csv`,
                    allowed: true,
                    why: "results",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: workgroup("grafana"),
                    allowed: false,
                    why: "an untagged workgroup",
                },
                {
                    action: "athena:StartQueryExecution",
                    resource: workgroup("primary"),
                    context: { "aws:ResourceTag/GrafanaDataSource": "true" },
                    allowed: false,
                    why: "another workgroup",
                },
                {
                    action: "s3:PutObject",
                    resource: `${bucket("example-sales-data-222233334444")}/warehouse/x`,
                    allowed: false,
                    why: "writing data",
                },
                {
                    action: "s3:DeleteObject",
                    resource: `${bucket(RESULTS)}/grafana/x.csv`,
                    allowed: false,
                    why: "deleting",
                },
                { action: "iam:CreateRole", resource: iam("role/x"), allowed: false, why: "IAM" },
                { action: "iam:CreateUser", resource: iam("user/x"), allowed: false, why: "IAM" },
                {
                    action: "sts:AssumeRole",
                    resource: iam("role/OrganizationAccountAccessRole"),
                    allowed: false,
                    why: "other roles",
                },
                {
                    action: "kms:Decrypt",
                    resource: `arn:aws:kms:${REGION}:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                    resourcePolicy: DEFAULT_KEY_POLICY,
                    allowed: false,
                    why: "KMS directly",
                },
                {
                    action: "kms:Decrypt",
                    resource: `arn:aws:kms:${REGION}:${MEMBER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
                    context: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
                    resourcePolicy: DEFAULT_KEY_POLICY,
                    allowed: true,
                    why: "KMS through S3",
                },
                {
                    action: "ec2:RunInstances",
                    resource: `arn:aws:ec2:${REGION}:${MEMBER}:instance/*`,
                    allowed: false,
                    why: "anything else",
                },
            ],
            roles.boundary,
        );
    });

    it("the deploy role may create the example source stack as planned, once its stack file names the boundary", async () => {
        const run = await planSource({ set: { [key("permissionsBoundary")]: "grafana-athena-ci-boundary" } });
        const [role] = byType(run, ROLE_TYPE).map((r) => raw(run, r.name));
        assert.equal(role.permissionsBoundary, roles.boundaryArn);
        const tagsOf = (tags: Record<string, string>): Context => ({
            ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
            "aws:TagKeys": Object.keys(tags),
        });
        const policyArns = byType(run, POLICY_TYPE).map((p) => iam(`policy/${raw(run, p.name).name}`));
        const workgroups = byType(run, WORKGROUP_TYPE).map((w) => raw(run, w.name));
        const buckets = byType(run, "aws:s3/bucket:Bucket").map((b) => raw(run, b.name));
        assert.ok(workgroups.length === 1 && buckets.length === 1 && policyArns.length >= 1);
        await matrix(DEPLOY, roles.deployPolicy, [
            {
                action: "athena:CreateWorkGroup",
                resource: workgroup(workgroups[0].name),
                context: tagsOf(workgroups[0].tags),
                allowed: true,
                why: "its workgroup",
            },
            {
                action: "s3:CreateBucket",
                resource: bucket(buckets[0].bucket),
                allowed: true,
                why: "its results bucket",
            },
            {
                action: "iam:CreateRole",
                resource: iam(`role/${role.name}`),
                context: { ...tagsOf(role.tags), "iam:PermissionsBoundary": role.permissionsBoundary },
                allowed: true,
                why: "its role, with the boundary",
            },
            ...policyArns.flatMap((arn) => [
                { action: "iam:CreatePolicy", resource: arn, allowed: true, why: "its access policy" },
                {
                    action: "iam:AttachRolePolicy",
                    resource: iam(`role/${role.name}`),
                    context: { "iam:PolicyARN": arn, "iam:PermissionsBoundary": role.permissionsBoundary },
                    allowed: true,
                    why: "attached to its role",
                },
            ]),
        ]);
        const plain = await planSource();
        const unbounded = raw(plain, byType(plain, ROLE_TYPE)[0].name);
        assert.equal(unbounded.permissionsBoundary, undefined, "no boundary unless the stack file names one");
        await matrix(DEPLOY, roles.deployPolicy, [
            {
                action: "iam:CreateRole",
                resource: iam(`role/${role.name}`),
                context: tagsOf(role.tags),
                allowed: false,
                why: "a source stack without the boundary",
            },
        ]);
    });
});
