/**
 * Who may assume a role, judged from its trust policy as an attacker writes it (docs/policy-pack.md,
 * "Which roles are judged" and "The trust of such a role"). Scope is conservative: a statement
 * counts as letting a Grafana workspace role in unless it certainly cannot (a Deny, an action
 * set without sts:AssumeRole, principals that are services, federations or other accounts' and
 * no wildcard). A role in scope must then be assumable only by a workspace role, through one
 * shape of statement whose every part is checked literally (no wildcard, no IfExists, no set
 * operator), because any other shape admits someone else in some case.
 */
import { EXTERNAL_ID } from "../shared/contract";
import { globMatch, hasWildcard } from "./glob";
import {
    ParsedPolicy,
    ResourceView,
    Statement,
    UNKNOWN,
    isRecord,
    list,
    parsePolicy,
    show,
    statementId,
    tagOf,
    valuesByKey,
} from "./values";
import { GRAFANA_TAG_KEY } from "../shared/policies/sourceRole";

/** The pack's settings (its config, per policy). */
export interface PackSettings {
    /**
     * Workspace role ARNs of your Amazon Managed Grafana workspaces (AMG's own are
     * `.../AmazonGrafanaServiceRole-*`).
     */
    workspaceRoleArns?: string[];
    /** Accounts that host Grafana workspaces: any principal of theirs may be a workspace role. */
    grafanaAccountIds?: string[];
    /**
     * ARNs of policies defined outside the stack (AWS managed ones included) your organisation allows on such
     * roles.
     */
    allowedPolicyArns?: string[];
    /** Names of roles of other stacks Grafana may assume, beside the source stacks' default role name. */
    grafanaRoleNames?: string[];
    /** S3 locations (`s3://bucket/prefix/`) where Athena writes Grafana's results that the plan cannot show (P6). */
    resultsLocations?: string[];
}

export const ROLE_TYPES = ["aws:iam/role:Role", "aws-native:iam:Role"] as const;
const TRUST_PROPERTY: Record<string, string> = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws-native:iam:Role": "assumeRolePolicyDocument",
};

/** AMG's service-managed workspace role: `role/service-role/AmazonGrafanaServiceRole-<id>`. */
const AMG_ROLE = /^role\/(service-role\/)?AmazonGrafanaServiceRole-[\w+=,.@-]+$/i;
/** A session of that role (`assumed-role/AmazonGrafanaServiceRole-<id>/<session>`). */
const AMG_SESSION = /^assumed-role\/AmazonGrafanaServiceRole-/i;

/**
 * What the pack knows of the Grafana workspaces: the config's workspace roles and Grafana
 * accounts; when the config names no Grafana account, the accounts the stack's own AWS providers
 * deploy into (`ownAccounts`) stand in for them, and no other account is known to be Grafana's.
 */
