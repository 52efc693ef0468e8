/**
 * The CI plan role every member account gets from the bootstrap's StackSet, as the template holds
 * it, evaluated by a real IAM evaluator (tests/support/simulate.ts): what it may read, that it
 * writes nothing, and the state bucket that previews cannot write.
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
import {
    STATE_ACCOUNT,
    STATE_BUCKET,
    STATE_KEY,
    SOURCE_ROLE,
    PLAN,
    DEPLOY,
    iam,
    workgroup,
    bucket,
    state,
    RESULTS,
    IN_ORG,
    STACK,
    LOCK,
    matrix,
} from "../../support/ciRolesWorld";

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
