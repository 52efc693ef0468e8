/**
 * What the workspace role needs for SNS contact points: Grafana on Amazon Managed Grafana
 * publishes to SNS with the workspace's own credentials (the contact point's `authProvider`
 * `default`), so the role may `sns:Publish` on exactly the topics the contact points name, and
 * nothing else. A topic encrypted with a customer managed KMS key also needs the key's policy to
 * let the role use it (kms:GenerateDataKey*, kms:Decrypt): that is the key owner's to grant.
 */
import { PolicyDocument, PolicyError, PolicyStatement } from "../iam/policy";
import { checkPolicySize } from "../iam/size";

export const PUBLISH_POLICY_NAME = "GrafanaAthenaPublishAlerts";

/** What a publish policy past its quota says to do. */
export const PUBLISH_POLICY_WAY_OUT = "List fewer SNS topics in contactPoints.";

/** `sns:Publish` on exactly `topicArns`. */
export function publishAlertsPolicy(
    topicArns: readonly string[],
    name = PUBLISH_POLICY_NAME,
): PolicyDocument {
    return new PolicyDocument(name, "inline", [
        new PolicyStatement({
            sid: "PublishAlertsToContactPointTopics",
            actions: ["sns:Publish"],
            resources: [...topicArns],
        }),
    ]);
}

/**
 * Why the publish policy for `topicArns` (snsTopics of the contact points) cannot be the workspace
 * role's, one line, or undefined: a topic of another partition than the role's (`partition`, when
 * known: IAM refuses a policy naming it, and no role of one partition reaches another), or a
 * policy past the role's inline quota. The rule the workspace program refuses with before it
 * renders the policy, and fleet check applies to the stack file.
 */
export function publishPolicyProblem(
    topicArns: readonly string[],
    name: string,
    partition?: string,
): string | undefined {
    if (topicArns.length === 0) return undefined;
    const foreign = partition === undefined ? [] : topicArns.filter((t) => t.split(":")[1] !== partition);
    const more = foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : "";
    if (foreign.length > 0)
        return (
            `names the SNS topic ${foreign[0]}${more}` +
            ` of the ${foreign[0].split(":")[1]} partition, but the workspace role is in ${partition}: ` +
            `IAM refuses a policy naming it, and the role could not publish there`
        );
    try {
        checkPolicySize(
            name,
            "inline",
            publishAlertsPolicy(topicArns, name).toJSON(),
            PUBLISH_POLICY_WAY_OUT,
        );
        return undefined;
    } catch (e) {
        if (e instanceof PolicyError) return e.message.split("\n")[0];
        throw e;
    }
}
