/**
 * Where a fake Grafana (fakeGrafanaObjects.ts) sends alerts: contact points and the notification
 * policy tree, through Grafana's alerting provisioning API (grafana/grafana
 * `docs/sources/developers/http_api/alerting_provisioning.md`, the same routes on 10.4, 12.4 and 13)
 * as the provider's `grafana_contact_point` and `grafana_notification_policy` call it
 * (grafana/terraform-provider-grafana `resource_alerting_contact_point.go`,
 * `resource_alerting_notification_policy.go`):
 * - `GET /api/v1/provisioning/contact-points?name=` lists a contact point's integrations, their
 *   secure settings shown as `[REDACTED]`; `POST` adds one (202), `PUT /:uid` changes one (202; 404
 *   for a uid none has), `DELETE /:uid` removes one (202);
 * - each integration's settings are checked as Grafana's notifiers check them (400): an SNS one
 *   needs a topic, a Slack one a URL or a token, a PagerDuty one its integration key, a webhook
 *   its URL; a type Grafana has no notifier for is refused;
 * - deleting the last integration of a contact point the policy tree routes to is 409 "Contact
 *   point is currently referenced by a notification policy." (`ErrContactPointReferenced`,
 *   `errutil.Conflict`, pkg/services/ngalert/provisioning);
 * - `GET|PUT|DELETE /api/v1/provisioning/policies`: the organisation's one tree; a PUT naming a
 *   receiver that does not exist is 400, a DELETE resets the tree to Grafana's default (every alert
 *   to `grafana-default-email`, the contact point every organisation starts with).
 */
type Reply = (status: number, body: unknown) => void;
type Json = Record<string, unknown>;

interface FakeIntegration {
    uid: string;
    name: string;
    type: string;
    settings: Json;
    disableResolveMessage: boolean;
}

/** A route of the policy tree, as the provisioning API takes it (`definitions.Route`). */
interface FakeRoute {
    receiver?: string;
    group_by?: string[];
    object_matchers?: [string, string, string][];
    routes?: FakeRoute[];
}

const DEFAULT_RECEIVER = "grafana-default-email";
const defaultTree = (): FakeRoute => ({
    receiver: DEFAULT_RECEIVER,
    group_by: ["grafana_folder", "alertname"],
});

/** Settings Grafana keeps encrypted and shows redacted, by integration type. */
const SECURE: Record<string, string[]> = {
    slack: ["url", "token"],
    pagerduty: ["integrationKey"],
    webhook: ["password", "authorization_credentials"],
    sns: ["access_key", "secret_key"],
    email: [],
};

/** What each notifier requires of its settings (Grafana's alerting `receivers/<type>/config.go`). */
function settingsProblem(type: string, s: Json): string | undefined {
    const has = (k: string) => typeof s[k] === "string" && s[k] !== "";
    if (!(type in SECURE)) return `notifier ${JSON.stringify(type)} is not supported`;
    if (type === "sns" && !has("topic") && !has("phone") && !has("targetArn"))
        return "must specify topicArn, targetArn, or phone number";
    if (type === "slack" && !has("url") && !has("token"))
        return "token must be specified when using the Slack API";
    if (type === "pagerduty" && !has("integrationKey"))
        return "could not find integration key property in settings";
    if (type === "webhook" && !has("url")) return "required field 'url' is not specified";
    if (type === "email" && !has("addresses")) return "could not find addresses in settings";
    return undefined;
}

export class GrafanaAlerting {
    /** Integrations by uid; a contact point is the integrations of one name. */
    readonly integrations = new Map<string, FakeIntegration>([
        [
            "default-email",
            {
                uid: "default-email",
                name: DEFAULT_RECEIVER,
                type: "email",
                settings: { addresses: "<example@email.com>" },
                disableResolveMessage: false,
            },
        ],
    ]);
    tree: FakeRoute = defaultTree();
    private nextUid = 1;

    /** The contact point names there are. */
    contactPoints(): Set<string> {
        return new Set([...this.integrations.values()].map((i) => i.name));
    }

