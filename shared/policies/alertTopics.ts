/**
 * What the workspace role needs for SNS contact points: Grafana on Amazon Managed Grafana
 * publishes to SNS with the workspace's own credentials (the contact point's `authProvider`
 * `default`), so the role may `sns:Publish` on exactly the topics the contact points name, and
 * nothing else. A topic encrypted with a customer managed KMS key also needs the key's policy to
 * let the role use it (kms:GenerateDataKey*, kms:Decrypt): that is the key owner's to grant.
 */
import { PolicyDocument, PolicyStatement } from "../iam/policy";

export const PUBLISH_POLICY_NAME = "GrafanaAthenaPublishAlerts";

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
