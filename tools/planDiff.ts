/**
 * Compares two folders of offline plans (`npm run synth` output, matched by file name) and writes
 * GitHub-flavoured Markdown for a pull-request comment: resources added / removed / changed, a
 * readable diff of every IAM policy (statement summary + unified diff of the pretty-printed JSON),
 * every dashboard (panels added / removed / changed, SQL diffs), data source JSON, and — flagged
 * first — the resource options that decide what `pulumi up` / `destroy` deletes.
 *
 *   ts-node --transpile-only tools/planDiff.ts <base-dir> <head-dir> [--out FILE] [--full FILE]
 *       [--base-label TEXT] [--head-label TEXT] [--note TEXT]... [--failed TEXT]
 *
 * Pure functions (no clock, no environment, sorted by code units): the same plans give
 * byte-identical Markdown. The comment starts with MARKER so a workflow can find and update it,
 * and stays under GitHub's 65,536-character comment limit (truncated with a note).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as parseCommandLine } from "util";
import type { Plan, PlanRead, PlanResource } from "./mockRuntime";

/** First line of every comment: lets the commenting workflow find and update its own comment. */
export const MARKER = "<!-- grafana-athena-plan-diff -->";
/** GitHub rejects issue/PR comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** Default size of a rendered comment: under the limit, with room to spare. */
export const DEFAULT_MAX_LENGTH = 65000;
/** Default cap on the lines of one diff block (the untruncated rendering has none). */
export const DEFAULT_MAX_DIFF_LINES = 300;

const TITLE = "## Offline plan diff";

// ---------------------------------------------------------------------------------------------
// Small utilities

function byCodeUnits(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted, for equality and identity of values. */
export function canonicalJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
    if (isObject(v)) {
        const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(byCodeUnits);
        return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
    }
    return v === undefined ? "null" : JSON.stringify(v);
}

function same(a: unknown, b: unknown): boolean {
    return canonicalJson(a) === canonicalJson(b);
}

