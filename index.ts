/**
 * grafana-athena: both halves in one stack, for one-account users and organisation admins who can
 * reach both accounts. One explicit AWS provider per account (they may be the same account); the
 * source's outputs feed the workspace directly, no stack reference needed.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadRootConfig } from "./config";
import { AthenaWorkspace } from "./infra-account-a/athenaWorkspace";
import { AthenaSourceAccess } from "./infra-account-b/athenaSourceAccess";

const config = loadRootConfig();

const awsProvider = (name: string, side: { region: string; assumeRoleArn?: string; accountId?: string }) =>
    new aws.Provider(name, {
        region: side.region as aws.Region,
        allowedAccountIds: side.accountId ? [side.accountId] : undefined,
        assumeRoles: side.assumeRoleArn ? [{ roleArn: side.assumeRoleArn, sessionName: "grafana-athena" }] : undefined,
    });

const sourceAws = awsProvider("source-aws", config.source);
const workspaceAws = awsProvider("workspace-aws", config.workspace);

const source = new AthenaSourceAccess("source", config.source, { providers: { aws: sourceAws } });

const workspace = new AthenaWorkspace(
    "workspace",
    {
        workspaceId: config.workspace.workspaceId,
        sources: [{ key: `${pulumi.getProject()}/${pulumi.getStack()}`, name: config.workspace.sourceName, outputs: source.contract }],
        tokenRotationDays: config.workspace.tokenRotationDays,
        grafana:
            config.workspace.grafanaUrl && config.workspace.grafanaAuth ? { url: config.workspace.grafanaUrl, auth: config.workspace.grafanaAuth } : undefined,
        dashboard: config.workspace.dashboard,
        verifyDataSources: config.workspace.verifyDataSources,
        expectedWorkspaceRoleArn: config.source.grafanaRoleArn,
        organization:
            config.workspace.sourceRoleName && config.workspace.organizationId
                ? { sourceRoleName: config.workspace.sourceRoleName, organizationId: config.workspace.organizationId }
                : undefined,
    },
    { providers: { aws: workspaceAws } },
);

export const sourceRoleArn = source.contract.roleArn;
export const sourceWorkgroup = source.contract.workgroup;
export const dataSourceUids = workspace.dataSourceUids;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