export class Workspaces {
    private readonly roles: Set<string>;
    /** The Grafana accounts the config names (`grafanaAccountIds`, the accounts of `workspaceRoleArns`). */
    readonly accounts: Set<string>;
    /** Accounts whose AMG service roles are workspace roles: the config's, else the stack's own. */
    readonly trusted: Set<string>;
    constructor(s: PackSettings, ownAccounts: Iterable<string> = []) {
        const strs = (v: unknown) => list(v).filter((x): x is string => typeof x === "string");
        this.roles = new Set(strs(s.workspaceRoleArns));
        this.accounts = new Set([
            ...strs(s.grafanaAccountIds),
            ...[...this.roles].map((a) => arnParts(a)?.account).filter((a): a is string => !!a),
        ]);
        this.trusted = this.accounts.size > 0 ? this.accounts : new Set(ownAccounts);
    }
    /** Whether the config names the Grafana accounts (else any account may host a workspace). */
    get configured(): boolean {
        return this.accounts.size > 0;
    }
    /** A literal ARN of AMG's service-managed role, in any account. */
    static isAmgRole(arn: string): boolean {
        if (hasWildcard(arn) || arn.includes("${")) return false;
        const parts = arnParts(arn);
        return !!parts && parts.service === "iam" && AMG_ROLE.test(parts.resource);
    }
    /**
     * A literal role ARN that is a workspace role: one of the config, or AMG's service-managed
     * role in a Grafana account (`trusted`): the config's, else the stack's own.
     */
    isWorkspaceRole(arn: string): boolean {
        if (hasWildcard(arn) || arn.includes("${")) return false;
        if (this.roles.has(arn)) return true;
        return Workspaces.isAmgRole(arn) && this.trusted.has(arnParts(arn)!.account);
    }
    /** Whether an account may host a Grafana workspace: one of the config's, or any when it names none. */
    mayBeGrafanaAccount(account: string): boolean {
        return !this.configured || this.accounts.has(account);
    }
    /**
     * Whether a principal ARN, account or pattern may stand for a workspace role (or its session):
     * a pattern; a value that is not an ARN; AMG's service role (or its session) in any account; an
     * account (its ID or root) that may host Grafana, whose root lets in every role of the account;
     * any IAM or STS principal of a Grafana account of the config.
     */
    mayBeWorkspaceRole(value: string): boolean {
        if (hasWildcard(value) || value.includes("${")) return true;
        if (/^\d{12}$/.test(value)) return this.mayBeGrafanaAccount(value);
        const parts = arnParts(value);
        // Not an ARN (a unique ID such as AROA..., left when a trusted role is deleted): cannot tell.
        if (!parts) return true;
        if (this.isWorkspaceRole(value)) return true;
        if (parts.service !== "iam" && parts.service !== "sts") return false;
        if (AMG_ROLE.test(parts.resource) || AMG_SESSION.test(parts.resource)) return true;
        if (parts.service === "iam" && parts.resource === "root")
            return this.mayBeGrafanaAccount(parts.account);
        return this.accounts.has(parts.account);
    }
    /**
     * Why a literal principal that is not a workspace role is refused: AMG's role of an unknown account says
     * what to configure.
     */
    whyNot(value: string): string {
        if (!Workspaces.isAmgRole(value))
            return "which is not a workspace role of the pack's config or AMG's service role";
        const account = arnParts(value)!.account;
        return this.configured
            ? `AMG's service role of account ${show(account, 20)}, which is not a ` +
                  `Grafana account of the pack's config (grafanaAccountIds)`
            : `AMG's service role of account ${show(account, 20)}, which the pack does not ` +
                  `know as your Grafana account (only the stack's own accounts are, without ` +
                  `config): name it in the pack's grafanaAccountIds`;
    }
}

/**
 * The accounts these AWS providers (`pulumi:providers:aws` or aws-native, or the provider of a
 * resource) deploy into: each one whose `allowedAccountIds` names exactly one account (a provider
 * refuses credentials of any other: pulumi-aws `allowed_account_ids`). A provider that allows
 * several, or none, names no account.
 */
export function ownAccounts(resources: readonly ResourceView[]): Set<string> {
    const out = new Set<string>();
    const add = (r: ResourceView | undefined) => {
        if (!r || (r.type !== "pulumi:providers:aws" && r.type !== "pulumi:providers:aws-native")) return;
        let ids = r.props.allowedAccountIds;
        // Plans record a provider's inputs as JSON text, as the engine passes them.
        if (typeof ids === "string" && ids.length < 1000) {
            try {
                ids = JSON.parse(ids);
            } catch {
                return;
            }
        }
        const one = list(ids);
        if (one.length === 1 && typeof one[0] === "string" && /^\d{12}$/.test(one[0])) out.add(one[0]);
    };
    for (const r of resources) {
        add(r);
        add(r.provider);
    }
    return out;
}

export function arnParts(
    arn: string,
): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
    const f = arn.split(":");
    if (f.length < 6 || f[0] !== "arn") return undefined;
    return { partition: f[1], service: f[2], region: f[3], account: f[4], resource: f.slice(5).join(":") };
}

/**
 * Whether a statement may allow something: IAM reads anything but an exact "Deny" as no denial, and refuses
 * the unknown (the pack counts it).
 */
export const allows = (s: Statement): boolean => s.Effect !== "Deny";

