/**
 * The policy of the Grafana account's side: which source roles the workspace role may assume
 * (docs/what-gets-created.md, "Source stacks are not trusted blindly, and organisation mode"). Either an
 * explicit list of role ARNs, or organisation mode: one statement for any number of sources.
 */
import { PolicyDocument, PolicyError, PolicyStatement, Value } from "../iam/policy";
import { POLICY_QUOTAS, checkPolicySize, policySize } from "../iam/size";
import { roleNameFromArn } from "../naming";
import { GRAFANA_TAG_KEY, GRAFANA_TAG_VALUE } from "./sourceRole";

export const ASSUME_POLICY_NAME = "GrafanaAthenaAssumeSourceRoles";

/** Organisation mode: one statement for any number of sources (see `assumeOrganizationRolesPolicy`). */
export interface OrganizationAssumeMode {
    /** The role name every source stack uses (`roleName` of the source project). */
    sourceRoleName: string;
    /** The AWS Organizations ID the source accounts belong to. */
    organizationId: string;
}

/**
 * Every source role carries the tag `GrafanaDataSource=true` (the source project sets it): the
 * assume policy requires it of the role being assumed (`iam:ResourceTag/...`, a condition key of
 * sts:AssumeRole in the IAM catalog), so that a role of the right name or ARN that a source stack
 * did not create is not assumable.
 */
const TAGGED_ROLE = { StringEquals: { [`iam:ResourceTag/${GRAFANA_TAG_KEY}`]: GRAFANA_TAG_VALUE } };

/** `sts:AssumeRole` on exactly the given source role ARNs, while they carry the tag; nothing else. */
export function assumeSourceRolesPolicy(
    roleArns: readonly Value[],
    name = ASSUME_POLICY_NAME,
): PolicyDocument {
    return new PolicyDocument(name, "inline", [
        new PolicyStatement({
            sid: "AssumeAthenaSourceRoles",
            actions: ["sts:AssumeRole"],
            resources: roleArns,
            conditions: TAGGED_ROLE,
        }),
    ]);
}

/**
 * Organisation mode: `sts:AssumeRole` on the role named `roleName` in any account of the
 * organisation `organizationId`. The same size for any number of sources.
 */
export function assumeOrganizationRolesPolicy(
    roleName: string,
    organizationId: string,
    name = ASSUME_POLICY_NAME,
    partition = "aws",
): PolicyDocument {
    return new PolicyDocument(name, "inline", [
        new PolicyStatement({
            sid: "AssumeAthenaSourceRolesInOrganization",
            actions: ["sts:AssumeRole"],
            resources: [`arn:${partition}:iam::*:role/${roleName}`],
            conditions: {
                StringEquals: { "aws:ResourceOrgID": organizationId, ...TAGGED_ROLE.StringEquals },
            },
        }),
    ]);
}

/**
 * How many source roles of ARN length `arnLength` fit the inline-policy quota in explicit mode.
 * Used to refuse early with a useful number.
 */
export function explicitModeCapacity(arnLength: number): number {
    const empty = policySize(assumeSourceRolesPolicy(["x"]).toJSON()) - 3; // minus `"x"`
    return Math.floor((POLICY_QUOTAS.inline - empty + 1) / (arnLength + 3));
}

/** Checks the explicit assume policy against the inline quota, with the way out in the message. */
export function checkAssumePolicySize(
    doc: PolicyDocument | string,
    sourceCount: number,
    arnLength: number,
): number {
    const json = typeof doc === "string" ? doc : doc.toJSON();
    return checkPolicySize(
        typeof doc === "string" ? ASSUME_POLICY_NAME : doc.name,
        "inline",
        json,
        `It lists ${sourceCount} source roles; about ${explicitModeCapacity(arnLength)} fit. ` +
            `Set sourceRoleName and organizationId to allow the source role in every ` +
            `account of the organisation with one statement.`,
    );
}

/** Organisation mode allows one role name: the sources whose role has another name cannot be assumed. */
export function organizationRoleProblem(
    organization: OrganizationAssumeMode,
    roleArns: readonly string[],
): string | undefined {
    const wrong = roleArns.filter((a) => roleNameFromArn(a) !== organization.sourceRoleName);
    if (wrong.length === 0) return undefined;
    return (
        `organisation mode allows only roles named "${organization.sourceRoleName}", ` +
        `but these sources use other roles: ${wrong.join(", ")}; ` +
        `set roleName in those source stacks, or sourceRoleName here`
    );
}

/**
 * The workspace role's assume policy for these source roles: organisation mode when `organization`
 * is given (refused when a source's role has another name), else the explicit list (refused past
 * the inline quota, saying how many fit). `partition` is the workspace's. Throws with the reason.
 */
export function workspaceAssumePolicy(
    roleArns: readonly string[],
    name: string,
    organization?: OrganizationAssumeMode,
    partition = "aws",
): PolicyDocument {
    if (organization) {
        const problem = organizationRoleProblem(organization, roleArns);
        if (problem) throw new PolicyError(problem);
        return assumeOrganizationRolesPolicy(
            organization.sourceRoleName,
            organization.organizationId,
            name,
            partition,
        );
    }
    const doc = assumeSourceRolesPolicy(roleArns, name);
    // Before the generic check, so that the refusal says how many sources fit.
    checkAssumePolicySize(doc, roleArns.length, Math.max(...roleArns.map((a) => a.length)));
    return doc;
}
