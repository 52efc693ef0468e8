/**
 * The CloudFormation template the bootstrap's StackSet deploys to every member account: GitHub's
 * OIDC provider, the permissions boundary, the plan role and the deploy role, their policies built
 * with shared/iam (shared/policies/ciRoles.ts). Built as data, deterministic: the same settings give
 * the same bytes, so a change shows in the plan diff as a change of this one document.
 */
import {
    CI_BOUNDARY_POLICY_NAME,
    CI_DEPLOY_ROLE_NAME,
    CI_PLAN_ROLE_NAME,
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_HOST,
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    deployRoleSubjects,
    planRoleSubjects,
} from "../ci/identity";
import { PolicyDocument, PolicyJson } from "../iam/policy";
import {
    CiScope,
    boundaryPolicy,
    ciTrustPolicy,
    deployRolePolicy,
    planRolePolicy,
} from "../policies/ciRoles";

/** CloudFormation's limit on a template given inline (`TemplateBody`). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;
/** The template's one parameter: whether the account still needs GitHub's OIDC provider. */
export const CREATE_OIDC_PROVIDER_PARAMETER = "CreateOidcProvider";

/**
 * Stands for the member account while the policies are built: the template is one document for
 * every account, and CloudFormation puts each account's ID in its place (`${AWS::AccountId}`).
 * Replaced only where it is an ARN's account field, so nothing a user wrote can be taken for it.
 */
export const ACCOUNT_SENTINEL = "000000000000";

/** The thumbprints GitHub published for its OIDC issuer's certificates. */
const GITHUB_OIDC_THUMBPRINTS = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
];

export type CiRolesSettings = Omit<CiScope, "accountId"> & {
    /** `owner/repo` of the repository whose workflows the roles trust. */
    repository: string;
};

/** The IAM documents of one member account (the template's, for `accountId`). */
interface CiRoleDocuments {
    planTrust: PolicyDocument;
    planPolicy: PolicyDocument;
    deployTrust: PolicyDocument;
    deployPolicy: PolicyDocument;
    boundary: PolicyDocument;
}

function oidcProviderArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** Every document of the CI roles of `accountId`: what the tests evaluate, and what the template holds. */
function ciRoleDocuments(settings: CiRolesSettings, accountId: string): CiRoleDocuments {
    const scope: CiScope = { ...settings, accountId };
    const provider = oidcProviderArn(settings.partition, accountId);
    return {
        planTrust: ciTrustPolicy(CI_PLAN_ROLE_NAME, planRoleSubjects(settings.repository), provider),
        planPolicy: planRolePolicy(scope),
        deployTrust: ciTrustPolicy(CI_DEPLOY_ROLE_NAME, deployRoleSubjects(settings.repository), provider),
        deployPolicy: deployRolePolicy(scope),
        boundary: boundaryPolicy(scope),
    };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ACCOUNT_FIELD = new RegExp(`^(arn:[^:]*:[^:]*:[^:]*:)${ACCOUNT_SENTINEL}(:.*)$`, "s");

/**
 * A policy as the template writes it: each ARN whose account is the sentinel becomes an `Fn::Sub`
 * with `${AWS::AccountId}` (any other `${` in it escaped as `${!`, CloudFormation's literal form).
 */
function forEveryAccount(value: Json): Json {
    if (typeof value === "string") {
        const m = ACCOUNT_FIELD.exec(value);
        return m
            ? {
                  "Fn::Sub": `${m[1].replace(/\$\{/g, "${!")}\${AWS::AccountId}${m[2].replace(/\$\{/g, "${!")}`,
              }
            : value;
    }
    if (Array.isArray(value)) return value.map(forEveryAccount);
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forEveryAccount(v)]));
    return value;
}

const tags = [{ Key: MANAGED_TAG_KEY, Value: MANAGED_TAG_VALUE }];

/** The template's documents, rendered (for the checks the program runs on them before deploying). */
export function templateDocuments(settings: CiRolesSettings): PolicyDocument[] {
    return Object.values(ciRoleDocuments(settings, ACCOUNT_SENTINEL));
}

