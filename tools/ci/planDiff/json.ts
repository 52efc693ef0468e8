/**
 * JSON the plan diff reads from plans it did not make (a pull request's upload), parsed within
 * bounds it can hold: nesting depth, string length and array length are capped before any of the
 * diff's recursive walks sees the value, and every object is made without a prototype, so a key
 * named `constructor`, `toString` or `__proto__` is just a key (`before[k]` of a plain object
 * would find `Object.prototype`'s function when `before` lacks the key).
 */
import { jsonTextDepth } from "../../../shared/config/bounds";

/** Bounds on one JSON value (a plan file, or a JSON document inside a string input). */
export interface JsonLimits {
    /** Deepest nesting of objects and arrays. */
    depth: number;
    /** Longest string, in UTF-16 code units. */
    stringLength: number;
    /** Longest array. */
    arrayLength: number;
}

/**
 * The bounds of the plan format: a plan's deepest value (a resource's inputs) is a dozen levels,
 * a dashboard model inside `configJson` another dozen; a workspace of thousands of sources has
 * lists of thousands and documents of a few MB.
 */
export const JSON_LIMITS: JsonLimits = { depth: 64, stringLength: 4 * 1024 * 1024, arrayLength: 100_000 };

export class JsonLimitError extends Error {}

/** A copy of a parsed value with prototype-free objects, checked against `limits`. */
function bounded(v: unknown, limits: JsonLimits, depth: number): unknown {
    if (typeof v === "string") {
        if (v.length > limits.stringLength)
            throw new JsonLimitError(`a string of ${v.length} characters, more than ${limits.stringLength}`);
        return v;
    }
    if (v === null || typeof v !== "object") return v;
    if (depth > limits.depth) throw new JsonLimitError(`nested more than ${limits.depth} levels deep`);
    if (Array.isArray(v)) {
        if (v.length > limits.arrayLength)
            throw new JsonLimitError(`a list of ${v.length} items, more than ${limits.arrayLength}`);
        return v.map((x) => bounded(x, limits, depth + 1));
    }
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v)) {
        if (k.length > limits.stringLength)
            throw new JsonLimitError(`a key of ${k.length} characters, more than ${limits.stringLength}`);
        // defineProperty: even `__proto__` becomes an ordinary own key.
        Object.defineProperty(out, k, {
            value: bounded((v as Record<string, unknown>)[k], limits, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
        });
    }
    return out;
}

/**
 * Parses `text` as JSON within `limits`: a SyntaxError when it is not JSON, a JsonLimitError
 * (saying which bound) when it is out of bounds. The depth is checked on the text before it is
 * parsed, so no recursion ever goes deeper than `limits.depth`.
 */
export function parseJson(text: string, limits: JsonLimits = JSON_LIMITS): unknown {
    if (jsonTextDepth(text) > limits.depth)
        throw new JsonLimitError(`nested more than ${limits.depth} levels deep`);
    return bounded(JSON.parse(text), limits, 1);
}
