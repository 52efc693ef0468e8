/**
 * The diff of two plans of one stack: resources added, removed and changed (inputs, options,
 * parent, provider), the options that decide what `pulumi up` / `destroy` deletes, reads,
 * outputs, and the IAM, dashboard and data source documents inside the inputs.
 */
import { accessChanges } from "../../plan/access";
import { alertRuleChanges } from "../../plan/alertRules";
import { alertingChanges } from "../../plan/contactPoints";
import { variableChanges } from "../../plan/dashboardVariables";
import type { Plan, PlanRead, PlanResource } from "../../plan/format";
import { DASHBOARD_INPUTS, DashboardDiff, dashboardDiffs } from "./dashboards";
import { POLICY_INPUTS, PolicyDiff, policyDiffs } from "./iam";
import { versionChangeNote } from "../../../shared/grafana/workspaceResource";
import { code } from "../../../shared/markdown";
import { childSuffix } from "../../../shared/naming";
import { ROOT_PROJECT } from "../../../shared/inventory";
import { byCodeUnits } from "../../../shared/order";
import { isObject, own, pretty, same, sortedKeys, unifiedDiff } from "./text";

/** Other JSON-string inputs worth a pretty diff (Grafana data source settings). */
const JSON_INPUTS = ["jsonDataEncoded"];
const DOCUMENT_INPUTS = new Set([...POLICY_INPUTS, ...DASHBOARD_INPUTS, ...JSON_INPUTS]);

function resourceKey(r: { type: string; name: string }): string {
    return `${r.type}\u0000${r.name}`;
}

/** Resources by type+name; a duplicate type+name (different parents) is told apart by parent. */
function indexResources<T extends { type: string; name: string; parent: string | null }>(
    items: readonly T[],
): Map<string, T> {
    const counts = new Map<string, number>();
    for (const r of items) counts.set(resourceKey(r), (counts.get(resourceKey(r)) ?? 0) + 1);
    const out = new Map<string, T>();
    for (const r of items) {
        const k =
            (counts.get(resourceKey(r)) ?? 0) > 1
                ? `${resourceKey(r)}\u0000${r.parent ?? ""}`
                : resourceKey(r);
        out.set(k, r);
    }
    return out;
}

export interface ValueChange {
    path: string;
    before: unknown;
    after: unknown;
}

/** Leaf-level differences of two values ("a.b[2]" paths); arrays of different lengths are leaves. */
function valueChanges(before: unknown, after: unknown, at = ""): ValueChange[] {
    if (same(before, after)) return [];
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodeUnits);
        return keys.flatMap((k) => valueChanges(own(before, k), own(after, k), at ? `${at}.${k}` : k));
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((v, i) => valueChanges(v, after[i], `${at}[${i}]`));
    }
    return [{ path: at, before, after }];
}

/** One flag about what `pulumi up` / `destroy` will delete, adopt or keep. */
interface OptionFlag {
    resource: string;
    type: string;
    text: string;
}

interface ResourceChange {
    type: string;
    name: string;
    inputKeys: string[];
    inputChanges: ValueChange[];
    optionChanges: ValueChange[];
    parent?: { before: string | null; after: string | null };
    provider?: { before: string | null; after: string | null };
}

interface JsonDocDiff {
    resource: string;
    type: string;
    input: string;
    status: "added" | "removed" | "changed";
    diff: string;
}

export interface StackDiff {
    file: string;
    project: string;
    stack: string;
    /**
     * `removed`: the base has a plan and the head none (its stack file was removed: nothing runs
     * for it until `fleet destroy`); `refused`: fleet synth refused the head (nothing of it changes
     * until it plans).
     */
    status: "added" | "removed" | "refused" | "changed" | "unchanged";
    /** Why fleet synth refused the head (status `refused`). */
    refused?: string;
    /**
     * Status `removed` of a stack whose base plan fleet synth refused: why. Its resources are not
     * known here, yet `fleet destroy` deletes what its state holds.
     */
    baseRefused?: string;
    /**
     * Status `removed`: the head's stack of the same project whose name is this one's ignoring case,
     * one stack to Pulumi Cloud: `fleet destroy` holds it (tools/ci/fleet/destroy.ts).
     */
    sameStackAs?: string;
    added: PlanResource[];
    removed: PlanResource[];
    changed: ResourceChange[];
    flags: OptionFlag[];
    reads: { added: PlanRead[]; removed: PlanRead[]; changed: { before: PlanRead; after: PlanRead }[] };
    outputs: ValueChange[];
    policies: PolicyDiff[];
    dashboards: DashboardDiff[];
    jsonDocs: JsonDocDiff[];
    /** Grafana access granted (`+ ...`) and taken away (`- ...`): tools/plan/access.ts. */
    access: string[];
    /** Alert rules added (`+ ...`) and removed (`- ...`), per team: tools/plan/alertRules.ts. */
    alertRules: string[];
    /** Contact points and routes added and removed: tools/plan/contactPoints.ts. */
    alerting: string[];
    /** Dashboard variables added and removed: tools/plan/dashboardVariables.ts. */
    variables: string[];
    /**
     * Resources whose only change is to options the engine alone uses (ENGINE_ONLY_OPTIONS): nothing
     * in the cloud changes, so they are shown apart and not counted as changed.
     */
    engineOnly: ResourceChange[];
    /**
     * The source stack and data source name a per-source resource is for, by resource name
     * (`sourceOfResources`).
     */
    sourceOf: Record<string, string>;
}

