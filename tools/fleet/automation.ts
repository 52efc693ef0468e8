/**
 * The real runner: Pulumi's Automation API (`@pulumi/pulumi/automation`, checked with 3.248.0),
 * one LocalWorkspace per project folder, the stack selected by its fully qualified name; it needs
 * the Pulumi CLI on PATH, logged in to the backend. Kept thin: what it decides is in orchestrate.ts.
 */
import * as path from "path";
import { LocalWorkspace, OpMap } from "@pulumi/pulumi/automation";
import type { StackEntry } from "./inventory";
import type { FleetCommand, RunOutcome, Runner } from "./orchestrate";

/**
 * The first diagnostic of a failed command: the CLI's `error: ...` line, else the first line of
 * its stderr. A CommandError's own message starts with the exit code, which says nothing.
 */
export function firstDiagnostic(message: string): string {
    const lines = message.split("\n").map((l) => l.trim());
    return lines.find((l) => /^error:/i.test(l)) ?? lines.find((l) => l.startsWith("stderr:") && l.length > "stderr:".length)?.slice("stderr:".length).trim() ?? lines.find((l) => l !== "") ?? message;
}

const counts = (ops: OpMap | undefined): Record<string, number> => Object.fromEntries(Object.entries(ops ?? {}).map(([op, n]) => [op, Number(n ?? 0)]));

export function automationRunner(root: string): Runner {
    return {
        async run(command: FleetCommand, entry: StackEntry, onOutput: (text: string) => void): Promise<RunOutcome> {
            try {
                const stack = await LocalWorkspace.selectStack({ stackName: entry.name, workDir: path.join(root, entry.folder) });
                if (command === "preview") {
                    const result = await stack.preview({ onOutput });
                    return { changes: counts(result.changeSummary) };
                }
                const result = await stack.up({ onOutput });
                return { changes: counts(result.summary.resourceChanges) };
            } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                throw new Error(`${firstDiagnostic(message)}\n${message}`);
            }
        },
    };
}
