/**
 * Reads a project's config from the Pulumi runtime once, validates it once, and turns every
 * problem into one line that names the key. Nothing here declares a resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigProblem, parseOrThrow } from "./problems";
import { region as regionRule } from "./rules";

export type KeyKind = "string" | "json" | "secret";

/**
 * Raw config of `namespace` as plain data: strings as they are, JSON keys parsed. Empty strings
 * count as unset (Pulumi.yaml gives optional keys an empty default). Keys of the namespace that
 * the project does not know are reported: they are usually typos.
 */
export function rawConfig(
    namespace: string,
    kinds: Record<string, KeyKind>,
    all: Record<string, string> = pulumi.runtime.allConfig(),
): { values: Record<string, unknown>; problems: ConfigProblem[] } {
    const values: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, raw] of Object.entries(all)) {
        const [ns, key] = splitKey(fullKey);
        if (ns !== namespace) continue;
        const kind = kinds[key];
        if (kind === undefined) {
            problems.push({ key: fullKey, message: "is not a known setting (check the spelling against Pulumi.yaml)" });
            continue;
        }
        if (raw === "") continue;
        if (kind === "json") {
            try {
                values[key] = JSON.parse(raw);
            } catch {
                // A plain word where a list or object belongs: let the schema say what it expected.
                values[key] = raw;
            }
        } else {
            values[key] = raw;
        }
    }
    return { values, problems };
}

function splitKey(fullKey: string): [string, string] {
    const i = fullKey.indexOf(":");
    // The runtime stores keys as `namespace:config:key` in older forms; accept both.
    const ns = fullKey.slice(0, i);
    const rest = fullKey.slice(i + 1).replace(/^config:/, "");
    return [ns, rest];
}

/** Reads and validates a project's settings; throws ConfigError with every problem. */
export function readSettings<T extends z.ZodTypeAny>(
    namespace: string,
    kinds: Record<string, KeyKind>,
    schema: T,
    earlier: readonly ConfigProblem[] = [],
): z.output<T> {
    const { values, problems } = rawConfig(namespace, kinds);
    return parseOrThrow(schema, values, namespace, [], [...earlier, ...problems]);
}

/** The AWS provider's region from `aws:region`, or a problem naming that key. */
export function awsRegion(all: Record<string, string> = pulumi.runtime.allConfig()): string | ConfigProblem {
    const region = all["aws:region"];
    if (!region) {
        return { key: "aws:region", message: "is required: the AWS region of this stack, e.g. eu-west-1 (pulumi config set aws:region eu-west-1)" };
    }
    const parsed = regionRule.safeParse(region);
    return parsed.success ? parsed.data : { key: "aws:region", message: parsed.error.issues[0].message };
}

/**
 * Runs `read`, turning a ConfigError into a `pulumi.RunError`: the CLI shows the problem lines
 * and no stack trace.
 */
export function orRunError<T>(read: () => T): T {
    try {
        return read();
    } catch (e) {
        if (e instanceof ConfigError) {
            throw new pulumi.RunError(`invalid configuration:\n${e.message}`);
        }
        throw e;
    }
}

/** Options whose Grafana token, read from config, must stay a secret in the program. */
export function withSecretGrafanaAuth<T extends { grafana?: { url: string; auth: pulumi.Input<string> } }>(options: T): T {
    return options.grafana ? { ...options, grafana: { ...options.grafana, auth: pulumi.secret(options.grafana.auth) } } : options;
}

export { ConfigError };
