/**
 * The offline plan's format (docs/offline-plan.md, "The plan's JSON"): what `npm run synth` prints, what
 * `--ref` and `--ref-dir` read back, what the plan diff compares and what CI uploads. An interface
 * users and CI rely on: fields are only ever added.
 */
import { byCodeUnits } from "../../shared/order";

/** What every secret value looks like in a plan. */
export const SECRET = "[secret]";

export interface PlanOptions {
    protect: boolean;
    retainOnDelete: boolean;
    import: string | null;
    dependsOn: string[];
    additionalSecretOutputs: string[];
    /** A replacement deletes the old resource before it creates the new one. */
    deleteBeforeReplace: boolean;
    /** Inputs an update leaves as they are in the cloud. */
    ignoreChanges: string[];
}

export interface PlanResource {
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    inputs: Record<string, unknown>;
    options: PlanOptions;
}

/** A resource that is read, not managed (e.g. an existing workgroup); destroy never touches it. */
export interface PlanRead {
    type: string;
    name: string;
    id: string;
    parent: string | null;
}

export interface Plan {
    project: string;
    stack: string;
    resources: PlanResource[];
    reads: PlanRead[];
    outputs: Record<string, unknown>;
    secretOutputs: string[];
    /**
     * Set (one line, why) when `fleet synth` refused the stack: its record then holds no resources.
     * The plan diff tells such a stack from one whose stack file was removed (no plan at all).
     */
    refused?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A plan file, read and checked: refused with a message naming `file` when it is not JSON, not a
 * plan, or has no outputs (what a stack reference reads).
 */
export function readPlanFile(file: string, read: (f: string) => string): Plan {
    let raw: unknown;
    try {
        raw = JSON.parse(read(file));
    } catch (e) {
        const why =
            (e as NodeJS.ErrnoException).code === "ENOENT"
                ? "does not exist"
                : `is not JSON (${e instanceof Error ? e.message : String(e)})`;
        throw new Error(`${file} ${why}`);
    }
    const plan = normalizePlan(raw, file);
    if (plan.refused !== undefined)
        throw new Error(`${file}: fleet synth refused the stack, so it has no outputs: ${plan.refused}`);
    if (!isObject((raw as Record<string, unknown>).outputs)) {
        throw new Error(
            `${file}: the plan has no outputs (expected {..., outputs: {...}}, as npm run synth writes)`,
        );
    }
    return plan;
}

/**
 * Any value as a string; never `String(object)`, which an object without a prototype (the plan diff's parse)
 * refuses.
 */
const str = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? String(v)));
/** An empty map without a prototype: a missing `inputs` or `outputs` has no `constructor` key either. */
const none = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

/**
 * Checks the shape of a plan and fills fields an older synth may not have written; `file` names it in errors.
 */
export function normalizePlan(raw: unknown, file = "plan"): Plan {
    if (!isObject(raw) || !Array.isArray(raw.resources)) {
        throw new Error(`${file}: not a plan (expected {project, stack, resources: [...]})`);
    }
    const resources: PlanResource[] = raw.resources.map((r, i) => {
        if (!isObject(r) || typeof r.type !== "string" || typeof r.name !== "string") {
            throw new Error(`${file}: resources[${i}] needs a string type and name`);
        }
        const o = isObject(r.options) ? r.options : {};
        return {
            type: r.type,
            name: r.name,
            parent: typeof r.parent === "string" ? r.parent : null,
            provider: typeof r.provider === "string" ? r.provider : null,
            inputs: isObject(r.inputs) ? r.inputs : none(),
            options: {
                protect: o.protect === true,
                retainOnDelete: o.retainOnDelete === true,
                import: typeof o.import === "string" && o.import !== "" ? o.import : null,
                dependsOn: Array.isArray(o.dependsOn) ? o.dependsOn.map(str).sort(byCodeUnits) : [],
                additionalSecretOutputs: Array.isArray(o.additionalSecretOutputs)
                    ? o.additionalSecretOutputs.map(str).sort(byCodeUnits)
                    : [],
                deleteBeforeReplace: o.deleteBeforeReplace === true,
                ignoreChanges: Array.isArray(o.ignoreChanges)
                    ? o.ignoreChanges.map(str).sort(byCodeUnits)
                    : [],
            },
        };
    });
    const reads: PlanRead[] = (Array.isArray(raw.reads) ? raw.reads : []).filter(isObject).map((r) => ({
        type: str(r.type),
        name: str(r.name),
        id: str(r.id),
        parent: typeof r.parent === "string" ? r.parent : null,
    }));
    return {
        project: typeof raw.project === "string" ? raw.project : "(unknown project)",
        stack: typeof raw.stack === "string" ? raw.stack : "(unknown stack)",
        resources,
        reads,
        outputs: isObject(raw.outputs) ? raw.outputs : none(),
        secretOutputs: Array.isArray(raw.secretOutputs) ? raw.secretOutputs.map(str) : [],
        ...(typeof raw.refused === "string" ? { refused: raw.refused.split("\n")[0] } : {}),
    };
}
