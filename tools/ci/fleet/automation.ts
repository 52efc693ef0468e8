/**
 * The real runner: Pulumi's Automation API (`@pulumi/pulumi/automation`, checked with 3.276.0),
 * one LocalWorkspace per project folder, the stack selected by its fully qualified name; it needs
 * the Pulumi CLI on PATH, logged in to the backend. Kept thin: what it decides is in orchestrate.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, OpMap } from "@pulumi/pulumi/automation";
import { RemovedStack, destroyPlanFile } from "./destroy";
import type { StackEntry } from "./fleetInventory";
import type { FleetCommand, RunFlags, RunOutcome, Runner } from "./orchestrate";

/**
 * The first diagnostic of a failed command: the CLI's `error: ...` line, else the first line of
 * its stderr. A CommandError's own message starts with the exit code, which says nothing.
 */
export function firstDiagnostic(message: string): string {
    const lines = message.split("\n").map((l) => l.trim());
    // The Automation API spawns `pulumi`; without it on PATH its message is the spawn's ENOENT.
    if (/Command failed with ENOENT: pulumi\b/.test(message))
        return (
            "the Pulumi CLI (pulumi) is not on PATH: install v3.187.0 or newer (docs/deploying.md), " +
            "or add the folder bash tools/dev/pulumi-cli.sh prints to PATH"
        );
    return (
        lines.find((l) => /^error:/i.test(l)) ??
        lines
            .find((l) => l.startsWith("stderr:") && l.length > "stderr:".length)
            ?.slice("stderr:".length)
            .trim() ??
        lines.find((l) => l !== "") ??
        message
    );
}

const counts = (ops: OpMap | undefined): Record<string, number> =>
    Object.fromEntries(Object.entries(ops ?? {}).map(([op, n]) => [op, Number(n ?? 0)]));

/** Where the update plan of a stack is kept in `planDir`. */
export function planFile(planDir: string, entry: StackEntry): string {
    return path.join(planDir, `${entry.project}.${entry.stack}.plan.json`);
}

/**
 * With `planDir`, a preview saves each stack's update plan there (`pulumi preview --save-plan`)
 * and an up applies exactly that plan (`pulumi up --plan`), refusing a stack that has none. With
 * `stackEnv`, each stack's Pulumi CLI gets those variables on top of the job's (LocalWorkspace
 * `envVars`).
 */
export function automationRunner(
    root: string,
    planDir?: string,
    stackEnv?: (entry: StackEntry) => Promise<Record<string, string> | undefined>,
): Runner {
    return {
        async run(
            command: FleetCommand,
            entry: StackEntry,
            onOutput: (text: string) => void,
            flags: RunFlags,
        ): Promise<RunOutcome> {
            const plan = planDir === undefined ? undefined : path.resolve(planFile(planDir, entry));
            if (plan !== undefined && command === "up" && !fs.existsSync(plan)) {
                throw new Error(
                    `no reviewed update plan for ${entry.name} (${plan}): run the plan job first`,
                );
            }
            try {
                // The stack's own environment (its account's role, accountRole.ts) on top of the job's.
                const envVars = stackEnv ? await stackEnv(entry) : undefined;
                const stack = await LocalWorkspace.selectStack(
                    { stackName: entry.name, workDir: path.join(root, entry.folder) },
                    envVars ? { envVars } : undefined,
                );
                if (command === "preview") {
                    if (plan !== undefined) fs.mkdirSync(path.dirname(plan), { recursive: true });
                    // Not --expect-no-changes: the preview counts the changes, and orchestrate() reports them
                    // as drift.
                    const result = await stack.preview({ onOutput, plan, refresh: flags.refresh });
                    return { changes: counts(result.changeSummary) };
                }
                const result = await stack.up({
                    onOutput,
                    plan,
                    refresh: flags.refresh,
                    expectNoChanges: flags.expectNoChanges,
                });
                return { changes: counts(result.summary.resourceChanges) };
            } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                throw new Error(`${firstDiagnostic(message)}\n${message}`);
            }
        },
    };
}

/**
 * The runner of `fleet destroy`: each removed stack is updated to an empty program, in a folder of
 * its own holding the project file and the stack file as the base commit had it (its secrets
 * provider and salt: the state needs them). A preview saves that update's plan
 * (`pulumi preview --save-plan`: every resource of the stack deleted, or dropped from the state
 * when it is retained), and the destroy applies exactly that plan (`pulumi up --plan`), refusing a
 * stack without one: what a reviewer approved is what is deleted. With `stackEnv`, a source
 * stack's CLI runs with its account's role (`--account-role`), as automationRunner's. `pulumi
 * destroy` itself takes no saved plan (@pulumi/pulumi automation `DestroyOptions`, 3.248.0, has
 * none).
 */
export function destroyRunner(
    root: string,
    removed: ReadonlyMap<string, RemovedStack>,
    planDir: string,
    stackEnv?: (entry: StackEntry) => Promise<Record<string, string> | undefined>,
): Runner {
    return {
        async run(
            command: FleetCommand,
            entry: StackEntry,
            onOutput: (text: string) => void,
        ): Promise<RunOutcome> {
            const plan = path.resolve(destroyPlanFile(planDir, entry));
            const was = removed.get(entry.name);
            if (was === undefined)
                throw new Error(`${entry.name} has a stack file: only a removed stack is destroyed`);
            if (command === "up" && !fs.existsSync(plan))
                throw new Error(
                    `no reviewed destroy plan for ${entry.name} (${plan}): run fleet destroy --preview first`,
                );
            const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "grafana-athena-destroy-"));
            try {
                fs.copyFileSync(
                    path.join(root, entry.folder, "Pulumi.yaml"),
                    path.join(workDir, "Pulumi.yaml"),
                );
                fs.writeFileSync(path.join(workDir, `Pulumi.${entry.stack}.yaml`), was.baseText);
                // The stack's own environment (its account's role, accountRole.ts) on top of the job's.
                const envVars = stackEnv ? await stackEnv(entry) : undefined;
                const stack = await LocalWorkspace.selectStack(
                    { stackName: entry.name, projectName: entry.project, program: async () => ({}) },
                    envVars ? { workDir, envVars } : { workDir },
                );
                if (command === "preview") {
                    fs.mkdirSync(path.dirname(plan), { recursive: true });
                    return { changes: counts((await stack.preview({ onOutput, plan })).changeSummary) };
                }
                return { changes: counts((await stack.up({ onOutput, plan })).summary.resourceChanges) };
            } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                throw new Error(`${firstDiagnostic(message)}\n${message}`);
            } finally {
                fs.rmSync(workDir, { recursive: true, force: true });
            }
        },
    };
}
