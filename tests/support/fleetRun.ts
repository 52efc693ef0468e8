/**
 * Running `npm run fleet` in process, and a scripted stand-in for the Pulumi CLI that records what
 * ran when: shared by the fleet's tests.
 */
import { fleet } from "../../tools/ci/fleet/cli";
import type { StackEntry } from "../../tools/ci/fleet/fleetInventory";
import type { FleetCommand, RunOutcome, Runner } from "../../tools/ci/fleet/orchestrate";

/** Runs the fleet command and returns what it printed and its exit code. */
export async function run(argv: string[], runner?: Runner, env: NodeJS.ProcessEnv = {}) {
    let out = "";
    let err = "";
    const code = await fleet(argv, { out: (t) => (out += t), err: (t) => (err += t), runner, env });
    return { code, out, err };
}

/** A runner that records what ran when, and answers from a script. */
export function scriptedRunner(
    answers: Record<string, (attempt: number) => RunOutcome | Error>,
    delayMs = 5,
) {
    const log: { name: string; start: number; end: number }[] = [];
    const attempts = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let clock = 0;
    const runner: Runner = {
        async run(_command: FleetCommand, stack: StackEntry) {
            const attempt = (attempts.get(stack.name) ?? 0) + 1;
            attempts.set(stack.name, attempt);
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            const start = clock++;
            await new Promise((r) => setTimeout(r, delayMs));
            inFlight -= 1;
            log.push({ name: stack.name, start, end: clock++ });
            const answer = (answers[stack.stack] ?? (() => ({ changes: { same: 3 } })))(attempt);
            if (answer instanceof Error) throw answer;
            return answer;
        },
    };
    return { runner, log, attempts, maxInFlight: () => maxInFlight };
}
