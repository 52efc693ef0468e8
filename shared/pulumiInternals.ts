/**
 * Every use of the Pulumi SDK's internals, in one place: modules and members `@pulumi/pulumi`
 * exports but does not declare as its API (no type declarations), checked against
 * @pulumi/pulumi 3.276.0. tests/shared/pulumiInternals.test.ts calls each as this repository does
 * and fails when an upgrade changes one; re-check the notes below then.
 * - `runtime/config` `isConfigSecret(key)`: whether the engine passed the key as a secret
 *   (`PULUMI_CONFIG_SECRET_KEYS`); a key set with `--path --secret` on a nested field makes its
 *   whole top-level key secret;
 * - `runtime/settings` `waitForRPCs()`: resolves once every resource registration has finished;
 * - `runtime/state` `getStore().leakCandidates`: the promises the SDK reports as leaked at exit;
 * - `tsutils` `loadTypeScriptCompilerOptions(file)`: the compiler options `pulumi up` compiles a
 *   project with (its tsconfig.json as the language host reads it);
 * - the SDK's own copies of gRPC and its protocol buffers (`sdkRequire`), for the stand-in providers.
 * Loaded when used, not with this module: the tools that need none of them start without the SDK.
 */
import { createRequire } from "node:module";

/** The version the members below were checked against. */
export const CHECKED_SDK_VERSION = "3.276.0";

/** `require` as the SDK's own files resolve modules (its bundled gRPC and protocol buffers). */
export function sdkRequire(id: string): unknown {
    return createRequire(require.resolve("@pulumi/pulumi/package.json"))(id);
}

/** Whether the running program's config key `key` (`namespace:name`) is a secret. */
export function isConfigSecret(key: string): boolean {
    return (
        require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean }
    ).isConfigSecret(key);
}

/** Resolves once every resource registration of the running program has finished. */
export function waitForRPCs(): Promise<void> {
    return (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** The promises the SDK would report as leaked when the process exits (undefined if it keeps none). */
export function leakCandidates(): Set<unknown> | undefined {
    return (
        require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates?: Set<unknown> } }
    ).getStore().leakCandidates;
}

/** The TypeScript compiler options the Pulumi language host compiles a project with. */
export function projectCompilerOptions(tsconfigFile: string): Record<string, unknown> {
    return (
        require("@pulumi/pulumi/tsutils") as {
            loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
        }
    ).loadTypeScriptCompilerOptions(tsconfigFile);
}
