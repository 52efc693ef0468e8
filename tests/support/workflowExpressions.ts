/**
 * GitHub's `${{ }}` expressions, parsed as GitHub reads them: context, property and function names
 * case-insensitive, and string comparisons too; a condition's conjuncts and the references it makes.
 */
import { Step } from "./workflowModel";

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Expr =
    | { kind: "literal"; value: string | number | boolean | null }
    /** A context path, lower-cased, `*` for an index that is not a literal (`secrets[x]` is `secrets.*`). */
    | { kind: "ref"; path: string; inner: Expr[] }
    | { kind: "call"; name: string; args: Expr[]; path: string }
    | { kind: "not"; arg: Expr }
    | { kind: "binary"; op: string; left: Expr; right: Expr };

type Token = { t: "str" | "num" | "id" | "op"; v: string };

function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "'") {
            let v = "";
            i++;
            for (;;) {
                if (i >= text.length) throw new Error(`unterminated string in "${text}"`);
                if (text[i] === "'" && text[i + 1] === "'") {
                    v += "'";
                    i += 2;
                } else if (text[i] === "'") {
                    i++;
                    break;
                } else v += text[i++];
            }
            tokens.push({ t: "str", v });
        } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
            const m = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(text.slice(i))!;
            tokens.push({ t: "num", v: m[0] });
            i += m[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
            tokens.push({ t: "id", v: m[0] });
            i += m[0].length;
        } else {
            const op =
                ["==", "!=", "<=", ">=", "&&", "||"].find((o) => text.startsWith(o, i)) ??
                (/[!<>()[\].,*]/.test(c) ? c : undefined);
            if (op === undefined) throw new Error(`unexpected "${c}" in "${text}"`);
            tokens.push({ t: "op", v: op });
            i += op.length;
        }
    }
    return tokens;
}

/** Parses one expression (the text inside `${{ }}`, or a whole `if:`). Throws on a syntax error. */
export function parseExpression(text: string): Expr {
    const tokens = tokenize(text);
    let pos = 0;
    const peek = (v?: string) =>
        pos < tokens.length && (v === undefined || (tokens[pos].t === "op" && tokens[pos].v === v))
            ? tokens[pos]
            : undefined;
    const expect = (v: string) => {
        if (!peek(v)) throw new Error(`expected "${v}" in "${text}"`);
        pos++;
    };
    const binary = (ops: string[], next: () => Expr) => (): Expr => {
        let left = next();
        while (peek() && tokens[pos].t === "op" && ops.includes(tokens[pos].v)) {
            const op = tokens[pos++].v;
            left = { kind: "binary", op, left, right: next() };
        }
        return left;
    };
    const primary = (): Expr => {
        const tok = tokens[pos++];
        if (tok === undefined) throw new Error(`unexpected end of "${text}"`);
        let e: Expr;
        if (tok.t === "str") e = { kind: "literal", value: tok.v };
        else if (tok.t === "num") e = { kind: "literal", value: Number(tok.v) };
        else if (tok.t === "op" && tok.v === "(") {
            e = or();
            expect(")");
        } else if (tok.t === "id") {
            const name = tok.v.toLowerCase();
            if (peek("(")) {
                pos++;
                const args: Expr[] = [];
                while (!peek(")")) {
                    args.push(or());
                    if (!peek(")")) expect(",");
                }
                pos++;
                e = { kind: "call", name, args, path: "" };
            } else if (["true", "false", "null"].includes(name))
                e = { kind: "literal", value: name === "null" ? null : name === "true" };
            else e = { kind: "ref", path: name, inner: [] };
        } else throw new Error(`unexpected "${tok.v}" in "${text}"`);
        // Property access and indexing: on a context, a longer path; on a call's result, its path.
        for (;;) {
            if (peek(".")) {
                pos++;
                const p = tokens[pos++];
                if (p === undefined || !(p.t === "id" || (p.t === "op" && p.v === "*")))
                    throw new Error(`expected a property name in "${text}"`);
                e = extend(e, p.v.toLowerCase(), []);
            } else if (peek("[")) {
                pos++;
                const index = or();
                expect("]");
                e =
                    index.kind === "literal" && typeof index.value === "string"
                        ? extend(e, index.value.toLowerCase(), [])
                        : extend(e, "*", [index]);
            } else break;
        }
        return e;
    };
    const unary = (): Expr => {
        if (peek("!")) {
            pos++;
            return { kind: "not", arg: unary() };
        }
        return primary();
    };
    const relational = binary(["<", "<=", ">", ">="], unary);
    const equality = binary(["==", "!="], relational);
    const and = binary(["&&"], equality);
    const or = binary(["||"], and);
    const e = or();
    if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos].v}" in "${text}"`);
    return e;
}

