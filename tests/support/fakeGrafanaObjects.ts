/**
 * What the fake Grafana keeps when it plays the Grafana a whole `pulumi up` talks to (the engine
 * tests): data sources, folders and dashboards, through the HTTP API routes the Grafana provider
 * calls (grafana/terraform-provider-grafana `internal/resources/grafana`, Grafana's
 * `pkg/api/api.go`):
 * - `POST /api/datasources`, `GET|PUT|DELETE /api/datasources/uid/:uid` (409 for a name or uid
 *   already taken, as Grafana's "data source with the same name already exists");
 * - `POST /api/folders`, `GET|PUT|DELETE /api/folders/:uid`;
 * - `POST /api/dashboards/db` (create or overwrite by uid; the version counts saves),
 *   `GET|DELETE /api/dashboards/uid/:uid`;
 * - the alerting provisioning API the provider's `alerting.RuleGroup` calls (terraform-provider-grafana
 *   `resource_alerting_rule_group.go`; grafana/grafana `docs/sources/shared/alerts/alerting_provisioning.md`,
 *   the same routes on 10.4, 12.4 and 13): `PUT|GET
     /api/v1/provisioning/folder/:folderUid/rule-groups/:group`
 *   (a PUT replaces the group's rules: one it no longer lists is deleted), `GET|DELETE
 *   /api/v1/provisioning/alert-rules/:uid`. A PUT is refused (400) as Grafana refuses it: a folder that
 *   does not exist, an interval that is not a positive multiple of the 10 s base interval, a rule without
 *   a title, with a uid Grafana would not take, whose condition names no stage of its data, or whose query
 *   names a data source that does not exist (`__expr__` and `-100` are the expressions), or a title that
 *   another rule of the folder has.
 * Each object counts how often it was created: a test tells an update from a replacement by it.
 */
import { GrafanaAlerting } from "./fakeGrafanaAlerting";
import { GrafanaTeams } from "./fakeGrafanaTeams";
import { dashboardModelProblems } from "./grafanaSchemas";

interface GrafanaObject {
    uid: string;
    /** Times an object of this uid was created (a replacement creates it again). */
    created: number;
    body: Record<string, unknown>;
}

type Reply = (status: number, body: unknown) => void;

export class GrafanaObjects {
    readonly dataSources = new Map<string, GrafanaObject>();
    readonly folders = new Map<string, GrafanaObject>();
    readonly dashboards = new Map<string, GrafanaObject>();
    /** Rule groups by `<folder uid>;<group>`, and every rule by uid (with its folder and group). */
    readonly ruleGroups = new Map<
        string,
        { title: string; folderUid: string; interval: number; uids: string[] }
    >();
    readonly alertRules = new Map<string, Record<string, unknown>>();
    /** Teams and their synced groups (fakeGrafanaTeams.ts). */
    readonly teams = new GrafanaTeams();
    /** Contact points and the notification policy tree (fakeGrafanaAlerting.ts). */
    readonly alerting = new GrafanaAlerting();
    private nextId = 1;
    /** The Grafana version whose dashboard schema a saved dashboard must meet. */
    constructor(private readonly version = "10.4") {}
    private readonly createdCounts = new Map<string, number>();

    private put(
        kind: Map<string, GrafanaObject>,
        prefix: string,
        uid: string,
        body: Record<string, unknown>,
        fresh: boolean,
    ): GrafanaObject {
        const key = `${prefix}/${uid}`;
        if (fresh) this.createdCounts.set(key, (this.createdCounts.get(key) ?? 0) + 1);
        const object = { uid, created: this.createdCounts.get(key) ?? 1, body };
        kind.set(uid, object);
        return object;
    }

