/**
 * IAM size accounting. IAM counts the characters of a policy without whitespace
 * (IAM User Guide, "IAM and AWS STS quotas"); these are the default quotas of a new account.
 */
import { PolicyDocument, PolicyError, PolicyJson, PolicyKind, PolicyStatement } from "./policy";

export const POLICY_QUOTAS: Readonly<Record<PolicyKind, number>> = Object.freeze({
    /** All inline policies of one role together. */
    inline: 10_240,
    /** One customer-managed policy. */
    managed: 6_144,
    /** A role trust policy (4,096 after a quota raise). */
    trust: 2_048,
    /** An S3 bucket policy: 20 KB. */
    bucket: 20_480,
});

const QUOTA_SUBJECT: Readonly<Record<PolicyKind, string>> = {
    inline: "a role's inline policies",
    managed: "a managed policy",
    trust: "a role trust policy",
    bucket: "a bucket policy",
};

/** Managed policies attached to one role (default quota; 20 after a raise). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** The size IAM counts: characters of the JSON, whitespace excluded. */
export function policySize(doc: PolicyJson | string): number {
    const text = typeof doc === "string" ? doc : JSON.stringify(doc);
    return text.replace(/\s/g, "").length;
}

/** A policy over its quota. The message names the policy, its size, the quota and the way out. */
export class PolicyQuotaError extends PolicyError {
    constructor(
        readonly policyName: string,
        readonly size: number,
        readonly quota: number,
        readonly kind: PolicyKind,
        wayOut: string,
    ) {
        super(
            `IAM policy "${policyName}" would be ${size} characters, over the ${quota}-character quota ` +
                `for ${QUOTA_SUBJECT[kind]}. ${wayOut}`,
        );
        this.name = "PolicyQuotaError";
    }
}

/** Throws `PolicyQuotaError` when `json` does not fit the quota of `kind`; returns the size. */
export function checkPolicySize(
    name: string,
    kind: PolicyKind,
    json: PolicyJson | string,
    wayOut: string,
): number {
    const size = policySize(json);
    const quota = POLICY_QUOTAS[kind];
    if (size > quota) {
        throw new PolicyQuotaError(name, size, quota, kind, wayOut);
    }
    return size;
}

/**
 * Packs statements into as few managed policies as fit the managed-policy quota, in a
 * deterministic way: statements in Sid order, a statement too big on its own split into
 * consecutive slices of its (sorted) resources, `Sid`s of slices numbered. Nothing is ever
 * widened to a wildcard: a set that cannot fit `maxPolicies` policies is refused with the numbers.
 *
 * All statement values must be plain strings (resources are sorted by value).
 */
export function packManagedPolicies(
    baseName: string,
    statements: readonly PolicyStatement[],
    maxPolicies: number,
    wayOut: string,
): PolicyDocument[] {
    const quota = POLICY_QUOTAS.managed;
    const sized = (name: string, ss: PolicyStatement[]) =>
        policySize(new PolicyDocument(name, "managed", ss).toJSON());
    const nameFor = (i: number) => (i === 0 ? baseName : `${baseName}-${i + 1}`);

    // Split statements that cannot fit even alone.
    const pieces: PolicyStatement[] = [];
    for (const s of [...statements].sort((a, b) => (a.sid < b.sid ? -1 : 1))) {
        if (sized(baseName, [s]) <= quota) {
            pieces.push(s);
            continue;
        }
        const resources = [...new Set(s.resources as string[])].sort();
        if (resources.length < 2) {
            throw new PolicyQuotaError(baseName, sized(baseName, [s]), quota, "managed", wayOut);
        }
        let slice: string[] = [];
        let part = 1;
        for (const r of resources) {
            const candidate = s.with({ sid: `${s.sid}Part${part}`, resources: [...slice, r] });
            if (slice.length > 0 && sized(baseName, [candidate]) > quota) {
                pieces.push(s.with({ sid: `${s.sid}Part${part}`, resources: slice }));
                part += 1;
                slice = [r];
            } else {
                slice.push(r);
            }
        }
        const last = s.with({ sid: `${s.sid}Part${part}`, resources: slice });
        if (sized(baseName, [last]) > quota) {
            throw new PolicyQuotaError(baseName, sized(baseName, [last]), quota, "managed", wayOut);
        }
        pieces.push(last);
    }

    // First fit, in order: the same input always gives the same policies.
    const groups: PolicyStatement[][] = [];
    for (const piece of pieces) {
        const current = groups[groups.length - 1];
        if (current && sized(baseName, [...current, piece]) <= quota) {
            current.push(piece);
        } else {
            groups.push([piece]);
        }
    }
    if (groups.length > maxPolicies) {
        const total = pieces.reduce((n, p) => n + sized(baseName, [p]), 0);
        throw new PolicyError(
            `IAM policy "${baseName}" needs ${groups.length} managed policies (about ${total} characters), ` +
                `more than the ${maxPolicies} a role may have attached (quota ` +
                `${quota} characters each). ${wayOut}`,
        );
    }
    return groups.map((g, i) => new PolicyDocument(nameFor(i), "managed", g));
}
