/**
 * The CI roles every member account gets from the bootstrap's StackSet, as the template holds
 * them, evaluated by a real IAM evaluator (tests/support/simulate.ts): what the plan role and the
 * deploy role may and may not do, the permissions boundary that caps every role the deploy role
 * creates, and the state bucket that previews cannot write.
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { Context, decide } from "../../support/simulate";
import {
    MEMBER,
    MemberRoles,
    OTHER_MEMBER,
    REGION,
    memberRoles,
    planBootstrap,
} from "../../support/bootstrapPlan";
import { byType, raw } from "../../support/program";
import { POLICY_TYPE, ROLE_TYPE, WORKGROUP_TYPE, key, planSource } from "../../support/sourcePlan";

const STATE_ACCOUNT = "100000000001";
const STATE_BUCKET = "acme-pulumi-state";
const ORG = "o-a1b2c3d4e5";
const STATE_KEY = `arn:aws:kms:${REGION}:${STATE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SOURCE_ROLE = "AmazonManagedGrafana-CrossAccountAthena";

const PLAN = `arn:aws:sts::${MEMBER}:assumed-role/grafana-athena-ci-plan/GitHubActions`;
const DEPLOY = `arn:aws:sts::${MEMBER}:assumed-role/grafana-athena-ci-deploy/GitHubActions`;
const iam = (what: string, account = MEMBER) => `arn:aws:iam::${account}:${what}`;
const workgroup = (name: string, region = REGION, account = MEMBER) =>
    `arn:aws:athena:${region}:${account}:workgroup/${name}`;
const bucket = (name: string) => `arn:aws:s3:::${name}`;
const state = (key: string) => `arn:aws:s3:::${STATE_BUCKET}/${key}`;
const RESULTS = "grafana-athena-query-results-222233334444";
const IN_ORG: Context = { "aws:PrincipalOrgID": ORG };
const STACK = ".pulumi/stacks/organization/grafana-athena-workspace/prod.json";
const LOCK = ".pulumi/locks/organization/grafana-athena-workspace/prod/4c0b8f5e.json";

interface Case {
    action: string;
    resource: string;
    context?: Context;
    /** The resource's own policy, where the service needs one (a KMS key policy). */
    resourcePolicy?: PolicyJson;
    allowed: boolean;
    why: string;
}

/** A KMS key's default policy: it lets the account's IAM policies grant use of the key. */
const DEFAULT_KEY_POLICY: PolicyJson = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "EnableIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${MEMBER}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ],
};

/** Evaluates each case as `principal` with the role's policy (and, when given, the boundary). */
async function matrix(principal: string, policy: PolicyJson, cases: Case[], boundary?: PolicyJson) {
    const wrong: string[] = [];
    for (const c of cases) {
        const decision = await decide({
            identityPolicies: [policy],
            permissionBoundary: boundary,
            resourcePolicy: c.resourcePolicy,
            principal,
            action: c.action,
            resource: c.resource,
            resourceAccount: MEMBER,
            context: c.context,
        });
        if ((decision === "Allowed") !== c.allowed)
            wrong.push(
                `${c.action} ${c.resource} ${JSON.stringify(c.context ?? {})}: ${decision}, expected ${c.allowed ? "allowed" : "denied"} (${c.why})`,
            );
    }
    assert.deepEqual(wrong, []);
}

