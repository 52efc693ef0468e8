/**
 * The rules of `fleet check` that the programs apply beyond each file's keys: a source's access
 * policies, and a workspace stack's rules over the sources it charts (shared/chartRules.ts, the
 * functions the programs call), on the outputs each source stack file implies.
 */
import {
    ChartedSourceView,
    alertRuleProblems,
    assumePolicyProblem,
    chartedSetProblems,
    createdRoleProblem,
    grafanaAccountProblem,
    impliedSourceOutputs,
    panelReadProblems,
    sourceFileProblems,
    workspaceFileProblems,
} from "../../../shared/chartRules";
import { TESTED_GRAFANA_VERSIONS } from "../../../shared/grafana/version";
import type { DashboardFileContent } from "../../../shared/dashboardFiles";
import type { ConfigProblem } from "../../../shared/config/problems";
import { checkPublicSourceOutputs } from "../../../shared/contract";
import { createdWorkspaceRoleArn } from "../../../shared/grafana/workspaceResource";
import { SOURCE_NAMESPACE, SourceSettings, policyResults } from "../../../shared/config/source";
import { WORKSPACE_NAMESPACE, WorkspaceSettings, organizationMode } from "../../../shared/config/workspace";
import { SOURCE_PROJECT, WORKSPACE_PROJECT, chartedSourceRefs } from "../../../shared/inventory";
import { shortHash } from "../../../shared/naming";
import { partitionOf } from "../../../shared/partition";
import { ASSUME_POLICY_NAME } from "../../../shared/policies/workspaceRole";
import { PUBLISH_POLICY_NAME, publishPolicyProblem } from "../../../shared/policies/alertTopics";
import { snsTopics } from "../../../shared/config/contactPoints";
import { sourceAccessPolicies } from "../../../shared/policies/sourceRole";
import { Refusal } from "../../../shared/refusal";
import { ROOT_NAMESPACE } from "../../../shared/config/root";
import type { RootStackConfig } from "../../../shared/rootStack";
import type { SourceDashboardFile } from "../../../shared/sourceDashboardFiles";
import type { StackEntry } from "./fleetInventory";

/**
 * What the source program refuses beyond its keys: access policies that do not fit a role's
 * managed policies (shared/policies/sourceRole.ts, the function the program calls).
 */
export function sourcePolicyProblems(
    entry: StackEntry,
    settings: SourceSettings & { region: string },
    account: string | undefined,
): string[] {
    try {
        sourceAccessPolicies({
            policyName: `${settings.roleName}-Athena`,
            accountId: account ?? standInAccount(entry.stack),
            region: settings.region,
            catalog: settings.catalog,
            database: settings.database,
            workgroup: settings.workgroup.name,
            tables: settings.tables,
            dataLocations: settings.dataLocations,
            results: policyResults(settings.results),
            kmsKeyArns: settings.kmsKeyArns,
            catalogKmsKeyArn: settings.catalogKmsKeyArn,
            lakeFormation: settings.lakeFormation,
            partition: partitionOf(settings.region) ?? "aws",
        });
        return [];
    } catch (e) {
        if (e instanceof Refusal) return [`${SOURCE_NAMESPACE}:tables: ${e.message.split("\n")[0]}`];
        throw e;
    }
}

/**
 * A 12-digit stand-in for the account of a stack file that pins none (no single
 * `aws:allowedAccountIds`), its own for each stack: an account ID is always 12 digits, so every
 * size is as it will be, and two unpinned stacks are not taken for one account.
 */
function standInAccount(stack: string): string {
    return BigInt(`0x${shortHash(stack, 12)}`)
        .toString()
        .padStart(12, "0")
        .slice(-12);
}

interface WorkspaceReading {
    stack: string;
    settings: WorkspaceSettings;
    /** Its `dashboard.files`, as its program reads them. */
    files?: readonly DashboardFileContent[];
    region: string;
    account?: string;
}

type SourceReading = {
    settings: SourceSettings & { region: string };
    account?: string;
    /** Its `dashboardFiles`, read and checked as its program reads them. */
    dashboardFiles?: readonly SourceDashboardFile[];
};

