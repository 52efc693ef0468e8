import {
    ConfigError,
    orRunError,
    readSettings,
    runtimeConfig,
    withSecretGrafanaAuth,
} from "../shared/config/read";
import { DashboardFileContent, readDashboardFiles } from "../shared/dashboardFiles";
import { SourceDashboardFile, readSourceDashboardFiles } from "../shared/sourceDashboardFiles";
import { REPOSITORY } from "../shared/stackFiles";
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
export function loadRootConfig(): RootSettings & {
    source: { args: { dashboardFileContents: SourceDashboardFile[] } };
    workspace: { options: { dashboardFiles: DashboardFileContent[] } };
} {
    return orRunError(() => {
        const settings = readSettings(
            ROOT_NAMESPACE,
            ROOT_KEY_KINDS,
            rootSettings,
            [],
            runtimeConfig(),
            ROOT_SECRET_FIELDS,
        );
        // Relative to the stack file's folder, the repository's root.
        const files = readDashboardFiles(
            REPOSITORY,
            settings.workspace.options.dashboard.files ?? [],
            `${ROOT_NAMESPACE}:workspace.dashboard.files`,
        );
        const source = settings.source.args;
        const sourceFiles = readSourceDashboardFiles(
            REPOSITORY,
            source.dashboardFiles,
            `${ROOT_NAMESPACE}:source.dashboardFiles`,
            {
                grant: { catalog: source.catalog, database: source.database, tables: source.tables },
                region: source.region,
            },
        );
        if (files.problems.length > 0 || sourceFiles.problems.length > 0)
            throw new ConfigError([...sourceFiles.problems, ...files.problems]);
        const options = { ...settings.workspace.options, dashboardFiles: files.contents };
        return {
            ...settings,
            source: { ...settings.source, args: { ...source, dashboardFileContents: sourceFiles.files } },
            workspace: { ...settings.workspace, options: withSecretGrafanaAuth(options) },
        };
    });
}
