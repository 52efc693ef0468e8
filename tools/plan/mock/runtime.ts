/**
 * The Pulumi mock runtime that both the tests and `npm run synth` use: it runs a project's real
 * `index.ts` under `pulumi.runtime.setMocks` (lifecycle.ts) against the fake cloud
 * (fakeCloud.ts), records every resource with its inputs and options (recorder.ts), and turns
 * the record into a plan (../plan/format.ts) with every secret redacted.
 */
import * as pulumi from "@pulumi/pulumi";
import { Plan, PlanRead, PlanResource, SECRET } from "../format";
import { withAdoptedWorkspace } from "./adoptedWorld";
import {
    CloudContext,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_ORGANIZATION,
    MockWorld,
    StackRefOutputs,
    call,
    newResource,
} from "./fakeCloud";
import { drain, loadProgram, serialised, settle, startRun, watchFailures } from "./lifecycle";
import { Recorded, ResourceRecorder } from "./recorder";
import { SecretIndex, redact, unwrapSecrets } from "./secrets";

export { DEFAULT_ACCOUNT_ID, MOCK_NOW } from "./fakeCloud";
export type { MockWorld, StackRefOutputs } from "./fakeCloud";
export type { Plan, PlanOptions, PlanRead, PlanResource } from "../format";
export { SECRET };

export interface RunRequest {
    /** Folder holding the project's `index.ts` (and `Pulumi.yaml`). */
    projectDir: string;
    project: string;
    stack: string;
    /** `pulumi.getOrganization()` in the program; default `organization`, the local backend's. */
    organization?: string;
    /** Stack config, `namespace:key` -> value as Pulumi passes it (strings; lists and objects as JSON). */
    config: Record<string, string>;
    /** Keys of `config` that are secrets. */
    secretKeys?: string[];
    /** Stack references, by fully qualified stack name. */
    stackRefs?: Record<string, StackRefOutputs>;
    /** Resolves a stack reference `stackRefs` does not hold (e.g. from a folder of plans). */
    resolveStackRef?: (name: string) => StackRefOutputs | undefined;
    /**
     * The one line that says a stack reference is known neither to `stackRefs` nor to
     * `resolveStackRef`, naming what was looked for (default: how to pass it). The run is refused
     * with one such line per unknown stack.
     */
    missingStackRef?: (name: string) => string;
    world?: MockWorld;
}

/** What a run gives tests: the plan as printed, plus the values the plan redacts. */
export interface RunResult {
    plan: Plan;
    /** Inputs with secrets in clear, by resource name (for evaluating policies in tests). */
    rawInputs: Record<string, Record<string, unknown>>;
    /** Input paths that were secret, by resource name. */
    secretInputs: Record<string, string[]>;
    /** Outputs in clear. */
    rawOutputs: Record<string, unknown>;
}

/** The program failed: config problems (one per line), a refusal, or an error it threw. */
export class ProgramError extends Error {
    constructor(
        message: string,
        /** Config problems, one line each, when the failure was a config mistake. */
        readonly configProblems: string[] = [],
        /**
         * The program refused, the way the Pulumi CLI prints as the message alone: a
         * `pulumi.RunError`, or a `pulumi.ResourceError` with hideStack. Anything else would be
         * printed with a stack trace.
         */
        readonly refusal = false,
    ) {
        super(message);
        this.name = "ProgramError";
    }
}

/** Runs one program under the mocks and returns its plan. Runs are serialised: Pulumi's runtime is global. */
export function runProgram(req: RunRequest): Promise<RunResult> {
    return serialised(() => runProgramNow(req));
}

