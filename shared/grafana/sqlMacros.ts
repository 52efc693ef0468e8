/**
 * What a panel's SQL becomes before Athena reads it, as far as the tables it reads go: Grafana's
 * template variables, then the Athena plugin's macros. Pure: no Pulumi, no I/O.
 *
 * 1. Grafana's frontend replaces template variables (`$name`, `${name}`, `${name:format}`,
 *    `[[name]]`) anywhere in the text, strings and comments included, pasting each value
 *    verbatim (grafana/athena-datasource src/datasource.ts, `applySQLTemplateVariables`), and
 *    leaves a name no variable has as written. A data source name, a dashboard title or a user's
 *    login is text that another team or a user chooses, so of Grafana's built-ins only the time
 *    variables, whose values are numbers and durations, may be used, and the fleet dashboard's
 *    data source variable not at all (`templateVariableProblem`). The dashboard's own variables
 *    (`dashboard.variables`, docs/panels.md) are values: the reader takes each for one token, a
 *    value where a value stands and refused where a table does (a name it completes, `orders_$env`
 *    or `"orders$env"`, included). Their values are the viewer's to choose (a link's `?var-x=`),
 *    pasted verbatim; that gives a viewer nothing the data source's query permission does not
 *    already give (Grafana's /api/ds/query runs any SQL for whoever may query it): the role's
 *    tables are the boundary. Any other `$name` stays text: Trino reads it in a string or a
 *    quoted name (`"orders$partitions"`), and fails on it elsewhere.
 * 2. The plugin's backend expands its macros (athena-datasource v3.3.3 pkg/athena/macros.go,
 *    through grafana-aws-sdk v1.5.1 pkg/awsds/asyncDatasource.go, which calls
 *    grafana-plugin-sdk-go v0.296.3 data/sqlutil/macros.go `Interpolate`): macro names longest
 *    first, each found by the regular expression `\$__name\b` anywhere in the text (strings and
 *    comments included), its arguments the parenthesis right after it, split at commas of depth
 *    one and trimmed, parentheses counted and quotes ignored, and every occurrence of the macro's
 *    text replaced by its result, into which the arguments are pasted verbatim. `expandMacros`
 *    does the same, so that the check reads the SQL Athena runs: `$__timeFilter((SELECT ...))`
 *    and a quote inside an argument are read as Athena reads them. A macro in an argument is
 *    refused: the library's order among names of one length is not fixed, so what a nested
 *    macro becomes is not either.
 */
import { Refusal } from "../refusal";
import { FLEET_VARIABLE } from "./dashboardTitles";

/** Grafana's built-in variables whose values are numbers or durations of the time range (never SQL). */
const TIME_VARIABLES = new Set([
    "__from",
    "__to",
    "__interval",
    "__interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
    "__rate_interval",
]);

/** The formats of a time variable that print a number or an ISO date. */
const TIME_FORMATS = new Set(["date", "date:iso", "date:seconds", "raw"]);

/**
 * A stand-in for the dashboard's time range in macro results: only their shape matters (where
 * quotes are), never the instant.
 */
const FROM = "2006-01-02 15:04:05";
const TO = "2006-01-02 16:04:05";

/** One macro's result from its arguments, or why the plugin would fail the query. */
type Macro = (args: string[]) => string | { wrongArguments: string };

const parseTime = (target: string, format: string) =>
    format === ""
        ? target
        : format === "'yyyy-MM-dd HH:mm:ss'"
          ? `TIMESTAMP ${target}`
          : `parse_datetime(${target},${format})`;

/**
 * `$__timeGroup`, `$__unixEpochGroup`: the column (parsed by the third argument when there are exactly 3).
 */
const timeGroupVar = (args: string[]) => (args.length === 3 ? parseTime(args[0], args[2]) : args[0]);