function extend(e: Expr, name: string, inner: Expr[]): Expr {
    if (e.kind === "ref") return { kind: "ref", path: `${e.path}.${name}`, inner: [...e.inner, ...inner] };
    if (e.kind === "call") return { ...e, path: `${e.path}.${name}`, args: [...e.args, ...inner] };
    return e;
}

/** The `${{ }}` expressions of a string value, parsed. */
export function expressionsIn(value: string): Expr[] {
    const found: Expr[] = [];
    const re = /\$\{\{([\s\S]*?)\}\}/g;
    for (let m = re.exec(value); m !== null; m = re.exec(value)) found.push(parseExpression(m[1]));
    return found;
}

/**
 * An `if:` as GitHub evaluates it: a bare expression, or one `${{ }}`. A value with text around its
 * `${{ }}` is a non-empty string, which is always true.
 */
export function parseCondition(condition: string | boolean | undefined): Expr {
    if (condition === undefined) return { kind: "literal", value: true };
    if (typeof condition === "boolean") return { kind: "literal", value: condition };
    const text = condition.trim();
    const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
    if (whole && !whole[1].includes("}}")) return parseExpression(whole[1]);
    if (text.includes("${{")) return { kind: "literal", value: text };
    return parseExpression(text);
}

/**
 * Every context path an expression reads, lower-cased; a whole context passed on (`toJSON(secrets)`) is its
 * bare name.
 */
export function refsOf(e: Expr): string[] {
    switch (e.kind) {
        case "literal":
            return [];
        case "ref":
            return [e.path, ...e.inner.flatMap(refsOf)];
        case "call":
            return e.args.flatMap(refsOf);
        case "not":
            return refsOf(e.arg);
        case "binary":
            return [...refsOf(e.left), ...refsOf(e.right)];
    }
}

/** The terms of an expression joined by `&&` (the expression itself when it is not an `&&`). */
const conjunctsOf = (x: Expr): Expr[] =>
    x.kind === "binary" && x.op === "&&" ? [...conjunctsOf(x.left), ...conjunctsOf(x.right)] : [x];

/**
 * The terms of a condition joined by a top-level `&&`, or undefined when a top-level `||` makes every term
 * optional.
 */
export function conjuncts(condition: string | boolean | undefined): Expr[] | undefined {
    const e = parseCondition(condition);
    if (e.kind === "binary" && e.op === "||") return undefined;
    // A truthy literal (true, a non-empty string) guarantees nothing.
    return conjunctsOf(e).filter((t) => !(t.kind === "literal" && Boolean(t.value)));
}

/** An expression as text, normalised (lower-case paths), for messages and tests. */
export function show(e: Expr): string {
    switch (e.kind) {
        case "literal":
            return typeof e.value === "string" ? `'${e.value}'` : String(e.value);
        case "ref":
            return e.path;
        case "call":
            return `${e.name}(${e.args.map(show).join(", ")})${e.path}`;
        case "not":
            return `!${show(e.arg)}`;
        case "binary":
            return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    }
}

type Operand = { ref: string } | { literal: string };

const matches = (e: Expr, o: Operand) =>
    "ref" in o
        ? e.kind === "ref" && e.path === o.ref
        : e.kind === "literal" &&
          typeof e.value === "string" &&
          e.value.toLowerCase() === o.literal.toLowerCase();

/** Whether a term is `a OP b` (either way round; string literals compared as GitHub does, ignoring case). */
export function isComparison(term: Expr, op: "==" | "!=", a: Operand, b: Operand): boolean {
    return (
        term.kind === "binary" &&
        term.op === op &&
        ((matches(term.left, a) && matches(term.right, b)) ||
            (matches(term.left, b) && matches(term.right, a)))
    );
}

/** Whether a condition requires (a top-level `&&` term) `a OP b`. */
export const requiresComparison = (
    condition: string | boolean | undefined,
    op: "==" | "!=",
    a: Operand,
    b: Operand,
) => (conjuncts(condition) ?? []).some((t) => isComparison(t, op, a, b));

export const requiresCall = (condition: string | boolean | undefined, name: string, negated: boolean) =>
    (conjuncts(condition) ?? []).some((t) =>
        negated
            ? t.kind === "not" && t.arg.kind === "call" && t.arg.name === name
            : t.kind === "call" && t.name === name,
    );

/** Every string value below a value (keys too), depth first. */
export function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(stringsIn);
    if (value !== null && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
    return [];
}

/** The context paths the expressions of a value read. */
export const refsIn = (value: unknown): string[] =>
    stringsIn(value).flatMap((s) => expressionsIn(s).flatMap(refsOf));

/** A step's `with:` input as text, `${{ }}` included. */
export const input = (s: Step, key: string): string =>
    s.with?.[key] === undefined ? "" : String(s.with[key]);

/** The single context path a value is, when it is exactly `${{ path }}`. */
export function refValue(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
    if (!m) return undefined;
    const e = parseExpression(m[1]);
    return e.kind === "ref" ? e.path : undefined;
}
