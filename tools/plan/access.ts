/**
 * The access table of an offline plan: for each team (or role, or user) the Grafana data sources
 * it may query and the dashboards it may view, read back from the permission resources the plan
 * holds (not from what the program meant to grant), so a reviewer sees what `pulumi up` would
 * leave. Pure: a plan in, rows and lines out; `npm run synth` prints it and the plan diff shows a
 * change of access as lines of their own.
 *
 * Grafana's rules it applies (docs/grafana-permissions.md has the sources): a data source without a
 * `DataSourcePermission` may be queried by every user; a dashboard's viewers are its own grants
 * plus those it inherits from its folder; a folder without a `FolderPermission` keeps Grafana's
 * defaults (the Viewer role may view, the Editor role edit). Grafana admins may do everything, and
 * are never listed. A team synced from identity provider groups is listed with them
 * (`team sales (groups 9a67..., ops)`): who joins it is decided there, so a change of groups is a
 * change of access the diff shows.
 */
import type { Plan, PlanResource } from "./format";
import { byCodeUnits } from "../../shared/order";
import { lineChanges } from "./lineChanges";

/** Who a grant names, as a reviewer reads it. */
export const EVERYONE = "every user (Grafana's defaults)";
export const ADMINS_ONLY = "admins only";

export interface AccessRow {
    /** `team <name>`, `role <Viewer>`, `user or service account <id>`, EVERYONE or ADMINS_ONLY. */
    principal: string;
    /** Names of the data sources it may query, sorted. */
    dataSources: string[];
    /** Titles of the dashboards it may view, sorted. */
    dashboards: string[];
}

const DATA_SOURCE = "grafana:oss/dataSource:DataSource";
const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const DATA_SOURCE_PERMISSION = "grafana:enterprise/dataSourcePermission:DataSourcePermission";
const FOLDER_PERMISSION = "grafana:oss/folderPermission:FolderPermission";
const DASHBOARD_PERMISSION = "grafana:oss/dashboardPermission:DashboardPermission";
const TEAM = "grafana:oss/team:Team";

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/**
 * Who a whole set of grants names. Every level the provider accepts (Query, View, Edit, Admin) includes
 * querying or viewing.
 */
function principalsOf(permissions: unknown, teamNames: ReadonlyMap<string, string>): string[] {
    if (!Array.isArray(permissions)) return [];
    const out: string[] = [];
    for (const p of permissions as Record<string, unknown>[]) {
        if (!p || typeof p !== "object" || str(p.permission) === "") continue;
        const role = str(p.builtInRole ?? p.role);
        const team = str(p.teamId);
        const user = str(p.userId);
        if (role) out.push(`role ${role}`);
        else if (team && team !== "0") out.push(`team ${teamNames.get(team) ?? `id ${team}`}`);
        else if (user && user !== "0") out.push(`user or service account ${user}`);
    }
    return out;
}

function byInput(plan: Plan, type: string, input: string): Map<string, PlanResource> {
    return new Map(plan.resources.filter((r) => r.type === type).map((r) => [str(r.inputs[input]), r]));
}

/** Each created team's synced groups, by team name, as one sorted comma-separated string. */
function syncedGroups(plan: Plan): Map<string, string> {
    const out = new Map<string, string>();
    for (const t of plan.resources.filter((r) => r.type === TEAM)) {
        const groups = (t.inputs.teamSync as { groups?: unknown } | undefined)?.groups;
        if (Array.isArray(groups) && groups.length > 0)
            out.set(str(t.inputs.name), groups.map(str).sort(byCodeUnits).join(", "));
    }
    return out;
}

/**
 * The plan's access rows, one per principal, sorted (teams first, then roles, users, everyone,
 * admins only); undefined when the plan creates no Grafana data source or dashboard.
 */
