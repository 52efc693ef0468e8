/**
 * Where alerts go: the workspace's contact points (`contactPoints`), their secrets
 * (`contactPointSecrets`, one encrypted key) and which team's alerts go to which
 * (`teams[].contactPoint`). Pure: no resources.
 *
 * The secrets live in a key of their own because the engine makes a whole top-level key secret as
 * soon as one field inside it is (`--path --secret`): SNS topics and names stay readable in plans.
 */
import { z } from "zod";
import { nameKey } from "../naming";
import { MAX_TEAMS } from "./bounds";
import * as r from "./rules";

/** Grafana's contact point integrations this program writes (`alerting.ContactPoint` blocks). */
const CONTACT_POINT_TYPES = ["sns", "slack", "pagerduty", "webhook"] as const;
type ContactPointType = (typeof CONTACT_POINT_TYPES)[number];

/**
 * The types whose contact point cannot work without a secret: the Slack webhook URL, the PagerDuty
 * integration key.
 */
const NEEDS_SECRET: ReadonlySet<ContactPointType> = new Set(["slack", "pagerduty"]);

/** What the secret of each type is, for messages. */
const SECRET_OF: Record<ContactPointType, string> = {
    sns: "nothing (the workspace role publishes)",
    slack: "the Slack incoming-webhook URL",
    pagerduty: "the PagerDuty integration key",
    webhook: "the bearer token sent as Authorization",
};

/**
 * `arn:<partition>:sns:<region>:<account>:<topic>`, a standard or FIFO topic name (1-256 of [A-Za-z0-9_-]).
 */
const snsTopicArn = z
    .string({ error: "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic>" })
    .regex(/^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,251}(\.fifo)?$/, {
        error: "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic> (no wildcard)",
    });

const name = r.displayName("a contact point name");

const sns = z
    .object(
        { name, type: z.literal("sns"), topicArn: snsTopicArn },
        { error: r.objectOf('{name, type: "sns", topicArn}') },
    )
    .strict();
const slack = z
    .object(
        { name, type: z.literal("slack"), recipient: r.displayName("a Slack channel").optional() },
        { error: r.objectOf('{name, type: "slack", recipient?}') },
    )
    .strict();
const pagerduty = z
    .object({ name, type: z.literal("pagerduty") }, { error: r.objectOf('{name, type: "pagerduty"}') })
    .strict();
const webhook = z
    .object(
        { name, type: z.literal("webhook"), url: r.httpsEndpoint },
        { error: r.objectOf('{name, type: "webhook", url}') },
    )
    .strict();

const contactPointSettings = z.discriminatedUnion("type", [sns, slack, pagerduty, webhook], {
    error: (i) => `must be {name, type: ${CONTACT_POINT_TYPES.join("|")}, ...}, got ${r.describe(i.input)}`,
});
export type ContactPointSettings = z.output<typeof contactPointSettings>;

export const contactPointList = z
    .array(contactPointSettings, {
        error: (i) => `must be a list of {name, type, ...}, got ${r.describe(i.input)}`,
    })
    // One per team at most is of use (a team routes to one); the bound keeps the plan reviewable and
    // the look-alike comparison below short, counted before any item is read.
    .max(MAX_TEAMS, {
        error: (i) =>
            `lists ${(i.input as unknown[]).length} contact points, more than the ${MAX_TEAMS} ` +
            `a workspace stack's teams can route to`,
    })
    .superRefine((cs, ctx) => {
        // Compared as a reader compares them (as teams and data sources are): "Ops" and "ops", or
        // "ops" with a Cyrillic о, are one name to whoever picks a contact point in Grafana.
        const seen = new Map<string, string>();
        for (const c of cs) {
            const first = seen.get(nameKey(c.name));
            if (first !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    message:
                        first === c.name
                            ? `lists the contact point "${c.name}" twice`
                            : `lists the contact points "${first}" and "${c.name}", which look ` +
                              `alike (names are compared ignoring case, Unicode compatibility ` +
                              `forms and look-alike characters)`,
                });
                return;
            }
            seen.set(nameKey(c.name), c.name);
        }
    });

