/**
 * One dashboard per source: its uid derived from the source stack name, so it survives
 * reordering and renaming of labels; its panels each an Athena query on the source's own region,
 * catalog and database. Pure: no Pulumi, no I/O, same input → byte-identical JSON.
 */
import * as athena from "@grafana/grafana-foundation-sdk/athena";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { Refusal } from "../refusal";
import { athenaDashboard, BuiltDashboard, dashboardLink, finish } from "./dashboardBuilder";
import { HOME_DASHBOARD_TITLE, SOURCE_DASHBOARD_TAGS } from "./dashboardTitles";
import { ATHENA_PLUGIN_ID } from "./dataSource";
import { addPanels, checkResultReuse } from "./panelBuilder";
import { VariableSpec, addVariables } from "./variables";
import { checkPanels, nonEmpty, PanelSpec } from "./panelSpec";
import { homeDashboardUid, sourceDashboardUid } from "./uids";

export interface DashboardSource {
    /** stable key of the source (the source stack name "org/project/stack"), used for the dashboard uid */
    key: string;
    /** human name, e.g. "Sales (111122223333)" */
    label: string;
    dataSourceUid: string;
    region: string;
    catalog: string;
    database: string;
    /** The source's workgroup keeps Athena's managed query results: its panels ask for no result reuse. */
    managedResults?: boolean;
}

interface DashboardOptions {
    /** Athena result reuse max age, 1..10080 minutes. */
    resultReuseMinutes: number;
    /** Panels to show instead of `defaultPanels(source)`. */
    panels?: readonly PanelSpec[];
    /** Which stack's home dashboard the source dashboard links back to (see `homeDashboardUid`). */
    scope?: string;
    /** The dashboard's own variables (`sourceDashboardVariables`), which its panels may use. */
    variables?: readonly VariableSpec[];
}

/** An Athena (Trino) SQL string literal: single quotes doubled. */
function sqlStringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

function checkSource(source: DashboardSource): void {
    if (source === null || typeof source !== "object") {
        throw new Refusal("dashboard source must be an object");
    }
    const name = nonEmpty(source.key) ? `source "${source.key}"` : "source";
    const problems: string[] = [];
    for (const field of ["key", "label", "dataSourceUid", "region", "catalog", "database"] as const) {
        if (!nonEmpty(source[field])) {
            problems.push(`${field} must be a non-empty string`);
        }
    }
    if (problems.length > 0) {
        throw new Refusal(`${name}: ${problems.join("; ")}`);
    }
}

/**
 * Panels that work on any source without knowing its tables.
 *
 * They read only Athena's `information_schema`, which Athena answers from the Glue Data Catalog:
 * metadata-only queries, no S3 data is scanned (Athena still writes the few result rows to the
 * workgroup's output location, as for any query), and they need no column name the user never gave.
 * They also need no permission beyond what the cross-account role already has: Glue
 * GetDatabase/GetTables only return the tables the role was granted, so `information_schema`
 * filtered on the source's database shows exactly the tables Grafana can read.
 */
export function defaultPanels(source: DashboardSource): PanelSpec[] {
    checkSource(source);
    if (source.database === athena.defaultKey) {
        throw new Refusal(
            `source "${source.key}": the default panels filter information_schema on the database name, ` +
                `so database must be an explicit name, not "${athena.defaultKey}"`,
        );
    }
    const schema = sqlStringLiteral(source.database);
    return [
        {
            type: "barchart",
            title: "Columns per table (top 50)",
            sql: [
                "SELECT table_name, count(*) AS column_count",
                "FROM information_schema.columns",
                `WHERE table_schema = ${schema}`,
                "GROUP BY table_name",
                "ORDER BY column_count DESC, table_name",
                "LIMIT 50",
            ].join("\n"),
        },
        {
            type: "gauge",
            title: "Tables Grafana can read",
            sql: [
                "SELECT count(*) AS table_count",
                "FROM information_schema.tables",
                `WHERE table_schema = ${schema}`,
            ].join("\n"),
        },
        {
            type: "stat",
            title: "Columns",
            sql: [
                "SELECT count(*) AS column_count",
                "FROM information_schema.columns",
                `WHERE table_schema = ${schema}`,
            ].join("\n"),
        },
    ];
}

/**
 * One source's dashboard: its panels, each an Athena query with result reuse on (off with managed results).
 */
export function sourceDashboard(source: DashboardSource, options: DashboardOptions): BuiltDashboard {
    checkSource(source);
    if (options === null || typeof options !== "object") {
        throw new Refusal("dashboard options must be an object");
    }
    const reuse = checkResultReuse(options.resultReuseMinutes);
    const panels = options.panels === undefined ? defaultPanels(source) : options.panels;
    checkPanels(panels);

    const uid = sourceDashboardUid(options.scope, source.key);
    const title = source.label;
    const ref: dashboard.DataSourceRef = { type: ATHENA_PLUGIN_ID, uid: source.dataSourceUid };

    const builder = athenaDashboard(
        title,
        uid,
        SOURCE_DASHBOARD_TAGS,
        `Athena ${source.catalog}.${source.database} in ${source.region}`,
    ).link(
        dashboardLink(HOME_DASHBOARD_TITLE, homeDashboardUid(options.scope), "All Athena source dashboards"),
    );

    // Managed query results do not support result reuse: none on this source's queries then.
    const queryReuse = source.managedResults ? undefined : reuse;
    addVariables((v) => builder.withVariable(v), options.variables, {
        ref,
        region: source.region,
        catalog: source.catalog,
        database: source.database,
        resultReuseMinutes: queryReuse,
    });
    addPanels((p) => builder.withPanel(p), panels, source, queryReuse, ref, 1);
    return finish(builder, uid, title);
}
