/**
 * Where the workspace stack's sources come from: the source stacks' outputs, read through stack
 * references with `getOutput`, so that a missing one arrives as undefined and the component's
 * contract check refuses it with every other problem of that stack (`requireOutput` would fail
 * on the first, as an error the CLI prints with a stack trace).
 */
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_OUTPUTS, SourceContractInputs } from "../shared/contract";
import type { SourceRef } from "../shared/config/workspace";
import { childName } from "../shared/naming";
import type { WorkspaceSource } from "./athenaWorkspace";

/** The contract outputs of one source stack. */
export function readSourceStack(stack: string, opts?: pulumi.CustomResourceOptions): SourceContractInputs {
    const ref = new pulumi.StackReference(childName("source", stack), { name: stack }, opts);
    return Object.fromEntries(CONTRACT_OUTPUTS.map((o) => [o, ref.getOutput(o)])) as SourceContractInputs;
}

/** The sources of the workspace stack's config, each read from its stack. */
export function sourcesFromStacks(refs: readonly SourceRef[]): WorkspaceSource[] {
    return refs.map((s) => ({ key: s.stack, name: s.name, panels: s.panels, outputs: readSourceStack(s.stack) }));
}
