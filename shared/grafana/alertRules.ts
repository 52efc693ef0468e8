/**
 * A planned alert rule (alertPlan.ts) as Grafana's provisioning API takes it, in the shape of the
 * Grafana provider's `alerting.RuleGroup` rules (@pulumiverse/grafana 2.40.0, which writes
 * `PUT /api/v1/provisioning/folder/{folderUid}/rule-groups/{group}`): three stages, the Athena
 * query (A), its last value per series (B, a reduce expression) and the condition (C, a math
 * expression that is non-zero when the alert fires). Pure: no resources.
 */
import * as athena from "@grafana/grafana-foundation-sdk/athena";
import { durationSeconds } from "../config/alerts";
import { ATHENA_PLUGIN_ID } from "./dataSource";
import type { PlannedRule } from "./alertPlan";

/**
 * Grafana's server-side expressions are a data source of their own, uid `__expr__` (grafana/grafana
 * `pkg/expr/service.go` `DatasourceUID`; `-100` is its older spelling, which the provider's docs show).
 */
export const EXPRESSION_UID = "__expr__";

/** The name of the one rule group in each folder. */
export const RULE_GROUP_NAME = "athena-alerts";

/** The time range of a sql alert's query when it gives no `range`: the last hour. */
const DEFAULT_RANGE_SECONDS = 3600;

/** Where the rule's query runs: the source's data source and connection. */
interface RuleConnection {
    dataSourceUid: string;
    region: string;
    catalog: string;
    database: string;
}

/** One rule, as `alerting.RuleGroup` takes it (`datas[].model` is JSON text). */
interface GrafanaRule {
    uid: string;
    name: string;
    condition: string;
    for: string;
    noDataState: string;
    execErrState: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    datas: {
        refId: string;
        datasourceUid: string;
        queryType: string;
        relativeTimeRange: { from: number; to: number };
        model: string;
    }[];
}

/** The math of the condition on the reduced value `$B`. `$B != $B` holds for NaN: no value (NULL). */
function condition(rule: PlannedRule): string {
    const a = rule.alert;
    if (a.kind === "freshness") return `$B > ${a.maxAgeHours} || $B != $B`;
    if (a.above !== undefined) return `$B > ${a.above}`;
    if (a.below !== undefined) return `$B < ${a.below}`;
    return "$B != $B";
}

/** What Grafana does when the query returns no rows: a freshness or noData alert fires. */
function noDataState(rule: PlannedRule): string {
    const a = rule.alert;
    if (a.noDataState !== undefined) return a.noDataState;
    return a.kind === "freshness" || a.noData === true ? "Alerting" : "NoData";
}

const expression = (refId: string, model: Record<string, unknown>) => ({
    refId,
    datasourceUid: EXPRESSION_UID,
    queryType: "",
    relativeTimeRange: { from: 0, to: 0 },
    model: JSON.stringify({ refId, datasource: { type: EXPRESSION_UID, uid: EXPRESSION_UID }, ...model }),
});

/**
 * The rule. The query reuses no result (a rule must see the table as it is now); its labels are the
 * alert's, and `teamLabel` set to its team, which the notification policy routes on.
 */
export function grafanaRule(rule: PlannedRule, connection: RuleConnection, teamLabel: string): GrafanaRule {
    const a = rule.alert;
    const format = a.kind === "sql" && a.format === "timeSeries" ? "timeSeries" : "table";
    const range =
        a.kind === "sql" && a.range !== undefined ? durationSeconds(a.range) : DEFAULT_RANGE_SECONDS;
    const query = new athena.DataqueryBuilder()
        .refId("A")
        .datasource({ type: ATHENA_PLUGIN_ID, uid: connection.dataSourceUid })
        .format(format === "timeSeries" ? athena.FormatOptions.TimeSeries : athena.FormatOptions.Table)
        .rawSQL(rule.sql)
        .connectionArgs(
            new athena.ConnectionArgsBuilder()
                .region(connection.region)
                .catalog(connection.catalog)
                .database(connection.database)
                .resultReuseEnabled(false),
        )
        .build();
    return {
        uid: rule.uid,
        name: rule.title,
        condition: "C",
        for: a.for ?? "0s",
        noDataState: noDataState(rule),
        execErrState: a.execErrState ?? "Error",
        labels: { ...(a.labels ?? {}), ...(rule.team === undefined ? {} : { [teamLabel]: rule.team }) },
        annotations: {
            summary:
                a.kind === "freshness"
                    ? `The newest ${a.column} of ${a.table} is more than ${a.maxAgeHours} hours old.`
                    : `${a.name}: ${condition(rule).replace(/\$B/g, "value")}`,
            source_stack: rule.sourceKey,
        },
        datas: [
            {
                refId: "A",
                datasourceUid: connection.dataSourceUid,
                queryType: "",
                relativeTimeRange: { from: a.kind === "freshness" ? 600 : range, to: 0 },
                // Exactly the Athena query model (its schema allows no other field); Grafana adds its
                // defaults for intervalMs and maxDataPoints (pkg/services/ngalert/models/alert_query.go).
                model: JSON.stringify(query),
            },
            // Last value per series; a table's numbers pass through. `dropNN` leaves NULLs out, so an
            // empty or all-NULL series is NaN, which the conditions above read as no value.
            expression("B", {
                type: "reduce",
                expression: "A",
                reducer: "last",
                settings: { mode: "dropNN" },
            }),
            expression("C", { type: "math", expression: condition(rule) }),
        ],
    };
}
