/**
 * What a change of each input does, for the properties this repository's programs set, as the
 * real providers decide it: a property whose change replaces the resource (Terraform's `ForceNew`,
 * the plugin framework's `RequiresReplace`, surfaced by the Pulumi bridge as a replace), every
 * other change an update in place. Read from the Terraform providers the Pulumi packages bridge:
 * - hashicorp/terraform-provider-aws `internal/service/...`: `aws_athena_workgroup` name;
 *   `aws_iam_role` name, name_prefix, path; `aws_iam_policy` name, name_prefix, path and
 *   description (IAM has no call that changes a policy's description); `aws_iam_role_policy`
 *   name, name_prefix, role; `aws_iam_role_policy_attachment` role, policy_arn; `aws_s3_bucket`
 *   bucket, bucket_prefix; every `aws_s3_bucket_*` configuration resource its bucket and
 *   expected_bucket_owner; `aws_grafana_workspace_service_account` and
 *   `aws_grafana_workspace_service_account_token` every argument (Amazon Managed Grafana has no
 *   update call for either); `aws_grafana_workspace` authentication_providers (every other
 *   argument through UpdateWorkspace, the version and configuration through
 * UpdateWorkspaceConfiguration); `aws_grafana_role_association` workspace_id; `aws_cloudformation_stack_set`
 * name and auto_deployment; `aws_cloudformation_stack_set_instance` account_id, deployment_targets,
 * stack_set_name and its region (every other argument of both is updated through
 * UpdateStackSet/UpdateStackInstances).
 * - hashicorp/terraform-provider-random `random_password`: every argument.
 * - hashicorp/terraform-provider-time `time_rotating`: every argument (rfc3339, rotation_*,
 *   triggers).
 * - grafana/terraform-provider-grafana `internal/resources/grafana/resource_data_source.go`:
 *   `uid` ForceNew (name, type and json_data_encoded update in place); folders likewise by uid;
 *   every resource's `org_id`; the permission resources by the uid they manage.
 * A type missing here is refused by the stand-in, naming it, rather than guessed.
 */
import { Props, UNKNOWN, holdsUnknown, plain, same } from "./wire";

const ALL = "*";

/** Per type token, the inputs whose change replaces the resource (`*`: every input). */
export const REPLACING: Record<string, readonly string[]> = {
    "aws:athena/workgroup:Workgroup": ["name"],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/policy:Policy": ["name", "namePrefix", "path", "description"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        "bucket",
        "expectedBucketOwner",
    ],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
    "aws:cloudformation/stackSet:StackSet": ["name", "autoDeployment", "region"],
    "aws:cloudformation/stackSetInstance:StackSetInstance": [
        "accountId",
        "deploymentTargets",
        "region",
        "stackSetInstanceRegion",
        "stackSetName",
    ],
    "aws:grafana/workspace:Workspace": ["authenticationProviders"],
    "aws:grafana/roleAssociation:RoleAssociation": ["workspaceId"],
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": [ALL],
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": [ALL],
    "random:index/randomPassword:RandomPassword": [ALL],
    "time:index/rotating:Rotating": [ALL],
    "grafana:oss/dataSource:DataSource": ["uid", "orgId"],
    // resource_alerting_rule_group.go: name and folder_uid are ForceNew.
    "grafana:alerting/ruleGroup:RuleGroup": ["name", "folderUid", "orgId"],
    "grafana:oss/folder:Folder": ["uid", "orgId"],
    "grafana:oss/dashboard:Dashboard": ["orgId"],
    // resource_team.go: name, email, members and team_sync update in place.
    "grafana:oss/team:Team": ["orgId"],
    // common_resource_permission.go: the uid a permission resource manages is RequiresReplace.
    "grafana:enterprise/dataSourcePermission:DataSourcePermission": ["datasourceUid", "orgId"],
    "grafana:oss/folderPermission:FolderPermission": ["folderUid", "orgId"],
    "grafana:oss/dashboardPermission:DashboardPermission": ["dashboardUid", "orgId"],
    "grafana:alerting/contactPoint:ContactPoint": ["orgId"],
    "grafana:alerting/notificationPolicy:NotificationPolicy": ["orgId"],
};

interface InputDiff {
    /** The inputs that differ (unknown counts as different). */
    diffs: string[];
    /** Those of them that replace the resource. */
    replaces: string[];
}

/**
 * The difference between the inputs in state and the program's new ones. `olds` are the old
 * inputs; a property absent on both sides is no difference.
 */
export function diffInputs(type: string, olds: Props, news: Props): InputDiff {
    const replacing = REPLACING[type];
    if (!replacing)
        throw new Error(
            `stand-in provider: no replace rules for resource type ` +
                `"${type}"; add them to tools/standin/replaces.ts`,
        );
    const diffs = changedKeys(olds, news);
    const replaces = diffs.filter((k) => replacing.includes(ALL) || replacing.includes(k));
    return { diffs, replaces };
}

/** The properties that differ between two property maps (unknown counts as different). */
export function changedKeys(olds: Props, news: Props): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
    return [...keys]
        .filter(
            (k) =>
                news[k] === UNKNOWN ||
                holdsUnknown(news[k]) ||
                !same(plain(olds[k]) ?? null, plain(news[k]) ?? null),
        )
        .sort();
}
