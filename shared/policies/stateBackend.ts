/**
 * A self-managed S3 backend (`pulumi login s3://<bucket>`) that previews cannot poison: the plan
 * role reads every stack's state and may take and release a stack's lock, and writes nothing else;
 * only the deploy role writes state. Said twice, by the roles' own policies and by the bucket's
 * policy (which also denies the plan role any other write, whatever its account's policies grant).
 *
 * The layout is the Pulumi CLI's DIY backend (pulumi/pulumi `pkg/backend/diy`): everything under
 * `.pulumi/` (`workspace.BookkeepingDir`), a stack's state in `.pulumi/stacks/...`, its history and
 * backups beside it, and a lock as `.pulumi/locks/<org>/<project>/<stack>/<lock id>.json`, written
 * before an operation and deleted after it (`lock.go`: `Lock` writes it, `Unlock` deletes it).
 */
import { CI_DEPLOY_ROLE_NAME, CI_PLAN_ROLE_NAME } from "../ci/identity";
import { PolicyDocument, PolicyStatement } from "../iam/policy";

export interface StateBackend {
    /** The backend's bucket (in whichever account holds it). */
    bucket: string;
    /** The KMS key of the stacks' secrets provider (`awskms://...`), when they use one. */
    kmsKeyArn?: string;
}

/** Everything the CLI keeps in the bucket. */
const STATE_PREFIX = ".pulumi/";
/** Where the stacks' locks are: the only keys a preview writes. */
const LOCKS_PREFIX = ".pulumi/locks/";

/** Object writes and deletes, every kind: what the plan role may do only to a lock. */
const OBJECT_WRITE_ACTIONS = [
    "s3:DeleteObject",
    "s3:DeleteObjectTagging",
    "s3:DeleteObjectVersion",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectLegalHold",
    "s3:PutObjectRetention",
    "s3:PutObjectTagging",
    "s3:RestoreObject",
];

const bucketArn = (partition: string, bucket: string) => `arn:${partition}:s3:::${bucket}`;

/**
 * The state access of a CI role's own policy. The plan role: list, read, and write or delete a
 * lock; the deploy role: list, read and write everything of the backend. With a KMS secrets
 * provider, the plan role may only decrypt (a preview and a saved plan decrypt the stack's data
 * key; the secrets themselves are encrypted locally with it), the deploy role also encrypt.
 */
export function stateAccessStatements(
    state: StateBackend,
    partition: string,
    role: "plan" | "deploy",
): PolicyStatement[] {
    const bucket = bucketArn(partition, state.bucket);
    const statements = [
        // Unconditioned: the CLI checks the bucket with HeadBucket, which S3 authorises as
        // s3:ListBucket without a prefix; the listing shows stack names, never state.
        new PolicyStatement({
            sid: "StateBucketList",
            actions: ["s3:GetBucketLocation", "s3:ListBucket"],
            resources: [bucket],
        }),
        new PolicyStatement({
            sid: "StateRead",
            actions: ["s3:GetObject"],
            resources: [`${bucket}/${STATE_PREFIX}*`],
        }),
        role === "plan"
            ? new PolicyStatement({
                  sid: "StateLocks",
                  actions: ["s3:DeleteObject", "s3:PutObject"],
                  resources: [`${bucket}/${LOCKS_PREFIX}*`],
              })
            : new PolicyStatement({
                  sid: "StateWrite",
                  actions: ["s3:DeleteObject", "s3:PutObject"],
                  resources: [`${bucket}/${STATE_PREFIX}*`],
              }),
    ];
    if (state.kmsKeyArn) {
        statements.push(
            new PolicyStatement({
                sid: "StateSecretsKey",
                actions:
                    role === "plan" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                resources: [state.kmsKeyArn],
            }),
        );
    }
    return statements;
}

/**
 * The backend bucket's policy, for the account that holds it: the organisation's CI roles may
 * reach the state across accounts as their own policies say, and the plan role of any account is
 * denied every write outside the locks, and every bucket change, whatever else allows it. Every
 * grant is bound to the organisation (`aws:PrincipalOrgID`): a role of the same name in an
 * account outside it gets nothing.
 */
export function stateBucketPolicy(
    state: StateBackend,
    partition: string,
    organizationId: string,
): PolicyDocument {
    const bucket = bucketArn(partition, state.bucket);
    const anyAccountRole = (name: string) => `arn:${partition}:iam::*:role/${name}`;
    const plan = anyAccountRole(CI_PLAN_ROLE_NAME);
    const deploy = anyAccountRole(CI_DEPLOY_ROLE_NAME);
    const fromOrg = (roles: string[]) => ({
        StringEquals: { "aws:PrincipalOrgID": organizationId },
        ArnLike: { "aws:PrincipalArn": roles },
    });
    return new PolicyDocument(`${state.bucket}-policy`, "bucket", [
        new PolicyStatement({
            sid: "CiRolesList",
            principals: { AWS: ["*"] },
            actions: ["s3:GetBucketLocation", "s3:ListBucket"],
            resources: [bucket],
            conditions: fromOrg([plan, deploy]),
        }),
        new PolicyStatement({
            sid: "CiRolesReadState",
            principals: { AWS: ["*"] },
            actions: ["s3:GetObject"],
            resources: [`${bucket}/${STATE_PREFIX}*`],
            conditions: fromOrg([plan, deploy]),
        }),
        new PolicyStatement({
            sid: "PlanRolesTakeLocks",
            principals: { AWS: ["*"] },
            actions: ["s3:DeleteObject", "s3:PutObject"],
            resources: [`${bucket}/${LOCKS_PREFIX}*`],
            conditions: fromOrg([plan]),
        }),
        new PolicyStatement({
            sid: "DeployRolesWriteState",
            principals: { AWS: ["*"] },
            actions: ["s3:DeleteObject", "s3:PutObject"],
            resources: [`${bucket}/${STATE_PREFIX}*`],
            conditions: fromOrg([deploy]),
        }),
        new PolicyStatement({
            sid: "DenyPlanRolesWritingState",
            effect: "Deny",
            principals: { AWS: ["*"] },
            actions: OBJECT_WRITE_ACTIONS,
            notResources: [`${bucket}/${LOCKS_PREFIX}*`],
            conditions: { ArnLike: { "aws:PrincipalArn": [plan] } },
        }),
        new PolicyStatement({
            sid: "DenyPlanRolesChangingTheBucket",
            effect: "Deny",
            principals: { AWS: ["*"] },
            actions: [
                "s3:DeleteBucket",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketAcl",
                "s3:PutBucketPolicy",
                "s3:PutBucketVersioning",
                "s3:PutLifecycleConfiguration",
            ],
            resources: [bucket],
            conditions: { ArnLike: { "aws:PrincipalArn": [plan] } },
        }),
        new PolicyStatement({
            sid: "DenyInsecureTransport",
            effect: "Deny",
            principals: { AWS: ["*"] },
            actions: ["s3:*"],
            resources: [bucket, `${bucket}/*`],
            conditions: { Bool: { "aws:SecureTransport": "false" } },
        }),
    ]);
}
