/**
 * The state guard's rules over one stack's exported state (`pulumi stack export`), pure.
 *
 * Why: a Pulumi dynamic resource keeps its provider's code in the state, in the `__provider`
 * property, and the Node.js dynamic provider host runs whatever it finds there. In
 * `@pulumi/pulumi` 3.276.0, `cmd/dynamic-provider/index.js`: `getProvider(props)` evaluates
 * `props.__provider` with require-from-string (running the module's top level) before it even
 * looks for a method; `read` (every refresh) and `delete` pass the state's properties, `check`
 * and `diff` fall back to the old ones when the new code is unknown, and `update` keeps the new
 * code in the outputs only when the resource changes (a resource that never changes keeps the
 * code it was created with). So whoever can write a stack's state chooses code that the next
 * refresh, update or destroy runs with that job's credentials.
 *
 * The model, as rules over what an attacker can write into a state (not over the shapes this
 * program produces):
 *   1. A resource is run by the dynamic provider host when its type's package is `pulumi-nodejs`,
 *      or its provider reference names a `pulumi:providers:pulumi-nodejs` provider; a resource of
 *      any type that carries a `__provider` property is treated the same.
 *   2. Such a resource must be of a type this program makes (a type with reviewed code).
 *   3. Every `__provider` it carries, in its inputs and in its outputs, must be a plain string
 *      (a secret would hide the code from the check but not from the host) whose SHA-256 is that
 *      of the code this checkout serializes for that type, or one listed as reviewed before.
 *   4. The same for the resources of pending operations, and for resources marked for deletion
 *      (a delete runs their code).
 *   5. Anything that is not a state export is refused: the guard never passes what it cannot read.
 */
import { createHash } from "crypto";

const DYNAMIC_PACKAGE = "pulumi-nodejs";
const DYNAMIC_PROVIDER_TYPE = `pulumi:providers:${DYNAMIC_PACKAGE}`;
const PROVIDER_KEY = "__provider";

/** The provider code a type may carry: the SHA-256 (hex) of each accepted `__provider` text. */
export type AcceptedCode = ReadonlyMap<string, ReadonlySet<string>>;

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** The type of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
function urnType(urn: string): string {
    const parts = urn.split("::");
    return (parts[2] ?? "").split("$").pop() ?? "";
}

/** A provider reference is `<provider URN>::<id>`. */
const providerRefType = (ref: unknown) =>
    typeof ref === "string" ? urnType(ref.slice(0, Math.max(0, ref.lastIndexOf("::")))) : "";

const packageOf = (type: string) => type.split(":")[0];

/** Names a URN in a line: bounded, as the state is not ours. */
const named = (urn: unknown) => JSON.stringify(String(urn).slice(0, 300));

function resourceProblems(r: unknown, accepted: AcceptedCode, where: string): string[] {
    if (!isObject(r)) return [`${where}: a resource entry that is not an object`];
    const urn = typeof r.urn === "string" ? r.urn : "";
    const type = typeof r.type === "string" ? r.type : urnType(urn);
    const bags = (["inputs", "outputs"] as const).filter(
        (k) => isObject(r[k]) && PROVIDER_KEY in (r[k] as object),
    );
    const dynamic =
        packageOf(type) === DYNAMIC_PACKAGE ||
        providerRefType(r.provider) === DYNAMIC_PROVIDER_TYPE ||
        bags.length > 0;
    if (!dynamic || (type === DYNAMIC_PROVIDER_TYPE && bags.length === 0)) return [];
    const allowed = accepted.get(type);
    if (allowed === undefined)
        return [
            `${where}: ${named(urn)} is a dynamic resource of type ` +
                `${named(type)}, which this program does not make`,
        ];
    return bags.flatMap((k) => {
        const code = (r[k] as Record<string, unknown>)[PROVIDER_KEY];
        if (typeof code !== "string")
            return [
                `${where}: ${named(urn)}: its ${k}.${PROVIDER_KEY} is not plain text (a ` +
                    `secret or another value hides the code it runs)`,
            ];
        const hash = sha256(code);
        return allowed.has(hash)
            ? []
            : [
                  `${where}: ${named(urn)}: its ${k}.${PROVIDER_KEY} (SHA-256 ${hash.slice(0, 16)}…) is ` +
                      `not the provider code this commit serializes for ${type}, nor one reviewed before`,
              ];
    });
}

/**
 * Every problem of one stack's exported state, one line each naming the resource; none: the state may run.
 */
export function stateProblems(exported: unknown, accepted: AcceptedCode, stack: string): string[] {
    const where = `${stack}`;
    if (!isObject(exported) || !isObject(exported.deployment))
        return [`${where}: not a Pulumi state export (no deployment)`];
    const d = exported.deployment;
    const resources = d.resources ?? [];
    const pending = d.pending_operations ?? [];
    if (!Array.isArray(resources) || !Array.isArray(pending))
        return [`${where}: not a Pulumi state export (resources or pending_operations is not a list)`];
    return [
        ...resources.flatMap((r) => resourceProblems(r, accepted, where)),
        ...pending.flatMap((p) =>
            resourceProblems(isObject(p) ? p.resource : p, accepted, `${where} (pending operation)`),
        ),
    ];
}
