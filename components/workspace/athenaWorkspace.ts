// One namespace module each, not the packages' indexes: a type-check then reads these services' declarations
// only.
import * as amg from "@pulumi/aws/grafana";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import * as oss from "@pulumiverse/grafana/oss";
import { Provider as GrafanaProvider } from "@pulumiverse/grafana/provider";
import * as time from "@pulumiverse/time";
import { MAX_TOKEN_SECONDS, organizationMode } from "../../shared/config/workspace";
import { PublicSourceOutputs, resultsModeOf } from "../../shared/contract";
import { fleetDashboard } from "../../shared/grafana/fleetDashboard";
import { homeDashboard } from "../../shared/grafana/homeDashboard";
import {
    ATHENA_PLUGIN_ID,
    ATHENA_PLUGIN_MAJOR,
    ATHENA_PLUGIN_VERSION,
    athenaJsonData,
    dataSourceFingerprint,
} from "../../shared/grafana/dataSource";
import { ATHENA_PLUGIN_MIN_VERSION } from "../../shared/grafana/pluginVersion";
import { dataSourceUid, folderUid, sourceDashboardUid } from "../../shared/grafana/uids";
import { checkedPolicyJson } from "../../shared/iam/checked";
import { childName, roleNameFromArn, shortHash } from "../../shared/naming";
import { PUBLISH_POLICY_NAME } from "../../shared/policies/alertTopics";
import { ASSUME_POLICY_NAME, workspaceAssumePolicy } from "../../shared/policies/workspaceRole";
import { ResourceRefusal, refusing } from "../../shared/resourceRefusal";
import type { AthenaWorkspaceArgs } from "./args";
import { addAlerting } from "./alerting";
import { addAlertRules } from "./alertRules";
import { AthenaPluginInstallation } from "./athenaPluginInstallation";
import type { WorkspaceFacts } from "./managedWorkspace";
import { DataSourceHealthCheck } from "./dataSourceHealthCheck";
import type { CheckedSource, GrafanaAccess, SourceDataSource, WorkspaceDashboards } from "./parts";
import { addTeams, restrictDashboards, restrictDataSources } from "./teams";
import { checkSources, guardWorkspace } from "./validate";
import { addFileDashboards, sourceDashboardJson } from "./sourceDashboards";

export type { WorkspaceSource } from "./args";

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
 * 8. `addAlerting`: the contact points, sns:Publish for the workspace role on their SNS topics, and
 *    the notification policy routing each team's alerts to its contact point (alerting.ts);
 *    `addAlertRules`: the alert rules, a rule group per folder that holds some (alertRules.ts);
 * with `teams`, also `addTeams` (before the data sources), `restrictDataSources` (Query for exactly
 * each source's teams) and `restrictDashboards` (View for exactly the teams that may query what a
 * dashboard reads, a folder and a fleet dashboard per team), teams.ts.
 * Nothing in Grafana is created before every refusal of steps 1-3 has had its say.
 */
