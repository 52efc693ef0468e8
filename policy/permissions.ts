/**
 * Every way a role of the stack gets permissions (docs/policy-pack.md, "Where a role's permissions
 * come from"): inline policies on the role (`inlinePolicies`, aws-native `policies`), role
 * policies (`RolePolicy`, aws and aws-native), customer managed policies attached by any resource
 * (`RolePolicyAttachment`, `PolicyAttachment`, `RolePolicyAttachmentsExclusive`, the role's
 * `managedPolicyArns`, aws-native `ManagedPolicy.roles`), and the inline policy names a
 * `RolePoliciesExclusive` keeps. A reference (to the role, or to a policy) is resolved by ARN,
 * name (case-insensitively: IAM names are unique regardless of case) or URN, and by the engine's
 * property dependencies when its value is unknown in a preview. What cannot be resolved counts
 * against every role it may point at. A permissions boundary only limits a role; it is not read.
 */
import { ParsedPolicy, ResourceView, UNKNOWN, isRecord, list, parsePolicy, show } from "./values";
import { arnParts } from "./trust";

export const IAM_TYPES = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    attachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    policiesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
    nativeRole: "aws-native:iam:Role",
    nativeRolePolicy: "aws-native:iam:RolePolicy",
    nativeManagedPolicy: "aws-native:iam:ManagedPolicy",
} as const;

/** One policy document a role has, and the resource that gives it (named in violations). */
export interface RolePolicy {
    resource: ResourceView;
    /** How it is given, for messages: `inline policy "x" of role r`, `policy p`. */
    label: string;
    /** The name of an inline policy (on the role, or a role policy). */
    inlineName?: string;
    policy: ParsedPolicy;
}

export interface RolePermissions {
    policies: RolePolicy[];
    /**
     * Attached policies the pack cannot read: outside the stack (by ARN) or unknown, with the resource that
     * attaches them.
     */
    unseen: { resource: ResourceView; arn?: string; why: string }[];
}

/**
 * The name a resource gives itself (a role's or a policy's), and its path; unknown when the engine does not
 * know it yet.
 */
function identity(r: ResourceView): { name?: string | typeof UNKNOWN; prefix?: string; path?: string } {
    const native = r.type.startsWith("aws-native:");
    const name =
        r.props[native ? (r.type === IAM_TYPES.nativeRole ? "roleName" : "managedPolicyName") : "name"];
    const prefix = r.props.namePrefix;
    const path = r.props.path;
    return {
        name: typeof name === "string" || name === UNKNOWN ? name : undefined,
        prefix: typeof prefix === "string" ? prefix : undefined,
        path: typeof path === "string" ? path : undefined,
    };
}

const sameResource = (a: ResourceView, b: ResourceView) =>
    (a.urn !== undefined && a.urn === b.urn) || (a.type === b.type && a.name === b.name);

/**
 * Whether a reference value may name the resource `target` (a role, or a policy), with the
 * engine's dependencies of the property: a URN, an ARN, or a name; an unknown value may name
 * whatever its dependencies are, or anything when it has none of the target's kind.
 */
export function mayName(
    value: unknown,
    deps: readonly ResourceView[] | undefined,
    target: ResourceView,
    kinds: readonly string[],
): boolean {
    if (value === UNKNOWN || value === undefined || value === null) {
        const ofKind = (deps ?? []).filter((d) => kinds.includes(d.type));
        return ofKind.length === 0 || ofKind.some((d) => sameResource(d, target));
    }
    if (isRecord(value) && typeof value.urn === "string") value = value.urn;
    if (typeof value !== "string") return true;
    if (value.startsWith("urn:pulumi:"))
        return value === target.urn || value.endsWith(`::${target.type}::${target.name}`);
    const own = identity(target);
    let name = value;
    let path: string | undefined;
    const arn = arnParts(value);
    if (arn) {
        const slash = arn.resource.indexOf("/");
        const last = arn.resource.lastIndexOf("/");
        const kind = (ROLE_KINDS as readonly string[]).includes(target.type) ? "role" : "policy";
        if (slash < 0 || arn.resource.slice(0, slash) !== kind) return false;
        name = arn.resource.slice(last + 1);
        path = arn.resource.slice(slash, last + 1);
        if (arn.account === "aws") return false;
    }
    if (own.name === undefined || own.name === UNKNOWN) {
        // Named by the provider (namePrefix, or auto-naming unknown in a preview): any name with its prefix
        // may be it.
        return own.prefix === undefined || name.toLowerCase().startsWith(own.prefix.toLowerCase());
    }
    if (path !== undefined && own.path !== undefined && path !== own.path) return false;
    return name.toLowerCase() === own.name.toLowerCase();
}

