/**
 * Loading plans for the diff: every `*.json` of a folder (`npm run synth` output, matched by file
 * name), each checked and normalised by the plan format (../plan/format.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_PLAN_FILE_BYTES, readTextFile } from "../../../shared/files";
import { Plan, normalizePlan } from "../../plan/format";
import { JSON_LIMITS, JsonLimitError, JsonLimits, parseJson } from "./json";
import { byCodeUnits } from "../../../shared/order";

/**
 * Bounds on a folder of plans, chosen so that the diff of two folders at the limits runs in bounded
 * memory and time (tests/tools/ci/planDiff/hostilePlans.test.ts measures it): a parsed plan takes several
 * times its bytes on the heap, and every plan of a folder is held at once, so the folder has a total
 * budget, not only a per-file one; each file's JSON is bounded as json.ts says.
 */
interface PlanLimits {
    /** Most plan files in the folder. */
    files: number;
    /** Largest plan file. */
    bytes: number;
    /** Most bytes of all the folder's plans together. */
    totalBytes: number;
    /** Depth, string and list bounds of each plan's JSON (and of JSON documents inside its inputs). */
    json: JsonLimits;
}

/**
 * A pull request's plans: up to 4,096 stacks (a change to shared/ plans every stack of a fleet of
 * thousands), 64 MiB together (a source plan is about 13 KB, a workspace plan about 8 KB per
 * source it charts: some 2,000 accounts with their workspace), so that two folders at the limit
 * parse in well under a runner's memory.
 */
export const UNTRUSTED_LIMITS: PlanLimits = {
    files: 4096,
    bytes: MAX_PLAN_FILE_BYTES,
    totalBytes: 64 * 1024 * 1024,
    json: JSON_LIMITS,
};

/**
 * The plans in a folder, by file name (`*.json`); an absent folder has none. Each is read as every
 * tool reads a file (shared/files.ts: regular files only) and within `limits`. With `strict`
 * (a pull request's upload), nothing but `*.json` files may be there.
 */
export function readPlanDir(
    dir: string,
    limits: PlanLimits = UNTRUSTED_LIMITS,
    strict = false,
): Record<string, Plan> {
    // Keys are file names ending in .json: never a name Object.prototype has.
    const plans: Record<string, Plan> = {};
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    if (!st) return plans;
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder of plans`);
    const entries = fs.readdirSync(dir).sort(byCodeUnits);
    if (strict) {
        const strays = entries.filter(
            (f) => !/^[\w.-]+\.json$/.test(f) || !fs.lstatSync(path.join(dir, f)).isFile(),
        );
        if (strays.length > 0)
            throw new Error(
                `${dir}: not plans: ${strays
                    .slice(0, 5)
                    .map((f) => JSON.stringify(f.slice(0, 60)))
                    .join(", ")} (only *.json files)`,
            );
    }
    const files = entries.filter((f) => f.endsWith(".json"));
    if (files.length > limits.files)
        throw new Error(`${dir}: ${files.length} plans, more than ${limits.files}`);
    // The whole budget before the first byte is read: a folder over it costs nothing to refuse.
    const sizes = files.map((f) => fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0);
    const declared = sizes.reduce((a, b) => a + b, 0);
    if (declared > limits.totalBytes)
        throw new Error(
            `${dir}: its plans hold ${declared} bytes together, more than ` +
                `${limits.totalBytes}, the most the plan diff reads`,
        );
    let total = 0;
    for (const f of files) {
        const file = path.join(dir, f);
        const text = readTextFile(file, Math.min(limits.bytes, limits.totalBytes - total));
        total += Buffer.byteLength(text);
        let raw: unknown;
        try {
            raw = parseJson(text, limits.json);
        } catch (e) {
            const why =
                e instanceof JsonLimitError
                    ? `out of bounds: ${e.message}`
                    : `not valid JSON ` +
                      `(${e instanceof Error ? e.message.split("\n")[0].slice(0, 200) : String(e)})`;
            throw new Error(`${file}: ${why}`);
        }
        plans[f] = normalizePlan(raw, file);
    }
    return plans;
}
