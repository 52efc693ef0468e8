/**
 * Where a role Grafana may assume may write in S3: only where Athena writes the query results of
 * the stack's own Grafana workgroups (their output locations) or where the pack's config allows
 * (`resultsLocations`), and nowhere else. docs/policy-pack.md states it as rule P6: the plan must
 * prove a location; what it cannot prove (no workgroup of the stack's own, an adopted one) allows
 * nothing, so that leaving a workgroup out or adding an adopted decoy never widens what passes.
 */
import { parseS3Location, parseS3Url } from "../shared/s3";
import { bucketName } from "../shared/config/rules";
import { GRAFANA_TAG_KEY } from "../shared/policies/sourceRole";
import { CatalogAction, expandAction, writes } from "./catalog";
import { globMatch } from "./glob";
import { isWildcardArn } from "./grants";
import type { RolePermissions } from "./permissions";
import type { PackSettings } from "./trust";
import { ResourceView, UNKNOWN, isRecord, list, show, statementId, tagOf } from "./values";

const WORKGROUP_TYPE = "aws:athena/workgroup:Workgroup";

/**
 * Whether the stack leaves a workgroup's settings to whoever made it: an `ignoreChanges` path at or
 * under `configuration`, a wildcard path or a bracketed root (Pulumi's `ignoreChanges` takes
 * property paths such as `configuration.resultConfiguration`, `["configuration"]` and `*`).
 * Such a workgroup is adopted (imported, its real settings not in the plan): the output
 * location its inputs show, if any, is not the one Athena uses.
 */
function adopted(wg: ResourceView): boolean {
    return (wg.ignoreChanges ?? []).some(
        (p) =>
            typeof p !== "string" ||
            p.startsWith("*") ||
            p.startsWith("[") ||
            p === "configuration" ||
            p.startsWith("configuration.") ||
            p.startsWith("configuration["),
    );
}

/**
 * What the plan proves of the stack's Grafana results: the output locations (`bucket/prefix`) of
 * the workgroups tagged for Grafana that the stack configures itself (not adopted), whether it has
 * such a workgroup at all (with managed query results it has no location), and whether one's
 * location is unknown in a preview. A location with a wildcard proves nothing.
 */
export function grafanaResultsLocations(resources: readonly ResourceView[]): {
    locations: string[];
    own: boolean;
    pending: boolean;
} {
    const locations: string[] = [];
    let own = false;
    let pending = false;
    for (const wg of resources) {
        if (wg.type !== WORKGROUP_TYPE || !tagOf(wg.props, GRAFANA_TAG_KEY).present || adopted(wg)) continue;
        own = true;
        const c = wg.props.configuration;
        // A workgroup with managed query results (enabled, or not known to be off) writes none to
        // an output location (Athena refuses one beside them): its location proves nothing.
        const managed = isRecord(c) ? c.managedQueryResultsConfiguration : undefined;
        const enabled = isRecord(managed) ? managed.enabled : managed;
        if (enabled !== undefined && enabled !== false) continue;
        const rc = isRecord(c) ? c.resultConfiguration : undefined;
        const location = isRecord(rc) ? rc.outputLocation : undefined;
        if (c === UNKNOWN || rc === UNKNOWN || location === UNKNOWN) pending = true;
        // Only a real bucket name and a literal prefix: a wildcard would stand for every bucket.
        const parsed = typeof location === "string" ? parseS3Url(location) : undefined;
        if (parsed && !/[*?]/.test(parsed.prefix)) locations.push(`${parsed.bucket}/${parsed.prefix}`);
    }
    return { locations, own, pending };
}

/**
 * The config's `resultsLocations` as `bucket/prefix`, or why one is not an S3 location
 * `s3://bucket[/prefix]` with a valid bucket name and a literal prefix (the rules of shared/s3.ts).
 */
export function configuredLocations(settings: PackSettings): string[] | string {
    const v: unknown = settings.resultsLocations;
    if (v === undefined) return [];
    if (!Array.isArray(v)) return "must be a list of S3 locations s3://bucket/prefix/";
    const out: string[] = [];
    for (const [i, u] of v.entries()) {
        const loc = typeof u === "string" ? parseS3Location(u) : "is not a string";
        const problem =
            typeof loc === "string"
                ? loc
                : bucketName.safeParse(loc.bucket).success
                  ? undefined
                  : "has an invalid bucket name";
        if (problem || typeof loc === "string")
            return (
                `[${i}] must be an S3 location s3://bucket/prefix/ (${problem}), ` +
                `got ${JSON.stringify(show(u, 80))}`
            );
        out.push(`${loc.bucket}/${loc.prefix}`);
    }
    return out;
}