/**
 * A `$__rawTimeFrom`/`$__rawTimeTo` format becomes a Go date layout (github.com/viant/toolbox
 * `DateFormatToLayout`: each Java pattern below replaced once, the first occurrence only, in this
 * order), and Go's `time.Format` prints every character of the layout that is not a layout element
 * as written. So `E CROSS JOIN HR.SALARIES` prints `Tue CROSS JOIN HR.SALARIES`: the first `E` is
 * a weekday and the rest is SQL. In quotes a format is a string literal whatever it prints (neither
 * step makes a quote); without, every letter of the layout must be part of an element whose value
 * is a name (a month, a weekday, the zone, AM/PM), never text the panel wrote.
 */
const JAVA_TO_GO: readonly (readonly [string, string])[] = [
    ["ddd", "_2"],
    ["dd", "02"],
    ["d", "2"],
    ["HH", "15"],
    ["hh", "03"],
    ["h", "3"],
    ["mm", "04"],
    ["m", "4"],
    ["ss", "05"],
    ["s", "5"],
    ["yyyy", "2006"],
    ["yy", "06"],
    ["y", "06"],
    ["SSS", "000"],
    ["a", "pm"],
    ["aa", "PM"],
    ["MMMM", "January"],
    ["MMM", "Jan"],
    ["MM", "01"],
    ["M", "1"],
    ["ZZ", "-0700"],
    ["Z", "-07"],
    ["zz:zz", "Z07:00"],
    ["zzzz", "Z0700"],
    ["z", "MST"],
    ["EEEE", "Monday"],
    ["E", "Mon"],
];
/**
 * Go's layout elements that print letters (time/format.go `nextStdChunk`): `Jan` and `Mon` only
 * where no lowercase letter follows (`Month` is text). Other letters of a layout print as written.
 */
const GO_NAMED_ELEMENTS = /January|Jan(?![a-z])|Monday|Mon(?![a-z])|MST|PM|pm/g;

function rawTime(args: string[]): string | { wrongArguments: string } {
    const format = args.length === 1 && args[0] !== "" ? args[0] : "'yyyy-MM-dd HH:mm:ss'";
    if (!/^('?)[A-Za-z0-9:./_ -]*\1$/.test(format) || format.includes("--")) {
        return { wrongArguments: "takes a date format of letters, digits and :./_- (optionally in quotes)" };
    }
    // Quoted: a string literal; its letters stand for digits as well as anything else would.
    if (format.startsWith("'")) return format.replace(/[A-Za-z]/g, "0");
    const layout = JAVA_TO_GO.reduce((text, [java, go]) => text.replace(java, go), format);
    if (/[A-Za-z]/.test(layout.replace(GO_NAMED_ELEMENTS, ""))) {
        return {
            wrongArguments:
                "takes a date format whose letters are date fields (yyyy MM dd HH mm ss ...), each once; " +
                "other text prints into the SQL as written: quote the format",
        };
    }
    return layout;
}

/**
 * The Athena plugin 3.3.3's macros, and the library defaults it keeps (`table`, `column`). The
 * library's `$__interval` and `$__interval_ms` are Grafana's variables of the same names, which the
 * browser replaces first: they are read as variables (`TIME_VARIABLES`), a duration in the text.
 */
const MACROS: Record<string, Macro> = {
    dateFilter: (a) =>
        a.length !== 1
            ? { wrongArguments: "takes one argument" }
            : `${a[0]} BETWEEN date '2006-01-02' AND date '2006-01-02'`,
    parseTime: (a) =>
        a.length < 1
            ? { wrongArguments: "takes at least one argument" }
            : parseTime(a[0], a.length === 2 ? a[1] : "'yyyy-MM-dd HH:mm:ss'"),
    unixEpochFilter: (a) =>
        a.length !== 1
            ? { wrongArguments: "takes one argument" }
            : `${a[0]} BETWEEN 1136214245 AND 1136217845`,
    timeFilter: (a) =>
        a.length < 1
            ? { wrongArguments: "takes at least one argument" }
            : `${parseTime(a[0], a.length > 1 ? a[1] : "")} BETWEEN ` +
              `TIMESTAMP '${FROM}' AND TIMESTAMP '${TO}'`,
    rawTimeFrom: rawTime,
    timeFrom: () => `TIMESTAMP '${FROM}'`,
    timeGroup: (a) =>
        a.length < 2
            ? { wrongArguments: "takes a time column and an interval" }
            : `FROM_UNIXTIME(FLOOR(TO_UNIXTIME(${timeGroupVar(a)})/60)*60)`,
    unixEpochGroup: (a) =>
        a.length < 2
            ? { wrongArguments: "takes a time column and an interval" }
            : `FROM_UNIXTIME(FLOOR(${timeGroupVar(a)}/60)*60)`,
    rawTimeTo: rawTime,
    timeTo: () => `TIMESTAMP '${TO}'`,
    // The table and column of the plugin's query editor, which this program's panels do not set:
    // the query would read from nothing.
    table: () => ({
        wrongArguments:
            "stands for the query editor's table, which a panel of this program does not set: name the table",
    }),
    column: () => ({
        wrongArguments:
            "stands for the query editor's column, which a panel of this " +
            "program does not set: name the column",
    }),
};

/** Longest first, as the library applies them (a short name is never taken for the start of a longer one). */
const MACRO_NAMES = Object.keys(MACROS).sort((a, b) => b.length - a.length);

/** Go's `unicode.IsSpace` (what `strings.TrimSpace` trims), which is not quite JavaScript's `\s`. */
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "g");

