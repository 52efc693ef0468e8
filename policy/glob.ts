/**
 * IAM's wildcards (`*` any run of characters, `?` one character) without a regular expression:
 * the pack matches patterns a stack supplies, and a regular expression built from `"*".repeat(40)`
 * backtracks for minutes on a text it does not match. Here each run of literal characters between
 * two `*` is found once, at its leftmost place (which is always the right choice for a glob: a
 * later segment can only gain room), so a match costs at most the pattern's length times the
 * text's, whatever the pattern.
 */

/** Whether `text` matches the IAM wildcard `pattern`; actions compare case-insensitively, ARNs exactly. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
    const p = ignoreCase ? pattern.toLowerCase() : pattern;
    const t = ignoreCase ? text.toLowerCase() : text;
    const segments = p.split("*");
    if (segments.length === 1) return p.length === t.length && segmentAt(p, t, 0);
    const first = segments[0];
    const last = segments[segments.length - 1];
    if (first.length + last.length > t.length) return false;
    if (!segmentAt(first, t, 0) || !segmentAt(last, t, t.length - last.length)) return false;
    let at = first.length;
    const end = t.length - last.length;
    for (let i = 1; i < segments.length - 1; i++) {
        const s = segments[i];
        if (s.length === 0) continue;
        const found = findSegment(s, t, at, end);
        if (found < 0) return false;
        at = found + s.length;
    }
    return true;
}

/** Whether the pattern has a wildcard at all. */
export const hasWildcard = (pattern: string): boolean => pattern.includes("*") || pattern.includes("?");

/** The characters of a pattern before its first wildcard. */
export function literalPrefix(pattern: string): string {
    const star = pattern.indexOf("*");
    const question = pattern.indexOf("?");
    const cut = Math.min(star < 0 ? pattern.length : star, question < 0 ? pattern.length : question);
    return pattern.slice(0, cut);
}

/** Whether the segment (literal characters and `?`) matches `text` at `at`. */
function segmentAt(segment: string, text: string, at: number): boolean {
    if (at < 0 || at + segment.length > text.length) return false;
    for (let i = 0; i < segment.length; i++) {
        if (segment[i] !== "?" && segment[i] !== text[at + i]) return false;
    }
    return true;
}

/** The leftmost place in text[from, end) where the segment matches, or -1. */
function findSegment(segment: string, text: string, from: number, end: number): number {
    if (!segment.includes("?")) {
        const i = text.indexOf(segment, from);
        return i >= 0 && i + segment.length <= end ? i : -1;
    }
    for (let i = from; i + segment.length <= end; i++) if (segmentAt(segment, text, i)) return i;
    return -1;
}
