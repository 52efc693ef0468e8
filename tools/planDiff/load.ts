/**
 * Loading plans for the diff: every `*.json` of a folder (`npm run synth` output, matched by file
 * name), each checked and normalised by the plan format (../plan/format.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { Plan, normalizePlan } from "../plan/format";
import { byCodeUnits } from "./text";

/** The plans in a folder, by file name (`*.json`); an absent folder has none. */
export function readPlanDir(dir: string): Record<string, Plan> {
    const plans: Record<string, Plan> = {};
    if (!fs.existsSync(dir)) return plans;
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort(byCodeUnits);
    for (const f of files) {
        const file = path.join(dir, f);
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
