/**
 * Typed, immutable IAM statements and documents with one deterministic JSON form.
 *
 * The shape follows aws-cdk's `PolicyStatement` / `PolicyDocument`: statements are built from
 * readonly props, checked for contradictions when they are made, frozen, and rendered so that the
 * same inputs always give byte-identical JSON (sorted, deduplicated, one-element lists unwrapped).
 * Values may be Pulumi Inputs (an ARN that is an Output): `render()` then gives an Output.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Refusal } from "../refusal";

type Effect = "Allow" | "Deny";

/** A value that may not be known until deployment (an ARN from another resource or stack). */
export type Value = pulumi.Input<string>;

/** The condition operators this library lets a policy use. Anything else is a typo. */
const CONDITION_OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "Null",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
] as const;
type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

type Conditions = Partial<Record<ConditionOperator, Record<string, Value | readonly Value[]>>>;

interface Principals {
    /** Account roots, roles or users, as ARNs. */
    readonly AWS?: readonly Value[];
    /** Service principals such as `grafana.amazonaws.com`. */
    readonly Service?: readonly string[];
    /** Identity providers: an OIDC provider's ARN (`sts:AssumeRoleWithWebIdentity`). */
    readonly Federated?: readonly string[];
}

export interface StatementProps {
    /** Statement id; required so that every statement in a rendered policy explains itself. */
    readonly sid: string;
    /** Default `Allow`. */
    readonly effect?: Effect;
    /** Exactly one of `actions` / `notActions`. */
    readonly actions?: readonly string[];
    readonly notActions?: readonly string[];
    /** Exactly one of `resources` / `notResources` for identity policies; none for trust policies. */
    readonly resources?: readonly Value[];
    readonly notResources?: readonly Value[];
    /** Only in resource (trust) policies. */
    readonly principals?: Principals;
    readonly conditions?: Conditions;
    /**
     * The IAM policy variables (`${aws:username}`, ...) this statement means to use in its Resource
     * and Condition values, written exactly as they appear. Any other `${` in those values is
     * refused: a variable that arrived inside a config value or a stack output would make IAM grant
     * a different resource per request. Default none.
     */
    readonly policyVariables?: readonly string[];
}

/**
 * Thrown when a statement or document contradicts itself or breaks a quota; the message names the statement.
 */
export class PolicyError extends Refusal {
    constructor(message: string) {
        super(message);
        this.name = "PolicyError";
    }
}

const SID = /^[A-Za-z0-9]+$/;

/**
 * The policy variables in a value: `${...}` as IAM reads it (IAM user guide, "IAM policy elements:
 * Variables and tags": variables are expanded in Resource and in string and ARN conditions; `${*}`,
 * `${?}` and `${$}` are the escapes of the literal characters, variables too for this purpose).
 * A lone `${` with no closing brace is reported as well: nothing legitimate here writes one.
 */
function policyVariablesIn(value: string): string[] {
    const found = value.match(/\$\{[^}]*\}?/g) ?? [];
    return [...new Set(found)];
}

/**
 * Every policy variable in the Resource, NotResource and Condition values of a rendered statement
 * that `allowed` does not list, as one message per statement; empty when there is none.
 */
export function unexpectedPolicyVariables(s: StatementJson, allowed: readonly string[] = []): string[] {
    const values: string[] = [];
    const add = (v: JsonValue | undefined) => {
        if (v === undefined) return;
        for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string") values.push(x);
    };
    add(s.Resource);
    add(s.NotResource);
    for (const entries of Object.values(s.Condition ?? {}))
        for (const v of Object.values(entries ?? {})) add(v);
    const unexpected = [...new Set(values.flatMap(policyVariablesIn))].filter((v) => !allowed.includes(v));
    return unexpected.length === 0
        ? []
        : [
              `statement "${s.Sid}": ${unexpected.map((v) => JSON.stringify(v.slice(0, 40))).join(", ")} ` +
                  `in a Resource or Condition value would be an IAM policy variable, ` +
                  `expanded per request: a name or location holding "\${" is refused`,
          ];
}

export class PolicyStatement {
    readonly sid: string;
    readonly effect: Effect;
    readonly actions: readonly string[];
    readonly notActions: readonly string[];
    readonly resources: readonly Value[];
    readonly notResources: readonly Value[];
    readonly principals: Principals | undefined;
    readonly conditions: Conditions;
    readonly policyVariables: readonly string[];

