// One namespace module each, not the packages' indexes: a type-check then reads these services' declarations
// only.
import * as amg from "@pulumi/aws/grafana";
import * as iam from "@pulumi/aws/iam";
import * as pulumi from "@pulumi/pulumi";
import {
    CreateWorkspaceSettings,
    workspaceConfiguration,
    workspaceRoleTrust,
} from "../../shared/grafana/workspaceResource";
import { adoptedProviders, workspaceLifecycle } from "../../shared/grafana/workspaceLifecycle";
import { checkedPolicyJson } from "../../shared/iam/checked";
import { refusing } from "../../shared/resourceRefusal";

/** What the rest of the workspace component needs of the workspace, looked up or created. */
export interface WorkspaceFacts {
    workspaceId: string;
    endpoint: string;
    roleArn: string;
    grafanaVersion: string;
}

interface ManagedWorkspaceArgs {
    settings: CreateWorkspaceSettings;
    account: pulumi.Input<string>;
    region: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    /** The role's name (`createWorkspace.roleName`): the source stacks trust it by name. */
    roleName: string;
}

/**
 * The Amazon Managed Grafana workspace, created by the stack (`createWorkspace`), as named steps:
 * 1. `createRole`: the workspace's role, trusted by the Grafana service for this account's
 *    workspaces only, with no permission of its own (the assume policy is added by the workspace
 *    component: all Athena needs), never an AWS managed policy;
 * 2. `createWorkspace`: the workspace (customer-managed permissions, the version given, plugin
 *    management and unified alerting on in its `configuration`, the network access control);
 * 3. `associateRoles`: the IAM Identity Center groups that are Admins and Editors.
 * An existing workspace is adopted (`createWorkspace.adopt`: imported, updated in place, retained on
 * destroy; docs/deploying.md): nothing is replaced. Either way the workspace is protected: no
 * `pulumi up` replaces it and no destroy deletes it by surprise (shared/grafana/workspaceLifecycle.ts).
 * shared/grafana/workspaceResource.ts holds the decisions and the facts they rest on.
 */
export class ManagedWorkspace extends pulumi.ComponentResource {
    public readonly facts: pulumi.Output<WorkspaceFacts>;
    public readonly workspace: amg.Workspace;
    public readonly role: iam.Role;

    constructor(name: string, args: ManagedWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("grafana-athena:workspace:ManagedWorkspace", name, {}, opts);
        this.role = this.createRole(name, args);
        this.workspace = this.createWorkspace(name, args);
        this.associateRoles(name, args);
        this.facts = pulumi
            .all([this.workspace.id, this.workspace.endpoint, this.role.arn, this.workspace.grafanaVersion])
            .apply(([workspaceId, endpoint, roleArn, grafanaVersion]) => ({
                workspaceId,
                endpoint,
                roleArn,
                grafanaVersion,
            }));
        this.registerOutputs({ workspaceId: this.workspace.id, endpoint: this.workspace.endpoint });
    }

    private createRole(name: string, args: ManagedWorkspaceArgs): iam.Role {
        const trust = pulumi
            .all([args.account, args.region, args.partition])
            .apply(([account, region, partition]) => workspaceRoleTrust(account, region, partition));
        return new iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                description:
                    "Amazon Managed Grafana workspace role: may only assume the " +
                    "Athena source roles (inline policy)",
                assumeRolePolicy: trust.apply((doc) => checkedPolicyJson(doc, "", this)),
            },
            { parent: this },
        );
    }

    private createWorkspace(name: string, args: ManagedWorkspaceArgs): amg.Workspace {
        const s = args.settings;
        // An adopted workspace is read first: a sign-in that differs would replace it, a lower version
        // fail mid-update, and either is refused here in one line, before anything is planned.
        const adopt = s.adopt;
        const providers =
            adopt === undefined
                ? [...s.authentication]
                : amg.getWorkspaceOutput({ workspaceId: adopt }, { parent: this }).apply((w) =>
                      refusing(this, () =>
                          adoptedProviders(s, adopt, {
                              authenticationProviders: w.authenticationProviders,
                              grafanaVersion: w.grafanaVersion,
                          }),
                      ),
                  );
        return new amg.Workspace(
            `${name}-workspace`,
            {
                name: s.name,
                accountAccessType: "CURRENT_ACCOUNT",
                authenticationProviders: providers,
                permissionType: "CUSTOMER_MANAGED",
                roleArn: this.role.arn,
                dataSources: ["ATHENA"],
                grafanaVersion: s.grafanaVersion,
                configuration: workspaceConfiguration(),
                networkAccessControl: s.network
                    ? { prefixListIds: [...s.network.prefixListIds], vpceIds: [...s.network.vpceIds] }
                    : undefined,
            },
            // Protected; an adopted one imported, not created, and retained: never deleted by this
            // stack (shared/grafana/workspaceLifecycle.ts says what each option does, and why).
            { parent: this, ...workspaceLifecycle(adopt) },
        );
    }

    private associateRoles(name: string, args: ManagedWorkspaceArgs): void {
        for (const [role, groups] of [
            ["ADMIN", args.settings.admins],
            ["EDITOR", args.settings.editors],
        ] as const) {
            if (groups.length === 0) continue;
            new amg.RoleAssociation(
                `${name}-${role.toLowerCase()}s`,
                { workspaceId: this.workspace.id, role, groupIds: [...groups] },
                { parent: this },
            );
        }
    }
}
