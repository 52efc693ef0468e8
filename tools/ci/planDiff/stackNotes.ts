/**
 * The plan diff's notes on one stack beside its table of changes: a resource's label (with the
 * source stack it is for), what destroying a stack whose file was removed would delete and leave,
 * and the resources whose only change is an engine-only option.
 */
import type { PlanResource } from "../../plan/format";
import { StackDiff, destroyFate } from "./stacks";
import { ROOT_PROJECT } from "../../../shared/inventory";
import { code } from "../../../shared/markdown";
import { plural } from "./text";

export function resourceLabel(r: { name: string; type: string }, d?: StackDiff): string {
    const source = d?.sourceOf[r.name];
    return `${code(r.name)} (${code(r.type)})${source === undefined ? "" : ` — for ${code(source)}`}`;
}

/** A stack whose file was removed: what destroying it would delete and leave, as for any destroy. */
export function removedStackText(d: StackDiff): string {
    const fates = {
        deletes: [] as PlanResource[],
        leaves: [] as PlanResource[],
        fails: [] as PlanResource[],
    };
    for (const r of d.removed) fates[destroyFate(r)].push(r);
    const names = (rs: readonly { name: string; type: string }[]) =>
        rs
            .slice(0, 10)
            .map((r) => resourceLabel(r, d))
            .join(", ") + (rs.length > 10 ? `, … ${rs.length - 10} more` : "");
    const lines = [
        d.project === ROOT_PROJECT
            ? "**Stack file removed:** its resources stay until it is " +
              "destroyed. Nothing runs for a missing stack file, and neither the deploy nor " +
              "`fleet destroy` runs a stack of the root project: destroy it by hand " +
              `(${code(`pulumi destroy --stack ${d.stack}`)} in the repository root, with the ` +
              "stack file as the base had it)."
            : "**Stack file removed:** its resources stay until it is " +
              "destroyed. Nothing runs for a missing stack file; " +
              "`npm run fleet -- destroy --base REF` destroys the stack (the deploy " +
              "runs it after approval, workspaces before sources).",
        d.baseRefused !== undefined
            ? `The base's offline plan refused this stack (${code(d.baseRefused)}), so what a destroy ` +
              "deletes is not known here: every resource its state holds (its destroy preview lists them)."
            : `A destroy deletes ${plural(fates.deletes.length, "resource")}` +
              (fates.deletes.length ? ` (listed below)` : "") +
              ", as the offline plan knows the stack; anything else its state holds goes too " +
              "(the deploy's destroy preview lists every resource in its job's log, before the approval).",
    ];
    if (d.sameStackAs !== undefined)
        lines.push(
            `Its name differs from ${code(d.sameStackAs)}, still planned, only in case: one stack to ` +
                "Pulumi Cloud, which reads stack names without case, so `fleet destroy` holds it (and " +
                "fails naming that file) rather than destroy the stack that file deploys.",
        );
    if (fates.leaves.length)
        lines.push(
            `A destroy leaves ${plural(fates.leaves.length, "resource")} in the cloud ` +
                `(\`retainOnDelete\`: adopted or kept on purpose): ${names(fates.leaves)}.`,
        );
    if (d.reads.removed.length)
        lines.push(
            `It only reads ${plural(d.reads.removed.length, "resource")}, which a ` +
                `destroy never touches: ${names(d.reads.removed)}.`,
        );
    if (fates.fails.length) {
        const kept = fates.fails.filter((r) => r.options.retainOnDelete);
        lines.push(
            `A destroy fails on ${plural(fates.fails.length, "protected resource")} until ` +
                `unprotected: ${names(fates.fails)}.` +
                (kept.length
                    ? " Once unprotected, a destroy still leaves in the cloud (`retainOnDelete`: adopted " +
                      `or kept on purpose): ${names(kept)}.`
                    : ""),
        );
    }
    return lines.join("\n");
}

/** Resources whose only change is an engine-only option (ENGINE_ONLY_OPTIONS): apart, and not counted. */
export function engineOnlyLine(d: StackDiff): string {
    const shown = d.engineOnly.slice(0, 10).map((c) => {
        const opts = [...new Set(c.optionChanges.map((o) => o.path.replace(/\[\d+\]$/, "")))];
        return `${code(c.name)} (${opts.map(code).join(", ")})`;
    });
    return (
        `**Engine-only** (not counted: only the order or the state's ` +
        `bookkeeping changes, nothing in the cloud): ` +
        `${shown.join(", ")}${d.engineOnly.length > 10 ? `, … ${d.engineOnly.length - 10} more` : ""}.`
    );
}
