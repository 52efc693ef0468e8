/**
 * The workspace's teams and who may do what (with `teams`): the teams themselves, Query on each
 * data source for exactly its source's teams, View on each dashboard for exactly the teams that
 * may query what it reads, and a folder and fleet dashboard per team. The rules are
 * shared/grafana/permissions.ts; docs/grafana-permissions.md explains them.
 */
import type * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import * as enterprise from "@pulumiverse/grafana/enterprise";
import * as oss from "@pulumiverse/grafana/oss";
import { type PublicSourceOutputs, resultsModeOf } from "../../shared/contract";
import { fleetDashboard } from "../../shared/grafana/fleetDashboard";
import { ATHENA_PLUGIN_ID } from "../../shared/grafana/dataSource";
import {
    TeamSpec,
    dashboardViewers,
    queryItems,
    sourcesByTeam,
    teamFolderTitle,
    teamIdsOf,
    teamSet,
    viewItems,
} from "../../shared/grafana/permissions";
import { folderUid } from "../../shared/grafana/uids";
import { childName, shortHash } from "../../shared/naming";
import { refusing } from "../../shared/resourceRefusal";
import type { AthenaWorkspaceArgs } from "./args";
import type { GrafanaAccess, SourceDataSource, TeamIds, WorkspaceDashboards } from "./parts";

/**
 * The workspace's teams: each created (with its members, when listed) or, when `existing`,
 * looked up by name (never created, changed or deleted). A team's id is what every grant names.
 */
export function addTeams(
    parent: pulumi.ComponentResource,
    name: string,
    teams: readonly TeamSpec[],
    access: GrafanaAccess,
    assumePolicy: iam.RolePolicy,
): TeamIds {
    const inGrafana = { parent, provider: access.provider };
    const ids = teams.map((team): [string, pulumi.Output<string>] => {
        if (team.existing) {
            return [team.name, oss.getTeamOutput({ name: team.name }, inGrafana).id];
        }
        const created = new oss.Team(
            childName(`${name}-team`, team.name),
            {
                name: team.name,
                members: team.members === undefined ? undefined : teamSet(team.members),
                // Grafana's team sync (AMG documents /api/teams/:id/groups, "External Group Synchronization
                // API").
                teamSync: team.groups === undefined ? undefined : { groups: teamSet(team.groups) },
            },
            // After the guards: with a given grafanaUrl nothing else would hold it back.
            { ...inGrafana, dependsOn: [assumePolicy] },
        );
        return [team.name, created.id];
    });
    return pulumi.all(Object.fromEntries(ids));
}

/**
 * Every data source: permissions on, Query for exactly its source's teams and the program's own
 * service account (its health check queries it), and nothing for any role. The resource manages
 * the whole set, so Grafana's default (any user may query) goes.
 */
export function restrictDataSources(
    parent: pulumi.ComponentResource,
    name: string,
    dataSources: readonly SourceDataSource[],
    teamIds: TeamIds,
    access: GrafanaAccess,
): void {
    for (const { source, outputs, dataSource } of dataSources) {
        new enterprise.DataSourcePermission(
            childName(`${name}-datasource-permissions`, source.key),
            {
                datasourceUid: dataSource.uid,
                // Saves the provider a lookup of the data source's type on every run.
                datasourceType: ATHENA_PLUGIN_ID,
                permissions: pulumi
                    .all([outputs, teamIds, access.serviceAccountId])
                    .apply(([o, ids, serviceAccount]) =>
                        refusing(parent, () => queryItems(teamIdsOf(o.teams, ids), serviceAccount)),
                    ),
            },
            { parent, provider: access.provider, dependsOn: [dataSource] },
        );
    }
}

/**
 * Who sees which dashboard. Every folder of the stack and every dashboard gets its whole set of
 * grants (a dashboard inherits its folder's, and those are not the dashboard's to remove): the
 * shared folder none (admins only); each source's dashboard View for its source's teams; the
 * stack's fleet dashboard, which reads every source, none; the home dashboard, links only, View
 * for every team; and per team a folder of its own (View for the team) holding its fleet
 * dashboard, which offers that team's sources and is viewable by the teams that may query all of them.
 */
