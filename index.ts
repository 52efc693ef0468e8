/**
 * grafana-athena: both halves in one stack, for one-account users and organisation admins who can
 * reach both accounts. One explicit AWS provider per account (they may be the same account); the
 * source's outputs feed the workspace directly, no stack reference needed.
 */
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Region } from "@pulumi/aws/types/enums";
import * as pulumi from "@pulumi/pulumi";
import { loadRootConfig } from "./components/rootConfig";
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
    },
    { providers: { aws: awsProvider("workspace-aws", config.workspace.access) } },
);

export const sourceRoleArn = source.contract.roleArn;
export const sourceWorkgroup = source.contract.workgroup;
export const dataSourceUids = workspace.dataSourceUids;
export const dashboardUrls = workspace.dashboardUrls;
export const tokenExpiresAt = workspace.tokenExpiresAt;
export const teams = workspace.teams;
