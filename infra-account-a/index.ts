/**
 * grafana-athena-workspace: run in the Grafana account, after every source stack it lists.
 */
import { AthenaWorkspace } from "../components/workspace/athenaWorkspace";
import { loadWorkspaceConfig } from "../components/workspace/config";
import { sourcesFromStacks } from "../components/workspace/sourceStacks";

const { sources, ...options } = loadWorkspaceConfig();

const workspace = new AthenaWorkspace("grafana-athena", { ...options, sources: sourcesFromStacks(sources) });

export const dataSourceUids = workspace.dataSourceUids;
export const dataSourceNames = workspace.dataSourceNames;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
export const teams = workspace.teams;