async function runProgramNow(req: RunRequest): Promise<RunResult> {
    const all = req.config;
    const allowed = parseList(all["aws:allowedAccountIds"]);
    // A stack pinned to several accounts deploys into one of them, never elsewhere: the first stands
    // for it (outside them the workspace would refuse the source for deploying where its file says not).
    const defaultAccount = allowed.length >= 1 ? allowed[0] : DEFAULT_ACCOUNT_ID;
    const defaultRegion = all["aws:region"] ?? "us-east-1";
    const secretValues = new Set<string>();
    for (const k of req.secretKeys ?? []) {
        if (all[k]) secretValues.add(all[k]);
    }
    const rememberSecrets = (ref: StackRefOutputs) => {
        for (const k of ref.secretOutputs ?? []) {
            if (typeof ref.outputs[k] === "string") secretValues.add(ref.outputs[k] as string);
        }
    };
    Object.values(req.stackRefs ?? {}).forEach(rememberSecrets);
    // Stack references that could not be resolved, one line each: the run reports these.
    const missingRefs: string[] = [];
    const refProblem = (line: string) => {
        if (!missingRefs.includes(line)) missingRefs.push(line);
        return line;
    };
    const stackRefMissing = (name: string) =>
        refProblem(
            req.missingStackRef?.(name) ??
                `stack reference ${name} is not known offline: pass --ref ${name}=PLANFILE, ` +
                    `or --ref-dir DIR holding ${name.split("/").pop()}.json`,
        );
    const stackRef = (name: string) => {
        let ref: StackRefOutputs | undefined;
        try {
            ref = req.stackRefs?.[name] ?? req.resolveStackRef?.(name);
        } catch (e) {
            // A plan that cannot be read (not a regular file, not a plan): named, once.
            throw new Error(
                refProblem(
                    `stack reference ${name}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`,
                ),
            );
        }
        if (ref) rememberSecrets(ref);
        return ref;
    };

    const world = withAdoptedWorkspace(req.world ?? {}, all);
    let recorder!: ResourceRecorder;
    // The account and region of an AWS provider: what it is pinned to, else the stack's defaults.
    const context = (providerRef: string | undefined): CloudContext => {
        const p = recorder.providerOf(providerRef)?.inputs;
        return {
            stack: req.stack,
            account: accountOf(p, defaultAccount),
            region: (p?.region as string | undefined) ?? defaultRegion,
            providerUrl: p?.url as string | undefined,
            world,
            stackRef,
            stackRefMissing,
            addSecret: (v) => secretValues.add(v),
        };
    };
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            // Secret inputs arrive wrapped; computed values are computed from the clear value.
            const inputs = unwrapSecrets(args.inputs, "", { paths: [], values: [] }) as Record<string, any>;
            if (args.type.startsWith("pulumi:providers:")) {
                return { id: `${args.name}-provider-id`, state: inputs };
            }
            if (!args.custom) {
                return { id: undefined, state: {} };
            }
            return newResource(
                { type: args.type, name: args.name, inputs, id: args.id },
                context(args.provider),
            );
        },
        call(args) {
            return call(args.token, args.inputs, context(args.provider));
        },
    };

    recorder = new ResourceRecorder(
        await startRun(mocks, {
            project: req.project,
            stack: req.stack,
            organization: req.organization ?? DEFAULT_ORGANIZATION,
            config: req.config,
            secretKeys: req.secretKeys ?? [],
        }),
    );
    const watch = watchFailures();
    try {
        let programExports: Record<string, unknown>;
        try {
            programExports = loadProgram(req.projectDir);
        } catch (e) {
            throw asProgramError(e);
        }
        const names = Object.keys(programExports).filter((k) => k !== "__esModule");
        const resolved = await Promise.race([
            Promise.all(
                names.map(async (k) => {
                    const o = pulumi.output(programExports[k]) as unknown as {
                        promise(): Promise<unknown>;
                        isSecret: Promise<boolean>;
                    };
                    return [k, await o.promise(), await o.isSecret] as const;
                }),
            ),
            watch.first,
        ]);
        await settle();
        if (watch.failures.length > 0) {
            throw asProgramError(watch.failures[0]);
        }
        const rawOutputs = Object.fromEntries(resolved.map(([k, v]) => [k, v]));
        const secretOutputs = resolved
            .filter(([, , s]) => s)
            .map(([k]) => k)
            .sort();
        return buildPlan(req, recorder, rawOutputs, secretOutputs, secretValues);
    } catch (e) {
        const error = asProgramError(e);
        await drain();
        // Every unknown stack reference, one line each, instead of the first failure it caused.
        if (missingRefs.length > 0) throw new ProgramError(missingRefs.join("\n"), [], true);
        throw error;
    } finally {
        watch.stop();
    }
}

/**
 * The account an AWS provider deploys into: its one allowed account, else the account of the role it assumes.
 */
function accountOf(provider: Record<string, unknown> | undefined, fallback: string): string {
    if (!provider) return fallback;
    const ids = parseList(provider.allowedAccountIds);
    if (ids.length === 1) return ids[0];
    const assumeArn =
        (provider.assumeRoles as { roleArn?: string }[] | undefined)?.[0]?.roleArn ??
        (provider.assumeRole as { roleArn?: string } | undefined)?.roleArn;
    const fromArn = typeof assumeArn === "string" ? assumeArn.split(":")[4] : undefined;
    return fromArn && /^\d{12}$/.test(fromArn) ? fromArn : fallback;
}

