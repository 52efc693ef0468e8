/** The accounts, state backend, sessions and ARNs the CI roles' tests evaluate requests with. */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../shared/iam/policy";
import { Context, decide } from "./simulate";
import { MEMBER, REGION } from "./bootstrapPlan";

export const STATE_ACCOUNT = "100000000001";
export const STATE_BUCKET = "acme-pulumi-state";
const ORG = "o-a1b2c3d4e5";
export const STATE_KEY = `arn:aws:kms:${REGION}:${STATE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const SOURCE_ROLE = "AmazonManagedGrafana-CrossAccountAthena";
export const PLAN = `arn:aws:sts::${MEMBER}:assumed-role/grafana-athena-ci-plan/GitHubActions`;
export const DEPLOY = `arn:aws:sts::${MEMBER}:assumed-role/grafana-athena-ci-deploy/GitHubActions`;
export const iam = (what: string, account = MEMBER) => `arn:aws:iam::${account}:${what}`;
export const workgroup = (name: string, region = REGION, account = MEMBER) =>
    `arn:aws:athena:${region}:${account}:workgroup/${name}`;
export const bucket = (name: string) => `arn:aws:s3:::${name}`;
export const state = (key: string) => `arn:aws:s3:::${STATE_BUCKET}/${key}`;
export const RESULTS = "grafana-athena-query-results-222233334444";
export const IN_ORG: Context = { "aws:PrincipalOrgID": ORG };
export const STACK = ".pulumi/stacks/organization/grafana-athena-workspace/prod.json";
export const LOCK = ".pulumi/locks/organization/grafana-athena-workspace/prod/4c0b8f5e.json";
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
export const DEFAULT_KEY_POLICY: PolicyJson = {
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
export async function matrix(principal: string, policy: PolicyJson, cases: Case[], boundary?: PolicyJson) {
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
                `${c.action} ${c.resource} ${JSON.stringify(c.context ?? {})}: ${decision}, ` +
                    `expected ${c.allowed ? "allowed" : "denied"} (${c.why})`,
            );
    }
    assert.deepEqual(wrong, []);
}
