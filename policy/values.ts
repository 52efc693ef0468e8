/**
 * Reading a stack's values as the pack may meet them: any type in any property (a stack, a plan
 * or a pull request supplies them), values unknown during a preview, policy documents as JSON
 * text or as objects. Every reader here is total (it answers for any value, never throws) and
 * bounded (a document larger than IAM accepts is refused before it is read further), so a
 * malformed value becomes a violation and never a stack trace or a hang.
 */

/** A statement as a stack wrote it: any keys, any values. */
export type Statement = Record<string, unknown>;

/** A value the engine does not know yet (a preview); offline plans have none. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/** One resource as a policy sees it. */
export interface ResourceView {
    type: string;
    name: string;
    /** The resource's URN under the engine; offline, undefined. */
    urn?: string;
    /** Its inputs; a value unknown in a preview is `UNKNOWN`. */
    props: Record<string, unknown>;
    /** Inputs the stack leaves as they are in the cloud (an adopted workgroup's configuration). */
    ignoreChanges?: readonly string[];
    /** The resource's provider, under the engine (offline, providers are resources of the plan). */
    provider?: ResourceView;
    /** Resources a property's value came from, by property (the engine's; none offline). */
    propertyDependencies?: Record<string, readonly ResourceView[]>;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
export const list = (v: unknown): unknown[] =>
    v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");
/** A value for a message: strings as they are, anything else by its kind; cut short. */
export function show(v: unknown, max = 80): string {
    const text =
        typeof v === "string"
            ? v
            : v === UNKNOWN
              ? "(unknown)"
              : Array.isArray(v)
                ? "a list"
                : v === null
                  ? "null"
                  : typeof v;
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A record's values under a key compared case-insensitively (IAM's condition keys), all of them. */
export function valuesByKey(record: unknown, key: string): unknown[] {
    if (!isRecord(record)) return [];
    const want = key.toLowerCase();
    return Object.keys(record)
        .filter((k) => k.toLowerCase() === want)
        .flatMap((k) => list(record[k]));
}

/**
 * The most characters of a policy document the pack reads: IAM's largest (a role's trust policy
 * may be raised to 4,096, a managed policy 6,144, a role's inline policies 10,240 together; the
 * API's length limit for any policy text is 131,072). A larger document cannot be deployed.
 */
export const MAX_POLICY_CHARS = 131_072;
/** Deeper than any policy document nests (Statement, Condition, operator, key, values). */
const MAX_DEPTH = 12;

export type ParsedPolicy =
    | { kind: "doc"; statements: Statement[] }
    | { kind: "unknown" }
    | { kind: "none" }
    | { kind: "bad"; why: string };

/**
 * A policy property (JSON text, or an object as aws-native takes it) as its statements: `none`
 * when the property is absent, `unknown` when a preview does not know it (or any part of it),
 * `bad` (with why) when it is not a policy IAM could accept: not JSON, larger than IAM accepts,
 * a statement that is not an object.
 */
export function parsePolicy(value: unknown): ParsedPolicy {
    // One reading per document: a policy shared by many roles is parsed (and judged) once.
    const cache =
        typeof value === "string"
            ? textCache
            : isRecord(value) || Array.isArray(value)
              ? objectCache
              : undefined;
    const key = value as object;
    const hit = typeof value === "string" ? textCache.get(value) : cache ? objectCache.get(key) : undefined;
    if (hit) return hit;
    const parsed = readPolicy(value);
    if (typeof value === "string") {
        if (textCache.size >= MAX_CACHED) textCache.clear();
        textCache.set(value, parsed);
    } else if (cache) objectCache.set(key, parsed);
    return parsed;
}

const MAX_CACHED = 10_000;
const textCache = new Map<string, ParsedPolicy>();
const objectCache = new WeakMap<object, ParsedPolicy>();

function readPolicy(value: unknown): ParsedPolicy {
    // An empty text is how a provider says "no policy" (an inline policy block being removed).
    if (value === undefined || value === null || value === "") return { kind: "none" };
    if (value === UNKNOWN) return { kind: "unknown" };
    let doc: unknown = value;
    if (typeof value === "string") {
        if (value.length > MAX_POLICY_CHARS)
            return { kind: "bad", why: `is longer than the ${MAX_POLICY_CHARS} characters IAM accepts` };
        try {
            doc = JSON.parse(value);
        } catch {
            return { kind: "bad", why: "is not JSON" };
        }
        const duplicate = duplicateKey(value);
        if (duplicate !== undefined)
            return {
                kind: "bad",
                why:
                    `has the key ${JSON.stringify(show(duplicate, 40))} twice in one object ` +
                    `(JSON.parse keeps the last; another reader may keep the first)`,
            };
    } else {
        const size = measure(value);
        if (size === "unknown") return { kind: "unknown" };
        if (size === "too large")
            return {
                kind: "bad",
                why:
                    `is larger than the ${MAX_POLICY_CHARS} characters IAM ` +
                    `accepts, or nested deeper than a policy`,
            };
    }
    if (!isRecord(doc)) return { kind: "bad", why: "is not a JSON object" };
    if (!("Statement" in doc)) return { kind: "bad", why: "has no Statement" };
    const statements = list(doc.Statement);
    if (statements.some((s) => !isRecord(s)))
        return { kind: "bad", why: "has a statement that is not an object" };
    return { kind: "doc", statements: statements as Statement[] };
}

/**
 * The first key that appears twice in one object of a JSON text (compared as JSON.parse decodes
 * them, escapes included), or undefined: where readers disagree on which value wins, a guard
 * and IAM could read two different policies. One pass over a text already known to be JSON.
 */
export function duplicateKey(text: string): string | undefined {
    const objects: (Set<string> | undefined)[] = [];
    let expectKey = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "{") {
            objects.push(new Set());
            expectKey = true;
        } else if (c === "[") objects.push(undefined);
        else if (c === "}" || c === "]") objects.pop();
        else if (c === ",") expectKey = objects[objects.length - 1] !== undefined;
        else if (c === '"') {
            let j = i + 1;
            while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
            const keys = objects[objects.length - 1];
            if (expectKey && keys) {
                const key = JSON.parse(text.slice(i, j + 1)) as string;
                if (keys.has(key)) return key;
                keys.add(key);
                expectKey = false;
            }
            i = j;
        }
    }
    return undefined;
}

