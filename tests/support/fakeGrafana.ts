/**
 * A local fake Grafana (127.0.0.1, a random port) that answers the HTTP APIs this program and the
 * Grafana provider call, as Grafana 10.4, 12.4 or 13 does:
 * - `GET /api/health`: `{database, version}` (the version the fake plays);
 * - the plugin API (`GET /api/plugins/:id/settings`, `POST /api/plugins/:id/install`): 404 "Not
 *   found" for the install route when plugin management is off, 409 for a version already
 *   installed, a while of 404 on the settings right after an install;
 * - `GET /api/datasources/uid/:uid/health` ("Save & test");
 * - the access-control resource permissions the provider's `DataSourcePermission`,
 *   `FolderPermission` and `DashboardPermission` call (`GET` and `POST
 *   /api/access-control/{datasources|folders|dashboards}/:uid`, grafana/terraform-provider-grafana
 *   `common_resource_permission.go`), starting from Grafana's defaults for a new resource (the
 *   Viewer and Editor roles may query a data source; a folder gives Viewer View and Editor Edit).
 * The three versions answer these routes alike (AMG's Grafana 10 and 12 API references list the
 * same plugin, data source and permission APIs); 13 deprecates the legacy `/api` routes without
 * disabling them, so it answers them too. Only `/api/health` tells the versions apart.
 * For the engine tests it also serves HTTPS (`tls`), accepts whichever tokens the fake cloud holds
 * (`token` as a predicate), and keeps data sources, folders, dashboards (each checked against the
 * version's dashboard schema), rule groups, teams and their synced groups, contact points and the
 * notification policy (`keepsObjects`: fakeGrafanaObjects.ts, fakeGrafanaTeams.ts,
 * fakeGrafanaAlerting.ts); then a permission of a resource or for a team it does not hold is refused.
 */
import * as http from "node:http";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import { ATHENA_PLUGIN_ID } from "../../shared/grafana/dataSource";
import { GrafanaObjects } from "./fakeGrafanaObjects";

export type FakeGrafanaVersion = "10.4" | "12.4" | "13";
export const FAKE_GRAFANA_VERSIONS: readonly FakeGrafanaVersion[] = ["10.4", "12.4", "13"];
/** The build each version reports in `/api/health`. */
const BUILD: Record<FakeGrafanaVersion, string> = { "10.4": "10.4.19", "12.4": "12.4.1", "13": "13.0.2" };

export interface FakeGrafanaOptions {
    version?: FakeGrafanaVersion;
    /** The token every call must carry (`Authorization: Bearer ...`), or which tokens are valid now. */
    token?: string | ((token: string) => boolean);
    /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
    tls?: { key: string; cert: string };
    /**
     * Keep data sources, folders and dashboards (fakeGrafanaObjects.ts), and answer "Save & test"
     * only for a data source that exists: the Grafana of a whole `pulumi up`.
     */
    keepsObjects?: boolean;
    /** Plugin management on (default) or off. */
    managementOn?: boolean;
    /** How many settings reads answer 404 right after an install. */
    notReportedFor?: number;
    /** Statuses the next installs answer before the real one (e.g. 503, 409). */
    installAnswers?: number[];
}

/** One grant as Grafana's access-control API lists it (`ResourcePermissionDTO`). */
export interface FakeGrant {
    teamId: number;
    userId: number;
    builtInRole: string;
    permission: string;
    isManaged: boolean;
    isInherited: boolean;
}

/** The levels each resource kind accepts (the provider validates the same lists). */
const LEVELS: Record<string, string[]> = {
    datasources: ["Query", "Edit", "Admin"],
    folders: ["View", "Edit", "Admin"],
    dashboards: ["View", "Edit", "Admin"],
};

/** Grafana's managed defaults for a resource nobody has set permissions on. */
function defaults(kind: string): FakeGrant[] {
    const grant = (builtInRole: string, permission: string): FakeGrant => ({
        teamId: 0,
        userId: 0,
        builtInRole,
        permission,
        isManaged: true,
        isInherited: false,
    });
    return kind === "datasources"
        ? [grant("Viewer", "Query"), grant("Editor", "Query")]
        : [grant("Viewer", "View"), grant("Editor", "Edit")];
}

export class FakeGrafana {
    readonly log: string[] = [];
    readonly version: FakeGrafanaVersion;
    /** Grants by `<kind>/<uid>`, once anything read or set them. */
    readonly grants = new Map<string, FakeGrant[]>();
    server!: http.Server;
    url = "";
    /** What a `keepsObjects` Grafana holds. */
    readonly objects: GrafanaObjects;
    private pendingReads = 0;

    constructor(
        public installed: string | null,
        readonly options: FakeGrafanaOptions = {},
    ) {
        this.version = options.version ?? "10.4";
        this.objects = new GrafanaObjects(this.version);
    }

    private grantsOf(kind: string, uid: string): FakeGrant[] {
        const key = `${kind}/${uid}`;
        if (!this.grants.has(key)) this.grants.set(key, defaults(kind));
        return this.grants.get(key)!;
    }