describe("CI roles of a member account (the bootstrap's StackSet template, evaluated)", function () {
    this.timeout(120_000);
    let roles: MemberRoles;
    let bucketPolicy: PolicyJson;

    before(async () => {
        const result = await planBootstrap({ set: { "grafana-athena-bootstrap:stateKmsKeyArn": STATE_KEY } });
        roles = memberRoles(result);
        bucketPolicy = JSON.parse(result.plan.outputs.stateBucketPolicy as string);
    });

    it("the plan role reads exactly what a source stack's refresh reads, and writes nothing", async () => {
        const policyName = `${SOURCE_ROLE}-Athena`;
        await matrix(PLAN, roles.planPolicy, [
            {
                action: "athena:GetWorkGroup",
                resource: workgroup("grafana"),
                allowed: true,
                why: "the source's workgroup",
            },
            {
                action: "athena:ListTagsForResource",
                resource: workgroup("grafana-sales"),
                allowed: true,
                why: "a workgroup by the pattern",
            },
            {
                action: "s3:GetBucketPolicy",
                resource: bucket(RESULTS),
                allowed: true,
                why: "the results bucket's settings",
            },
            { action: "s3:ListBucket", resource: bucket(RESULTS), allowed: true, why: "HeadBucket" },
            {
                action: "iam:GetRole",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: true,
                why: "the source role",
            },
            {
                action: "iam:GetPolicyVersion",
                resource: iam(`policy/${policyName}`),
                allowed: true,
                why: "the source's policy",
            },
            {
                action: "iam:GetPolicy",
                resource: iam(`policy/${policyName}-2`),
                allowed: true,
                why: "a packed second policy",
            },
            {
                action: "athena:UpdateWorkGroup",
                resource: workgroup("grafana"),
                allowed: false,
                why: "read-only",
            },
            {
                action: "athena:DeleteWorkGroup",
                resource: workgroup("grafana"),
                allowed: false,
                why: "read-only",
            },
            {
                action: "athena:StartQueryExecution",
                resource: workgroup("grafana"),
                allowed: false,
                why: "no queries: data is not the plan's to read",
            },
            {
                action: "athena:GetWorkGroup",
                resource: workgroup("primary"),
                allowed: false,
                why: "another workgroup",
            },
            {
                action: "athena:GetWorkGroup",
                resource: workgroup("grafana", "us-east-1"),
                allowed: false,
                why: "a region the sources do not use",
            },
            {
                action: "s3:GetObject",
                resource: `${bucket(RESULTS)}/grafana/result.csv`,
                allowed: false,
                why: "query results are data",
            },
            {
                action: "s3:GetBucketPolicy",
                resource: bucket("payroll-exports"),
                allowed: false,
                why: "another bucket",
            },
            { action: "s3:PutBucketPolicy", resource: bucket(RESULTS), allowed: false, why: "read-only" },
            {
                action: "iam:GetRole",
                resource: iam("role/grafana-athena-ci-deploy"),
                allowed: false,
                why: "not the source role",
            },
            {
                action: "iam:UpdateAssumeRolePolicy",
                resource: iam(`role/${SOURCE_ROLE}`),
                allowed: false,
                why: "read-only",
            },
            {
                action: "iam:CreatePolicyVersion",
                resource: iam(`policy/${policyName}`),
                allowed: false,
                why: "read-only",
            },
            {
                action: "glue:GetTable",
                resource: `arn:aws:glue:${REGION}:${MEMBER}:table/sales/orders`,
                allowed: false,
                why: "a preview reads no catalog",
            },
            {
                action: "kms:Encrypt",
                resource: STATE_KEY,
                allowed: false,
                why: "a preview only decrypts the stack's data key",
            },
            // The role's own policy alone (no bucket policy): the same as the bucket's, said twice.
            { action: "s3:GetObject", resource: state(STACK), allowed: true, why: "reads a stack's state" },
            { action: "s3:PutObject", resource: state(LOCK), allowed: true, why: "takes the stack's lock" },
            { action: "s3:DeleteObject", resource: state(LOCK), allowed: true, why: "releases it" },
            {
                action: "s3:PutObject",
                resource: state(STACK),
                allowed: false,
                why: "never writes a stack's state",
            },
            { action: "s3:DeleteObject", resource: state(STACK), allowed: false, why: "nor deletes it" },
            {
                action: "s3:PutObject",
                resource: state(".pulumi/meta.yaml"),
                allowed: false,
                why: "nor the backend's own files",
            },
        ]);
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

    describe("state that previews cannot write (a self-managed S3 backend in another account)", () => {
        async function stateDecision(
            principal: string,
            identity: PolicyJson,
            action: string,
            key: string,
            context: Context = IN_ORG,
        ) {
            return decide({
                identityPolicies: [identity],
                resourcePolicy: bucketPolicy,
                principal,
                action,
                resource: key === "" ? bucket(STATE_BUCKET) : state(key),
                resourceAccount: STATE_ACCOUNT,
                context: { "aws:SecureTransport": "true", ...context },
            });
        }
        it("a preview reads every stack's state and takes and releases its lock", async () => {
            assert.equal(await stateDecision(PLAN, roles.planPolicy, "s3:ListBucket", ""), "Allowed");
            assert.equal(await stateDecision(PLAN, roles.planPolicy, "s3:GetObject", STACK), "Allowed");
            assert.equal(await stateDecision(PLAN, roles.planPolicy, "s3:PutObject", LOCK), "Allowed");
            assert.equal(await stateDecision(PLAN, roles.planPolicy, "s3:DeleteObject", LOCK), "Allowed");
        });

        const widened: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Widened",
                    Effect: "Allow",
                    Action: "s3:*",
                    Resource: [bucket(STATE_BUCKET), state("*")],
                },
            ],
        };

        it("a preview never writes a stack's state, its history or backups, even with a wider policy of its own", async () => {
            for (const identity of [roles.planPolicy, widened]) {
                for (const key of [
                    STACK,
                    ".pulumi/history/organization/grafana-athena-workspace/prod/prod-1.history.json",
                    ".pulumi/backups/organization/grafana-athena-workspace/prod/prod.1.json",
                    ".pulumi/meta.yaml",
                ]) {
                    for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
                        assert.notEqual(
                            await stateDecision(PLAN, identity, action, key),
                            "Allowed",
                            `${action} ${key}`,
                        );
                    }
                }
                assert.notEqual(await stateDecision(PLAN, identity, "s3:PutBucketPolicy", ""), "Allowed");
            }
            // The plan role of the account that holds the bucket: there its own policy would be
            // enough, and the bucket's explicit deny is what holds.
            const local = `arn:aws:sts::${STATE_ACCOUNT}:assumed-role/grafana-athena-ci-plan/GitHubActions`;
            assert.notEqual(await stateDecision(local, widened, "s3:PutObject", STACK), "Allowed");
            assert.notEqual(await stateDecision(local, widened, "s3:DeleteObject", STACK), "Allowed");
            assert.notEqual(await stateDecision(local, widened, "s3:PutBucketPolicy", ""), "Allowed");
            assert.equal(await stateDecision(local, widened, "s3:PutObject", LOCK), "Allowed");
        });

        it("only the deploy role writes state, and only from inside the organisation", async () => {
            assert.equal(await stateDecision(DEPLOY, roles.deployPolicy, "s3:PutObject", STACK), "Allowed");
            assert.equal(await stateDecision(DEPLOY, roles.deployPolicy, "s3:DeleteObject", LOCK), "Allowed");
            assert.notEqual(
                await stateDecision(DEPLOY, roles.deployPolicy, "s3:PutObject", STACK, {
                    "aws:PrincipalOrgID": "o-zzzzzzzzzz",
                }),
                "Allowed",
            );
            assert.notEqual(
                await stateDecision(DEPLOY, roles.deployPolicy, "s3:PutObject", "elsewhere/x.json"),
                "Allowed",
            );
            // A role of the same name in an account outside the organisation.
            const stranger = `arn:aws:sts::${OTHER_MEMBER}:assumed-role/grafana-athena-ci-deploy/x`;
            assert.notEqual(
                await stateDecision(stranger, roles.deployPolicy, "s3:GetObject", STACK, {
                    "aws:PrincipalOrgID": "o-zzzzzzzzzz",
                }),
                "Allowed",
            );
        });
    });
});
