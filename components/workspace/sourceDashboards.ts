/**
 * Each source's dashboards: the generated one (its panels and variables), and one per dashboard
 * file (`dashboard.files`), bound to the source's data source, its queries checked against the
 * source's tables and the whole checked against Grafana's dashboard schema of the workspace's
 * version. Both are in the stack's folder and get the same View grants (teams.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import * as oss from "@pulumiverse/grafana/oss";
import { PublicSourceOutputs, resultsModeOf } from "../../shared/contract";
import { sourceDashboardVariables } from "../../shared/config/variables";
import type { DashboardFileContent } from "../../shared/dashboardFiles";
import { bindDashboardFile } from "../../shared/grafana/dashboardFile";
import { dashboardSchemaProblems, dashboardSchemaVersion } from "../../shared/grafana/dashboardSchema";
import { sourceDashboard } from "../../shared/grafana/sourceDashboard";
import { childName, shortHash } from "../../shared/naming";
import { Refusal } from "../../shared/refusal";
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
): FileDashboard[] {
    const files = args.dashboard.files ?? [];
    if (files.length > 0 && args.dashboardFiles === undefined)
        throw new Refusal(
            "dashboard.files: the workspace and root programs read the files from the stack file's folder; " +
                "the component package takes no files",
        );
    const contents = args.dashboardFiles ?? [];
    // A created workspace's version is known before it exists (a preview of it has no lookup).
    const version = args.createWorkspace?.grafanaVersion
        ? pulumi.output(args.createWorkspace.grafanaVersion)
        : workspace.apply((w) => w.grafanaVersion);
    return dataSources.flatMap(({ source, uid, outputs, dataSource }) =>
        contents.map((content: DashboardFileContent, i): FileDashboard => {
            const key = `dashboard.files[${i}]`;
            const dashboard = new oss.Dashboard(
                childName(`${name}-dashboard-file`, `${source.key}/${shortHash(content.file, 12)}`),
                {
                    configJson: pulumi.all([outputs, version]).apply(([o, v]) =>
                        refusing(parent, () => {
                            const where = `${key} (${content.file}) for source stack "${source.key}"`;
                            let built;
                            try {
                                built = bindDashboardFile(
                                    content.json,
                                    {
                                        key: source.key,
                                        label: source.name ?? o.label,
                                        dataSourceUid: uid,
                                        region: o.region,
                                        catalog: o.catalog,
                                        database: o.database,
                                        managedResults: resultsModeOf(o) === "managed",
                                        grant:
                                            o.tables === undefined
                                                ? undefined
                                                : {
                                                      catalog: o.catalog,
                                                      database: o.database,
                                                      tables: o.tables,
                                                  },
                                    },
                                    scope,
                                    content.file,
                                );
                            } catch (e) {
                                if (e instanceof Refusal) throw new Refusal(`${where}: ${e.message}`);
                                throw e;
                            }
                            const schema = dashboardSchemaVersion(v);
                            const problems = dashboardSchemaProblems(built.json, schema);
                            if (problems.length > 0)
                                throw new Refusal(
                                    `${where}: not a dashboard Grafana ${schema}'s schema ` +
                                        `accepts: ${problems.join("; ")}`,
                                );
                            return JSON.stringify(built.json);
                        }),
                    ),
                    folder: folder.uid,
                },
                { parent, provider, dependsOn: [dataSource] },
            );
            return { source, file: content.file, dashboard };
        }),
    );
}
