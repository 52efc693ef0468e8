import { orRunError, readSettings, runtimeConfig, withSecretGrafanaAuth } from "../shared/config/read";
import {
    ROOT_KEY_KINDS,
    ROOT_NAMESPACE,
    ROOT_SECRET_FIELDS,
    RootSettings,
    rootSettings,
} from "../shared/config/root";

/**
 * The root project's two objects, `source` and `workspace`, read and validated once with the
 * same rules as the two projects and mapped to the components' arguments by the same functions;
 * problems name the full path (`grafana-athena:source.tables`).
 */
export function loadRootConfig(): RootSettings {
    return orRunError(() => {
        const settings = readSettings(
            ROOT_NAMESPACE,
            ROOT_KEY_KINDS,
            rootSettings,
            [],
            runtimeConfig(),
            ROOT_SECRET_FIELDS,
        );
        return {
            ...settings,
            workspace: { ...settings.workspace, options: withSecretGrafanaAuth(settings.workspace.options) },
        };
    });
}
