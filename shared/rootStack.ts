/**
 * A root stack file's config (`grafana-athena`: both halves in one stack), read and checked as the
 * root program reads it: its keys under the root's rules, and the dashboard files both halves name,
 * read from the stack file's folder. The program (components/rootConfig.ts) and `fleet check` both
 * call this one function. Pure but for reading the dashboard files.
 */
import { ConfigError, StackConfigView, readSettings } from "./config/read";
import {
    ROOT_KEY_KINDS,
    ROOT_NAMESPACE,
    ROOT_SECRET_FIELDS,
    RootSettings,
    rootSettings,
} from "./config/root";
import { DashboardFileContent, readDashboardFiles } from "./dashboardFiles";
import { SourceDashboardFile, readSourceDashboardFiles } from "./sourceDashboardFiles";

export type RootStackConfig = RootSettings & {
    source: { args: { dashboardFileContents: SourceDashboardFile[] } };
    workspace: { options: { dashboardFiles: DashboardFileContent[] } };
};

/** The root stack's settings from `view`, its files read from `folder`; a ConfigError lists every problem. */
export function readRootStackConfig(folder: string, view: StackConfigView): RootStackConfig {
    const settings = readSettings(ROOT_NAMESPACE, ROOT_KEY_KINDS, rootSettings, [], view, ROOT_SECRET_FIELDS);
    const files = readDashboardFiles(
        folder,
        settings.workspace.options.dashboard.files ?? [],
        `${ROOT_NAMESPACE}:workspace.dashboard.files`,
    );
    const source = settings.source.args;
    const sourceFiles = readSourceDashboardFiles(
        folder,
        source.dashboardFiles,
        `${ROOT_NAMESPACE}:source.dashboardFiles`,
        {
            grant: { catalog: source.catalog, database: source.database, tables: source.tables },
            region: source.region,
        },
    );
    if (files.problems.length > 0 || sourceFiles.problems.length > 0)
        throw new ConfigError([...sourceFiles.problems, ...files.problems]);
    return {
        ...settings,
        source: { ...settings.source, args: { ...source, dashboardFileContents: sourceFiles.files } },
        workspace: {
            ...settings.workspace,
            options: { ...settings.workspace.options, dashboardFiles: files.contents },
        },
    };
}
