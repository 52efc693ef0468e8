/**
 * The Amazon Managed Grafana workspace itself, when a workspace stack creates it
 * (`grafana-athena-workspace:createWorkspace`): its settings, the `configuration` JSON it gets, the
 * trust of its role, and what a version change does. Pure: the workspace component makes the
 * `aws.grafana.Workspace`, `aws.iam.Role` and `aws.grafana.RoleAssociation` resources from these.
 *
 * Facts relied on (checked in the sources named):
 * - `aws.grafana.Workspace` (@pulumi/aws 7.48.0 `grafana/workspace.d.ts`, bridged from
 *   hashicorp/terraform-provider-aws `internal/service/grafana/workspace.go`): `grafanaVersion` is
 *   updated in place (UpdateWorkspaceConfiguration, hashicorp/terraform-provider-aws#32679), and
 *   `configuration` is sent whole with it: a configuration left out would be `{}`, so it is always
 *   given, whole.
 * - A workspace created without a version still gets 10.4 (aws/amazon-managed-grafana-roadmap#103):
 *   the version is always given.
 * - `configuration` holds `plugins.pluginAdminEnabled` (this program installs the Athena plugin)
 *   and `unifiedAlerting.enabled` (AMG user guide, "Configure a workspace").
 * - Adopting (`adopt`): the `import` resource option with the workspace ID, the import ID the
 *   provider takes (terraform-provider-aws `website/docs/r/grafana_workspace.html.markdown`,
 *   "Import": `terraform import aws_grafana_workspace.example g-2054c75a02`; the Pulumi docs'
 *   `import` option: the resource is read from the cloud instead of created, and it is only used
 *   while the resource is not yet in the state). The Pulumi CLI then updates it to the program's
 *   inputs in the same run (pulumi/pulumi#19339, v3.174.0): name, version, configuration, role and
 *   network in place; a different `authentication` would replace it, which the program refuses
 *   (shared/grafana/workspaceLifecycle.ts: that and the other options that keep the workspace).
 * - `permissionType: CUSTOMER_MANAGED` with a role of this stack: AMG creates no role and attaches
 *   no AWS managed policy; the role's only permission is the inline assume policy
 *   (shared/policies/workspaceRole.ts), which is all the Athena data sources need (each assumes its
 *   source's role).
 */
import { z } from "zod";
import { PolicyDocument, PolicyStatement } from "../iam/policy";
import * as r from "../config/rules";

/** The versions a created workspace may run: 12.4 by default; 10.4, the oldest this program supports. */
const CREATABLE_VERSIONS = ["12.4", "10.4"] as const;
const DEFAULT_CREATED_VERSION = "12.4";
/** The created workspace role's name unless `roleName` says otherwise. */
const DEFAULT_WORKSPACE_ROLE_NAME = "GrafanaAthenaWorkspace";

/** An IAM Identity Center group ID. */
const groupId = z
    .string({ error: (i) => `must be an IAM Identity Center group ID, got ${r.describe(i.input)}` })
    .regex(r.IDENTITY_CENTER_GROUP_ID, {
        error: (i) =>
            `must be an IAM Identity Center group ID such as ` +
            `9a6731e4-1051-70a9-2f5b-5c3a1c1e0c11, got ${r.describe(i.input)}`,
    });

const groupList = z
    .array(groupId, {
        error: (i) => `must be a list of IAM Identity Center group IDs, got ${r.describe(i.input)}`,
    })
    .max(100, { error: "lists more than 100 groups" })
    .refine((gs) => new Set(gs).size === gs.length, { error: "lists a group twice" })
    .default([]);