    async start(): Promise<this> {
        const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
            const reply = (status: number, body: unknown) => {
                res.writeHead(status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(body));
            };
            const authorized = this.authorized(req.headers.authorization);
            this.log.push(`${req.method} ${req.url} ${authorized ? "token" : "no token"}`);
            const url = req.url ?? "";
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                if (url === "/api/health" && req.method === "GET")
                    return reply(200, { database: "ok", version: BUILD[this.version] });
                if (!authorized) return reply(401, { message: "invalid API key" });
                const health = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(url);
                if (health && req.method === "GET") {
                    if (this.options.keepsObjects && !this.objects.dataSources.has(health[1]))
                        return reply(404, { message: "Data source not found" });
                    return reply(200, { status: "OK", message: "Data source is working" });
                }
                if (this.options.keepsObjects && this.objects.route(req.method ?? "", url, body, reply)) {
                    // A deleted resource's permissions go with it (a new one of the uid starts afresh).
                    const gone = /^\/api\/(datasources|folders|dashboards)\/(?:uid\/)?([^/?]+)$/.exec(url);
                    if (gone && req.method === "DELETE") this.grants.delete(`${gone[1]}/${gone[2]}`);
                    return;
                }
                const acl = /^\/api\/access-control\/(datasources|folders|dashboards)\/([^/?]+)(\?.*)?$/.exec(
                    url,
                );
                if (acl) return this.accessControl(acl[1], acl[2], req.method ?? "", body, reply);
                const m = /^\/api\/plugins\/([^/]+)\/(settings|install)$/.exec(url);
                if (!m || m[1] !== ATHENA_PLUGIN_ID) return reply(404, { message: "Not found" });
                if (m[2] === "settings" && req.method === "GET") {
                    if (this.pendingReads > 0) {
                        this.pendingReads -= 1;
                        return reply(404, { message: "Plugin not found, no installed plugin with that id" });
                    }
                    return this.installed === null
                        ? reply(404, { message: "Plugin not found, no installed plugin with that id" })
                        : reply(200, {
                              id: ATHENA_PLUGIN_ID,
                              type: "datasource",
                              info: { version: this.installed },
                          });
                }
                if (m[2] === "install" && req.method === "POST") {
                    // Plugin management off: the route does not exist.
                    if (this.options.managementOn === false) return reply(404, { message: "Not found" });
                    const planned = this.options.installAnswers?.shift();
                    if (planned !== undefined && planned !== 200)
                        return reply(planned, {
                            message: planned === 409 ? "Plugin already installed" : "busy",
                        });
                    const version = (JSON.parse(body || "{}") as { version?: string }).version ?? "latest";
                    this.log.push(`installed ${version}`);
                    if (this.installed === version)
                        return reply(409, { message: "Plugin already installed" });
                    this.installed = version;
                    this.pendingReads = this.options.notReportedFor ?? 0;
                    return reply(200, {});
                }
                reply(404, { message: "Not found" });
            });
        };
        this.server = this.options.tls
            ? https.createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handle)
            : http.createServer(handle);
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.url =
            `${this.options.tls ? "https" : "http"}://127.0.0.1:` +
            `${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    private authorized(header: string | undefined): boolean {
        const token = this.options.token;
        if (token === undefined) return true;
        const given = /^Bearer (.+)$/.exec(header ?? "")?.[1];
        if (given === undefined) return false;
        return typeof token === "function" ? token(given) : given === token;
    }

    /**
     * `GET` lists the grants; `POST {permissions: [{teamId, userId, builtInRole, permission}]}` sets
     * each one named (an empty permission removes it) and leaves the others, as Grafana does.
     */
    private accessControl(
        kind: string,
        uid: string,
        method: string,
        body: string,
        reply: (status: number, body: unknown) => void,
    ) {
        // A Grafana that keeps objects knows which exist: permissions of a resource or for a team
        // it does not have are refused as its resource permission API refuses a failed set (400,
        // grafana/grafana `pkg/services/accesscontrol/resourcepermissions/api.go`).
        if (this.options.keepsObjects) {
            const held = {
                datasources: "dataSources",
                folders: "folders",
                dashboards: "dashboards",
            } as const;
            if (!this.objects[held[kind as keyof typeof held]].has(uid))
                return reply(method === "GET" ? 404 : 400, { message: `${kind} ${uid} not found` });
        }
        const current = this.grantsOf(kind, uid);
        if (method === "GET")
            return reply(
                200,
                current.map((g, i) => ({ id: i + 1, roleName: "managed", ...g })),
            );
        if (method !== "POST") return reply(405, { message: "Method not allowed" });
        const { permissions } = JSON.parse(body || "{}") as { permissions?: Partial<FakeGrant>[] };
        // Every item is checked before any is set: Grafana sets them in one transaction.
        const items = (permissions ?? []).map((p) => ({
            who: { teamId: p.teamId ?? 0, userId: p.userId ?? 0, builtInRole: p.builtInRole ?? "" },
            permission: p.permission ?? "",
        }));
        for (const { who, permission } of items) {
            if (permission && !LEVELS[kind].includes(permission))
                return reply(400, { message: `invalid permission ${permission}` });
            if (
                this.options.keepsObjects &&
                who.teamId !== 0 &&
                !this.objects.teams.byId.has(Number(who.teamId))
            )
                return reply(400, { message: "failed to set permissions: team not found" });
            if (!["", "Viewer", "Editor", "Admin"].includes(who.builtInRole))
                return reply(400, { message: `failed to set permissions: invalid role ${who.builtInRole}` });
        }
        for (const { who, permission } of items) {
            const at = current.findIndex(
                (g) =>
                    g.teamId === who.teamId && g.userId === who.userId && g.builtInRole === who.builtInRole,
            );
            if (at >= 0) current.splice(at, 1);
            if (permission) current.push({ ...who, permission, isManaged: true, isInherited: false });
        }
        reply(200, { message: "Permissions updated" });
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

/** Runs `body` with `g` started, and stops it whatever happens. */
export async function withGrafana<T>(g: FakeGrafana, body: (g: FakeGrafana) => Promise<T>): Promise<T> {
    await g.start();
    try {
        return await body(g);
    } finally {
        await g.stop();
    }
}
