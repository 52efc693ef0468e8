/**
 * The stand-in for the Grafana provider (`@pulumiverse/grafana`): every resource is kept where the
 * real provider keeps it, in Grafana, through the same HTTP API calls
 * (grafana/terraform-provider-grafana `internal/resources/grafana`: data sources by uid, folders,
 * dashboards through `POST /api/dashboards/db`), with the URL and the token of the provider's
 * configuration. Against the fake Grafana of the tests (tests/support/fakeGrafana.ts), over HTTPS:
 * a rotated-out token is refused there as Grafana refuses it. Ids are `<org>:<uid>`
 * (the provider's `MakeOrgResourceID`); a rule group's is `<org>:<folder uid>;<group>`, and it is written
 * with `PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group`, read with the group and each of
 * its rules, and deleted rule by rule (`resource_alerting_rule_group.go`). Teams and permissions are
 * grafanaAccess.ts; contact points and the notification policy grafanaAlerting.ts.
 */
import { configValue, Answer, StandIn } from "./cloud";
import * as access from "./grafanaAccess";
import * as alerting from "./grafanaAlerting";
import { Props, same } from "./wire";

const ORG = "1";
const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";

interface Reply {
    status: number;
    body: Props;
}

export class GrafanaStandIn implements StandIn {
    private url = "";
    private auth = "";
    private readonly api: access.GrafanaApi = {
        call: (method, path, body) => this.call(method, path, body),
        ok: (method, path, body) => this.ok(method, path, body),
    };

    configure(config: Props): void {
        this.url = String(configValue(config, "url") ?? "").replace(/\/+$/, "");
        this.auth = String(configValue(config, "auth") ?? "");
    }

