/**
 * Where the workspace stack's sources come from: the source stacks' outputs, read through stack
 * references. A missing output arrives as undefined, and the component's contract check refuses
 * it with every other problem of that stack (`requireOutput` would fail on the first, as an error
 * the CLI prints with a stack trace).
 */
import * as pulumi from "@pulumi/pulumi";
import { PUBLIC_OUTPUTS, SourceContractInputs } from "../../shared/contract";
import type { SourceRef } from "../../shared/config/workspace";
import { childName } from "../../shared/naming";
import type { WorkspaceSource } from "./athenaWorkspace";

/**
 * The contract outputs of one source stack: the public ones taken from the stack's outputs in one
 * step (the reference's `outputs` value is secret as a whole once any output is; only the public
 * names are taken out of it, and the component refuses one of them that the source made a secret),
 * the external ID by itself, secret. A `getOutput` per name costs each source ten Outputs more.
 */
export function readSourceStack(stack: string, opts?: pulumi.CustomResourceOptions): SourceContractInputs {
    const ref = new pulumi.StackReference(childName("source", stack), { name: stack }, opts);
    const picked = ref.outputs.apply((o) => Object.fromEntries(PUBLIC_OUTPUTS.map((n) => [n, o[n]])));
    return {
        public: pulumi.unsecret(picked),
        externalId: ref.getOutput("externalId"),
        secretNames: ref.secretOutputNames,
    };
}

/** The sources of the workspace stack's config, each read from its stack. */
export function sourcesFromStacks(refs: readonly SourceRef[]): WorkspaceSource[] {
    return refs.map((s) => ({
        key: s.stack,
        name: s.name,
        panels: s.panels,
        allowedAccountIds: s.allowedAccountIds,
        outputs: readSourceStack(s.stack),
    }));
}