export function restrictDashboards(
    parent: pulumi.ComponentResource,
    scope: string,
    name: string,
    args: AthenaWorkspaceArgs,
    teams: readonly TeamSpec[],
    teamIds: TeamIds,
    built: WorkspaceDashboards,
    dataSources: readonly SourceDataSource[],
    access: GrafanaAccess,
    all: pulumi.Output<PublicSourceOutputs[]>,
): { team: string; dashboard: oss.Dashboard; folder: oss.Folder }[] {
    const inGrafana = { parent, provider: access.provider };
    const teamNames = teamSet(teams.map((t) => t.name));
    const grant = (teamsOf: pulumi.Input<readonly string[]>) =>
        pulumi
            .all([teamsOf, teamIds])
            .apply(([ts, ids]) => refusing(parent, () => viewItems(teamIdsOf(ts, ids))));
    new oss.FolderPermission(
        `${name}-folder-permissions`,
        { folderUid: built.folder.uid, permissions: [] },
        { ...inGrafana, dependsOn: [built.folder] },
    );
    built.dashboards.forEach(({ source, dashboard }, i) => {
        new oss.DashboardPermission(
            childName(`${name}-dashboard-permissions`, source.key),
            { dashboardUid: dashboard.uid, permissions: grant(dataSources[i].outputs.apply((o) => o.teams)) },
            { ...inGrafana, dependsOn: [dashboard] },
        );
    });
    // A file's dashboard for a source reads what the source's own does: the same grants.
    for (const { source, file, dashboard } of built.files) {
        const i = dataSources.findIndex((d) => d.source.key === source.key);
        new oss.DashboardPermission(
            childName(`${name}-dashboard-file-permissions`, `${source.key}/${shortHash(file, 12)}`),
            { dashboardUid: dashboard.uid, permissions: grant(dataSources[i].outputs.apply((o) => o.teams)) },
            { ...inGrafana, dependsOn: [dashboard] },
        );
    }
    // And so does a dashboard of a source's own file: declared once the source's outputs are known.
    built.sourceFiles.apply((files) =>
        files.forEach(({ source, file, dashboard }) => {
            const i = dataSources.findIndex((d) => d.source.key === source.key);
            new oss.DashboardPermission(
                childName(
                    `${name}-dashboard-source-file-permissions`,
                    `${source.key}/${shortHash(file, 12)}`,
                ),
                {
                    dashboardUid: dashboard.uid,
                    permissions: grant(dataSources[i].outputs.apply((o) => o.teams)),
                },
                { ...inGrafana, dependsOn: [dashboard] },
            );
        }),
    );
    new oss.DashboardPermission(
        `${name}-dashboard-fleet-permissions`,
        { dashboardUid: built.fleet.uid, permissions: [] },
        { ...inGrafana, dependsOn: [built.fleet] },
    );
    new oss.DashboardPermission(
        `${name}-dashboard-home-permissions`,
        { dashboardUid: built.home.uid, permissions: grant(dashboardViewers([], teamNames)) },
        { ...inGrafana, dependsOn: [built.home] },
    );
    const names = pulumi.all(dataSources.map((d) => d.name));
    return teamNames.map((team) => {
        const title = teamFolderTitle(args.dashboard.folder, team);
        const folder = new oss.Folder(
            childName(`${name}-folder-team`, team),
            { title, uid: folderUid(scope, title), preventDestroyIfNotEmpty: true },
            { ...inGrafana, dependsOn: [built.folder] },
        );
        new oss.FolderPermission(
            childName(`${name}-folder-team-permissions`, team),
            { folderUid: folder.uid, permissions: grant([team]) },
            { ...inGrafana, dependsOn: [folder] },
        );
        // The team's sources, and the teams of each: resolved together with the set check.
        const mine = pulumi.all([all, names]).apply(([list, dsNames]) => {
            const keys = new Set(
                sourcesByTeam(
                    teamNames,
                    list.map((o, i) => ({ key: dataSources[i].source.key, teams: o.teams })),
                ).get(team) ?? [],
            );
            const picked = list
                .map((o, i) => ({ o, name: dsNames[i], key: dataSources[i].source.key }))
                .filter((s) => keys.has(s.key));
            return {
                names: picked.map((p) => p.name),
                readers: picked.length > 0 ? picked.map((p) => p.o.teams) : [[team]],
                managedResults: picked.some((p) => resultsModeOf(p.o) === "managed"),
            };
        });
        const dashboard = new oss.Dashboard(
            childName(`${name}-dashboard-fleet-team`, team),
            {
                configJson: mine.apply((m) =>
                    JSON.stringify(
                        fleetDashboard({
                            dataSourceNames: m.names,
                            resultReuseMinutes: args.dashboard.resultReuseMinutes,
                            managedResults: m.managedResults,
                            panels: args.dashboard.panels,
                            variables: args.dashboard.variables,
                            scope: scope,
                            team,
                        }).json,
                    ),
                ),
                folder: folder.uid,
            },
            inGrafana,
        );
        new oss.DashboardPermission(
            childName(`${name}-dashboard-fleet-team-permissions`, team),
            {
                dashboardUid: dashboard.uid,
                permissions: grant(mine.apply((m) => dashboardViewers(m.readers, teamNames))),
            },
            { ...inGrafana, dependsOn: [dashboard] },
        );
        return { team, dashboard, folder };
    });
}