export function accessTable(plan: Plan): AccessRow[] | undefined {
    const dataSources = plan.resources.filter((r) => r.type === DATA_SOURCE);
    const dashboards = plan.resources.filter((r) => r.type === DASHBOARD);
    if (dataSources.length === 0 && dashboards.length === 0) return undefined;
    const teams = plan.outputs.teams;
    const synced = syncedGroups(plan);
    const teamNames = new Map<string, string>(
        teams && typeof teams === "object" && !Array.isArray(teams)
            ? Object.entries(teams as Record<string, unknown>).map(([name, id]) => [
                  str(id),
                  synced.has(name) ? `${name} (groups ${synced.get(name)})` : name,
              ])
            : [],
    );
    const dsGrants = byInput(plan, DATA_SOURCE_PERMISSION, "datasourceUid");
    const folderGrants = byInput(plan, FOLDER_PERMISSION, "folderUid");
    const dashboardGrants = byInput(plan, DASHBOARD_PERMISSION, "dashboardUid");

    const rows = new Map<string, { dataSources: Set<string>; dashboards: Set<string> }>();
    const row = (p: string) => {
        if (!rows.has(p)) rows.set(p, { dataSources: new Set(), dashboards: new Set() });
        return rows.get(p)!;
    };
    for (const ds of dataSources) {
        const grant = dsGrants.get(str(ds.inputs.uid));
        const who = grant ? principalsOf(grant.inputs.permissions, teamNames) : [EVERYONE];
        for (const p of who.length ? who : [ADMINS_ONLY]) row(p).dataSources.add(str(ds.inputs.name));
    }
    for (const d of dashboards) {
        let config: Record<string, unknown> = {};
        try {
            config = JSON.parse(str(d.inputs.configJson)) as Record<string, unknown>;
        } catch {
            // A dashboard whose JSON the plan cannot read is still listed, by its resource name.
        }
        const title = str(config.title) || d.name;
        const folder = folderGrants.get(str(d.inputs.folder));
        const own = dashboardGrants.get(str(config.uid));
        const inherited = folder ? principalsOf(folder.inputs.permissions, teamNames) : [EVERYONE];
        const who = [
            ...new Set([...inherited, ...(own ? principalsOf(own.inputs.permissions, teamNames) : [])]),
        ];
        for (const p of who.length ? who : [ADMINS_ONLY]) row(p).dashboards.add(title);
    }
    const rank = (p: string) =>
        p.startsWith("team ")
            ? 0
            : p.startsWith("role ")
              ? 1
              : p.startsWith("user or service account ")
                ? 2
                : p === EVERYONE
                  ? 3
                  : 4;
    return [...rows]
        .sort(([a], [b]) => rank(a) - rank(b) || byCodeUnits(a, b))
        .map(([principal, r]) => ({
            principal,
            dataSources: [...r.dataSources].sort(byCodeUnits),
            dashboards: [...r.dashboards].sort(byCodeUnits),
        }));
}

/**
 * One line per grant, `<principal> may query "<data source>"` / `may view "<dashboard>"`: what the plan diff
 * compares.
 */
export function accessGrants(rows: readonly AccessRow[] | undefined): string[] {
    return (rows ?? []).flatMap((r) => [
        ...r.dataSources.map((d) => `${r.principal} may query ${JSON.stringify(d)}`),
        ...r.dashboards.map((d) => `${r.principal} may view ${JSON.stringify(d)}`),
    ]);
}

/** The access table as `synth` prints it. */
export function accessLines(rows: readonly AccessRow[] | undefined): string[] {
    if (!rows) return [];
    const lines = [
        "-- Grafana access: who may query which data source and view which " +
            "dashboard (Grafana admins may do everything)",
    ];
    for (const r of rows) {
        lines.push(`   ${r.principal}`);
        lines.push(`      query: ${r.dataSources.length ? r.dataSources.join(", ") : "(none)"}`);
        lines.push(`      view:  ${r.dashboards.length ? r.dashboards.join(", ") : "(none)"}`);
    }
    return lines;
}

/** The grants the head plan adds (`+ ...`) and removes (`- ...`) against the base, sorted. */
export function accessChanges(base: Plan | undefined, head: Plan | undefined): string[] {
    return lineChanges(
        accessGrants(base ? accessTable(base) : undefined),
        accessGrants(head ? accessTable(head) : undefined),
    );
}
