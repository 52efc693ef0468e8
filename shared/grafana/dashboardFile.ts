/**
 * A dashboard of the user's own (`dashboard.files`): the JSON Grafana writes with "Export for
 * sharing externally", bound to one source's Athena data source. Pure: the file is read by
 * shared/dashboardFiles.ts, the schema checked by dashboardSchema.ts.
 *
 * Such an export names its data source by an input (`__inputs: [{name: "DS_ATHENA", type:
 * "datasource", pluginId: "grafana-athena-datasource"}]`) that every reference writes as
 * `"${DS_ATHENA}"`; binding replaces each such value by the source's data source uid. What the file
 * may do is judged as another team's input, by every way it could reach another source's data:
 * - every `datasource` anywhere in it must be the bound one (or, in an annotation, Grafana's own
 *   annotations); a reference to any other uid, a name, `-- Mixed --`, an expression, a data
 *   source or ad hoc variable, or a library panel (whose queries live elsewhere) is refused, and
 *   so is a query without a data source (Grafana would run it on the organisation's default);
 * - every Athena query anywhere in it (`rawSQL`, the plugin's query field: grafana/athena-datasource
 *   src/types.ts `AthenaQuery`) goes through the SQL table check against the source's grant, with
 *   the file's own variables as values;
 * - a query's `connectionArgs` may name only the source's region, catalog and database (or leave
 *   them `__default`, the data source's own).
 */
import { Refusal } from "../refusal";
import { ATHENA_PLUGIN_ID } from "./dataSource";
import { SOURCE_DASHBOARD_TAGS } from "./dashboardTitles";
import { MAX_PANEL_SQL } from "../config/panels";
import { isPlainValue } from "../config/variables";
import { queryGrantProblems } from "./panels";
import { unescapedVariableUses, variableUseProblem } from "./variableUses";
import type { TableGrant } from "./sqlTables";
import { dashboardUid } from "./uids";

/** At most this many files in one list. */
export const MAX_DASHBOARD_FILES = 10;
/** The largest dashboard file read: an export of 100 panels is about 300 KB. */
export const MAX_DASHBOARD_FILE_BYTES = 1024 * 1024;
/**
 * The deepest nesting a dashboard's JSON may have (a row's panel's field override's property's value is 9).
 */
const MAX_DEPTH = 40;
/** Grafana's own annotation data source, which the export keeps as it is. */
const GRAFANA_ANNOTATIONS = { type: "grafana", uid: "-- Grafana --" };
/** How many problems of one file a refusal lists. */
const MAX_LISTED = 10;
const ANY_DEFAULT = "__default";

/** The source a file's dashboard is bound to. */
export interface FileBinding {
    key: string;
    label: string;
    dataSourceUid: string;
    region: string;
    catalog: string;
    database: string;
    /** The source's workgroup keeps Athena's managed query results, which reuse no result. */
    managedResults?: boolean;
    /** What the source's role may read; undefined for a source of an older release (no `tables` output). */
    grant?: TableGrant;
    /**
     * The file is the source stack's own (its `dashboardFiles` output), not the workspace's: its uid
     * is of another namespace, so that neither can take the other's dashboard by a path both name.
     */
    fromSource?: boolean;
}

/**
 * The uid of file `file`'s dashboard for source `sourceKey` in the workspace stack `scope`: the
 * program's, never the file's own `uid` (a file naming another dashboard's uid would be saved over it).
 */
function fileDashboardUid(scope: string, sourceKey: string, file: string, fromSource?: boolean): string {
    return dashboardUid(fromSource ? "athena-source-file" : "athena-file", `${scope}\n${sourceKey}\n${file}`);
}