export const ROLE_KINDS = [IAM_TYPES.role, IAM_TYPES.nativeRole];
const POLICY_KINDS = [IAM_TYPES.policy, IAM_TYPES.nativeManagedPolicy];

/** A reference list property: absent is none; an unknown list may be anything. */
const refs = (v: unknown): unknown[] => (v === UNKNOWN ? [UNKNOWN] : list(v));

/** The inline policies and attached policies of `role` in the stack. */
export function rolePermissions(role: ResourceView, resources: readonly ResourceView[]): RolePermissions {
    const policies: RolePolicy[] = [];
    const unseen: RolePermissions["unseen"] = [];
    const roleName = show(identity(role).name ?? role.name, 64);
    const deps = (r: ResourceView, prop: string) => r.propertyDependencies?.[prop];
    const names = (r: ResourceView, prop: string) => mayName(r.props[prop], deps(r, prop), role, ROLE_KINDS);

    const inline =
        role.type === IAM_TYPES.nativeRole ? refs(role.props.policies) : refs(role.props.inlinePolicies);
    for (const p of inline) {
        const name = isRecord(p) ? (p.name ?? p.policyName) : undefined;
        const doc = isRecord(p) ? (p.policy ?? p.policyDocument) : p;
        policies.push({
            resource: role,
            label: `inline policy "${show(name, 64)}" of role ${roleName}`,
            inlineName: typeof name === "string" ? name : undefined,
            policy: p === UNKNOWN ? { kind: "unknown" } : parsePolicy(doc),
        });
    }
    const arns: { resource: ResourceView; value: unknown; deps?: readonly ResourceView[] }[] = refs(
        role.props.managedPolicyArns,
    ).map((value) => ({ resource: role, value }));
    for (const r of resources) {
        switch (r.type) {
            case IAM_TYPES.rolePolicy:
            case IAM_TYPES.nativeRolePolicy: {
                const native = r.type === IAM_TYPES.nativeRolePolicy;
                if (!names(r, native ? "roleName" : "role")) break;
                const name = r.props[native ? "policyName" : "name"] ?? r.props.namePrefix ?? r.name;
                policies.push({
                    resource: r,
                    label: `role policy "${show(name, 64)}" of role ${roleName}`,
                    inlineName: typeof name === "string" ? name : undefined,
                    policy: parsePolicy(r.props[native ? "policyDocument" : "policy"]),
                });
                break;
            }
            case IAM_TYPES.attachment:
                if (names(r, "role"))
                    arns.push({ resource: r, value: r.props.policyArn, deps: deps(r, "policyArn") });
                break;
            case IAM_TYPES.policyAttachment:
                if (refs(r.props.roles).some((v) => mayName(v, deps(r, "roles"), role, ROLE_KINDS)))
                    arns.push({ resource: r, value: r.props.policyArn, deps: deps(r, "policyArn") });
                break;
            case IAM_TYPES.attachmentsExclusive:
                if (names(r, "roleName"))
                    for (const value of refs(r.props.policyArns))
                        arns.push({ resource: r, value, deps: deps(r, "policyArns") });
                break;
            case IAM_TYPES.nativeManagedPolicy:
                if (refs(r.props.roles).some((v) => mayName(v, deps(r, "roles"), role, ROLE_KINDS))) {
                    policies.push({
                        resource: r,
                        label: `managed policy ${show(identity(r).name ?? r.name, 64)} of role ${roleName}`,
                        policy: parsePolicy(r.props.policyDocument),
                    });
                }
                break;
        }
    }
    const managed = resources.filter((r) => (POLICY_KINDS as readonly string[]).includes(r.type));
    for (const { resource, value, deps: d } of arns) {
        // A policy of the stack by dependency, URN, ARN or name; an ARN that names none is outside the stack.
        const known = typeof value === "string" || (isRecord(value) && typeof value.urn === "string");
        const possible = managed.filter(
            (m) => mayName(value, d, m, POLICY_KINDS) && (known || (d ?? []).some((x) => sameResource(x, m))),
        );
        // A policy named exactly is the one; a policy whose name the provider picks may be it only when none
        // is.
        const exact = possible.filter((m) => typeof identity(m).name === "string");
        const matches = exact.length > 0 ? exact : possible;
        if (matches.length === 0) {
            unseen.push({
                resource,
                arn: typeof value === "string" ? value : undefined,
                why: known
                    ? "is not a policy of this stack"
                    : "is not known and comes from no policy of this stack",
            });
            continue;
        }
        for (const m of matches) {
            const doc = m.type === IAM_TYPES.policy ? m.props.policy : m.props.policyDocument;
            policies.push({
                resource: m,
                label: `policy ${show(identity(m).name ?? m.name, 64)} of role ${roleName}`,
                policy: parsePolicy(doc),
            });
        }
    }
    return { policies, unseen };
}

