/**
 * The bootstrap as the real program plans it (bootstrap/ under the mocks), and its StackSet's
 * template as CloudFormation would deploy it in one member account: `Fn::Sub` with the account's
 * ID and partition, the OIDC provider's `Ref` as its ARN. What the tests evaluate is the template
 * the StackSet gets, not the functions that built it.
 */
import type { PolicyJson } from "../../shared/iam/policy";
import type { RunResult } from "../../tools/plan/mock/runtime";
import { BOOTSTRAP_DIR, Variant, oneOf, plan } from "./program";

/** A member account of the example's organisational unit. */
export const MEMBER = "222233334444";
/** Another account of the organisation. */
export const OTHER_MEMBER = "555566667777";
export const REGION = "eu-west-1";
export const REPOSITORY = "acme/grafana-athena";

export function planBootstrap(variant: Variant = {}): Promise<RunResult> {
    return plan(BOOTSTRAP_DIR, variant);
}

/** The StackSet's template, parsed. */
export function templateOf(result: RunResult): any {
    return JSON.parse(oneOf(result, "aws:cloudformation/stackSet:StackSet").inputs.templateBody as string);
}

/** A template value as CloudFormation resolves it in `account` (partition aws, the OIDC provider created). */
function inAccount(value: any, account: string): any {
    if (Array.isArray(value)) return value.map((v) => inAccount(v, account));
    if (value && typeof value === "object") {
        if ("Fn::Sub" in value) {
            return String(value["Fn::Sub"])
                .replace(/\$\{AWS::AccountId\}/g, account)
                .replace(/\$\{AWS::Partition\}/g, "aws")
                .replace(/\$\{!/g, "${");
        }
        if ("Fn::If" in value) return inAccount(value["Fn::If"][1], account);
        if ("Ref" in value && value.Ref === "GitHubOidcProvider")
            return `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inAccount(v, account)]));
    }
    return value;
}

export interface MemberRoles {
    planTrust: PolicyJson;
    planPolicy: PolicyJson;
    deployTrust: PolicyJson;
    deployPolicy: PolicyJson;
    boundary: PolicyJson;
    boundaryArn: string;
}

/** The roles and the boundary the template gives `account`. */
export function memberRoles(result: RunResult, account = MEMBER): MemberRoles {
    const resources = inAccount(templateOf(result).Resources, account);
    const role = (id: string) => resources[id].Properties;
    return {
        planTrust: role("PlanRole").AssumeRolePolicyDocument,
        planPolicy: role("PlanRole").Policies[0].PolicyDocument,
        deployTrust: role("DeployRole").AssumeRolePolicyDocument,
        deployPolicy: role("DeployRole").Policies[0].PolicyDocument,
        boundary: resources.PermissionsBoundary.Properties.PolicyDocument,
        boundaryArn:
            `arn:aws:iam::${account}:policy/` +
            `${resources.PermissionsBoundary.Properties.ManagedPolicyName}`,
    };
}
