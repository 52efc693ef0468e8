// One namespace module each, not the packages' indexes: a type-check then reads these services' declarations only.
import * as amg from "@pulumi/aws/grafana";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import * as enterprise from "@pulumiverse/grafana/enterprise";
import * as oss from "@pulumiverse/grafana/oss";
import { Provider as GrafanaProvider } from "@pulumiverse/grafana/provider";
import * as time from "@pulumiverse/time";
import { MAX_TOKEN_SECONDS, WorkspaceOptions } from "../../shared/config/workspace";
import { PublicSourceOutputs, SourceContractInputs, checkPublicSourceOutputs, externalIdState } from "../../shared/contract";
import { PanelSpec, fleetDashboard, homeDashboard, sourceDashboard } from "../../shared/grafana/dashboards";
import { panelGrantProblems, sourceDashboardPanels } from "../../shared/grafana/panels";
import { TeamSpec, dashboardViewers, queryItems, sourcesByTeam, teamFolderTitle, teamIdsOf, teamSet, undefinedTeamProblems, viewItems } from "../../shared/grafana/permissions";
import { ATHENA_PLUGIN_ID, ATHENA_PLUGIN_MAJOR, ATHENA_PLUGIN_VERSION, athenaJsonData, dataSourceFingerprint } from "../../shared/grafana/dataSource";
import { dataSourceUid, folderUid, sourceDashboardUid } from "../../shared/grafana/uids";
import { grafanaVersionProblem } from "../../shared/grafana/version";
import { checkedPolicyJson } from "../../shared/iam/checked";
import { childName, roleNameFromArn, shortHash } from "../../shared/naming";
import { ASSUME_POLICY_NAME, workspaceAssumePolicy } from "../../shared/policies/workspaceRole";
import { Refusal } from "../../shared/refusal";
import { ResourceRefusal, refusing } from "../../shared/resourceRefusal";
import { sourceSetProblems } from "../../shared/sources";
import { AthenaPluginInstallation } from "./athenaPluginInstallation";
import { DataSourceHealthCheck } from "./dataSourceHealthCheck";

/** One data account as the workspace sees it. */
export interface WorkspaceSource {
    /** Stable key: the source stack's fully qualified name. Names the data source uid and children. */
    key: string;
    /** Data source name in Grafana. Default: the source's `label` output. */
    name?: string;
    /**
     * The panels of this source's dashboard, instead of the source stack's own (its `panels`
     * output) and `dashboard.panels` (`sourceDashboardPanels`).
     */
    panels?: readonly PanelSpec[];
    /**
     * The source's contract outputs, one Input per name, unchecked (from a StackReference, or
     * straight from a source component). Kept apart so that only `externalId` is secret.
     */
    outputs: SourceContractInputs;
}

export interface AthenaWorkspaceArgs extends WorkspaceOptions {
    /** The data accounts; at least one. */
    sources: readonly WorkspaceSource[];
    /**
     * The workspace role the sources trust (their `grafanaRoleArn`), when the caller knows it: a
     * different role in the lookup is refused before anything is created, as every query would fail.
     */
    expectedWorkspaceRoleArn?: string;
}

/** A source whose contract has been checked (or will be, before anything uses it). */
interface CheckedSource {
    source: WorkspaceSource;
    /** Secret, and kept apart from the other outputs so that only what holds it is secret. */
    externalId: pulumi.Output<string>;
    outputs: pulumi.Output<PublicSourceOutputs>;
}

/** What the Grafana provider needs, and when the token it uses expires. */
interface GrafanaAccess {
    url: pulumi.Output<string>;
    token: pulumi.Output<string>;
    provider: GrafanaProvider;
    expiresAt: pulumi.Output<string | undefined>;
    /** The Grafana id of the program's own service account, when the stack mints its token. */
    serviceAccountId?: pulumi.Output<string>;
}

/** The workspace's teams in Grafana: the id of each, by name. */
type TeamIds = pulumi.Output<Record<string, string>>;

interface SourceDataSource {
    source: WorkspaceSource;
    uid: string;
    name: pulumi.Output<string>;
    outputs: pulumi.Output<PublicSourceOutputs>;
    dataSource: oss.DataSource;
}

