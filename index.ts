/**
 * grafana-athena: both halves in one stack, for one-account users and organisation admins who can
 * reach both accounts. One explicit AWS provider per account (they may be the same account); the
 * source's outputs feed the workspace directly, no stack reference needed.
 */
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Region } from "@pulumi/aws/types/enums";
import * as pulumi from "@pulumi/pulumi";
import { loadRootConfig } from "./components/rootConfig";
import { ROOT_NAMESPACE } from "./shared/config/root";
import { AthenaWorkspace } from "./components/workspace/athenaWorkspace";
import { AthenaSourceAccess } from "./components/source/athenaSourceAccess";

const config = loadRootConfig();

const awsProvider = (name: string, access: { region: string; assumeRoleArn?: string; accountId?: string }) =>
    new AwsProvider(name, {
        region: access.region as Region,
        allowedAccountIds: access.accountId ? [access.accountId] : undefined,
        assumeRoles: access.assumeRoleArn
            ? [{ roleArn: access.assumeRoleArn, sessionName: "grafana-athena" }]
            : undefined,
    });

// With workspace.createWorkspace, the source trusts the role this stack creates for the workspace: its ARN
// is known from config (shared/config/root.ts), so the source needs nothing of the workspace side, and the
// workspace side checks that the role it creates is that one before creating it (guardWorkspace). No
// cycle and no ordering: the trust pins the role with the `aws:PrincipalArn` condition, a string IAM
// does not resolve when the policy is saved (unlike a role Principal, which must exist then and is
// stored as the role's unique ID: IAM user guide, "Role trust policy examples"; the same pattern for a
// role not yet created in DataDog/terraform-module-datadog-agentless-scanner#43), and only the data
// sources, which wait for the source's outputs, use it.
const source = new AthenaSourceAccess("source", config.source.args, {
    providers: { aws: awsProvider("source-aws", config.source.access) },
});

const workspace = new AthenaWorkspace(
    "workspace",
    {
        ...config.workspace.options,
        sources: [
            {
                key: `${pulumi.getProject()}/${pulumi.getStack()}`,
                name: config.workspace.sourceName,
                outputs: source.contractInputs(),
            },
        ],
        expectedWorkspaceRoleArn: config.source.args.grafanaRoleArn,
        configKeyPrefix: `${ROOT_NAMESPACE}:workspace.`,
    },
    { providers: { aws: awsProvider("workspace-aws", config.workspace.access) } },
);

export const sourceRoleArn = source.contract.roleArn;
export const sourceWorkgroup = source.contract.workgroup;
export const dataSourceUids = workspace.dataSourceUids;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
export const teams = workspace.teams;
