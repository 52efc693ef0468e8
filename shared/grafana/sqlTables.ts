/**
 * Which tables an Athena (Trino) query reads, from its text alone: a tokenizer that knows what is
 * not a table name (string literals, comments, quoted identifiers as names, Grafana's macros and
 * template variables), and a small reader over its tokens that follows the places a table can
 * stand (after FROM and JOIN, in a FROM list, `TABLE t`), the nesting of subqueries, and the
 * scope of WITH names. Pure: no Pulumi, no I/O. Why not an npm SQL parser: docs/panels.md.
 *
 * What it reads is what matters to a panel that must only read the tables its source grants; it
 * is not a validator of SQL (Athena is), except that text it cannot split into tokens reliably (an
 * unterminated string, quoted identifier or comment, unbalanced parentheses) is refused: the rest
 * of the query could hide a table.
 */
import { Refusal } from "../refusal";

type TokenKind = "word" | "quoted" | "string" | "number" | "punct" | "template";

interface Token {
    kind: TokenKind;
    /** The token as written. */
    text: string;
    /** Words lowercased, quoted identifiers unquoted (Athena matches names without regard to case: see `namesEqual`). */
    value: string;
}

/** One table reference of a query, as written. */
export interface TableRead {
    /** The reference as written, e.g. `sales."Orders"`. */
    written: string;
    /** Its parts, unquoted and lowercased: `[table]`, `[database, table]` or `[catalog, database, table]`. */
    parts: string[];
    /** A Grafana template variable or macro stands for a part (`$__table`, `$db.orders`): which table it is, the query does not say. */
    templated: boolean;
}

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_]/u;

/** `text` as tokens, without whitespace and comments. Throws a Refusal for text that cannot be split reliably. */
function tokenize(sql: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    const n = sql.length;
    /** The end of a quoted run that starts at `start` with `quote`, a doubled quote standing for itself. */
    const closing = (start: number, quote: string, what: string): number => {
        let j = start + 1;
        for (;;) {
            const k = sql.indexOf(quote, j);
            if (k < 0) throw new Refusal(`has an unterminated ${what} (${quote} without its closing ${quote})`);
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
            const end = sql.indexOf("\n", i);
            i = end < 0 ? n : end + 1;
        } else if (c === "/" && sql[i + 1] === "*") {
            // Trino's block comments do not nest.
            const end = sql.indexOf("*/", i + 2);
            if (end < 0) throw new Refusal("has an unterminated /* comment");
            i = end + 2;
        } else if (c === "'") {
            const end = closing(i, "'", "string literal");
            tokens.push({ kind: "string", text: sql.slice(i, end), value: "" });
            i = end;
        } else if (c === '"' || c === "`") {
            // Athena's queries quote names with "; its DDL with `. Either is a name, never a string.
            const end = closing(i, c, "quoted identifier");
            const text = sql.slice(i, end);
            tokens.push({ kind: "quoted", text, value: text.slice(1, -1).split(c + c).join(c) });
            i = end;
        } else if (c === "$") {
            i = templateToken(sql, i, tokens);
        } else if (c === "[" && sql[i + 1] === "[" && /^\[\[[\w.]+(:\w+)?\]\]/.test(sql.slice(i))) {
            // Grafana's older variable syntax, [[name]] or [[name:format]].
            const text = /^\[\[[\w.]+(:\w+)?\]\]/.exec(sql.slice(i))![0];
            tokens.push({ kind: "template", text, value: text });
            i += text.length;
        } else if (IDENTIFIER_START.test(c)) {
            let j = i + 1;
            while (j < n && IDENTIFIER_PART.test(sql[j])) j++;
            const text = sql.slice(i, j);
            tokens.push({ kind: "word", text, value: text.toLowerCase() });
            i = j;
        } else if (/\d/.test(c) || (c === "." && /\d/.test(sql[i + 1] ?? ""))) {
            const m = /^(\d*\.?\d+|\d+\.)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
            tokens.push({ kind: "number", text: m[0], value: m[0] });
            i += m[0].length;
        } else {
            tokens.push({ kind: "punct", text: c, value: c });
            i++;
        }
    }
    return tokens;
}

