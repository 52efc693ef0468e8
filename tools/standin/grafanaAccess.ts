/**
 * The stand-in Grafana provider's teams and permissions, through the HTTP API calls the real
 * provider makes (grafana/terraform-provider-grafana `internal/resources/grafana`):
 * - `grafana_team` (`resource_team.go`): `POST /api/teams`, then each synced group with
 *   `POST /api/teams/:id/groups`; read back with the team, its preferences, its groups (when the
 *   program manages `team_sync`) and its members; an update adds and removes only the groups that
 *   changed (`teamSyncGroupDiff`, `DELETE /api/teams/:id/groups?groupId=`); ids are `<org>:<team id>`;
 * - `grafana_data_source_permission`, `grafana_folder_permission`, `grafana_dashboard_permission`
 *   (`common_resource_permission.go`): the whole set, written with one
 *   `POST /api/access-control/<kind>/:uid` that names each wanted grant and removes (empty
 *   permission) each managed one no longer wanted; delete removes them all; ids `<org>:<uid>`.
 * Members by email would need Grafana's users (`GET /api/org/users`): a user who has not signed in
 * is refused as the provider refuses it ("User does not exist in Grafana").
 */
import type { Answer } from "./cloud";
import type { Props } from "./wire";

const ORG = "1";

export interface GrafanaApi {
    call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Props }>;
    ok(method: string, path: string, body?: unknown): Promise<Props>;
}

export const TEAM = "grafana:oss/team:Team";
/** Each permission type: the input naming what it manages, and the access-control kind. */
export const PERMISSIONS: Record<string, { uidInput: string; kind: string }> = {
    "grafana:enterprise/dataSourcePermission:DataSourcePermission": {
        uidInput: "datasourceUid",
        kind: "datasources",
    },
    "grafana:oss/folderPermission:FolderPermission": { uidInput: "folderUid", kind: "folders" },
    "grafana:oss/dashboardPermission:DashboardPermission": { uidInput: "dashboardUid", kind: "dashboards" },
};

/** The part of an `<org>:<id>` resource ID after the org (a bare id is taken as it is). */
const local = (id: string) => id.split(":").pop() ?? id;

const groupsOf = (inputs: Props): string[] | undefined => {
    const sync = inputs.teamSync as { groups?: unknown } | undefined;
    return sync === undefined ? undefined : Array.isArray(sync.groups) ? sync.groups.map(String) : [];
};

async function checkMembers(api: GrafanaApi, members: unknown): Promise<void> {
    if (!Array.isArray(members) || members.length === 0) return;
    const users = (await api.ok("GET", "/api/org/users")) as unknown as { email: string }[];
    for (const m of members)
        if (!users.some((u) => u.email === m))
            throw new Error(`error adding user ${String(m)}. User does not exist in Grafana`);
}

export async function createTeam(api: GrafanaApi, inputs: Props): Promise<Answer> {
    await checkMembers(api, inputs.members);
    const created = await api.ok("POST", "/api/teams", { name: inputs.name, email: inputs.email ?? "" });
    const teamId = Number(created.teamId);
    for (const g of groupsOf(inputs) ?? [])
        await api.ok("POST", `/api/teams/${teamId}/groups`, { groupId: g });
    const id = `${ORG}:${teamId}`;
    return { id, outs: (await readTeam(api, id, inputs))!.outs };
}

export async function readTeam(
    api: GrafanaApi,
    id: string,
    state: Props,
): Promise<{ outs: Props; inputs: Props } | undefined> {
    const teamId = local(id);
    const team = await api.call("GET", `/api/teams/${teamId}`);
    if (team.status === 404) return undefined;
    if (team.status >= 300) throw new Error(`status: ${team.status}, body: ${JSON.stringify(team.body)}`);
    await api.ok("GET", `/api/teams/${teamId}/preferences`);
    const members = (await api.ok("GET", `/api/teams/${teamId}/members`)) as unknown as { email: string }[];
    const outs: Props = {
        ...state,
        name: team.body.name,
        teamId: Number(teamId),
        teamUid: team.body.uid,
        orgId: ORG,
        members: Array.isArray(members) ? members.map((m) => m.email) : [],
    };
    if (groupsOf(state) !== undefined) {
        const groups = (await api.ok("GET", `/api/teams/${teamId}/groups`)) as unknown as {
            groupId: string;
        }[];
        const held = groupsOf(state)!;
        const now = groups.map((g) => g.groupId);
        // A set: the order Grafana lists them in is no change.
        const same = now.length === held.length && now.every((g) => held.includes(g));
        outs.teamSync = { groups: same ? held : now };
    }
    const computed = ["teamId", "teamUid", "orgId"];
    return { outs, inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => !computed.includes(k))) };
}