/**
 * The rules the workspace program applies to the sources it charts (shared/chartRules.ts, the
 * functions the program calls), on the outputs each source stack file implies; and the Grafana
 * account each source trusts against this stack's (`grafanaAccountRefusal`, as fleet synth applies
 * it). A source whose file has problems of its own is left out: those are reported on its file.
 */
export function chartProblems(
    ws: WorkspaceReading,
    inventory: readonly string[],
    sourceOf: (stack: string) => SourceReading | undefined,
): ConfigProblem[] {
    const key = (k: string) => `${WORKSPACE_NAMESPACE}:${k}`;
    const refs = chartedSourceRefs(
        ws.settings.sources,
        inventory.map((stack) => ({ stack })),
        ws.settings.organizationId !== undefined,
    );
    if (!Array.isArray(refs)) return [refs];
    const problems: ConfigProblem[] = [];
    const views: ChartedSourceView[] = [];
    /** Sources charted but left out (refused on their own file, or by the contract). */
    const leftOut = new Set<string>();
    const scope = `${WORKSPACE_PROJECT}/${ws.stack}`;
    const versions = grafanaVersions(ws.settings.createWorkspace);
    for (const ref of refs) {
        const [, project, stack] = ref.stack.split("/");
        const source = project === SOURCE_PROJECT ? sourceOf(stack) : undefined;
        if (!source) {
            leftOut.add(ref.stack);
            continue;
        }
        const account = source.account ?? standInAccount(stack);
        const listed = ref as { name?: string; panels?: ChartedSourceView["panels"] };
        const view: ChartedSourceView = {
            key: ref.stack,
            name: listed.name,
            panels: listed.panels,
            outputs: impliedSourceOutputs(
                source.settings,
                source.settings.region,
                account,
                source.dashboardFiles,
            ),
        };
        const contract = contractProblem(view, ws.region);
        if (contract) {
            problems.push({ key: key("sources"), message: contract });
            leftOut.add(ref.stack);
            continue;
        }
        views.push(view);
        const { panels, variables } = ws.settings.dashboard;
        for (const p of panelReadProblems(view, panels, variables))
            problems.push({ key: key(panelReadKey(p)), message: p });
        // Grafana's schema of the files, once (the bound files differ per source only in names).
        const once = views.length === 1 ? versions : [];
        for (const p of workspaceFileProblems(view, ws.files ?? [], scope, once))
            problems.push({ key: key(p.key), message: p.message });
        for (const p of sourceFileProblems(view, scope, versions))
            problems.push({ key: key("sources"), message: p });
        const trust =
            ws.account === undefined
                ? undefined
                : grafanaAccountProblem(ref.stack, source.settings, ws.account);
        if (trust) problems.push({ key: key("sources"), message: trust });
        // A created workspace's role is known by name: each source must trust exactly it.
        const created = ws.settings.createWorkspace;
        const role =
            trust !== undefined || ws.account === undefined || created === undefined
                ? undefined
                : createdRoleProblem(
                      ref.stack,
                      source.settings,
                      createdWorkspaceRoleArn(partitionOf(ws.region) ?? "aws", ws.account, created.roleName),
                  );
        if (role) problems.push({ key: key("createWorkspace"), message: role });
    }
    for (const p of chartedSetProblems(
        views,
        (ws.settings.teams ?? []).map((t) => t.name),
        ws.settings.dashboard.folder,
        (ws.files ?? []).map((f) => String((f.json as { title?: unknown }).title)),
    ))
        problems.push({ key: key("sources"), message: p });
    // An alert on a source left out is judged once the source is: it is charted, not missing.
    const alerts = ws.settings.alerts.filter((a) => !leftOut.has(a.source));
    for (const p of alertRuleProblems(views, { ...ws.settings, alerts, teams: ws.settings.teams ?? [] }))
        problems.push({ key: key(p.key), message: p.message });
    const publish = publishPolicyProblem(
        snsTopics(ws.settings.contactPoints),
        `${PUBLISH_POLICY_NAME}-${shortHash(scope, 8)}`,
        partitionOf(ws.region),
    );
    if (publish) problems.push({ key: key("contactPoints"), message: publish });
    const policyName = `${ASSUME_POLICY_NAME}-${shortHash(scope, 8)}`;
    const policy =
        views.length === 0
            ? undefined
            : assumePolicyProblem(
                  views.map((v) => v.outputs.roleArn),
                  policyName,
                  organizationMode(ws.settings),
                  partitionOf(ws.region) ?? "aws",
              );
    if (policy)
        problems.push({
            key: key(ws.settings.organizationId !== undefined ? "sourceRoleName" : "sources"),
            message: policy,
        });
    return problems;
}