/**
 * A Grafana macro or template variable at `start` (a `$`): `$__name` with its arguments in
 * parentheses right after it (`$__timeFilter(col)`, `$__timeGroup(col, '1h')`), `$name`,
 * `${name}` or `${name:format}`. A lone `$` is punctuation. Returns the index after it.
 */
function templateToken(sql: string, start: number, tokens: Token[]): number {
    const rest = sql.slice(start);
    const braced = /^\$\{[^}\s]+\}/.exec(rest);
    const named = /^\$\w+/.exec(rest);
    if (braced) {
        tokens.push({ kind: "template", text: braced[0], value: braced[0] });
        return start + braced[0].length;
    }
    if (!named) {
        tokens.push({ kind: "punct", text: "$", value: "$" });
        return start + 1;
    }
    let end = start + named[0].length;
    if (named[0].startsWith("$__") && sql[end] === "(") {
        // The arguments, up to the matching parenthesis; a string in them may hold one.
        let depth = 0;
        let j = end;
        for (; j < sql.length; j++) {
            const c = sql[j];
            if (c === "'") {
                const k = sql.indexOf("'", j + 1);
                if (k < 0) throw new Refusal(`has an unterminated string literal in the macro ${named[0]}(...)`);
                j = k;
            } else if (c === "(") depth++;
            else if (c === ")" && --depth === 0) break;
        }
        if (depth !== 0 || j >= sql.length) throw new Refusal(`has the macro ${named[0]}( without its closing )`);
        end = j + 1;
    }
    tokens.push({ kind: "template", text: sql.slice(start, end), value: sql.slice(start, end) });
    return end;
}

/** Keywords that end a FROM clause: after them a comma no longer separates tables. */
const CLAUSE_ENDS = new Set(["where", "group", "having", "order", "limit", "offset", "fetch", "window", "union", "intersect", "except", "select", "qualify"]);
/** Keywords that begin a query, where `TABLE t` may stand. */
const QUERY_STARTS = new Set(["(", "union", "intersect", "except", "all", "distinct"]);

interface Frame {
    /** A SELECT has been seen in this parenthesis: its FROM introduces tables (in `extract(year FROM t)` it does not). */
    query: boolean;
    /** In the FROM clause: a comma starts another table. */
    from: boolean;
    /** The next token is where a table stands. */
    expect: boolean;
    /** Reading a WITH list: where in `name [(columns)] AS (query) [, ...]` it is. */
    cte?: { state: "name" | "afterName" | "body" | "afterBody"; recursive: boolean; current?: CteName };
    /** Index of the frame, to find the WITH names visible in it. */
    id: number;
}

interface CteName {
    name: string;
    /** The frame whose query may use it: from `from` to that frame's end. */
    frame: number;
    from: number;
    /** Declared in a WITH RECURSIVE list: visible in its own body too. */
    recursive: boolean;
    /** The frame of its body, when its name becomes visible (a non-recursive WITH name is not visible in its own body). */
    body?: number;
}

const isName = (t: Token | undefined) => t !== undefined && (t.kind === "word" || t.kind === "quoted" || t.kind === "template");

/**
 * The tables `sql` reads, in the order written, each once. WITH names are not tables where
 * they are visible; `information_schema` reads are listed like any other (the caller decides).
 * Throws a Refusal (its message starts with "has") for text that cannot be read reliably.
 */
