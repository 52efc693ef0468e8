/**
 * Where alerts go: the workspace's contact points (`contactPoints`), their secrets
 * (`contactPointSecrets`, one encrypted key) and which team's alerts go to which
 * (`teams[].contactPoint`). Pure: no resources.
 *
 * The secrets live in a key of their own because the engine makes a whole top-level key secret as
 * soon as one field inside it is (`--path --secret`): SNS topics and names stay readable in plans.
 */
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { nameKey } from "../naming";
import { isOfflineSecretStandIn } from "../offlineSecret";
import { MAX_TEAMS } from "./bounds";
import * as r from "./rules";

/**
 * Grafana's own contact point, which every organisation starts with and where the stack's
 * notification policy sends alerts of no routed team (grafana/grafana
 * `pkg/services/ngalert/notifier/alertmanager_config.go`, the default configuration's receiver).
 */
export const DEFAULT_RECEIVER = "grafana-default-email";

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
 * Addresses a contact point may not send to: the Grafana server would post each alert (its labels,
 * values and the team's data in them) inside its own network, to itself or to a cloud's instance
 * metadata (169.254.169.254), instead of to a service on the internet. IPv4: this network,
 * private (RFC 1918), shared (RFC 6598), loopback, link-local, IETF protocol assignments,
 * benchmarking, multicast and reserved; IPv6: unspecified and loopback (and IPv4-compatible),
 * IPv4-mapped and NAT64 (which reach any IPv4 address), unique local, link-local, multicast.
 */
// One list per family: Node's BlockList matches an IPv4 address against IPv4-mapped IPv6 rules too.
const INTERNAL_IPV4 = new BlockList();
const INTERNAL_IPV6 = new BlockList();
for (const [net, prefix] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["224.0.0.0", 3],
] as const)
    INTERNAL_IPV4.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
    ["::", 96],
    ["::ffff:0:0", 96],
    ["64:ff9b::", 96],
    ["64:ff9b:1::", 48],
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
] as const)
    INTERNAL_IPV6.addSubnet(net, prefix, "ipv6");

/** Names only a private network resolves (RFC 6761 localhost, 6762 local, 8375 home.arpa; internal). */
const INTERNAL_SUFFIXES = ["localhost", "local", "localdomain", "internal", "home.arpa"];

/**
 * Why a contact point may not send to `url` (a Slack webhook URL, a webhook's endpoint), as a
 * phrase that never repeats the URL (it may be a secret), or undefined. An https:// URL to a host
 * of the internet: not a private, loopback or link-local address (as the URL parser reads it:
 * `https://0x7f000001` is 127.0.0.1), not `localhost` or a name of a private network, not a
 * single-label name (resolved through the server's own search domains). A name that resolves to
 * a private address cannot be told offline.
 */