/**
 * The Grafana account's side: the workspace role may assume the sources' roles, and the
 * workspace gets one Athena data source per source plus the sample dashboards. Steps 4-7 of the
 * console walkthrough, for any number of data accounts, as named steps:
 * 1. `guardWorkspace`: the workspace runs a Grafana this program supports (and the role the sources trust);
 * 2. `checkSources`: every source's contract, and the set of sources as a whole;
 * 3. `allowAssumingSources`: the workspace role's inline policy;
 * 4. `grafanaAccess`: the Grafana provider, with a minted, rotated token or the given one;
 * 5. `installAthenaPlugin`: the Athena plugin, before any data source;
 * 6. `addDataSource` per source: the data source and its health check;
 * 7. `addDashboards`: the folder, one dashboard per source, the fleet dashboard, the home dashboard;
 * with `teams`, also `addTeams` (before the data sources), `restrictDataSources` (Query for exactly
 * each source's teams) and `restrictDashboards` (View for exactly the teams that may query what a
 * dashboard reads, a folder and a fleet dashboard per team), shared/grafana/permissions.ts.
 * Nothing in Grafana is created before every refusal of steps 1-3 has had its say.
 */
export class AthenaWorkspace extends pulumi.ComponentResource {
    /** Data source uid by source key. */
    public readonly dataSourceUids: pulumi.Output<Record<string, string>>;
    /** Data source name by source key. */
    public readonly dataSourceNames: pulumi.Output<Record<string, string>>;
    /** Dashboard URL by source key, plus `home` (the dashboard that lists every source) and `fleet` (every source on one). */
    public readonly dashboardUrls: pulumi.Output<Record<string, string>>;
    /** When the current Grafana token expires (undefined when `grafana` was given). */
    public readonly tokenExpiresAt: pulumi.Output<string | undefined>;
    /** The Grafana id of each team, by name (empty without `teams`): what the permission grants name. */
    public readonly teams: pulumi.Output<Record<string, string>>;

    /**
     * This stack's scope, `project/stack`. Names that are unique in a whole workspace (the inline
     * policy on its role, the service account, the folder and home dashboard) carry it, so that two
     * stacks sharing a workspace fail loudly or coexist instead of overwriting each other.
     */
    private readonly scope = `${pulumi.getProject()}/${pulumi.getStack()}`;

    constructor(name: string, args: AthenaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("grafana-athena:workspace:AthenaWorkspace", name, {}, opts);
        if (args.sources.length === 0) {
            throw new ResourceRefusal("the workspace stack has no source to chart: list source stacks in sources", this);
        }

        const workspace = this.guardWorkspace(args);
        const partition = getPartitionOutput({}, { parent: this }).partition;
        const { checked, all } = this.checkSources(args.sources, partition, args.dashboard.panels, args.teams);
        const { policy: assumePolicy, json: assumeJson } = this.allowAssumingSources(name, args, workspace, partition, checked, all);
        // Everything below waits for every refusal above (Grafana version, contracts, duplicates,
        // the policy's quota): a refused stack creates nothing.
        const ready = pulumi.all([workspace, assumeJson]).apply(([w]) => w);
        const access = this.grafanaAccess(name, args, workspace, ready);
        const plugin = this.installAthenaPlugin(name, args, access, assumePolicy);
        const teams = args.teams ?? [];
        const teamIds = teams.length > 0 ? this.addTeams(name, teams, access, assumePolicy) : undefined;
        const dataSources = checked.map((c) => this.addDataSource(name, c, access, [assumePolicy, plugin], args.verifyDataSources ?? true));
        const { home, fleet, dashboards, folder } = this.addDashboards(name, args, dataSources, access, assumePolicy, all);
        const teamFleets: { team: string; dashboard: oss.Dashboard }[] = [];
        if (teamIds) {
            this.restrictDataSources(name, dataSources, teamIds, access);
            teamFleets.push(...this.restrictDashboards(name, args, teams, teamIds, { home, fleet, dashboards, folder }, dataSources, access, all));
        }

        this.tokenExpiresAt = access.expiresAt;
        this.dataSourceUids = pulumi.output(Object.fromEntries(dataSources.map((d) => [d.source.key, d.uid])));
        this.dataSourceNames = pulumi
            .all(dataSources.map((d) => d.name))
            .apply((names) => Object.fromEntries(names.map((n, i) => [dataSources[i].source.key, n])));
        this.teams = teamIds ?? pulumi.output<Record<string, string>>({});
        this.dashboardUrls = pulumi
            .all([home.url, fleet.url, ...dashboards.map((d) => d.dashboard.url), ...teamFleets.map((f) => f.dashboard.url)])
            .apply(([homeUrl, fleetUrl, ...urls]): Record<string, string> => ({
                home: homeUrl,
                fleet: fleetUrl,
                ...Object.fromEntries(urls.slice(0, dashboards.length).map((u, i) => [dashboards[i].source.key, u])),
                // A team's fleet dashboard: "fleet/<team>" (a source key always has three parts).
                ...Object.fromEntries(urls.slice(dashboards.length).map((u, i) => [`fleet/${teamFleets[i].team}`, u])),
            }));
        this.registerOutputs({
            dataSourceUids: this.dataSourceUids,
            dataSourceNames: this.dataSourceNames,
            dashboardUrls: this.dashboardUrls,
            tokenExpiresAt: this.tokenExpiresAt,
            teams: this.teams,
        });
    }

