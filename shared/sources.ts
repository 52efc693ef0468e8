/**
 * Rules over the set of sources one workspace stack charts: each must be a data source of its
 * own, under a name of its own.
 */
import type { PublicSourceOutputs } from "./contract";
import { nameKey } from "./naming";

export interface ChartedSource {
    /** The source stack's fully qualified name. */
    stack: string;
    /** The data source name it gets in Grafana. */
    name: string;
    outputs: PublicSourceOutputs;
}

/**
 * Two sources that are the same account and workgroup would be one data source twice; two with
 * the same name collide in Grafana, where data source names are unique.
 */
export function sourceSetProblems(sources: readonly ChartedSource[]): string[] {
    const problems: string[] = [];
    const byWorkgroup = new Map<string, string>();
    for (const { stack, outputs } of sources) {
        const key = `${outputs.accountId}/${outputs.region}/${outputs.workgroup}`;
        const first = byWorkgroup.get(key);
        if (first) {
            problems.push(
                `source stacks "${first}" and "${stack}" are the same account and workgroup (${outputs.accountId}, ${outputs.workgroup}); list it once`,
            );
        } else {
            byWorkgroup.set(key, stack);
        }
    }
    // Names as a reader compares them (case and Unicode compatibility forms folded, naming.ts):
    // "Sales" and "ＳＡＬＥＳ" would be two data sources that look like one.
    const byName = new Map<string, string>();
    for (const { stack, name } of sources) {
        const first = byName.get(nameKey(name));
        if (first) {
            problems.push(`source stacks "${first}" and "${stack}" would both be called "${name}" in Grafana; give one a name`);
        } else {
            byName.set(nameKey(name), stack);
        }
    }
    return problems;
}
