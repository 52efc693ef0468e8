/**
 * Which tables an Athena (Trino) query reads, from its text alone: the text as Athena gets it
 * (Grafana's variables refused but for the time ones, the plugin's macros expanded as the plugin
 * expands them: sqlMacros.ts), split into tokens as Trino splits it (sqlTokens.ts), and a small
 * reader over the tokens that follows the places a table can stand (after FROM and JOIN, in a FROM
 * list, `TABLE t` wherever a query may stand, table arguments), the nesting of subqueries, and the
 * scope of WITH names. Pure: no Pulumi, no I/O. Why not an npm SQL parser: docs/panels.md.
 *
 * What it reads is what matters to a panel that must only read the tables its source grants; it
 * is not a validator of SQL (Athena is), except that it refuses what it cannot read reliably: text
 * it cannot split into tokens (an unterminated string, quoted identifier or comment, unbalanced
 * parentheses), any statement but a query (EXPLAIN, SHOW, DESCRIBE, EXECUTE, DDL, more than one
 * statement), inline functions and session settings (`WITH FUNCTION`, `WITH SESSION`), and table
 * functions other than the built-in ones that read only their table arguments: the rest of the
 * query could hide a table.
 */
import { Refusal } from "../refusal";
import { NO_VARIABLES, expandMacros, templateVariableProblem } from "./sqlMacros";
import { Token, tokenize } from "./sqlTokens";

/** One table reference of a query, as written. */
interface TableRead {
    /** The reference as written, e.g. `sales."Orders"`. */
    written: string;
    /** Its parts, unquoted and lowercased: `[table]`, `[database, table]` or `[catalog, database, table]`. */
    parts: string[];
    /**
     * A Grafana template variable or macro stands for a part (`$__table`, `$db.orders`): which table it is,
     * the query does not say.
     */
    templated: boolean;
}

/**
 * Reserved words that end a FROM clause: after them a comma no longer separates tables. Only
 * reserved ones: LIMIT, OFFSET, FETCH and WINDOW are in Trino's `nonReserved` rule, so
 * `FROM orders limit, hr.salaries` is `orders AS limit` and then another table (a comma cannot
 * follow LIMIT, OFFSET or FETCH in their own clauses; WINDOW is read apart, `windowClauseAt`).
 */
const CLAUSE_ENDS = new Set(["where", "group", "having", "order", "union", "intersect", "except", "select"]);
/**
 * How a panel's statement may begin: a query (Trino's `rootQuery`). Every other statement is
 * refused: `EXPLAIN ANALYZE` runs its statement, `SHOW STATS FOR (...)`, `DESCRIBE`, `EXECUTE
 * IMMEDIATE '...'` and DDL read relations in forms a chart has no use for.
 */
const QUERY_BEGINNINGS = new Set(["select", "with", "values", "table", "("]);

/**
 * The table functions a panel may call (`TABLE(f(...))`): Trino's built-in ones, which read only
 * their table arguments. A connector's functions (`system.query(query => '...')`) pass text to
 * a database unread by this check.
 */
const TABLE_FUNCTIONS = new Set(["exclude_columns", "sequence"]);
const TABLE_FUNCTION_SCHEMAS = ["", "system.", "system.builtin.", "builtin."];

interface Frame {
    /**
     * A SELECT has been seen in this parenthesis: its FROM introduces tables (in `extract(year FROM t)` it
     * does not).
     */
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
    /**
     * The frame of its body, when its name becomes visible (a non-recursive WITH name is not visible in its
     * own body).
     */
    body?: number;
}

const isName = (t: Token | undefined) =>
    t !== undefined && (t.kind === "word" || t.kind === "quoted" || t.kind === "template");

/**
 * The tables `sql` reads, in the order written, each once. WITH names are not tables where
 * they are visible; `information_schema` reads are listed like any other (the caller decides).
 * Throws a Refusal (its message starts with "has") for text that cannot be read reliably.
 * `variables` are the names of the dashboard's own variables: values, never a table's name.
 */