export const createWorkspaceSettings = z
    .object(
        {
            /** The workspace's name (AMG: 1-255 letters, digits and -._~). */
            name: z
                .string({ error: (i) => `must be a workspace name, got ${r.describe(i.input)}` })
                .regex(/^[A-Za-z0-9._~-]{1,255}$/, {
                    error: (i) => `must be 1 to 255 letters, digits and -._~, got ${r.describe(i.input)}`,
                }),
            grafanaVersion: z
                .enum(CREATABLE_VERSIONS, {
                    error: (i) => `must be "12.4" or "10.4" (as a string), got ${r.describe(i.input)}`,
                })
                .default(DEFAULT_CREATED_VERSION),
            authentication: z
                .array(
                    z.enum(["AWS_SSO", "SAML"], {
                        error: (i) => `must list AWS_SSO and/or SAML, got ${r.describe(i.input)}`,
                    }),
                    {
                        error: (i) =>
                            `must be a list of AWS_SSO and/or SAML ([AWS_SSO]), got ${r.describe(i.input)}`,
                    },
                )
                .min(1, { error: "must list AWS_SSO, SAML or both" })
                .refine((a) => new Set(a).size === a.length, { error: "lists a provider twice" })
                .default(["AWS_SSO"]),
            /**
             * The workspace role's name: the source stacks trust it (`grafanaRoleArn`
             * arn:aws:iam::<this account>:role/<roleName>) and are deployed first, so it is known before.
             */
            roleName: r.assumableRoleName.default(DEFAULT_WORKSPACE_ROLE_NAME),
            /** IAM Identity Center groups whose users are Grafana Admins. */
            admins: groupList,
            /** IAM Identity Center groups whose users are Grafana Editors. */
            editors: groupList,
            /**
             * An existing workspace (its ID) this stack takes over instead of creating one: imported
             * (Pulumi's `import` resource option), then updated in place to these settings, never
             * replaced, and left standing when the stack is destroyed (`retainOnDelete`).
             */
            adopt: z
                .string({
                    error: (i) =>
                        `must be a workspace ID (g- and 10 hex characters), got ${r.describe(i.input)}`,
                })
                .regex(/^g-[0-9a-f]{10}$/, {
                    error: (i) =>
                        `must be a workspace ID (g- and 10 hex characters), got ${r.describe(i.input)}`,
                })
                .optional(),
            network: z
                .object(
                    {
                        prefixListIds: z
                            .array(
                                z.string().regex(/^pl-[0-9a-f]{8,17}$/, {
                                    error: "must be a managed prefix list ID (pl-...)",
                                }),
                            )
                            .max(5)
                            .default([]),
                        vpceIds: z
                            .array(
                                z.string().regex(/^vpce-[0-9a-f]{8,17}$/, {
                                    error: "must be a VPC endpoint ID (vpce-...)",
                                }),
                            )
                            .max(5)
                            .default([]),
                    },
                    { error: r.objectOf("{prefixListIds?, vpceIds?}") },
                )
                .strict()
                .optional(),
        },
        {
            error: r.objectOf(
                "{name, grafanaVersion?, authentication?, roleName?, admins?, editors?, adopt?, network?}",
            ),
        },
    )
    .strict()
    .superRefine((w, ctx) => {
        if (!w.authentication.includes("AWS_SSO") && (w.admins.length > 0 || w.editors.length > 0)) {
            ctx.addIssue({
                code: "custom",
                path: [w.admins.length > 0 ? "admins" : "editors"],
                message:
                    "needs AWS_SSO in authentication: groups are IAM Identity Center's " +
                    "(SAML users get their role from the assertion)",
            });
        }
        if (w.network && w.network.prefixListIds.length === 0 && w.network.vpceIds.length === 0) {
            ctx.addIssue({
                code: "custom",
                path: ["network"],
                message: "must list prefixListIds or vpceIds (leave network out for access from anywhere)",
            });
        }
    }, r.onAnyObject);

export type CreateWorkspaceSettings = z.output<typeof createWorkspaceSettings>;

/**
 * The ARN of the role a stack creates its workspace with (`createWorkspace.roleName`, path `/`): known
 * before anything is deployed, so the sources can trust it first.
 */
export function createdWorkspaceRoleArn(partition: string, account: string, roleName: string): string {
    return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/**
 * The workspace's `configuration`, whole and in one order: plugin management on (the Athena plugin
 * is installed by this program) and unified alerting on. Never `{}`: the API replaces the whole
 * configuration with what it is sent.
 */
export function workspaceConfiguration(): string {
    return JSON.stringify({ plugins: { pluginAdminEnabled: true }, unifiedAlerting: { enabled: true } });
}

/**
 * The trust of the created workspace's role: only the Grafana service, only for a workspace of this
 * account and region (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard AMG's user
 * guide gives for customer-managed roles).
 */
export function workspaceRoleTrust(account: string, region: string, partition: string): PolicyDocument {
    return new PolicyDocument("GrafanaWorkspaceTrust", "trust", [
        new PolicyStatement({
            sid: "GrafanaWorkspace",
            actions: ["sts:AssumeRole"],
            principals: { Service: ["grafana.amazonaws.com"] },
            conditions: {
                StringEquals: { "aws:SourceAccount": account },
                ArnLike: { "aws:SourceArn": `arn:${partition}:grafana:${region}:${account}:/workspaces/*` },
            },
        }),
    ]);
}

/**
 * What a change of a created workspace's Grafana version does, for the plan diff: an upgrade is
 * in place and one way; a downgrade is refused by AMG.
 */
export function versionChangeNote(before: string, after: string): string {
    const [b, a] = [before, after].map((v) => v.split(".").map(Number));
    const upgrade = a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    return upgrade
        ? `Grafana ${before} → ${after}: upgraded in place, one way (no downgrade); the ` +
              `configuration (plugin management, unified alerting) is sent whole and kept`
        : `Grafana ${before} → ${after}: a downgrade, which Amazon ` +
              `Managed Grafana refuses: this update will fail`;
}
