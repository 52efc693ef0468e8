/**
 * Source stacks for the workspace tests: the real `infra-account-b` program planned under the
 * mocks with different accounts, workgroups and labels, handed to `infra-account-a` as stack
 * references (their clear outputs), the way `pulumi up` would read them.
 */
import { DEFAULT_ROLE_NAME } from "../../shared/config/source";
import type { PolicyJson } from "../../shared/iam/policy";
import type { PlanResource, RunResult, StackRefOutputs } from "../../tools/plan/mock/runtime";
import { WORKSPACE_EXAMPLE } from "./examples";
import { SOURCE_DIR, Variant, WORKSPACE_DIR, byType, plan, raw, sourceRef } from "./program";

const WS = "grafana-athena-workspace";
/** Full config key of the workspace project. */
export const wsKey = (k: string) => `${WS}:${k}`;
const srcKey = (k: string) => `grafana-athena-source:${k}`;

export const GRAFANA_ACCOUNT = WORKSPACE_EXAMPLE.grafanaAccount;
export const WORKSPACE_ID = WORKSPACE_EXAMPLE.workspaceId;
export const SOURCE_ROLE_NAME = DEFAULT_ROLE_NAME;

export const DATA_SOURCE_TYPE = "grafana:oss/dataSource:DataSource";
export const DASHBOARD_TYPE = "grafana:oss/dashboard:Dashboard";
export const FOLDER_TYPE = "grafana:oss/folder:Folder";
export const ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
export const SERVICE_ACCOUNT_TYPE = "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount";
export const TOKEN_TYPE = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";
export const ROTATING_TYPE = "time:index/rotating:Rotating";
export const GRAFANA_PROVIDER_TYPE = "pulumi:providers:grafana";
export const HEALTH_TYPE = "pulumi-nodejs:dynamic:Resource";

/** One data account's source stack. */
interface SourceSpec {
    /** Fully qualified stack name the workspace lists. */
    stack: string;
    account: string;
    workgroup?: string;
    /** `label` config; undefined leaves it unset (the default label). */
    label?: string;
    roleName?: string;
    /**
     * `panels` config (the source's own panels); undefined leaves them unset, and the workspace's panels
     * apply.
     */
    panels?: readonly Record<string, unknown>[];
    /** `tables` config; undefined keeps the example's. */
    tables?: readonly string[];
    /** `teams` config: the workspace teams that may use the source. */
    teams?: string[];
    /** `variables` config: the source's own dashboard variables. */
    variables?: readonly Record<string, unknown>[];
    /** `alerts` config: the source's own alert rules. */
    alerts?: readonly Record<string, unknown>[];
    /** `results` config; undefined keeps the example's results bucket. */
    results?: Record<string, unknown>;
}

export interface PlannedSource {
    spec: SourceSpec;
    run: RunResult;
    ref: StackRefOutputs;
    /** The contract in clear (the source's raw outputs). */
    contract: Record<string, any>;
}

/** Plans `infra-account-b` for one data account. */
export async function planSource(spec: SourceSpec): Promise<PlannedSource> {
    const set: Record<string, unknown> = { "aws:allowedAccountIds": [spec.account] };
    if (spec.workgroup) set[srcKey("workgroup")] = { name: spec.workgroup };
    if (spec.label !== undefined) set[srcKey("label")] = spec.label;
    if (spec.roleName) set[srcKey("roleName")] = spec.roleName;
    if (spec.panels) set[srcKey("panels")] = spec.panels;
    if (spec.tables) set[srcKey("tables")] = spec.tables;
    if (spec.teams) set[srcKey("teams")] = spec.teams;
    if (spec.alerts) set[srcKey("alerts")] = spec.alerts;
    if (spec.variables) set[srcKey("variables")] = spec.variables;
    if (spec.results) set[srcKey("results")] = spec.results;
    const unset = [
        ...(spec.label === undefined ? [srcKey("label")] : []),
        ...(spec.panels === undefined ? [srcKey("panels")] : []),
    ];
    // The stack name seeds the mocked external ID: one per stack, as in real life.
    const run = await plan(SOURCE_DIR, { set, unset, stack: spec.stack.split("/")[2] });
    return { spec, run, ref: sourceRef(run), contract: run.rawOutputs as Record<string, any> };
}

interface WorkspaceVariant extends Omit<Variant, "stackRefs"> {
    /** Overrides `sources[].name`, by stack. */
    names?: Record<string, string>;
}

/** The stack references and `sources` config for a list of planned sources. */
function sourcesConfig(sources: readonly PlannedSource[], names: Record<string, string> = {}) {
    return {
        stackRefs: Object.fromEntries(sources.map((s) => [s.spec.stack, s.ref])),
        sources: sources.map((s) =>
            names[s.spec.stack]
                ? { stack: s.spec.stack, name: names[s.spec.stack] }
                : { stack: s.spec.stack },
        ),
    };
}

/** The workspace variant that reads `sources`. */
export function workspaceVariant(sources: readonly PlannedSource[], variant: WorkspaceVariant = {}): Variant {
    const { stackRefs, sources: list } = sourcesConfig(sources, variant.names);
    return { ...variant, set: { [wsKey("sources")]: list, ...(variant.set ?? {}) }, stackRefs };
}

/** Plans `infra-account-a` reading `sources`. */
export function planWorkspace(
    sources: readonly PlannedSource[],
    variant: WorkspaceVariant = {},
): Promise<RunResult> {
    return plan(WORKSPACE_DIR, workspaceVariant(sources, variant));
}

/** The parsed jsonData of a data source, from the clear inputs. */
export function jsonData(run: RunResult, ds: PlanResource): Record<string, unknown> {
    return JSON.parse(raw(run, ds.name).jsonDataEncoded as string);
}

/** The workspace role's assume policy, from the clear inputs. */
export function assumePolicy(run: RunResult): PolicyJson {
    const found = byType(run, ROLE_POLICY_TYPE);
    if (found.length !== 1) throw new Error(`expected one ${ROLE_POLICY_TYPE}, found ${found.length}`);
    return JSON.parse(raw(run, found[0].name).policy as string) as PolicyJson;
}

/** The parsed dashboard JSON, from the plan (not the clear inputs: reviewers read the plan). */
export function dashboardJson(d: PlanResource): Record<string, any> {
    if (typeof d.inputs.configJson !== "string")
        throw new Error(`${d.name}: configJson is not a string in the plan`);
    return JSON.parse(d.inputs.configJson);
}

const HOME_DASHBOARD_TAG = "grafana-athena-home";

export function isHome(d: PlanResource): boolean {
    return (dashboardJson(d).tags as string[]).includes(HOME_DASHBOARD_TAG);
}

export function isFleet(d: PlanResource): boolean {
    return (dashboardJson(d).tags as string[]).includes("grafana-athena-fleet");
}

/** The type token of the Athena plugin's installation. */
export const PLUGIN_TYPE = "pulumi-nodejs:dynamic/grafana-athena:AthenaPluginInstallation";
