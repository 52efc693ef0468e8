import * as pulumi from "@pulumi/pulumi";
import { awsRegion, orRunError, readSettings } from "../shared/config/read";
import { WORKSPACE_KEY_KINDS, WORKSPACE_NAMESPACE, WorkspaceSettings, workspaceSettings } from "../shared/config/workspace";

export interface WorkspaceStackConfig extends Omit<WorkspaceSettings, "grafanaAuth"> {
    /** `aws:region`: the workspace's region. */
    region: string;
    /** The Grafana token given in config, kept secret. */
    grafanaAuth?: pulumi.Output<string>;
}

/**
 * Every key of the `grafana-athena-workspace` project, read and validated once. All problems are
 * reported together, one line each, before any resource is declared.
 */
export function loadWorkspaceConfig(): WorkspaceStackConfig {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(WORKSPACE_NAMESPACE, WORKSPACE_KEY_KINDS, workspaceSettings, typeof region === "string" ? [] : [region]);
        const { grafanaAuth, ...rest } = settings;
        return { ...rest, region: region as string, grafanaAuth: grafanaAuth === undefined ? undefined : pulumi.secret(grafanaAuth) };
    });
}
