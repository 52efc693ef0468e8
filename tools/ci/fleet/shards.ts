/**
 * Source stacks in CI shards: GitHub runs at most 256 jobs of one matrix, so a matrix is over
 * shards, never over stacks. The shards are balanced (their sizes differ by at most one) and stable:
 * stacks are ordered by a hash of their name, and shard i holds the i-th of K equal runs of that
 * order. Adding a stack moves each boundary by at most one place, so at most K - 1 other stacks
 * change shard; the order never depends on the order of the files.
 */
import { createHash } from "crypto";

const rank = (name: string) => createHash("sha256").update(name).digest("hex");

/** `names` in at most `max` shards (fewer when there are fewer names); none for no names. */
export function shardStacks(names: readonly string[], max: number): string[][] {
    if (!Number.isInteger(max) || max < 1)
        throw new Error(`--max takes a whole number of shards, at least 1, got ${max}`);
    const ordered = [...new Set(names)]
        .map((n) => ({ n, r: rank(n) }))
        .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))
        .map((x) => x.n);
    const count = Math.min(max, ordered.length);
    return Array.from({ length: count }, (_, i) =>
        ordered.slice(
            Math.floor((i * ordered.length) / count),
            Math.floor(((i + 1) * ordered.length) / count),
        ),
    );
}

/** `i/K` (1-based) as it is written on the command line. */
export function parseShard(text: string): { index: number; count: number } {
    const m = /^(\d+)\/(\d+)$/.exec(text);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || index < 1 || count < 1 || index > count)
        throw new Error(`--shard takes i/K with 1 <= i <= K, got "${text}"`);
    return { index, count };
}
