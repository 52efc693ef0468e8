/**
 * From the alert settings (the workspace's `alerts`, each source's `alerts` output) to the rules a
 * workspace stack creates: one rule per alert and source (`source: "*"` is every charted source),
 * each with its team, and every problem, naming the key. The rules, as a reviewer can check them:
 * 1. an alert's source is one this workspace stack charts;
 * 2. its SQL (a sql alert's, and the query a freshness alert generates) reads only the tables the
 *    source grants, and uses no template variable (sqlTables.ts, sqlMacros.ts `alertVariableProblem`);
 * 3. on a workspace with teams, every rule belongs to one team that may query its source: the team
 *    the alert names, or else the source's one team; the rule lives in that team's folder (which only
 *    that team may view) and carries the label `team`, which routes it to that team's contact point;
 *    a source stack's alert may name only a team of that source's own `teams`;
 * 4. on a workspace without teams, no alert names a team: the rules live in the stack's folder;
 * 5. no two rules of one source share a name, and the stack plans at most `alertRuleQuota` rules.
 * Pure: no resources; the workspace component and `fleet check` call it.
 */
import type { SourceAlert, WorkspaceAlert } from "../config/alerts";
import { EVERY_SOURCE } from "../config/alerts";
import { nameKey, shortHash } from "../naming";
import { Refusal } from "../refusal";
import { alertVariableProblem } from "./sqlMacros";
import { TableGrant, ungrantedReads } from "./sqlTables";

/** A charted source, as its alerts need it. */
interface AlertSourceView {
    /** The source stack's fully qualified name. */
    key: string;
    /** Its data source's name in Grafana (unique in the stack: sources.ts). */
    dataSourceName: string;
    outputs: {
        catalog: string;
        database: string;
        tables?: readonly string[];
        teams: readonly string[];
        alerts?: readonly SourceAlert[];
    };
}

/** One rule to create. */
export interface PlannedRule {
    /** Grafana's uid of the rule: stable per stack, source, origin and name. */
    uid: string;
    /** `<alert name> (<data source name>)`: unique in its folder, as Grafana 10.4 requires. */
    title: string;
    /** The team whose folder holds it; undefined on a workspace without teams. */
    team?: string;
    sourceKey: string;
    /** Where the alert was given: `alerts[2]`, or `source stack "…": output "alerts"[0]`. */
    origin: string;
    alert: SourceAlert;
    /** The query Athena runs: the alert's SQL, or the freshness query. */
    sql: string;
}

/**
 * A problem, with the key of the workspace stack it is reported on (`alerts[2]`, `alertRuleQuota`,
 * or `sources` for a source stack's own alert, whose message names the source stack and output).
 */
export interface AlertProblem {
    key: string;
    message: string;
}

/**
 * A problem as the program reports it: one line, naming the key (`<prefix>alerts[2]: ...`; the
 * prefix `grafana-athena-workspace:`, or the root project's `grafana-athena:workspace.`).
 */
export function alertProblemLine(prefix: string, p: AlertProblem): string {
    return p.key === "sources" ? p.message : `${prefix}${p.key}: ${p.message}`;
}

/**
 * The query of a freshness alert: the age of the newest value of `column` in hours, NULL when the
 * table is empty. `to_unixtime` takes a timestamp with time zone; a timestamp or date is cast first
 * and read in the session's zone (UTC on Athena). Names are Glue names (lowercase, digits, `_`),
 * quoted all the same.
 */
function freshnessSql(table: string, column: string): string {
    return (
        `SELECT (to_unixtime(current_timestamp) - ` +
        `to_unixtime(CAST(max("${column}") AS timestamp))) / 3600e0 ` +
        `AS age_hours FROM "${table}"`
    );
}

/** The query an alert runs. */
function alertSql(alert: SourceAlert): string {
    return alert.kind === "sql" ? alert.sql : freshnessSql(alert.table, alert.column);
}

/** What an alert's query reads that `grant` does not cover, or a variable it uses, as phrases. */
export function alertSqlProblems(alert: SourceAlert, grant: TableGrant | undefined): string[] {
    return sqlProblems(alertSql(alert), grant);
}

/** The SQL problems of one query against one source's grant, as phrases. */
function sqlProblems(sql: string, grant: TableGrant | undefined): string[] {
    const variable = alertVariableProblem(sql);
    if (variable) return [variable];
    if (grant === undefined) return [];
    try {
        return ungrantedReads(sql, grant);
    } catch (e) {
        if (e instanceof Refusal) return [`its SQL ${e.message}, so the tables it reads cannot be checked`];
        throw e;
    }
}

/** The uid of a rule: `alert-` and 34 hex characters of the stack, source, origin and name. */
function alertRuleUid(scope: string, sourceKey: string, origin: "workspace" | "source", name: string) {
    return `alert-${shortHash(`${scope}\n${sourceKey}\n${origin}\n${name}`, 34)}`;
}

