/** The CI as the workflow rules read it: workflows, jobs, steps and local actions, parsed from YAML. */
import YAML from "yaml";

export interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string | boolean;
    "continue-on-error"?: boolean | string;
    "working-directory"?: string;
    shell?: string;
}
export interface Job {
    if?: string | boolean;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    environment?: string | { name: string };
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    /** A reusable workflow's call. */
    uses?: string;
    secrets?: unknown;
    with?: Record<string, unknown>;
}
export interface Workflow {
    file: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
    /** The `# vX.Y.Z` comment of each `uses:` value, by the value (undefined: no comment). */
    useComments: { uses: string; comment: string | undefined }[];
}
/** A local composite action (`.github/actions/<name>/action.yml`). */
interface Action {
    /** `./.github/actions/<name>`, as a step's `uses` names it. */
    ref: string;
    file: string;
    steps: Step[];
    useComments: Workflow["useComments"];
}
/** Commit SHA → release tag of each action, each checked against the action's repository. */
export type PinTable = Record<string, Record<string, string>>;
/** Everything the rules look at. */
export interface Ci {
    workflows: Workflow[];
    actions: Action[];
    /** `.github/CODEOWNERS`, undefined when there is none. */
    codeowners: string | undefined;
    /** CODEOWNERS files GitHub would ignore or prefer (`CODEOWNERS`, `docs/CODEOWNERS`): none may exist. */
    otherCodeowners: string[];
    pins: PinTable;
}
function parseYaml(file: string, text: string) {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const useComments: Workflow["useComments"] = [];
    YAML.visit(doc, {
        Pair(_, pair) {
            if (YAML.isScalar(pair.key) && pair.key.value === "uses" && YAML.isScalar(pair.value)) {
                useComments.push({ uses: String(pair.value.value), comment: pair.value.comment?.trim() });
            }
        },
    });
    return { js: (doc.toJS() ?? {}) as Record<string, unknown>, useComments };
}
/** Parses a workflow; YAML errors are thrown with the file's name. */
export function parseWorkflow(file: string, text: string): Workflow {
    const { js, useComments } = parseYaml(file, text);
    const raw = js.on;
    const on =
        typeof raw === "string"
            ? { [raw]: null }
            : Array.isArray(raw)
              ? Object.fromEntries((raw as string[]).map((t) => [t, null]))
              : (raw as Record<string, unknown>);
    return {
        file,
        on: on ?? {},
        permissions: js.permissions as Workflow["permissions"],
        env: js.env as Workflow["env"],
        jobs: (js.jobs ?? {}) as Record<string, Job>,
        useComments,
    };
}
/** Parses a local composite action. */
export function parseAction(ref: string, file: string, text: string): Action {
    const { js, useComments } = parseYaml(file, text);
    const runs = (js.runs ?? {}) as { using?: string; steps?: Step[] };
    if (runs.using !== "composite")
        throw new Error(`${file}: only composite local actions are supported (runs.using: composite)`);
    return { ref, file, steps: runs.steps ?? [], useComments };
}
