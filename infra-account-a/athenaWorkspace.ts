import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import * as time from "@pulumiverse/time";
import { createHash } from "crypto";
import { DashboardSettings, MAX_TOKEN_SECONDS } from "../shared/config/workspace";
import { CONTRACT_OUTPUTS, ContractOutputName, checkPublicSourceOutputs, duplicateSourceProblems } from "../shared/contract";
import { ATHENA_PLUGIN_ID, homeDashboard, sourceDashboard } from "../shared/dashboard";
import { grafanaVersionProblem } from "../shared/grafana/version";
import { checkedPolicyJson } from "../shared/iam/checked";
import { childName, dataSourceUid, roleNameFromArn, shortHash } from "../shared/naming";
import {
    ASSUME_POLICY_NAME,
    assumeOrganizationRolesPolicy,
    assumeSourceRolesPolicy,
    checkAssumePolicySize,
} from "../shared/policies";
import { DataSourceHealthCheck } from "./dataSourceHealthCheck";

/** One data account as the workspace sees it. */
export interface WorkspaceSource {
    /** Stable key: the source stack's fully qualified name. Names the data source uid and children. */
    key: string;
    /** Data source name in Grafana. Default: the source's `label` output. */
    name?: string;
    /**
     * The source's contract outputs, one Input per name, unchecked (from a StackReference, or
     * straight from a source component). Kept apart so that only `externalId` is secret.
     */
    outputs: Record<ContractOutputName, pulumi.Input<unknown>>;
}

/** Organisation mode: one statement for any number of sources (see `assumeOrganizationRolesPolicy`). */
export interface OrganizationAssumeMode {
    /** The role name every source stack uses (`roleName` of the source project). */
    sourceRoleName: string;
    /** The AWS Organizations ID the source accounts belong to. */
    organizationId: string;
}

export interface AthenaWorkspaceArgs {
    /** The Amazon Managed Grafana workspace ID (`g-` and 10 hex characters). */
    workspaceId: string;
    /** The data accounts; at least one. */
    sources: readonly WorkspaceSource[];
    /** Days between token rotations (1-29). The token lives 30 days, so a stack may sit untouched that long after a rotation. */
    tokenRotationDays: number;
    /**
     * Use this Grafana endpoint and token instead of minting a service account token. Both or
     * neither. The token must be a secret.
     */
    grafana?: { url: string; auth: pulumi.Input<string> };
    /** Folder, result reuse and panels of the sample dashboards. */
    dashboard: DashboardSettings;
    /** Check every data source like Grafana's "Save & test" during `pulumi up`. Default true. */
    verifyDataSources?: boolean;
    /** Organisation-scoped assume policy instead of the explicit list of role ARNs (the default). */
    organization?: OrganizationAssumeMode;
    /**
     * The workspace role the sources trust (their `grafanaRoleArn`), when the caller knows it: a
     * different role in the lookup is refused before anything is created, as every query would fail.
     */
    expectedWorkspaceRoleArn?: string;
}

/**
 * The Grafana account's side: the workspace role may assume the sources' roles, and the
 * workspace gets one Athena data source per source plus the sample dashboards. Steps 4-7 of the
 * console walkthrough, for any number of data accounts.
 */
export class AthenaWorkspace extends pulumi.ComponentResource {
    /** Data source uid by source key. */
    public readonly dataSourceUids: pulumi.Output<Record<string, string>>;
    /** Data source name by source key. */
    public readonly dataSourceNames: pulumi.Output<Record<string, string>>;
    /** Dashboard URL by source key, plus `home` for the dashboard that lists every source. */
    public readonly dashboardUrls: pulumi.Output<Record<string, string>>;
    /** When the current Grafana token expires (undefined when `grafana` was given). */
    public readonly tokenExpiresAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: AthenaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("grafana-athena:workspace:AthenaWorkspace", name, {}, opts);
        const child = { parent: this };
        // Names that are unique in a whole workspace (the inline policy on its role, the service
        // account, the folder and home dashboard) carry this stack's scope, so that two stacks
        // sharing a workspace fail loudly or coexist instead of overwriting each other.
        const scope = `${pulumi.getProject()}/${pulumi.getStack()}`;
        const scoped = (base: string) => `${base}-${shortHash(scope, 8)}`;
        if (args.sources.length === 0) {
            throw new Error("AthenaWorkspace needs at least one source");
        }

        // The version guard runs before anything is created: every resource below depends on it.
        const workspace = aws.grafana.getWorkspaceOutput({ workspaceId: args.workspaceId }, child).apply((w) => {
            const problem = grafanaVersionProblem(args.workspaceId, w.grafanaVersion);
            if (problem) throw new Error(problem);
            if (args.expectedWorkspaceRoleArn && w.roleArn !== args.expectedWorkspaceRoleArn) {
                throw new Error(
                    `workspace ${args.workspaceId} uses the role ${w.roleArn}, but the source trusts ${args.expectedWorkspaceRoleArn}; ` +
                        `set grafanaRoleArn to the workspace's role`,
                );
            }
            return w;
        });