    private scoped(base: string): string {
        return `${base}-${shortHash(this.scope, 8)}`;
    }

    /** The workspace, once it is known to run Grafana >= 10.4 and, when asked, the role the sources trust. */
    private guardWorkspace(args: AthenaWorkspaceArgs): pulumi.Output<amg.GetWorkspaceResult> {
        return amg.getWorkspaceOutput({ workspaceId: args.workspaceId }, { parent: this }).apply((w) => {
            const problem = grafanaVersionProblem(args.workspaceId, w.grafanaVersion);
            if (problem) throw new ResourceRefusal(problem, this);
            if (args.expectedWorkspaceRoleArn && w.roleArn !== args.expectedWorkspaceRoleArn) {
                throw new ResourceRefusal(
                    `workspace ${args.workspaceId} uses the role ${w.roleArn}, but the source trusts ${args.expectedWorkspaceRoleArn}; ` +
                        `set grafanaRoleArn to the workspace's role`,
                    this,
                );
            }
            return w;
        });
    }

    /**
     * Every source's contract, checked on its own (`checked`), and the set of sources as a whole
     * (`all`: no account and workgroup twice, no name twice). Each source's resources use its own
     * checked outputs: taken from `all`, every source's resources would depend on every source's
     * stack reference (N^2 dependencies). The set check still comes first: the assume policy
     * waits for it, and every data source, health check and dashboard waits for the assume policy.
     */
    private checkSources(
        sources: readonly WorkspaceSource[],
        partition: pulumi.Output<string>,
        fleetPanels: readonly PanelSpec[] | undefined,
        teams: readonly TeamSpec[] | undefined,
    ): { checked: CheckedSource[]; all: pulumi.Output<PublicSourceOutputs[]> } {
        const checked = sources.map((source): CheckedSource => {
            const secret = pulumi.secret(source.outputs.externalId) as pulumi.Output<unknown>;
            // Only whether the secret is there and well formed leaves it: never its value.
            const state = pulumi.unsecret(secret.apply(externalIdState));
            return {
                source,
                externalId: secret.apply(String),
                outputs: pulumi
                    .all([source.outputs.public, source.outputs.secretNames, state, partition])
                    .apply(([values, names, s, p]) =>
                        refusing(this, () => {
                            const outputs = checkPublicSourceOutputs(source.key, values as Record<string, unknown>, s, p, (names as string[] | undefined) ?? []);
                            checkPanelReads(source, outputs, fleetPanels);
                            return outputs;
                        }),
                    ),
            };
        });
        const all = pulumi.all(checked.map((c) => c.outputs)).apply((list) => {
            const problems = sourceSetProblems(list.map((outputs, i) => ({ stack: sources[i].key, name: sources[i].name ?? outputs.label, outputs })));
            // A source may name only the workspace's teams (none defined: it may name none).
            problems.push(...undefinedTeamProblems((teams ?? []).map((t) => t.name), list.map((o, i) => ({ key: sources[i].key, teams: o.teams }))));
            if (problems.length > 0) throw new ResourceRefusal(problems.join("\n"), this);
            return list;
        });
        return { checked, all };
    }