/** The title of a file's dashboard for one source: the file's title and the source's name. */
export function fileDashboardTitle(title: string, sourceLabel: string): string {
    return `${title} (${sourceLabel})`;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> =>
    v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The names of the file's Athena data source inputs (`DS_...`). Refuses another kind of input: a
 * constant's value would be pasted where the check does not see it, and a data source of another
 * plugin cannot be bound to an Athena source.
 */
function athenaInputs(json: Record<string, unknown>): string[] {
    const inputs = json.__inputs;
    if (inputs === undefined) return [];
    if (!Array.isArray(inputs)) throw new Refusal("__inputs must be a list");
    return inputs.map((input, i) => {
        if (!isObject(input) || typeof input.name !== "string" || !/^[A-Za-z0-9_]{1,100}$/.test(input.name))
            throw new Refusal(
                `__inputs[${i}] must be {name, type, pluginId} with a name of letters, digits and _`,
            );
        if (input.type !== "datasource" || input.pluginId !== ATHENA_PLUGIN_ID)
            throw new Refusal(
                `__inputs[${i}] (${input.name}) is not the Athena data source (type ` +
                    `datasource, pluginId ${ATHENA_PLUGIN_ID}): ` +
                    `only the Athena data source is bound to each source`,
            );
        return input.name;
    });
}

/** `json` with every value `"${DS_...}"` of `inputs` replaced by `uid`; any other use of one refused. */
function substitute(value: Json, inputs: ReadonlySet<string>, uid: string, where: string, depth = 0): Json {
    if (depth > MAX_DEPTH) throw new Refusal(`nests deeper than ${MAX_DEPTH} levels`);
    if (typeof value === "string") {
        const whole = /^\$\{([A-Za-z0-9_]+)\}$/.exec(value);
        if (whole && inputs.has(whole[1])) return uid;
        for (const name of inputs)
            if (value.includes(`\${${name}}`) || value.includes(`$${name}`))
                throw new Refusal(
                    `${where} uses the input ${name} inside a text: only a ` +
                        `whole value "\${${name}}" is bound`,
                );
        return value;
    }
    if (Array.isArray(value))
        return value.map((v, i) => substitute(v, inputs, uid, `${where}[${i}]`, depth + 1));
    if (isObject(value)) {
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(value)) {
            // JSON.parse keeps "__proto__" as a key; assigned, it would become the object's prototype:
            // `{"__proto__": {"uid": ...}}` read as the bound data source by the checks, sent as `{}`
            // (Grafana's default data source).
            if (k === "__proto__")
                throw new Refusal(`${where} has the key __proto__, which is no Grafana field`);
            out[k] = substitute(v, inputs, uid, `${where}.${k}`, depth + 1);
        }
        return out;
    }
    return value;
}

/** Where each query of the dashboard is, with the data source it runs on (its own, else its panel's). */
interface Found {
    problems: string[];
    /** `counted`: found as a `rawSQL` field (a query variable's may be its whole `query` text). */
    queries: { name: string; sql: string; counted: boolean }[];
    variables: string[];
    /**
     * The file's variables whose values could be SQL, by name, with why (as `unsafeVariables` says of the
     * config's).
     */
    unsafe: Map<string, string>;
    /** The file's variables of which several values may be chosen (`multi`, `includeAll`). */
    lists: Set<string>;
}

function checkDatasource(
    ref: Json | undefined,
    where: string,
    binding: FileBinding,
    found: Found,
    annotation = false,
) {
    if (isObject(ref) && ref.type === ATHENA_PLUGIN_ID && ref.uid === binding.dataSourceUid) return;
    if (
        annotation &&
        isObject(ref) &&
        ref.type === GRAFANA_ANNOTATIONS.type &&
        ref.uid === GRAFANA_ANNOTATIONS.uid
    )
        return;
    const shown = JSON.stringify(ref ?? null).slice(0, 80);
    found.problems.push(
        `${where}.datasource is ${shown}: every query of the file runs on ` +
            `its Athena data source input ("\${DS_...}")`,
    );
}

/** Grafana's value for "All" of a variable that offers it. */
const ALL_VALUE = "$__all";

/** The variable types a file may have (a data source, ad hoc or group-by variable is refused by name). */
const VARIABLE_TYPES = new Set(["query", "custom", "constant", "textbox", "interval"]);

