/**
 * A dashboard's own variables (`dashboard.variables`, a source's `variables`) as Grafana's
 * dashboard model has them, built with the Foundation SDK's variable builders. Pure.
 *
 * A query variable of the Athena plugin keeps the plugin's own query model in `query` (the plugin's
 * variable support is a `CustomVariableSupport` over `AthenaQuery`, grafana/athena-datasource
 * src/variables.ts: `rawSQL`, `format`, `connectionArgs`), run through the dashboard's Athena data
 * source; its first column gives the values. A custom variable keeps its list as comma-separated
 * text (`query`) and, like an interval variable, its options and current value as Grafana saves them.
 */
import * as athena from "@grafana/grafana-foundation-sdk/athena";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { athenaConnectionArgs } from "./panelBuilder";

interface VariableBase {
    name: string;
    label?: string;
}

export type VariableSpec =
    | (VariableBase & { type: "query"; sql: string; multi?: boolean; includeAll?: boolean })
    | (VariableBase & { type: "custom"; values: readonly string[]; multi?: boolean; includeAll?: boolean })
    | (VariableBase & { type: "interval"; values: readonly string[] });

/**
 * Where a query variable's SQL runs: the data source, and the region, catalog and database of its queries.
 */
interface VariableConnection {
    ref: dashboard.DataSourceRef;
    region: string;
    catalog: string;
    database: string;
    /** Minutes of result reuse; undefined: none (Athena's managed query results). */
    resultReuseMinutes: number | undefined;
}

const option = (value: string, selected: boolean): dashboard.VariableOption => ({
    selected,
    text: value,
    value,
});

/** The first value chosen, as Grafana's own editor leaves a new variable. */
function listed(values: readonly string[]): {
    current: dashboard.VariableOption;
    options: dashboard.VariableOption[];
} {
    return { current: option(values[0], true), options: values.map((v, i) => option(v, i === 0)) };
}

function variableBuilder(
    spec: VariableSpec,
    connection: VariableConnection,
): cog.Builder<dashboard.VariableModel> {
    switch (spec.type) {
        case "query": {
            const query = new athena.DataqueryBuilder()
                .refId("A")
                .datasource({ ...connection.ref })
                .format(athena.FormatOptions.Table)
                .rawSQL(spec.sql)
                .connectionArgs(athenaConnectionArgs(connection, connection.resultReuseMinutes))
                .build();
            const builder = new dashboard.QueryVariableBuilder(spec.name)
                .datasource({ ...connection.ref })
                .query(JSON.parse(JSON.stringify(query)) as Record<string, unknown>)
                .refresh(dashboard.VariableRefresh.OnDashboardLoad)
                .sort(dashboard.VariableSort.AlphabeticalAsc)
                .multi(spec.multi ?? false)
                .includeAll(spec.includeAll ?? false);
            return spec.label === undefined ? builder : builder.label(spec.label);
        }
        case "custom": {
            const { current, options } = listed(spec.values);
            const builder = new dashboard.CustomVariableBuilder(spec.name)
                .values(spec.values.join(","))
                .current(current)
                .options(options)
                .multi(spec.multi ?? false)
                .includeAll(spec.includeAll ?? false);
            return spec.label === undefined ? builder : builder.label(spec.label);
        }
        case "interval": {
            const { current, options } = listed(spec.values);
            const builder = new dashboard.IntervalVariableBuilder(spec.name)
                .values(spec.values.join(","))
                .current(current)
                .options(options)
                .auto(false);
            return spec.label === undefined ? builder : builder.label(spec.label);
        }
    }
}

/** Adds `variables` to a dashboard, in the order given (Grafana shows them so, and refreshes them so). */
export function addVariables(
    add: (variable: cog.Builder<dashboard.VariableModel>) => void,
    variables: readonly VariableSpec[] | undefined,
    connection: VariableConnection,
): void {
    for (const spec of variables ?? []) add(variableBuilder(spec, connection));
}
