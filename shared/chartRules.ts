/**
 * The rules over a workspace stack and the sources it charts, one definition each. The workspace
 * program applies them while it runs, to the sources' checked outputs (so `pulumi preview`,
 * `npm run synth` and `fleet synth` refuse); `fleet check` applies the same functions offline to
 * the outputs each source stack file implies (`impliedSourceOutputs`), so that check refuses every
 * set of stack files synth refuses. Pure: no resources, no files.
 */
import type { PublicSourceOutputs } from "./contract";
import { CONTRACT_VERSION, resultsModeOf } from "./contract";
import type { DashboardFileContent } from "./dashboardFiles";
import { bindDashboardFile } from "./grafana/dashboardFile";
import { type SourceSettings, isManagedResults } from "./config/source";
import type { PanelSpec } from "./grafana/panelSpec";
import { panelGrantProblems, sourceDashboardPanels, variableGrantProblems } from "./grafana/panels";
import {
    VariableSettings,
    sourceDashboardVariables,
    listVariables,
    unsafeVariables,
    variableNames,
} from "./config/variables";
import { unescapedVariableUses, variableUseProblem } from "./grafana/variableUses";
import { undefinedTeamProblems } from "./grafana/permissions";
import { accountOfArn, defaultSourceLabel } from "./naming";
import { partitionOf } from "./partition";
import type { OrganizationAssumeMode } from "./policies/workspaceRole";
import { workspaceAssumePolicy } from "./policies/workspaceRole";
import { Refusal } from "./refusal";
import { s3Url } from "./s3";
import { sourceSetProblems } from "./sources";
import type { WorkspaceAlert } from "./config/alerts";
import { AlertProblem, planAlertRules } from "./grafana/alertPlan";
import { FLEET_DASHBOARD_TITLE, HOME_DASHBOARD_TITLE, teamFleetTitle } from "./grafana/dashboardTitles";
import {
    SourceDashboardFile,
    bindSourceDashboardFiles,
    sourceFileTitleProblems,
} from "./sourceDashboardFiles";
import { schemaProblem } from "./grafana/dashboardSchema";

/** One source as a workspace stack charts it. */
export interface ChartedSourceView {
    /** The source stack's fully qualified name. */
    key: string;
    /** The data source name the workspace stack gives it (`sources[].name`); default its label. */
    name?: string;
    /** The workspace stack's panels for this source (`sources[].panels`). */
    panels?: readonly PanelSpec[];
    outputs: PublicSourceOutputs;
}

/**
 * What a source stack of this program exports, from its stack file's settings: the values its
 * program computes (infra-account-b/athenaSourceAccess.ts), for the account the stack is pinned to
 * (`aws:allowedAccountIds`), with its dashboard files as its program reads them. A test holds
 * the two equal for every user stack of the examples.
 */
export function impliedSourceOutputs(
    settings: SourceSettings,
    region: string,
    accountId: string,
    dashboardFiles: readonly SourceDashboardFile[] = [],
): PublicSourceOutputs {
    return {
        contractVersion: CONTRACT_VERSION,
        accountId,
        region,
        roleArn: `arn:${partitionOf(region) ?? "aws"}:iam::${accountId}:role/${settings.roleName}`,
        catalog: settings.catalog,
        database: settings.database,
        workgroup: settings.workgroup.name,
        ...(isManagedResults(settings.results)
            ? { resultsMode: "managed" as const }
            : {
                  outputLocation: s3Url({ bucket: settings.results.bucket, prefix: settings.results.prefix }),
              }),
        label: settings.label ?? defaultSourceLabel(accountId, settings.workgroup.name),
        tables: [...settings.tables],
        panels: settings.panels.map((p) => ({ ...p })),
        variables: settings.variables.map((v) => ({ ...v })),
        alerts: settings.alerts.map((a) => ({ ...a })),
        ...(dashboardFiles.length > 0 ? { dashboardFiles: dashboardFiles.map((f) => ({ ...f })) } : {}),
        teams: [...settings.teams],
    };
}

/**
 * Every panel and query variable that will query this source, its own dashboard's and the fleet
 * dashboard's row of it (`dashboard.panels`, `dashboard.variables`), reads only the tables the
 * source grants: anything else would fail in Grafana with Glue's access denied. Each is read with
 * the variables of the dashboard it is on. One line per query and table, naming the source stack
 * and the setting. A source without a `tables` output (an older release) is not checked.
 */