    /** The workspace role may assume exactly the sources' roles (or, in organisation mode, the one role name in the organisation). */
    private allowAssumingSources(
        name: string,
        args: AthenaWorkspaceArgs,
        workspace: pulumi.Output<amg.GetWorkspaceResult>,
        partition: pulumi.Output<string>,
        checked: readonly CheckedSource[],
        all: pulumi.Output<PublicSourceOutputs[]>,
    ): { policy: iam.RolePolicy; json: pulumi.Output<string> } {
        const policyName = this.scoped(ASSUME_POLICY_NAME);
        const json = pulumi
            .all([all, partition])
            .apply(([list, p]) => refusing(this, () => workspaceAssumePolicy(list.map((o) => o.roleArn), policyName, args.organization, p)))
            .apply((doc) => checkedPolicyJson(doc, "Use organisation mode (sourceRoleName and organizationId).", this));
        const policy = new iam.RolePolicy(
            `${name}-assume-sources`,
            { role: workspace.roleArn.apply(roleNameFromArn), name: policyName, policy: json },
            { parent: this },
        );
        return { policy, json };
    }

    /** Grafana API access: the given endpoint and token, or a bounded-lifetime token rotated well inside its lifetime. */
    /**
     * `workspace` is the guarded lookup, `ready` the same once every refusal has had its say. The
     * URL comes from the lookup alone: every health check and the plugin installation take it, and
     * through `ready` each would depend on every source's stack reference (N^2 dependencies); they
     * wait for the refusals through the resources they depend on.
     */
    private grafanaAccess(
        name: string,
        args: AthenaWorkspaceArgs,
        workspace: pulumi.Output<amg.GetWorkspaceResult>,
        ready: pulumi.Output<amg.GetWorkspaceResult>,
    ): GrafanaAccess {
        const child = { parent: this };
        let url: pulumi.Output<string>;
        let token: pulumi.Output<string>;
        let expiresAt: pulumi.Output<string | undefined>;
        let serviceAccountId: pulumi.Output<string> | undefined;
        if (args.grafana) {
            // Only the workspace's own endpoint gets the token and the data sources.
            const given = args.grafana.url;
            url = workspace.apply((w) => {
                if (new URL(given).host !== w.endpoint) {
                    throw new ResourceRefusal(`grafanaUrl ${given} is not the endpoint of workspace ${args.workspaceId}: set it to https://${w.endpoint}`, this);
                }
                return given;
            });
            token = pulumi.secret(args.grafana.auth);
            expiresAt = pulumi.output(undefined);
        } else {
            const rotation = new time.Rotating(`${name}-token-rotation`, { rotationDays: ready.apply(() => args.tokenRotationDays) }, child);
            const serviceAccount = new amg.WorkspaceServiceAccount(
                `${name}-service-account`,
                { workspaceId: ready.workspaceId, grafanaRole: "ADMIN", name: this.scoped("pulumi-grafana-athena") },
                child,
            );
            // The name carries the rotation time: a rotation replaces the token, new before old.
            const minted = new amg.WorkspaceServiceAccountToken(
                `${name}-token`,
                {
                    workspaceId: ready.workspaceId,
                    serviceAccountId: serviceAccount.serviceAccountId,
                    name: pulumi.interpolate`pulumi-${rotation.unix}`,
                    secondsToLive: MAX_TOKEN_SECONDS,
                },
                child,
            );
            url = pulumi.interpolate`https://${workspace.endpoint}`;
            token = pulumi.secret(minted.key);
            expiresAt = minted.expiresAt;
            serviceAccountId = serviceAccount.serviceAccountId;
        }
        const provider = new GrafanaProvider(`${name}-grafana`, { url, auth: token }, child);
        return { url, token, provider, expiresAt, serviceAccountId };
    }