const WORD = /[A-Za-z0-9_]/;

/**
 * The arguments of a macro whose name ends at `at`, as the library's `parseArgs` reads them:
 * none unless a `(` follows at once; else up to the `)` that closes it (quotes ignored). Returns
 * the arguments and the length of the parenthesis, or undefined when it never closes.
 */
function parseArgs(sql: string, at: number): { args: string[]; length: number } | undefined {
    if (sql[at] !== "(") return { args: [], length: 0 };
    const args: string[] = [];
    let depth = 0;
    let start = at + 1;
    for (let i = at; i < sql.length; i++) {
        const c = sql[i];
        if (c === "(") {
            depth++;
        } else if (c === ")") {
            if (--depth === 0) {
                args.push(sql.slice(start, i).replace(GO_TRIM, ""));
                return { args, length: i + 1 - at };
            }
        } else if (c === "," && depth === 1) {
            args.push(sql.slice(start, i).replace(GO_TRIM, ""));
            start = i + 1;
        }
    }
    return undefined;
}

/** Every occurrence of `$__name` as a whole word (`\b` of Go's regexp: ASCII word characters). */
function occurrences(sql: string, name: string): number[] {
    const needle = `$__${name}`;
    const found: number[] = [];
    for (let i = sql.indexOf(needle); i >= 0; i = sql.indexOf(needle, i + 1)) {
        if (!WORD.test(sql[i + needle.length] ?? "")) found.push(i);
    }
    return found;
}

/**
 * Where the arguments of the plugin's macros stand in `sql` as written (`[from, to)` of each
 * parenthesis after a macro's name): the plugin splits them at every comma of depth one, quotes or
 * not, and pastes only those it takes, so a value pasted there with a comma in its quotes
 * (`${v:sqlstring}` of `a,b,c`) unbalances the quotes of the query (`variableUses.ts`).
 */
export function macroArgumentSpans(sql: string): [number, number][] {
    const spans: [number, number][] = [];
    for (const name of MACRO_NAMES)
        for (const start of occurrences(sql, name)) {
            const at = start + name.length + 3;
            const parsed = parseArgs(sql, at);
            spans.push([at, parsed === undefined ? sql.length : at + parsed.length]);
        }
    return spans;
}