/**
 * Options that change how the engine orders or records a resource, never the resource in the
 * cloud: `dependsOn` (the order of operations) and `additionalSecretOutputs` (what the state
 * encrypts). `protect`, `retainOnDelete`, `import`, `ignoreChanges` and `deleteBeforeReplace` decide
 * what an update or destroy does, and stay changes.
 */
const ENGINE_ONLY_OPTIONS = ["dependsOn", "additionalSecretOutputs"];

/**
 * For each resource the workspace program names after a source (`childName(prefix, source key)`,
 * shared/naming.ts), the source stack and its data source's name: the names hash the key, and the
 * plan's stack references are the keys. The names themselves never change (state identity).
 */
function sourceOfResources(plans: readonly (Plan | undefined)[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const plan of plans) {
        if (!plan) continue;
        for (const read of plan.reads) {
            if (read.type !== "pulumi:pulumi:StackReference") continue;
            const suffix = `-${childSuffix(read.id)}`;
            const mine = plan.resources.filter((r) => r.name.endsWith(suffix));
            const label = mine.find((r) => r.type === "grafana:oss/dataSource:DataSource")?.inputs.name;
            for (const r of mine)
                out[r.name] = typeof label === "string" ? `${read.id}, "${label}"` : read.id;
        }
    }
    return out;
}

function optionFlagsForAdded(r: PlanResource): string[] {
    const out: string[] = [];
    if (r.options.import)
        out.push(
            `added with ${code(`import: ${r.options.import}`)}: adopts an existing cloud resource ` +
                "(and `destroy` will delete it unless retained)",
        );
    if (r.options.protect) out.push("added with `protect: true`: `destroy` fails until it is unprotected");
    if (r.options.retainOnDelete)
        out.push("added with `retainOnDelete: true`: `destroy` leaves it in the cloud");
    return out;
}

function optionFlagsForRemoved(r: PlanResource): string[] {
    if (r.options.protect)
        return ["removed, but `protect: true` in the base: `pulumi up` fails until it is unprotected"];
    if (r.options.retainOnDelete)
        return [
            "removed; `retainOnDelete: true` in the base: `pulumi up` drops it " +
                "from the state and leaves it in the cloud",
        ];
    return ["removed: `pulumi up` deletes it from the cloud"];
}

/**
 * What destroying a stack whose file was removed does to one of its resources: no `pulumi up` runs
 * for a missing file; `npm run fleet -- destroy` does, after approval.
 */
export function destroyFate(r: PlanResource): "deletes" | "leaves" | "fails" {
    return r.options.protect ? "fails" : r.options.retainOnDelete ? "leaves" : "deletes";
}

function optionFlagsForRemovedStack(r: PlanResource, project: string): string[] {
    // The root project's stacks are destroyed by hand (`pulumi destroy`), never by fleet destroy.
    const destroy = project === ROOT_PROJECT ? "`pulumi destroy`" : "`fleet destroy`";
    switch (destroyFate(r)) {
        case "fails":
            return [
                `stack file removed; \`protect: true\`: ${destroy} fails on it until it is unprotected` +
                    (r.options.retainOnDelete
                        ? "; `retainOnDelete: true`: then it leaves it in the cloud and drops it " +
                          "from the state"
                        : ""),
            ];
        case "leaves":
            return [
                `stack file removed; \`retainOnDelete: true\`: ${destroy} leaves ` +
                    "it in the cloud and drops it from the state",
            ];
        case "deletes":
            return [`stack file removed: ${destroy} deletes it from the cloud`];
    }
}