export function tablesReadBy(sql: string): TableRead[] {
    const tokens = tokenize(sql);
    const frames: Frame[] = [{ query: false, from: false, expect: false, id: 0 }];
    /** Where each frame ends (token index); the outermost never does. */
    const ends: number[] = [];
    const ctes: CteName[] = [];
    const found: { read: TableRead; at: number }[] = [];
    let nextId = 1;

    for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        const frame = frames[frames.length - 1];
        const prev = tokens[i - 1];

        if (t.text === "(" && t.kind === "punct") {
            const inner: Frame = { query: false, from: false, expect: frame.expect, id: nextId++ };
            frame.expect = false;
            if (frame.cte?.state === "body") {
                frame.cte.current!.body = inner.id;
                frame.cte.state = "afterBody";
            }
            frames.push(inner);
            continue;
        }
        if (t.text === ")" && t.kind === "punct") {
            if (frames.length === 1) throw new Refusal("has a ) without its (");
            ends[frames.pop()!.id] = i;
            continue;
        }

        if (frame.cte) {
            const cte = frame.cte;
            if (cte.state === "name" && isName(t)) {
                if (t.kind === "word" && t.value === "recursive" && cte.current === undefined && isName(tokens[i + 1])) {
                    cte.recursive = true;
                    continue;
                }
                cte.current = { name: t.value.toLowerCase(), frame: frame.id, from: i, recursive: cte.recursive };
                ctes.push(cte.current);
                cte.state = "afterName";
                continue;
            }
            if (cte.state === "afterName" && t.value === "as") {
                cte.state = "body";
                continue;
            }
            if (cte.state === "afterBody" && t.text === ",") {
                cte.state = "name";
                cte.current = undefined;
                continue;
            }
            if (cte.state === "afterBody" || cte.state === "name") frame.cte = undefined;
        }

        if (frame.expect) {
            frame.expect = false;
            // A name stands where a table does, unless it opens a query (`(SELECT ...` inside the
            // parenthesis) or is a table function or LATERAL (`UNNEST(...)`, `TABLE(...)`): those
            // are read as usual below.
            const opensQuery = t.kind === "word" && ["select", "with", "values", "lateral"].includes(t.value);
            if (isName(t) && !opensQuery && tokens[i + 1]?.text !== "(") {
                i = readName(tokens, i, found);
                continue;
            }
        }

        if (t.kind === "punct" && t.text === "," && frame.from) {
            frame.expect = true;
            continue;
        }
        if (t.kind !== "word") continue;
        switch (t.value) {
            case "select":
                frame.query = true;
                frame.from = false;
                break;
            case "from":
                // `a IS [NOT] DISTINCT FROM b` compares; `extract(year FROM t)` is no query.
                if (frame.query && !(prev?.value === "distinct" && ["is", "not"].includes(tokens[i - 2]?.value ?? ""))) {
                    frame.from = true;
                    frame.expect = true;
                }
                break;
            case "join":
                frame.from = true;
                frame.expect = true;
                break;
            case "with":
                frame.cte = { state: "name", recursive: false };
                break;
            case "table":
                if ((prev === undefined || QUERY_STARTS.has(prev.value)) && isName(tokens[i + 1]) && tokens[i + 2]?.text !== "(") {
                    // `TABLE t` is a query of its own (SELECT * FROM t).
                    i = readName(tokens, i + 1, found);
                } else if (tokens[i + 1]?.text === "(" && isName(tokens[i + 2]) && tokens[nameEnd(tokens, i + 2) + 1]?.text === ")") {
                    // A table argument of a table function, `TABLE(orders)` (Trino's polymorphic
                    // table functions): read the name, and the parenthesis as usual.
                    readName(tokens, i + 2, found);
                }
                break;
            default:
                if (CLAUSE_ENDS.has(t.value)) frame.from = false;
        }
    }
    if (frames.length > 1) throw new Refusal("has a ( without its )");

    const endOf = (frame: number) => (frame === 0 ? Infinity : ends[frame]);
    // A WITH name is visible in the rest of the query that declares it, after its own body (in a
    // RECURSIVE list, in its body as well): `WITH t AS (SELECT * FROM t)` reads the table t.
    const visibleCte = (name: string, at: number) =>
        ctes.some((c) => c.name === name && at <= endOf(c.frame) && at > (c.body !== undefined && !c.recursive ? endOf(c.body) : c.from));
    const seen = new Set<string>();
    return found
        .filter(({ read, at }) => !(read.parts.length === 1 && !read.templated && visibleCte(read.parts[0], at)))
        .map(({ read }) => read)
        .filter((r) => {
            const key = r.parts.join(".");
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
        });
}

/** The index of the last token of the dotted name that starts at `start`. */
function nameEnd(tokens: Token[], start: number): number {
    let i = start;
    while (tokens[i + 1]?.text === "." && isName(tokens[i + 2])) i += 2;
    return i;
}

