/**
 * Where the workspace stack's sources come from: the source stacks' outputs, read through stack
 * references. `requireOutput` fails with the stack's and the output's name when one is missing;
 * the values are checked by the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_OUTPUTS, SourceContractInputs } from "../shared/contract";
import type { SourceRef } from "../shared/config/workspace";
import { childName } from "../shared/naming";
import type { WorkspaceSource } from "./athenaWorkspace";

/** The contract outputs of one source stack. */
export function readSourceStack(stack: string, opts?: pulumi.CustomResourceOptions): SourceContractInputs {
    const ref = new pulumi.StackReference(childName("source", stack), { name: stack }, opts);
    return Object.fromEntries(CONTRACT_OUTPUTS.map((o) => [o, ref.requireOutput(o)])) as SourceContractInputs;
}

/** The sources of the workspace stack's config, each read from its stack. */
export function sourcesFromStacks(refs: readonly SourceRef[]): WorkspaceSource[] {
    return refs.map((s) => ({ key: s.stack, name: s.name, outputs: readSourceStack(s.stack) }));
}
