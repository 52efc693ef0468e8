/**
 * The stand-in Grafana provider's contact points and notification policy, through the alerting
 * provisioning API as the real provider calls it (grafana/terraform-provider-grafana
 * `internal/resources/grafana/resource_alerting_contact_point.go`, `..._notifiers.go`,
 * `resource_alerting_notification_policy.go`):
 * - a contact point is the integrations of one name, each `POST /api/v1/provisioning/contact-points`
 *   with its type's settings in Grafana's keys (`topic`, `auth_provider`; `url`, `recipient`;
 *   `integrationKey`; `url`, `authorization_scheme`, `authorization_credentials`); read back by name
 *   (`GET ?name=`), updated by uid (`PUT /:uid`, a new one `POST`ed, a dropped one `DELETE`d),
 *   deleted integration by integration; its ID is `<org>:<name>`;
 * - the notification policy is the organisation's whole tree, `PUT /api/v1/provisioning/policies`
 *   (`receiver`, `group_by`, `routes` with `object_matchers` `[label, op, value]`), reset to
 *   Grafana's default on delete (`DELETE`); its ID is `<org>:policy`.
 */
import type { Answer } from "./cloud";
import type { GrafanaApi } from "./grafanaAccess";
import type { Props } from "./wire";

const ORG = "1";
export const CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint";
export const NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";
const CONTACT_POINTS = "/api/v1/provisioning/contact-points";
const POLICIES = "/api/v1/provisioning/policies";

/** Per input block: Grafana's integration type, and each input's setting key. */
const NOTIFIERS: Record<string, { type: string; keys: Record<string, string> }> = {
    sns: {
        type: "sns",
        keys: { topic: "topic", authProvider: "auth_provider", assumeRoleArn: "assume_role_arn" },
    },
    slacks: { type: "slack", keys: { url: "url", token: "token", recipient: "recipient" } },
    pagerduties: { type: "pagerduty", keys: { integrationKey: "integrationKey" } },
    webhooks: {
        type: "webhook",
        keys: {
            url: "url",
            authorizationScheme: "authorization_scheme",
            authorizationCredentials: "authorization_credentials",
        },
    },
};

interface Integration {
    uid?: string;
    name: string;
    type: string;
    settings: Props;
    disableResolveMessage: boolean;
}

/** The program's blocks as the integrations Grafana keeps. */
function integrations(inputs: Props): Integration[] {
    const name = String(inputs.name);
    return Object.entries(NOTIFIERS).flatMap(([block, { type, keys }]) =>
        (Array.isArray(inputs[block]) ? (inputs[block] as Props[]) : []).map((b) => ({
            name,
            type,
            settings: Object.fromEntries(
                Object.entries(keys).flatMap(([k, g]) =>
                    b[k] === undefined || b[k] === "" ? [] : [[g, b[k]]],
                ),
            ),
            disableResolveMessage: b.disableResolveMessage === true,
        })),
    );
}

async function held(api: GrafanaApi, name: string): Promise<Integration[]> {
    return (await api.ok(
        "GET",
        `${CONTACT_POINTS}?name=${encodeURIComponent(name)}`,
    )) as unknown as Integration[];
}

export async function createContactPoint(api: GrafanaApi, inputs: Props): Promise<Answer> {
    for (const i of integrations(inputs)) await api.ok("POST", CONTACT_POINTS, i);
    return { id: `${ORG}:${String(inputs.name)}`, outs: { ...inputs, orgId: ORG } };
}

export async function readContactPoint(
    api: GrafanaApi,
    id: string,
    state: Props,
): Promise<{ outs: Props; inputs: Props } | undefined> {
    const name = id.split(":").slice(1).join(":");
    const found = await held(api, name);
    if (found.length === 0) return undefined;
    // What Grafana lists, by type: a block the program has but Grafana lost is gone from the outputs.
    const types = new Set(found.map((i) => i.type));
    const outs: Props = { ...state };
    for (const [block, { type }] of Object.entries(NOTIFIERS))
        if (!types.has(type) && block in outs) delete outs[block];
    return { outs, inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => k !== "orgId")) };
}

export async function updateContactPoint(api: GrafanaApi, id: string, news: Props): Promise<Props> {
    const oldName = id.split(":").slice(1).join(":");
    const current = await held(api, oldName);
    const wanted = integrations(news);
    for (const [i, w] of wanted.entries()) {
        const at = current.findIndex((c) => c.type === w.type);
        if (at >= 0) {
            const [c] = current.splice(at, 1);
            await api.ok("PUT", `${CONTACT_POINTS}/${encodeURIComponent(String(c.uid))}`, {
                ...w,
                uid: c.uid,
            });
        } else {
            await api.ok("POST", CONTACT_POINTS, wanted[i]);
        }
    }
    for (const c of current) await api.ok("DELETE", `${CONTACT_POINTS}/${encodeURIComponent(String(c.uid))}`);
    return { ...news, orgId: ORG };
}

export async function deleteContactPoint(api: GrafanaApi, id: string): Promise<void> {
    for (const c of await held(api, id.split(":").slice(1).join(":")))
        await api.ok("DELETE", `${CONTACT_POINTS}/${encodeURIComponent(String(c.uid))}`);
}

/** The program's policy as Grafana's route tree. */
function tree(inputs: Props): Props {
    const groupBy = (p: Props) => (Array.isArray(p.groupBies) ? p.groupBies : undefined);
    const route = (p: Props): Props => ({
        receiver: p.contactPoint,
        ...(groupBy(p) ? { group_by: groupBy(p) } : {}),
        ...(Array.isArray(p.matchers)
            ? { object_matchers: (p.matchers as Props[]).map((m) => [m.label, m.match, m.value]) }
            : {}),
        ...(p.continue === true ? { continue: true } : {}),
        ...(Array.isArray(p.policies) ? { routes: (p.policies as Props[]).map(route) } : {}),
    });
    return route(inputs);
}

export async function putNotificationPolicy(api: GrafanaApi, inputs: Props): Promise<Answer> {
    await api.ok("PUT", POLICIES, tree(inputs));
    return { id: `${ORG}:policy`, outs: { ...inputs, orgId: ORG } };
}

export async function readNotificationPolicy(
    api: GrafanaApi,
    state: Props,
): Promise<{ outs: Props; inputs: Props } | undefined> {
    const now = await api.ok("GET", POLICIES);
    // The tree Grafana holds; the program's form while it is the one the program put.
    const outs =
        JSON.stringify(now) === JSON.stringify(tree(state))
            ? { ...state }
            : { ...state, contactPoint: now.receiver };
    return { outs, inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => k !== "orgId")) };
}

export async function deleteNotificationPolicy(api: GrafanaApi): Promise<void> {
    await api.ok("DELETE", POLICIES);
}