function optionFlagsForChanged(before: PlanResource, after: PlanResource): string[] {
    const out: string[] = [];
    const o1 = before.options;
    const o2 = after.options;
    if (o1.protect !== o2.protect) {
        out.push(
            `\`protect\`: \`${o1.protect}\` → \`${o2.protect}\`${
                o2.protect ? " (`destroy` will fail on it)" : " (`destroy` may now delete it)"
            }`,
        );
    }
    if (o1.retainOnDelete !== o2.retainOnDelete) {
        out.push(
            `\`retainOnDelete\`: \`${o1.retainOnDelete}\` → \`${o2.retainOnDelete}\`` +
                (o2.retainOnDelete
                    ? " (`destroy` will leave it in the cloud)"
                    : " (`destroy` will now DELETE it from the cloud)"),
        );
    }
    if (o1.import !== o2.import)
        out.push(`\`import\`: ${code(String(o1.import))} → ${code(String(o2.import))}`);
    if (before.parent !== after.parent) {
        out.push(
            `parent: ${code(String(before.parent))} → ${code(String(after.parent))}: the URN ` +
                `changes; without an alias Pulumi deletes and recreates it`,
        );
    }
    return out;
}

function jsonDocDiffs(before: PlanResource | undefined, after: PlanResource | undefined): JsonDocDiff[] {
    const r = (after ?? before)!;
    const out: JsonDocDiff[] = [];
    for (const input of JSON_INPUTS) {
        const b = own(before?.inputs, input);
        const a = own(after?.inputs, input);
        if (a === undefined && b === undefined) continue;
        if (same(a, b)) continue;
        out.push({
            resource: r.name,
            type: r.type,
            input,
            status: b === undefined ? "added" : a === undefined ? "removed" : "changed",
            diff: unifiedDiff(pretty(b), pretty(a)),
        });
    }
    return out;
}

/**
 * A created Grafana workspace (`createWorkspace`) whose version or configuration changes: said
 * before it happens, as it cannot be taken back (shared/grafana/workspaceResource.ts).
 */
function workspaceFlags(before: PlanResource, after: PlanResource): string[] {
    if (after.type !== "aws:grafana/workspace:Workspace") return [];
    const out: string[] = [];
    const [vb, va] = [own(before.inputs, "grafanaVersion"), own(after.inputs, "grafanaVersion")];
    if (typeof vb === "string" && typeof va === "string" && vb !== va) out.push(versionChangeNote(vb, va));
    // A change of the sign-in replaces the workspace, which the engine refuses while it is protected in
    // the state and the program (shared/grafana/workspaceLifecycle.ts).
    if (!same(own(before.inputs, "authenticationProviders"), own(after.inputs, "authenticationProviders"))) {
        out.push(
            before.options.protect && after.options.protect
                ? "`authenticationProviders` changes: that REPLACES a workspace (a new one at a new URL, " +
                      "the old one deleted with its users' dashboards), so `pulumi up` will refuse it: " +
                      "the workspace is protected; change the sign-in in place first (docs/deploying.md)"
                : "`authenticationProviders` changes: the workspace is REPLACED, a new workspace at a " +
                      "new URL; the old one is deleted with its users' dashboards",
        );
    }
    if (!same(own(before.inputs, "configuration"), own(after.inputs, "configuration"))) {
        out.push(
            "`configuration` changes: the workspace's whole configuration is " +
                "replaced by the new JSON (the workspace restarts)",
        );
    }
    return out;
}

