import * as path from "path";
import { ConfigError, awsRegion, orRunError, readSettings } from "../../shared/config/read";
import { PROJECT_FOLDERS } from "../../shared/inventory";
import { SourceDashboardFile, readSourceDashboardFiles } from "../../shared/sourceDashboardFiles";
import { REPOSITORY } from "../../shared/stackFiles";
import {
    SOURCE_KEY_KINDS,
    SOURCE_NAMESPACE,
    SourceSettings,
    sourceSettingsFor,
} from "../../shared/config/source";

interface SourceStackConfig extends SourceSettings {
    /** `aws:region`: where the workgroup, bucket and Athena queries live. */
    region: string;
    /** The files of `dashboardFiles`, read and checked. */
    dashboardFileContents: SourceDashboardFile[];
}

/**
 * Every key of the `grafana-athena-source` project, read and validated once. All problems are
 * reported together, one line each, before any resource is declared.
 */
export function loadSourceConfig(): SourceStackConfig {
    return orRunError(() => {
        const region = awsRegion();
        const settings = readSettings(
            SOURCE_NAMESPACE,
            SOURCE_KEY_KINDS,
            sourceSettingsFor(typeof region === "string" ? region : undefined),
            typeof region === "string" ? [] : [region],
        );
        // Relative to the stack file's folder: the project's, where every stack file of it is.
        const files = readSourceDashboardFiles(
            path.join(REPOSITORY, PROJECT_FOLDERS.source),
            settings.dashboardFiles,
            `${SOURCE_NAMESPACE}:dashboardFiles`,
            {
                grant: { catalog: settings.catalog, database: settings.database, tables: settings.tables },
                region: region as string,
            },
        );
        if (files.problems.length > 0) throw new ConfigError(files.problems);
        return { ...settings, region: region as string, dashboardFileContents: files.files };
    });
}