/** The template as JSON text. */
export function ciRolesTemplate(settings: CiRolesSettings): string {
    const docs = ciRoleDocuments(settings, ACCOUNT_SENTINEL);
    const policy = (d: PolicyDocument): Json => forEveryAccount(d.toJSON() as unknown as Json);
    const providerArn: Json = {
        "Fn::If": [
            CREATE_OIDC_PROVIDER_PARAMETER,
            { Ref: "GitHubOidcProvider" },
            { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC_HOST}` },
        ],
    };
    // The trust policies name the provider by its ARN; with the provider in the template, by its
    // Ref (the same ARN), so that CloudFormation creates it before the roles.
    const trust = (d: PolicyDocument): Json => {
        const json = d.toJSON() as PolicyJson;
        return {
            Version: json.Version,
            Statement: json.Statement.map((s) => ({
                ...(forEveryAccount(s as unknown as Json) as object),
                Principal: { Federated: providerArn },
            })),
        };
    };
    const role = (
        name: string,
        description: string,
        trustDoc: PolicyDocument,
        policyDoc: PolicyDocument,
        dependsOn: string[],
    ): Json => ({
        Type: "AWS::IAM::Role",
        DependsOn: dependsOn,
        Properties: {
            RoleName: name,
            Description: description,
            MaxSessionDuration: 3600,
            AssumeRolePolicyDocument: trust(trustDoc),
            Policies: [{ PolicyName: policyDoc.name, PolicyDocument: policy(policyDoc) }],
            Tags: tags,
        },
    });
    const template: Json = {
        AWSTemplateFormatVersion: "2010-09-09",
        Description:
            `CI roles of grafana-athena for ${settings.repository}: GitHub's OIDC provider, a ` +
            `read-only plan role, a deploy role and its permissions boundary`,
        Parameters: {
            [CREATE_OIDC_PROVIDER_PARAMETER]: {
                Type: "String",
                AllowedValues: ["true", "false"],
                Description:
                    "false where the account already has GitHub's OIDC provider " +
                    "(an account has at most one per URL)",
            },
        },
        Conditions: {
            [CREATE_OIDC_PROVIDER_PARAMETER]: {
                "Fn::Equals": [{ Ref: CREATE_OIDC_PROVIDER_PARAMETER }, "true"],
            },
        },
        Resources: {
            // IAM trusts GitHub's issuer through its own root certificate authorities and ignores
            // the thumbprints (IAM user guide, "Create an OpenID Connect (OIDC) identity provider
            // in IAM"); they are GitHub's published ones (GitHub changelog, 2023-06-27, "update on
            // OIDC integration with AWS"), given because CloudFormation's schema long required the
            // list (AWS CDK v1's CfnOIDCProviderProps has thumbprintList required; v2 optional).
            GitHubOidcProvider: {
                Type: "AWS::IAM::OIDCProvider",
                Condition: CREATE_OIDC_PROVIDER_PARAMETER,
                Properties: {
                    Url: `https://${GITHUB_OIDC_HOST}`,
                    ClientIdList: [GITHUB_OIDC_AUDIENCE],
                    ThumbprintList: GITHUB_OIDC_THUMBPRINTS,
                    Tags: tags,
                },
            },
            PermissionsBoundary: {
                Type: "AWS::IAM::ManagedPolicy",
                Properties: {
                    ManagedPolicyName: CI_BOUNDARY_POLICY_NAME,
                    Description:
                        "The most a role created by the grafana-athena deploy " +
                        "role may do: the source role's rights",
                    PolicyDocument: policy(docs.boundary),
                },
            },
            PlanRole: role(
                CI_PLAN_ROLE_NAME,
                "Read-only: previews and plans of grafana-athena source stacks (GitHub Actions)",
                docs.planTrust,
                docs.planPolicy,
                [],
            ),
            DeployRole: role(
                CI_DEPLOY_ROLE_NAME,
                "Applies reviewed plans of grafana-athena source stacks " +
                    "(GitHub Actions, production environment)",
                docs.deployTrust,
                docs.deployPolicy,
                ["PermissionsBoundary"],
            ),
        },
        Outputs: {
            PlanRoleArn: { Value: { "Fn::GetAtt": ["PlanRole", "Arn"] } },
            DeployRoleArn: { Value: { "Fn::GetAtt": ["DeployRole", "Arn"] } },
            BoundaryArn: { Value: { Ref: "PermissionsBoundary" } },
        },
    };
    return `${JSON.stringify(template, null, 1)}\n`;
}
