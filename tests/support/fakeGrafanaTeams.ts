/**
 * The teams a fake Grafana keeps (fakeGrafanaObjects.ts), through the routes the Grafana provider's
 * `grafana_team` calls (grafana/terraform-provider-grafana `internal/resources/grafana/resource_team.go`,
 * through grafana-openapi-client-go), answered and refused as Grafana's team API does
 * (grafana/grafana `pkg/api/team.go`, `docs/sources/developers/http_api/team.md`):
 * - `POST /api/teams` `{name, email}`: 200 `{teamId, uid}`; 400 without a name; 409 "Team name taken";
 * - `GET|PUT|DELETE /api/teams/:id`: 404 "Team not found" for an id no team has; a PUT to a name
 *   another team has is 409;
 * - `GET /api/teams/:id/members` and `/preferences` (the provider reads both after every write);
 * - team sync (`team_sync.groups`), Grafana's "Team Sync HTTP API" (`docs/sources/developers/http_api/
 *   team_sync.md`), which Amazon Managed Grafana documents for its workspaces: `GET /api/teams/:id/groups`
 *   `[{orgId, teamId, groupId}]`; `POST` `{groupId}`, 400 "Group is already added to this team";
 *   `DELETE ?groupId=` (the provider's `RemoveTeamGroupAPIQuery`), 404 "Group not found". AMG's
 *   Grafana 10 reference also lists the older `DELETE /api/teams/:id/groups/:groupId`; Grafana's
 *   current reference only the query form. The fake takes both on every version: which release
 *   dropped the older form could not be checked (team sync is in Grafana Enterprise, not in
 *   grafana/grafana).
 * Grafana 10.4, 12.4 and 13 answer these routes alike. Team names are compared as Grafana's unique
 * index on (org_id, name) compares them; the fake compares them exactly, as SQLite does.
 */
type Reply = (status: number, body: unknown) => void;

interface FakeTeam {
    id: number;
    uid: string;
    name: string;
    email: string;
    /** The synced groups, in the order they were added. */
    groups: string[];
    /** Times a team of this name was created. */
    created: number;
}

export class GrafanaTeams {
    readonly byId = new Map<number, FakeTeam>();
    private nextId = 1;
    private readonly createdCounts = new Map<string, number>();

    byName(name: string): FakeTeam | undefined {
        return [...this.byId.values()].find((t) => t.name === name);
    }

    /** Answers the request when it is a team route; false when it is not. */
    route(method: string, url: string, body: Record<string, unknown>, reply: Reply): boolean {
        const { pathname, searchParams } = new URL(url, "https://grafana.invalid");
        if (pathname === "/api/teams" && method === "POST") return (this.create(body, reply), true);
        // The organisation's users, which team members are looked up in: none has signed in here.
        if (pathname === "/api/org/users" && method === "GET") return (reply(200, []), true);
        const m = /^\/api\/teams\/(\d+)(?:\/(members|preferences|groups)(?:\/([^/]+))?)?$/.exec(pathname);
        if (!m) return false;
        const team = this.byId.get(Number(m[1]));
        if (!team) return (reply(404, { message: "Team not found" }), true);
        const [, , sub, groupInPath] = m;
        if (sub === undefined) return (this.item(team, method, body, reply), true);
        if (sub === "members" && method === "GET") return (reply(200, []), true);
        if (sub === "preferences" && method === "GET")
            return (reply(200, { theme: "", homeDashboardUID: "", timezone: "", weekStart: "" }), true);
        if (sub !== "groups") return (reply(405, { message: "Method not allowed" }), true);
        if (method === "GET" && groupInPath === undefined)
            return (
                reply(
                    200,
                    team.groups.map((groupId) => ({ orgId: 1, teamId: team.id, groupId })),
                ),
                true
            );
        if (method === "POST" && groupInPath === undefined) {
            const groupId = typeof body.groupId === "string" ? body.groupId : "";
            if (groupId === "") return (reply(400, { message: "bad request data" }), true);
            if (team.groups.includes(groupId))
                return (reply(400, { message: "Group is already added to this team" }), true);
            team.groups.push(groupId);
            return (reply(200, { message: "Group added to Team" }), true);
        }
        if (method === "DELETE") {
            const groupId =
                groupInPath === undefined ? searchParams.get("groupId") : decodeURIComponent(groupInPath);
            const at = groupId === null ? -1 : team.groups.indexOf(groupId);
            if (at < 0) return (reply(404, { message: "Group not found" }), true);
            team.groups.splice(at, 1);
            return (reply(200, { message: "Team Group removed" }), true);
        }
        return (reply(405, { message: "Method not allowed" }), true);
    }

    private create(body: Record<string, unknown>, reply: Reply): void {
        const name = typeof body.name === "string" ? body.name : "";
        if (name === "") return reply(400, { message: "bad request data" });
        if (this.byName(name)) return reply(409, { message: "Team name taken" });
        const id = this.nextId++;
        const created = (this.createdCounts.get(name) ?? 0) + 1;
        this.createdCounts.set(name, created);
        const team = { id, uid: `team${id}`, name, email: String(body.email ?? ""), groups: [], created };
        this.byId.set(id, team);
        reply(200, { message: "Team created", teamId: id, uid: team.uid });
    }

    private item(team: FakeTeam, method: string, body: Record<string, unknown>, reply: Reply): void {
        if (method === "GET")
            return reply(200, {
                id: team.id,
                uid: team.uid,
                orgId: 1,
                name: team.name,
                email: team.email,
                memberCount: 0,
            });
        if (method === "PUT") {
            const name = typeof body.name === "string" ? body.name : "";
            if (name === "") return reply(400, { message: "bad request data" });
            const other = this.byName(name);
            if (other && other.id !== team.id) return reply(409, { message: "Team name taken" });
            Object.assign(team, { name, email: String(body.email ?? "") });
            return reply(200, { message: "Team updated" });
        }
        if (method === "DELETE") {
            this.byId.delete(team.id);
            return reply(200, { message: "Team deleted" });
        }
        reply(405, { message: "Method not allowed" });
    }
}
