/** The workspace component's arguments: the data accounts it charts and the workspace's options. */
import type { SourceContractInputs } from "../../shared/contract";
import type { WorkspaceOptions } from "../../shared/config/workspace";
import type { DashboardFileContent } from "../../shared/dashboardFiles";
import type { PanelSpec } from "../../shared/grafana/panelSpec";

/** One data account as the workspace sees it. */
export interface WorkspaceSource {
    /** Stable key: the source stack's fully qualified name. Names the data source uid and children. */
    key: string;
    /** Data source name in Grafana. Default: the source's `label` output. */
    name?: string;
    /**
     * The panels of this source's dashboard, instead of the source stack's own (its `panels`
     * output) and `dashboard.panels` (`sourceDashboardPanels`).
     */
    panels?: readonly PanelSpec[];
    /** The accounts the source's stack file allows (inventory mode): its `accountId` output must be one. */
    allowedAccountIds?: readonly string[];
    /**
     * The source's contract outputs, one Input per name, unchecked (from a StackReference, or
     * straight from a source component). Kept apart so that only `externalId` is secret.
     */
    outputs: SourceContractInputs;
}

export interface AthenaWorkspaceArgs extends WorkspaceOptions {
    /** The data accounts; at least one. */
    sources: readonly WorkspaceSource[];
    /**
     * The workspace role the sources trust (their `grafanaRoleArn`), when the caller knows it: a
     * different role in the lookup is refused before anything is created, as every query would fail.
     */
    expectedWorkspaceRoleArn?: string;
    /**
     * What the keys its refusals name begin with: `grafana-athena-workspace:` (the default, the
     * workspace project's), or the root project's `grafana-athena:workspace.`.
     */
    configKeyPrefix?: string;
    /**
     * The files of `dashboard.files`, read by the program from the stack file's folder
     * (shared/dashboardFiles.ts).
     */
    dashboardFiles?: readonly DashboardFileContent[];
}
