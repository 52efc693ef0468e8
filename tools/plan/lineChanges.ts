/**
 * The plan diff's way of showing a set of facts read from two plans (access grants, alert rules,
 * contact points, dashboard variables): each fact is one line, the head's new ones `+ `, the base's
 * gone ones `- `, sorted by the fact so a changed one is its two lines side by side. Pure.
 */
import { byCodeUnits } from "../../shared/order";

export function lineChanges(before: readonly string[], after: readonly string[]): string[] {
    const b = new Set(before);
    const a = new Set(after);
    return [
        ...[...a].filter((l) => !b.has(l)).map((l) => `+ ${l}`),
        ...[...b].filter((l) => !a.has(l)).map((l) => `- ${l}`),
    ].sort((x, y) => byCodeUnits(x.slice(2), y.slice(2)) || byCodeUnits(x, y));
}