/** Reads the dotted name at `start` (`t`, `db.t`, `catalog.db.t`, parts quoted or not) into `found`; returns the index of its last token. */
function readName(tokens: Token[], start: number, found: { read: TableRead; at: number }[]): number {
    const end = nameEnd(tokens, start);
    const parts = tokens.slice(start, end + 1).filter((_, k) => k % 2 === 0);
    found.push({
        at: start,
        read: {
            written: parts.map((p) => p.text).join("."),
            parts: parts.map((p) => p.value.toLowerCase()),
            templated: parts.some((p) => p.kind === "template"),
        },
    });
    return end;
}

/**
 * `tablesReadBy`, remembered: `dashboard.panels` are checked against every source of a fleet,
 * the same SQL each time. Bounded, so that a long run over many panels holds no more than this.
 */
const readsCache = new Map<string, readonly TableRead[]>();
const READS_CACHE_SIZE = 1000;
function cachedReads(sql: string): readonly TableRead[] {
    let reads = readsCache.get(sql);
    if (reads === undefined) {
        reads = tablesReadBy(sql);
        if (readsCache.size >= READS_CACHE_SIZE) readsCache.clear();
        readsCache.set(sql, reads);
    }
    return reads;
}

/** What a source lets Grafana read: its catalog, its database, and the tables of it (`["*"]`: every one). */
export interface TableGrant {
    catalog: string;
    database: string;
    tables: readonly string[];
}

/** Every table of the database: the `tables` grant `["*"]`. */
export const ALL_TABLES = "*";

/** Athena's schema of metadata views, answered from the catalog with the role's own permissions. */
export const INFORMATION_SCHEMA = "information_schema";

/** Glue keeps names lowercase and Athena matches them without regard to case, quoted or not. */
const namesEqual = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** How much of a name from the SQL a message shows. */
const ECHO_LIMIT = 80;
const cut = (name: string) => (name.length > ECHO_LIMIT ? `${name.slice(0, ECHO_LIMIT)}… (${name.length} characters)` : name);

/** How many granted names a message lists before it says "…". */
const LISTED_TABLES = 10;

/**
 * What `sql` reads that `grant` does not cover, one phrase per table ("reads table x, which ...").
 * Unqualified names are of the grant's database (the query runs with the source's catalog and
 * database); `information_schema` reads are allowed (they show only what the role may read);
 * a metadata table such as `"orders$partitions"` is its table's; a name a template variable or
 * macro stands for is not checked. Throws a Refusal for SQL that cannot be read reliably.
 */
export function ungrantedReads(sql: string, grant: TableGrant): string[] {
    const problems: string[] = [];
    for (const found of cachedReads(sql)) {
        if (found.templated) continue;
        // A message names what it refuses; it does not reproduce a name of any length.
        const read = { ...found, written: cut(found.written) };
        const parts = read.parts;
        if (parts.length > 3) {
            problems.push(`reads ${read.written}, which is not a table name (at most catalog.database.table)`);
            continue;
        }
        const [catalog, database, table] = parts.length === 3 ? parts : parts.length === 2 ? [undefined, ...parts] : [undefined, undefined, parts[0]];
        if (catalog !== undefined && !namesEqual(catalog, grant.catalog)) {
            problems.push(`reads table ${read.written} of the catalog ${cut(catalog)}, but the source grants only its catalog ${grant.catalog}`);
            continue;
        }
        const db = cut(database ?? grant.database);
        if (namesEqual(db, INFORMATION_SCHEMA)) continue;
        if (!namesEqual(db, grant.database)) {
            problems.push(`reads table ${read.written} of the database ${db}, but the source grants only tables of its database ${grant.database}`);
            continue;
        }
        if (grant.tables.includes(ALL_TABLES)) continue;
        // Trino's metadata tables (`t$partitions`, `t$properties`) read their table's metadata.
        const base = table!.replace(/\$.*$/, "");
        if (grant.tables.some((g) => namesEqual(g, base))) continue;
        const listed = grant.tables.slice(0, LISTED_TABLES).join(", ") + (grant.tables.length > LISTED_TABLES ? `, … (${grant.tables.length})` : "");
        problems.push(`reads table ${read.written}, which the source does not grant (its tables: ${listed})`);
    }
    return problems;
}