export function panelReadProblems(
    source: ChartedSourceView,
    fleetPanels: readonly PanelSpec[] | undefined,
    fleetVariables?: readonly VariableSettings[],
): string[] {
    const { outputs } = source;
    if (outputs.tables === undefined) return [];
    const grant = { catalog: outputs.catalog, database: outputs.database, tables: outputs.tables };
    const own = sourceDashboardPanels({
        workspaceSource: source.panels,
        sourceStack: outputs.panels,
        dashboard: fleetPanels,
    });
    const ownVariables = sourceDashboardVariables(outputs.variables, fleetVariables);
    const ownNames = variableNames(ownVariables);
    const fleetNames = variableNames(fleetVariables);
    const lines = new Set<string>();
    for (const [panels, setting, names] of [
        [own.panels, own.origin === "source stack panels" ? 'its output "panels"' : own.origin, ownNames],
        [fleetPanels, "dashboard.panels", fleetNames],
    ] as const) {
        for (const problem of panelGrantProblems(panels ?? [], grant, setting, names))
            lines.add(`source stack "${source.key}": ${problem}`);
    }
    // On the source's own dashboard its own variables win (shared/config/variables.ts): a value
    // pasted as written must be a value there, whoever wrote the panel.
    const unsafe = unsafeVariables(ownVariables);
    const ownSetting = own.origin === "source stack panels" ? 'its output "panels"' : own.origin;
    const ownQueries = [
        ...(own.panels ?? []).map((p) => ({
            what: `panel ${JSON.stringify(p.title)} of ${ownSetting}`,
            sql: p.sql,
        })),
        ...ownVariables.flatMap((v) =>
            v.type === "query" ? [{ what: `variable ${JSON.stringify(`$${v.name}`)}`, sql: v.sql }] : [],
        ),
    ];
    const lists = listVariables(ownVariables);
    for (const { what, sql } of unsafe.size === 0 && lists.size === 0 ? [] : ownQueries) {
        for (const use of unescapedVariableUses(sql, new Set(unsafe.keys()), lists))
            lines.add(
                `source stack "${source.key}": ${what} ${variableUseProblem(use, unsafe.get(use.name))}`,
            );
    }
    for (const [variables, setting, names] of [
        [outputs.variables ?? [], 'its output "variables"', ownNames],
        [fleetVariables ?? [], "dashboard.variables", fleetNames],
        [fleetVariables ?? [], "dashboard.variables", ownNames],
    ] as const) {
        for (const problem of variableGrantProblems(variables, grant, setting, names))
            lines.add(`source stack "${source.key}": ${problem}`);
    }
    return [...lines];
}

/**
 * The set of sources as a whole (shared/sources.ts: no account or role twice, no look-alike data
 * source names, no name that looks like one of the program's own titles in `folder`), no team
 * a source names that the workspace stack does not define, and no dashboard of a source's own file
 * whose title looks like another's of the folder (`workspaceFileTitles`: the titles of the
 * workspace's `dashboard.files`, where known).
 */
export function chartedSetProblems(
    sources: readonly ChartedSourceView[],
    teams: readonly string[],
    folder: string,
    workspaceFileTitles: readonly string[] = [],
): string[] {
    const named = sources.map((s) => ({
        stack: s.key,
        name: s.name ?? s.outputs.label,
        named: s.name !== undefined,
        outputs: s.outputs,
    }));
    return [
        ...sourceSetProblems(named, { folder, teams }),
        ...undefinedTeamProblems(
            teams,
            sources.map((s) => ({ key: s.key, teams: s.outputs.teams })),
        ),
        ...sourceFileTitleProblems(
            named.map((s) => ({ key: s.stack, name: s.name, outputs: s.outputs })),
            [FLEET_DASHBOARD_TITLE, HOME_DASHBOARD_TITLE],
            workspaceFileTitles,
            [teamFleetTitle("")],
        ),
    ];
}

/**
 * Why the workspace role's assume policy for these sources cannot be made (organisation mode and a
 * source role of another name; the explicit list past the inline quota), or undefined.
 */
export function assumePolicyProblem(
    roleArns: readonly string[],
    policyName: string,
    organization: OrganizationAssumeMode | undefined,
    partition: string,
): string | undefined {
    try {
        workspaceAssumePolicy(roleArns, policyName, organization, partition);
        return undefined;
    } catch (e) {
        if (e instanceof Refusal) return e.message.split("\n")[0];
        throw e;
    }
}

/**
 * A source's role trusts the Grafana account its stack names (`grafanaAccountId`, and the account
 * of `grafanaRoleArn`); a workspace in another account could never assume it, and would find out
 * only at the health check during `pulumi up`.
 */
export function grafanaAccountProblem(
    sourceKey: string,
    trusted: { grafanaAccountId: string; grafanaRoleArn: string },
    workspaceAccount: string,
): string | undefined {
    const roleAccount = accountOfArn(trusted.grafanaRoleArn);
    if (trusted.grafanaAccountId === workspaceAccount && roleAccount === workspaceAccount) return undefined;
    const named =
        roleAccount === trusted.grafanaAccountId
            ? `account ${trusted.grafanaAccountId}`
            : `account ${trusted.grafanaAccountId} (role of ${roleAccount})`;
    return (
        `source stack "${sourceKey}" trusts the Grafana ${named}, but this workspace ` +
        `stack is account ${workspaceAccount} (aws:allowedAccountIds): ` +
        `set grafanaAccountId and grafanaRoleArn of that source stack to this workspace's account and role`
    );
}