/**
 * One variable of `templating.list`: its name, and whether its values could be SQL where a query
 * pastes it. A name is Grafana's (`\w+`) and not one of Grafana's own (`__`): a variable named
 * `__timeFrom` is replaced in the browser before the plugin sees its macro, and so is any text
 * Grafana finds as `$name`. The values Grafana takes: a custom variable's `query` split at commas,
 * a constant's whole `query`, an interval's words; a text box's are the viewer's. `allValue` is
 * pasted as written whatever the format (grafana/scenes `CustomAllValue`), so it must be a plain word.
 */
function variable(v: Record<string, Json>, at: string, found: Found): void {
    if (typeof v.name !== "string" || !/^\w{1,50}$/.test(v.name) || v.name.startsWith("__"))
        return void found.problems.push(
            `${at}.name is ${JSON.stringify(v.name ?? null).slice(0, 60)}: a variable's name is up to 50 ` +
                `letters, digits and _, not starting with __ (Grafana's own variables and the ` +
                `plugin's macros)`,
        );
    found.variables.push(v.name);
    const query = typeof v.query === "string" ? v.query : undefined;
    const values =
        query === undefined
            ? undefined
            : v.type === "constant"
              ? [query]
              : query.split(",").map((x) => x.trim());
    // The saved selection too: Grafana starts from `current` (and a variable whose options it does not
    // recompute, from `options`), which the file may set to any text.
    const saved = [v.current, ...(Array.isArray(v.options) ? v.options : [])].flatMap((o) =>
        isObject(o)
            ? [o.value, o.text].flatMap((x) => (Array.isArray(x) ? x : x === undefined ? [] : [x]))
            : [],
    );
    const plainSaved = saved.every((x) => typeof x === "string" && (x === ALL_VALUE || isPlainValue(x)));
    if (v.type === "query") found.unsafe.set(v.name, "whose values are the source's data");
    else if (v.type === "textbox") found.unsafe.set(v.name, "whose value the viewer types");
    else if (values === undefined || !values.every(isPlainValue) || !plainSaved)
        found.unsafe.set(v.name, "whose values are not one plain word each");
    if (v.multi === true || v.includeAll === true) found.lists.add(v.name);
    if (
        v.allValue !== undefined &&
        v.allValue !== null &&
        v.allValue !== "" &&
        !(typeof v.allValue === "string" && isPlainValue(v.allValue))
    )
        found.problems.push(
            `${at}.allValue is ${JSON.stringify(v.allValue).slice(0, 60)}: ` +
                `Grafana pastes it into the SQL as ` +
                `written whatever the format; leave it out or make it one plain word`,
        );
}

