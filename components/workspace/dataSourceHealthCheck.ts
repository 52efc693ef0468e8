/**
 * "Save & test" as code: one DataSourceHealthCheck per Athena data source.
 * During `pulumi up` it calls GET <grafanaUrl>/api/datasources/uid/<uid>/health
 * and fails the update with the plugin's message and a hint when the data
 * source does not work.
 *
 * Never during preview: the nodejs dynamic provider does not declare preview
 * support, so the engine only calls its check/diff in a preview and never
 * create/update; check and diff below make no network call.
 *
 * How the provider travels (pulumi.dynamic.Resource serialises `provider`
 * with pulumi.runtime.serializeFunction into the `__provider` input, and the
 * dynamic-provider process rebuilds it with require-from-string, which has
 * no file path, so relative `require("../shared/...")` inside the methods
 * cannot resolve there):
 *   - the provider is a plain object whose methods only call plain functions
 *     of this file and of ./healthCheckClient (with ./grafanaHttp) and ./dynamicInputs;
 *   - those two are imported normally at the top of this file. The closure
 *     serializer sees the captured module object, recognises it (from
 *     require.cache) as a LOCAL module, and serialises the used members
 *     (checkDataSourceHealth, formatHealthFailure and, transitively, the
 *     helpers and constants they use) BY VALUE into the `__provider` text.
 *     Packages under node_modules would instead be emitted as require("pkg").
 *   - they therefore import nothing and uses only globals of Node.js 22 and 24
 *     (fetch, AbortController, setTimeout), which the serializer emits as
 *     `global.fetch` etc.; the methods must not reference `pulumi` (a
 *     deployment-time module) at run time: types only.
 * tests/components/workspace/dataSourceHealthCheck.test.ts evaluates the serialized text in
 * isolation to prove it is self-contained.
 *
 * The token: it is an input (Pulumi stores a dynamic resource's inputs in the
 * state), so the class wraps it with pulumi.secret() and the state holds it
 * encrypted; the provider never returns it in its outputs and the serialized
 * provider never captures it (it arrives as an input at run time).
 */
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN, plainToken, requiredStrings } from "./dynamicInputs";
import { checkDataSourceHealth, formatHealthFailure } from "./healthCheckClient";

/** The type token Pulumi gives an unnamed-module dynamic resource. */
export const HEALTH_CHECK_TYPE = "pulumi-nodejs:dynamic:Resource";

interface DataSourceHealthCheckArgs {
    grafanaUrl: pulumi.Input<string>;
    /** Grafana token; stored as a secret. */
    token: pulumi.Input<string>;
    dataSourceUid: pulumi.Input<string>;
    dataSourceName: pulumi.Input<string>;
    sourceStack: pulumi.Input<string>;
    /** Changes whenever the data source's configuration changes, so the check re-runs. */
    dataSourceVersion: pulumi.Input<string>;
    /** Per attempt, default 15000. */
    timeoutMs?: pulumi.Input<number>;
    /** Whole check including retries, default 120000. */
    deadlineMs?: pulumi.Input<number>;
}

interface HealthCheckInputs {
    grafanaUrl: string;
    token: string;
    dataSourceUid: string;
    dataSourceName: string;
    sourceStack: string;
    dataSourceVersion: string;
    timeoutMs?: number;
    deadlineMs?: number;
}

interface HealthCheckOutputs {
    grafanaUrl: string;
    dataSourceUid: string;
    dataSourceName: string;
    sourceStack: string;
    dataSourceVersion: string;
    message: string;
    attempts: number;
}

/**
 * Inputs whose change re-runs the check. Deliberately NOT the token: rotating
 * the token alone says nothing about the data source, and re-checking every
 * data source on each rotation would only slow `pulumi up` down. The engine
 * still records the new (secret) token in the state. Nor the timeouts.
 */
const CHECKED_INPUTS = [
    "grafanaUrl",
    "dataSourceUid",
    "dataSourceVersion",
    "dataSourceName",
    "sourceStack",
] as const;

async function runHealthCheck(inputs: HealthCheckInputs): Promise<HealthCheckOutputs> {
    const req = {
        grafanaUrl: inputs.grafanaUrl,
        token: plainToken(inputs.token),
        dataSourceUid: inputs.dataSourceUid,
        dataSourceName: inputs.dataSourceName,
        sourceStack: inputs.sourceStack,
        timeoutMs: inputs.timeoutMs,
        deadlineMs: inputs.deadlineMs,
    };
    const result = await checkDataSourceHealth(req);
    if (!result.ok) {
        throw new Error(formatHealthFailure(result, req));
    }
    return {
        grafanaUrl: inputs.grafanaUrl,
        dataSourceUid: inputs.dataSourceUid,
        dataSourceName: inputs.dataSourceName,
        sourceStack: inputs.sourceStack,
        dataSourceVersion: inputs.dataSourceVersion,
        message: result.message,
        attempts: result.attempts,
    };
}

const healthCheckProvider: pulumi.dynamic.ResourceProvider<HealthCheckInputs, HealthCheckOutputs> = {
    // No network: only shape checks, skipping values unknown during preview.
    async check(_olds: HealthCheckInputs, news: HealthCheckInputs) {
        const required = [
            "grafanaUrl",
            "token",
            "dataSourceUid",
            "dataSourceName",
            "sourceStack",
            "dataSourceVersion",
        ];
        const failures = requiredStrings(news as unknown as Record<string, unknown>, required, ["token"]);
        const url: unknown = news.grafanaUrl;
        if (
            typeof url === "string" &&
            url !== UNKNOWN &&
            url.trim() !== "" &&
            !/^https?:\/\//i.test(url.trim())
        ) {
            failures.push({
                property: "grafanaUrl",
                reason: `grafanaUrl must be an http(s) URL, got "${url}"`,
            });
        }
        return { inputs: news, failures };
    },

    // No network. `olds` are the previous outputs, which carry CHECKED_INPUTS.
    async diff(_id: string, olds: HealthCheckOutputs, news: HealthCheckInputs) {
        const changed = CHECKED_INPUTS.filter((key) => olds[key] !== news[key]);
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: HealthCheckInputs) {
        const outs = await runHealthCheck(inputs);
        return { id: `health-${inputs.dataSourceUid}`, outs };
    },

    async update(_id: string, _olds: HealthCheckOutputs, news: HealthCheckInputs) {
        return { outs: await runHealthCheck(news) };
    },

    // Nothing exists outside Pulumi's state.
    async delete() {
        return;
    },
};

export class DataSourceHealthCheck extends pulumi.dynamic.Resource {
    /** The plugin's success message, e.g. "Data source is working". */
    public readonly message!: pulumi.Output<string>;
    /** Attempts the last successful check needed. */
    public readonly attempts!: pulumi.Output<number>;

    constructor(name: string, args: DataSourceHealthCheckArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            healthCheckProvider,
            name,
            {
                grafanaUrl: args.grafanaUrl,
                token: pulumi.secret(args.token),
                dataSourceUid: args.dataSourceUid,
                dataSourceName: args.dataSourceName,
                sourceStack: args.sourceStack,
                dataSourceVersion: args.dataSourceVersion,
                timeoutMs: args.timeoutMs,
                deadlineMs: args.deadlineMs,
                message: undefined,
                attempts: undefined,
            },
            opts,
        );
    }
}
