/**
 * Athena (Trino) SQL as tokens, for the reader of shared/grafana/sqlTables.ts: what is a name,
 * a string, a comment, a Grafana variable. Lexical rules as Trino's grammar has them
 * (trinodb/trino core/trino-grammar/.../SqlBase.g4): a `--` comment ends at a carriage return
 * or a line feed (SIMPLE_COMMENT: `'--' ~[\r\n]*`), so a lone CR ends it too; a block comment
 * does not nest; a doubled quote stands for itself in strings and quoted names. Where this
 * tokenizer is more lenient than Trino (non-ASCII letters in names, blanks other than space, tab,
 * CR and LF), Athena refuses the query: nothing it reads is hidden from the reader. Pure.
 */
import { Refusal } from "../refusal";
import { NO_VARIABLES, mentionsVariable } from "./sqlMacros";

type TokenKind = "word" | "quoted" | "string" | "number" | "punct" | "template";

export interface Token {
    kind: TokenKind;
    /** The token as written. */
    text: string;
    /**
     * Words lowercased, quoted identifiers unquoted (Athena matches names without regard to case: see
     * `namesEqual`).
     */
    value: string;
}

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_]/u;

/**
 * `text` as tokens, without whitespace and comments. Throws a Refusal for text that cannot be split
 * reliably. A variable Grafana replaces is a `template` token, and so is a name it completes: a word
 * written against it (`orders_$env`, `${env}_orders`) and a quoted name holding one of `declared`
 * (the dashboard's variables) or a built-in (`"orders$env"`), so that such a name is never taken
 * for the table it spells before the viewer's value is pasted in.
 */
export function tokenize(sql: string, declared: ReadonlySet<string> = NO_VARIABLES): Token[] {
    const tokens: Token[] = [];
    /** Where the last token ended: a word or variable starting there is written against it. */
    let lastEnd = -1;
    const push = (token: Token, start: number, end: number) => {
        const prev = tokens[tokens.length - 1];
        const joins = (k: TokenKind) => k === "word" || k === "template" || k === "number";
        if (
            start === lastEnd &&
            prev !== undefined &&
            joins(prev.kind) &&
            joins(token.kind) &&
            (prev.kind === "template" || token.kind === "template")
        ) {
            const text = prev.text + token.text;
            tokens[tokens.length - 1] = { kind: "template", text, value: text };
        } else {
            tokens.push(token);
        }
        lastEnd = end;
    };
    let i = 0;
    const n = sql.length;
    /** The end of a quoted run that starts at `start` with `quote`, a doubled quote standing for itself. */
    const closing = (start: number, quote: string, what: string): number => {
        let j = start + 1;
        for (;;) {
            const k = sql.indexOf(quote, j);
            if (k < 0)
                throw new Refusal(`has an unterminated ${what} (${quote} without its closing ${quote})`);
            if (sql[k + 1] === quote) {
                j = k + 2;
                continue;
            }
            return k + 1;
        }
    };
    while (i < n) {
        const c = sql[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "-" && sql[i + 1] === "-") {
            // Trino ends it at CR as at LF: `-- x\rCROSS JOIN t` reads t.
            let end = i + 2;
            while (end < n && sql[end] !== "\n" && sql[end] !== "\r") end++;
            i = end;
        } else if (c === "/" && sql[i + 1] === "*") {
            // Trino's block comments do not nest.
            const end = sql.indexOf("*/", i + 2);
            if (end < 0) throw new Refusal("has an unterminated /* comment");
            i = end + 2;
        } else if (c === "'") {
            const end = closing(i, "'", "string literal");
            push({ kind: "string", text: sql.slice(i, end), value: "" }, i, end);
            i = end;
        } else if (c === '"' || c === "`") {
            // Athena's queries quote names with "; its DDL with `. Either is a name, never a string.
            const end = closing(i, c, "quoted identifier");
            const text = sql.slice(i, end);
            const value = text
                .slice(1, -1)
                .split(c + c)
                .join(c);
            push(
                mentionsVariable(text, declared)
                    ? { kind: "template", text, value: text }
                    : { kind: "quoted", text, value },
                i,
                end,
            );
            i = end;
        } else if (c === "$") {
            const start = i;
            i = templateToken(sql, i, (t) => push(t, start, start + t.text.length));
        } else if (c === "[" && sql[i + 1] === "[" && /^\[\[[\w.]+(:\w+)?\]\]/.test(sql.slice(i))) {
            // Grafana's older variable syntax, [[name]] or [[name:format]].
            const text = /^\[\[[\w.]+(:\w+)?\]\]/.exec(sql.slice(i))![0];
            push({ kind: "template", text, value: text }, i, i + text.length);
            i += text.length;
        } else if (IDENTIFIER_START.test(c)) {
            let j = i + 1;
            while (j < n && IDENTIFIER_PART.test(sql[j])) j++;
            const text = sql.slice(i, j);
            push({ kind: "word", text, value: text.toLowerCase() }, i, j);
            i = j;
        } else if (/\d/.test(c) || (c === "." && /\d/.test(sql[i + 1] ?? ""))) {
            const m = /^(\d*\.?\d+|\d+\.)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
            push({ kind: "number", text: m[0], value: m[0] }, i, i + m[0].length);
            i += m[0].length;
        } else {
            push({ kind: "punct", text: c, value: c }, i, i + 1);
            i++;
        }
    }
    return tokens;
}

/**
 * A Grafana variable left in the text at `start` (a `$`): `$name`, `${name}` or `${name:format}`
 * (Grafana's time variables, the dashboard's own and names no variable has get here: sqlMacros.ts
 * refuses the other built-ins and expands the plugin's macros first). A lone `$` is punctuation. Returns the
 * index after it.
 */
function templateToken(sql: string, start: number, push: (t: Token) => void): number {
    const rest = sql.slice(start, start + 200);
    const found = /^\$\{[^}\s]+\}/.exec(rest) ?? /^\$\w+/.exec(rest);
    if (!found) {
        push({ kind: "punct", text: "$", value: "$" });
        return start + 1;
    }
    push({ kind: "template", text: found[0], value: found[0] });
    return start + found[0].length;
}