/** The workspace key a problem of `panelReadProblems` is reported on: the setting it names. */
function panelReadKey(problem: string): string {
    if (/ of dashboard\.panels /.test(problem)) return "dashboard.panels";
    if (/ of dashboard\.variables /.test(problem)) return "dashboard.variables";
    return "sources";
}

/**
 * The rules the root program applies beyond its keys, to its one source (as the workspace program
 * applies them to the sources it charts): the source's access policies, its panels, variables and
 * the workspace's dashboard files against its tables, its teams, names and the alert rules. Each
 * problem `<key>: <message>`, the key under the root's objects (`grafana-athena:workspace.alerts[0]`).
 */
export function rootProblems(stack: string, root: RootStackConfig): string[] {
    const source = root.source.args;
    const options = root.workspace.options;
    const account = root.source.access.accountId ?? standInAccount(stack);
    const key = `${ROOT_NAMESPACE}/${stack}`;
    const entry = { stack, name: key, project: SOURCE_PROJECT, folder: ".", file: "" } as const;
    const problems = sourcePolicyProblems(entry, source, account).map((p) =>
        p.replace(`${SOURCE_NAMESPACE}:`, `${ROOT_NAMESPACE}:source.`),
    );
    const view: ChartedSourceView = {
        key,
        name: root.workspace.sourceName,
        outputs: impliedSourceOutputs(source, source.region, account, source.dashboardFileContents),
    };
    const ws = (k: string) => `${ROOT_NAMESPACE}:workspace.${k}`;
    const contract = contractProblem(view, root.workspace.access.region);
    if (contract) return [...problems, `${ROOT_NAMESPACE}:source: ${contract}`];
    for (const p of panelReadProblems(view, options.dashboard.panels, options.dashboard.variables))
        problems.push(`${ws(panelReadKey(p))}: ${p}`);
    const versions = grafanaVersions(options.createWorkspace);
    for (const p of workspaceFileProblems(view, options.dashboardFiles, key, versions))
        problems.push(`${ws(p.key)}: ${p.message}`);
    for (const p of sourceFileProblems(view, key, versions)) problems.push(`${ROOT_NAMESPACE}:source: ${p}`);
    const teams = options.teams ?? [];
    for (const p of chartedSetProblems(
        [view],
        teams.map((t) => t.name),
        options.dashboard.folder,
        options.dashboardFiles.map((f) => String((f.json as { title?: unknown }).title)),
    ))
        problems.push(`${ROOT_NAMESPACE}:source: ${p}`);
    const publish = publishPolicyProblem(
        snsTopics(options.contactPoints),
        `${PUBLISH_POLICY_NAME}-${shortHash(key, 8)}`,
    );
    if (publish) problems.push(`${ws("contactPoints")}: ${publish}`);
    for (const p of alertRuleProblems([view], { ...options, teams }))
        problems.push(`${p.key === "sources" ? `${ROOT_NAMESPACE}:source` : ws(p.key)}: ${p.message}`);
    return problems;
}

/**
 * Why the workspace program would refuse the outputs a source stack file implies by the contract
 * (shared/contract.ts, the function the program checks every source's outputs with: its bounds,
 * such as the SQL one source may bring, and the partition), or undefined.
 */
function contractProblem(view: ChartedSourceView, workspaceRegion: string): string | undefined {
    try {
        checkPublicSourceOutputs(
            view.key,
            view.outputs as unknown as Record<string, unknown>,
            "valid",
            partitionOf(workspaceRegion) ?? "aws",
        );
        return undefined;
    } catch (e) {
        if (e instanceof Refusal) return e.message.split("\n").join("; ");
        throw e;
    }
}

/**
 * The Grafana versions a workspace's dashboards are checked for: the one it creates, or, when only
 * the cloud knows it, every version this program supports.
 */
function grafanaVersions(created: { grafanaVersion?: string } | undefined): readonly string[] {
    return created?.grafanaVersion !== undefined ? [created.grafanaVersion] : TESTED_GRAFANA_VERSIONS;
}