    /**
     * The Athena plugin at the supported version, installed through Grafana's plugin API during
     * `pulumi up` (never in a preview, never uninstalled): every data source waits for it.
     */
    private installAthenaPlugin(name: string, args: AthenaWorkspaceArgs, access: GrafanaAccess, assumePolicy: iam.RolePolicy): AthenaPluginInstallation {
        return new AthenaPluginInstallation(
            `${name}-athena-plugin`,
            {
                grafanaUrl: access.url,
                token: access.token,
                workspaceId: args.workspaceId,
                pluginId: ATHENA_PLUGIN_ID,
                version: ATHENA_PLUGIN_VERSION,
                major: ATHENA_PLUGIN_MAJOR,
            },
            // After the guards: with a given grafanaUrl nothing else would hold it back.
            { parent: this, dependsOn: [assumePolicy] },
        );
    }

    /** One Athena data source for one source, and its "Save & test" during `pulumi up`. */
    private addDataSource(name: string, c: CheckedSource, access: GrafanaAccess, after: pulumi.Resource[], verify: boolean): SourceDataSource {
        const { source, outputs, externalId } = c;
        const uid = dataSourceUid(this.scope, source.key);
        const dsName = source.name !== undefined ? pulumi.output(source.name) : outputs.label;
        // The external ID (secret) makes the whole jsonData secret in state and in previews.
        const jsonData = pulumi.all([outputs, externalId]).apply(([o, id]) => athenaJsonData(o, id));
        const dataSource = new oss.DataSource(
            childName(`${name}-datasource`, source.key),
            { type: ATHENA_PLUGIN_ID, name: dsName, uid, jsonDataEncoded: jsonData },
            // A new uid replaces the data source; Grafana refuses a second one of the same name, so
            // the old one goes first.
            { parent: this, provider: access.provider, dependsOn: after, deleteBeforeReplace: true },
        );
        if (verify) {
            new DataSourceHealthCheck(
                childName(`${name}-health`, source.key),
                {
                    grafanaUrl: access.url,
                    token: access.token,
                    dataSourceUid: dataSource.uid,
                    dataSourceName: dataSource.name,
                    sourceStack: source.key,
                    dataSourceVersion: jsonData.apply((j) => dataSourceFingerprint(uid, j)),
                },
                { parent: this, dependsOn: [dataSource, ...after] },
            );
        }
        return { source, uid, name: dsName, outputs, dataSource };
    }

