/**
 * Roles Grafana must never be pointed at: the roles that administer accounts or that AWS services
 * own. The one list every place a role name enters checks (a source's `roleName`, the workspace's
 * organisation-mode `sourceRoleName`, the role of a source's `roleArn` output, the trusted
 * `grafanaRoleArn`), with the reason each pattern is here. Matching ignores case: IAM role names
 * are unique case-insensitively, so `organizationaccountaccessrole` is the same role.
 *
 * Why a list at all: the workspace assumes whatever role a source stack names, and in organisation
 * mode any role of that name in every account of the organisation. A source stack (another team's
 * code, or a typo) that names one of these would hand Grafana, and every Grafana user who can
 * query a data source, an administrator's reach in that account.
 */

interface AdministratorRolePattern {
    /** What a reader searches for: the name or the name pattern. */
    readonly name: string;
    /** Matches a role name (without its path), case-insensitively. */
    readonly test: RegExp;
    /** Why this role must never be assumable by Grafana. */
    readonly reason: string;
}

export const ADMINISTRATOR_ROLE_PATTERNS: readonly AdministratorRolePattern[] = Object.freeze([
    {
        name: "OrganizationAccountAccessRole",
        test: /^OrganizationAccountAccessRole$/i,
        reason:
            "AWS Organizations creates it in every new member account with " +
            "AdministratorAccess, trusted by the management account",
    },
    {
        name: "AWSControlTowerExecution",
        test: /^AWSControlTowerExecution$/i,
        reason: "Control Tower's role in every enrolled account, with AdministratorAccess",
    },
    {
        name: "aws-controltower-*",
        test: /^aws-controltower-/i,
        reason:
            "Control Tower's roles in enrolled accounts " +
            "(AdministratorExecutionRole has AdministratorAccess)",
    },
    {
        name: "AWSAFT*",
        test: /^AWSAFT/i,
        reason:
            "Account Factory for Terraform's roles (AWSAFTExecution has " +
            "AdministratorAccess in every vended account)",
    },
    {
        name: "AWSCloudFormationStackSetExecutionRole",
        test: /^AWSCloudFormationStackSetExecutionRole$/i,
        reason: "the StackSets execution role of self-managed StackSets, usually with AdministratorAccess",
    },
    {
        name: "stacksets-exec-*",
        test: /^stacksets-exec-/i,
        reason:
            "the execution role of service-managed StackSets in every " +
            "member account, with AdministratorAccess",
    },
    {
        name: "cdk-*-cfn-exec-role-*",
        test: /^cdk-[a-z0-9]+-cfn-exec-role-/i,
        reason:
            "the CDK bootstrap's CloudFormation execution role, with " +
            "AdministratorAccess unless narrowed at bootstrap",
    },
    {
        name: "AWSReservedSSO_*",
        test: /^AWSReservedSSO_/i,
        reason: "IAM Identity Center's roles for permission sets: people's access, often administrator",
    },
    {
        name: "AWSServiceRoleFor*",
        test: /^AWSServiceRoleFor/i,
        reason: "service-linked roles: owned by an AWS service, trusted only by it, never a role for Grafana",
    },
    {
        name: "*admin* (Admin, Administrator, ...)",
        test: /admin/i,
        reason: "a name that says it administers something",
    },
]);

/** The path AWS gives service-linked roles (`arn:aws:iam::<account>:role/aws-service-role/...`). */
const SERVICE_ROLE_PATH = /(^|\/)aws-service-role(\/|$)/i;
/** Paths of IAM Identity Center roles (`/aws-reserved/sso.amazonaws.com/...`). */
const RESERVED_PATH = /(^|\/)aws-reserved(\/|$)/i;

/**
 * Why a role (its name, and the path of its ARN when known, such as `/service-role/`) is one
 * Grafana must never assume, or undefined when it may.
 */
export function administratorRoleProblem(name: string, path = "/"): string | undefined {
    if (SERVICE_ROLE_PATH.test(path))
        return `is under the path /aws-service-role/: a service-linked role, owned by an AWS service`;
    if (RESERVED_PATH.test(path))
        return `is under the path /aws-reserved/: an IAM Identity Center role (people's access)`;
    const hit = ADMINISTRATOR_ROLE_PATTERNS.find((p) => p.test.test(name));
    return hit ? `is an administrator or service role (${hit.name}: ${hit.reason})` : undefined;
}

/** A role ARN's path (`/` or `/a/b/`) and name, or undefined when it is no role ARN. */
function roleArnParts(arn: string): { path: string; name: string } | undefined {
    const m = /^arn:[^:]+:iam::[^:]*:role(\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
    return m ? { path: m[1], name: m[2] } : undefined;
}

/** `administratorRoleProblem` of the role an ARN names (path included); undefined for other ARNs. */
export function administratorRoleArnProblem(arn: string): string | undefined {
    const parts = roleArnParts(arn);
    return parts ? administratorRoleProblem(parts.name, parts.path) : undefined;
}
