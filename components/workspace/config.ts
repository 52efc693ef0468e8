import * as pulumi from "@pulumi/pulumi";
import {
    ConfigError,
    awsRegion,
    orRunError,
    readSettings,
    runtimeConfig,
    withSecretGrafanaAuth,
} from "../../shared/config/read";
import {
    WORKSPACE_KEY_KINDS,
    WORKSPACE_NAMESPACE,
    WorkspaceSettings,
    workspaceSettings,
} from "../../shared/config/workspace";
import {
    EXAMPLE_STACK,
    chartedSourceRefs,
    sharedWorkspaceProblems,
    workspaceSummary,
} from "../../shared/inventory";
import { createdRoleProblem, grafanaAccountProblem } from "../../shared/chartRules";
import { createdWorkspaceRoleArn } from "../../shared/grafana/workspaceResource";
import { partitionOf } from "../../shared/partition";
import type { ConfigProblem } from "../../shared/config/problems";
import { REPOSITORY, inventorySources, sourceTrusts, workspaceInventory } from "../../shared/stackFiles";
import { PROJECT_FOLDERS } from "../../shared/inventory";
import { DashboardFileContent, readDashboardFiles } from "../../shared/dashboardFiles";
import * as path from "path";

/**
 * Every key of the `grafana-athena-workspace` project, read and validated once, as the
 * component's options plus the source stacks to read: those listed in `sources`, or else every
 * source stack of the inventory, in this stack's organisation. Also refused here, before any
 * resource is declared: what Grafana would refuse because a sibling workspace stack on the same
 * workspace already has it (a folder title, a data source name). The example stack is outside the
 * inventory both ways: no stack counts it as a sibling (it is never deployed), and it is compared
 * with none, so a user's stack on the example's workspace ID does not refuse the example plan
 * (`npm run synth`). All problems are reported together, one line each.
 */
export function loadWorkspaceConfig(): WorkspaceSettings & { dashboardFiles: DashboardFileContent[] } {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(
            WORKSPACE_NAMESPACE,
            WORKSPACE_KEY_KINDS,
            workspaceSettings,
            typeof region === "string" ? [] : [region],
        );
        const org = pulumi.getOrganization();
        const sources = chartedSourceRefs(
            settings.sources,
            inventorySources(org),
            settings.organizationId !== undefined,
        );
        if (!Array.isArray(sources)) throw new ConfigError([sources]);
        const me = workspaceSummary(
            pulumi.getStack(),
            {
                [`${WORKSPACE_NAMESPACE}:workspaceId`]: settings.workspaceId,
                [`${WORKSPACE_NAMESPACE}:createWorkspace`]: settings.createWorkspace,
                [`${WORKSPACE_NAMESPACE}:dashboard`]: settings.dashboard,
                [`${WORKSPACE_NAMESPACE}:teams`]: settings.teams,
                [`${WORKSPACE_NAMESPACE}:sources`]: sources,
            },
            [],
        );
        // Relative to the stack file's folder: the project's, where every stack file of it is.
        const files = readDashboardFiles(
            path.join(REPOSITORY, PROJECT_FOLDERS.workspace),
            settings.dashboard.files ?? [],
            `${WORKSPACE_NAMESPACE}:dashboard.files`,
        );
        const problems = [
            ...files.problems,
            ...(pulumi.getStack() === EXAMPLE_STACK
                ? []
                : [
                      ...sharedWorkspaceProblems(me, workspaceInventory(org)),
                      ...trustProblems(sources, org, settings.createWorkspace?.roleName),
                  ]),
        ];
        if (problems.length > 0) throw new ConfigError(problems);
        return withSecretGrafanaAuth({ ...settings, sources, dashboardFiles: files.contents });
    });
}

/**
 * Each charted source whose stack file is in this checkout must trust this stack's account (its
 * one `aws:allowedAccountIds`): a role trusting another Grafana account could never be assumed,
 * and that would show only at the health check during `pulumi up`. When this stack creates its
 * workspace (`createdRole`, its role's name), each must trust that role exactly. Unpinned: not checked.
 */
function trustProblems(
    sources: readonly { stack: string }[],
    org: string,
    createdRole: string | undefined,
): ConfigProblem[] {
    let accounts: unknown;
    try {
        accounts = JSON.parse(runtimeConfig().all["aws:allowedAccountIds"] ?? "null");
    } catch {
        return [];
    }
    if (!Array.isArray(accounts) || accounts.length !== 1 || typeof accounts[0] !== "string") return [];
    const account = accounts[0];
    return [
        ...sourceTrusts(
            sources.map((s) => s.stack),
            org,
        ),
    ].flatMap(([stack, trust]) => {
        const message = grafanaAccountProblem(stack, trust, account);
        if (message !== undefined) return [{ key: `${WORKSPACE_NAMESPACE}:sources`, message }];
        const role =
            createdRole === undefined
                ? undefined
                : createdRoleProblem(
                      stack,
                      trust,
                      createdWorkspaceRoleArn(
                          partitionOf(runtimeConfig().all["aws:region"] ?? "") ?? "aws",
                          account,
                          createdRole,
                      ),
                  );
        return role === undefined ? [] : [{ key: `${WORKSPACE_NAMESPACE}:createWorkspace`, message: role }];
    });
}
