/**
 * The whole fleet on one dashboard (the stack's, or one team's): a data source variable over the
 * stack's Athena data sources and a row repeated for each selected source. Pure: same input →
 * byte-identical JSON.
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { Refusal } from "../refusal";
import { byCodeUnits } from "../order";
import { athenaDashboard, BuiltDashboard, dashboardLink, finish } from "./dashboardBuilder";
import {
    FLEET_DASHBOARD_TAGS,
    FLEET_DASHBOARD_TITLE,
    HOME_DASHBOARD_TITLE,
    teamFleetTitle,
    FLEET_VARIABLE,
} from "./dashboardTitles";
import { ATHENA_PLUGIN_ID } from "./dataSource";
import { addPanels, checkResultReuse, DATA_SOURCE_DEFAULTS } from "./panelBuilder";
import { VariableSpec, addVariables } from "./variables";
import { checkPanels, nonEmpty, PanelSpec } from "./panelSpec";
import { fleetDashboardUid, homeDashboardUid, teamFleetDashboardUid } from "./uids";

/**
 * `value` as a JavaScript regular expression that matches exactly it (a `$` written so that
 * Grafana's variable interpolation leaves it alone).
 */
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

interface FleetOptions {
    /** The names of this stack's data sources: the variable offers exactly these. */
    dataSourceNames: readonly string[];
    /** Athena result reuse max age, 1..10080 minutes. */
    resultReuseMinutes: number;
    /**
     * A source it may show keeps Athena's managed query results: no panel asks for result reuse (a
     * panel's query is the same on every source's row). Default false.
     */
    managedResults?: boolean;
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
    /**
     * `dashboard.variables`, after the data source variable: a query variable runs on the first source
     * chosen.
     */
    variables?: readonly VariableSpec[];
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
    // Managed query results do not support result reuse: none on any row's queries then.
    const queryReuse = options.managedResults ? undefined : reuse;
    addVariables((v) => builder.withVariable(v), options.variables, {
        ref,
        ...DATA_SOURCE_DEFAULTS,
        resultReuseMinutes: queryReuse,
    });
    addPanels((p) => builder.withPanel(p), panels, DATA_SOURCE_DEFAULTS, queryReuse, ref, 2, 1);
    return finish(builder, uid, title);
}
