/**
 * What the policy pack's rules (policy/rules.ts) read of a stack: each Grafana role's trust
 * statements, its permissions and the resource policies that may grant it, and the findings of one
 * kind of grant over all of them.
 */
import { DEFAULT_ROLE_NAME } from "../shared/config/source";
import { GrantKind, judgeStatements } from "./grants";
import { RolePermissions, externalRoles, rolePermissions } from "./permissions";
import { resourcePolicyGrants } from "./resourceGrants";
import { GrafanaRole, PackSettings, allows, grafanaRoles } from "./trust";
import { ResourceView, Statement, show, statementId, strings } from "./values";
import { workspaceRoles } from "./workspaceRoles";

/** A finding of a rule: the resource it names and one line. */
export interface Finding {
    resource: ResourceView;
    message: string;
}

export const roleName = (role: ResourceView) => show(role.props.name ?? role.props.roleName ?? role.name, 64);

/** Each trust statement of each Grafana role that may allow something, with its id. */
export function trustStatements(
    roles: readonly GrafanaRole[],
): { role: ResourceView; s: Statement; id: string }[] {
    return roles.flatMap(({ role, trust }) =>
        trust.kind === "doc"
            ? trust.statements.map((s, i) => ({ role, s, id: statementId(s, i) })).filter((x) => allows(x.s))
            : [],
    );
}

/**
 * The permissions of each Grafana role of the stack (data source roles and workspace roles, each
 * once), and of the source role of other stacks that the stack gives permissions to.
 */
export function permissionsOf(
    resources: readonly ResourceView[],
    settings: PackSettings,
): { role: ResourceView; perms: RolePermissions; workspace: boolean }[] {
    const names = [DEFAULT_ROLE_NAME, ...strings(settings.grafanaRoleNames)];
    const sources = [
        ...grafanaRoles(resources, settings).map(({ role }) => role),
        ...externalRoles(resources, names),
    ];
    // AMG's service role of another stack (the workspace stack adds the assume policy to it) is a workspace
    // role.
    const workspaces = [
        ...workspaceRoles(resources).map(({ role }) => role),
        ...externalRoles(resources, (n) => /^amazongrafanaservicerole-/.test(n)),
    ].filter((r) => !sources.includes(r));
    return [
        ...sources.map((role) => ({ role, workspace: false })),
        ...workspaces.map((role) => ({ role, workspace: true })),
    ].map((x) => ({ ...x, perms: rolePermissions(x.role, resources) }));
}

/**
 * Each Grafana role with its own readable policies and the statements of resource policies that
 * may grant it (R3), each document with the resource that gives it: what P2-P6 judge.
 */
export function grantedPolicies(resources: readonly ResourceView[], settings: PackSettings) {
    return permissionsOf(resources, settings).map(({ role, perms, workspace }) => ({
        role,
        workspace,
        docs: [
            ...perms.policies.flatMap((p) =>
                p.policy.kind === "doc"
                    ? [{ resource: p.resource, label: p.label, statements: p.policy.statements }]
                    : [],
            ),
            ...resourcePolicyGrants(role, resources).map((g) => ({
                resource: g.resource,
                label: `${g.label} granting role ${roleName(role)}`,
                statements: g.statements,
            })),
        ],
    }));
}

/**
 * The findings of one kind in every readable policy of every Grafana role, naming the resource that gives the
 * policy.
 */
export async function grantFindings(
    resources: readonly ResourceView[],
    settings: PackSettings,
    kind: GrantKind,
): Promise<Finding[]> {
    const out: Finding[] = [];
    for (const { docs, workspace } of grantedPolicies(resources, settings)) {
        for (const p of docs) {
            for (const f of await judgeStatements(p.statements)) {
                // A workspace role reaches the data source roles by assuming them, by name (S6).
                if (f.kind === kind && !(workspace && f.namedAssume))
                    out.push({
                        resource: p.resource,
                        message: `statement ${f.message.replace(/^("[^"]*")/, `$1 of ${p.label}`)}`,
                    });
            }
        }
    }
    return out;
}

/** A workgroup ARN with a literal name (no wildcard): `arn:<p>:athena:<r>:<a>:workgroup/<name>`. */
export function isNamedWorkgroup(arn: string): boolean {
    const at = arn.indexOf(":workgroup/");
    if (!arn.startsWith("arn:") || at < 0) return false;
    const name = arn.slice(at + ":workgroup/".length);
    return name.length > 0 && !/[*?/]/.test(name) && !/[*?]/.test(arn);
}
