/**
 * grafana-athena-workspace: run in the Grafana account, after every source stack it lists.
 */
import { AthenaWorkspace, readSourceStack } from "./athenaWorkspace";
import { loadWorkspaceConfig } from "./config";

const config = loadWorkspaceConfig();

const workspace = new AthenaWorkspace("grafana-athena", {
    workspaceId: config.workspaceId,
    sources: config.sources.map((s) => ({ key: s.stack, name: s.name, outputs: readSourceStack(s.stack) })),
    tokenRotationDays: config.tokenRotationDays,
    grafana: config.grafanaUrl && config.grafanaAuth ? { url: config.grafanaUrl, auth: config.grafanaAuth } : undefined,
    dashboard: config.dashboard,
    verifyDataSources: config.verifyDataSources,
    organization:
        config.sourceRoleName && config.organizationId ? { sourceRoleName: config.sourceRoleName, organizationId: config.organizationId } : undefined,
});

export const dataSourceUids = workspace.dataSourceUids;
export const dataSourceNames = workspace.dataSourceNames;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
