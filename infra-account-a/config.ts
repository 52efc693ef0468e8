import { awsRegion, orRunError, readSettings, withSecretGrafanaAuth } from "../shared/config/read";
import { WORKSPACE_KEY_KINDS, WORKSPACE_NAMESPACE, WorkspaceSettings, workspaceSettings } from "../shared/config/workspace";

/**
 * Every key of the `grafana-athena-workspace` project, read and validated once, as the
 * component's options plus the source stacks to read. All problems are reported together, one
 * line each, before any resource is declared.
 */
export function loadWorkspaceConfig(): WorkspaceSettings {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(WORKSPACE_NAMESPACE, WORKSPACE_KEY_KINDS, workspaceSettings, typeof region === "string" ? [] : [region]);
        return withSecretGrafanaAuth(settings);
    });
}