    /** A folder, one dashboard per source, the fleet dashboard, and a home dashboard that lists them. */
    private addDashboards(
        name: string,
        args: AthenaWorkspaceArgs,
        dataSources: readonly SourceDataSource[],
        access: GrafanaAccess,
        assumePolicy: iam.RolePolicy,
        all: pulumi.Output<PublicSourceOutputs[]>,
    ): WorkspaceDashboards {
        // No `overwrite`: the provider reads it on create only, where it lets Grafana take over a
        // dashboard of the same title in the folder (a hand-made one); updates overwrite anyway.
        const inGrafana = { parent: this, provider: access.provider };
        const scope = this.scope;
        const folder = new oss.Folder(
            `${name}-folder`,
            { title: args.dashboard.folder, uid: folderUid(scope, args.dashboard.folder), preventDestroyIfNotEmpty: true },
            // After the guards: with a given grafanaUrl nothing else would hold the folder back.
            { ...inGrafana, dependsOn: [assumePolicy] },
        );
        const dashboards = dataSources.map(({ source, uid, outputs, dataSource }) => {
            const dashboard = new oss.Dashboard(
                childName(`${name}-dashboard`, source.key),
                {
                    configJson: outputs.apply((o) =>
                        JSON.stringify(
                            sourceDashboard(
                                { key: source.key, label: source.name ?? o.label, dataSourceUid: uid, region: o.region, catalog: o.catalog, database: o.database },
                                { resultReuseMinutes: args.dashboard.resultReuseMinutes, panels: panelsOf(source, o, args.dashboard.panels).panels, scope },
                            ).json,
                        ),
                    ),
                    folder: folder.uid,
                },
                { ...inGrafana, dependsOn: [dataSource] },
            );
            return { source, dashboard };
        });
        const names = pulumi.all(dataSources.map((d) => d.name));
        const fleet = new oss.Dashboard(
            `${name}-dashboard-fleet`,
            {
                configJson: pulumi
                    .all([all, names])
                    .apply(([, list]) =>
                        JSON.stringify(fleetDashboard({ dataSourceNames: list, resultReuseMinutes: args.dashboard.resultReuseMinutes, panels: args.dashboard.panels, scope }).json),
                    ),
                folder: folder.uid,
            },
            inGrafana,
        );
        const home = new oss.Dashboard(
            `${name}-dashboard-home`,
            {
                configJson: pulumi
                    .all([all, names])
                    .apply(([, list]) =>
                        JSON.stringify(
                            // With teams: links to each team's fleet dashboard, no source names (every team views it).
                            args.teams && args.teams.length > 0
                                ? homeDashboard([], { scope, teams: args.teams.map((t) => t.name) }).json
                                : homeDashboard(list.map((label, i) => ({ label, dashboardUid: sourceDashboardUid(scope, dataSources[i].source.key) })), { scope }).json,
                        ),
                    ),
                folder: folder.uid,
            },
            inGrafana,
        );
        return { home, fleet, dashboards, folder };
    }