export function tablesReadBy(sql: string, variables: ReadonlySet<string> = NO_VARIABLES): TableRead[] {
    const variable = templateVariableProblem(sql, variables);
    if (variable !== undefined) throw new Refusal(variable);
    const tokens = statementTokens(tokenize(expandMacros(sql, variables), variables));
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
                if (
                    t.kind === "word" &&
                    t.value === "recursive" &&
                    cte.current === undefined &&
                    isName(tokens[i + 1])
                ) {
                    cte.recursive = true;
                    continue;
                }
                cte.current = {
                    name: t.value.toLowerCase(),
                    frame: frame.id,
                    from: i,
                    recursive: cte.recursive,
                };
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
            // A name stands where a table does, unless it opens a query (`(SELECT ...` or `(TABLE t`
            // inside the parenthesis) or is a table function or LATERAL (`UNNEST(...)`, `TABLE(...)`):
            // those are read as usual below.
            // LATERAL is not reserved: `FROM lateral` reads a table of that name.
            const opensQuery =
                t.kind === "word" &&
                (["select", "with", "values", "table"].includes(t.value) ||
                    (t.value === "lateral" && tokens[i + 1]?.text === "("));
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
                // `a IS [NOT] DISTINCT FROM b` compares (reserved words, so unquoted: `"is" "distinct"
                // FROM t` is a column, its alias and a FROM); `extract(year FROM t)` is no query.
                if (frame.query && !distinctFrom(tokens, i)) {
                    frame.from = true;
                    frame.expect = true;
                }
                break;
            case "join":
                frame.from = true;
                frame.expect = true;
                break;
            case "with":
                // A WITH list begins a query only; elsewhere WITH is `WITH ORDINALITY`, `WITH TIME
                // ZONE`, `WITH TIES`, ..., and the FROM list goes on after it.
                if (prev === undefined || (prev.kind === "punct" && prev.text === "(")) {
                    const next = tokens[i + 1];
                    if (
                        next?.kind === "word" &&
                        ["function", "session"].includes(next.value) &&
                        isName(tokens[i + 2]) &&
                        tokens[i + 2].value !== "as"
                    ) {
                        throw new Refusal(
                            `has WITH ${next.value.toUpperCase()}: inline functions and ` +
                                `session settings are not read by this check`,
                        );
                    }
                    frame.cte = { state: "name", recursive: false };
                }
                break;
            case "table":
                // TABLE is reserved in Trino: never a column's or a table's name unquoted. `TABLE t`
                // is a query of its own (SELECT * FROM t) wherever it stands: first, after a WITH
                // list, after UNION, in a parenthesis, after EXPLAIN's options.
                if (prev?.text === ".") break;
                if (tokens[i + 1]?.text !== "(") {
                    if (isName(tokens[i + 1])) i = readName(tokens, i + 1, found);
                } else if (isName(tokens[i + 2]) && tokens[nameEnd(tokens, i + 2) + 1]?.text === ")") {
                    // A table argument of a table function, `TABLE(orders)` (Trino's polymorphic
                    // table functions): read the name, and the parenthesis as usual.
                    readName(tokens, i + 2, found);
                } else if (isName(tokens[i + 2]) && tokens[nameEnd(tokens, i + 2) + 1]?.text === "(") {
                    const fn = tokens
                        .slice(i + 2, nameEnd(tokens, i + 2) + 1)
                        .map((p) => p.value.toLowerCase())
                        .join("");
                    if (
                        !TABLE_FUNCTION_SCHEMAS.some(
                            (schema) => fn.startsWith(schema) && TABLE_FUNCTIONS.has(fn.slice(schema.length)),
                        )
                    ) {
                        throw new Refusal(
                            `calls the table function ${cut(fn)}, which may read what this check ` +
                                `cannot see (allowed: ${[...TABLE_FUNCTIONS].join(", ")})`,
                        );
                    }
                }
                break;
            case "window":
                if (windowClauseAt(tokens, i)) frame.from = false;
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
        ctes.some(
            (c) =>
                c.name === name &&
                at <= endOf(c.frame) &&
                at > (c.body !== undefined && !c.recursive ? endOf(c.body) : c.from),
        );
    const seen = new Set<string>();
    return found
        .filter(
            ({ read, at }) => !(read.parts.length === 1 && !read.templated && visibleCte(read.parts[0], at)),
        )
        .map(({ read }) => read)
        .filter((r) => {
            const key = r.parts.join(".");
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
        });
}

/**
 * The tokens of one query: a panel runs one statement, and only a query (`QUERY_BEGINNINGS`)
 * charts anything. A `;` may end it; nothing may follow.
 */
function statementTokens(tokens: Token[]): Token[] {
    const semicolon = tokens.findIndex((t) => t.kind === "punct" && t.text === ";");
    if (semicolon >= 0 && semicolon < tokens.length - 1)
        throw new Refusal("has more than one statement (text after a ;)");
    const statement = semicolon >= 0 ? tokens.slice(0, semicolon) : tokens;
    const first = statement[0];
    if (first === undefined) throw new Refusal("has no statement");
    if (first.kind === "word" && first.value === "explain") {
        throw new Refusal(
            "is an EXPLAIN: a panel charts a query (EXPLAIN ANALYZE runs it, and " +
                "its forms read tables this check does not follow)",
        );
    }
    if (!QUERY_BEGINNINGS.has(first.kind === "word" || first.kind === "punct" ? first.value : "")) {
        throw new Refusal(
            `is not a query (it begins with ${cut(first.text)}): a panel runs SELECT, WITH, VALUES or TABLE`,
        );
    }
    return statement;
}

