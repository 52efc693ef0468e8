/**
 * Grafana 10.4 dashboards for Athena sources, built with the Grafana Foundation SDK's typed
 * builders. Pure functions: no Pulumi, no I/O, same input → byte-identical JSON.
 *
 * "Readable at scale": one dashboard per source (uid derived from the source stack name, so it
 * survives reordering and renaming of labels) plus one home dashboard that links them all.
 */
import * as athena from "@grafana/grafana-foundation-sdk/athena";
import * as barchart from "@grafana/grafana-foundation-sdk/barchart";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as text from "@grafana/grafana-foundation-sdk/text";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { Refusal } from "../refusal";
import { ATHENA_PLUGIN_ID } from "./dataSource";
import {
    fleetDashboardUid,
    homeDashboardUid,
    isGrafanaUid,
    sourceDashboardUid,
    teamFleetDashboardUid,
} from "./uids";
import { byCodeUnits } from "../order";

/** Dashboard JSON model version of Grafana 10.4. */
export const SCHEMA_VERSION = 39;

/** Athena's limit for query result reuse (`ResultReuseByAgeConfiguration.MaxAgeInMinutes`). */
export const RESULT_REUSE_MIN_MINUTES = 1;
export const RESULT_REUSE_MAX_MINUTES = 10080;

/** Grafana's dashboard grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
/** Source dashboard panels: three per row, fixed height. */
export const PANEL_WIDTH = 8;
export const PANEL_HEIGHT = 8;

export const SOURCE_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena"];
export const HOME_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena-home"];
export const HOME_DASHBOARD_TITLE = "Athena sources";

export const FLEET_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena-fleet"];
export const FLEET_DASHBOARD_TITLE = "Athena fleet";
/** The fleet dashboard's data source variable: one row per selected source. */
export const FLEET_VARIABLE = "source";

export type PanelType = "barchart" | "gauge" | "stat" | "timeseries" | "table";
export const PANEL_TYPES: readonly PanelType[] = ["barchart", "gauge", "stat", "timeseries", "table"];

/** What a panel's query returns: Athena's result as a table, or as time series (a time column and values). */
export type QueryFormat = "table" | "timeSeries";
export const QUERY_FORMATS: readonly QueryFormat[] = ["table", "timeSeries"];

export interface PanelSpec {
    type: PanelType;
    title: string;
    /** Athena SQL; the plugin's macros (`$__timeFilter(col)`, `$__timeGroup(col, '1h')`, ...) pass through as written. */
    sql: string;
    /** Default: `timeSeries` for a timeseries panel, `table` for the others. */
    format?: QueryFormat;
}

/** The format a panel's query asks for: as given, else time series for a timeseries panel and table for the others. */
export function queryFormat(spec: Pick<PanelSpec, "type" | "format">): QueryFormat {
    return spec.format ?? (spec.type === "timeseries" ? "timeSeries" : "table");
}

/** Width of a panel in the 24-column grid: charts over time and tables get half a row, the others a third. */
export function panelWidth(type: PanelType): number {
    return type === "timeseries" || type === "table" ? 12 : PANEL_WIDTH;
}

export interface DashboardSource {
    /** stable key of the source (the source stack name "org/project/stack"), used for the dashboard uid */
    key: string;
    /** human name, e.g. "Sales (111122223333)" */
    label: string;
    dataSourceUid: string;
    region: string;
    catalog: string;
    database: string;
}

export interface DashboardOptions {
    /** Athena result reuse max age, 1..10080 minutes. */
    resultReuseMinutes: number;
    /** Panels to show instead of `defaultPanels(source)`. */
    panels?: readonly PanelSpec[];
    /** Which stack's home dashboard the source dashboard links back to (see `homeDashboardUid`). */
    scope?: string;
}

export interface BuiltDashboard {
    uid: string;
    title: string;
    json: Record<string, unknown>;
}