    private async call(method: string, path: string, body?: unknown): Promise<Reply> {
        if (!this.url) throw new Error("stand-in grafana: the provider has no url");
        const response = await fetch(`${this.url}${path}`, {
            method,
            headers: { Authorization: `Bearer ${this.auth}`, "Content-Type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        let parsed: Props;
        try {
            parsed = text ? (JSON.parse(text) as Props) : {};
        } catch {
            parsed = { message: text.slice(0, 200) };
        }
        return { status: response.status, body: parsed };
    }

    private async ok(method: string, path: string, body?: unknown): Promise<Props> {
        const reply = await this.call(method, path, body);
        if (reply.status >= 300)
            throw new Error(`status: ${reply.status}, body: ${JSON.stringify(reply.body)}`);
        return reply.body;
    }

    async create(type: string, _name: string, inputs: Props): Promise<Answer> {
        const uid = String(inputs.uid ?? "");
        if (type in access.PERMISSIONS) return access.putPermissions(this.api, type, inputs);
        switch (type) {
            case access.TEAM:
                return access.createTeam(this.api, inputs);
            case alerting.CONTACT_POINT:
                return alerting.createContactPoint(this.api, inputs);
            case alerting.NOTIFICATION_POLICY:
                return alerting.putNotificationPolicy(this.api, inputs);
            case "grafana:oss/dataSource:DataSource":
                await this.ok("POST", "/api/datasources", {
                    name: inputs.name,
                    type: inputs.type,
                    uid,
                    access: "proxy",
                    jsonData: JSON.parse(String(inputs.jsonDataEncoded ?? "{}")),
                });
                return { id: `${ORG}:${uid}`, outs: { ...inputs, uid, orgId: ORG } };
            case "grafana:oss/folder:Folder": {
                await this.ok("POST", "/api/folders", { uid, title: inputs.title });
                return {
                    id: `${ORG}:${uid}`,
                    outs: { ...inputs, uid, orgId: ORG, url: `${this.url}/dashboards/f/${uid}` },
                };
            }
            case "grafana:oss/dashboard:Dashboard":
                return this.saveDashboard(inputs);
            case RULE_GROUP:
                return this.putRuleGroup(inputs);
            default:
                throw new Error(`stand-in grafana: resource type "${type}" is not modelled`);
        }
    }

    /** The provider's rule and its `data` stages, as the provisioning API takes them (`unpackAlertRule`). */
    private async putRuleGroup(inputs: Props): Promise<Answer> {
        const folderUid = String(inputs.folderUid);
        const group = String(inputs.name);
        const rules = (Array.isArray(inputs.rules) ? (inputs.rules as Props[]) : []).map((r) => ({
            uid: r.uid,
            title: r.name,
            condition: r.condition,
            for: r.for ?? "0s",
            noDataState: r.noDataState ?? "NoData",
            execErrState: r.execErrState ?? "Alerting",
            labels: r.labels ?? {},
            annotations: r.annotations ?? {},
            isPaused: r.isPaused ?? false,
            data: (Array.isArray(r.datas) ? (r.datas as Props[]) : []).map((d) => ({
                refId: d.refId,
                datasourceUid: d.datasourceUid,
                queryType: d.queryType ?? "",
                relativeTimeRange: d.relativeTimeRange,
                model: JSON.parse(String(d.model ?? "{}")) as unknown,
            })),
        }));
        await this.ok(
            "PUT",
            `/api/v1/provisioning/folder/${folderUid}/rule-groups/${encodeURIComponent(group)}`,
            {
                title: group,
                folderUid,
                interval: inputs.intervalSeconds,
                rules,
            },
        );
        return { id: `${ORG}:${folderUid};${group}`, outs: { ...inputs, orgId: ORG } };
    }

    /**
     * As the provider saves a dashboard (`resource_dashboard.go`): on create with the program's
     * `overwrite` (unset: false, so Grafana refuses a dashboard of the same uid or title in the
     * folder), on update always overwriting.
     */
    private async saveDashboard(inputs: Props, updating = false): Promise<Answer> {
        const model = JSON.parse(String(inputs.configJson ?? "{}")) as Props;
        const saved = await this.ok("POST", "/api/dashboards/db", {
            dashboard: model,
            folderUid: inputs.folder,
            overwrite: updating || inputs.overwrite === true,
        });
        const uid = String(saved.uid);
        return {
            id: `${ORG}:${uid}`,
            outs: {
                ...inputs,
                uid,
                orgId: ORG,
                dashboardId: saved.id,
                version: saved.version,
                url: `${this.url}${String(saved.url)}`,
            },
        };
    }

    async read(type: string, id: string, state: Props): Promise<{ outs: Props; inputs: Props } | undefined> {
        if (type in access.PERMISSIONS) return access.readPermissions(this.api, type, id, state);
        if (type === access.TEAM) return access.readTeam(this.api, id, state);
        if (type === alerting.CONTACT_POINT) return alerting.readContactPoint(this.api, id, state);
        if (type === alerting.NOTIFICATION_POLICY) return alerting.readNotificationPolicy(this.api, state);
        const path = objectPath(type, id);
        const reply = await this.call("GET", path);
        // The provider's CheckReadError: a 404 means the resource is gone.
        if (reply.status === 404) return undefined;
        if (reply.status >= 300)
            throw new Error(`status: ${reply.status}, body: ${JSON.stringify(reply.body)}`);
        const outs = { ...state };
        if (type === "grafana:oss/dataSource:DataSource") {
            // The provider normalises the JSON and suppresses a difference of form (its DiffSuppressFunc).
            const json = reply.body.jsonData ?? {};
            const held = typeof state.jsonDataEncoded === "string" ? state.jsonDataEncoded : "{}";
            Object.assign(outs, {
                name: reply.body.name,
                type: reply.body.type,
                jsonDataEncoded: same(JSON.parse(held), json) ? held : JSON.stringify(json),
            });
        } else if (type === "grafana:oss/folder:Folder") {
            outs.title = reply.body.title;
        } else if (type === RULE_GROUP) {
            outs.intervalSeconds = reply.body.interval;
        } else {
            Object.assign(outs, { version: (reply.body.dashboard as Props | undefined)?.version });
        }
        const computed = ["orgId", "url", "dashboardId", "version"];
        return {
            outs,
            inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => !computed.includes(k))),
        };
    }

    async update(type: string, id: string, olds: Props, news: Props): Promise<Props> {
        const uid = id.split(":").slice(1).join(":");
        if (type in access.PERMISSIONS) return (await access.putPermissions(this.api, type, news)).outs;
        switch (type) {
            case access.TEAM:
                return access.updateTeam(this.api, id, olds, news);
            case alerting.CONTACT_POINT:
                return alerting.updateContactPoint(this.api, id, news);
            case alerting.NOTIFICATION_POLICY:
                return (await alerting.putNotificationPolicy(this.api, news)).outs;
            case "grafana:oss/dataSource:DataSource":
                await this.ok("PUT", `/api/datasources/uid/${uid}`, {
                    name: news.name,
                    type: news.type,
                    uid,
                    access: "proxy",
                    jsonData: JSON.parse(String(news.jsonDataEncoded ?? "{}")),
                });
                return { ...news, uid, orgId: ORG };
            case "grafana:oss/folder:Folder":
                await this.ok("PUT", `/api/folders/${uid}`, { title: news.title, overwrite: true });
                return { ...news, uid, orgId: ORG, url: `${this.url}/dashboards/f/${uid}` };
            case "grafana:oss/dashboard:Dashboard":
                return (await this.saveDashboard(news, true)).outs;
            case RULE_GROUP:
                return (await this.putRuleGroup(news)).outs;
            default:
                throw new Error(`stand-in grafana: resource type "${type}" is not modelled`);
        }
    }

    async delete(type: string, id: string): Promise<void> {
        if (type in access.PERMISSIONS) return access.deletePermissions(this.api, type, id);
        if (type === access.TEAM) return access.deleteTeam(this.api, id);
        if (type === alerting.CONTACT_POINT) return alerting.deleteContactPoint(this.api, id);
        if (type === alerting.NOTIFICATION_POLICY) return alerting.deleteNotificationPolicy(this.api);
        if (type === RULE_GROUP) {
            // As the provider deletes a group: each of its rules.
            const group = await this.call("GET", objectPath(type, id));
            if (group.status === 404) return;
            for (const r of (group.body.rules as Props[] | undefined) ?? [])
                await this.ok("DELETE", `/api/v1/provisioning/alert-rules/${String(r.uid)}`);
            return;
        }
        const path = objectPath(type, id);
        const reply = await this.call("DELETE", path);
        if (reply.status >= 300 && reply.status !== 404)
            throw new Error(`status: ${reply.status}, body: ${JSON.stringify(reply.body)}`);
    }

    async invoke(token: string): Promise<Props> {
        throw new Error(`stand-in grafana: function "${token}" is not modelled`);
    }

    secretOutputs(): string[] {
        return [];
    }
}

/** The Grafana API path of the object a resource of `type` with the ID `<org>:<uid>` stands for. */
function objectPath(type: string, id: string): string {
    const uid = id.split(":").slice(1).join(":");
    if (type === RULE_GROUP) {
        const [folderUid, ...group] = uid.split(";");
        return `/api/v1/provisioning/folder/${folderUid}/rule-groups/${encodeURIComponent(group.join(";"))}`;
    }
    const path = {
        "grafana:oss/dataSource:DataSource": `/api/datasources/uid/${uid}`,
        "grafana:oss/folder:Folder": `/api/folders/${uid}`,
        "grafana:oss/dashboard:Dashboard": `/api/dashboards/uid/${uid}`,
    }[type];
    if (!path) throw new Error(`stand-in grafana: resource type "${type}" is not modelled`);
    return path;
}