/**
 * `sql` with the plugin's macros expanded as the plugin expands them. Throws a Refusal (its
 * message starts with "has" or "uses") where the plugin would fail the query or where what it
 * makes of the text is not certain (a macro inside a macro's arguments).
 */
export function expandMacros(sql: string, declared: ReadonlySet<string> = NO_VARIABLES): string {
    let out = sql;
    for (const name of MACRO_NAMES) {
        const matches: { full: string; args: string[] }[] = [];
        for (const start of occurrences(out, name)) {
            const end = start + name.length + 3;
            const parsed = parseArgs(out, end);
            if (parsed === undefined) throw new Refusal(`has the macro $__${name}( without its closing )`);
            // Refused at once: the arguments of one macro then never overlap another's, and reading
            // them all costs one pass over the text.
            // The dashboard's own variables are replaced in the browser before the plugin expands
            // its macros (`$__timeGroup(t, $interval)`): only a macro or another variable is refused.
            if (parsed.args.some((a) => withoutVariables(a, declared).includes("$"))) {
                throw new Refusal(
                    `uses a macro or variable inside the arguments of $__${name}(...), ` +
                        `which the plugin expands in no fixed order`,
                );
            }
            matches.push({ full: out.slice(start, end + parsed.length), args: parsed.args });
        }
        for (const { full, args } of matches) {
            const result = MACROS[name](args);
            if (typeof result !== "string")
                throw new Refusal(`uses the macro $__${name}, which ${result.wrongArguments}`);
            out = out.split(full).join(result);
        }
    }
    return out;
}

/** No variables declared: the dashboards of this program before `dashboard.variables`. */
export const NO_VARIABLES: ReadonlySet<string> = new Set();

/**
 * One variable as Grafana's syntax reads it: where it starts, its name, field (`${name.field}`) and format.
 */
interface Variable {
    at: number;
    text: string;
    name: string;
    field?: string;
    format?: string;
}

/** Sticky: each reads at `lastIndex` only, in place. */
const WORD_RUN = /\w+/y;
const OLD_SYNTAX = /\[\[(\w+?)(?::(\w+))?\]\]/y;

/**
 * The variables of `sql` as Grafana's syntax finds them (public/app/features/variables/utils.ts
 * `variableRegex`: `$name`, `[[name]]`, `[[name:format]]`, `${name}`, `${name.field}`,
 * `${name:format}`), read by a scan rather than that expression, whose backtracking over
 * `${a:${a:...` costs quadratic time. Each `}` is found through one precomputed table.
 */
export function* variables(sql: string): Generator<Variable> {
    const nextBrace = new Int32Array(sql.length + 1).fill(-1);
    for (let i = sql.length - 1; i >= 0; i--) nextBrace[i] = sql[i] === "}" ? i : nextBrace[i + 1];
    for (let i = 0; i < sql.length; i++) {
        if (sql[i] === "$" && sql[i + 1] === "{") {
            const end = nextBrace[i + 2];
            const body =
                end < 0 ? undefined : /^(\w+)(?:\.([^:^]+))?(?::(.+))?$/s.exec(sql.slice(i + 2, end));
            if (body) {
                yield { at: i, text: sql.slice(i, end + 1), name: body[1], field: body[2], format: body[3] };
                i = end;
            }
        } else if (sql[i] === "$") {
            WORD_RUN.lastIndex = i + 1;
            const name = WORD_RUN.exec(sql)?.[0];
            if (name) yield { at: i, text: `$${name}`, name };
        } else if (sql[i] === "[" && sql[i + 1] === "[") {
            OLD_SYNTAX.lastIndex = i;
            const m = OLD_SYNTAX.exec(sql);
            if (m) {
                yield { at: i, text: m[0], name: m[1], format: m[2] };
                i += m[0].length - 1;
            }
        }
    }
}

