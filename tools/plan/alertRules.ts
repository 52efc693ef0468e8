/**
 * The alert rules of an offline plan, per team, read back from the `alerting.RuleGroup` resources
 * the plan holds (not from the settings): the folder each rule lives in, the team label and where
 * the notification policy of the plan sends it, the data source it queries, its condition, and its
 * SQL. Pure: a plan in, lines out; the plan diff shows rules added and removed as lines of their own.
 */
import type { Plan, PlanResource } from "./format";
import { shortHash } from "../../shared/naming";
import { byCodeUnits } from "../../shared/order";
import { visibleControls } from "../ci/planDiff/text";
import { lineChanges } from "./lineChanges";

const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";
const FOLDER = "grafana:oss/folder:Folder";
const DATA_SOURCE = "grafana:oss/dataSource:DataSource";
const NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";

/** How much of a rule's SQL a line shows; the hash covers all of it, so any change shows. */
const SQL_SHOWN = 160;

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const parse = (text: unknown): Record<string, unknown> => {
    try {
        return obj(JSON.parse(str(text)));
    } catch {
        return {};
    }
};

/** Where the plan's notification policy sends alerts with these labels (its first matching route). */
function routeOf(policy: PlanResource | undefined, labels: Record<string, unknown>): string {
    if (policy === undefined) return "the organisation's notification policy (not this stack's)";
    for (const route of list(policy.inputs.policies).map(obj)) {
        const matchers = list(route.matchers).map(obj);
        if (
            matchers.length > 0 &&
            matchers.every((m) => str(m.match) === "=" && str(labels[str(m.label)]) === str(m.value))
        )
            return `contact point ${str(route.contactPoint)}`;
    }
    return `contact point ${str(policy.inputs.contactPoint)} (the default route)`;
}

/**
 * One line per rule: `team <team> · "<rule>" in folder "<folder>" on "<data source>": fires when
 * <condition> for <for> (no data: <state>, error: <state>) → <contact point>; SQL <hash> "<sql>"`.
 * The SQL as JSON text (control characters escaped) with the invisible ones JSON leaves as they are
 * (a right-to-left override, a zero-width space, U+2028) shown as `⟨U+XXXX⟩`: the reviewer reads
 * the SQL Athena runs, as for panels.
 */
export function alertRuleLines(plan: Plan | undefined): string[] {
    if (plan === undefined) return [];
    const folders = new Map(
        plan.resources.filter((r) => r.type === FOLDER).map((f) => [str(f.inputs.uid), f]),
    );
    const dataSources = new Map(
        plan.resources
            .filter((r) => r.type === DATA_SOURCE)
            .map((d) => [str(d.inputs.uid), str(d.inputs.name)]),
    );
    const policy = plan.resources.find((r) => r.type === NOTIFICATION_POLICY);
    const lines: string[] = [];
    for (const group of plan.resources.filter((r) => r.type === RULE_GROUP)) {
        const folder =
            str(folders.get(str(group.inputs.folderUid))?.inputs.title) || str(group.inputs.folderUid);
        for (const rule of list(group.inputs.rules).map(obj)) {
            const labels = obj(rule.labels);
            const datas = list(rule.datas).map(obj);
            const byRef = new Map(datas.map((d) => [str(d.refId), d]));
            const query = datas.find((d) => str(d.datasourceUid) !== "__expr__");
            const sql = str(parse(query?.model).rawSQL);
            const condition =
                str(parse(byRef.get(str(rule.condition))?.model).expression) || "(see the rule)";
            const team = labels.team === undefined ? "no team" : `team ${str(labels.team)}`;
            const shown = sql.length > SQL_SHOWN ? `${sql.slice(0, SQL_SHOWN)}…` : sql;
            const dataSourceName = dataSources.get(str(query?.datasourceUid)) ?? str(query?.datasourceUid);
            lines.push(
                `${team} · ${JSON.stringify(str(rule.name))} in folder ${JSON.stringify(folder)} on ` +
                    `${JSON.stringify(dataSourceName)}: ` +
                    `fires when ${condition} for ${str(rule.for) || "0s"} (no ` +
                    `data: ${str(rule.noDataState)}, error: ` +
                    `${str(rule.execErrState)}) → ${routeOf(policy, labels)}; SQL ` +
                    `${shortHash(sql, 8)} ${visibleControls(JSON.stringify(shown))}`,
            );
        }
    }
    return lines.sort(byCodeUnits);
}

/**
 * The rules the head plan adds (`+ ...`) and removes (`- ...`) against the base, sorted; a changed rule is
 * both.
 */
export function alertRuleChanges(base: Plan | undefined, head: Plan | undefined): string[] {
    return lineChanges(alertRuleLines(base), alertRuleLines(head));
}
