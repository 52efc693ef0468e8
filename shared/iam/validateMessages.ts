/**
 * How a policy problem names what was expected: short lists, the resource types an action takes,
 * the catalog names closest to a misspelt one. Pure.
 */
import type { ResourceTypeInfo } from "./iamCatalog";

/** At most this many alternatives are listed in a message. */
const LIST_LIMIT = 6;

export const describeTypes = (types: readonly ResourceTypeInfo[]) => {
    const unique = [...new Map(types.map((t) => [t.arn, t])).values()];
    const shown = unique.slice(0, LIST_LIMIT).map((t) => `${t.key} ${t.arn}`);
    return shown.join(" or ") + (unique.length > LIST_LIMIT ? ` or ${unique.length - LIST_LIMIT} more` : "");
};

export const listOf = (xs: readonly string[], limit = LIST_LIMIT) =>
    xs.slice(0, limit).join(", ") + (xs.length > limit ? `, ... (${xs.length - limit} more)` : "");

/** Up to two catalog names closest to a misspelt one. */
export function nearest(name: string, candidates: readonly string[]): string[] {
    const lower = name.toLowerCase();
    const scored = candidates
        .map((c) => {
            const cl = c.toLowerCase();
            // A misspelt prefix of a longer name ("StartQuerry" for "StartQueryExecution") counts too.
            let d = editDistance(lower, cl);
            for (let n = lower.length - 1; n <= lower.length + 1; n++) {
                if (n > 0 && n < cl.length) d = Math.min(d, editDistance(lower, cl.slice(0, n)) + 1);
            }
            return { c, d };
        })
        .filter((x) => x.d <= Math.max(2, Math.floor(lower.length / 4)))
        .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1));
    return scored.slice(0, 2).map((x) => x.c);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}
