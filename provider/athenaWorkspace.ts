/**
 * The package's AthenaWorkspace: checks its arguments (workspaceChecks.ts), then builds the
 * repository's workspace component as its only child, each source read from its stack or given
 * as a contract of the same program.
 */
import * as pulumi from "@pulumi/pulumi";
import { AthenaWorkspace as WorkspaceComponent } from "../components/workspace/athenaWorkspace";
import { readSourceStack } from "../components/workspace/sourceStacks";
import { refuseInvalid } from "./arguments";
import { PACKAGE_NAME } from "./packageName";
import type { AthenaWorkspaceArgs } from "./workspaceArgs";
import { workspaceArguments } from "./workspaceChecks";

/**
 * The Grafana account's side (steps 4-7): the workspace role may assume the sources' roles, and
 * Grafana gets the Athena plugin, one data source per source, and the dashboards.
 */
export class AthenaWorkspace extends pulumi.ComponentResource {
    /** Data source uid by source key. */
    public readonly dataSourceUids!: pulumi.Output<Record<string, string>>;
    /** Data source name by source key. */
    public readonly dataSourceNames!: pulumi.Output<Record<string, string>>;
    /**
     * Dashboard URL by source key, plus `home` (the dashboard that lists every source) and `fleet` (every
     * source on one).
     */
    public readonly dashboardUrls!: pulumi.Output<Record<string, string>>;
    /** When the current Grafana token expires (none when grafanaUrl and grafanaAuth are given). */
    public readonly tokenExpiresAt!: pulumi.Output<string | undefined>;
    /** The Grafana id of each team, by name (empty without teams). */
    public readonly teams!: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AthenaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${PACKAGE_NAME}:index:AthenaWorkspace`, name, {}, opts);
        const { options, sources } = refuseInvalid(this, "AthenaWorkspace", () => workspaceArguments(args));
        const auth = args.grafanaAuth;
        const workspace = new WorkspaceComponent(
            `${name}-workspace`,
            {
                ...options,
                // Only its presence was validated: the token itself never leaves a secret.
                grafanaAuth:
                    options.grafanaAuth !== undefined && auth !== undefined ? pulumi.secret(auth) : undefined,
                // The real secrets (the check may have seen stand-ins): the component wraps them as secrets.
                contactPointSecrets: args.contactPointSecrets ?? {},
                sources: sources.map((s) => ({
                    ...s,
                    outputs: s.outputs ?? readSourceStack(s.key, { parent: this }),
                })),
            },
            { parent: this },
        );
        this.dataSourceUids = workspace.dataSourceUids;
        this.dataSourceNames = workspace.dataSourceNames;
        this.dashboardUrls = workspace.dashboardUrls;
        this.tokenExpiresAt = workspace.tokenExpiresAt;
        this.teams = workspace.teams;
        this.registerOutputs({
            teams: this.teams,
            dataSourceUids: this.dataSourceUids,
            dataSourceNames: this.dataSourceNames,
            dashboardUrls: this.dashboardUrls,
            tokenExpiresAt: this.tokenExpiresAt,
        });
    }
}
