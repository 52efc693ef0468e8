import * as pulumi from "@pulumi/pulumi";
import { orRunError, runtimeConfig, withSecretGrafanaAuth } from "../shared/config/read";
import { RootStackConfig, readRootStackConfig } from "../shared/rootStack";
import { REPOSITORY } from "../shared/stackFiles";

/**
 * The root project's two objects, `source` and `workspace`, read and validated once with the
 * same rules as the two projects and mapped to the components' arguments by the same functions;
 * problems name the full path (`grafana-athena:source.tables`). The dashboard files are read
 * relative to the stack file's folder, the repository's root (shared/rootStack.ts, which fleet
 * check calls too).
 */
export function loadRootConfig(): RootStackConfig {
    return orRunError(() => {
        const settings = readRootStackConfig(REPOSITORY, runtimeConfig(), pulumi.getStack());
        return {
            ...settings,
            workspace: { ...settings.workspace, options: withSecretGrafanaAuth(settings.workspace.options) },
        };
    });
}