/** Reads what runs queries: panels (rows' too), their targets, variables and annotations. */
function walk(json: Record<string, Json>, binding: FileBinding, found: Found): void {
    const panels = (list: Json | undefined, where: string, depth: number) => {
        if (list === undefined) return;
        if (!Array.isArray(list) || depth > 2)
            return void found.problems.push(`${where} must be a list of panels`);
        list.forEach((panel, i) => {
            const at = `${where}[${i}]`;
            if (!isObject(panel)) return void found.problems.push(`${at} must be an object`);
            if (panel.libraryPanel !== undefined)
                found.problems.push(
                    `${at} is a library panel: its queries are not in the file (unlink it before exporting)`,
                );
            const targets = panel.targets;
            if (panel.datasource !== undefined && (targets !== undefined || panel.type !== "row"))
                checkDatasource(panel.datasource, at, binding, found);
            if (Array.isArray(targets))
                targets.forEach((t, j) => {
                    const tat = `${at}.targets[${j}]`;
                    if (!isObject(t)) return void found.problems.push(`${tat} must be an object`);
                    checkDatasource(t.datasource ?? panel.datasource, tat, binding, found);
                    query(t, tat, `panel ${JSON.stringify(String(panel.title ?? at))}`);
                });
            else if (targets !== undefined) found.problems.push(`${at}.targets must be a list`);
            panels(panel.panels, `${at}.panels`, depth + 1);
        });
    };
    const query = (q: Record<string, Json>, at: string, name: string) => {
        // The plugin's backend returns the results of the Athena query execution a query names by
        // `queryID` instead of running its rawSQL (grafana-aws-sdk pkg/awsds/asyncDatasource.go,
        // `handleAsyncQuery`): a saved one would show some other query's results unchecked. Left out.
        delete q.queryID;
        if (q.rawSQL !== undefined) {
            if (typeof q.rawSQL !== "string") found.problems.push(`${at}.rawSQL must be text`);
            else found.queries.push({ name, sql: q.rawSQL, counted: true });
        }
        const args = q.connectionArgs;
        if (args === undefined) return;
        if (!isObject(args)) return void found.problems.push(`${at}.connectionArgs must be an object`);
        for (const field of ["region", "catalog", "database"] as const) {
            const v = args[field];
            if (v !== undefined && v !== ANY_DEFAULT && v !== binding[field])
                found.problems.push(
                    `${at}.connectionArgs.${field} is ` +
                        `${JSON.stringify(v).slice(0, 80)}: a query runs in the source's ` +
                        `${field} ` +
                        `${binding[field]} (or "${ANY_DEFAULT}")`,
                );
        }
    };
    panels(json.panels, "panels", 0);
    const templating = json.templating;
    const list = isObject(templating) ? templating.list : undefined;
    if (Array.isArray(list))
        list.forEach((v, i) => {
            const at = `templating.list[${i}]`;
            if (!isObject(v)) return void found.problems.push(`${at} must be an object`);
            variable(v, at, found);
            if (v.type === "datasource" || v.type === "adhoc" || v.type === "groupby")
                return void found.problems.push(
                    `${at} is a ${String(v.type)} variable: it would let a viewer choose another data source`,
                );
            if (!VARIABLE_TYPES.has(String(v.type)))
                return void found.problems.push(
                    `${at} is of type ${JSON.stringify(v.type ?? null).slice(0, 40)}: ` +
                        `a file's variables are ` +
                        `of the types ${[...VARIABLE_TYPES].join(", ")}`,
                );
            if (v.type !== "query") return;
            checkDatasource(v.datasource, at, binding, found);
            if (isObject(v.query))
                query(v.query, `${at}.query`, `variable ${JSON.stringify(`$${String(v.name)}`)}`);
            else if (typeof v.query === "string" && v.query.trim() !== "")
                found.queries.push({
                    name: `variable ${JSON.stringify(`$${String(v.name)}`)}`,
                    sql: v.query,
                    counted: false,
                });
        });
    const annotations = isObject(json.annotations) ? json.annotations.list : undefined;
    if (Array.isArray(annotations))
        annotations.forEach((a, i) => {
            const at = `annotations.list[${i}]`;
            if (!isObject(a)) return void found.problems.push(`${at} must be an object`);
            checkDatasource(a.datasource, at, binding, found, true);
            if (isObject(a.target))
                query(a.target, `${at}.target`, `annotation ${JSON.stringify(String(a.name ?? i))}`);
        });
}

/**
 * An export for sharing externally empties each query variable's `current` (`{}`: Grafana's exporter,
 * grafana/grafana public/app/features/dashboard/components/DashExportModal/DashboardExporter.ts),
 * which the dashboard schema refuses; left out, Grafana picks the first value.
 */
function withoutEmptyCurrent(json: Record<string, Json>): Record<string, Json> {
    const templating = json.templating;
    if (!isObject(templating) || !Array.isArray(templating.list)) return json;
    const list = templating.list.map((v) => {
        if (!isObject(v) || !isObject(v.current) || Object.keys(v.current).length > 0) return v;
        const { current, ...rest } = v;
        void current;
        return rest;
    });
    return { ...json, templating: { ...templating, list } };
}

/** Every query's result reuse off (in place): a workgroup with managed query results reuses none. */
function withoutResultReuse(value: Json, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) return value.forEach((v) => withoutResultReuse(v, depth + 1));
    if (!isObject(value)) return;
    if (isObject(value.connectionArgs) && value.connectionArgs.resultReuseEnabled === true)
        value.connectionArgs.resultReuseEnabled = false;
    for (const v of Object.values(value)) withoutResultReuse(v, depth + 1);
}

/**
 * Every `rawSQL` in the JSON, wherever it stands: a query the walk above did not reach is refused, not
 * ignored.
 */
