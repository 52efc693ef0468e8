/** Source stacks for the workspace's refusal tests, and a source stack reference with its outputs changed. */
import type { StackRefOutputs } from "../../tools/plan/mock/runtime";
import { EXAMPLE_SOURCE_STACK } from "./program";
import { PlannedSource } from "./workspaceSources";

export const SALES = EXAMPLE_SOURCE_STACK;
export const ANALYTICS = "acme/grafana-athena-source/analytics";
/** `source` as a stack reference with its outputs changed. */
export function withOutputs(
    source: PlannedSource,
    change: (outputs: Record<string, unknown>) => void,
): PlannedSource {
    const outputs = { ...source.ref.outputs };
    change(outputs);
    const ref: StackRefOutputs = { ...source.ref, outputs };
    return { ...source, ref };
}
