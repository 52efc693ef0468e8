/**
 * Text helpers of the plan diff: canonical JSON for comparing values, short renderings of values,
 * SQL with its hidden characters shown (Markdown escaping is shared/markdown.ts), and unified diffs
 * of two texts (the `diff` package).
 */
import { OMIT_HEADERS, createTwoFilesPatch } from "diff";
import type { PlanResource } from "../../plan/format";
import { byCodeUnits } from "../../../shared/order";
import { parseJson } from "./json";

export function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `o[k]` if `o` has its own key `k`: a key named `constructor` or `toString` never finds
 * `Object.prototype`'s.
 */
export function own(o: Record<string, unknown> | undefined, k: string): unknown {
    return o !== undefined && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** JSON with object keys sorted, for equality and identity of values. */
export function canonicalJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
    if (isObject(v)) {
        const keys = Object.keys(v)
            .filter((k) => v[k] !== undefined)
            .sort(byCodeUnits);
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
    }
    return v === undefined ? "null" : JSON.stringify(v);
}

export function same(a: unknown, b: unknown): boolean {
    return canonicalJson(a) === canonicalJson(b);
}

/**
 * Characters of SQL a reader must see: every control character but the line feed (a lone CR ends
 * a Trino `--` comment, and a renderer shows it as a space or nothing), line and paragraph
 * separators, and the invisible format characters (zero-width, bidi overrides).
 */
const HIDDEN_IN_SQL = /\r\n|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;

/**
 * SQL as a reviewer must read it: each character of `HIDDEN_IN_SQL` shown as its control picture
 * (`␍` for CR, `␉` for a tab, U+2400-U+2421) or, past those, as `⟨U+XXXX⟩`. A CR, alone or before a
 * line feed, also breaks the line there, as it does for Trino.
 */
export function visibleControls(sql: string): string {
    return sql.replace(HIDDEN_IN_SQL, (c) => {
        if (c === "\r\n" || c === "\r") return "␍\n";
        const n = c.codePointAt(0)!;
        if (n < 0x20) return String.fromCodePoint(0x2400 + n);
        if (n === 0x7f) return "␡";
        return `⟨U+${n.toString(16).toUpperCase().padStart(4, "0")}⟩`;
    });
}

/** A short, single-line rendering of a value. */
export function short(v: unknown, max = 100): string {
    const s = v === undefined ? "(none)" : typeof v === "string" ? JSON.stringify(v) : canonicalJson(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** 65000 -> "65,000", without depending on the runtime's locale data. */
export function thousands(n: number): string {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function plural(n: number, word: string, many = `${word}s`): string {
    return `${n} ${n === 1 ? word : many}`;
}

/**
 * Any value as text: a string as it is, anything else as canonical JSON (never `String(object)`, which a
 * prototype-free object refuses).
 */
export function asText(v: unknown): string {
    return typeof v === "string" ? v : canonicalJson(v);
}

export function asList(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : canonicalJson(x)));
}

/**
 * A JSON document inside a string input, parsed within the plan diff's bounds (json.ts); out of bounds reads
 * as not JSON.
 */
function tryJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
    if (typeof text !== "string") return { ok: false };
    try {
        return { ok: true, value: parseJson(text) };
    } catch {
        return { ok: false };
    }
}

/** Pretty JSON for a JSON-string input; the raw text when it is not JSON (e.g. "[secret]"). */
export function pretty(text: unknown): string {
    if (text === undefined) return "";
    const parsed = tryJson(text);
    if (parsed.ok) return JSON.stringify(parsed.value, null, 2);
    return typeof text === "string" ? text : JSON.stringify(text, null, 2);
}

/** The JSON-text inputs named `inputs` that differ between the two sides, parsed. */
export function* changedJsonInputs(
    before: PlanResource | undefined,
    after: PlanResource | undefined,
    inputs: readonly string[],
) {
    for (const input of inputs) {
        const b = own(before?.inputs, input);
        const a = own(after?.inputs, input);
        if (typeof a !== "string" && typeof b !== "string") continue;
        if (same(a, b)) continue;
        const status: "added" | "removed" | "changed" =
            b === undefined ? "added" : a === undefined ? "removed" : "changed";
        yield { input, b, a, pb: tryJson(b), pa: tryJson(a), status };
    }
}

export function sortedKeys<K extends string>(...maps: Map<K, unknown>[]): K[] {
    const keys = new Set<K>();
    for (const m of maps) for (const k of m.keys()) keys.add(k);
    return [...keys].sort(byCodeUnits);
}

/**
 * A unified diff (`@@ -a,b +c,d @@` hunks, `context` lines around each change) of two texts,
 * without file headers; "" when they are equal.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
    // Both texts end with a newline, so that the diff never carries "\ No newline at end of file".
    const asLines = (t: string) => (t === "" ? "" : `${t.replace(/\r\n/g, "\n").replace(/\n$/, "")}\n`);
    const [a, b] = [asLines(before), asLines(after)];
    if (a === b) return "";
    // Myers' diff costs O(N * D): past MAX_EDIT_LENGTH edits the texts are too different for a
    // line-by-line diff to help a reader, and it would cost seconds; the diff then replaces all.
    const patch = createTwoFilesPatch("base", "head", a, b, undefined, undefined, {
        context,
        headerOptions: OMIT_HEADERS,
        maxEditLength: MAX_EDIT_LENGTH,
    });
    return (patch ?? wholeReplacement(a, b)).replace(/\n+$/, "");
}

/** The most line edits a diff looks for before it shows the texts as replaced entirely. */
export const MAX_EDIT_LENGTH = 400;

/** A unified diff that removes every line of `a` and adds every line of `b` (one hunk). */
function wholeReplacement(a: string, b: string): string {
    const lines = (t: string) => (t === "" ? [] : t.replace(/\n$/, "").split("\n"));
    const [old, now] = [lines(a), lines(b)];
    const range = (n: number) => (n === 0 ? "0,0" : n === 1 ? "1" : `1,${n}`);
    return [
        `@@ -${range(old.length)} +${range(now.length)} @@`,
        ...old.map((l) => `-${l}`),
        ...now.map((l) => `+${l}`),
        "",
    ].join("\n");
}

/** Caps a block of lines, saying how many were left out. */
export function capLines(text: string, maxLines: number): string {
    const lines = text.split("\n");
    if (lines.length <= maxLines) return text;
    return [
        ...lines.slice(0, maxLines),
        `… ${lines.length - maxLines} more lines not shown here (the full diff is in the job summary)`,
    ].join("\n");
}
