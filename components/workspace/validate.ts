/**
 * The workspace component's checks, before anything is created: the workspace's Grafana version
 * (and the role the sources trust), every source's contract, the set of sources as a whole, and
 * the tables every panel reads. Resources are declared in athenaWorkspace.ts and teams.ts.
 */
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as amg from "@pulumi/aws/grafana";
import * as pulumi from "@pulumi/pulumi";
import { PublicSourceOutputs, checkPublicSourceOutputs, externalIdState } from "../../shared/contract";
import { PanelSpec } from "../../shared/grafana/panelSpec";
import { sourceDashboardPanels } from "../../shared/grafana/panels";
import { grafanaVersionProblem } from "../../shared/grafana/version";
import { createdWorkspaceRoleArn } from "../../shared/grafana/workspaceResource";
import { Refusal } from "../../shared/refusal";
import { ResourceRefusal, refusing } from "../../shared/resourceRefusal";
import { chartedSetProblems, panelReadProblems } from "../../shared/chartRules";
import { DEFAULT_ALERT_RULE_QUOTA } from "../../shared/config/alerts";
import { WORKSPACE_NAMESPACE } from "../../shared/config/workspace";
import { PlannedRule, alertProblemLine, planAlertRules } from "../../shared/grafana/alertPlan";
import type { AthenaWorkspaceArgs, WorkspaceSource } from "./args";
import { ManagedWorkspace, WorkspaceFacts } from "./managedWorkspace";
import type { CheckedSource } from "./parts";

/**
 * The workspace, once it is known to run Grafana >= 10.4 and, when asked, the role the sources
 * trust: looked up by `workspaceId`, or created by this stack (`create`, managedWorkspace.ts, at a
 * version it supports, with a role of its own).
 */
export function guardWorkspace(
    parent: pulumi.ComponentResource,
    name: string,
    args: AthenaWorkspaceArgs,
    partition: pulumi.Output<string>,
): pulumi.Output<WorkspaceFacts> {
    if (args.createWorkspace) {
        const { roleName } = args.createWorkspace;
        const expected = args.expectedWorkspaceRoleArn;
        // The role's ARN follows from the account the stack deploys to: checked against the role the
        // sources trust before the role (and so the workspace) is declared with it.
        const account = pulumi
            .all([getCallerIdentityOutput({}, { parent }).accountId, partition])
            .apply(([accountId, p]) => {
                const created = createdWorkspaceRoleArn(p, accountId, roleName);
                if (expected !== undefined && created !== expected) {
                    throw new ResourceRefusal(
                        `the workspace this stack creates gets the role ${created} ` +
                            `(createWorkspace.roleName in account ${accountId}, where the stack deploys ` +
                            `it), but the source trusts ` +
                            `${expected}; deploy the workspace into the source's grafanaAccountId`,
                        parent,
                    );
                }
                return accountId;
            });
        const managed = new ManagedWorkspace(
            `${name}-managed`,
            {
                settings: args.createWorkspace,
                account,
                region: getRegionOutput({}, { parent }).region,
                partition,
                roleName,
            },
            { parent },
        );
        return managed.facts;
    }
    const workspaceId = args.workspaceId!;
    return amg.getWorkspaceOutput({ workspaceId }, { parent }).apply((w) => {
        const problem = grafanaVersionProblem(workspaceId, w.grafanaVersion);
        if (problem) throw new ResourceRefusal(problem, parent);
        if (args.expectedWorkspaceRoleArn && w.roleArn !== args.expectedWorkspaceRoleArn) {
            throw new ResourceRefusal(
                `workspace ${workspaceId} uses the role ${w.roleArn}, but the ` +
                    `source trusts ${args.expectedWorkspaceRoleArn}; ` +
                    `set grafanaRoleArn to the workspace's role`,
                parent,
            );
        }
        return { workspaceId, endpoint: w.endpoint, roleArn: w.roleArn, grafanaVersion: w.grafanaVersion };
    });
}