        // Every source's contract is checked, and duplicates refused, before it is used.
        const checked = args.sources.map((s) => {
            const { externalId, ...publicInputs } = s.outputs;
            const present = pulumi.unsecret(pulumi.output(externalId as pulumi.Input<string>).apply((e) => typeof e === "string" && e.length > 0));
            return {
                source: s,
                externalId: pulumi.secret(pulumi.output(externalId as pulumi.Input<string>).apply(String)),
                outputs: pulumi.all([pulumi.all(publicInputs), present]).apply(([v, p]) => checkPublicSourceOutputs(s.key, v as Record<string, unknown>, p)),
            };
        });
        const allChecked = pulumi.all(checked.map((c) => c.outputs)).apply((list) => {
            const problems = duplicateSourceProblems(list.map((outputs, i) => ({ stack: args.sources[i].key, outputs })));
            const names = list.map((o, i) => args.sources[i].name ?? o.label);
            names.forEach((n, i) => {
                const j = names.indexOf(n);
                if (j !== i) problems.push(`source stacks "${args.sources[j].key}" and "${args.sources[i].key}" would both be called "${n}" in Grafana; give one a name`);
            });
            if (problems.length > 0) throw new Error(problems.join("\n"));
            return list;
        });
        // Each source's resources use its own checked outputs (`checked[i].outputs`): taken from
        // `allChecked`, every source's resources would depend on every source's stack reference
        // (N^2 dependencies). The duplicate check still comes first: the assume policy waits for
        // it, and every data source, health check and dashboard waits for the assume policy.

        // Step 4: the workspace role may assume exactly the sources' roles.
        const roleArns = checked.map((c) => c.outputs.roleArn);
        const assumeJson = pulumi.all([allChecked, pulumi.all(roleArns)]).apply(([, arns]) => {
            const assumeDoc = args.organization
                ? assumeOrganizationRolesPolicy(args.organization.sourceRoleName, args.organization.organizationId, scoped(ASSUME_POLICY_NAME))
                : assumeSourceRolesPolicy(arns, scoped(ASSUME_POLICY_NAME));
            if (args.organization) {
                const wrong = arns.filter((a) => roleNameFromArn(a) !== args.organization!.sourceRoleName);
                if (wrong.length > 0) {
                    throw new Error(
                        `organisation mode allows only roles named "${args.organization.sourceRoleName}", but these sources use other roles: ${wrong.join(", ")}; ` +
                            `set roleName in those source stacks, or sourceRoleName here`,
                    );
                }
            } else {
                // Before the generic check, so that the refusal says how many sources fit.
                checkAssumePolicySize(assumeDoc, arns.length, Math.max(...arns.map((a) => a.length)));
            }
            return checkedPolicyJson(assumeDoc, "Use organisation mode (sourceRoleName and organizationId).");
        });
        const assumePolicy = new aws.iam.RolePolicy(
            `${name}-assume-sources`,
            { role: workspace.roleArn.apply(roleNameFromArn), name: scoped(ASSUME_POLICY_NAME), policy: assumeJson },
            child,
        );

        // Everything below waits for every refusal above (Grafana version, contracts, duplicates,
        // the policy's quota): a refused stack creates nothing.
        const ready = pulumi.all([workspace, assumeJson]).apply(([w]) => w);

        // Grafana API access: a bounded-lifetime token, rotated well inside its lifetime.
        let url: pulumi.Output<string>;
        let token: pulumi.Output<string>;
        if (args.grafana) {
            url = pulumi.output(args.grafana.url);
            token = pulumi.secret(args.grafana.auth);
            this.tokenExpiresAt = pulumi.output(undefined);
        } else {
            const rotation = new time.Rotating(`${name}-token-rotation`, { rotationDays: ready.apply(() => args.tokenRotationDays) }, child);
            const serviceAccount = new aws.grafana.WorkspaceServiceAccount(
                `${name}-service-account`,
                { workspaceId: ready.workspaceId, grafanaRole: "ADMIN", name: scoped("pulumi-grafana-athena") },
                child,
            );
            // The name carries the rotation time: a rotation replaces the token, new before old.
            const minted = new aws.grafana.WorkspaceServiceAccountToken(
                `${name}-token`,
                {
                    workspaceId: ready.workspaceId,
                    serviceAccountId: serviceAccount.serviceAccountId,
                    name: pulumi.interpolate`pulumi-${rotation.unix}`,
                    secondsToLive: MAX_TOKEN_SECONDS,
                },
                child,
            );
            url = pulumi.interpolate`https://${ready.endpoint}`;
            token = pulumi.secret(minted.key);
            this.tokenExpiresAt = minted.expiresAt;
        }
        const provider = new grafana.Provider(`${name}-grafana`, { url, auth: token }, child);
        const inGrafana = { parent: this, provider };

