/**
 * Where the workspace's alerts go: the contact points, the workspace role's right to publish to
 * the SNS ones, and the notification policy that routes each team's alerts (label `team`) to its
 * team's contact point.
 */
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import * as alerting from "@pulumiverse/grafana/alerting";
import {
    type ContactPointSettings,
    DEFAULT_RECEIVER,
    contactPointSecretProblem,
    snsTopics,
} from "../../shared/config/contactPoints";
import type { TeamSpec } from "../../shared/grafana/permissions";
import { checkedPolicyJson } from "../../shared/iam/checked";
import { ResourceRefusal } from "../../shared/resourceRefusal";
import { childName, roleNameFromArn } from "../../shared/naming";
import {
    PUBLISH_POLICY_WAY_OUT,
    publishAlertsPolicy,
    publishPolicyProblem,
} from "../../shared/policies/alertTopics";
import type { GrafanaAccess } from "./parts";

/** The label every alert rule of a team carries; the notification policy routes on it. */
export const TEAM_LABEL = "team";

interface Alerting {
    contactPoints: alerting.ContactPoint[];
    /** Absent when no team names a contact point: the policy tree is left as it is. */
    notificationPolicy?: alerting.NotificationPolicy;
    /** Absent without SNS contact points. */
    publishPolicy?: iam.RolePolicy;
}

/**
 * The contact points and their routes. `after` holds everything back until the refusals have had
 * their say. The secrets are wrapped as secrets here: the plan shows `[secret]`.
 */
export function addAlerting(
    parent: pulumi.Resource,
    name: string,
    args: {
        contactPoints: readonly ContactPointSettings[];
        contactPointSecrets: pulumi.Input<Record<string, string>>;
        teams: readonly TeamSpec[];
    },
    workspace: pulumi.Output<{ roleArn: string }>,
    partition: pulumi.Output<string>,
    policyName: string,
    access: GrafanaAccess,
    after: pulumi.Resource[],
): Alerting {
    const inGrafana = { parent, provider: access.provider, dependsOn: after };
    const topics = snsTopics(args.contactPoints);
    let publishPolicy: iam.RolePolicy | undefined;
    // The rule fleet check applies too, before the policy is rendered.
    const tooLarge = publishPolicyProblem(topics, policyName);
    if (tooLarge) throw new ResourceRefusal(tooLarge, parent);
    if (topics.length > 0) {
        const json = checkedPolicyJson(
            publishAlertsPolicy(topics, policyName),
            PUBLISH_POLICY_WAY_OUT,
            parent,
        );
        // Topics of another partition: refused once the workspace role's partition is known.
        const policy = partition.apply((p) => {
            const foreign = publishPolicyProblem(topics, policyName, p);
            if (foreign) throw new ResourceRefusal(`contactPoints ${foreign}`, parent);
            return json;
        });
        publishPolicy = new iam.RolePolicy(
            `${name}-publish-alerts`,
            { role: workspace.roleArn.apply(roleNameFromArn), name: policyName, policy },
            { parent, dependsOn: after },
        );
    }
    // The secrets may be an Output (the component package receives a secret as one): their names
    // are checked here too, once known, with the config's message.
    const secrets = pulumi.secret(pulumi.output(args.contactPointSecrets));
    const secret = (n: string, type: ContactPointSettings["type"]) =>
        secrets.apply((m) => {
            if (!Object.hasOwn(m, n))
                throw new ResourceRefusal(
                    `contactPointSecrets has no secret for the ${type} contact point "${n}"`,
                    parent,
                );
            // The config's rule, for secrets that arrive as an Output (the component package).
            const problem = contactPointSecretProblem(type, m[n]);
            if (problem) throw new ResourceRefusal(`contactPointSecrets holds for "${n}" ${problem}`, parent);
            return m[n];
        });
    const given = args.contactPointSecrets;
    const known =
        given !== null &&
        typeof given === "object" &&
        !pulumi.Output.isInstance(given) &&
        !(given instanceof Promise)
            ? (given as Record<string, string>)
            : undefined;
    const webhook = (n: string, url: string) => {
        // Secrets from config are a plain record: a webhook without a token has no token fields.
        if (known !== undefined)
            return [
                Object.hasOwn(known, n)
                    ? { url, authorizationScheme: "Bearer", authorizationCredentials: secret(n, "webhook") }
                    : { url },
            ];
        // From the component package, an Output: a token field that may be undefined (left out).
        return [
            {
                url,
                authorizationScheme: pulumi
                    .unsecret(secrets.apply((m) => Object.hasOwn(m, n)))
                    .apply((has) => (has ? "Bearer" : undefined)) as pulumi.Output<string>,
                authorizationCredentials: secrets.apply((m) =>
                    Object.hasOwn(m, n) ? m[n] : undefined,
                ) as pulumi.Output<string>,
            },
        ];
    };
    const contactPoints = args.contactPoints.map(
        (c) =>
            new alerting.ContactPoint(
                childName(`${name}-contact-point`, c.name),
                {
                    name: c.name,
                    // The workspace role's credentials (authProvider default): no key in Grafana.
                    ...(c.type === "sns" ? { sns: [{ topic: c.topicArn, authProvider: "default" }] } : {}),
                    ...(c.type === "slack"
                        ? { slacks: [{ url: secret(c.name, c.type), recipient: c.recipient }] }
                        : {}),
                    ...(c.type === "pagerduty"
                        ? { pagerduties: [{ integrationKey: secret(c.name, c.type) }] }
                        : {}),
                    // Only the token is secret: the URL stays readable in plans and the pull request's
                    // comment (whether a token is given is not: the keys are contact point names).
                    ...(c.type === "webhook" ? { webhooks: webhook(c.name, c.url) } : {}),
                },
                // SNS: not before the role may publish.
                { ...inGrafana, dependsOn: publishPolicy ? [...after, publishPolicy] : after },
            ),
    );
    const routed = args.teams.filter((t) => t.contactPoint !== undefined);
    if (routed.length === 0) return { contactPoints, publishPolicy };
    const byName = new Map(args.contactPoints.map((c, i) => [c.name, contactPoints[i]]));
    // One per organisation: this resource owns the whole tree (Grafana keeps one policy tree per
    // organisation; the provider's resource replaces it, and resets it to Grafana's default on delete).
    const notificationPolicy = new alerting.NotificationPolicy(
        `${name}-notification-policy`,
        {
            contactPoint: DEFAULT_RECEIVER,
            groupBies: ["grafana_folder", "alertname"],
            policies: routed.map((t) => ({
                contactPoint: byName.get(t.contactPoint!)!.name,
                matchers: [{ label: TEAM_LABEL, match: "=", value: t.name }],
                groupBies: ["grafana_folder", "alertname"],
            })),
        },
        { ...inGrafana, dependsOn: [...after, ...contactPoints] },
    );
    return { contactPoints, notificationPolicy, publishPolicy };
}