/**
 * Every source's contract, checked on its own (`checked`), and the set of sources as a whole
 * (`all`: no account or role twice, no look-alike names, no name that passes for the program's own). Each
 * source's resources use its own checked outputs: taken from `all`, every source's resources would depend on
 * every source's stack reference (N^2 dependencies). The set check still comes first: the assume policy
 * waits for it, and every data source, health check and dashboard waits for the assume policy.
 */
export function checkSources(
    parent: pulumi.ComponentResource,
    args: Pick<
        AthenaWorkspaceArgs,
        "sources" | "dashboard" | "teams" | "alerts" | "alertRuleQuota" | "dashboardFiles" | "configKeyPrefix"
    >,
    partition: pulumi.Output<string>,
    scope: string,
): {
    checked: CheckedSource[];
    all: pulumi.Output<PublicSourceOutputs[]>;
    alertRules: pulumi.Output<PlannedRule[]>;
} {
    const { sources, dashboard, teams } = args;
    const fleetPanels = dashboard.panels;
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
                    refusing(parent, () => {
                        // Without `secretNames` (a source component of this program) the secret is its own.
                        const outputs = checkPublicSourceOutputs(
                            source.key,
                            values as Record<string, unknown>,
                            s,
                            p,
                            names as string[] | undefined,
                        );
                        const allowed = source.allowedAccountIds;
                        if (allowed !== undefined && !allowed.includes(outputs.accountId)) {
                            throw new Refusal(
                                `source stack "${source.key}": output "accountId" is ` +
                                    `${outputs.accountId}, but its stack file allows only ` +
                                    `aws:allowedAccountIds ${allowed.join(", ")}: the stack ` +
                                    `does not deploy where its file says`,
                            );
                        }
                        const problems = panelReadProblems(
                            { ...source, outputs },
                            fleetPanels,
                            dashboard.variables,
                        );
                        if (problems.length > 0) throw new Refusal(problems.join("\n"));
                        return outputs;
                    }),
                ),
        };
    });
    const teamNames = (teams ?? []).map((t) => t.name);
    const prefix = args.configKeyPrefix ?? `${WORKSPACE_NAMESPACE}:`;
    const planned = pulumi.all(checked.map((c) => c.outputs)).apply((list) => {
        // The rules fleet check applies too (shared/chartRules.ts); a source may name only the workspace's
        // teams.
        const problems = chartedSetProblems(
            list.map((outputs, i) => ({ ...sources[i], outputs })),
            teamNames,
            dashboard.folder,
            (args.dashboardFiles ?? []).map((f) => String((f.json as { title?: unknown }).title)),
        );
        // The alert rules (shared/grafana/alertPlan.ts): refused with the rest, before anything is created.
        const alertPlan = planAlertRules({
            scope,
            alerts: args.alerts ?? [],
            sources: list.map((outputs, i) => ({
                key: sources[i].key,
                dataSourceName: sources[i].name ?? outputs.label,
                outputs,
            })),
            teams: teamNames,
            quota: args.alertRuleQuota ?? DEFAULT_ALERT_RULE_QUOTA,
        });
        problems.push(...alertPlan.problems.map((p) => alertProblemLine(prefix, p)));
        if (problems.length > 0) throw new ResourceRefusal(problems.join("\n"), parent);
        return { list, rules: alertPlan.rules };
    });
    return { checked, all: planned.apply((p) => p.list), alertRules: planned.apply((p) => p.rules) };
}

/**
 * The panels of a source's own dashboard (`sourceDashboardPanels`: the workspace's choice for it, the
 * source's own, the workspace-wide ones).
 */
export function panelsOf(
    source: WorkspaceSource,
    outputs: PublicSourceOutputs,
    fleetPanels: readonly PanelSpec[] | undefined,
) {
    return sourceDashboardPanels({
        workspaceSource: source.panels,
        sourceStack: outputs.panels,
        dashboard: fleetPanels,
    });
}