/** Inline code that survives backticks and newlines in the text. */
function code(text: string): string {
    const s = text.replace(/\r?\n/g, " ");
    const runs = s.match(/`+/g) ?? [];
    const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
    const ticks = "`".repeat(longest + 1);
    const pad = s.startsWith("`") || s.endsWith("`") || (s.startsWith(" ") && s.endsWith(" ") && s.trim() !== "") ? " " : "";
    return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fence(content: string, lang = ""): string {
    const runs = content.match(/`{3,}/g) ?? [];
    const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
    const f = "`".repeat(Math.max(3, longest + 1));
    return `${f}${lang}\n${content}\n${f}`;
}

/** Text for a table cell. */
function cell(text: string): string {
    return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** A short, single-line rendering of a value. */
function short(v: unknown, max = 100): string {
    const s = v === undefined ? "(none)" : typeof v === "string" ? JSON.stringify(v) : canonicalJson(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** 65000 -> "65,000", without depending on the runtime's locale data. */
function thousands(n: number): string {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(n: number, word: string, many = `${word}s`): string {
    return `${n} ${n === 1 ? word : many}`;
}

function asList(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : canonicalJson(x)));
}

function tryJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
    if (typeof text !== "string") return { ok: false };
    try {
        return { ok: true, value: JSON.parse(text) };
    } catch {
        return { ok: false };
    }
}

/** Pretty JSON for a JSON-string input; the raw text when it is not JSON (e.g. "[secret]"). */
function pretty(text: unknown): string {
    if (text === undefined) return "";
    const parsed = tryJson(text);
    if (parsed.ok) return JSON.stringify(parsed.value, null, 2);
    return typeof text === "string" ? text : JSON.stringify(text, null, 2);
}

// ---------------------------------------------------------------------------------------------
// Unified diff (LCS on lines)

export interface DiffLine {
    op: " " | "-" | "+";
    text: string;
}

/** Cells of the LCS table above which the middle of a diff is shown as replaced whole. */
const MAX_LCS_CELLS = 16_000_000;

/** Line diff: common prefix and suffix, then a longest-common-subsequence walk of the middle. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
        endA--;
        endB--;
    }
    const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: " ", text }));
    const midA = a.slice(start, endA);
    const midB = b.slice(start, endB);
    const n = midA.length;
    const m = midB.length;
    if (n * m > MAX_LCS_CELLS) {
        for (const text of midA) out.push({ op: "-", text });
        for (const text of midB) out.push({ op: "+", text });
    } else {
        const w = m + 1;
        const lcs = new Uint32Array((n + 1) * w);
        for (let i = n - 1; i >= 0; i--) {
            for (let j = m - 1; j >= 0; j--) {
                lcs[i * w + j] = midA[i] === midB[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
            }
        }
        let i = 0;
        let j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && midA[i] === midB[j]) {
                out.push({ op: " ", text: midA[i++] });
                j++;
            } else if (j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
                out.push({ op: "-", text: midA[i++] });
            } else {
                out.push({ op: "+", text: midB[j++] });
            }
        }
    }
    for (const text of a.slice(endA)) out.push({ op: " ", text });
    return out;
}

function splitLines(text: string): string[] {
    return text === "" ? [] : text.replace(/\r\n/g, "\n").split("\n");
}

/**
 * A unified diff (`@@ -a,b +c,d @@` hunks, `context` lines around each change) of two texts;
 * "" when they are equal.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
    const ops = diffLines(splitLines(before), splitLines(after));
    const changed = ops.map((o, i) => (o.op === " " ? -1 : i)).filter((i) => i >= 0);
    if (changed.length === 0) return "";
    const hunks: [number, number][] = [];
    for (const i of changed) {
        const from = Math.max(0, i - context);
        const to = Math.min(ops.length, i + context + 1);
        const last = hunks[hunks.length - 1];
        if (last && from <= last[1]) last[1] = Math.max(last[1], to);
        else hunks.push([from, to]);
    }
    const lines: string[] = [];
    for (const [from, to] of hunks) {
        let oldStart = 1;
        let newStart = 1;
        for (let k = 0; k < from; k++) {
            if (ops[k].op !== "+") oldStart++;
            if (ops[k].op !== "-") newStart++;
        }
        const slice = ops.slice(from, to);
        const oldLen = slice.filter((o) => o.op !== "+").length;
        const newLen = slice.filter((o) => o.op !== "-").length;
        lines.push(`@@ -${oldLen === 0 ? oldStart - 1 : oldStart},${oldLen} +${newLen === 0 ? newStart - 1 : newStart},${newLen} @@`);
        for (const o of slice) lines.push(`${o.op}${o.text}`);
    }
    return lines.join("\n");
}

/** Caps a block of lines, saying how many were left out. */
function capLines(text: string, maxLines: number): string {
    const lines = text.split("\n");
    if (lines.length <= maxLines) return text;
    return [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines not shown here (the full diff is in the job summary)`].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Plans: reading and normalising (base plans may come from an older synth)


/** Checks the shape of a plan file and fills fields an older synth may not have written. */
export function normalizePlan(raw: unknown, file = "plan"): Plan {
    if (!isObject(raw) || !Array.isArray(raw.resources)) {
        throw new Error(`${file}: not a plan (expected {project, stack, resources: [...]})`);
    }
    const resources: PlanResource[] = raw.resources.map((r, i) => {
        if (!isObject(r) || typeof r.type !== "string" || typeof r.name !== "string") {
            throw new Error(`${file}: resources[${i}] needs a string type and name`);
        }
        const o = isObject(r.options) ? r.options : {};
        return {
            type: r.type,
            name: r.name,
            parent: typeof r.parent === "string" ? r.parent : null,
            provider: typeof r.provider === "string" ? r.provider : null,
            inputs: isObject(r.inputs) ? r.inputs : {},
            options: {
                protect: o.protect === true,
                retainOnDelete: o.retainOnDelete === true,
                import: typeof o.import === "string" && o.import !== "" ? o.import : null,
                dependsOn: Array.isArray(o.dependsOn) ? o.dependsOn.map(String).sort(byCodeUnits) : [],
                additionalSecretOutputs: Array.isArray(o.additionalSecretOutputs) ? o.additionalSecretOutputs.map(String).sort(byCodeUnits) : [],
            },
        };
    });
    const reads: PlanRead[] = (Array.isArray(raw.reads) ? raw.reads : []).filter(isObject).map((r) => ({
        type: String(r.type),
        name: String(r.name),
        id: String(r.id),
        parent: typeof r.parent === "string" ? r.parent : null,
    }));
    return {
        project: typeof raw.project === "string" ? raw.project : "(unknown project)",
        stack: typeof raw.stack === "string" ? raw.stack : "(unknown stack)",
        resources,
        reads,
        outputs: isObject(raw.outputs) ? raw.outputs : {},
        secretOutputs: Array.isArray(raw.secretOutputs) ? raw.secretOutputs.map(String) : [],
    };
}

/** The plans in a folder, by file name (`*.json`); an absent folder has none. */
export function readPlanDir(dir: string): Record<string, Plan> {
    const plans: Record<string, Plan> = {};
    if (!fs.existsSync(dir)) return plans;
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort(byCodeUnits);
    for (const f of files) {
        const file = path.join(dir, f);
        let raw: unknown;
        try {
            raw = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (e) {
            throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
        }
        plans[f] = normalizePlan(raw, file);
    }
    return plans;
}

// ---------------------------------------------------------------------------------------------
// Comparing resources

/** Inputs holding an IAM policy document as a JSON string. */
const POLICY_INPUTS = ["assumeRolePolicy", "policy"];
/** Inputs holding a Grafana dashboard model as a JSON string. */
const DASHBOARD_INPUTS = ["configJson"];
/** Other JSON-string inputs worth a pretty diff (Grafana data source settings). */
const JSON_INPUTS = ["jsonDataEncoded"];
const DOCUMENT_INPUTS = new Set([...POLICY_INPUTS, ...DASHBOARD_INPUTS, ...JSON_INPUTS]);

function resourceKey(r: { type: string; name: string }): string {
    return `${r.type}\u0000${r.name}`;
}

/** Resources by type+name; a duplicate type+name (different parents) is told apart by parent. */
function indexResources<T extends { type: string; name: string; parent: string | null }>(items: readonly T[]): Map<string, T> {
    const counts = new Map<string, number>();
    for (const r of items) counts.set(resourceKey(r), (counts.get(resourceKey(r)) ?? 0) + 1);
    const out = new Map<string, T>();
    for (const r of items) {
        const k = (counts.get(resourceKey(r)) ?? 0) > 1 ? `${resourceKey(r)}\u0000${r.parent ?? ""}` : resourceKey(r);
        out.set(k, r);
    }
    return out;
}

function sortedKeys<K extends string>(...maps: Map<K, unknown>[]): K[] {
    const keys = new Set<K>();
    for (const m of maps) for (const k of m.keys()) keys.add(k);
    return [...keys].sort(byCodeUnits);
}

export interface ValueChange {
    path: string;
    before: unknown;
    after: unknown;
}

/** Leaf-level differences of two values ("a.b[2]" paths); arrays of different lengths are leaves. */
export function valueChanges(before: unknown, after: unknown, at = ""): ValueChange[] {
    if (same(before, after)) return [];
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodeUnits);
        return keys.flatMap((k) => valueChanges(before[k], after[k], at ? `${at}.${k}` : k));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((v, i) => valueChanges(v, after[i], `${at}[${i}]`));
    }
    return [{ path: at, before, after }];
}

/** One flag about what `pulumi up` / `destroy` will delete, adopt or keep. */
export interface OptionFlag {
    resource: string;
    type: string;
    text: string;
}

export interface ResourceChange {
    type: string;
    name: string;
    inputKeys: string[];
    inputChanges: ValueChange[];
    optionChanges: ValueChange[];
    parent?: { before: string | null; after: string | null };
    provider?: { before: string | null; after: string | null };
}

export interface PolicyDiff {
    resource: string;
    type: string;
    input: string;
    status: "added" | "removed" | "changed";
    summary: string[];
    diff: string;
}

export interface PanelChange {
    title: string;
    status: "added" | "removed" | "changed";
    typeBefore?: string;
    typeAfter?: string;
    changedKeys: string[];
    sql: { refId: string; diff: string }[];
}

export interface DashboardDiff {
    resource: string;
    type: string;
    status: "added" | "removed" | "changed";
    title: string;
    notes: string[];
    panels: PanelChange[];
}

export interface JsonDocDiff {
    resource: string;
    type: string;
    input: string;
    status: "added" | "removed" | "changed";
    diff: string;
}

export interface StackDiff {
    file: string;
    project: string;
    stack: string;
    status: "added" | "removed" | "changed" | "unchanged";
    added: PlanResource[];
    removed: PlanResource[];
    changed: ResourceChange[];
    flags: OptionFlag[];
    reads: { added: PlanRead[]; removed: PlanRead[]; changed: { before: PlanRead; after: PlanRead }[] };
    outputs: ValueChange[];
    policies: PolicyDiff[];
    dashboards: DashboardDiff[];
    jsonDocs: JsonDocDiff[];
}

function optionFlagsForAdded(r: PlanResource): string[] {
    const out: string[] = [];
    if (r.options.import) out.push(`added with ${code(`import: ${r.options.import}`)}: adopts an existing cloud resource (and \`destroy\` will delete it unless retained)`);
    if (r.options.protect) out.push("added with `protect: true`: `destroy` fails until it is unprotected");
    if (r.options.retainOnDelete) out.push("added with `retainOnDelete: true`: `destroy` leaves it in the cloud");
    return out;
}

function optionFlagsForRemoved(r: PlanResource): string[] {
    if (r.options.protect) return ["removed, but `protect: true` in the base: `pulumi up` fails until it is unprotected"];
    if (r.options.retainOnDelete) return ["removed; `retainOnDelete: true` in the base: `pulumi up` drops it from the state and leaves it in the cloud"];
    return ["removed: `pulumi up` deletes it from the cloud"];
}

function optionFlagsForChanged(before: PlanResource, after: PlanResource): string[] {
    const out: string[] = [];
    const o1 = before.options;
    const o2 = after.options;
    if (o1.protect !== o2.protect) {
        out.push(`\`protect\`: \`${o1.protect}\` → \`${o2.protect}\`${o2.protect ? " (`destroy` will fail on it)" : " (`destroy` may now delete it)"}`);
    }
    if (o1.retainOnDelete !== o2.retainOnDelete) {
        out.push(
            `\`retainOnDelete\`: \`${o1.retainOnDelete}\` → \`${o2.retainOnDelete}\`` +
                (o2.retainOnDelete ? " (`destroy` will leave it in the cloud)" : " (`destroy` will now DELETE it from the cloud)"),
        );
    }
    if (o1.import !== o2.import) out.push(`\`import\`: ${code(String(o1.import))} → ${code(String(o2.import))}`);
    if (before.parent !== after.parent) {
        out.push(`parent: ${code(String(before.parent))} → ${code(String(after.parent))}: the URN changes; without an alias Pulumi deletes and recreates it`);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// IAM policies

interface Statement {
    key: string;
    label: string;
    raw: Record<string, unknown>;
}

function statementsOf(doc: unknown): Statement[] {
    if (!isObject(doc)) return [];
    const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    const seen = new Map<string, number>();
    return list.filter(isObject).map((raw, i) => {
        const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
        let key = sid ?? `\u0000${canonicalJson(raw)}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        if (n > 1) key = `${key}\u0000${n}`;
        return { key, label: sid ?? `#${i + 1} (no Sid)`, raw };
    });
}

function principals(v: unknown): string[] {
    if (v === undefined) return [];
    if (typeof v === "string") return [v];
    if (!isObject(v)) return [canonicalJson(v)];
    return Object.keys(v)
        .sort(byCodeUnits)
        .flatMap((kind) => asList(v[kind]).map((p) => `${kind}:${p}`));
}

function conditions(v: unknown): string[] {
    if (!isObject(v)) return v === undefined ? [] : [canonicalJson(v)];
    const out: string[] = [];
    for (const op of Object.keys(v).sort(byCodeUnits)) {
        const keys = v[op];
        if (!isObject(keys)) {
            out.push(`${op} ${canonicalJson(keys)}`);
            continue;
        }
        for (const k of Object.keys(keys).sort(byCodeUnits)) out.push(`${op} ${k} = ${asList(keys[k]).join(" | ")}`);
    }
    return out;
}

const STATEMENT_FIELDS: { field: string; label: string; list: (v: unknown) => string[] }[] = [
    { field: "Principal", label: "principal", list: principals },
    { field: "NotPrincipal", label: "not-principal", list: principals },
    { field: "Action", label: "action", list: asList },
    { field: "NotAction", label: "not-action", list: asList },
    { field: "Resource", label: "resource", list: asList },
    { field: "NotResource", label: "not-resource", list: asList },
    { field: "Condition", label: "condition", list: conditions },
];

/** Marks the grants a reviewer should look at twice: wildcard actions, `*` resources and principals. */
function wildcard(label: string, item: string): string {
    const broad =
        ((label === "action" || label === "not-action") && item.includes("*")) ||
        ((label === "resource" || label === "not-resource") && item === "*") ||
        ((label === "principal" || label === "not-principal") && (item === "*" || item.endsWith(":*")));
    return broad ? " (wildcard)" : "";
}

function describeStatement(s: Statement): string {
    const parts: string[] = [];
    for (const { field, label, list } of STATEMENT_FIELDS) {
        const items = list(s.raw[field]);
        if (items.length === 0) continue;
        parts.push(`${items.length === 1 ? label : `${label}s`} ${items.join(", ")}`);
    }
    const effect = typeof s.raw.Effect === "string" ? s.raw.Effect : "(no Effect)";
    return `statement ${s.label}: ${effect} ${parts.join("; ")}`;
}

/** Statement-level summary: `+ statement X: …`, `- statement Y: …`, `! statement Z:` with item lines. */
export function policySummary(beforeDoc: unknown, afterDoc: unknown): string[] {
    const before = new Map(statementsOf(beforeDoc).map((s) => [s.key, s]));
    const after = new Map(statementsOf(afterDoc).map((s) => [s.key, s]));
    const out: string[] = [];
    const order = [...new Set([...after.keys(), ...before.keys()])];
    for (const key of order) {
        const b = before.get(key);
        const a = after.get(key);
        if (a && !b) out.push(`+ ${describeStatement(a)}`);
        else if (b && !a) out.push(`- ${describeStatement(b)}`);
        else if (a && b && !same(a.raw, b.raw)) {
            out.push(`! statement ${a.label}:`);
            if (a.raw.Effect !== b.raw.Effect) out.push(`!     effect ${String(b.raw.Effect)} → ${String(a.raw.Effect)}`);
            for (const { field, label, list } of STATEMENT_FIELDS) {
                const l1 = list(b.raw[field]);
                const l2 = list(a.raw[field]);
                for (const item of l2.filter((x) => !l1.includes(x))) out.push(`+     ${label} ${item}${wildcard(label, item)}`);
                for (const item of l1.filter((x) => !l2.includes(x))) out.push(`-     ${label} ${item}`);
            }
            const known = new Set(["Sid", "Effect", ...STATEMENT_FIELDS.map((f) => f.field)]);
            const other = [...new Set([...Object.keys(a.raw), ...Object.keys(b.raw)])].filter((k) => !known.has(k) && !same(a.raw[k], b.raw[k]));
            for (const k of other.sort(byCodeUnits)) out.push(`!     ${k} changed`);
        }
    }
    if (!isObject(beforeDoc) || !isObject(afterDoc)) return out;
    const docChanges = [...new Set([...Object.keys(isObject(beforeDoc) ? beforeDoc : {}), ...Object.keys(isObject(afterDoc) ? afterDoc : {})])]
        .filter((k) => k !== "Statement")
        .sort(byCodeUnits)
        .filter((k) => !same(isObject(beforeDoc) ? beforeDoc[k] : undefined, isObject(afterDoc) ? afterDoc[k] : undefined));
    for (const k of docChanges) {
        out.push(`! ${k}: ${short(isObject(beforeDoc) ? beforeDoc[k] : undefined)} → ${short(isObject(afterDoc) ? afterDoc[k] : undefined)}`);
    }
    return out;
}

/** The JSON-text inputs named `inputs` that differ between the two sides, parsed. */
function* changedJsonInputs(before: PlanResource | undefined, after: PlanResource | undefined, inputs: readonly string[]) {
    for (const input of inputs) {
        const b = before?.inputs[input];
        const a = after?.inputs[input];
        if (typeof a !== "string" && typeof b !== "string") continue;
        if (same(a, b)) continue;
        const status: "added" | "removed" | "changed" = b === undefined ? "added" : a === undefined ? "removed" : "changed";
        yield { input, b, a, pb: tryJson(b), pa: tryJson(a), status };
    }
}

function policyDiffs(before: PlanResource | undefined, after: PlanResource | undefined): PolicyDiff[] {
    const r = (after ?? before)!;
    const out: PolicyDiff[] = [];
    for (const { input, b, a, pb, pa, status } of changedJsonInputs(before, after, POLICY_INPUTS)) {
        out.push({
            resource: r.name,
            type: r.type,
            input,
            status,
            summary: policySummary(pb.ok ? pb.value : undefined, pa.ok ? pa.value : undefined),
            diff: unifiedDiff(pretty(b), pretty(a)),
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Dashboards

interface PanelInfo {
    key: string;
    title: string;
    type: string;
    raw: Record<string, unknown>;
}

function panelsOf(dashboard: unknown): PanelInfo[] {
    const flat: Record<string, unknown>[] = [];
    const walk = (list: unknown) => {
        if (!Array.isArray(list)) return;
        for (const p of list) {
            if (!isObject(p)) continue;
            flat.push(p);
            walk(p.panels); // panels inside a collapsed row
        }
    };
    walk(isObject(dashboard) ? dashboard.panels : undefined);
    const seen = new Map<string, number>();
    return flat.map((raw) => {
        const type = typeof raw.type === "string" ? raw.type : "(no type)";
        const title = typeof raw.title === "string" && raw.title !== "" ? raw.title : `(untitled ${type}, id ${String(raw.id)})`;
        const n = (seen.get(title) ?? 0) + 1;
        seen.set(title, n);
        return { key: n > 1 ? `${title} #${n}` : title, title: n > 1 ? `${title} #${n}` : title, type, raw };
    });
}

const SQL_KEYS = ["rawSQL", "rawSql", "queryText", "query"];

function sqlOf(target: Record<string, unknown>): string | undefined {
    for (const k of SQL_KEYS) if (typeof target[k] === "string") return target[k] as string;
    return undefined;
}

function targetsOf(panel: Record<string, unknown>): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const list = Array.isArray(panel.targets) ? panel.targets.filter(isObject) : [];
    list.forEach((t, i) => out.set(typeof t.refId === "string" ? t.refId : `#${i + 1}`, t));
    return out;
}

function withoutSql(t: Record<string, unknown> | undefined): unknown {
    if (!t) return undefined;
    return Object.fromEntries(Object.entries(t).filter(([k]) => !SQL_KEYS.includes(k)));
}

function comparePanels(b: PanelInfo, a: PanelInfo): PanelChange | undefined {
    if (same(a.raw, b.raw)) return undefined;
    const keys = [...new Set([...Object.keys(a.raw), ...Object.keys(b.raw)])].sort(byCodeUnits);
    const changedKeys: string[] = [];
    const sql: { refId: string; diff: string }[] = [];
    for (const k of keys) {
        if (k === "type" || same(a.raw[k], b.raw[k])) continue;
        if (k !== "targets") {
            changedKeys.push(k);
            continue;
        }
        const tb = targetsOf(b.raw);
        const ta = targetsOf(a.raw);
        let otherTargetChange = false;
        for (const refId of sortedKeys(tb, ta)) {
            const sb = tb.get(refId) ? sqlOf(tb.get(refId)!) : undefined;
            const sa = ta.get(refId) ? sqlOf(ta.get(refId)!) : undefined;
            if (sb !== sa) sql.push({ refId, diff: unifiedDiff(sb ?? "", sa ?? "") });
            if (!same(withoutSql(tb.get(refId)), withoutSql(ta.get(refId)))) otherTargetChange = true;
        }
        if (otherTargetChange) changedKeys.push("targets");
    }
    return { title: a.title, status: "changed", typeBefore: b.type, typeAfter: a.type, changedKeys, sql };
}

/** Panels added / removed / changed (by title), SQL diffs per query, dashboard-level notes. */
export function dashboardChanges(beforeJson: unknown, afterJson: unknown): { notes: string[]; panels: PanelChange[] } {
    const notes: string[] = [];
    const b = isObject(beforeJson) ? beforeJson : {};
    const a = isObject(afterJson) ? afterJson : {};
    if (beforeJson !== undefined && afterJson !== undefined) {
        if (b.uid !== a.uid) notes.push(`uid ${short(b.uid)} → ${short(a.uid)}: a new dashboard URL; links and bookmarks to the old one break`);
        if (b.title !== a.title) notes.push(`title ${short(b.title)} → ${short(a.title)}`);
        const other = [...new Set([...Object.keys(a), ...Object.keys(b)])]
            .filter((k) => !["uid", "title", "panels"].includes(k) && !same(a[k], b[k]))
            .sort(byCodeUnits);
        if (other.length) notes.push(`dashboard settings changed: ${other.map((k) => code(k)).join(", ")}`);
    }
    const pb = new Map(panelsOf(beforeJson).map((p) => [p.key, p]));
    const pa = new Map(panelsOf(afterJson).map((p) => [p.key, p]));
    const panels: PanelChange[] = [];
    for (const key of sortedKeys(pb, pa)) {
        const before = pb.get(key);
        const after = pa.get(key);
        if (after && !before) {
            panels.push({
                title: after.title,
                status: "added",
                typeAfter: after.type,
                changedKeys: [],
                sql: [...targetsOf(after.raw)].flatMap(([refId, t]) => (sqlOf(t) !== undefined ? [{ refId, diff: unifiedDiff("", sqlOf(t)!) }] : [])),
            });
        } else if (before && !after) {
            panels.push({ title: before.title, status: "removed", typeBefore: before.type, changedKeys: [], sql: [] });
        } else if (before && after) {
            const c = comparePanels(before, after);
            if (c) panels.push(c);
        }
    }
    return { notes, panels };
}

function dashboardDiffs(before: PlanResource | undefined, after: PlanResource | undefined): DashboardDiff[] {
    const r = (after ?? before)!;
    const out: DashboardDiff[] = [];
    for (const { b, a, pb, pa, status } of changedJsonInputs(before, after, DASHBOARD_INPUTS)) {
        const title = [pa, pb].map((p) => (p.ok && isObject(p.value) && typeof p.value.title === "string" ? p.value.title : undefined)).find((t) => t) ?? r.name;
        if ((b !== undefined && !pb.ok) || (a !== undefined && !pa.ok)) {
            out.push({ resource: r.name, type: r.type, status, title, notes: ["the dashboard JSON is not parseable on one side; shown as changed"], panels: [] });
            continue;
        }
        const { notes, panels } = dashboardChanges(pb.ok ? pb.value : undefined, pa.ok ? pa.value : undefined);
        out.push({ resource: r.name, type: r.type, status, title, notes, panels });
    }
    return out;
}

function jsonDocDiffs(before: PlanResource | undefined, after: PlanResource | undefined): JsonDocDiff[] {
    const r = (after ?? before)!;
    const out: JsonDocDiff[] = [];
    for (const input of JSON_INPUTS) {
        const b = before?.inputs[input];
        const a = after?.inputs[input];
        if (a === undefined && b === undefined) continue;
        if (same(a, b)) continue;
        out.push({
            resource: r.name,
            type: r.type,
            input,
            status: b === undefined ? "added" : a === undefined ? "removed" : "changed",
            diff: unifiedDiff(pretty(b), pretty(a)),
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Stacks

/** Everything that differs between the base and head plan of one file (either may be absent). */
export function diffPlans(file: string, base: Plan | undefined, head: Plan | undefined): StackDiff {
    const any = (head ?? base)!;
    const rb = indexResources(base?.resources ?? []);
    const rh = indexResources(head?.resources ?? []);
    const d: StackDiff = {
        file,
        project: any.project,
        stack: any.stack,
        status: !base ? "added" : !head ? "removed" : "unchanged",
        added: [],
        removed: [],
        changed: [],
        flags: [],
        reads: { added: [], removed: [], changed: [] },
        outputs: [],
        policies: [],
        dashboards: [],
        jsonDocs: [],
    };
    for (const key of sortedKeys(rb, rh)) {
        const b = rb.get(key);
        const h = rh.get(key);
        const r = (h ?? b)!;
        const flag = (text: string) => d.flags.push({ resource: r.name, type: r.type, text });
        if (h && !b) {
            d.added.push(h);
            optionFlagsForAdded(h).forEach(flag);
        } else if (b && !h) {
            d.removed.push(b);
            optionFlagsForRemoved(b).forEach(flag);
        } else if (b && h) {
            if (same(b, h)) continue;
            const inputKeys = [...new Set([...Object.keys(b.inputs), ...Object.keys(h.inputs)])]
                .filter((k) => !same(b.inputs[k], h.inputs[k]))
                .sort(byCodeUnits);
            const inputChanges = inputKeys.filter((k) => !DOCUMENT_INPUTS.has(k)).flatMap((k) => valueChanges(b.inputs[k], h.inputs[k], k));
            const optionChanges = valueChanges(b.options, h.options);
            const change: ResourceChange = { type: h.type, name: h.name, inputKeys, inputChanges, optionChanges };
            if (b.parent !== h.parent) change.parent = { before: b.parent, after: h.parent };
            if (b.provider !== h.provider) change.provider = { before: b.provider, after: h.provider };
            d.changed.push(change);
            optionFlagsForChanged(b, h).forEach(flag);
        } else continue;
        d.policies.push(...policyDiffs(b, h));
        d.dashboards.push(...dashboardDiffs(b, h));
        d.jsonDocs.push(...jsonDocDiffs(b, h));
    }
    const readsB = indexResources(base?.reads ?? []);
    const readsH = indexResources(head?.reads ?? []);
    for (const key of sortedKeys(readsB, readsH)) {
        const b = readsB.get(key);
        const h = readsH.get(key);
        if (h && !b) d.reads.added.push(h);
        else if (b && !h) d.reads.removed.push(b);
        else if (b && h && !same(b, h)) d.reads.changed.push({ before: b, after: h });
    }
    const secretB = new Set(base?.secretOutputs ?? []);
    const secretH = new Set(head?.secretOutputs ?? []);
    const outKeys = [...new Set([...Object.keys(base?.outputs ?? {}), ...Object.keys(head?.outputs ?? {})])].sort(byCodeUnits);
    for (const k of outKeys) {
        d.outputs.push(...valueChanges(base?.outputs[k], head?.outputs[k], k));
        if (base && head && k in base.outputs && k in head.outputs && secretB.has(k) !== secretH.has(k)) {
            d.outputs.push({ path: `${k} (secret)`, before: secretB.has(k), after: secretH.has(k) });
        }
    }
    if (d.status === "unchanged" && (d.added.length || d.removed.length || d.changed.length || d.reads.added.length || d.reads.removed.length || d.reads.changed.length || d.outputs.length || base!.project !== head!.project || base!.stack !== head!.stack)) {
        d.status = "changed";
    }
    return d;
}

/** Diffs of every plan file in either set, by file name. */
export function diffPlanSets(base: Record<string, Plan>, head: Record<string, Plan>): StackDiff[] {
    const files = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort(byCodeUnits);
    return files.map((f) => diffPlans(f, base[f], head[f]));
}

// ---------------------------------------------------------------------------------------------
// Markdown

export interface RenderOptions {
    /** Label of the base side, e.g. a short commit SHA. */
    baseLabel?: string;
    /** Label of the head side. */
    headLabel?: string;
    /** Extra lines shown under the title (e.g. "the base has no offline plan"). */
    notes?: string[];
    /** Longest comment, in UTF-16 code units (≤ GITHUB_COMMENT_LIMIT). Default DEFAULT_MAX_LENGTH. */
    maxLength?: number;
    /** Longest diff block, in lines. Default DEFAULT_MAX_DIFF_LINES; Infinity for none. */
    maxDiffLines?: number;
}

function stackName(d: StackDiff): string {
    return `${d.project}/${d.stack}`;
}

function countsCell(d: StackDiff): string {
    const parts = [`+${d.added.length}`, `−${d.removed.length}`, `~${d.changed.length}`];
    return parts.join(" ");
}

function header(options: RenderOptions): string[] {
    const lines = [MARKER, TITLE, ""];
    const sides = options.baseLabel || options.headLabel ? ` Base ${code(options.baseLabel ?? "base")} → head ${code(options.headLabel ?? "head")}.` : "";
    lines.push(`Offline plans of the example stacks (\`npm run synth\`, no cloud access).${sides}`);
    for (const n of options.notes ?? []) lines.push("", `> [!NOTE]\n> ${n.replace(/\r?\n/g, " ")}`);
    return lines;
}

function summaryTable(diffs: StackDiff[]): string {
    const rows = [
        "| Stack | Plan file | Status | Resources (+ − ~) | IAM policies | Dashboards | Destroy-relevant |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const d of diffs) {
        rows.push(
            `| ${cell(code(stackName(d)))} | ${cell(code(d.file))} | ${d.status} | ${d.status === "unchanged" ? "—" : countsCell(d)} | ` +
                `${d.policies.length || "—"} | ${d.dashboards.length || "—"} | ${d.flags.length ? `⚠️ ${d.flags.length}` : "—"} |`,
        );
    }
    return rows.join("\n");
}

function resourceLabel(r: { name: string; type: string }): string {
    return `${code(r.name)} (${code(r.type)})`;
}

function renderStack(d: StackDiff, maxDiffLines: number): string[] {
    const blocks: string[] = [];
    const head = [`### ${code(stackName(d))} — ${code(d.file)}`];
    if (d.status === "added") head.push("", `**New stack:** not in the base — ${plural(d.added.length, "resource")}, all new.`);
    if (d.status === "removed") head.push("", `**Removed stack:** not in the head — ${plural(d.removed.length, "resource")} no longer planned.`);
    blocks.push(head.join("\n"));

    if (d.flags.length) {
        const lines = ["> [!WARNING]", "> **Resource options and deletions** — these decide what `pulumi up` / `pulumi destroy` deletes:"];
        for (const f of d.flags) lines.push(`> - ${resourceLabel({ name: f.resource, type: f.type })}: ${f.text}`);
        blocks.push(lines.join("\n"));
    }

    const res: string[] = [];
    if (d.added.length || d.removed.length || d.changed.length) {
        res.push(`**Resources:** ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`, "");
        for (const r of d.added) res.push(`- ➕ ${resourceLabel(r)}`);
        for (const r of d.removed) res.push(`- ➖ ${resourceLabel(r)}`);
        for (const c of d.changed) {
            const what: string[] = [];
            if (c.inputKeys.length) what.push(`inputs ${c.inputKeys.map(code).join(", ")}`);
            const opts = [...new Set(c.optionChanges.map((o) => o.path.replace(/\[\d+\]$/, "")))];
            if (opts.length) what.push(`options ${opts.map(code).join(", ")}`);
            if (c.parent) what.push("parent");
            if (c.provider) what.push("provider");
            res.push(`- ✏️ ${resourceLabel(c)}: ${what.join("; ")}`);
            const details: ValueChange[] = [...c.inputChanges, ...c.optionChanges.map((o) => ({ ...o, path: `options.${o.path}` }))];
            if (c.provider) details.push({ path: "provider", before: c.provider.before, after: c.provider.after });
            const shown = details.slice(0, 12);
            for (const v of shown) res.push(`  - ${code(v.path)}: ${code(short(v.before))} → ${code(short(v.after))}`);
            if (details.length > shown.length) res.push(`  - … ${details.length - shown.length} more`);
        }
    }
    if (d.reads.added.length || d.reads.removed.length || d.reads.changed.length) {
        if (res.length) res.push("");
        res.push("**Read (not managed) resources:**", "");
        for (const r of d.reads.added) res.push(`- ➕ read ${resourceLabel(r)} id ${code(r.id)}`);
        for (const r of d.reads.removed) res.push(`- ➖ read ${resourceLabel(r)} id ${code(r.id)}`);
        for (const { before, after } of d.reads.changed) res.push(`- ✏️ read ${resourceLabel(after)}: id ${code(before.id)} → ${code(after.id)}`);
    }
    if (d.outputs.length && d.status === "changed") {
        if (res.length) res.push("");
        res.push("**Stack outputs** (what other stacks read):", "");
        for (const o of d.outputs) res.push(`- ${code(o.path)}: ${code(short(o.before))} → ${code(short(o.after))}`);
    }
    if (res.length) blocks.push(res.join("\n"));

    if (d.policies.length) {
        blocks.push("#### IAM policies");
        for (const p of d.policies) {
            const what = p.input === "assumeRolePolicy" ? "trust policy" : "policy";
            const icon = p.status === "added" ? "➕" : p.status === "removed" ? "➖" : "✏️";
            const lines = [`##### ${icon} ${what} — ${resourceLabel({ name: p.resource, type: p.type })}, input ${code(p.input)}`];
            if (p.summary.length) lines.push("", fence(capLines(p.summary.join("\n"), maxDiffLines), "diff"));
            lines.push("", p.diff ? fence(capLines(p.diff, maxDiffLines), "diff") : "_(no textual difference)_");
            blocks.push(lines.join("\n"));
        }
    }

    if (d.dashboards.length) {
        blocks.push("#### Dashboards");
        for (const g of d.dashboards) {
            const icon = g.status === "added" ? "➕" : g.status === "removed" ? "➖" : "✏️";
            const lines = [`##### ${icon} dashboard ${code(g.title)} — ${resourceLabel({ name: g.resource, type: g.type })}`, ""];
            for (const n of g.notes) lines.push(`- ${n}`);
            const added = g.panels.filter((p) => p.status === "added");
            const removed = g.panels.filter((p) => p.status === "removed");
            const changed = g.panels.filter((p) => p.status === "changed");
            if (g.status === "removed") lines.push(`- dashboard removed (${plural(removed.length, "panel")})`);
            for (const p of added) lines.push(`- ➕ panel ${code(p.title)} (${code(p.typeAfter ?? "?")})`);
            if (g.status !== "removed") for (const p of removed) lines.push(`- ➖ panel ${code(p.title)} (${code(p.typeBefore ?? "?")})`);
            for (const p of changed) {
                const what: string[] = [];
                if (p.typeBefore !== p.typeAfter) what.push(`type ${code(p.typeBefore ?? "?")} → ${code(p.typeAfter ?? "?")}`);
                if (p.sql.length) what.push("SQL");
                if (p.changedKeys.length) what.push(p.changedKeys.map(code).join(", "));
                lines.push(`- ✏️ panel ${code(p.title)} (${code(p.typeAfter ?? "?")}): ${what.join("; ")}`);
            }
            if (lines[lines.length - 1] === "") lines.pop();
            // SQL of new panels in a new dashboard is long and not a change to review line by line.
            const sqlPanels = g.panels.filter((p) => p.sql.length && (p.status === "changed" || g.status !== "added"));
            for (const p of sqlPanels) {
                for (const s of p.sql) {
                    lines.push("", `SQL of panel ${code(p.title)}, query ${code(s.refId)}:`, "", fence(capLines(s.diff, maxDiffLines), "diff"));
                }
            }
            blocks.push(lines.join("\n"));
        }
    }

    if (d.jsonDocs.length) {
        blocks.push("#### Data source settings");
        for (const j of d.jsonDocs) {
            const icon = j.status === "added" ? "➕" : j.status === "removed" ? "➖" : "✏️";
            blocks.push([`##### ${icon} ${resourceLabel({ name: j.resource, type: j.type })}, input ${code(j.input)}`, "", fence(capLines(j.diff, maxDiffLines), "diff")].join("\n"));
        }
    }
    return blocks;
}

/** The whole comment as blocks (the unit of truncation), before any truncation. */
export function renderBlocks(diffs: StackDiff[], options: RenderOptions = {}): string[] {
    const maxDiffLines = options.maxDiffLines ?? DEFAULT_MAX_DIFF_LINES;
    const blocks = [header(options).join("\n")];
    const changed = diffs.filter((d) => d.status !== "unchanged");
    if (changed.length === 0) {
        blocks.push(
            diffs.length === 0
                ? "**No changes**: there are no plans on either side."
                : `**No changes**: the offline plans are identical (${plural(diffs.length, "plan file")} compared: ${diffs.map((d) => code(d.file)).join(", ")}).`,
        );
        return blocks;
    }
    blocks.push(summaryTable(diffs));
    const flagged = changed.filter((d) => d.flags.length);
    if (flagged.length) {
        blocks.push(
            `> [!CAUTION]\n> ${plural(flagged.reduce((n, d) => n + d.flags.length, 0), "resource deletion or option change", "resource deletions or option changes")} ` +
                `(protect / retainOnDelete / import / removals) in ${flagged.map((d) => code(stackName(d))).join(", ")}: see the warnings below.`,
        );
    }
    const unchanged = diffs.filter((d) => d.status === "unchanged");
    if (unchanged.length) blocks.push(`Unchanged: ${unchanged.map((d) => code(d.file)).join(", ")}.`);
    for (const d of changed) blocks.push(...renderStack(d, maxDiffLines));
    return blocks;
}

/**
 * Joins blocks, dropping the tail once the next block would not fit in `maxLength` (with a
 * note saying so). Whole blocks only, so no code fence or alert is ever left open. `Infinity`
 * keeps everything (the job summary); a comment needs at most GITHUB_COMMENT_LIMIT.
 */
export function fitBlocks(blocks: string[], maxLength = DEFAULT_MAX_LENGTH): string {
    const limit = maxLength;
    const full = `${blocks.join("\n\n")}\n`;
    if (full.length <= limit) return full;
    const note = (left: number) =>
        `> [!IMPORTANT]\n> **Truncated** to fit a GitHub comment (${thousands(limit)} characters; the whole diff has ` +
        `${thousands(full.length)}): ${plural(left, "more section")} not shown. ` +
        "The full diff is in this workflow run's job summary and its `plan-diff` artifact.";
    const kept: string[] = [];
    let length = 0;
    for (let i = 0; i < blocks.length; i++) {
        const add = (kept.length ? 2 : 0) + blocks[i].length;
        const tail = 2 + note(blocks.length - i - 1).length + 1;
        if (length + add + tail > limit) break;
        kept.push(blocks[i]);
        length += add;
    }
    if (kept.length === 0) {
        // Even the header does not fit (absurdly small limit): keep the marker and the note.
        return `${MARKER}\n${note(blocks.length)}\n`.slice(0, limit);
    }
    return `${kept.join("\n\n")}\n\n${note(blocks.length - kept.length)}\n`;
}

/**
 * The comment for computed diffs, at most `maxLength`: when the whole rendering is too long,
 * diff blocks are shortened first (so every stack keeps its summary and the start of each
 * policy diff), and only then are trailing sections dropped.
 */
export function renderComment(diffs: StackDiff[], options: RenderOptions = {}): string {
    const maxLength = Math.min(options.maxLength ?? DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT);
    const first = options.maxDiffLines ?? DEFAULT_MAX_DIFF_LINES;
    const caps = [first, ...[120, 60, 30, 15].filter((n) => n < first)];
    let blocks: string[] = [];
    for (const maxDiffLines of caps) {
        blocks = renderBlocks(diffs, { ...options, maxDiffLines });
        const text = `${blocks.join("\n\n")}\n`;
        if (text.length <= maxLength) return text;
    }
    return fitBlocks(blocks, maxLength);
}

/** The pull-request comment for two sets of plans (by file name). */
export function planDiffMarkdown(base: Record<string, Plan>, head: Record<string, Plan>, options: RenderOptions = {}): string {
    return renderComment(diffPlanSets(base, head), options);
}

/** The comment when the head could not be planned: says so instead of a misleading diff. */
export function failureMarkdown(message: string, options: RenderOptions = {}): string {
    const blocks = [header(options).join("\n"), `> [!CAUTION]\n> **The offline plan failed**, so there is no diff: ${message.replace(/\r?\n/g, " ")}`];
    return fitBlocks(blocks, Math.min(options.maxLength ?? DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT));
}

// ---------------------------------------------------------------------------------------------
// CLI

interface CliArgs {
    baseDir: string;
    headDir: string;
    out?: string;
    full?: string;
    baseLabel?: string;
    headLabel?: string;
    notes: string[];
    failed?: string;
}

const USAGE =
    "usage: planDiff <base-dir> <head-dir> [--out FILE] [--full FILE] [--base-label TEXT] [--head-label TEXT] [--note TEXT]... [--failed TEXT]";

class UsageError extends Error {}

function parseCli(argv: string[]): CliArgs {
    let parsed;
    try {
        parsed = parseCommandLine({
            args: argv,
            allowPositionals: true,
            options: {
                out: { type: "string" },
                full: { type: "string" },
                "base-label": { type: "string" },
                "head-label": { type: "string" },
                note: { type: "string", multiple: true },
                failed: { type: "string" },
            },
        });
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 2) throw new UsageError(USAGE);
    return {
        baseDir: positionals[0],
        headDir: positionals[1],
        out: values.out,
        full: values.full,
        baseLabel: values["base-label"],
        headLabel: values["head-label"],
        notes: values.note ?? [],
        failed: values.failed,
    };
}

function write(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
}

function main(argv: string[]): number {
    try {
        const args = parseCli(argv);
        const options: RenderOptions = { baseLabel: args.baseLabel, headLabel: args.headLabel, notes: [...args.notes] };
        let comment: string;
        let full: string;
        if (args.failed !== undefined) {
            comment = full = failureMarkdown(args.failed, options);
        } else {
            if (!fs.existsSync(args.headDir)) throw new Error(`no head plans: ${args.headDir} does not exist (run npm run synth)`);
            if (!fs.existsSync(args.baseDir)) options.notes!.push("The base has no offline plans, so every stack shows as new.");
            const base = readPlanDir(args.baseDir);
            const head = readPlanDir(args.headDir);
            const diffs = diffPlanSets(base, head);
            comment = renderComment(diffs, options);
            full = fitBlocks(renderBlocks(diffs, { ...options, maxDiffLines: Infinity }), Infinity);
        }
        if (args.out) write(args.out, comment);
        else process.stdout.write(comment);
        if (args.full) write(args.full, full);
        return 0;
    } catch (e) {
        process.stderr.write(`planDiff: ${e instanceof Error ? e.message : String(e)}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