        // Step 5: one Athena data source per source.
        const dataSources = checked.map(({ source, externalId, outputs }) => {
            const uid = dataSourceUid(source.key);
            const dsName = source.name !== undefined ? pulumi.output(source.name) : outputs.label;
            // The external ID makes the whole jsonData secret in state and in previews.
            const jsonData = pulumi.all([outputs, externalId]).apply(([o, externalId]) =>
                JSON.stringify({
                    authType: "ec2_iam_role",
                    assumeRoleArn: o.roleArn,
                    externalId,
                    defaultRegion: o.region,
                    catalog: o.catalog,
                    database: o.database,
                    workgroup: o.workgroup,
                    outputLocation: o.outputLocation,
                }),
            );
            const dataSource = new grafana.oss.DataSource(
                childName(`${name}-datasource`, source.key),
                { type: ATHENA_PLUGIN_ID, name: dsName, uid, jsonDataEncoded: pulumi.secret(jsonData) },
                { ...inGrafana, dependsOn: [assumePolicy] },
            );
            if (args.verifyDataSources ?? true) {
                new DataSourceHealthCheck(
                    childName(`${name}-health`, source.key),
                    {
                        grafanaUrl: url,
                        token,
                        dataSourceUid: dataSource.uid,
                        dataSourceName: dataSource.name,
                        sourceStack: source.key,
                        dataSourceVersion: jsonData.apply((j) => createHash("sha256").update(`${uid}\n${j}`).digest("hex")),
                    },
                    { parent: this, dependsOn: [dataSource, assumePolicy] },
                );
            }
            return { source, uid, dataSource, outputs, dsName };
        });

        // Steps 6-7: a folder, one dashboard per source, and a home dashboard that lists them.
        const folder = new grafana.oss.Folder(
            `${name}-folder`,
            { title: args.dashboard.folder, uid: `athena-folder-${shortHash(`${scope}/${args.dashboard.folder}`, 12)}`, preventDestroyIfNotEmpty: true },
            // After the guards: with a given grafanaUrl nothing else would hold the folder back.
            { ...inGrafana, dependsOn: [assumePolicy] },
        );
        const dashboards = dataSources.map(({ source, uid, outputs, dsName, dataSource }) => {
            const built = pulumi.all([outputs, dsName]).apply(([o, label]) =>
                sourceDashboard(
                    { key: `${scope}/${source.key}`, label, dataSourceUid: uid, region: o.region, catalog: o.catalog, database: o.database },
                    { resultReuseMinutes: args.dashboard.resultReuseMinutes, panels: args.dashboard.panels, scope },
                ),
            );
            const dashboard = new grafana.oss.Dashboard(
                childName(`${name}-dashboard`, source.key),
                { configJson: built.apply((b) => JSON.stringify(b.json)), folder: folder.uid, overwrite: true },
                { ...inGrafana, dependsOn: [dataSource] },
            );
            return { source, dashboard, built };
        });
        const home = new grafana.oss.Dashboard(
            `${name}-dashboard-home`,
            {
                configJson: pulumi
                    .all([allChecked, pulumi.all(dashboards.map((d) => d.built))])
                    .apply(([, built]) => JSON.stringify(homeDashboard(built.map((b) => ({ label: b.title, dashboardUid: b.uid })), { scope }).json)),
                folder: folder.uid,
                overwrite: true,
            },
            inGrafana,
        );

        this.dataSourceUids = pulumi.output(Object.fromEntries(dataSources.map((d) => [d.source.key, d.uid])));
        this.dataSourceNames = pulumi.all(dataSources.map((d) => d.dsName)).apply((names) => Object.fromEntries(names.map((n, i) => [dataSources[i].source.key, n])));
        this.dashboardUrls = pulumi
            .all([home.url, ...dashboards.map((d) => d.dashboard.url)])
            .apply(([homeUrl, ...urls]): Record<string, string> => ({ home: homeUrl, ...Object.fromEntries(urls.map((u, i) => [dashboards[i].source.key, u])) }));
        this.registerOutputs({
            dataSourceUids: this.dataSourceUids,
            dataSourceNames: this.dataSourceNames,
            dashboardUrls: this.dashboardUrls,
            tokenExpiresAt: this.tokenExpiresAt,
        });
    }
}

/**
 * Reads a source stack's contract outputs through a StackReference. `requireOutput` fails with
 * the stack's and the output's name when one is missing; the values are checked by the component.
 */
export function readSourceStack(stack: string, opts?: pulumi.CustomResourceOptions): Record<ContractOutputName, pulumi.Output<unknown>> {
    const ref = new pulumi.StackReference(childName("source", stack), { name: stack }, opts);
    return Object.fromEntries(CONTRACT_OUTPUTS.map((o) => [o, ref.requireOutput(o)])) as Record<ContractOutputName, pulumi.Output<unknown>>;
}