    /**
     * The workspace's teams: each created (with its members, when listed) or, when `existing`,
     * looked up by name (never created, changed or deleted). A team's id is what every grant names.
     */
    private addTeams(name: string, teams: readonly TeamSpec[], access: GrafanaAccess, assumePolicy: iam.RolePolicy): TeamIds {
        const inGrafana = { parent: this, provider: access.provider };
        const ids = teams.map((team): [string, pulumi.Output<string>] => {
            if (team.existing) {
                return [team.name, oss.getTeamOutput({ name: team.name }, inGrafana).id];
            }
            const created = new oss.Team(
                childName(`${name}-team`, team.name),
                { name: team.name, members: team.members === undefined ? undefined : teamSet(team.members) },
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
    private restrictDataSources(name: string, dataSources: readonly SourceDataSource[], teamIds: TeamIds, access: GrafanaAccess): void {
        for (const { source, outputs, dataSource } of dataSources) {
            new enterprise.DataSourcePermission(
                childName(`${name}-datasource-permissions`, source.key),
                {
                    datasourceUid: dataSource.uid,
                    // Saves the provider a lookup of the data source's type on every run.
                    datasourceType: ATHENA_PLUGIN_ID,
                    permissions: pulumi
                        .all([outputs, teamIds, access.serviceAccountId])
                        .apply(([o, ids, serviceAccount]) => refusing(this, () => queryItems(teamIdsOf(o.teams, ids), serviceAccount))),
                },
                { parent: this, provider: access.provider, dependsOn: [dataSource] },
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
    private restrictDashboards(
        name: string,
        args: AthenaWorkspaceArgs,
        teams: readonly TeamSpec[],
        teamIds: TeamIds,
        built: WorkspaceDashboards,
        dataSources: readonly SourceDataSource[],
        access: GrafanaAccess,
        all: pulumi.Output<PublicSourceOutputs[]>,
    ): { team: string; dashboard: oss.Dashboard }[] {
        const inGrafana = { parent: this, provider: access.provider };
        const teamNames = teamSet(teams.map((t) => t.name));
        const grant = (teamsOf: pulumi.Input<readonly string[]>) =>
            pulumi.all([teamsOf, teamIds]).apply(([ts, ids]) => refusing(this, () => viewItems(teamIdsOf(ts, ids))));
        new oss.FolderPermission(`${name}-folder-permissions`, { folderUid: built.folder.uid, permissions: [] }, { ...inGrafana, dependsOn: [built.folder] });
        built.dashboards.forEach(({ source, dashboard }, i) => {
            new oss.DashboardPermission(
                childName(`${name}-dashboard-permissions`, source.key),
                { dashboardUid: dashboard.uid, permissions: grant(dataSources[i].outputs.apply((o) => o.teams)) },
                { ...inGrafana, dependsOn: [dashboard] },
            );
        });
        new oss.DashboardPermission(`${name}-dashboard-fleet-permissions`, { dashboardUid: built.fleet.uid, permissions: [] }, { ...inGrafana, dependsOn: [built.fleet] });
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
                { title, uid: folderUid(this.scope, title), preventDestroyIfNotEmpty: true },
                { ...inGrafana, dependsOn: [built.folder] },
            );
            new oss.FolderPermission(childName(`${name}-folder-team-permissions`, team), { folderUid: folder.uid, permissions: grant([team]) }, { ...inGrafana, dependsOn: [folder] });
            // The team's sources, and the teams of each: resolved together with the set check.
            const mine = pulumi.all([all, names]).apply(([list, dsNames]) => {
                const keys = new Set(sourcesByTeam(teamNames, list.map((o, i) => ({ key: dataSources[i].source.key, teams: o.teams }))).get(team) ?? []);
                const picked = list.map((o, i) => ({ o, name: dsNames[i], key: dataSources[i].source.key })).filter((s) => keys.has(s.key));
                return { names: picked.map((p) => p.name), readers: picked.length > 0 ? picked.map((p) => p.o.teams) : [[team]] };
            });
            const dashboard = new oss.Dashboard(
                childName(`${name}-dashboard-fleet-team`, team),
                {
                    configJson: mine.apply((m) =>
                        JSON.stringify(
                            fleetDashboard({ dataSourceNames: m.names, resultReuseMinutes: args.dashboard.resultReuseMinutes, panels: args.dashboard.panels, scope: this.scope, team }).json,
                        ),
                    ),
                    folder: folder.uid,
                },
                inGrafana,
            );
            new oss.DashboardPermission(
                childName(`${name}-dashboard-fleet-team-permissions`, team),
                { dashboardUid: dashboard.uid, permissions: grant(mine.apply((m) => dashboardViewers(m.readers, teamNames))) },
                { ...inGrafana, dependsOn: [dashboard] },
            );
            return { team, dashboard };
        });
    }
}

/** The panels of a source's own dashboard (`sourceDashboardPanels`: the workspace's choice for it, the source's own, the workspace-wide ones). */
function panelsOf(source: WorkspaceSource, outputs: PublicSourceOutputs, fleetPanels: readonly PanelSpec[] | undefined) {
    return sourceDashboardPanels({ workspaceSource: source.panels, sourceStack: outputs.panels, dashboard: fleetPanels });
}

/**
 * Every panel that will query this source, its own dashboard's and the fleet dashboard's row of
 * it (`dashboard.panels`), reads only the tables the source grants: anything else would fail in
 * Grafana with Glue's access denied. Refused before anything is created, one line per panel and
 * table, naming the source stack and the setting. A source without a `tables` output (an older
 * release) is not checked.
 */
function checkPanelReads(source: WorkspaceSource, outputs: PublicSourceOutputs, fleetPanels: readonly PanelSpec[] | undefined): void {
    if (outputs.tables === undefined) return;
    const grant = { catalog: outputs.catalog, database: outputs.database, tables: outputs.tables };
    const own = panelsOf(source, outputs, fleetPanels);
    const lines = new Set<string>();
    for (const [panels, setting] of [
        [own.panels, own.origin === "source stack panels" ? 'its output "panels"' : own.origin],
        [fleetPanels, "dashboard.panels"],
    ] as const) {
        for (const problem of panelGrantProblems(panels ?? [], grant, setting)) lines.add(`source stack "${source.key}": ${problem}`);
    }
    if (lines.size > 0) throw new Refusal([...lines].join("\n"));
}

interface WorkspaceDashboards {
    home: oss.Dashboard;
    fleet: oss.Dashboard;
    dashboards: { source: WorkspaceSource; dashboard: oss.Dashboard }[];
    folder: oss.Folder;
}