/**
 * Why the template variables of `sql` make its tables uncertain, or undefined. Macros of the
 * plugin look like variables and are left to `expandMacros`; Grafana's time variables are numbers
 * and durations; the value of any other variable of the dashboard is text the SQL does not show.
 */
export function templateVariableProblem(
    sql: string,
    declared: ReadonlySet<string> = NO_VARIABLES,
): string | undefined {
    for (const v of variables(sql)) {
        const { name, format } = v;
        // `${env.x}`: a field of a value that has none. What Grafana pastes for it (nothing, or the
        // whole value) is not the check's to guess, and nothing between `-` and `-` is a comment.
        if (declared.has(name) && v.field !== undefined)
            return (
                `uses ${v.text.length > 40 ? `${v.text.slice(0, 40)}…` : v.text}, a field of the ` +
                `variable ${name}, whose value has no fields; write $${name}`
            );
        const bare = v.text.startsWith("$") && !v.text.startsWith("${");
        if (bare && name.startsWith("__") && Object.hasOwn(MACROS, name.slice(2))) continue;
        // A custom date format prints any text it quotes (`${__from:date:[FROM x]}`): only the fixed ones.
        if (
            TIME_VARIABLES.has(name) &&
            v.field === undefined &&
            (format === undefined || TIME_FORMATS.has(format))
        )
            continue;
        // Not a variable of the dashboard: Grafana leaves it as written.
        if (!name.startsWith("__") && name !== FLEET_VARIABLE) continue;
        const shown = v.text.length > 40 ? `${v.text.slice(0, 40)}…` : v.text;
        return (
            `uses the template variable ${shown}, whose value Grafana ` +
            `pastes into the SQL unseen by this check; ` +
            `only the plugin's macros and Grafana's time variables ($__from, ` +
            `$__to, $__interval, $__range, ...) may be used`
        );
    }
    return undefined;
}

/** `text` without the references to the dashboard's own variables (`declared`) it holds. */
function withoutVariables(text: string, declared: ReadonlySet<string>): string {
    if (declared.size === 0) return text;
    let out = "";
    let from = 0;
    for (const v of variables(text)) {
        if (!declared.has(v.name)) continue;
        out += text.slice(from, v.at);
        from = v.at + v.text.length;
    }
    return out + text.slice(from);
}

/**
 * Whether Grafana replaces something in `text`: a variable of the dashboard (`declared`, or the
 * fleet dashboard's data source variable) or a built-in one (`$__from`, ...), in any of its
 * syntaxes. A quoted name holding one (`"orders_$env"`) is a name the viewer's value completes.
 */
export function mentionsVariable(text: string, declared: ReadonlySet<string>): boolean {
    for (const v of variables(text)) {
        if (declared.has(v.name) || v.name.startsWith("__") || v.name === FLEET_VARIABLE) return true;
    }
    return false;
}

/**
 * Why `sql` cannot be an alert rule's query, or undefined. Grafana evaluates alert rules on the
 * server, without a dashboard: no template variable is replaced there (a dashboard's `$region`,
 * `$__from`, `${__interval}` reach Athena as written), only the plugin's backend macros are
 * expanded, with the rule's time range (grafana-plugin-sdk-go `data/sqlutil/macros.go`, run by the
 * plugin's backend for every query, an alert's included). So dashboard variables, which panels
 * may use, are refused here.
 */
export function alertVariableProblem(sql: string): string | undefined {
    for (const v of variables(sql)) {
        const bare = v.text.startsWith("$") && !v.text.startsWith("${");
        if (bare && v.name.startsWith("__") && Object.hasOwn(MACROS, v.name.slice(2))) continue;
        const shown = v.text.length > 40 ? `${v.text.slice(0, 40)}…` : v.text;
        return (
            `uses ${shown}, which Grafana does not replace in an alert rule ` +
            `(rules are evaluated without a dashboard); ` +
            `only the plugin's macros ($__timeFilter, $__timeGroup, ...) may be used`
        );
    }
    return undefined;
}
