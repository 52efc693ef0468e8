/**
 * Where a dashboard's variable is pasted so that its value could be SQL rather than a value: the
 * rule behind "write `${name:sqlstring}`" (docs/panels.md, Variables). Pure.
 */
import { NO_VARIABLES, macroArgumentSpans, variables } from "./sqlMacros";

/** The formats that quote each of several values as a Trino string (Grafana's `formatRegistry`). */
const QUOTING_FORMATS = new Set(["sqlstring", "singlequote"]);

/** A use of a variable that Grafana pastes where its value can be SQL. */
interface VariableUse {
    /** As written, at most 40 characters. */
    text: string;
    name: string;
    /** How it is used: `as written`, `inside a string, quoted name or comment`, ... */
    how: string;
}

/**
 * The references in `sql` to the variables `names` (compared without case) that Grafana pastes in
 * other than as Trino strings: every format but `sqlstring`, which quotes each value and doubles
 * its quotes (Grafana's `formatRegistry`; the Athena plugin's own, for a format not given, pastes a
 * single value as written and quotes several without escaping them, grafana-aws-sdk-react
 * `applySQLTemplateVariables`; `singlequote` escapes with a backslash, which Trino does not read),
 * and `sqlstring` too inside a string, a quoted name or a comment, where its quotes end the text
 * around it instead (`'%${v:sqlstring}%'`; a value with a line break ends a `--` comment). Of
 * `lists` (several values may be chosen: `listVariables`), a format that joins the values with
 * commas unquoted (`${v:csv}`, `${v:raw}`, `${v:doublequote}`: `FROM orders ${v:csv}` with `x` and
 * `hr.salaries` is two tables).
 */
export function unescapedVariableUses(
    sql: string,
    names: ReadonlySet<string>,
    lists: ReadonlySet<string> = NO_VARIABLES,
): VariableUse[] {
    const lower = new Set([...names].map((n) => n.toLowerCase()));
    const listed = new Set([...lists].map((n) => n.toLowerCase()));
    const found = new Map<string, VariableUse>();
    let quoted: ((at: number) => boolean) | undefined;
    let inMacro: [number, number][] | undefined;
    for (const v of variables(sql)) {
        const name = v.name.toLowerCase();
        const text = v.text.length > 40 ? `${v.text.slice(0, 40)}…` : v.text;
        let how: string | undefined;
        if (lower.has(name) && v.format !== "sqlstring") how = "as written";
        else if (lower.has(name) && (quoted ??= quotedAt(sql))(v.at))
            how = "inside a string, quoted name or comment, where its quotes end the text around it";
        else if (
            lower.has(name) &&
            (inMacro ??= macroArgumentSpans(sql)).some(([a, b]) => v.at >= a && v.at < b)
        )
            how =
                "inside a macro's arguments, which the plugin splits at every comma, in quotes or not " +
                "(a value with commas unbalances the query's quotes)";
        else if (listed.has(name) && v.format !== undefined && !QUOTING_FORMATS.has(v.format))
            how = `with the format ${v.format.slice(0, 20)}, which joins several values unquoted`;
        if (how !== undefined && !found.has(v.text)) found.set(v.text, { text, name: v.name, how });
    }
    return [...found.values()];
}

/**
 * Whether an offset of `sql` is inside a string literal, a quoted name or a comment, as Trino's
 * lexer reads the text (sqlTokens.ts); an unterminated one runs to the end. One pass.
 */
function quotedAt(sql: string): (at: number) => boolean {
    const spans: [number, number][] = [];
    for (let i = 0; i < sql.length; i++) {
        const c = sql[i];
        let end = -1;
        if (c === "'" || c === '"' || c === "`") {
            end = i + 1;
            for (;;) {
                const k = sql.indexOf(c, end);
                if (k < 0 || sql[k + 1] !== c) {
                    end = k < 0 ? sql.length : k + 1;
                    break;
                }
                end = k + 2;
            }
        } else if (c === "-" && sql[i + 1] === "-") {
            end = i + 2;
            while (end < sql.length && sql[end] !== "\n" && sql[end] !== "\r") end++;
        } else if (c === "/" && sql[i + 1] === "*") {
            const k = sql.indexOf("*/", i + 2);
            end = k < 0 ? sql.length : k + 2;
        }
        if (end < 0) continue;
        spans.push([i, end]);
        i = end - 1;
    }
    return (at) => {
        // The last span starting before `at` (they are in order and do not overlap).
        let lo = 0;
        let hi = spans.length - 1;
        let found = -1;
        while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            if (spans[mid][0] < at) {
                found = mid;
                lo = mid + 1;
            } else hi = mid - 1;
        }
        return found >= 0 && at < spans[found][1];
    };
}

/** The refusal of one use, after the query's name: `uses the variable $region as written, ...`. */
export function variableUseProblem(use: VariableUse, why: string | undefined): string {
    return (
        `uses the variable ${use.text} ${use.how}, ${why ?? "of which several values may be chosen"}: ` +
        `Grafana pastes it into the SQL unseen by the table check; ${variableUseAdvice(use)}`
    );
}

/** What to write instead: `${name:sqlstring}`, where a value stands when it already is. */
export function variableUseAdvice(use: VariableUse): string {
    return use.text.includes(":sqlstring")
        ? `write \${${use.name}:sqlstring} where a value stands, outside quotes, comments and macro arguments`
        : `write \${${use.name}:sqlstring}`;
}
