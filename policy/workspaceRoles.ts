/**
 * Roles the Grafana service itself may assume (docs/policy-pack.md, rules S6 and T3): a workspace
 * role. Amazon Managed Grafana assumes a workspace's role as the service principal
 * `grafana.amazonaws.com` (AMG user guide, "Amazon Managed Grafana permissions and policies for
 * AWS data sources", customer-managed permissions; its cross-service confused-deputy page asks for
 * `aws:SourceAccount`/`aws:SourceArn` in that trust), and organisation mode asks for such roles
 * in member accounts. Whatever such a role may do, every editor of a workspace of the trusted
 * account may do through a data source, so its trust must name the Grafana service for a
 * workspace of a Grafana account only, and its permissions are judged as a data source role's,
 * except that it may assume the roles it names (that is how it reaches the data source roles).
 */
import { globMatch, hasWildcard } from "./glob";
import {
    PackSettings,
    Workspaces,
    allows,
    assumeRoleShapeProblem,
    mayAssume,
    trustOf,
    workspacesFor,
} from "./trust";
import {
    ParsedPolicy,
    ResourceView,
    Statement,
    isRecord,
    list,
    show,
    statementId,
    valuesByKey,
} from "./values";

export const GRAFANA_SERVICE = "grafana.amazonaws.com";

/**
 * Whether a Service principal value may be the Grafana service (a pattern, or any spelling of it, any
 * partition's suffix).
 */
function mayBeGrafanaService(v: unknown): boolean {
    if (typeof v !== "string") return true;
    const lower = v.toLowerCase();
    return hasWildcard(v) || lower.startsWith("grafana.") || globMatch(lower, GRAFANA_SERVICE);
}

/** Whether a statement's principals name the Grafana service (a Service principal that may be it). */
function namesGrafanaService(s: Statement): boolean {
    const p = s.Principal;
    if (!isRecord(p)) return false;
    return Object.keys(p).some((k) => k === "Service" && list(p[k]).some(mayBeGrafanaService));
}

export interface WorkspaceRole {
    role: ResourceView;
    trust: ParsedPolicy;
}

/** The roles of the stack whose trust may let the Grafana service assume them (S6). */
export function workspaceRoles(resources: readonly ResourceView[]): WorkspaceRole[] {
    const out: WorkspaceRole[] = [];
    for (const role of resources) {
        if (role.type !== "aws:iam/role:Role" && role.type !== "aws-native:iam:Role") continue;
        const trust = trustOf(role);
        if (
            trust.kind === "doc" &&
            trust.statements.some((s) => allows(s) && mayAssume(s) && namesGrafanaService(s))
        )
            out.push({ role, trust });
    }
    return out;
}

/**
 * Why a statement of a workspace role's trust is not the one shape allowed (T3), or undefined:
 * Effect Allow, exactly sts:AssumeRole, exactly the Service principal grafana.amazonaws.com, and
 * StringEquals (no IfExists, no set operator) aws:SourceAccount whose every value is a Grafana
 * account: the config's, or without config the stack's own (its providers' one allowed account).
 * Other conditions (aws:SourceArn) are ANDed and only narrow.
 */
export function serviceTrustProblem(s: Statement, w: Workspaces): string | undefined {
    const shape = assumeRoleShapeProblem(s);
    if (shape !== undefined) return shape;
    const p = s.Principal;
    const services = isRecord(p) ? list(p.Service) : [];
    const other = isRecord(p) ? Object.keys(p).find((k) => k !== "Service") : undefined;
    if (!isRecord(p) || other !== undefined || services.length === 0)
        return `lets in ${
            other ? `a ${show(other, 20)} ` + `principal` : `the principal ` + `${show(p)}`
        } beside the Grafana service`;
    const odd = services.find((v) => v !== GRAFANA_SERVICE);
    if (odd !== undefined) return `lets in the service ${show(odd)}, not exactly ${GRAFANA_SERVICE}`;
    const c = s.Condition;
    const accounts = isRecord(c) ? valuesByKey(c.StringEquals, "aws:SourceAccount") : [];
    if (accounts.length === 0)
        return (
            "lets the Grafana service assume the role for a workspace of any " +
            "account: no StringEquals aws:SourceAccount"
        );
    const foreign = accounts.find((a) => typeof a !== "string" || !w.trusted.has(a));
    if (foreign !== undefined)
        return w.configured
            ? `lets in workspaces of account ${show(foreign, 20)}, which is not a ` +
                  `Grafana account of the pack's config (grafanaAccountIds)`
            : `lets in workspaces of account ${show(foreign, 20)}, which the pack does not know as ` +
                  `your Grafana account (without config, only the accounts the stack's providers are ` +
                  `pinned to are): name it in the pack's grafanaAccountIds`;
    return undefined;
}

/** Each finding of T3 on the stack's workspace roles, with the role and the statement's id. */
export function workspaceTrustFindings(
    resources: readonly ResourceView[],
    settings: PackSettings,
): { role: ResourceView; message: string }[] {
    const out: { role: ResourceView; message: string }[] = [];
    for (const { role, trust } of workspaceRoles(resources)) {
        if (trust.kind !== "doc") continue;
        const w = workspacesFor(role, settings);
        const name = show(role.props.name ?? role.props.roleName ?? role.name, 64);
        trust.statements.forEach((s, i) => {
            if (!allows(s)) return;
            const problem = serviceTrustProblem(s, w);
            const id = statementId(s, i);
            if (problem)
                out.push({ role, message: `trust statement "${id}" of workspace role ${name} ${problem}` });
        });
    }
    return out;
}
