/**
 * Panel building: each panel type's visualisation with the SDK's typed builders, its Athena query
 * (region, catalog, database, result reuse), and its place on the grid. Pure.
 */
import * as athena from "@grafana/grafana-foundation-sdk/athena";
import * as barchart from "@grafana/grafana-foundation-sdk/barchart";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { Refusal } from "../refusal";
import { flowLayout, panelWidth } from "./layout";
import { PanelSpec, RESULT_REUSE_MAX_MINUTES, RESULT_REUSE_MIN_MINUTES, queryFormat } from "./panelSpec";
import { FieldDefaultsBuilder, applyFieldDisplay } from "./fieldConfig";

export function checkResultReuse(minutes: unknown): number {
    if (
        typeof minutes !== "number" ||
        !Number.isInteger(minutes) ||
        minutes < RESULT_REUSE_MIN_MINUTES ||
        minutes > RESULT_REUSE_MAX_MINUTES
    ) {
        throw new Refusal(
            "resultReuseMinutes must be a whole number of minutes in " +
                `${RESULT_REUSE_MIN_MINUTES}..${RESULT_REUSE_MAX_MINUTES} ` +
                `(Athena's result reuse limit), got ${JSON.stringify(minutes)}`,
        );
    }
    return minutes;
}

type PanelBuilder = cog.Builder<dashboard.Panel>;

/**
 * Where a query runs: a source's region, catalog and database, or `__default` for the data source's
 * own settings.
 */
interface Connection {
    region: string;
    catalog: string;
    database: string;
}

/** The data source's own settings: what a panel that serves every source (the fleet dashboard) asks for. */
export const DATA_SOURCE_DEFAULTS: Connection = {
    region: athena.defaultKey,
    catalog: athena.defaultKey,
    database: athena.defaultKey,
};

/**
 * Where a query runs, and its result reuse: `resultReuseMinutes` undefined means none (the SDK's
 * default connection arguments, `resultReuseEnabled: false`), for a workgroup with Athena's
 * managed query results, which do not support it (Athena user guide, "Managed query results");
 * the plugin passes the query's setting to StartQueryExecution (grafana/athena-datasource
 * pkg/athena/api/api.go). One definition for panels and query variables.
 */
export function athenaConnectionArgs(
    connection: Connection,
    resultReuseMinutes: number | undefined,
): athena.ConnectionArgsBuilder {
    const args = new athena.ConnectionArgsBuilder()
        .region(connection.region)
        .catalog(connection.catalog)
        .database(connection.database);
    return resultReuseMinutes === undefined
        ? args
        : args.resultReuseEnabled(true).resultReuseMaxAgeInMinutes(resultReuseMinutes);
}

function athenaTarget(
    connection: Connection,
    spec: PanelSpec,
    resultReuseMinutes: number | undefined,
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
        .connectionArgs(athenaConnectionArgs(connection, resultReuseMinutes));
}

function panelBuilder(spec: PanelSpec): PanelBuilder &
    FieldDefaultsBuilder & {
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
export function addPanels(
    add: (panel: PanelBuilder) => void,
    specs: readonly PanelSpec[],
    connection: Connection,
    /** Minutes of result reuse; undefined: none. */
    reuse: number | undefined,
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
        applyFieldDisplay(panel, spec);
        add(panel);
    });
}