    /** Answers the request when it is one of these routes; false when it is not. */
    route(method: string, url: string, raw: string, reply: Reply): boolean {
        const body = (() => {
            try {
                return JSON.parse(raw || "{}") as Record<string, unknown>;
            } catch {
                return {};
            }
        })();
        if (url === "/api/datasources" && method === "POST") {
            const uid = String(body.uid ?? "");
            const taken = [...this.dataSources.values()].some(
                (d) => d.uid === uid || d.body.name === body.name,
            );
            if (taken)
                return (reply(409, { message: "data source with the same name already exists" }), true);
            const id = this.nextId++;
            this.put(this.dataSources, "ds", uid, { ...body, id }, true);
            return (
                reply(200, {
                    datasource: { ...body, id, uid },
                    id,
                    message: "Datasource added",
                    name: body.name,
                }),
                true
            );
        }
        const ds = /^\/api\/datasources\/uid\/([^/?]+)$/.exec(url);
        if (ds) return this.item(this.dataSources, "ds", ds[1], method, body, reply);
        if (url === "/api/folders" && method === "POST") {
            const uid = String(body.uid ?? "");
            if (this.folders.has(uid))
                return (reply(409, { message: "a folder with the same uid already exists" }), true);
            this.put(this.folders, "folder", uid, { uid, title: body.title, id: this.nextId++ }, true);
            return (reply(200, { uid, title: body.title }), true);
        }
        const folder = /^\/api\/folders\/([^/?]+)$/.exec(url);
        if (
            folder &&
            method === "DELETE" &&
            [...this.alertRules.values()].some((r) => r.folderUID === folder[1])
        )
            return (reply(400, { message: "folder cannot be deleted: folder contains alert rules" }), true);
        if (folder) return this.item(this.folders, "folder", folder[1], method, body, reply);
        if (url === "/api/dashboards/db" && method === "POST") return (this.saveDashboard(body, reply), true);
        const group = /^\/api\/v1\/provisioning\/folder\/([^/?]+)\/rule-groups\/([^/?]+)$/.exec(url);
        if (group) return (this.ruleGroup(method, group[1], decodeURIComponent(group[2]), body, reply), true);
        const rule = /^\/api\/v1\/provisioning\/alert-rules\/([^/?]+)$/.exec(url);
        if (rule && method === "GET") {
            const r = this.alertRules.get(rule[1]);
            return (r ? reply(200, r) : reply(404, { message: "rule not found" }), true);
        }
        if (rule && method === "DELETE") return (this.alertRules.delete(rule[1]), reply(204, {}), true);
        const dash = /^\/api\/dashboards\/uid\/([^/?]+)$/.exec(url);
        if (dash && method === "GET") {
            const d = this.dashboards.get(dash[1]);
            if (!d) return (reply(404, { message: "Dashboard not found" }), true);
            return (
                reply(200, {
                    dashboard: d.body.dashboard,
                    meta: { url: d.body.url, folderUid: d.body.folderUid },
                }),
                true
            );
        }
        if (dash && method === "DELETE") {
            if (!this.dashboards.delete(dash[1]))
                return (reply(404, { message: "Dashboard not found" }), true);
            return (reply(200, { message: "Dashboard deleted" }), true);
        }
        return this.teams.route(method, url, body, reply) || this.alerting.route(method, url, body, reply);
    }

    private ruleGroup(
        method: string,
        folderUid: string,
        title: string,
        body: Record<string, unknown>,
        reply: Reply,
    ) {
        const key = `${folderUid};${title}`;
        const rulesOf = (uids: string[]) =>
            uids.flatMap((u) => (this.alertRules.has(u) ? [this.alertRules.get(u)!] : []));
        if (method === "GET") {
            const g = this.ruleGroups.get(key);
            const rules = g ? rulesOf(g.uids) : [];
            if (!g || rules.length === 0) return reply(404, { message: "rule group not found" });
            return reply(200, { title, folderUid, interval: g.interval, rules });
        }
        if (method !== "PUT") return reply(405, { message: "Method not allowed" });
        const problem = this.ruleGroupProblem(folderUid, title, body);
        if (problem) return reply(400, { message: `invalid rule group: ${problem}` });
        const rules = (body.rules as Record<string, unknown>[]).map((r): Record<string, unknown> => ({
            ...r,
            folderUID: folderUid,
            ruleGroup: title,
            orgID: 1,
            provenance: "api",
        }));
        for (const uid of this.ruleGroups.get(key)?.uids ?? []) this.alertRules.delete(uid);
        for (const r of rules) this.alertRules.set(String(r.uid), r);
        this.ruleGroups.set(key, {
            title,
            folderUid,
            interval: Number(body.interval),
            uids: rules.map((r) => String(r.uid)),
        });
        reply(200, { title, folderUid, interval: body.interval, rules });
    }