/**
 * The secrets by contact point name. Its messages never show a value, nor a key that names no
 * contact point: the whole key is encrypted (a key too), a message lands in CI logs and the pull
 * request's checks, and a secret set the wrong way round (`{"https://hooks.slack.com/...": "ops"}`)
 * is a key. So the keys and values are only checked to be text here; which key is wrong is said
 * by its position (`contactPointProblems`).
 */
export const contactPointSecrets = z
    .record(z.string(), z.unknown(), {
        error: 'must be an object {"<contact point name>": "<secret>"} (the value is not shown)',
    })
    // Each value is checked to be a non-empty string by `contactPointProblems`, which refuses the config.
    .transform((v) => v as Record<string, string>);

/** The cross-key problems of contact points, each with the path of the key it names. */
export function contactPointProblems(s: {
    contactPoints: readonly ContactPointSettings[];
    contactPointSecrets: Record<string, string>;
    teams: readonly { name: string; contactPoint?: string }[];
}): { path: (string | number)[]; message: string }[] {
    // Each key's own rule has said what is wrong with a value of the wrong shape.
    const shapes: unknown[] = [s.contactPoints, s.teams];
    if (
        !shapes.every(Array.isArray) ||
        typeof s.contactPointSecrets !== "object" ||
        s.contactPointSecrets === null
    )
        return [];
    const byName = new Map(s.contactPoints.map((c) => [c.name, c]));
    const problems: { path: (string | number)[]; message: string }[] = [];
    s.teams.forEach((t, i) => {
        if (t.contactPoint !== undefined && !byName.has(t.contactPoint)) {
            problems.push({
                path: ["teams", i, "contactPoint"],
                message:
                    `names the contact point "${t.contactPoint}", which ` +
                    `grafana-athena-workspace:contactPoints does not define`,
            });
        }
    });
    for (const c of s.contactPoints) {
        if (NEEDS_SECRET.has(c.type) && !Object.hasOwn(s.contactPointSecrets, c.name)) {
            problems.push({
                path: ["contactPointSecrets"],
                message:
                    `has no secret for the ${c.type} contact point "${c.name}" (${SECRET_OF[c.type]}): ` +
                    `pulumi config set --path --secret 'contactPointSecrets["${c.name}"]' <value>`,
            });
        }
    }
    const keys = Object.keys(s.contactPointSecrets);
    keys.forEach((n, i) => {
        const c = byName.get(n);
        const value = (s.contactPointSecrets as Record<string, unknown>)[n];
        // A key is shown only when it is the name of a contact point (plain text in contactPoints).
        const which = c ? `"${n}"` : `key ${i + 1} of ${keys.length}`;
        if (c === undefined || c.type === "sns") {
            problems.push({
                path: ["contactPointSecrets"],
                message:
                    `holds a secret for ${which}, which is ` +
                    (c
                        ? "an SNS contact point (the workspace role publishes; no secret): remove it"
                        : "no contact point of contactPoints (keys that name none are not shown: one may " +
                          "be a secret set the wrong way round): remove it"),
            });
        } else if (typeof value !== "string" || value === "") {
            problems.push({
                path: ["contactPointSecrets"],
                message:
                    `holds for ${which} ${typeof value === "string" ? "an empty text" : "no text"}: ` +
                    "a secret is a non-empty string (the value is not shown)",
            });
        }
    });
    return problems;
}

/** The SNS topics the workspace role must be allowed to publish to, sorted, each once. */
export function snsTopics(contactPoints: readonly ContactPointSettings[]): string[] {
    return [...new Set(contactPoints.flatMap((c) => (c.type === "sns" ? [c.topicArn] : [])))].sort();
}
