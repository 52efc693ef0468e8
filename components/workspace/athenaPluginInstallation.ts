/**
 * The Athena plugin, installed as code: on Amazon Managed Grafana workspaces of version 9 and
 * later "this data source might require you to install the appropriate plugin" (AMG user guide,
 * Athena data source), and a data source of a type Grafana does not know fails to create.
 *
 * During `pulumi up` only, like the health check (same dynamic provider rules, see
 * dataSourceHealthCheck.ts): `create` and `update` make sure the plugin is installed at the
 * supported major version through Grafana's plugin API (pluginClient.ts `ensurePluginInstalled`)
 * and wait until Grafana reports it; a preview runs only `check` and `diff`, which make no call;
 * `delete` does nothing, so `pulumi destroy` never uninstalls a plugin other dashboards may use.
 */
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN, requiredStrings, plainToken } from "./dynamicInputs";
import { PluginRequest, ensurePluginInstalled } from "./pluginClient";
import { pluginVersionProblem } from "../../shared/grafana/pluginVersion";

interface AthenaPluginInstallationArgs {
    grafanaUrl: pulumi.Input<string>;
    /** A Grafana token of a workspace administrator; stored as a secret. */
    token: pulumi.Input<string>;
    /** The workspace, named in messages. */
    workspaceId: pulumi.Input<string>;
    pluginId: pulumi.Input<string>;
    /** Installed when the plugin is missing, of another major version or below `minimumVersion`. */
    version: pulumi.Input<string>;
    /**
     * The supported major version: an installed plugin of it, at or above `minimumVersion`, is left as it is.
     */
    major: pulumi.Input<number>;
    /** The floor within the major (shared/grafana/pluginVersion.ts); `version` below it is refused. */
    minimumVersion: pulumi.Input<string>;
}

/** What the provider receives: the plugin request without its timing knobs. */
type Inputs = Omit<PluginRequest, "timeoutMs" | "deadlineMs" | "initialBackoffMs">;

interface Outputs {
    grafanaUrl: string;
    workspaceId: string;
    pluginId: string;
    version: string;
    major: number;
    minimumVersion: string;
    /** What Grafana reports after the last run. */
    installedVersion: string;
    action: string;
}

/**
 * Inputs whose change runs the installation again; not the token (a rotation says nothing about
 * plugins). A state written before the floor existed has no `minimumVersion`: the next `pulumi up`
 * runs the installation once, which replaces an installed release below the floor.
 */
const CHECKED_INPUTS = ["grafanaUrl", "pluginId", "version", "major", "minimumVersion"] as const;

async function install(inputs: Inputs): Promise<Outputs> {
    const result = await ensurePluginInstalled({
        ...inputs,
        token: plainToken(inputs.token),
        major: Number(inputs.major),
    });
    if (!result.ok) throw new Error(result.message);
    return {
        grafanaUrl: inputs.grafanaUrl,
        workspaceId: inputs.workspaceId,
        pluginId: inputs.pluginId,
        version: inputs.version,
        major: Number(inputs.major),
        minimumVersion: inputs.minimumVersion,
        installedVersion: result.installedVersion ?? "",
        action: result.action ?? "present",
    };
}

const pluginProvider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
    // No network: only shape checks, skipping values unknown during preview.
    async check(_olds: Inputs, news: Inputs) {
        const failures = requiredStrings(
            news as unknown as Record<string, unknown>,
            ["grafanaUrl", "token", "workspaceId", "pluginId", "version", "minimumVersion"],
            ["token"],
        );
        const known = [news.version, news.minimumVersion, news.major].every((v) => v !== UNKNOWN);
        if (failures.length === 0 && known) {
            const problem = pluginVersionProblem(
                "version",
                news.version,
                Number(news.major),
                news.minimumVersion,
            );
            if (problem !== undefined) failures.push({ property: "version", reason: problem });
        }
        return { inputs: news, failures };
    },

    // No network. `olds` are the previous outputs, which carry CHECKED_INPUTS.
    async diff(_id: string, olds: Outputs, news: Inputs) {
        const changed = CHECKED_INPUTS.filter((key) => String(olds[key]) !== String(news[key]));
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: Inputs) {
        return { id: `plugin-${inputs.pluginId}`, outs: await install(inputs) };
    },

    async update(_id: string, _olds: Outputs, news: Inputs) {
        return { outs: await install(news) };
    },

    // Never uninstalls: other data sources and dashboards of the workspace may use the plugin.
    async delete() {
        return;
    },
};

export class AthenaPluginInstallation extends pulumi.dynamic.Resource {
    /** The version Grafana reports. */
    public readonly installedVersion!: pulumi.Output<string>;

    constructor(name: string, args: AthenaPluginInstallationArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            pluginProvider,
            name,
            {
                grafanaUrl: args.grafanaUrl,
                token: pulumi.secret(args.token),
                workspaceId: args.workspaceId,
                pluginId: args.pluginId,
                version: args.version,
                major: args.major,
                minimumVersion: args.minimumVersion,
                installedVersion: undefined,
                action: undefined,
            },
            opts,
            "grafana-athena",
            "AthenaPluginInstallation",
        );
    }
}
