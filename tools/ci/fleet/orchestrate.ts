/**
 * Running `pulumi preview` or `pulumi up` over many stacks: sources before workspaces (a
 * workspace reads its sources' outputs), at most `concurrency` at a time, transient failures
 * retried with backoff, one progress line per event, and a summary of every stack. The runner that
 * talks to Pulumi is injected (automation.ts for the real one), so the orchestration is tested on
 * its own.
 */
import type { StackEntry } from "./fleetInventory";
import { cell, inertCell } from "../../../shared/markdown";

export type FleetCommand = "preview" | "up";

/**
 * What one run of one stack changed (Pulumi's operation counts: same, create, update, delete, replace, ...).
 */
export interface RunOutcome {
    changes: Record<string, number>;
}

/** Flags of one run: refresh first; fail when there is any change (drift). */
export interface RunFlags {
    refresh?: boolean;
    expectNoChanges?: boolean;
}

export interface Runner {
    run(
        command: FleetCommand,
        stack: StackEntry,
        onOutput: (text: string) => void,
        flags: RunFlags,
    ): Promise<RunOutcome>;
}

type StackStatus = "changed" | "unchanged" | "failed" | "skipped";

export interface StackResult {
    name: string;
    project: string;
    status: StackStatus;
    /** Operation counts, without `same`. */
    changes: Record<string, number>;
    attempts: number;
    /** The first line of the last failure (or why it was skipped). */
    error?: string;
}

export type ProgressEvent =
    | { kind: "start"; name: string; attempt: number }
    | { kind: "retry"; name: string; attempt: number; error: string; waitMs: number }
    | { kind: "done"; result: StackResult };

interface OrchestrateOptions {
    /** Stacks run at the same time, at least 1. */
    concurrency: number;
    /** Runs of a stack after a transient failure, default 2 (so 3 attempts). */
    retries?: number;
    /** First pause before a retry, doubling, default 5000 ms. */
    backoffMs?: number;
    isTransient?: (error: string) => boolean;
    progress?: (event: ProgressEvent) => void;
    /**
     * A stack's whole output (Pulumi's diff), once per attempt, when that attempt ends: never interleaved
     * with another stack's.
     */
    output?: (name: string, text: string) => void;
    sleep?: (ms: number) => Promise<void>;
    flags?: RunFlags;
    /**
     * `workspaces-first` (fleet destroy): the workspaces, then the sources; an `up` of the sources
     * is skipped when a workspace failed (a source goes only once nothing charts it). Default: sources first.
     */
    order?: "sources-first" | "workspaces-first";
    /** Stacks not run, each failed with its reason (fleet destroy: a source still charted). */
    held?: ReadonlyMap<string, string>;
}

/**
 * Failures that say nothing about the stack: the network, throttling, a service's short outage,
 * another update of the same stack still running. Worth another run.
 */