/**
 * What a workspace charts, for a message about an alert naming a source it does not. The root
 * project's one source is no stack of its own: `"*"` names it.
 */
function chartedList(sources: readonly { key: string }[]): string {
    const stacks = sources.filter((s) => s.key.split("/").length === 3);
    if (sources.length === 0) return "it charts no source";
    if (stacks.length === 0) return 'its one source is named "*"';
    const shown = stacks.slice(0, 3).map((s) => `"${s.key}"`);
    const more = stacks.length > 3 ? ` and ${stacks.length - 3} more` : "";
    return `it charts ${shown.join(", ")}${more}; "*" names every source it charts`;
}

/**
 * Every rule of the stack, and every problem. `teams` are the workspace's teams (none: Grafana's
 * defaults). Problems of one alert are reported once per source it is refused for.
 */
export function planAlertRules(input: {
    scope: string;
    alerts: readonly WorkspaceAlert[];
    sources: readonly AlertSourceView[];
    teams: readonly string[];
    quota: number;
}): { rules: PlannedRule[]; problems: AlertProblem[] } {
    const rules: PlannedRule[] = [];
    const problems: AlertProblem[] = [];
    const byKey = new Map(input.sources.map((s) => [s.key, s]));
    const withTeams = input.teams.length > 0;
    const add = (
        source: AlertSourceView,
        alert: SourceAlert,
        origin: string,
        from: "workspace" | "source",
        report: (sourceKey: string, message: string) => void,
    ) => {
        const grant =
            source.outputs.tables === undefined
                ? undefined
                : {
                      catalog: source.outputs.catalog,
                      database: source.outputs.database,
                      tables: source.outputs.tables,
                  };
        const sql = alertSql(alert);
        // A source of an older release exports no `tables`: its alerts' SQL could read anything
        // (the check has nothing to check against), and an alert runs unattended every 5 minutes.
        if (grant === undefined)
            report(
                source.key,
                "cannot be checked: the source stack exports no tables (an older release), so the " +
                    "tables its SQL reads are unknown; update the source stack",
            );
        else for (const p of sqlProblems(sql, grant)) report(source.key, p);
        const team = teamOf(alert, source, withTeams, from);
        if (typeof team === "object") return report(source.key, team.problem);
        rules.push({
            uid: alertRuleUid(input.scope, source.key, from, alert.name),
            title: `${alert.name} (${source.dataSourceName})`,
            team,
            sourceKey: source.key,
            origin,
            alert,
            sql,
        });
    };
    input.alerts.forEach((alert, i) => {
        // One line per problem, naming the sources it holds for (`"*"` may be thousands of them).
        const found = new Map<string, string[]>();
        const report = (sourceKey: string, phrase: string) =>
            found.set(phrase, [...(found.get(phrase) ?? []), sourceKey]);
        if (alert.source === EVERY_SOURCE) {
            for (const s of input.sources) add(s, alert, `alerts[${i}]`, "workspace", report);
        } else if (byKey.has(alert.source)) {
            add(byKey.get(alert.source)!, alert, `alerts[${i}]`, "workspace", report);
        } else {
            problems.push({
                key: `alerts[${i}]`,
                message:
                    `"${alert.name}" names the source stack "${alert.source}", ` +
                    `which this workspace stack does not chart (${chartedList(input.sources)})`,
            });
        }
        for (const [phrase, keys] of found)
            problems.push({ key: `alerts[${i}]`, message: `"${alert.name}" ${onSources(keys)} ${phrase}` });
    });
    for (const source of input.sources) {
        (source.outputs.alerts ?? []).forEach((alert, i) => {
            const origin = `source stack "${source.key}": output "alerts"[${i}]`;
            add(source, alert, origin, "source", (_, m) =>
                problems.push({ key: "sources", message: `${origin} "${alert.name}" ${m}` }),
            );
        });
    }
    problems.push(...duplicateProblems(rules));
    if (rules.length > input.quota)
        problems.push({
            key: "alertRuleQuota",
            message:
                `the stack plans ${rules.length} alert rules, more than ` +
                `alertRuleQuota ${input.quota} (Amazon Managed Grafana's ` +
                `quota of alert rules per workspace is 100 unless AWS raised it): remove ` +
                `alerts, or raise the quota and then alertRuleQuota`,
        });
    return { rules, problems: bounded(problems) };
}

/** `on source stack "a"`, or `on 3 source stacks ("a", "b", …)`. */
function onSources(keys: readonly string[]): string {
    if (keys.length === 1) return `on source stack "${keys[0]}"`;
    const shown = keys.slice(0, 3).map((k) => `"${k}"`);
    return `on ${keys.length} source stacks (${shown.join(", ")}${keys.length > 3 ? ", …" : ""})`;
}