    /** Answers the request when it is one of these routes; false when it is not. */
    route(method: string, url: string, body: Json, reply: Reply): boolean {
        const { pathname, searchParams } = new URL(url, "https://grafana.invalid");
        if (pathname === "/api/v1/provisioning/policies") return (this.policies(method, body, reply), true);
        const m = /^\/api\/v1\/provisioning\/contact-points(?:\/([^/]+))?$/.exec(pathname);
        if (!m) return false;
        const uid = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
        if (uid === undefined && method === "GET") {
            const name = searchParams.get("name");
            const list = [...this.integrations.values()].filter((i) => name === null || i.name === name);
            return (reply(200, list.map(redacted)), true);
        }
        if (uid === undefined && method === "POST") return (this.save(undefined, body, reply), true);
        if (uid !== undefined && method === "PUT") return (this.save(uid, body, reply), true);
        if (uid !== undefined && method === "DELETE") {
            const found = this.integrations.get(uid);
            if (!found) return (reply(202, { message: "contactpoint deleted" }), true);
            const last = [...this.integrations.values()].filter((i) => i.name === found.name).length === 1;
            if (last && receivers(this.tree).has(found.name))
                return (
                    reply(409, {
                        messageId: "alerting.notifications.contact-points.referenced",
                        message: "Contact point is currently referenced by a notification policy.",
                    }),
                    true
                );
            this.integrations.delete(uid);
            return (reply(202, { message: "contactpoint deleted" }), true);
        }
        return (reply(405, { message: "Method not allowed" }), true);
    }

    private save(uid: string | undefined, body: Json, reply: Reply): void {
        const name = typeof body.name === "string" ? body.name.trim() : "";
        const type = typeof body.type === "string" ? body.type : "";
        const settings = (body.settings ?? {}) as Json;
        if (uid !== undefined && !this.integrations.has(uid))
            return reply(404, { message: "contact point not found" });
        if (name === "") return reply(400, { message: "invalid object specification: name is required" });
        const problem = settingsProblem(type, settings);
        if (problem) return reply(400, { message: `invalid object specification: ${problem}` });
        const held = uid === undefined ? undefined : this.integrations.get(uid)!;
        // A redacted secure setting sent back keeps the value held (Grafana's "[REDACTED]" handling).
        const merged: Json = { ...settings };
        for (const k of SECURE[type]) if (merged[k] === "[REDACTED]") merged[k] = held?.settings[k];
        const saved: FakeIntegration = {
            uid: uid ?? `cp${this.nextUid++}`,
            name,
            type,
            settings: merged,
            disableResolveMessage: body.disableResolveMessage === true,
        };
        this.integrations.set(saved.uid, saved);
        reply(202, redacted(saved));
    }

    private policies(method: string, body: Json, reply: Reply): void {
        if (method === "GET") return reply(200, this.tree);
        if (method === "DELETE") {
            this.tree = defaultTree();
            return reply(202, this.tree);
        }
        if (method !== "PUT") return reply(405, { message: "Method not allowed" });
        const tree = body as FakeRoute;
        if (typeof tree.receiver !== "string" || tree.receiver === "")
            return reply(400, {
                message: "invalid object specification: root route must specify a receiver",
            });
        const known = this.contactPoints();
        for (const r of receivers(tree))
            if (!known.has(r))
                return reply(400, {
                    message: `invalid object specification: receiver '${r}' does not exist`,
                });
        this.tree = JSON.parse(JSON.stringify(tree)) as FakeRoute;
        reply(202, { message: "policies updated" });
    }
}

/** Every receiver a tree routes to. */
function receivers(tree: FakeRoute): Set<string> {
    const found = new Set<string>();
    const walk = (r: FakeRoute) => {
        if (r.receiver) found.add(r.receiver);
        for (const c of r.routes ?? []) walk(c);
    };
    walk(tree);
    return found;
}

function redacted(i: FakeIntegration): FakeIntegration {
    const settings = { ...i.settings };
    for (const k of SECURE[i.type] ?? []) if (settings[k] !== undefined) settings[k] = "[REDACTED]";
    return { ...i, settings };
}