/** Everything that differs between the base and head plan of one file (either may be absent). */
export function diffPlans(file: string, base: Plan | undefined, head: Plan | undefined): StackDiff {
    const any = (head ?? base)!;
    // A refused base had no plan: the head's resources are new. A refused head changes nothing yet.
    // A refused base without a head is a removed stack file all the same: fleet destroy destroys it.
    if (base?.refused !== undefined && head === undefined) {
        const empty: Plan = {
            ...base,
            resources: [],
            reads: [],
            outputs: {},
            secretOutputs: [],
            refused: undefined,
        };
        const d = diffPlans(file, empty, undefined);
        d.baseRefused = base.refused;
        d.flags.push({
            resource: base.stack,
            type: "stack",
            text:
                "stack file removed; the base's offline plan refused it, so this diff cannot list " +
                `its resources: ${base.project === ROOT_PROJECT ? "`pulumi destroy`" : "`fleet destroy`"} ` +
                "deletes every resource its state holds (its destroy preview lists them)",
        });
        return d;
    }
    if (base?.refused !== undefined) base = undefined;
    if (head?.refused !== undefined) {
        const empty: Plan = {
            ...head,
            resources: [],
            reads: [],
            outputs: {},
            secretOutputs: [],
            refused: undefined,
        };
        return { ...diffPlans(file, empty, empty), status: "refused", refused: head.refused };
    }
    const rb = indexResources(base?.resources ?? []);
    const rh = indexResources(head?.resources ?? []);
    const d: StackDiff = {
        file,
        project: any.project,
        stack: any.stack,
        status: !base ? "added" : !head ? "removed" : "unchanged",
        added: [],
        removed: [],
        changed: [],
        flags: [],
        reads: { added: [], removed: [], changed: [] },
        outputs: [],
        policies: [],
        dashboards: [],
        jsonDocs: [],
        access: accessChanges(base, head),
        alertRules: alertRuleChanges(base, head),
        alerting: alertingChanges(base, head),
        variables: variableChanges(base, head),
        engineOnly: [],
        sourceOf: sourceOfResources([base, head]),
    };
    for (const key of sortedKeys(rb, rh)) {
        const b = rb.get(key);
        const h = rh.get(key);
        const r = (h ?? b)!;
        const flag = (text: string) => d.flags.push({ resource: r.name, type: r.type, text });
        if (h && !b) {
            d.added.push(h);
            optionFlagsForAdded(h).forEach(flag);
        } else if (b && !h) {
            d.removed.push(b);
            (head ? optionFlagsForRemoved(b) : optionFlagsForRemovedStack(b, base!.project)).forEach(flag);
        } else if (b && h) {
            if (same(b, h)) continue;
            const inputKeys = [...new Set([...Object.keys(b.inputs), ...Object.keys(h.inputs)])]
                .filter((k) => !same(own(b.inputs, k), own(h.inputs, k)))
                .sort(byCodeUnits);
            const inputChanges = inputKeys
                .filter((k) => !DOCUMENT_INPUTS.has(k))
                .flatMap((k) => valueChanges(own(b.inputs, k), own(h.inputs, k), k));
            const optionChanges = valueChanges(b.options, h.options);
            const change: ResourceChange = {
                type: h.type,
                name: h.name,
                inputKeys,
                inputChanges,
                optionChanges,
            };
            if (b.parent !== h.parent) change.parent = { before: b.parent, after: h.parent };
            if (b.provider !== h.provider) change.provider = { before: b.provider, after: h.provider };
            const engineOnly =
                inputKeys.length === 0 &&
                !change.parent &&
                !change.provider &&
                optionChanges.every((o) => ENGINE_ONLY_OPTIONS.includes(o.path.replace(/\[\d+\]$/, "")));
            if (engineOnly) {
                d.engineOnly.push(change);
                continue;
            }
            d.changed.push(change);
            optionFlagsForChanged(b, h).forEach(flag);
            workspaceFlags(b, h).forEach(flag);
        } else continue;
        d.policies.push(...policyDiffs(b, h));
        d.dashboards.push(...dashboardDiffs(b, h));
        d.jsonDocs.push(...jsonDocDiffs(b, h));
    }
    const readsB = indexResources(base?.reads ?? []);
    const readsH = indexResources(head?.reads ?? []);
    for (const key of sortedKeys(readsB, readsH)) {
        const b = readsB.get(key);
        const h = readsH.get(key);
        if (h && !b) d.reads.added.push(h);
        else if (b && !h) d.reads.removed.push(b);
        else if (b && h && !same(b, h)) d.reads.changed.push({ before: b, after: h });
    }
    const secretB = new Set(base?.secretOutputs ?? []);
    const secretH = new Set(head?.secretOutputs ?? []);
    const outKeys = [
        ...new Set([...Object.keys(base?.outputs ?? {}), ...Object.keys(head?.outputs ?? {})]),
    ].sort(byCodeUnits);
    for (const k of outKeys) {
        d.outputs.push(...valueChanges(own(base?.outputs, k), own(head?.outputs, k), k));
        if (base && head && k in base.outputs && k in head.outputs && secretB.has(k) !== secretH.has(k)) {
            d.outputs.push({ path: `${k} (secret)`, before: secretB.has(k), after: secretH.has(k) });
        }
    }
    if (
        d.status === "unchanged" &&
        (d.added.length ||
            d.removed.length ||
            d.changed.length ||
            d.reads.added.length ||
            d.reads.removed.length ||
            d.reads.changed.length ||
            d.outputs.length ||
            base!.project !== head!.project ||
            base!.stack !== head!.stack)
    ) {
        d.status = "changed";
    }
    return d;
}

/**
 * Diffs of every plan file in either set, by file name. A removed stack whose name a head plan of
 * the same project holds ignoring case (`Finance` renamed `finance`) is marked `sameStackAs` it: one
 * stack to Pulumi Cloud, which `fleet destroy` holds rather than destroys.
 */
export function diffPlanSets(base: Record<string, Plan>, head: Record<string, Plan>): StackDiff[] {
    const files = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort(byCodeUnits);
    const diffs = files.map((f) => diffPlans(f, base[f], head[f]));
    for (const d of diffs) {
        if (d.status !== "removed") continue;
        const twin = Object.values(head).find(
            (h) =>
                h.project === d.project &&
                h.stack !== d.stack &&
                h.stack.toLowerCase() === d.stack.toLowerCase(),
        );
        if (twin !== undefined) d.sameStackAs = twin.stack;
    }
    return diffs;
}
