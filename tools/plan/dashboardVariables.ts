/**
 * The variables of a plan's dashboards, read back from each dashboard's model (the generated ones
 * and the users' own files alike): a query variable's SQL runs on a data source when the dashboard
 * opens, and a data source variable decides which data sources a dashboard offers, so a reviewer
 * sees both. One line per variable: `"<dashboard>": $<name> (<type>) <what it offers>`. Pure: a plan
 * in, lines out; the plan diff shows them added and removed.
 */
import type { Plan } from "./format";
import { shortHash } from "../../shared/naming";
import { byCodeUnits } from "../../shared/order";
import { lineChanges } from "./lineChanges";

const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const DATA_SOURCE = "grafana:oss/dataSource:DataSource";
/** How much of a query variable's SQL a line shows; the hash covers all of it. */
const SQL_SHOWN = 160;

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const q = (v: unknown) => JSON.stringify(str(v));

function offers(v: Record<string, unknown>, dataSources: Map<string, string>): string {
    const type = str(v.type);
    if (type === "query") {
        const query = obj(v.query);
        const sql = str(query.rawSQL) || str(v.definition) || (typeof v.query === "string" ? v.query : "");
        const ds = str(obj(v.datasource).uid);
        const on = dataSources.get(ds) ?? ds;
        const shown = sql.length > SQL_SHOWN ? `${sql.slice(0, SQL_SHOWN)}…` : sql;
        return `on ${q(on)}: SQL ${shortHash(sql, 8)} ${q(shown)}`;
    }
    if (type === "datasource") return `data sources of ${q(v.query)} matching ${q(v.regex || "any name")}`;
    return `values ${q(typeof v.query === "string" ? v.query : JSON.stringify(v.query ?? ""))}`;
}

export function variableLines(plan: Plan | undefined): string[] {
    if (plan === undefined) return [];
    const dataSources = new Map(
        plan.resources
            .filter((r) => r.type === DATA_SOURCE)
            .map((d) => [str(d.inputs.uid), str(d.inputs.name)]),
    );
    const lines: string[] = [];
    for (const d of plan.resources.filter((r) => r.type === DASHBOARD)) {
        let model: Record<string, unknown>;
        try {
            model = obj(JSON.parse(str(d.inputs.configJson)));
        } catch {
            continue;
        }
        const list = obj(model.templating).list;
        for (const v of Array.isArray(list) ? list.map(obj) : [])
            lines.push(`${q(model.title)}: $${str(v.name)} (${str(v.type)}) ${offers(v, dataSources)}`);
    }
    return lines.sort(byCodeUnits);
}

export function variableChanges(base: Plan | undefined, head: Plan | undefined): string[] {
    return lineChanges(variableLines(base), variableLines(head));
}
