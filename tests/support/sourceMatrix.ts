/**
 * Allow/deny matrices of the source role, evaluated by the IAM evaluator: the session Grafana
 * holds, the tag Athena checks, a KMS key's default key policy, and a matrix runner.
 */
import assert from "node:assert/strict";
import { PolicyJson } from "../../shared/iam/policy";
import { Context, decide, identityAllows } from "./simulate";
import { DATA_ACCOUNT, ROLE_NAME } from "./sourcePlan";

/** A session of the source role, as Grafana holds it after sts:AssumeRole. */
const SESSION = `arn:aws:sts::${DATA_ACCOUNT}:assumed-role/${ROLE_NAME}/grafana-athena`;
export const TAGGED: Context = { "aws:ResourceTag/GrafanaDataSource": "true" };
export const s3Object = (bucket: string, objectKey: string) => `arn:aws:s3:::${bucket}/${objectKey}`;
/**
 * The default key policy of a KMS key: it lets the account's IAM policies grant use of the key
 * (without it, no identity policy can).
 */
export const DEFAULT_KEY_POLICY: PolicyJson = {
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
export async function checkMatrix(policies: PolicyJson[], cases: Case[]) {
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
                `${c.action} on ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""}: ` +
                    `expected ${c.allowed ? "allowed" : "denied"} (${c.why})`,
            );
        }
    }
    assert.deepEqual(wrong, []);
}