export interface GridCell {
    x: number;
    y: number;
    w: number;
    h: number;
}

// ---------------------------------------------------------------------------------------------
// Layout

/**
 * Grid cells for `count` panels of `width` × `height`, left to right, wrapping onto a new row
 * when the 24-column row is full. Cells never overlap.
 */
export function gridLayout(
    count: number,
    width: number = PANEL_WIDTH,
    height: number = PANEL_HEIGHT,
): GridCell[] {
    if (!Number.isInteger(count) || count < 0) {
        throw new Refusal(`panel count must be a non-negative integer, got ${count}`);
    }
    return flowLayout(
        Array.from({ length: count }, () => width),
        height,
    );
}

/** Grid cells for panels of the given widths, left to right, a panel that does not fit the row starting the next. */
export function flowLayout(widths: readonly number[], height: number = PANEL_HEIGHT): GridCell[] {
    if (!Number.isInteger(height) || height < 1) {
        throw new Refusal(`panel height must be a positive integer, got ${height}`);
    }
    const cells: GridCell[] = [];
    let x = 0;
    let y = 0;
    for (const width of widths) {
        if (!Number.isInteger(width) || width < 1 || width > GRID_COLUMNS) {
            throw new Refusal(`panel width must be an integer in 1..${GRID_COLUMNS}, got ${width}`);
        }
        if (x + width > GRID_COLUMNS) {
            x = 0;
            y += height;
        }
        cells.push({ x, y, w: width, h: height });
        x += width;
    }
    return cells;
}

// ---------------------------------------------------------------------------------------------
// SQL

