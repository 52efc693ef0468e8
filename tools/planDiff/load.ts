/**
 * Loading plans for the diff: every `*.json` of a folder (`npm run synth` output, matched by file
 * name), each checked and normalised by the plan format (../plan/format.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { Plan, normalizePlan } from "../plan/format";
import { byCodeUnits } from "./text";

/** Bounds on plans that come from elsewhere (a pull request's upload): a plan diff is no place to spend a runner's hour. */
export interface PlanLimits {
    files: number;
    bytes: number;
}

export const UNTRUSTED_LIMITS: PlanLimits = { files: 64, bytes: 16 * 1024 * 1024 };

/** The plans in a folder, by file name (`*.json`); an absent folder has none. With `limits`, nothing else may be there. */
export function readPlanDir(dir: string, limits?: PlanLimits): Record<string, Plan> {
    const plans: Record<string, Plan> = {};
    if (!fs.existsSync(dir)) return plans;
    const entries = fs.readdirSync(dir).sort(byCodeUnits);
    if (limits) {
        const strays = entries.filter((f) => !/^[\w.-]+\.json$/.test(f) || !fs.lstatSync(path.join(dir, f)).isFile());
        if (strays.length > 0) throw new Error(`${dir}: not plans: ${strays.slice(0, 5).join(", ")} (only *.json files)`);
        if (entries.length > limits.files) throw new Error(`${dir}: ${entries.length} plans, more than ${limits.files}`);
    }
    const files = entries.filter((f) => f.endsWith(".json"));
    for (const f of files) {
        const file = path.join(dir, f);
        if (limits && fs.statSync(file).size > limits.bytes) throw new Error(`${file}: larger than ${limits.bytes} bytes`);
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
