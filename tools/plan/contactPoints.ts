/**
 * Where a workspace plan sends alerts, read back from its `alerting.ContactPoint` and
 * `alerting.NotificationPolicy` resources (not from the settings): each contact point's
 * integrations and their targets (an SNS topic, a Slack channel, a webhook URL; a secret shown as
 * the plan holds it, `[secret]`), and each route of the policy tree (which labels go to which
 * contact point). Pure: a plan in, lines out; the plan diff shows them added and removed.
 */
import type { Plan, PlanResource } from "./format";
import { byCodeUnits } from "../../shared/order";
import { lineChanges } from "./lineChanges";

const CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint";
const NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const list = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : [];
const q = (v: unknown) => JSON.stringify(str(v));

/** Per integration block of the provider's resource: how a reviewer reads its target. */
const TARGETS: [string, (b: Record<string, unknown>) => string][] = [
    [
        "sns",
        (b) => `SNS topic ${q(b.topic)}${str(b.authProvider) === "default" ? " (the workspace role)" : ""}`,
    ],
    [
        "slacks",
        (b) => `Slack ${q(b.recipient)} through ${b.url !== undefined ? q(b.url) : `token ${q(b.token)}`}`,
    ],
    ["pagerduties", (b) => `PagerDuty, integration key ${q(b.integrationKey)}`],
    [
        "webhooks",
        (b) =>
            `webhook ${q(b.url)}` +
            (b.authorizationCredentials !== undefined
                ? `, bearer token ${q(b.authorizationCredentials)}`
                : ""),
    ],
];

function contactPointLines(cp: PlanResource): string[] {
    const found = TARGETS.flatMap(([block, say]) => list(cp.inputs[block]).map(say));
    return (found.length > 0 ? found : ["no integration"]).map(
        (t) => `contact point ${q(cp.inputs.name)} → ${t}`,
    );
}

function routeLines(policy: PlanResource): string[] {
    const lines = [`alerts matching no route → contact point ${q(policy.inputs.contactPoint)}`];
    const walk = (routes: Record<string, unknown>[], within: string) => {
        for (const r of routes) {
            const matchers = list(r.matchers)
                .map((m) => `${str(m.label)}${str(m.match)}${q(m.value)}`)
                .join(", ");
            const where = within ? `${within}, ${matchers}` : matchers;
            lines.push(`alerts with ${where || "any labels"} → contact point ${q(r.contactPoint)}`);
            walk(list(r.policies), where);
        }
    };
    walk(list(policy.inputs.policies), "");
    return lines;
}

/** One line per contact point integration and per route of the plan's notification policy. */
export function alertingLines(plan: Plan | undefined): string[] {
    if (plan === undefined) return [];
    return [
        ...plan.resources.filter((r) => r.type === CONTACT_POINT).flatMap(contactPointLines),
        ...plan.resources.filter((r) => r.type === NOTIFICATION_POLICY).flatMap(routeLines),
    ].sort(byCodeUnits);
}

export function alertingChanges(base: Plan | undefined, head: Plan | undefined): string[] {
    return lineChanges(alertingLines(base), alertingLines(head));
}