function isTransientFailure(error: string): boolean {
    return /ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up|connection reset|Throttling|Rate exceeded|TooManyRequests|RequestLimitExceeded|\b429\b|\b50[234]\b|Service Unavailable|another update is currently in progress|i\/o timeout/i.test(
        error,
    );
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim().split("\n")[0] ?? "";

/** Runs `run` over `items`, at most `limit` at a time, keeping the order of the results. */
async function pool<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/**
 * Runs `command` on the sources, then on the workspaces. An `up` of the workspaces is skipped when
 * a source failed: they would deploy against sources in an unknown state. A preview runs them anyway.
 */
export async function orchestrate(
    command: FleetCommand,
    stacks: { sources: readonly StackEntry[]; workspaces: readonly StackEntry[] },
    runner: Runner,
    options: OrchestrateOptions,
): Promise<StackResult[]> {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
        throw new Error(`--concurrency takes a whole number, at least 1, got ${options.concurrency}`);
    const retries = options.retries ?? 2;
    const transient = options.isTransient ?? isTransientFailure;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const report = options.progress ?? (() => undefined);

    const runOne = async (stack: StackEntry): Promise<StackResult> => {
        let wait = options.backoffMs ?? 5000;
        for (let attempt = 1; ; attempt++) {
            report({ kind: "start", name: stack.name, attempt });
            let text = "";
            try {
                const outcome = await runner
                    .run(command, stack, (t) => (text += t), options.flags ?? {})
                    .finally(() => {
                        if (text !== "") options.output?.(stack.name, text);
                    });
                const changes = Object.fromEntries(
                    Object.entries(outcome.changes).filter(([op, n]) => op !== "same" && n > 0),
                );
                const changed = Object.keys(changes).length > 0;
                // --expect-no-changes: a change is drift, a failure that says what would change.
                const drift = changed && options.flags?.expectNoChanges === true;
                const result: StackResult = {
                    name: stack.name,
                    project: stack.project,
                    status: drift ? "failed" : changed ? "changed" : "unchanged",
                    changes,
                    attempts: attempt,
                    ...(drift
                        ? { error: `drift: changes where none were expected (${describeChanges(changes)})` }
                        : {}),
                };
                report({ kind: "done", result });
                return result;
            } catch (e) {
                const error = firstLine(e);
                if (attempt <= retries && transient(e instanceof Error ? e.message : String(e))) {
                    report({ kind: "retry", name: stack.name, attempt, error, waitMs: wait });
                    await sleep(wait);
                    wait *= 2;
                    continue;
                }
                const result: StackResult = {
                    name: stack.name,
                    project: stack.project,
                    status: "failed",
                    changes: {},
                    attempts: attempt,
                    error,
                };
                report({ kind: "done", result });
                return result;
            }
        }
    };

    const end = (stack: StackEntry, status: StackStatus, error: string): StackResult => {
        const result: StackResult = {
            name: stack.name,
            project: stack.project,
            status,
            changes: {},
            attempts: 0,
            error,
        };
        report({ kind: "done", result });
        return result;
    };
    const runGroup = (group: readonly StackEntry[], skip: string | undefined) =>
        skip !== undefined
            ? Promise.resolve(group.map((s) => end(s, "skipped", skip)))
            : pool(group, options.concurrency, (s) =>
                  options.held?.has(s.name)
                      ? Promise.resolve(end(s, "failed", options.held.get(s.name)!))
                      : runOne(s),
              );
    if (options.order === "workspaces-first") {
        const workspaces = await runGroup(stacks.workspaces, undefined);
        const failed = command === "up" && workspaces.some((r) => r.status === "failed");
        const sources = await runGroup(
            stacks.sources,
            failed
                ? "a workspace stack's run failed; a source goes only once no workspace charts it"
                : undefined,
        );
        return [...workspaces, ...sources];
    }
    const sources = await runGroup(stacks.sources, undefined);
    const sourceFailed = sources.some((r) => r.status === "failed");
    const workspaces = await runGroup(
        stacks.workspaces,
        command === "up" && sourceFailed ? "a source stack failed; not deployed against it" : undefined,
    );
    return [...sources, ...workspaces];
}

/** `+2 ~1 -0`-style counts of a stack's changes. */
export function describeChanges(changes: Record<string, number>): string {
    const parts = Object.entries(changes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([op, n]) => `${op} ${n}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

/**
 * The summary as a Markdown table, with the totals: as it is for a terminal, or `rendered` for a
 * job summary, where what a failure's line quotes must stay text (`inertCell`).
 */
export function summaryTable(
    command: FleetCommand,
    results: readonly StackResult[],
    title = `pulumi ${command}`,
    rendered = false,
): string {
    const text = rendered ? inertCell : cell;
    const count = (s: StackStatus) => results.filter((r) => r.status === s).length;
    const lines = [
        `${title}: ${results.length} stacks: ${count("changed")} changed, ` +
            `${count("unchanged")} unchanged, ${count("failed")} failed` +
            (count("skipped") ? `, ${count("skipped")} skipped` : ""),
        "",
        "| stack | result | changes | attempts | first line of the failure |",
        "| --- | --- | --- | --- | --- |",
        ...results.map(
            (r) =>
                `| ${text(r.name)} | ${r.status} | ` +
                `${cell(describeChanges(r.changes))} | ${r.attempts} | ${text(r.error ?? "")} |`,
        ),
    ];
    return lines.join("\n");
}
