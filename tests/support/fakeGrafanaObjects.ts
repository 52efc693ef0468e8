/**
 * What the fake Grafana keeps when it plays the Grafana a whole `pulumi up` talks to (the engine
 * tests): data sources, folders and dashboards, through the HTTP API routes the Grafana provider
 * calls (grafana/terraform-provider-grafana `internal/resources/grafana`, Grafana's
 * `pkg/api/api.go`):
 * - `POST /api/datasources`, `GET|PUT|DELETE /api/datasources/uid/:uid` (409 for a name or uid
 *   already taken, as Grafana's "data source with the same name already exists");
 * - `POST /api/folders`, `GET|PUT|DELETE /api/folders/:uid`;
 * - `POST /api/dashboards/db` (create or overwrite by uid; the version counts saves),
 *   `GET|DELETE /api/dashboards/uid/:uid`.
 * Each object counts how often it was created: a test tells an update from a replacement by it.
 */
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
    private nextId = 1;
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
        if (folder) return this.item(this.folders, "folder", folder[1], method, body, reply);
        if (url === "/api/dashboards/db" && method === "POST") return (this.saveDashboard(body, reply), true);
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
        return false;
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