function countRawSql(value: Json, depth = 0): number {
    if (depth > MAX_DEPTH) return 0;
    if (Array.isArray(value)) return value.reduce<number>((n, v) => n + countRawSql(v, depth + 1), 0);
    if (!isObject(value)) return 0;
    return Object.entries(value).reduce<number>(
        (n, [k, v]) => n + (k === "rawSQL" ? 1 : 0) + countRawSql(v, depth + 1),
        0,
    );
}

/**
 * The dashboard of `json` (a parsed export) for one source: inputs bound, its uid and title this
 * program's, `id` and `version` left to Grafana. Throws a Refusal listing what the file may not do
 * (one problem per line, at most ten).
 */
export function bindDashboardFile(
    json: unknown,
    binding: FileBinding,
    scope: string,
    file: string,
): { uid: string; title: string; json: Record<string, unknown> } {
    if (!isObject(json)) throw new Refusal("is not a dashboard: a JSON object");
    if (typeof json.title !== "string" || json.title.trim() === "")
        throw new Refusal("has no title: export the dashboard from Grafana");
    if (
        Array.isArray(json.__elements)
            ? json.__elements.length > 0
            : isObject(json.__elements) && Object.keys(json.__elements).length > 0
    )
        throw new Refusal(
            "holds library panels (__elements): their queries are not the " +
                "file's; unlink them before exporting",
        );
    const inputs = new Set(athenaInputs(json));
    const { __inputs, __requires, __elements, id, version, ...rest } = json;
    void [__inputs, __requires, __elements, id, version];
    const bound = withoutEmptyCurrent(
        substitute(rest, inputs, binding.dataSourceUid, "the dashboard") as Record<string, Json>,
    );
    const found: Found = { problems: [], queries: [], variables: [], unsafe: new Map(), lists: new Set() };
    walk(bound, binding, found);
    // A panel's bound (config/panels.ts), before the check reads any: the plugin's macros are
    // expanded one by one over the whole text, so a 1 MiB query of distinct macros costs minutes.
    const long = found.queries.filter((q) => q.sql.length > MAX_PANEL_SQL);
    for (const q of long)
        found.problems.push(`${q.name}'s SQL is ${q.sql.length} characters, more than ${MAX_PANEL_SQL}`);
    found.queries = found.queries.filter((q) => q.sql.length <= MAX_PANEL_SQL);
    const unreached =
        countRawSql(bound) -
        found.queries.filter((q) => q.counted).length -
        long.filter((q) => q.counted).length;
    if (unreached > 0)
        found.problems.push(
            `holds ${unreached} Athena ${unreached === 1 ? "query" : "queries"} ` +
                `(rawSQL) outside a panel's targets, a query ` +
                `variable or an annotation, where this check does not read`,
        );
    // As on a source's own dashboard (shared/chartRules.ts): a value that could be SQL is pasted only as a
    // string.
    for (const query of found.unsafe.size === 0 && found.lists.size === 0 ? [] : found.queries) {
        for (const use of unescapedVariableUses(query.sql, new Set(found.unsafe.keys()), found.lists)) {
            const why = [...found.unsafe].find(([n]) => n.toLowerCase() === use.name.toLowerCase())?.[1];
            found.problems.push(`${query.name} ${variableUseProblem(use, why)}`);
        }
    }
    if (binding.grant !== undefined)
        found.problems.push(
            ...queryGrantProblems(found.queries, binding.grant, undefined, new Set(found.variables)),
        );
    if (found.problems.length > 0) {
        const listed = found.problems.slice(0, MAX_LISTED);
        const more = found.problems.length - listed.length;
        throw new Refusal(listed.join("; ") + (more > 0 ? `; and ${more} more` : ""));
    }
    if (binding.managedResults) withoutResultReuse(bound);
    const uid = fileDashboardUid(scope, binding.key, file, binding.fromSource);
    const title = fileDashboardTitle(json.title, binding.label);
    const tags = Array.isArray(bound.tags) ? bound.tags.filter((t) => typeof t === "string") : [];
    return {
        uid,
        title,
        json: { ...bound, uid, title, tags: [...new Set([...tags, ...SOURCE_DASHBOARD_TAGS])] },
    };
}