/** The S3 write actions (Write, Permissions management, Tagging) a statement allows. */
async function s3Writes(s: Record<string, unknown>): Promise<CatalogAction[]> {
    const all = (await expandAction("s3:*")).filter(writes);
    if ("NotAction" in s) {
        const not = list(s.NotAction).filter((x): x is string => typeof x === "string");
        return all.filter((a) => !not.some((p) => globMatch(p, a.full, true)));
    }
    const found = new Map<string, CatalogAction>();
    for (const p of list(s.Action).filter((x): x is string => typeof x === "string"))
        for (const a of await expandAction(p))
            if (a.full.startsWith("s3:") && writes(a)) found.set(a.full, a);
    return [...found.values()];
}

/**
 * `*` or a wildcard ARN for one of the actions: rule P3 (grafana-role-no-write-on-wildcard) refuses it
 * already.
 */
const wildcard = (resource: unknown, actions: readonly CatalogAction[]) =>
    typeof resource === "string" &&
    ([...resource].every((c) => c === "*") || actions.some((a) => isWildcardArn(resource, a.formats)));

/** An ARN within a results location: the object ARN of the bucket, under the prefix, in any partition. */
function within(resource: unknown, locations: readonly string[]): boolean {
    if (typeof resource !== "string") return false;
    const m = /^arn:aws[a-z-]*:s3:::(.*)$/.exec(resource);
    return !!m && locations.some((l) => m[1].startsWith(l));
}

/** Every S3 write grant of the roles outside the results locations the plan proves or the config allows. */
export async function s3WriteFindings(
    resources: readonly ResourceView[],
    roles: readonly { perms: RolePermissions }[],
    settings: PackSettings = {},
): Promise<{ resource: ResourceView; message: string }[]> {
    const configured = configuredLocations(settings);
    // A bad setting fails the policy in one line (policy/pack.ts, policy/offline.ts), never passes it.
    if (typeof configured === "string") throw new Error(`resultsLocations${configured}`);
    const proven = grafanaResultsLocations(resources);
    const locations = [...new Set([...proven.locations, ...configured])];
    const where =
        locations.length > 0
            ? `the results locations ${locations.map((l) => `s3://${l}`).join(", ")}`
            : proven.own
              ? "no results location (the Grafana workgroups keep Athena's managed query results)"
              : "no results location (the stack configures no workgroup tagged " +
                `${GRAFANA_TAG_KEY} of its own; ` +
                "an adopted one's settings are not in the plan)";
    // Without an own workgroup's location, the one way to allow a write is the config: say so.
    const hint =
        proven.locations.length === 0 && !proven.own
            ? "; if Athena writes Grafana's results there, " +
              "allow that location in the policy's resultsLocations setting"
            : "";
    const out: { resource: ResourceView; message: string }[] = [];
    for (const { perms } of roles) {
        for (const p of perms.policies) {
            if (p.policy.kind !== "doc") continue;
            for (const [i, s] of p.policy.statements.entries()) {
                if (s.Effect === "Deny") continue;
                const actions = await s3Writes(s);
                if (actions.length === 0) continue;
                const resources = "NotResource" in s ? ["*"] : list(s.Resource);
                // An ARN unknown in a preview beside a location unknown too is judged when both are known.
                const outside = resources.filter(
                    (r) =>
                        !(r === UNKNOWN && proven.pending) && !within(r, locations) && !wildcard(r, actions),
                );
                if (outside.length === 0) continue;
                out.push({
                    resource: p.resource,
                    message:
                        `statement "${statementId(s, i)}" of ${p.label} allows ` +
                        `${show(actions.map((a) => a.full).join(", "), 120)} on ` +
                        `${outside.map((r) => `"${show(r, 100)}"`).join(", ")}: ` +
                        `S3 writes outside ${where}${hint}`,
                });
            }
        }
    }
    return out;
}