/** Whether a statement's actions may include sts:AssumeRole (an unreadable action list may). */
export function mayAssume(s: Statement): boolean {
    if ("NotAction" in s)
        return !list(s.NotAction).some((a) => typeof a === "string" && globMatch(a, "sts:AssumeRole", true));
    if (!("Action" in s)) return true;
    return list(s.Action).some((a) => typeof a !== "string" || globMatch(a, "sts:AssumeRole", true));
}

/** The values of a condition operator (exact name) for a key, or undefined when absent. */
function plainCondition(s: Statement, operator: string, key: string): unknown[] | undefined {
    const c = s.Condition;
    if (!isRecord(c) || !(operator in c)) return undefined;
    const values = valuesByKey(c[operator], key);
    return values.length > 0 ? values : undefined;
}

/** Whether the statement's principals may include a workspace role. */
function mayAdmitWorkspaceRole(s: Statement, w: Workspaces): boolean {
    if ("NotPrincipal" in s || !("Principal" in s)) return true;
    const p = s.Principal;
    let admits: boolean;
    if (p === "*") admits = true;
    else if (!isRecord(p)) admits = true;
    else {
        admits = Object.keys(p).some((k) => {
            if (k === "Service" || k === "Federated" || k === "CanonicalUser") return false;
            if (k !== "AWS") return true;
            return list(p[k]).some((v) => typeof v !== "string" || w.mayBeWorkspaceRole(v));
        });
    }
    // A role named only through aws:PrincipalArn (any operator) that may be a workspace role brings the
    // statement in.
    const c = isRecord(s.Condition) ? s.Condition : {};
    const named = Object.keys(c).flatMap((op) => valuesByKey(c[op], "aws:PrincipalArn"));
    if (named.some((v) => typeof v !== "string" || w.mayBeWorkspaceRole(v))) return true;
    if (!admits) return false;
    // Exact conditions that exclude every workspace role take the statement out.
    for (const op of ["ArnEquals", "StringEquals"]) {
        const arns = plainCondition(s, op, "aws:PrincipalArn");
        if (
            arns &&
            arns.every(
                (v) =>
                    typeof v === "string" && !hasWildcard(v) && !v.includes("${") && !w.mayBeWorkspaceRole(v),
            )
        )
            return false;
    }
    // An account is known not to host Grafana only when the config names those that do.
    const accounts = plainCondition(s, "StringEquals", "aws:PrincipalAccount");
    if (
        accounts &&
        w.accounts.size > 0 &&
        accounts.every((v) => typeof v === "string" && /^\d{12}$/.test(v) && !w.accounts.has(v))
    )
        return false;
    return true;
}

export interface GrafanaRole {
    role: ResourceView;
    /** The trust policy as read. */
    trust: ParsedPolicy;
}

/** The role's trust policy property. */
/**
 * What the pack knows of the Grafana workspaces when it judges `role`: the config's; without
 * Grafana accounts in the config, the role's own account (its provider's one allowed account) is
 * the only one whose AMG role it trusts: a workspace in the role's own account. Another provider
 * of the stack does not count: a stack may pin one to any account, with any credentials.
 */
export const workspacesFor = (role: ResourceView, settings: PackSettings): Workspaces =>
    new Workspaces(settings, ownAccounts([role]));

export const trustOf = (role: ResourceView): ParsedPolicy =>
    parsePolicy(role.props[TRUST_PROPERTY[role.type]]);

/**
 * The roles of the stack a Grafana workspace role may assume: tagged GrafanaDataSource (they claim
 * to be), or with a trust statement that may let a workspace role in, or with a trust policy that
 * is no policy at all (IAM would refuse it; the pack says so). A trust unknown in a preview is
 * judged by its tag alone: the engine runs stack policies again at the end of `pulumi up`, with
 * every value known (pulumi/pulumi sdk/go/common/resource/plugin/analyzer.go, `AnalyzeStack`:
 * "called after all resources have been processed, and all changes applied").
 */
