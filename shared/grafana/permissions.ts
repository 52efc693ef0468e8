/**
 * Least privilege inside Grafana: who may query each data source and view each dashboard, decided
 * once, from the teams the workspace stack defines and the teams each source stack names. Pure:
 * the workspace component turns these decisions into `grafana.enterprise.DataSourcePermission`,
 * `grafana.oss.FolderPermission` and `grafana.oss.DashboardPermission` resources, and the offline
 * plan's access table (tools/plan/access.ts) reads them back. docs/grafana-permissions.md explains
 * the model, and the facts behind it with their sources.
 *
 * The three resources manage the whole set of grants on their target: "Items that are omitted from
 * the list will be removed" (@pulumiverse/grafana 2.40.0, bridged from grafana/terraform-provider-
 * grafana, whose `setResourcePermissions` removes every managed, non-inherited grant it was not
 * given). That is what replaces Grafana's defaults (any user may query a data source; a new folder
 * gives the Viewer role View and the Editor role Edit). Grants a dashboard inherits from its folder
 * are not the dashboard's to remove, so every folder of this program gets its own whole set too.
 */
import { nameKey } from "../naming";
import { Refusal } from "../refusal";
import { byCodeUnits } from "../order";

/** The data source permission that lets a team query (the provider's `Query`, Grafana's level 1). */
const QUERY = "Query";
/** The folder and dashboard permission that lets a team see a dashboard and its panels. */
const VIEW = "View";

/** A team of the workspace stack. */
export interface TeamSpec {
    /** The team's name in Grafana: unique in the workspace's organisation. */
    name: string;
    /**
     * The team exists already (made by hand, or by team sync): it is looked up by name, never
     * created, changed or deleted, and its members are not managed here.
     */
    existing: boolean;
    /**
     * Email addresses of the team's members (created teams only): the whole set, others are
     * removed. Left out: members are not managed here (added by hand, or by team sync). Grafana adds
     * only users that exist: on Amazon Managed Grafana a user exists once they have signed in.
     */
    members?: readonly string[];
    /**
     * Groups the team is synced from (created teams only; `teamSync.groups` of the provider's Team,
     * Grafana's /api/teams/:id/groups): IAM Identity Center group IDs or SAML group names. Grafana
     * adds a group's users to the team when they sign in. Left out: no team sync managed here.
     */
    groups?: readonly string[];
    /** The contact point (grafana-athena-workspace:contactPoints) the team's alerts go to. */
    contactPoint?: string;
}

/** What the permission decisions need to know of a source. */
interface SourceTeams {
    /** The source stack's fully qualified name. */
    key: string;
    /** The teams the source stack names (its `teams` output). */
    teams: readonly string[];
}

/** A permission item as the provider's permission resources take it: a team's (or a user's) level. */
export interface PermissionItem {
    teamId?: string;
    userId?: string;
    permission: string;
}

/** Names, deduplicated and sorted: the order of a list in a stack file never changes a grant. */
export function teamSet(names: readonly string[]): string[] {
    return [...new Set(names)].sort(byCodeUnits);
}

/**
 * One line per team a source names that the workspace does not define: a source stack is another
 * team's code, and a grant to a team nobody defined would either fail during `pulumi up` or, worse,
 * land on a same-named team someone made by hand.
 */
export function undefinedTeamProblems(defined: readonly string[], sources: readonly SourceTeams[]): string[] {
    const known = new Set(defined);
    const byKey = new Map(defined.map((t) => [nameKey(t), t]));
    const problems: string[] = [];
    for (const source of sources) {
        for (const team of teamSet(source.teams)) {
            const alike = byKey.get(nameKey(team));
            if (!known.has(team) && alike !== undefined) {
                // "Finance", "ｆｉｎａｎｃｅ" or "fіnance" (Cyrillic і) for the workspace's "finance".
                problems.push(
                    `source stack "${source.key}" names the team "${team}", which looks like ` +
                        `the workspace's team "${alike}" but is not it: ` +
                        `name the team exactly as grafana-athena-workspace:teams does`,
                );
            } else if (!known.has(team)) {
                problems.push(
                    `source stack "${source.key}" names the team "${team}", which ` +
                        `the workspace stack does not define: ` +
                        `add it to grafana-athena-workspace:teams, or remove it from ` +
                        `that source's grafana-athena-source:teams`,
                );
            }
        }
    }
    return problems;
}

/**
 * The teams that may view a dashboard reading the data sources whose teams are `readers`: those
 * that may query every one of them (a team that may query only some would see panels fail, and
 * would learn the names of sources it may not use). A dashboard that reads no data source (the home
 * dashboard: links only) is viewable by `everyone`.
 */
export function dashboardViewers(
    readers: readonly (readonly string[])[],
    everyone: readonly string[],
): string[] {
    if (readers.length === 0) return teamSet(everyone);
    const [first, ...rest] = readers.map((r) => new Set(r));
    return teamSet([...first].filter((t) => rest.every((r) => r.has(t))));
}

/** For each team, in order, the keys of the sources it may query. */
export function sourcesByTeam(
    teams: readonly string[],
    sources: readonly SourceTeams[],
): Map<string, string[]> {
    const out = new Map<string, string[]>(teamSet(teams).map((t) => [t, []]));
    for (const source of sources) {
        for (const team of teamSet(source.teams)) out.get(team)?.push(source.key);
    }
    return out;
}

/**
 * The data source's whole set of grants: Query for each of its teams, and for the program's own
 * service account (its health check queries every data source; as an Admin it may anyway, the
 * grant says so where a reviewer looks). No role: a `builtInRole` grant would open it to everyone
 * of that role.
 */
export function queryItems(teamIds: readonly string[], serviceAccountId?: string): PermissionItem[] {
    const items: PermissionItem[] = teamSet(teamIds).map((teamId) => ({ teamId, permission: QUERY }));
    if (serviceAccountId !== undefined) items.push({ userId: serviceAccountId, permission: QUERY });
    return items;
}

/** A folder's or dashboard's whole set of grants: View for each of the teams, and for no role. */
export function viewItems(teamIds: readonly string[]): PermissionItem[] {
    return teamSet(teamIds).map((teamId) => ({ teamId, permission: VIEW }));
}

/**
 * The ids of `teams`, refused (naming the team) when one has no id: a grant must never be dropped silently.
 */
export function teamIdsOf(teams: readonly string[], ids: Readonly<Record<string, string>>): string[] {
    return teamSet(teams).map((team) => {
        const id = ids[team];
        if (typeof id !== "string" || id === "")
            throw new Refusal(
                `team "${team}" has no Grafana id: is it defined in grafana-athena-workspace:teams?`,
            );
        return id;
    });
}

/** The title of a team's folder: the stack's folder title and the team, so it is unique in the workspace. */
export function teamFolderTitle(folder: string, team: string): string {
    return `${folder} (${team})`;
}
