/**
 * One program run under `pulumi.runtime.setMocks`, from start to end, relying on (checked against
 * @pulumi/pulumi 3.276.0; from 3.248.0 to 3.276.0 none changed, while `setMocks` began to report
 * transforms as supported and its mock monitor gained `getDeploymentInfo` and `existsResource`,
 * which no program here uses):
 * - the SDK's internals `waitForRPCs()` and `leakCandidates()` (shared/pulumiInternals.ts);
 * - `Error.stackTraceLimit`: the SDK records a stack trace for every output it makes;
 * - `pulumi.runtime.getMonitor()`: the mock monitor `setMocks` installed;
 * - a program is its `index.ts`, loaded with `require` (and reloaded for the next run).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { leakCandidates, waitForRPCs } from "../../../shared/pulumiInternals";

export interface MockedRun {
    project: string;
    stack: string;
    /** `pulumi.getOrganization()` in the program. */
    organization?: string;
    config: Record<string, string>;
    secretKeys: string[];
}

let queue: Promise<void> = Promise.resolve();

/**
 * Runs `body` alone: Pulumi's runtime is global, so runs are serialised. During the run, stack
 * traces are kept short: formatting the trace the SDK records for every promise, through source
 * maps, was a third of a plan's time, and a plan reports errors by message. Afterwards, the
 * promises of a refused program (outputs that will never resolve) are forgotten, so that the
 * SDK does not list them as "promises still active" when the process exits.
 */
export async function serialised<T>(body: () => Promise<T>): Promise<T> {
    const previous = queue;
    let release!: () => void;
    queue = new Promise<void>((r) => (release = r));
    await previous;
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
        return await body();
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        leakCandidates()?.clear();
        release();
    }
}

/** Installs the mocks and the stack's config; returns the mock monitor, for the recorder. */
export async function startRun(mocks: pulumi.runtime.Mocks, run: MockedRun): Promise<unknown> {
    await pulumi.runtime.setMocks(mocks, run.project, run.stack, false, run.organization);
    pulumi.runtime.setAllConfig(run.config, run.secretKeys);
    return pulumi.runtime.getMonitor();
}

/**
 * The program's entry point, loaded fresh. The modules it imports (components, shared/) hold no
 * state of their own and stay loaded: compiling them again for every run was most of its time.
 */
export function loadProgram(projectDir: string): Record<string, unknown> {
    for (const key of Object.keys(require.cache)) {
        if (path.basename(key) === "index.ts" && !key.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[key];
        }
    }
    return require(path.resolve(projectDir, "index.ts"));
}

/**
 * Errors thrown inside applies surface as rejections nobody awaits: `failures` collects them, and
 * `first` rejects at the first one (a resource whose inputs failed never resolves its outputs, so
 * exports that depend on it would stay pending forever). `stop()` ends the watch.
 */
export function watchFailures(): { failures: unknown[]; first: Promise<never>; stop(): void } {
    const failures: unknown[] = [];
    let failed!: (reason: unknown) => void;
    const first = new Promise<never>((_, reject) => (failed = reject));
    first.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        failures.push(reason);
        failed(reason);
    };
    process.on("unhandledRejection", onRejection);
    return { failures, first, stop: () => process.off("unhandledRejection", onRejection) };
}

/** Resolves once every registration of the run has finished, and pending rejections were delivered. */
export async function settle(): Promise<void> {
    await waitForRPCs();
    await new Promise((r) => setImmediate(r));
}

/**
 * After a failure: drains the run's RPCs, so that their late failures (a component's
 * registerOutputs on the output that threw) do not surface in the next run. Bounded: a resource
 * whose inputs failed never finishes its RPC (`setMocks` resets the count for the next run).
 */
export async function drain(): Promise<void> {
    await Promise.race([waitForRPCs().catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
    await new Promise((r) => setImmediate(r));
}
