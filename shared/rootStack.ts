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
import type { ConfigProblem } from "./config/problems";
import { WORKSPACE_NAMESPACE } from "./config/workspace";
import { DashboardFileContent, readDashboardFiles } from "./dashboardFiles";
import { EXAMPLE_STACK, rootWorkspaceSummary, sharedWorkspaceProblems } from "./inventory";
import { workspaceInventory } from "./stackFiles";
import { SourceDashboardFile, readSourceDashboardFiles } from "./sourceDashboardFiles";

export type RootStackConfig = RootSettings & {
    source: { args: { dashboardFileContents: SourceDashboardFile[] } };
    workspace: { options: { dashboardFiles: DashboardFileContent[] } };
};

/**
 * What Grafana would refuse, or the stacks would undo, when root stack `stack` deploys into the
 * workspace of a workspace stack of the checkout (`folder` is the repository root): the sibling
 * rules of the workspace stacks (`sharedWorkspaceProblems`), each named by the root's key. The
 * comparison names no source stack of the root's, so the organisation plays no part. The example
 * is compared with none.
 */
function workspaceStackProblems(folder: string, view: StackConfigView, stack: string): ConfigProblem[] {
    if (stack === EXAMPLE_STACK) return [];
    const parsed = (k: string): unknown => {
        try {
            return JSON.parse(view.all[`${ROOT_NAMESPACE}:${k}`] ?? "null");
        } catch {
            return undefined;
        }
    };
    const me = rootWorkspaceSummary(stack, {
        [`${ROOT_NAMESPACE}:workspace`]: parsed("workspace"),
        [`${ROOT_NAMESPACE}:source`]: parsed("source"),
    });
    const rootKey = (key: string) => {
        const k = key.slice(`${WORKSPACE_NAMESPACE}:`.length);
        return `${ROOT_NAMESPACE}:workspace.${k === "sources" ? "sourceName" : k}`;
    };
    return sharedWorkspaceProblems(
        me,
        workspaceInventory("organization", folder).filter((w) => !w.root),
    ).map((p) => ({ ...p, key: rootKey(p.key) }));
}

/**
 * The root stack's settings from `view`, its files read from `folder`; a ConfigError lists every
 * problem. With `stack` (its name), also what it would clash with in a workspace stack on the same
 * workspace (`workspaceStackProblems`).
 */
export function readRootStackConfig(folder: string, view: StackConfigView, stack?: string): RootStackConfig {
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
    const shared = stack === undefined ? [] : workspaceStackProblems(folder, view, stack);
    if (files.problems.length > 0 || sourceFiles.problems.length > 0 || shared.length > 0)
        throw new ConfigError([...sourceFiles.problems, ...files.problems, ...shared]);
    return {
        ...settings,
        source: { ...settings.source, args: { ...source, dashboardFileContents: sourceFiles.files } },
        workspace: {
            ...settings.workspace,
            options: { ...settings.workspace.options, dashboardFiles: files.contents },
        },
    };
}