    constructor(props: StatementProps) {
        const where = `statement "${props.sid}"`;
        if (!SID.test(props.sid)) {
            throw new PolicyError(`${where}: Sid must be letters and digits only`);
        }
        const has = (xs?: readonly unknown[]) => xs !== undefined && xs.length > 0;
        if (has(props.actions) === has(props.notActions)) {
            throw new PolicyError(`${where}: give exactly one of actions or notActions`);
        }
        if (has(props.resources) && has(props.notResources)) {
            throw new PolicyError(`${where}: resources and notResources are mutually exclusive`);
        }
        for (const op of Object.keys(props.conditions ?? {})) {
            if (!(CONDITION_OPERATORS as readonly string[]).includes(op)) {
                throw new PolicyError(`${where}: unknown condition operator "${op}"`);
            }
        }
        const plainValues = [...(props.resources ?? []), ...(props.notResources ?? [])];
        for (const entries of Object.values(props.conditions ?? {})) {
            for (const v of Object.values(entries ?? {}))
                plainValues.push(...(Array.isArray(v) ? v : [v as Value]));
        }
        const unexpected = plainValues
            .filter((v): v is string => typeof v === "string")
            .flatMap(policyVariablesIn)
            .filter((v) => !(props.policyVariables ?? []).includes(v));
        if (unexpected.length > 0) {
            throw new PolicyError(
                `${where}: ${JSON.stringify(unexpected[0].slice(0, 40))} in a Resource or ` +
                    `Condition value would be an IAM policy variable, expanded per request: a ` +
                    `name or location holding "\${" is refused`,
            );
        }
        this.sid = props.sid;
        this.effect = props.effect ?? "Allow";
        this.policyVariables = Object.freeze([...(props.policyVariables ?? [])]);
        this.actions = Object.freeze([...(props.actions ?? [])]);
        this.notActions = Object.freeze([...(props.notActions ?? [])]);
        this.resources = Object.freeze([...(props.resources ?? [])]);
        this.notResources = Object.freeze([...(props.notResources ?? [])]);
        this.principals = props.principals ? Object.freeze({ ...props.principals }) : undefined;
        this.conditions = Object.freeze({ ...(props.conditions ?? {}) });
        Object.freeze(this);
    }

    /** A copy of this statement with other props (e.g. a slice of its resources). */
    with(changes: Partial<StatementProps>): PolicyStatement {
        return new PolicyStatement({
            sid: this.sid,
            effect: this.effect,
            actions: this.actions,
            notActions: this.notActions,
            resources: this.resources,
            notResources: this.notResources,
            principals: this.principals,
            conditions: this.conditions,
            policyVariables: this.policyVariables,
            ...changes,
        });
    }
}

/**
 * The kinds of policy IAM stores, each with its own size quota (IAM User Guide, "IAM and AWS STS
 * quotas"; the figures are in size.ts).
 * - `inline`: the inline policies of one role together.
 * - `managed`: one customer-managed policy.
 * - `trust`: a role's trust policy (default quota; 4,096 after a quota raise).
 * - `bucket`: an S3 bucket policy (a resource policy: principals and resources).
 */
export type PolicyKind = "inline" | "managed" | "trust" | "bucket";

/** Kinds whose statements name principals: the policies attached to a resource rather than to an identity. */
const RESOURCE_POLICY_KINDS: readonly PolicyKind[] = ["trust", "bucket"];

/** JSON shapes of a rendered policy. */
export type JsonValue = string | string[];
export interface StatementJson {
    Sid: string;
    Effect: Effect;
    Principal?: Record<string, JsonValue>;
    Action?: JsonValue;
    NotAction?: JsonValue;
    Resource?: JsonValue;
    NotResource?: JsonValue;
    Condition?: Record<string, Record<string, JsonValue>>;
}
export interface PolicyJson {
    Version: "2012-10-17";
    Statement: StatementJson[];
}

export class PolicyDocument {
    readonly statements: readonly PolicyStatement[];

    /**
     * @param name what the policy is called in IAM and in every message about it.
     * @param kind which IAM quota applies.
     */
    constructor(
        readonly name: string,
        readonly kind: PolicyKind,
        statements: readonly PolicyStatement[],
    ) {
        if (statements.length === 0) {
            throw new PolicyError(`policy "${name}" has no statements`);
        }
        const sids = new Map<string, PolicyStatement>();
        for (const s of statements) {
            const seen = sids.get(s.sid);
            if (seen && seen !== s) {
                throw new PolicyError(`policy "${name}": two statements share the Sid "${s.sid}"`);
            }
            sids.set(s.sid, s);
            const resourcePolicy = RESOURCE_POLICY_KINDS.includes(kind);
            if (resourcePolicy && !s.principals) {
                throw new PolicyError(
                    `policy "${name}", statement "${s.sid}": a ${kind} policy statement needs a principal`,
                );
            }
            if (!resourcePolicy && s.principals) {
                throw new PolicyError(
                    `policy "${name}", statement "${s.sid}": an identity policy has no principals`,
                );
            }
            if (kind !== "trust" && s.resources.length === 0 && s.notResources.length === 0) {
                throw new PolicyError(
                    `policy "${name}", statement "${s.sid}": an identity policy statement needs resources`,
                );
            }
        }
        this.statements = Object.freeze([...sids.values()]);
        Object.freeze(this);
    }