/** How many problems a refusal lists: `source: "*"` over thousands of sources could make thousands. */
const MAX_LISTED_PROBLEMS = 20;

function bounded(problems: AlertProblem[]): AlertProblem[] {
    if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
    const rest = problems.length - MAX_LISTED_PROBLEMS;
    return [
        ...problems.slice(0, MAX_LISTED_PROBLEMS),
        { key: problems[MAX_LISTED_PROBLEMS].key, message: `and ${rest} more problems of alerts like these` },
    ];
}

/** The team of a rule, or why it has none. */
function teamOf(
    alert: SourceAlert,
    source: AlertSourceView,
    withTeams: boolean,
    from: "workspace" | "source",
): string | undefined | { problem: string } {
    const teams = source.outputs.teams;
    if (!withTeams) {
        return alert.team === undefined
            ? undefined
            : { problem: `names the team "${alert.team}", but the workspace stack defines no teams` };
    }
    if (alert.team !== undefined) {
        // Exactly as the grants name it (the workspace refuses look-alike team names).
        if (teams.includes(alert.team)) return alert.team;
        return {
            problem:
                `names the team "${alert.team}", which may not query the source ` +
                `(its teams: ${teams.join(", ") || "none"})` +
                (from === "source" ? "" : ": an alert's team sees its data"),
        };
    }
    if (teams.length === 1) return teams[0];
    return {
        problem:
            teams.length === 0
                ? "has no team: no team may query the source (its stack's teams), " +
                  "so no team's folder may hold the alert"
                : `has no team, and the source has several (${teams.join(", ")}): name the alert's team`,
    };
}

/**
 * No two rules of one source share a name (a workspace alert and the source's own, say), and no
 * two rules of one folder a title: Grafana refuses a rule group whose title another rule of the
 * folder has ("rule title under the same organisation and folder should be unique",
 * `ErrAlertRuleUniqueConstraintViolation`), which would fail the whole `pulumi up`. Titles are
 * `<name> (<data source>)`, so rules of two sources can share one when a name or a label holds
 * ` (`: `errors (5xx)` on `Sales` and `errors` on a source labelled `5xx) (Sales`. Compared as
 * names are (a database may compare titles without case).
 */
function duplicateProblems(rules: readonly PlannedRule[]): AlertProblem[] {
    const seen = new Map<string, PlannedRule>();
    const titles = new Map<string, PlannedRule>();
    const problems: AlertProblem[] = [];
    for (const rule of rules) {
        const k = `${rule.sourceKey}\n${nameKey(rule.alert.name)}`;
        const first = seen.get(k);
        if (first === undefined) {
            seen.set(k, rule);
            const t = `${rule.team ?? ""}\n${nameKey(rule.title)}`;
            const same = titles.get(t);
            if (same === undefined) titles.set(t, rule);
            else problems.push(titleProblem(rule, same));
            continue;
        }
        // Reported on the workspace's alert when one of the two is (a workspace stack can rename it).
        const workspaceSide = [rule, first].find((r) => r.origin.startsWith("alerts["));
        const other = workspaceSide === first ? rule : first;
        const message =
            `"${rule.alert.name}" on source stack "${rule.sourceKey}" has the name of ${other.origin} ` +
            `(names are compared ignoring case and look-alike characters): rename one`;
        problems.push(
            workspaceSide
                ? { key: workspaceSide.origin, message }
                : { key: "sources", message: `${rule.origin} ${message}` },
        );
    }
    return problems;
}

/** Two rules of one folder whose titles are one to Grafana, on the workspace's side when one is its. */
function titleProblem(rule: PlannedRule, first: PlannedRule): AlertProblem {
    const workspaceSide = [rule, first].find((r) => r.origin.startsWith("alerts["));
    const other = workspaceSide === first ? rule : first;
    const self = workspaceSide ?? rule;
    const message =
        `"${self.alert.name}" on source stack "${self.sourceKey}" makes the rule "${self.title}", ` +
        `the title of the rule of ${other.origin} on source stack "${other.sourceKey}" ` +
        `("${other.title}") in the same folder, which Grafana refuses (titles are compared ` +
        `ignoring case and look-alike characters): rename one`;
    return workspaceSide
        ? { key: workspaceSide.origin, message }
        : { key: "sources", message: `${self.origin} ${message}` };
}

/** The rules by the team whose folder holds them (`undefined`: the stack's own folder), in order. */
export function rulesByFolder(rules: readonly PlannedRule[]): Map<string | undefined, PlannedRule[]> {
    const out = new Map<string | undefined, PlannedRule[]>();
    for (const rule of rules) {
        const list = out.get(rule.team) ?? [];
        list.push(rule);
        out.set(rule.team, list);
    }
    return out;
}
