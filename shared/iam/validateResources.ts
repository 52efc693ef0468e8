/**
 * The Resource / NotResource check of a policy statement: each ARN is well formed, matches a
 * resource type of one of the statement's actions (the catalog's ARN formats), and each action
 * applies to at least one of the statement's resources (else it grants nothing).
 */
import { arnValueTokens, fieldsIntersect, hasWildcard } from "./arnPattern";
import { ActionInfo, ResourceTypeInfo, serviceInfo } from "./iamCatalog";
import type { KnownAction } from "./validateActions";
import { describeTypes, listOf } from "./validateMessages";

interface ArnParts {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

const ARN_SHAPE = "arn:partition:service:region:account:resource";

/** Splits an ARN into its six fields, or says why it cannot. Policy variables count as `*`. */
function parseArn(value: string): ArnParts | string {
    const v = value.replace(/\$\{[^}]*\}/g, "*");
    if (!v.startsWith("arn:")) return `it does not start with "arn:"`;
    const parts = v.split(":");
    if (parts.length < 6) return `it has ${parts.length} colon-separated fields, not 6 or more`;
    const [, partition, service, region, account] = parts;
    const resource = parts.slice(5).join(":");
    if (!/^[a-z*?-]+$/.test(partition) || !(hasWildcard(partition) || /^aws(-[a-z]+)*$/.test(partition))) {
        return `partition "${partition}" is not aws, aws-cn, aws-us-gov, ...`;
    }
    if (!/^[a-z0-9*?.-]+$/.test(service)) return `service "${service}" is not a service prefix`;
    if (
        !/^[a-z0-9*?-]*$/.test(region) ||
        !(region === "" || hasWildcard(region) || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    ) {
        return `region "${region}" is not a region (or empty)`;
    }
    if (!/^[A-Za-z0-9*?-]*$/.test(account)) return `account "${account}" is not an account id (or empty)`;
    if (resource === "") return "its resource field is empty";
    return { partition, service, region, account, resource };
}

/** Account fields IAM accepts without the catalog's help. */
const accountLooksRight = (account: string) =>
    account === "" ||
    account === "aws" ||
    /^\d{12}$/.test(account) ||
    (hasWildcard(account) && /^[0-9*?]+$/.test(account));

const arnMatchCache = new Map<string, boolean>();

function arnMatchesType(arn: ArnParts, raw: string, rt: ResourceTypeInfo): boolean {
    const cacheKey = `${raw}\u0000${rt.arn}`;
    let hit = arnMatchCache.get(cacheKey);
    if (hit === undefined) {
        const fields = [arn.partition, arn.service, arn.region, arn.account, arn.resource];
        hit = fields.every((f, k) => fieldsIntersect(arnValueTokens(f), rt.pattern[k]));
        if (arnMatchCache.size > 50_000) arnMatchCache.clear();
        arnMatchCache.set(cacheKey, hit);
    }
    return hit;
}

/** Checks a statement's resources against its actions (`known`, `actions`; none when `openEnded`). */
export async function checkResources(
    resources: readonly string[],
    notResources: readonly string[],
    known: readonly KnownAction[],
    actions: readonly ActionInfo[],
    openEnded: boolean,
    say: (m: string) => void,
): Promise<void> {
    let resourceProblem = false;
    const parsed: { raw: string; arn: ArnParts }[] = [];
    for (const [field, values] of [
        ["Resource", resources],
        ["NotResource", notResources],
    ] as const) {
        for (const raw of values) {
            if (raw === "*") continue;
            const arn = parseArn(raw);
            if (typeof arn === "string") {
                say(`${field} "${raw}" is not a well-formed ARN: ${arn} (expected ${ARN_SHAPE})`);
                resourceProblem = true;
                continue;
            }
            if (!accountLooksRight(arn.account)) {
                const info = await serviceInfo(arn.service);
                if (!info?.literalAccounts.has(arn.account)) {
                    say(
                        `${field} "${raw}" is not a well-formed ARN: account "${arn.account}" ` +
                            `is not a 12-digit account id (expected ${ARN_SHAPE})`,
                    );
                    resourceProblem = true;
                    continue;
                }
            }
            if (field === "Resource") parsed.push({ raw, arn });
        }
    }
    if (!openEnded && actions.length > 0) {
        const typed = actions.filter((a) => !a.wildcardOnly);
        const allTypes = typed.flatMap((a) => a.resourceTypes);
        for (const { raw, arn } of parsed) {
            if (allTypes.some((rt) => arnMatchesType(arn, raw, rt))) continue;
            resourceProblem = true;
            if (typed.length === 0) {
                say(
                    `Resource "${raw}": ${listOf(actions.map((a) => a.full))} ` +
                        'only work(s) with Resource "*" (no resource types in the catalog)',
                );
            } else {
                say(
                    `Resource "${raw}" matches no resource type of ${listOf(typed.map((a) => a.full))} ` +
                        `(expected ${describeTypes(allTypes)})`,
                );
            }
        }
        // Every action should apply to at least one of the resources (else it grants nothing).
        const star = resources.includes("*");
        if (!resourceProblem && !star && parsed.length > 0) {
            for (const { value, entry } of known) {
                const applies = entry.actions.some((a) =>
                    a.wildcardOnly
                        ? false
                        : parsed.some(({ raw, arn }) =>
                              a.resourceTypes.some((rt) => arnMatchesType(arn, raw, rt)),
                          ),
                );
                if (applies) continue;
                const only = entry.actions.every((a) => a.wildcardOnly);
                const named = entry.pattern ? `"${value}"` : entry.actions[0].full;
                if (only) {
                    say(
                        `action ${named} works only with Resource "*" (it has no resource types), ` +
                            "not with the statement's ARNs",
                    );
                } else {
                    say(
                        `action ${named} applies to none of the statement's resources ` +
                            `(expected ${describeTypes(entry.actions.flatMap((a) => a.resourceTypes))})`,
                    );
                }
            }
        }
    }
}