/** An Athena (Trino) SQL string literal: single quotes doubled. */
export function sqlStringLiteral(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
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

// ---------------------------------------------------------------------------------------------
// Builders

/**
 * The SDK's DashboardBuilder starts from `schemaVersion: 36` and has no setter for it. Its
 * builders keep their state in the `protected internal` object, so a subclass is the SDK's own
 * extension point: this one stamps the Grafana 10.4 schema version.
 */
class Grafana104DashboardBuilder extends dashboard.DashboardBuilder {
    constructor(title: string) {
        super(title);
        this.internal.schemaVersion = SCHEMA_VERSION;
    }
}

/** A dashboard of this program: its uid, tags, and the settings every one of them shares. */
function athenaDashboard(
    title: string,
    uid: string,
    tags: readonly string[],
    description?: string,
): Grafana104DashboardBuilder {
    const builder = new Grafana104DashboardBuilder(title).uid(uid);
    if (description !== undefined) builder.description(description);
    return builder
        .tags([...tags])
        .editable()
        .timezone("browser")
        .time({ from: "now-7d", to: "now" });
}

/** A link from one of this program's dashboards to another. */
function dashboardLink(title: string, uid: string, tooltip: string): dashboard.DashboardLinkBuilder {
    return new dashboard.DashboardLinkBuilder(title)
        .type(dashboard.DashboardLinkType.Link)
        .url(`/d/${uid}`)
        .icon("dashboard")
        .tooltip(tooltip);
}

type PanelBuilder = cog.Builder<dashboard.Panel>;

/** Where a query runs: a source's region, catalog and database, or `__default` for the data source's own settings. */
type Connection = Pick<DashboardSource, "region" | "catalog" | "database">;

/** The data source's own settings: what a panel that serves every source (the fleet dashboard) asks for. */
const DATA_SOURCE_DEFAULTS: Connection = {
    region: athena.defaultKey,
    catalog: athena.defaultKey,
    database: athena.defaultKey,
};

function athenaTarget(
    connection: Connection,
    spec: PanelSpec,
    resultReuseMinutes: number,
    ref: dashboard.DataSourceRef,
) {
    // Every field of the Athena query model (format, rawSQL, connectionArgs with result reuse)
    // is covered by the SDK's typed athena builders; no generic escape hatch is needed.
    return new athena.DataqueryBuilder()
        .refId("A")
        .datasource(ref)
        .format(
            queryFormat(spec) === "timeSeries" ? athena.FormatOptions.TimeSeries : athena.FormatOptions.Table,
        )
        .rawSQL(spec.sql)
        .connectionArgs(
            new athena.ConnectionArgsBuilder()
                .region(connection.region)
                .catalog(connection.catalog)
                .database(connection.database)
                .resultReuseEnabled(true)
                .resultReuseMaxAgeInMinutes(resultReuseMinutes),
        );
}

function panelBuilder(spec: PanelSpec): PanelBuilder & {
    id(id: number): unknown;
    title(title: string): unknown;
    datasource(ref: dashboard.DataSourceRef): unknown;
    gridPos(pos: dashboard.GridPos): unknown;
    withTarget(target: cog.Builder<cog.Dataquery>): unknown;
} {
    switch (spec.type) {
        case "barchart":
            // Setting the orientation materialises the SDK's complete default options.
            return new barchart.PanelBuilder()
                .orientation(common.VizOrientation.Auto)
                .showValue(common.VisibilityMode.Auto);
        case "gauge":
            return new gauge.PanelBuilder()
                .min(0)
                .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
                .orientation(common.VizOrientation.Auto);
        case "stat":
            return new stat.PanelBuilder()
                .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
                .graphMode(common.BigValueGraphMode.None)
                .orientation(common.VizOrientation.Auto);
        case "timeseries":
            return new timeseries.PanelBuilder()
                .legend(
                    new common.VizLegendOptionsBuilder()
                        .showLegend(true)
                        .displayMode(common.LegendDisplayMode.List)
                        .placement(common.LegendPlacement.Bottom)
                        .calcs([]),
                )
                .tooltip(
                    new common.VizTooltipOptionsBuilder()
                        .mode(common.TooltipDisplayMode.Single)
                        .sort(common.SortOrder.None),
                );
        case "table":
            return new table.PanelBuilder().showHeader(true).cellHeight(common.TableCellHeight.Sm);
    }
}

/** Adds `specs` as panels: ids from `firstId`, laid out from the top left, each querying through `ref`. */
function addPanels(
    add: (panel: PanelBuilder) => void,
    specs: readonly PanelSpec[],
    connection: Connection,
    reuse: number,
    ref: dashboard.DataSourceRef,
    firstId: number,
    top = 0,
): void {
    const cells = flowLayout(specs.map((s) => panelWidth(s.type)));
    specs.forEach((spec, i) => {
        const panel = panelBuilder(spec);
        panel.id(firstId + i);
        panel.title(spec.title);
        panel.datasource({ ...ref });
        panel.gridPos({ ...cells[i], y: cells[i].y + top });
        panel.withTarget(athenaTarget(connection, spec, reuse, { ...ref }));
        add(panel);
    });
}

function finish(builder: cog.Builder<dashboard.Dashboard>, uid: string, title: string): BuiltDashboard {
    // Round trip through JSON: drops the SDK's marker methods (`_implementsDataqueryVariant`) and
    // detaches the result from the builder's internal state.
    const json = JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
    return { uid, title, json };
}

// ---------------------------------------------------------------------------------------------
// Validation

function nonEmpty(value: unknown): value is string {
    return typeof value === "string" && value.trim().length > 0;
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

function checkResultReuse(minutes: unknown): number {
    if (
        typeof minutes !== "number" ||
        !Number.isInteger(minutes) ||
        minutes < RESULT_REUSE_MIN_MINUTES ||
        minutes > RESULT_REUSE_MAX_MINUTES
    ) {
        throw new Refusal(
            `resultReuseMinutes must be a whole number of minutes in ${RESULT_REUSE_MIN_MINUTES}..${RESULT_REUSE_MAX_MINUTES} ` +
                `(Athena's result reuse limit), got ${JSON.stringify(minutes)}`,
        );
    }
    return minutes;
}

function checkPanels(panels: readonly PanelSpec[]): void {
    if (!Array.isArray(panels) || panels.length === 0) {
        throw new Refusal("panels must be a non-empty list (omit it to get the default panels)");
    }
    panels.forEach((panel, i) => {
        const where = `panel ${i + 1}${panel && nonEmpty(panel.title) ? ` ("${panel.title}")` : ""}`;
        if (panel === null || typeof panel !== "object") {
            throw new Refusal(`${where} must be an object`);
        }
        if (!PANEL_TYPES.includes(panel.type)) {
            throw new Refusal(
                `${where}: type must be one of ${PANEL_TYPES.join(", ")}, got ${JSON.stringify(panel.type)}`,
            );
        }
        if (!nonEmpty(panel.title)) {
            throw new Refusal(`${where}: title must not be empty`);
        }
        if (!nonEmpty(panel.sql)) {
            throw new Refusal(`${where}: sql must not be empty`);
        }
        if (panel.format !== undefined && !QUERY_FORMATS.includes(panel.format)) {
            throw new Refusal(
                `${where}: format must be one of ${QUERY_FORMATS.join(", ")}, got ${JSON.stringify(panel.format)}`,
            );
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Dashboards

/** One source's dashboard: its panels, each a table-format Athena query with result reuse on. */
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

    addPanels((p) => builder.withPanel(p), panels, source, reuse, ref, 1);
    return finish(builder, uid, title);
}

/** `value` as a JavaScript regular expression that matches exactly it (a `$` written so that Grafana's variable interpolation leaves it alone). */
function regexLiteral(value: string): string {
    return value.replace(/[.*+?^{}()|[\]\\/]/g, "\\$&").replace(/\$/g, "\\x24");
}

/**
 * Panels that work on every source without knowing its database: Athena answers
 * `information_schema` from the Glue Data Catalog, and Glue shows the role only the database it
 * was granted, so these count exactly what Grafana can read in that source.
 */
export function fleetDefaultPanels(): PanelSpec[] {
    const user = "table_schema <> 'information_schema'";
    return [
        {
            type: "barchart",
            title: "Columns per table (top 50)",
            sql: [
                "SELECT table_name, count(*) AS column_count",
                "FROM information_schema.columns",
                `WHERE ${user}`,
                "GROUP BY table_name",
                "ORDER BY column_count DESC, table_name",
                "LIMIT 50",
            ].join("\n"),
        },
        {
            type: "gauge",
            title: "Tables Grafana can read",
            sql: ["SELECT count(*) AS table_count", "FROM information_schema.tables", `WHERE ${user}`].join(
                "\n",
            ),
        },
        {
            type: "stat",
            title: "Columns",
            sql: ["SELECT count(*) AS column_count", "FROM information_schema.columns", `WHERE ${user}`].join(
                "\n",
            ),
        },
    ];
}

export interface FleetOptions {
    /** The names of this stack's data sources: the variable offers exactly these. */
    dataSourceNames: readonly string[];
    /** Athena result reuse max age, 1..10080 minutes. */
    resultReuseMinutes: number;
    /** The panels of each source's row; default `fleetDefaultPanels()`. */
    panels?: readonly PanelSpec[];
    /** The workspace stack (`project/stack`): names the dashboard's uid and its home link. */
    scope?: string;
    /**
     * The team whose fleet dashboard this is (`dataSourceNames` are then that team's sources, and may
     * be none: a team no source names yet gets a dashboard that offers no source). Default: the
     * stack's own fleet dashboard, every source.
     */
    team?: string;
}

/** The title of a team's fleet dashboard. */
export function teamFleetTitle(team: string): string {
    return `${FLEET_DASHBOARD_TITLE}: ${team}`;
}

/**
 * The whole fleet on one dashboard, Grafana's way: a data source variable over the Athena data
 * sources of this stack only (its regex matches their names exactly), multi-select with All, and a
 * row repeated for each selected source holding the panels, each query run with that data
 * source's own region, catalog and database.
 */
export function fleetDashboard(options: FleetOptions): BuiltDashboard {
    const team = options.team;
    if (team !== undefined && !nonEmpty(team))
        throw new Refusal("fleet dashboard: a team's name must not be empty");
    if (
        !Array.isArray(options.dataSourceNames) ||
        (team === undefined && options.dataSourceNames.length === 0) ||
        !options.dataSourceNames.every(nonEmpty)
    ) {
        throw new Refusal("fleet dashboard: give the names of this stack's data sources");
    }
    const reuse = checkResultReuse(options.resultReuseMinutes);
    const panels = options.panels ?? fleetDefaultPanels();
    checkPanels(panels);
    const uid =
        team === undefined
            ? fleetDashboardUid(options.scope)
            : teamFleetDashboardUid(options.scope ?? "fleet", team);
    const title = team === undefined ? FLEET_DASHBOARD_TITLE : teamFleetTitle(team);
    const names = [...new Set(options.dataSourceNames)].sort(byCodeUnits);
    const variable = new dashboard.DatasourceVariableBuilder(FLEET_VARIABLE)
        .label("Source")
        .type(ATHENA_PLUGIN_ID)
        // No names: a pattern that matches no name at all (`(?!)` never matches), not the empty one.
        .regex(names.length === 0 ? "/^(?!)$/" : `/^(?:${names.map(regexLiteral).join("|")})$/`)
        .multi(true)
        .includeAll(true)
        .current({ selected: true, text: ["All"], value: ["$__all"] });
    const description =
        team === undefined
            ? `Every Athena source of this workspace stack, one row each (${names.length})`
            : `The Athena sources team ${team} may query, one row each (${names.length})`;
    const builder = athenaDashboard(title, uid, FLEET_DASHBOARD_TAGS, description)
        .withVariable(variable)
        .link(
            dashboardLink(
                HOME_DASHBOARD_TITLE,
                homeDashboardUid(options.scope),
                "Each source's own dashboard",
            ),
        )
        .withRow(
            new dashboard.RowBuilder(`\${${FLEET_VARIABLE}:text}`)
                .id(1)
                .repeat(FLEET_VARIABLE)
                .collapsed(false),
        );
    const ref: dashboard.DataSourceRef = { type: ATHENA_PLUGIN_ID, uid: `\${${FLEET_VARIABLE}}` };
    addPanels((p) => builder.withPanel(p), panels, DATA_SOURCE_DEFAULTS, reuse, ref, 2, 1);
    return finish(builder, uid, title);
}

/** Escapes text for Markdown (CommonMark/GFM table cells): every ASCII punctuation mark that matters. */
function markdownText(value: string): string {
    return value.replace(/[\r\n\t]+/g, " ").replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, "\\$&");
}

/**
 * The entry point: one text panel with a Markdown table linking every source dashboard, sorted
 * by label (then uid). A single panel stays usable with hundreds of sources (it scrolls).
 *
 * With `teams` (a workspace whose access is per team) it links each team's fleet dashboard
 * instead, and names no source: every team may view it, and a list of sources would tell each
 * team the names of accounts it may not use. Grafana's search shows each user only the source
 * dashboards their teams may view.
 */
export function homeDashboard(
    sources: readonly { label: string; dashboardUid: string }[],
    options: { title?: string; scope?: string; teams?: readonly string[] } = {},
): BuiltDashboard {
    if (options.teams !== undefined) return teamsHomeDashboard(options.teams, options);
    if (!Array.isArray(sources)) {
        throw new Refusal("home dashboard sources must be a list");
    }
    const title = options.title === undefined ? HOME_DASHBOARD_TITLE : options.title;
    if (!nonEmpty(title)) {
        throw new Refusal("home dashboard title must not be empty");
    }
    const seen = new Set<string>();
    for (const s of sources) {
        if (!nonEmpty(s?.label)) {
            throw new Refusal(
                `home dashboard: every source needs a non-empty label (dashboard uid ${JSON.stringify(s?.dashboardUid)})`,
            );
        }
        if (!isGrafanaUid(s.dashboardUid)) {
            throw new Refusal(
                `home dashboard: source "${s.label}" has an invalid dashboard uid ${JSON.stringify(s.dashboardUid)}`,
            );
        }
        if (seen.has(s.dashboardUid)) {
            throw new Refusal(`home dashboard: dashboard uid "${s.dashboardUid}" is listed twice`);
        }
        seen.add(s.dashboardUid);
    }
    const sorted = [...sources].sort(
        (a, b) => byCodeUnits(a.label, b.label) || byCodeUnits(a.dashboardUid, b.dashboardUid),
    );

    const lines =
        sorted.length === 0
            ? ["No Athena sources are configured yet."]
            : [
                  `${sorted.length} Athena source${sorted.length === 1 ? "" : "s"}, one dashboard each ` +
                      `(search by tag \`${SOURCE_DASHBOARD_TAGS[1]}\` to filter).`,
                  "",
                  "| Source | Dashboard uid |",
                  "| --- | --- |",
                  ...sorted.map(
                      (s) => `| [${markdownText(s.label)}](/d/${s.dashboardUid}) | \`${s.dashboardUid}\` |`,
                  ),
              ];

    const uid = homeDashboardUid(options.scope);
    const panel = new text.PanelBuilder()
        .id(1)
        .title("Source dashboards")
        .mode(text.TextMode.Markdown)
        .content(lines.join("\n"))
        .gridPos({ x: 0, y: 0, w: GRID_COLUMNS, h: Math.min(Math.max(sorted.length + 4, 6), 40) });

    const builder = athenaDashboard(title, uid, HOME_DASHBOARD_TAGS)
        .link(
            dashboardLink(
                FLEET_DASHBOARD_TITLE,
                fleetDashboardUid(options.scope),
                "Every source on one dashboard",
            ),
        )
        .withPanel(panel);

    return finish(builder, uid, title);
}

function teamsHomeDashboard(
    teams: readonly string[],
    options: { title?: string; scope?: string },
): BuiltDashboard {
    const title = options.title === undefined ? HOME_DASHBOARD_TITLE : options.title;
    if (!nonEmpty(title)) throw new Refusal("home dashboard title must not be empty");
    if (!Array.isArray(teams) || teams.length === 0 || !teams.every(nonEmpty))
        throw new Refusal("home dashboard: give the names of the workspace's teams");
    const sorted = [...new Set(teams)].sort(byCodeUnits);
    const scope = options.scope ?? "fleet";
    const lines = [
        `Each team's Athena sources on one dashboard. A source's own dashboard: search by tag \`${SOURCE_DASHBOARD_TAGS[1]}\` ` +
            `(you see those of the sources your teams may query).`,
        "",
        "| Team | Dashboard |",
        "| --- | --- |",
        ...sorted.map(
            (t) =>
                `| ${markdownText(t)} | [${markdownText(teamFleetTitle(t))}](/d/${teamFleetDashboardUid(scope, t)}) |`,
        ),
    ];
    const uid = homeDashboardUid(options.scope);
    const panel = new text.PanelBuilder()
        .id(1)
        .title("Team dashboards")
        .mode(text.TextMode.Markdown)
        .content(lines.join("\n"))
        .gridPos({ x: 0, y: 0, w: GRID_COLUMNS, h: Math.min(Math.max(sorted.length + 4, 6), 40) });
    return finish(athenaDashboard(title, uid, HOME_DASHBOARD_TAGS).withPanel(panel), uid, title);
}
