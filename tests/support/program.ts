/**
 * Runs the real project programs under the mock runtime with a project's example stack config,
 * changed key by key. The same runtime `npm run synth` uses.
 *
 * The programs run from a copy of this checkout that holds the example stack files only
 * (support/repository.ts): the workspace program reads the stack files beside it (the source
 * stacks it charts when it lists none, its sibling workspace stacks), and a stack file a user
 * adds to the checkout must not change what a test plans.
 */
import assert from "node:assert/strict";
import * as path from "path";
import {
    MockWorld,
    PlanResource,
    ProgramError,
    RunResult,
    StackRefOutputs,
    runProgram,
} from "../../tools/plan/mock/runtime";
import { readProject, readStackConfig } from "../../tools/plan/stackConfig";
import { WORKSPACE_EXAMPLE } from "./examples";
import { REPO } from "./repo";
import { examplesOnlyRepository } from "./repository";

export { REPO };
/** The programs the tests plan: those of the examples-only copy. */
const PROGRAMS = examplesOnlyRepository();
export const SOURCE_DIR = PROGRAMS.sourceDir;
export const WORKSPACE_DIR = PROGRAMS.workspaceDir;
export const ROOT_DIR = PROGRAMS.root;
export const BOOTSTRAP_DIR = PROGRAMS.bootstrapDir;

/** The stack name the example workspace config references. */
export const EXAMPLE_SOURCE_STACK = WORKSPACE_EXAMPLE.sourceStacks[0];

export interface Variant {
    /** Full keys (`namespace:key`) to set; values as they would be in the stack file. */
    set?: Record<string, unknown>;
    /** Full keys to remove. */
    unset?: string[];
    stack?: string;
    stackRefs?: Record<string, StackRefOutputs>;
    world?: MockWorld;
    secretKeys?: string[];
}

/** The example stack config of a project (with Pulumi.yaml defaults), changed as `variant` says. */
export function exampleConfig(projectDir: string, variant: Variant = {}) {
    const project = readProject(projectDir);
    const { config, secretKeys } = readStackConfig(project, path.join(projectDir, "Pulumi.example.yaml"));
    for (const k of variant.unset ?? []) delete config[k];
    for (const [k, v] of Object.entries(variant.set ?? {})) {
        config[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return { project, config, secretKeys: [...secretKeys, ...(variant.secretKeys ?? [])] };
}

/** Plans `projectDir` with its example config changed by `variant`. */
export async function plan(projectDir: string, variant: Variant = {}): Promise<RunResult> {
    const { project, config, secretKeys } = exampleConfig(projectDir, variant);
    return runProgram({
        projectDir,
        project: project.name,
        stack: variant.stack ?? "example",
        config,
        secretKeys,
        stackRefs: variant.stackRefs,
        world: variant.world,
    });
}

/** The config problems a variant is refused with (fails the test when it is not refused). */
export async function configProblems(projectDir: string, variant: Variant): Promise<string[]> {
    try {
        await plan(projectDir, variant);
    } catch (e) {
        if (e instanceof ProgramError && e.configProblems.length > 0) return e.configProblems;
        throw e;
    }
    throw new Error("expected the config to be refused, but the program planned");
}

/** The error a variant fails with (config problems or a program error). */
async function planError(projectDir: string, variant: Variant): Promise<ProgramError> {
    try {
        await plan(projectDir, variant);
    } catch (e) {
        if (e instanceof ProgramError) return e;
        throw e;
    }
    throw new Error("expected the program to fail, but it planned");
}

/**
 * The message a variant is refused with while the program runs, after checking that the Pulumi
 * CLI would print it as its message alone (a RunError, or a ResourceError with hideStack) and
 * that nothing decorated it on the way (`error serializing property "...": `).
 */
export async function refusal(projectDir: string, variant: Variant): Promise<string> {
    const error = await planError(projectDir, variant);
    assert.ok(error.refusal, `not a refusal (the CLI would print a stack trace): ${error.message}`);
    assert.equal(error.configProblems.length, 0, "a config problem, not a refusal of the running program");
    assert.doesNotMatch(error.message, /error serializing property/);
    return error.message;
}

/** A source stack as the workspace sees it through a stack reference: the outputs in clear. */
export function sourceRef(result: RunResult): StackRefOutputs {
    return { outputs: result.rawOutputs, secretOutputs: result.plan.secretOutputs };
}

export function byType(result: RunResult, type: string): PlanResource[] {
    return result.plan.resources.filter((r) => r.type === type);
}

export function oneOf(result: RunResult, type: string): PlanResource {
    const found = byType(result, type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
}

/** Inputs in clear (secrets included) of the resource called `name`. */
export function raw(result: RunResult, name: string): Record<string, any> {
    const inputs = result.rawInputs[name];
    if (!inputs) throw new Error(`no resource named ${name}`);
    return inputs;
}
