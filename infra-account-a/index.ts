/**
 * grafana-athena-workspace: run in the Grafana account, after every source stack it lists.
 */
import { AthenaWorkspace } from "./athenaWorkspace";
import { loadWorkspaceConfig } from "./config";
import { sourcesFromStacks } from "./sourceStacks";

const { sources, ...options } = loadWorkspaceConfig();

const workspace = new AthenaWorkspace("grafana-athena", { ...options, sources: sourcesFromStacks(sources) });

export const dataSourceUids = workspace.dataSourceUids;
export const dataSourceNames = workspace.dataSourceNames;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
export const teams = workspace.teams;
