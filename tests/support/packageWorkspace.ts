/**
 * The component package's AthenaWorkspace as the tests drive it: a program using the package
 * (tests/fixtures/package-workspace) planned with the workspace project's example stack file, and
 * the package's own argument check, each refusal one line `key: message`.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { ConfigError } from "../../shared/config/problems";
import { workspaceArguments } from "../../provider/workspaceChecks";
import { RunResult, runProgram } from "../../tools/plan/mock/runtime";
import { REPO, Variant, WORKSPACE_DIR, exampleConfig } from "./program";

/** Plans the package's program with the workspace project's example config changed by `variant`. */
export function planViaPackage(variant: Variant = {}): Promise<RunResult> {
    const { config, secretKeys } = exampleConfig(WORKSPACE_DIR, variant);
    return runProgram({
        projectDir: path.join(REPO, "tests/fixtures/package-workspace"),
        project: "grafana-athena-workspace",
        stack: "example",
        config,
        secretKeys,
        stackRefs: variant.stackRefs,
    });
}

/** The package's refusals of AthenaWorkspace's arguments, `key: message` each; none when it takes them. */
export function argumentProblems(args: Record<string, unknown>): string[] {
    try {
        workspaceArguments(args as never);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    return [];
}
