/**
 * Bounds on the size and depth of a config value or a stack output, checked before anything
 * recurses into it (JSON.parse's result, zod, the secret scan). A 20,000-deep list is valid JSON,
 * and a recursive walk over it overflows the stack: an unhandled RangeError with the SDK's frames
 * instead of one line naming the key. These checks are iterative.
 */

/**
 * The deepest nesting a setting of these projects has is four (`sources[0].panels[1].title`, under
 * the root project's objects five); sixteen leaves room and stops any recursion long before the
 * stack does.
 */
export const MAX_DEPTH = 16;

/**
 * The most characters one config value may have. The longest real value is an explicit `sources`
 * list of a few thousand stacks with their panels (a few hundred KiB); 4 MiB leaves room for it.
 */
export const MAX_VALUE_CHARS = 4 * 1024 * 1024;

/**
 * The most teams a workspace stack defines, and so the most a source may name: each is a team, a
 * folder, a dashboard and their grants in the workspace's plan.
 */
export const MAX_TEAMS = 200;

/**
 * The most characters of panel SQL one source brings to the workspace (its `panels` output, all
 * panels together): 50 panels of 2,000 characters. A source cannot make the workspace's plan, and
 * the pull request's comment that shows it, too large to review.
 */
export const MAX_SOURCE_PANEL_SQL_CHARS = 100_000;

/** How deeply JSON text nests (`[[1]]` is 2, `"[["` is 0), without parsing it. */
export function jsonTextDepth(text: string): number {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // backslash: skip the escaped character
            else if (c === 0x22) inString = false;
        } else if (c === 0x22) {
            inString = true;
        } else if (c === 0x5b || c === 0x7b) {
            depth++;
            if (depth > deepest) deepest = depth;
        } else if (c === 0x5d || c === 0x7d) {
            depth--;
        }
    }
    return deepest;
}

/** How deeply a value nests (a string is 0, `[1]` is 1), stopping as soon as it passes `limit`. */
export function valueDepth(value: unknown, limit = MAX_DEPTH): number {
    let deepest = 0;
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length > 0) {
        const [v, d] = stack.pop()!;
        if (v === null || typeof v !== "object") continue;
        const here = d + 1;
        if (here > deepest) deepest = here;
        if (deepest > limit) return deepest;
        for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>))
            stack.push([child, here]);
    }
    return deepest;
}

/** Why a raw config value is too big or too deep to read, or undefined when it is not. */
export function rawValueProblem(raw: string): string | undefined {
    if (raw.length > MAX_VALUE_CHARS)
        return (
            `is ${raw.length} characters long, more than any setting of this ` +
            `project needs (at most ${MAX_VALUE_CHARS})`
        );
    const depth = jsonTextDepth(raw);
    if (depth > MAX_DEPTH)
        return (
            `nests lists or objects ${depth} levels deep, deeper than any ` +
            `setting of this project (at most ${MAX_DEPTH})`
        );
    return undefined;
}