const isWord = (t: Token | undefined, ...values: string[]) =>
    t !== undefined && t.kind === "word" && values.includes(t.value);

/** Whether the FROM at `i` is the end of `IS [NOT] DISTINCT FROM`, all three words unquoted. */
const distinctFrom = (tokens: Token[], i: number) =>
    isWord(tokens[i - 1], "distinct") && isWord(tokens[i - 2], "is", "not");

/** Whether the WINDOW at `i` begins a WINDOW clause (`WINDOW w AS (`), not an alias named window. */
const windowClauseAt = (tokens: Token[], i: number) =>
    isName(tokens[i + 1]) && isWord(tokens[i + 2], "as") && tokens[i + 3]?.text === "(";

/** The index of the last token of the dotted name that starts at `start`. */
function nameEnd(tokens: Token[], start: number): number {
    let i = start;
    while (tokens[i + 1]?.text === "." && isName(tokens[i + 2])) i += 2;
    return i;
}

/**
 * Reads the dotted name at `start` (`t`, `db.t`, `catalog.db.t`, parts quoted or not) into `found`; returns
 * the index of its last token.
 */
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
function cachedReads(sql: string, variables: ReadonlySet<string>): readonly TableRead[] {
    // A variable's name is a word (`\w+`): the NUL never occurs in it.
    const key = `${[...variables].sort().join(",")}\u0000${sql}`;
    let reads = readsCache.get(key);
    if (reads === undefined) {
        reads = tablesReadBy(sql, variables);
        if (readsCache.size >= READS_CACHE_SIZE) readsCache.clear();
        readsCache.set(key, reads);
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
const ALL_TABLES = "*";

/** Athena's schema of metadata views, answered from the catalog with the role's own permissions. */
const INFORMATION_SCHEMA = "information_schema";

/** Glue keeps names lowercase and Athena matches them without regard to case, quoted or not. */
const namesEqual = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** How much of a name from the SQL a message shows. */
const ECHO_LIMIT = 80;
const cut = (name: string) =>
    name.length > ECHO_LIMIT ? `${name.slice(0, ECHO_LIMIT)}… (${name.length} characters)` : name;

/** How many granted names a message lists before it says "…". */
const LISTED_TABLES = 10;

/**
 * What `sql` reads that `grant` does not cover, one phrase per table ("reads table x, which ...").
 * Unqualified names are of the grant's database (the query runs with the source's catalog and
 * database); `information_schema` reads are allowed (they show only what the role may read);
 * a metadata table such as `"orders$partitions"` is its table's; a name a template variable or
 * macro stands for, or completes, is refused (`variables`: the dashboard's own). Throws a Refusal for SQL
 * that cannot be read reliably.
 */
export function ungrantedReads(
    sql: string,
    grant: TableGrant,
    variables: ReadonlySet<string> = NO_VARIABLES,
): string[] {
    const problems: string[] = [];
    for (const found of cachedReads(sql, variables)) {
        if (found.templated) {
            problems.push(
                `reads ${cut(found.written)}, a table named by a template ` +
                    `variable: a panel names the tables it reads`,
            );
            continue;
        }
        // A message names what it refuses; it does not reproduce a name of any length.
        const read = { ...found, written: cut(found.written) };
        const parts = read.parts;
        if (parts.length > 3) {
            problems.push(
                `reads ${read.written}, which is not a table name (at most catalog.database.table)`,
            );
            continue;
        }
        const [catalog, database, table] =
            parts.length === 3
                ? parts
                : parts.length === 2
                  ? [undefined, ...parts]
                  : [undefined, undefined, parts[0]];
        if (catalog !== undefined && !namesEqual(catalog, grant.catalog)) {
            problems.push(
                `reads table ${read.written} of the catalog ${cut(catalog)}, but the ` +
                    `source grants only its catalog ${grant.catalog}`,
            );
            continue;
        }
        const db = cut(database ?? grant.database);
        if (namesEqual(db, INFORMATION_SCHEMA)) continue;
        if (!namesEqual(db, grant.database)) {
            problems.push(
                `reads table ${read.written} of the database ${db}, but the source ` +
                    `grants only tables of its database ${grant.database}`,
            );
            continue;
        }
        if (grant.tables.includes(ALL_TABLES)) continue;
        // Trino's metadata tables (`t$partitions`, `t$properties`) read their table's metadata.
        const base = table!.replace(/\$.*$/, "");
        if (grant.tables.some((g) => namesEqual(g, base))) continue;
        const listed =
            grant.tables.slice(0, LISTED_TABLES).join(", ") +
            (grant.tables.length > LISTED_TABLES ? `, … (${grant.tables.length})` : "");
        problems.push(`reads table ${read.written}, which the source does not grant (its tables: ${listed})`);
    }
    return problems;
}