    private ruleGroupProblem(
        folderUid: string,
        title: string,
        body: Record<string, unknown>,
    ): string | undefined {
        if (!this.folders.has(folderUid)) return `folder ${folderUid} does not exist`;
        const interval = Number(body.interval);
        if (!Number.isInteger(interval) || interval <= 0 || interval % 10 !== 0)
            return `interval ${String(body.interval)} is not a positive multiple of the base interval 10s`;
        if (!Array.isArray(body.rules)) return "rules must be a list";
        const titles = new Set(
            [...this.alertRules.values()]
                .filter((r) => r.folderUID === folderUid && r.ruleGroup !== title)
                .map((r) => String(r.title)),
        );
        for (const r of body.rules as Record<string, unknown>[]) {
            const uid = String(r.uid ?? "");
            if (!/^[A-Za-z0-9_-]{1,40}$/.test(uid))
                return `rule uid ${JSON.stringify(uid)} is not a valid uid`;
            if (typeof r.title !== "string" || r.title === "" || r.title.length > 190)
                return `rule ${uid} has no title of 1 to 190 characters`;
            if (titles.has(r.title))
                return `a rule titled ${JSON.stringify(r.title)} exists in the folder already`;
            titles.add(r.title);
            const data = Array.isArray(r.data) ? (r.data as Record<string, unknown>[]) : [];
            if (!data.some((d) => d.refId === r.condition))
                return `rule ${uid}: condition ${String(r.condition)} is not a stage of its data`;
            for (const d of data) {
                const ds = String(d.datasourceUid ?? "");
                if (ds !== "__expr__" && ds !== "-100" && !this.dataSources.has(ds))
                    return `rule ${uid}: data source ${ds} not found`;
            }
        }
        return undefined;
    }

    private item(
        kind: Map<string, GrafanaObject>,
        prefix: string,
        uid: string,
        method: string,
        body: Record<string, unknown>,
        reply: Reply,
    ): true {
        const current = kind.get(uid);
        if (!current) return (reply(404, { message: "Not found" }), true);
        if (method === "GET") return (reply(200, current.body), true);
        if (method === "PUT") {
            this.put(kind, prefix, uid, { ...current.body, ...body, uid, id: current.body.id }, false);
            return (reply(200, { message: "Updated" }), true);
        }
        if (method === "DELETE") {
            kind.delete(uid);
            return (reply(200, { message: "Deleted" }), true);
        }
        return (reply(405, { message: "Method not allowed" }), true);
    }

    private saveDashboard(body: Record<string, unknown>, reply: Reply): void {
        const model = (body.dashboard ?? {}) as Record<string, unknown>;
        const uid = String(model.uid ?? `auto${this.nextId}`);
        const current = this.dashboards.get(uid);
        if (current && body.overwrite !== true)
            return reply(412, {
                status: "name-exists",
                message: "A dashboard with the same uid already exists",
            });
        const folderUid = body.folderUid === undefined ? "" : String(body.folderUid);
        if (folderUid && !this.folders.has(folderUid)) return reply(400, { message: "folder not found" });
        // Another dashboard of this title in the folder: refused, or with `overwrite` taken over (the
        // saved model gets its uid), as grafana/grafana `pkg/services/dashboards/database`
        // (`getExistingDashboardByTitleAndFolder`) does on 10.x; the fake does so on every version.
        const namesake = [...this.dashboards.values()].find(
            (d) =>
                d.uid !== uid &&
                d.body.folderUid === folderUid &&
                (d.body.dashboard as { title?: unknown }).title === model.title,
        );
        if (namesake && body.overwrite !== true)
            return reply(412, {
                status: "name-exists",
                message: "A dashboard with the same name in the folder already exists",
            });
        if (namesake)
            return this.saveDashboard({ ...body, dashboard: { ...model, uid: namesake.uid } }, reply);
        if (typeof model.title !== "string" || model.title.trim() === "")
            return reply(400, { status: "empty-name", message: "Dashboard title cannot be empty" });
        // Grafana's /api/dashboards/db stores the model without checking it against the dashboard
        // schema (its schema check, `POST /api/dashboards/validate`, only warns in the save
        // drawer). The fake refuses what the version's schema refuses, so a test learns of a
        // dashboard a schema-checking Grafana, or a later version's panel migration, would not take.
        const problems = dashboardModelProblems(model, this.version);
        if (problems.length > 0)
            return reply(400, {
                status: "invalid-dashboard",
                message: `invalid dashboard: ${problems.join("; ")}`,
            });
        const id = (current?.body.id as number | undefined) ?? this.nextId++;
        const version = ((current?.body.version as number | undefined) ?? 0) + 1;
        const slug = String(model.title ?? uid)
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, "");
        const url = `/d/${uid}/${slug}`;
        this.put(
            this.dashboards,
            "dashboard",
            uid,
            { dashboard: { ...model, uid, id, version }, id, version, url, folderUid },
            !current,
        );
        reply(200, { id, uid, url, status: "success", version, slug });
    }
}