function buildPlan(
    r: RunRequest,
    recorder: ResourceRecorder,
    rawOutputs: Record<string, unknown>,
    secretOutputs: string[],
    secretValues: Set<string>,
): RunResult {
    const secrets = new SecretIndex(secretValues);
    const nameOf = (urn: string) => (urn ? (recorder.byUrn.get(urn)?.name ?? urn) : null);
    const providerName = (ref: string) => (ref ? (recorder.providerOf(ref)?.name ?? ref) : null);
    const rawInputs: Record<string, Record<string, unknown>> = {};
    const secretInputs: Record<string, string[]> = {};
    const resources: PlanResource[] = [];
    const reads: PlanRead[] = [];
    const seen = new Set<string>();
    for (const rec of recorder.recorded) {
        if (rec.read) {
            reads.push({ type: rec.type, name: rec.name, id: rec.read.id, parent: nameOf(rec.parentUrn) });
            continue;
        }
        if (rec.type === "pulumi:pulumi:StackReference") {
            reads.push({ type: rec.type, name: rec.name, id: rec.name, parent: nameOf(rec.parentUrn) });
            continue;
        }
        if (seen.has(rec.name)) {
            throw new Error(
                `two resources are named "${rec.name}": plans refer to ` +
                    `resources by name, so names must be unique`,
            );
        }
        seen.add(rec.name);
        resources.push(planResource(rec, nameOf, providerName, secrets, rawInputs, secretInputs));
    }
    resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : 1));
    reads.sort((a, b) => (a.name < b.name ? -1 : 1));
    const outputs = Object.fromEntries(
        Object.keys(rawOutputs)
            .sort()
            .map((k) => [
                k,
                secretOutputs.includes(k) ? SECRET : redact(rawOutputs[k], secrets, () => false),
            ]),
    );
    return {
        plan: { project: r.project, stack: r.stack, resources, reads, outputs, secretOutputs },
        rawInputs,
        secretInputs,
        rawOutputs,
    };
}

function planResource(
    rec: Recorded,
    nameOf: (urn: string) => string | null,
    providerName: (ref: string) => string | null,
    secrets: SecretIndex,
    rawInputs: Record<string, Record<string, unknown>>,
    secretInputs: Record<string, string[]>,
): PlanResource {
    const found = { paths: [] as string[], values: [] as string[] };
    const clear = unwrapSecrets(rec.inputs, "", found) as Record<string, unknown>;
    rawInputs[rec.name] = clear;
    // A dynamic provider's code is kilobytes of serialized JavaScript: the plan names it only.
    const inputs =
        rec.type.startsWith("pulumi-nodejs:dynamic") && "__provider" in clear
            ? { ...clear, __provider: "[serialized dynamic provider]" }
            : clear;
    secretInputs[rec.name] = found.paths;
    const secretPaths = new Set(found.paths);
    return {
        type: rec.type,
        name: rec.name,
        parent: nameOf(rec.parentUrn),
        provider: providerName(rec.providerRef),
        inputs: redact(inputs, secrets, (p) => secretPaths.has(p)) as Record<string, unknown>,
        options: {
            protect: rec.options.protect,
            retainOnDelete: rec.options.retainOnDelete,
            import: rec.options.import,
            dependsOn: [...new Set(rec.options.dependsOnUrns.map((u) => nameOf(u)!))].sort(),
            additionalSecretOutputs: [...rec.options.additionalSecretOutputs].sort(),
            deleteBeforeReplace: rec.options.deleteBeforeReplace,
            ignoreChanges: [...rec.options.ignoreChanges].sort(),
        },
    };
}

function parseList(v: unknown): string[] {
    if (Array.isArray(v)) return v.map(String);
    if (typeof v !== "string" || v === "") return [];
    try {
        const parsed = JSON.parse(v);
        return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
    } catch {
        return [v];
    }
}

/** A RunError from config validation carries the problem lines after its first line. */
function asProgramError(e: unknown): ProgramError {
    if (e instanceof ProgramError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const refusal =
        pulumi.RunError.isInstance(e) ||
        (pulumi.ResourceError.isInstance(e) && (e as pulumi.ResourceError).hideStack === true);
    if (pulumi.RunError.isInstance(e) && message.startsWith("invalid configuration:")) {
        return new ProgramError(message, message.split("\n").slice(1), true);
    }
    return new ProgramError(message, [], refusal);
}