    /** The policy with every Input resolved, as canonical JSON text. */
    render(): pulumi.Output<string> {
        return this.resolve().apply((doc) => JSON.stringify(doc));
    }

    /** The policy with every Input resolved, as canonical JSON data. */
    resolve(): pulumi.Output<PolicyJson> {
        // The SDK is loaded when a policy is first resolved, not with this module: the tools that
        // only read stack files (fleet check, list, affected, shards) build no policy and start
        // half a second sooner.
        const { output } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        return output(this.statements.map((s) => unwrapStatement(s))).apply((resolved) =>
            canonicalPolicy(resolved as unknown as ResolvedStatement[]),
        );
    }

    /**
     * The policy variables of a rendered form of this document that its statements did not
     * declare (values that were Outputs are checked only here, once resolved). Empty when none.
     */
    variableProblems(json: PolicyJson): string[] {
        const allowed = new Map(this.statements.map((s) => [s.sid, s.policyVariables]));
        return json.Statement.flatMap((s) => unexpectedPolicyVariables(s, allowed.get(s.Sid) ?? []));
    }

    /**
     * The canonical JSON, for a document whose values are all plain strings.
     * Throws when a value is an Output: use `render()` for those.
     */
    toJSON(): PolicyJson {
        return canonicalPolicy(this.statements.map((s) => unwrapStatement(s, true) as ResolvedStatement));
    }
}

interface ResolvedStatement {
    sid: string;
    effect: Effect;
    actions: string[];
    notActions: string[];
    resources: string[];
    notResources: string[];
    principals?: { AWS?: string[]; Service?: string[]; Federated?: string[] };
    conditions: Record<string, Record<string, string | string[]>>;
}

function plain(v: Value, strict: boolean, where: string): Value {
    if (strict && typeof v !== "string") {
        throw new PolicyError(`${where} holds a value that is not known yet; render() the document instead`);
    }
    return v;
}

/** Turns a statement into a structure `pulumi.output` can resolve (or, strict, a plain one). */
function unwrapStatement(s: PolicyStatement, strict = false): unknown {
    const w = `statement "${s.sid}"`;
    const list = (xs: readonly Value[]) => xs.map((x) => plain(x, strict, w));
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const [op, entries] of Object.entries(s.conditions)) {
        conditions[op] = {};
        for (const [key, value] of Object.entries(entries ?? {})) {
            conditions[op][key] = Array.isArray(value) ? list(value) : plain(value as Value, strict, w);
        }
    }
    return {
        sid: s.sid,
        effect: s.effect,
        actions: [...s.actions],
        notActions: [...s.notActions],
        resources: list(s.resources),
        notResources: list(s.notResources),
        principals: s.principals
            ? {
                  ...(s.principals.AWS ? { AWS: list(s.principals.AWS) } : {}),
                  ...(s.principals.Service ? { Service: [...s.principals.Service] } : {}),
                  ...(s.principals.Federated ? { Federated: [...s.principals.Federated] } : {}),
              }
            : undefined,
        conditions,
    };
}

const sortUnique = (xs: readonly string[]) => [...new Set(xs)].sort();
const unwrap = (xs: readonly string[]): JsonValue => {
    const u = sortUnique(xs);
    return u.length === 1 ? u[0] : u;
};
const sortedKeys = <T>(o: Record<string, T>, f: (v: T) => unknown) =>
    Object.fromEntries(
        Object.keys(o)
            .sort()
            .map((k) => [k, f(o[k])]),
    );

function canonicalStatement(s: ResolvedStatement): StatementJson {
    const out: StatementJson = { Sid: s.sid, Effect: s.effect };
    if (s.principals) {
        out.Principal = sortedKeys(s.principals as Record<string, string[]>, (v) => unwrap(v)) as Record<
            string,
            JsonValue
        >;
    }
    if (s.actions.length) out.Action = unwrap(s.actions);
    if (s.notActions.length) out.NotAction = unwrap(s.notActions);
    if (s.resources.length) out.Resource = unwrap(s.resources);
    if (s.notResources.length) out.NotResource = unwrap(s.notResources);
    if (Object.keys(s.conditions).length) {
        out.Condition = sortedKeys(s.conditions, (entries) =>
            sortedKeys(entries, (v) => (Array.isArray(v) ? unwrap(v) : v)),
        ) as Record<string, Record<string, JsonValue>>;
    }
    return out;
}

/** Sorted by Sid, so that statement order never depends on how the caller listed them. */
function canonicalPolicy(statements: ResolvedStatement[]): PolicyJson {
    const rendered = statements
        .map(canonicalStatement)
        .sort((a, b) => (a.Sid < b.Sid ? -1 : a.Sid > b.Sid ? 1 : 0));
    return { Version: "2012-10-17", Statement: rendered };
}