/**
 * The alert rules' problems (shared/grafana/alertPlan.ts): each alert's source, SQL and team, and
 * the quota, as the workspace program refuses them. Each with the workspace key it is reported on.
 */
export function alertRuleProblems(
    sources: readonly ChartedSourceView[],
    settings: {
        alerts: readonly WorkspaceAlert[];
        alertRuleQuota: number;
        teams: readonly { name: string }[];
    },
): AlertProblem[] {
    return planAlertRules({
        scope: "",
        alerts: settings.alerts,
        sources: sources.map((s) => ({
            key: s.key,
            dataSourceName: s.name ?? s.outputs.label,
            outputs: s.outputs,
        })),
        teams: settings.teams.map((t) => t.name),
        quota: settings.alertRuleQuota,
    }).problems;
}

/**
 * A workspace stack that creates its workspace makes its role (`createWorkspace.roleName`) in its
 * own account, a name known before any source is deployed: each source it charts must trust exactly
 * that role (`grafanaRoleArn`). Another role could never assume the source's role, which would show
 * only at the health check during `pulumi up`. Undefined when they agree.
 */
export function createdRoleProblem(
    sourceKey: string,
    trusted: { grafanaRoleArn: string },
    createdRoleArn: string,
): string | undefined {
    if (trusted.grafanaRoleArn === createdRoleArn) return undefined;
    return (
        `source stack "${sourceKey}" trusts the role ${trusted.grafanaRoleArn} ` +
        `(its grafanaRoleArn), but this workspace stack ` +
        `creates its workspace with the role ${createdRoleArn} (createWorkspace.roleName): ` +
        `set that source stack's grafanaRoleArn to it`
    );
}

/**
 * The workspace's dashboard file `content` (`dashboard.files[index]`) bound to one source's data
 * source (shared/grafana/dashboardFile.ts): its queries checked against the tables the source grants,
 * as the workspace program binds it. A Refusal names the key, the file and the source stack.
 */
export function bindWorkspaceFile(
    content: DashboardFileContent,
    index: number,
    source: { key: string; name?: string; outputs: PublicSourceOutputs },
    dataSourceUid: string,
    scope: string,
): ReturnType<typeof bindDashboardFile> {
    const o = source.outputs;
    try {
        return bindDashboardFile(
            content.json,
            {
                key: source.key,
                label: source.name ?? o.label,
                dataSourceUid,
                region: o.region,
                catalog: o.catalog,
                database: o.database,
                managedResults: resultsModeOf(o) === "managed",
                grant:
                    o.tables === undefined
                        ? undefined
                        : { catalog: o.catalog, database: o.database, tables: o.tables },
            },
            scope,
            content.file,
        );
    } catch (e) {
        if (e instanceof Refusal)
            throw new Refusal(
                `dashboard.files[${index}] (${content.file}) for source stack "${source.key}": ${e.message}`,
            );
        throw e;
    }
}

/**
 * Why the workspace's dashboard files cannot be bound to this source (`bindWorkspaceFile`), one
 * problem per file, keyed `dashboard.files[i]`; with `grafanaVersions` (the created workspace's, or
 * every supported one when only the cloud knows it: schemaProblem), also Grafana's schema of them.
 */
export function workspaceFileProblems(
    source: ChartedSourceView,
    contents: readonly DashboardFileContent[],
    scope: string,
    grafanaVersions: readonly string[] = [],
): { key: string; message: string }[] {
    return contents.flatMap((content, i) => {
        const key = `dashboard.files[${i}]`;
        const keyed = (message: string) => [
            { key, message: message.startsWith(`${key} `) ? message.slice(key.length + 1) : message },
        ];
        try {
            const built = bindWorkspaceFile(content, i, source, "fleet-check", scope);
            const where = `${key} (${content.file}) for source stack "${source.key}"`;
            const schema =
                grafanaVersions.length > 0 ? schemaProblem(built.json, grafanaVersions, where) : undefined;
            return schema === undefined ? [] : keyed(schema);
        } catch (e) {
            if (!(e instanceof Refusal)) throw e;
            return keyed(e.message.split("\n").join("; "));
        }
    });
}

/**
 * Why the workspace would refuse this source's own dashboard files (its `dashboardFiles` output):
 * bound as the program binds them (shared/sourceDashboardFiles.ts) and checked against Grafana's
 * schema of `grafanaVersions` (schemaProblem). One line per problem.
 */
export function sourceFileProblems(
    source: ChartedSourceView,
    scope: string,
    grafanaVersions: readonly string[],
): string[] {
    const o = source.outputs;
    try {
        const bound = bindSourceDashboardFiles(
            { key: source.key, name: source.name ?? o.label, outputs: o },
            "fleet-check",
            scope,
            resultsModeOf(o) === "managed",
        );
        return bound.flatMap((b, i) => {
            const where = `source stack "${source.key}": output "dashboardFiles[${i}]" (${b.file})`;
            const problem = schemaProblem(b.json, grafanaVersions, where);
            return problem === undefined ? [] : [problem];
        });
    } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        return e.message.split("\n");
    }
}
