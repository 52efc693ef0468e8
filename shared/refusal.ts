/**
 * Refusing bad input the way a tool does, not the way a crash does: one message that says what
 * is wrong and what to change, and no stack trace.
 *
 * The pure rules throw `Refusal`. The components turn it into a `pulumi.ResourceError` with
 * `hideStack` (shared/resourceRefusal.ts), which the Pulumi CLI prints as its message alone;
 * any other error is a bug and keeps its trace. This module loads nothing: the tools that only
 * read files (fleet check, plan-diff) do not load the Pulumi SDK through it.
 */

/** Bad input, refused. The message names the setting or stack output and the fix. */
export class Refusal extends Error {
    constructor(message: string) {
        super(message);
        this.name = "Refusal";
    }
}