/** An object document's size in characters, at most the limit; a cycle or a deep nest is too large. */
function measure(value: unknown): number | "unknown" | "too large" {
    let total = 0;
    let unknown = false;
    const walk = (v: unknown, depth: number): boolean => {
        if (depth > MAX_DEPTH || total > MAX_POLICY_CHARS) return false;
        if (v === UNKNOWN) {
            unknown = true;
            return true;
        }
        if (typeof v === "string") total += v.length + 2;
        else if (Array.isArray(v)) {
            total += 2;
            for (const x of v) if (!walk(x, depth + 1)) return false;
        } else if (isRecord(v)) {
            total += 2;
            for (const k of Object.keys(v)) {
                total += k.length + 3;
                if (!walk(v[k], depth + 1)) return false;
            }
        } else total += 8;
        return total <= MAX_POLICY_CHARS;
    };
    if (!walk(value, 0)) return "too large";
    return unknown ? "unknown" : total;
}

/**
 * A tag of a resource: `tags` as a map (aws) or as a list of {key, value} (aws-native); the key compared
 * case-insensitively, as IAM's tag keys are.
 */
export function tagOf(props: Record<string, unknown>, key: string): { present: boolean; value?: unknown } {
    const tags = props.tags;
    const want = key.toLowerCase();
    if (isRecord(tags)) {
        const k = Object.keys(tags).find((x) => x.toLowerCase() === want);
        return k === undefined ? { present: false } : { present: true, value: tags[k] };
    }
    if (Array.isArray(tags)) {
        for (const t of tags) {
            if (!isRecord(t)) continue;
            const k = t.key ?? t.Key;
            if (typeof k === "string" && k.toLowerCase() === want)
                return { present: true, value: t.value ?? t.Value };
        }
    }
    return { present: false };
}

/** The statement's id for messages: its Sid, or its position. */
export const statementId = (s: Statement, i: number): string =>
    typeof s.Sid === "string" && s.Sid ? show(s.Sid, 60) : `#${i + 1}`;
