/**
 * Where a role Grafana may assume may write in S3: only where Athena writes the query results of
 * the stack's Grafana workgroups (their output locations), and nowhere when they keep Athena's
 * managed query results (Athena stores those itself). docs/policy-pack.md states it as rules.
 */
import { parseS3Url } from "../shared/s3";
import { GRAFANA_TAG_KEY } from "../shared/policies/sourceRole";
import { CatalogAction, expandAction, writes } from "./catalog";
import { globMatch } from "./glob";
import { isWildcardArn } from "./grants";
import type { RolePermissions } from "./permissions";
import { ResourceView, UNKNOWN, isRecord, list, show, statementId, tagOf } from "./values";

const WORKGROUP_TYPE = "aws:athena/workgroup:Workgroup";

/**
 * The results locations (`bucket/prefix`) of the workgroups tagged for Grafana, or undefined when
 * the plan does not hold them: no tagged workgroup in the stack (the role queries one of another
 * stack), an adopted workgroup (its settings are not the stack's: `ignoreChanges` configuration),
 * or a value unknown in a preview (judged when known).
 */
export function grafanaResultsLocations(resources: readonly ResourceView[]): string[] | undefined {
    const out: string[] = [];
    const tagged = resources.filter(
        (r) => r.type === WORKGROUP_TYPE && tagOf(r.props, GRAFANA_TAG_KEY).present,
    );
    if (tagged.length === 0) return undefined;
    for (const wg of tagged) {
        if ((wg.ignoreChanges ?? []).includes("configuration")) return undefined;
        const c = wg.props.configuration;
        const rc = isRecord(c) ? c.resultConfiguration : undefined;
        const location = isRecord(rc) ? rc.outputLocation : undefined;
        if (c === UNKNOWN || rc === UNKNOWN || location === UNKNOWN) return undefined;
        // Only a real bucket name and a literal prefix: a wildcard would stand for every bucket.
        const parsed = typeof location === "string" ? parseS3Url(location) : undefined;
        if (parsed && !/[*?]/.test(parsed.prefix)) out.push(`${parsed.bucket}/${parsed.prefix}`);
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

/** `*` or a wildcard ARN for one of the actions: rule P3 (grafana-role-no-write-on-wildcard) refuses it already. */
const wildcard = (resource: unknown, actions: readonly CatalogAction[]) =>
    typeof resource === "string" &&
    ([...resource].every((c) => c === "*") || actions.some((a) => isWildcardArn(resource, a.formats)));

/** An ARN within a results location: the object ARN of the bucket, under the prefix, in any partition. */
function within(resource: unknown, locations: readonly string[]): boolean {
    if (typeof resource !== "string") return false;
    const m = /^arn:aws[a-z-]*:s3:::(.*)$/.exec(resource);
    return !!m && locations.some((l) => m[1].startsWith(l));
}

/** Every S3 write grant of the roles outside the stack's Grafana results locations. */
export async function s3WriteFindings(
    resources: readonly ResourceView[],
    roles: readonly { perms: RolePermissions }[],
): Promise<{ resource: ResourceView; message: string }[]> {
    const locations = grafanaResultsLocations(resources);
    if (locations === undefined) return [];
    const where =
        locations.length > 0
            ? `the results locations ${locations.map((l) => `s3://${l}`).join(", ")}`
            : "no results location (the Grafana workgroups keep Athena's managed query results)";
    const out: { resource: ResourceView; message: string }[] = [];
    for (const { perms } of roles) {
        for (const p of perms.policies) {
            if (p.policy.kind !== "doc") continue;
            for (const [i, s] of p.policy.statements.entries()) {
                if (s.Effect === "Deny") continue;
                const actions = await s3Writes(s);
                if (actions.length === 0) continue;
                const resources = "NotResource" in s ? ["*"] : list(s.Resource);
                const outside = resources.filter((r) => !within(r, locations) && !wildcard(r, actions));
                if (outside.length === 0) continue;
                out.push({
                    resource: p.resource,
                    message:
                        `statement "${statementId(s, i)}" of ${p.label} allows ${show(actions.map((a) => a.full).join(", "), 120)} on ` +
                        `${outside.map((r) => `"${show(r, 100)}"`).join(", ")}: S3 writes outside ${where}`,
                });
            }
        }
    }
    return out;
}