export async function updateTeam(api: GrafanaApi, id: string, olds: Props, news: Props): Promise<Props> {
    const teamId = local(id);
    await api.ok("PUT", `/api/teams/${teamId}`, { name: news.name, email: news.email ?? "" });
    const before = groupsOf(olds) ?? [];
    const after = groupsOf(news) ?? [];
    if (groupsOf(olds) !== undefined || groupsOf(news) !== undefined) {
        for (const g of after.filter((x) => !before.includes(x)))
            await api.ok("POST", `/api/teams/${teamId}/groups`, { groupId: g });
        for (const g of before.filter((x) => !after.includes(x)))
            await api.ok("DELETE", `/api/teams/${teamId}/groups?groupId=${encodeURIComponent(g)}`);
    }
    return (await readTeam(api, id, news))!.outs;
}

export async function deleteTeam(api: GrafanaApi, id: string): Promise<void> {
    const reply = await api.call("DELETE", `/api/teams/${local(id)}`);
    if (reply.status >= 300 && reply.status !== 404)
        throw new Error(`status: ${reply.status}, body: ${JSON.stringify(reply.body)}`);
}

interface Grant {
    teamId?: number;
    userId?: number;
    builtInRole?: string;
    permission: string;
}

/** A program's permission item as the access-control API takes it. */
function grantOf(item: Props): Grant {
    const grant: Grant = { permission: String(item.permission ?? "") };
    if (item.teamId !== undefined && item.teamId !== "") grant.teamId = Number(local(String(item.teamId)));
    if (item.userId !== undefined && item.userId !== "") grant.userId = Number(local(String(item.userId)));
    if (item.role !== undefined && item.role !== "") grant.builtInRole = String(item.role);
    return grant;
}

const who = (g: Grant) => `${g.teamId ?? 0}/${g.userId ?? 0}/${g.builtInRole ?? ""}`;

async function managed(api: GrafanaApi, kind: string, uid: string): Promise<Grant[] | undefined> {
    const reply = await api.call("GET", `/api/access-control/${kind}/${uid}`);
    if (reply.status === 404) return undefined;
    if (reply.status >= 300) throw new Error(`status: ${reply.status}, body: ${JSON.stringify(reply.body)}`);
    const list = reply.body as unknown as (Grant & { isManaged: boolean; isInherited: boolean })[];
    return list
        .filter((g) => g.isManaged && !g.isInherited)
        .map((g) => ({
            permission: g.permission,
            ...(g.teamId ? { teamId: g.teamId } : {}),
            ...(g.userId ? { userId: g.userId } : {}),
            ...(g.builtInRole ? { builtInRole: g.builtInRole } : {}),
        }));
}

/** Sets exactly `wanted` on the resource: one POST naming each wanted grant and each one to remove. */
async function setGrants(api: GrafanaApi, kind: string, uid: string, wanted: Grant[]): Promise<void> {
    const current = (await managed(api, kind, uid)) ?? [];
    const keep = new Set(wanted.map(who));
    const removals = current.filter((g) => !keep.has(who(g))).map((g) => ({ ...g, permission: "" }));
    await api.ok("POST", `/api/access-control/${kind}/${uid}`, { permissions: [...wanted, ...removals] });
}

const itemsOf = (inputs: Props) => (Array.isArray(inputs.permissions) ? (inputs.permissions as Props[]) : []);

export async function putPermissions(api: GrafanaApi, type: string, inputs: Props): Promise<Answer> {
    const { uidInput, kind } = PERMISSIONS[type];
    const uid = String(inputs[uidInput]);
    await setGrants(api, kind, uid, itemsOf(inputs).map(grantOf));
    return { id: `${ORG}:${uid}`, outs: { ...inputs, orgId: ORG } };
}

export async function readPermissions(
    api: GrafanaApi,
    type: string,
    id: string,
    state: Props,
): Promise<{ outs: Props; inputs: Props } | undefined> {
    const { kind } = PERMISSIONS[type];
    const held = await managed(api, kind, local(id));
    if (held === undefined) return undefined;
    const mine = itemsOf(state).map(grantOf);
    const same =
        held.length === mine.length &&
        mine.every((g) => held.some((h) => who(h) === who(g) && h.permission === g.permission));
    // As the provider reads them: the grants Grafana holds (the program's form when they are the same set).
    const permissions = same
        ? itemsOf(state)
        : held.map((g) => ({
              ...(g.teamId ? { teamId: String(g.teamId) } : {}),
              ...(g.userId ? { userId: String(g.userId) } : {}),
              ...(g.builtInRole ? { role: g.builtInRole } : {}),
              permission: g.permission,
          }));
    const outs = { ...state, permissions };
    return { outs, inputs: Object.fromEntries(Object.entries(outs).filter(([k]) => k !== "orgId")) };
}

export async function deletePermissions(api: GrafanaApi, type: string, id: string): Promise<void> {
    const { kind } = PERMISSIONS[type];
    const uid = local(id);
    // The resource itself may be gone already: nothing is left to remove.
    if ((await managed(api, kind, uid)) === undefined) return;
    await setGrants(api, kind, uid, []);
}