/**
 * The inline policy names `RolePoliciesExclusive` resources keep on the role that no policy of the stack
 * defines.
 */
export function undefinedExclusiveNames(
    role: ResourceView,
    resources: readonly ResourceView[],
    defined: readonly RolePolicy[],
): { resource: ResourceView; name: string }[] {
    const have = new Set(defined.map((p) => p.inlineName?.toLowerCase()).filter((n) => n !== undefined));
    const out: { resource: ResourceView; name: string }[] = [];
    for (const r of resources) {
        if (
            r.type !== IAM_TYPES.policiesExclusive ||
            !mayName(r.props.roleName, r.propertyDependencies?.roleName, role, ROLE_KINDS)
        )
            continue;
        for (const n of refs(r.props.policyNames))
            if (typeof n !== "string" || !have.has(n.toLowerCase()))
                out.push({ resource: r, name: show(n, 64) });
    }
    return out;
}

/** The properties by which each resource type names the roles it gives permissions to. */
const ROLE_REFERENCES: Record<string, string> = {
    [IAM_TYPES.rolePolicy]: "role",
    [IAM_TYPES.attachment]: "role",
    [IAM_TYPES.policyAttachment]: "roles",
    [IAM_TYPES.attachmentsExclusive]: "roleName",
    [IAM_TYPES.policiesExclusive]: "roleName",
    [IAM_TYPES.nativeRolePolicy]: "roleName",
    [IAM_TYPES.nativeManagedPolicy]: "roles",
};

/**
 * Roles of other stacks this stack gives permissions to, by one of `names` (by name or ARN, any
 * case), as roles to judge: a policy attached here to the source stacks' role reaches Grafana
 * however that role's own stack is written. Each is a stand-in with the name only.
 */
export function externalRoles(
    resources: readonly ResourceView[],
    names: readonly string[] | ((name: string) => boolean),
): ResourceView[] {
    const set = new Set(typeof names === "function" ? [] : names.map((n) => n.toLowerCase()));
    const wanted = { has: typeof names === "function" ? names : (n: string) => set.has(n) };
    const roles = resources.filter((r) => (ROLE_KINDS as readonly string[]).includes(r.type));
    const out = new Map<string, ResourceView>();
    for (const r of resources) {
        const prop = ROLE_REFERENCES[r.type];
        if (prop === undefined) continue;
        for (const value of refs(r.props[prop])) {
            if (typeof value !== "string") continue;
            const arn = arnParts(value);
            const name = arn ? arn.resource.slice(arn.resource.lastIndexOf("/") + 1) : value;
            if (!wanted.has(name.toLowerCase()) || out.has(name.toLowerCase())) continue;
            if (roles.some((role) => mayName(value, undefined, role, ROLE_KINDS))) continue;
            out.set(name.toLowerCase(), {
                type: IAM_TYPES.role,
                name: `${name} (another stack's role)`,
                props: { name },
            });
        }
    }
    return [...out.values()];
}
