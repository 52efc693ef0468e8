/** What the workspace component's steps hand each other. */
import type * as pulumi from "@pulumi/pulumi";
import type * as oss from "@pulumiverse/grafana/oss";
import type { Provider as GrafanaProvider } from "@pulumiverse/grafana/provider";
import type { PublicSourceOutputs } from "../../shared/contract";
import type { WorkspaceSource } from "./args";

/** A source whose contract has been checked (or will be, before anything uses it). */
export interface CheckedSource {
    source: WorkspaceSource;
    /** Secret, and kept apart from the other outputs so that only what holds it is secret. */
    externalId: pulumi.Output<string>;
    outputs: pulumi.Output<PublicSourceOutputs>;
}

/** What the Grafana provider needs, and when the token it uses expires. */
export interface GrafanaAccess {
    url: pulumi.Output<string>;
    token: pulumi.Output<string>;
    provider: GrafanaProvider;
    expiresAt: pulumi.Output<string | undefined>;
    /** The Grafana id of the program's own service account, when the stack mints its token. */
    serviceAccountId?: pulumi.Output<string>;
}

/** The workspace's teams in Grafana: the id of each, by name. */
export type TeamIds = pulumi.Output<Record<string, string>>;

export interface SourceDataSource {
    source: WorkspaceSource;
    uid: string;
    name: pulumi.Output<string>;
    outputs: pulumi.Output<PublicSourceOutputs>;
    dataSource: oss.DataSource;
}

/** A dashboard file's dashboard for one source (sourceDashboards.ts). */
export interface FileDashboard {
    source: WorkspaceSource;
    file: string;
    dashboard: oss.Dashboard;
}

export interface WorkspaceDashboards {
    home: oss.Dashboard;
    fleet: oss.Dashboard;
    dashboards: { source: WorkspaceSource; dashboard: oss.Dashboard }[];
    /** One per dashboard file per source (sourceDashboards.ts). */
    files: FileDashboard[];
    /** One per file of each source's own `dashboardFiles`, known once the sources' outputs are. */
    sourceFiles: pulumi.Output<FileDashboard[]>;
    folder: oss.Folder;
}
