/**
 * Each source's dashboards: the generated one (its panels and variables), one per dashboard file
 * of the workspace (`dashboard.files`) and one per file of the source's own (its `dashboardFiles`
 * output), each bound to the source's data source, its queries checked against the source's
 * tables and the whole checked against Grafana's dashboard schema of the workspace's version. All
 * are in the stack's folder and get the same View grants (teams.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as oss from "@pulumiverse/grafana/oss";
import { PublicSourceOutputs, resultsModeOf } from "../../shared/contract";
import { sourceDashboardVariables } from "../../shared/config/variables";
import type { DashboardFileContent } from "../../shared/dashboardFiles";
import { bindWorkspaceFile } from "../../shared/chartRules";
import { schemaCheckedJson } from "../../shared/grafana/dashboardSchema";
import { sourceDashboard } from "../../shared/grafana/sourceDashboard";
import { childName, shortHash } from "../../shared/naming";
import { Refusal } from "../../shared/refusal";
import { bindSourceDashboardFiles } from "../../shared/sourceDashboardFiles";
import { refusing } from "../../shared/resourceRefusal";
import type { AthenaWorkspaceArgs, WorkspaceSource } from "./args";
import type { WorkspaceFacts } from "./managedWorkspace";
import type { FileDashboard, SourceDataSource } from "./parts";
import { panelsOf } from "./validate";

/** The generated dashboard of one source, as Grafana's JSON text. */
export function sourceDashboardJson(
    source: WorkspaceSource,
    uid: string,
    o: PublicSourceOutputs,
    args: AthenaWorkspaceArgs,
    scope: string,
): string {
    const built = sourceDashboard(
        {
            key: source.key,
            label: source.name ?? o.label,
            dataSourceUid: uid,
            region: o.region,
            catalog: o.catalog,
            database: o.database,
            managedResults: resultsModeOf(o) === "managed",
        },
        {
            resultReuseMinutes: args.dashboard.resultReuseMinutes,
            panels: panelsOf(source, o, args.dashboard.panels).panels,
            variables: sourceDashboardVariables(o.variables, args.dashboard.variables),
            scope,
        },
    );
    return JSON.stringify(built.json);
}

/**
 * One dashboard per file per source. A file the program could not read was refused with the config;
 * here each is bound and checked when the source's outputs and the workspace's version are known,
 * and refused in one line naming the key, the file and the source stack.
 */
export function addFileDashboards(
    parent: pulumi.Resource,
    name: string,
    args: AthenaWorkspaceArgs,
    dataSources: readonly SourceDataSource[],
    workspace: pulumi.Output<WorkspaceFacts>,
    folder: oss.Folder,
    provider: pulumi.ProviderResource,
    scope: string,
): { files: FileDashboard[]; sourceFiles: pulumi.Output<FileDashboard[]> } {
    const paths = args.dashboard.files ?? [];
    if (paths.length > 0 && args.dashboardFiles === undefined)
        throw new Refusal(
            "dashboard.files: the workspace and root programs read the files from the stack file's folder; " +
                "the component package takes no files",
        );
    const contents = args.dashboardFiles ?? [];
    // A created workspace's version is known before it exists (a preview of it has no lookup).
    const version = args.createWorkspace?.grafanaVersion
        ? pulumi.output(args.createWorkspace.grafanaVersion)
        : workspace.apply((w) => w.grafanaVersion);
    const sourceFiles = addSourceFileDashboards(parent, name, dataSources, version, folder, provider, scope);
    const files = dataSources.flatMap(({ source, uid, outputs, dataSource }) =>
        contents.map((content: DashboardFileContent, i): FileDashboard => {
            const key = `dashboard.files[${i}]`;
            const dashboard = new oss.Dashboard(
                childName(`${name}-dashboard-file`, `${source.key}/${shortHash(content.file, 12)}`),
                {
                    configJson: pulumi.all([outputs, version]).apply(([o, v]) =>
                        refusing(parent, () => {
                            const where = `${key} (${content.file}) for source stack "${source.key}"`;
                            // The rule fleet check applies too (shared/chartRules.ts).
                            const built = bindWorkspaceFile(
                                content,
                                i,
                                { key: source.key, name: source.name, outputs: o },
                                uid,
                                scope,
                            );
                            return schemaCheckedJson(built.json, v, where);
                        }),
                    ),
                    folder: folder.uid,
                },
                { parent, provider, dependsOn: [dataSource] },
            );
            return { source, file: content.file, dashboard };
        }),
    );
    return { files, sourceFiles };
}

/**
 * One dashboard per file of each source's own (its `dashboardFiles` output), judged as the input of
 * another team (shared/sourceDashboardFiles.ts): bound to that source's data source only, checked
 * against that source's tables and the workspace's schema, under a uid of the program's. How many
 * files a source has is known once its outputs are, so they are declared then: in a preview and
 * in the offline plan that is before anything is created, as the outputs are read from its stack.
 */
function addSourceFileDashboards(
    parent: pulumi.Resource,
    name: string,
    dataSources: readonly SourceDataSource[],
    version: pulumi.Output<string>,
    folder: oss.Folder,
    provider: pulumi.ProviderResource,
    scope: string,
): pulumi.Output<FileDashboard[]> {
    const perSource = dataSources.map(({ source, uid, outputs, dataSource }) =>
        outputs.apply((o) => {
            const bound = refusing(parent, () =>
                bindSourceDashboardFiles(
                    { key: source.key, name: source.name ?? o.label, outputs: o },
                    uid,
                    scope,
                    resultsModeOf(o) === "managed",
                ),
            );
            return bound.map((b, i): FileDashboard => {
                const where = `source stack "${source.key}": output "dashboardFiles[${i}]" (${b.file})`;
                const dashboard = new oss.Dashboard(
                    childName(`${name}-dashboard-source-file`, `${source.key}/${shortHash(b.file, 12)}`),
                    {
                        configJson: version.apply((v) =>
                            refusing(parent, () => schemaCheckedJson(b.json, v, where)),
                        ),
                        folder: folder.uid,
                    },
                    { parent, provider, dependsOn: [dataSource] },
                );
                return { source, file: b.file, dashboard };
            });
        }),
    );
    return pulumi.all(perSource).apply((lists) => lists.flat());
}