export function grafanaRoles(resources: readonly ResourceView[], settings: PackSettings): GrafanaRole[] {
    const out: GrafanaRole[] = [];
    for (const role of resources) {
        if (!(ROLE_TYPES as readonly string[]).includes(role.type) || !isRecord(role.props)) continue;
        const w = workspacesFor(role, settings);
        const trust = trustOf(role);
        const tagged = tagOf(role.props, GRAFANA_TAG_KEY).present;
        const inScope =
            tagged ||
            trust.kind === "bad" ||
            (trust.kind === "doc" &&
                trust.statements.some((s) => allows(s) && mayAssume(s) && mayAdmitWorkspaceRole(s, w)));
        if (inScope) out.push({ role, trust });
    }
    return out;
}

/**
 * What every trust statement of a role Grafana may assume must be, whoever it lets in: Effect
 * Allow, exactly sts:AssumeRole (no NotAction), and no NotPrincipal; why not, or undefined.
 */
export function assumeRoleShapeProblem(s: Statement): string | undefined {
    if (s.Effect !== "Allow") return `has Effect ${show(s.Effect)}, not "Allow"`;
    if ("NotAction" in s) return "uses NotAction (it allows every action it does not list)";
    const actions = list(s.Action);
    if (
        actions.length === 0 ||
        actions.some((a) => typeof a !== "string" || a.toLowerCase() !== "sts:assumerole")
    ) {
        return (
            `allows ${actions.map((a) => show(a, 40)).join(", ") || "no action"}, ` +
            `not exactly sts:AssumeRole`
        );
    }
    if ("NotPrincipal" in s) return "uses NotPrincipal (it lets in everyone it does not list)";
    return undefined;
}

/** Why a statement of a Grafana role's trust is not the one shape allowed, or undefined when it is. */
export function trustProblem(s: Statement, w: Workspaces): string | undefined {
    const shape = assumeRoleShapeProblem(s);
    if (shape !== undefined) return shape;
    const p = s.Principal;
    if (!isRecord(p)) return `lets in ${p === "*" ? "everyone (Principal *)" : `the principal ${show(p)}`}`;
    const other = Object.keys(p).find((k) => k !== "AWS");
    if (other) return `lets in a ${show(other, 20)} principal (${show(list(p[other])[0])})`;
    const principals = list(p.AWS);
    if (principals.length === 0) return "names no principal";
    const pins = ["ArnEquals", "StringEquals"].flatMap(
        (op) => plainCondition(s, op, "aws:PrincipalArn") ?? [],
    );
    const pinned = ["ArnEquals", "StringEquals"].some((op) => {
        const arns = plainCondition(s, op, "aws:PrincipalArn");
        return arns !== undefined && arns.every((a) => typeof a === "string" && w.isWorkspaceRole(a));
    });
    for (const a of principals) {
        if (typeof a === "string" && w.isWorkspaceRole(a)) continue;
        const root =
            typeof a === "string" && (/^\d{12}$/.test(a) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(a));
        if (root && pinned) continue;
        if (root) {
            const amg = pins.find((x) => typeof x === "string" && Workspaces.isAmgRole(x));
            if (amg !== undefined && !w.isWorkspaceRole(amg as string))
                return `pins ${show(amg)}, ${w.whyNot(amg as string)}`;
            return (
                `lets in ${show(a)} without ArnEquals aws:PrincipalArn pinned to a ` +
                `workspace role (literal ARNs, no IfExists)`
            );
        }
        return `lets in ${show(a)}, ${typeof a === "string" ? w.whyNot(a) : "which is not a workspace role"}`;
    }
    return undefined;
}

/**
 * Why the statement's external ID does not guard it, or undefined when it does (a value shown as [secret]
 * offline counts as guarded).
 */
export function externalIdProblem(s: Statement): string | undefined {
    const ids = plainCondition(s, "StringEquals", "sts:ExternalId");
    if (!ids) return "lets a Grafana workspace role assume the role without an external ID";
    const weak = ids.some(
        (v) =>
            v !== "[secret]" &&
            v !== UNKNOWN &&
            !(typeof v === "string" && EXTERNAL_ID.test(v) && !v.includes("${")),
    );
    return weak
        ? "has an external ID shorter than 32 characters or with " +
              "characters STS refuses (its value is not shown)"
        : undefined;
}

export { statementId };