function contactPointUrlProblem(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "is not a URL";
    }
    if (parsed.protocol !== "https:") return "is not an https:// URL";
    if (parsed.username !== "" || parsed.password !== "") return "holds credentials before its host";
    const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
    const family = isIP(host);
    if (family !== 0) {
        return (family === 4 ? INTERNAL_IPV4 : INTERNAL_IPV6).check(host, family === 4 ? "ipv4" : "ipv6")
            ? "names a private, loopback, link-local or reserved address: the Grafana server would " +
                  "send alerts inside its own network"
            : undefined;
    }
    if (!host.includes(".") || INTERNAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`)))
        return (
            "names a host of a private network (localhost, a single-label name, or one under " +
            `${INTERNAL_SUFFIXES.filter((s) => s !== "localhost").join(", ")}): the Grafana ` +
            "server would send alerts inside its own network"
        );
    return undefined;
}

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
/** The longest webhook URL taken: enough for any real endpoint, short enough to read in a plan. */
const MAX_WEBHOOK_URL = 2048;

/**
 * Why a webhook's `url` (plain config, shown in plans and the PR comment) is refused, or
 * undefined: an https:// URL, a path or none, written as the URL parser writes it back (so what a
 * reviewer reads is where Grafana sends: no `..` segments, backslashes or upper-case host), with no
 * credentials, port, query or fragment (a token belongs in `contactPointSecrets`, sent as the
 * bearer token, never in a URL every plan shows), to a host of the internet
 * (`contactPointUrlProblem`, which judges it first).
 */
function webhookUrlProblem(u: string): string | undefined {
    const problem = contactPointUrlProblem(u);
    if (problem) return problem;
    const parsed = new URL(u); // contactPointUrlProblem took it for a URL
    if (parsed.search !== "" || u.includes("?"))
        return (
            "has a query: a token there would show in every plan; give it as the bearer token in " +
            "contactPointSecrets"
        );
    if (parsed.hash !== "" || u.includes("#")) return "has a fragment, which is never sent";
    if (parsed.port !== "") return "names a port: give the https:// URL on the default port";
    if (u !== parsed.href && `${u}/` !== parsed.href)
        return `is not written as the URL it reaches (${r.describe(parsed.href)}): write that`;
    return undefined;
}

const webhookUrl = z
    .string({ error: "must be the https:// URL Grafana posts alerts to" })
    .max(MAX_WEBHOOK_URL, { error: `must be at most ${MAX_WEBHOOK_URL} characters` })
    .superRefine((u, ctx) => {
        if (u.length > MAX_WEBHOOK_URL) return; // said once, by max
        const problem = webhookUrlProblem(u);
        // Credentials, a query or a fragment (where tokens are) are not repeated, not even from
        // plain config: a CI log keeps what the refusal says.
        const shown = /^[^/?#]*\/\/[^/?#]*@/.test(u)
            ? ""
            : `, got ${r.describe(u.replace(/([?#])[\s\S]*$/, "$1…"))}`;
        if (problem) ctx.addIssue({ code: "custom", message: `${problem}${shown}` });
    });

const webhook = z
    .object(
        {
            name,
            type: z.literal("webhook"),
            url: webhookUrl,
        },
        { error: r.objectOf('{name, type: "webhook", url}') },
    )
    .strict();

const contactPointSettings = z.discriminatedUnion("type", [sns, slack, pagerduty, webhook], {
    error: (i) => {
        const v = i.input;
        // An object of no known type is reported on its `type`, naming the type given.
        if (v !== null && typeof v === "object" && !Array.isArray(v)) {
            const t = (v as { type?: unknown }).type;
            const kinds = CONTACT_POINT_TYPES.join(", ");
            return t === undefined
                ? `is required: one of ${kinds}`
                : `must be one of ${kinds}, got ${r.describe(t)}`;
        }
        return `must be {name, type: ${CONTACT_POINT_TYPES.join("|")}, ...}, got ${r.describe(v)}`;
    },
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
        // Grafana makes the integrations of one name one contact point: one named as the default
        // would join it, and receive every alert the notification policy routes to no team (other
        // teams' alerts, and rules made by hand).
        const taken = cs.find((c) => nameKey(c.name) === nameKey(DEFAULT_RECEIVER));
        if (taken)
            ctx.addIssue({
                code: "custom",
                message:
                    `names a contact point "${taken.name}", which is (or looks like) Grafana's default ` +
                    `contact point ${DEFAULT_RECEIVER}: Grafana would add it to that one, which gets ` +
                    `every alert routed to no team; choose another name`,
            });
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
        } else {
            const problem = contactPointSecretProblem(c.type, value);
            if (problem)
                problems.push({ path: ["contactPointSecrets"], message: `holds for ${which} ${problem}` });
        }
    });
    return problems;
}

/**
 * What is wrong with the secret `value` of a contact point of `type`, as a phrase after "holds
 * for <name>" that never shows the value, or undefined: a non-empty string, and a Slack webhook
 * URL one a contact point may send to (`contactPointUrlProblem`). The rule the config check and
 * the workspace component (whose secrets may arrive as an Output) both apply.
 */
export function contactPointSecretProblem(type: ContactPointType, value: unknown): string | undefined {
    if (typeof value !== "string" || value === "")
        return (
            `${typeof value === "string" ? "an empty text" : "no text"}: ` +
            "a secret is a non-empty string (the value is not shown)"
        );
    // Offline, a secret is a stand-in (shared/offlineSecret.ts): its URL is judged by `pulumi up`.
    const problem =
        type === "slack" && !isOfflineSecretStandIn(value) ? contactPointUrlProblem(value) : undefined;
    return problem
        ? `a Slack webhook URL that ${problem} (the value is not shown): give the https:// ` +
              "incoming-webhook URL Slack gave you"
        : undefined;
}

/** The SNS topics the workspace role must be allowed to publish to, sorted, each once. */
export function snsTopics(contactPoints: readonly ContactPointSettings[]): string[] {
    return [...new Set(contactPoints.flatMap((c) => (c.type === "sns" ? [c.topicArn] : [])))].sort();
}