export class AthenaWorkspace extends pulumi.ComponentResource {
    /** Data source uid by source key. */
    public readonly dataSourceUids: pulumi.Output<Record<string, string>>;
    /** Data source name by source key. */
    public readonly dataSourceNames: pulumi.Output<Record<string, string>>;
    /**
     * Dashboard URL by source key, plus `home` (the dashboard that lists every source) and `fleet` (every
     * source on one).
     */
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
            throw new ResourceRefusal(
                "the workspace stack has no source to chart: list source stacks in sources",
                this,
            );
        }

        const partition = getPartitionOutput({}, { parent: this }).partition;
        const workspace = guardWorkspace(this, name, args, partition);
        const { checked, all, alertRules } = checkSources(this, args, partition, this.scope);
        const { policy: assumePolicy, json: assumeJson } = this.allowAssumingSources(
            name,
            args,
            workspace,
            partition,
            checked,
            all,
        );
        // Everything below waits for every refusal above (Grafana version, contracts, duplicates,
        // the policy's quota): a refused stack creates nothing.
        const ready = pulumi.all([workspace, assumeJson]).apply(([w]) => w);
        const access = this.grafanaAccess(name, args, workspace, ready);
        const plugin = this.installAthenaPlugin(
            name,
            args.workspaceId ?? workspace.workspaceId,
            access,
            assumePolicy,
        );
        const teams = args.teams ?? [];
        const teamIds = teams.length > 0 ? addTeams(this, name, teams, access, assumePolicy) : undefined;
        const { contactPoints = [], contactPointSecrets = {} } = args;
        addAlerting(
            this,
            name,
            { contactPoints, contactPointSecrets, teams },
            workspace,
            partition,
            this.scoped(PUBLISH_POLICY_NAME),
            access,
            [assumePolicy],
        );
        const dataSources = checked.map((c) =>
            this.addDataSource(name, c, access, [assumePolicy, plugin], args.verifyDataSources ?? true),
        );
        const built = this.addDashboards(name, args, dataSources, access, assumePolicy, all, workspace);
        const { home, fleet, dashboards, folder } = built;
        const teamFleets: { team: string; dashboard: oss.Dashboard; folder: oss.Folder }[] = [];
        if (teamIds) {
            restrictDataSources(this, name, dataSources, teamIds, access);
            teamFleets.push(
                ...restrictDashboards(
                    this,
                    this.scope,
                    name,
                    args,
                    teams,
                    teamIds,
                    built,
                    dataSources,
                    access,
                    all,
                ),
            );
        }
        const byTeam = new Map(teamFleets.map((f) => [f.team, f.folder]));
        addAlertRules(this, name, alertRules, all, dataSources, { shared: folder, byTeam }, access);

        this.tokenExpiresAt = access.expiresAt;
        this.dataSourceUids = pulumi.output(
            Object.fromEntries(dataSources.map((d) => [d.source.key, d.uid])),
        );
        this.dataSourceNames = pulumi
            .all(dataSources.map((d) => d.name))
            .apply((names) => Object.fromEntries(names.map((n, i) => [dataSources[i].source.key, n])));
        this.teams = teamIds ?? pulumi.output<Record<string, string>>({});
        this.dashboardUrls = pulumi
            .all([
                home.url,
                fleet.url,
                ...dashboards.map((d) => d.dashboard.url),
                ...teamFleets.map((f) => f.dashboard.url),
            ])
            .apply(([homeUrl, fleetUrl, ...urls]): Record<string, string> => ({
                home: homeUrl,
                fleet: fleetUrl,
                ...Object.fromEntries(
                    urls.slice(0, dashboards.length).map((u, i) => [dashboards[i].source.key, u]),
                ),
                // A team's fleet dashboard: "fleet/<team>" (a source key always has three parts).
                ...Object.fromEntries(
                    urls.slice(dashboards.length).map((u, i) => [`fleet/${teamFleets[i].team}`, u]),
                ),
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

    /**
     * The workspace role may assume exactly the sources' roles (or, in organisation mode, the one role name
     * in the organisation).
     */
    private allowAssumingSources(
        name: string,
        args: AthenaWorkspaceArgs,
        workspace: pulumi.Output<WorkspaceFacts>,
        partition: pulumi.Output<string>,
        checked: readonly CheckedSource[],
        all: pulumi.Output<PublicSourceOutputs[]>,
    ): { policy: iam.RolePolicy; json: pulumi.Output<string> } {
        const policyName = this.scoped(ASSUME_POLICY_NAME);
        const json = pulumi
            .all([all, partition])
            .apply(([list, p]) =>
                refusing(this, () =>
                    workspaceAssumePolicy(
                        list.map((o) => o.roleArn),
                        policyName,
                        organizationMode(args),
                        p,
                    ),
                ),
            )
            .apply((doc) =>
                checkedPolicyJson(doc, "Use organisation mode (sourceRoleName and organizationId).", this),
            );
        const policy = new iam.RolePolicy(
            `${name}-assume-sources`,
            { role: workspace.roleArn.apply(roleNameFromArn), name: policyName, policy: json },
            { parent: this },
        );
        return { policy, json };
    }

    /**
     * Grafana API access: the given endpoint and token, or a bounded-lifetime token rotated well inside its
     * lifetime.
     */
    /**
     * `workspace` is the guarded lookup, `ready` the same once every refusal has had its say. The
     * URL comes from the lookup alone: every health check and the plugin installation take it, and
     * through `ready` each would depend on every source's stack reference (N^2 dependencies); they
     * wait for the refusals through the resources they depend on.
     */
    private grafanaAccess(
        name: string,
        args: AthenaWorkspaceArgs,
        workspace: pulumi.Output<WorkspaceFacts>,
        ready: pulumi.Output<WorkspaceFacts>,
    ): GrafanaAccess {
        const child = { parent: this };
        let url: pulumi.Output<string>;
        let token: pulumi.Output<string>;
        let expiresAt: pulumi.Output<string | undefined>;
        let serviceAccountId: pulumi.Output<string> | undefined;
        if (args.grafanaUrl !== undefined && args.grafanaAuth !== undefined) {
            // Only the workspace's own endpoint gets the token and the data sources.
            const given = args.grafanaUrl;
            url = workspace.apply((w) => {
                if (new URL(given).host !== w.endpoint) {
                    throw new ResourceRefusal(
                        `grafanaUrl ${given} is not the endpoint of workspace ` +
                            `${w.workspaceId}: set it to https://${w.endpoint}`,
                        this,
                    );
                }
                return given;
            });
            token = pulumi.secret(args.grafanaAuth);
            expiresAt = pulumi.output(undefined);
        } else {
            const rotation = new time.Rotating(
                `${name}-token-rotation`,
                { rotationDays: ready.apply(() => args.tokenRotationDays) },
                child,
            );
            const serviceAccount = new amg.WorkspaceServiceAccount(
                `${name}-service-account`,
                {
                    workspaceId: ready.workspaceId,
                    grafanaRole: "ADMIN",
                    name: this.scoped("pulumi-grafana-athena"),
                },
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
     * `pulumi up` (never in a preview, never uninstalled): every data source waits for it. An
     * installed release below the floor (3.1.4 and 3.1.5 send the wrong external ID) is replaced.
     */
    private installAthenaPlugin(
        name: string,
        workspaceId: pulumi.Input<string>,
        access: GrafanaAccess,
        assumePolicy: iam.RolePolicy,
    ): AthenaPluginInstallation {
        return new AthenaPluginInstallation(
            `${name}-athena-plugin`,
            {
                grafanaUrl: access.url,
                token: access.token,
                workspaceId,
                pluginId: ATHENA_PLUGIN_ID,
                version: ATHENA_PLUGIN_VERSION,
                major: ATHENA_PLUGIN_MAJOR,
                minimumVersion: ATHENA_PLUGIN_MIN_VERSION,
            },
            // After the guards: with a given grafanaUrl nothing else would hold it back.
            { parent: this, dependsOn: [assumePolicy] },
        );
    }

    /** One Athena data source for one source, and its "Save & test" during `pulumi up`. */
    private addDataSource(
        name: string,
        c: CheckedSource,
        access: GrafanaAccess,
        after: pulumi.Resource[],
        verify: boolean,
    ): SourceDataSource {
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
        workspace: pulumi.Output<WorkspaceFacts>,
    ): WorkspaceDashboards {
        // No `overwrite`: the provider reads it on create only, where it lets Grafana take over a
        // dashboard of the same title in the folder (a hand-made one); updates overwrite anyway.
        const inGrafana = { parent: this, provider: access.provider };
        const scope = this.scope;
        const folder = new oss.Folder(
            `${name}-folder`,
            {
                title: args.dashboard.folder,
                uid: folderUid(scope, args.dashboard.folder),
                preventDestroyIfNotEmpty: true,
            },
            // After the guards: with a given grafanaUrl nothing else would hold the folder back.
            { ...inGrafana, dependsOn: [assumePolicy] },
        );
        const dashboards = dataSources.map(({ source, uid, outputs, dataSource }) => {
            const dashboard = new oss.Dashboard(
                childName(`${name}-dashboard`, source.key),
                {
                    configJson: outputs.apply((o) => sourceDashboardJson(source, uid, o, args, scope)),
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
                configJson: pulumi.all([all, names]).apply(([sources, list]) =>
                    JSON.stringify(
                        fleetDashboard({
                            dataSourceNames: list,
                            resultReuseMinutes: args.dashboard.resultReuseMinutes,
                            managedResults: sources.some((o) => resultsModeOf(o) === "managed"),
                            panels: args.dashboard.panels,
                            variables: args.dashboard.variables,
                            scope,
                        }).json,
                    ),
                ),
                folder: folder.uid,
            },
            inGrafana,
        );
        const home = new oss.Dashboard(
            `${name}-dashboard-home`,
            {
                configJson: pulumi.all([all, names]).apply(([, list]) =>
                    JSON.stringify(
                        // With teams: links to each team's fleet dashboard, no source names (every team views
                        // it).
                        args.teams && args.teams.length > 0
                            ? homeDashboard([], { scope, teams: args.teams.map((t) => t.name) }).json
                            : homeDashboard(
                                  list.map((label, i) => ({
                                      label,
                                      dashboardUid: sourceDashboardUid(scope, dataSources[i].source.key),
                                  })),
                                  { scope },
                              ).json,
                    ),
                ),
                folder: folder.uid,
            },
            inGrafana,
        );
        const files = addFileDashboards(
            this,
            name,
            args,
            dataSources,
            workspace,
            folder,
            access.provider,
            scope,
        );
        return { home, fleet, dashboards, ...files, folder };
    }
}
