/**
 * Reads a project's config from the Pulumi runtime once, validates it once, and turns every
 * problem into one line that names the key. Nothing here declares a resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, ConfigProblem, parseOrThrow } from "./problems";
import { ROOT_NAMESPACE } from "./root";
import { describe, hideValues, region as regionRule, withHiddenValues } from "./rules";
import { SOURCE_NAMESPACE } from "./source";
import { WORKSPACE_NAMESPACE } from "./workspace";

export type KeyKind = "string" | "json" | "secret";

/** The three projects' config namespaces: a key of a sibling's in a stack file is a mistake. */
const PROJECT_NAMESPACES = [SOURCE_NAMESPACE, WORKSPACE_NAMESPACE, ROOT_NAMESPACE];
const PROJECT_FOLDER: Record<string, string> = {
    [SOURCE_NAMESPACE]: "infra-account-b",
    [WORKSPACE_NAMESPACE]: "infra-account-a",
    [ROOT_NAMESPACE]: "the repository root",
};

/** What the runtime knows of the stack's config: every value, and which keys are secrets. */
export interface StackConfigView {
    all: Record<string, string>;
    isSecret(key: string): boolean;
}

/**
 * The running program's config. Which keys are secrets the engine passes in
 * `PULUMI_CONFIG_SECRET_KEYS`; the SDK reads it with `runtime/config` `isConfigSecret` (exported,
 * marked internal; checked with @pulumi/pulumi 3.248.0). A key set with `--path --secret` on a
 * nested field (`workspace.grafanaAuth`) makes its whole top-level key secret.
 */
export function runtimeConfig(): StackConfigView {
    const config = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
    return { all: pulumi.runtime.allConfig(), isSecret: (k) => config.isConfigSecret(k) };
}

/**
 * Raw config of `namespace` as plain data: strings as they are, JSON keys parsed. Empty strings
 * count as unset (Pulumi.yaml gives optional keys an empty default). Keys of the namespace that
 * the project does not know are reported (they are usually typos), and so are keys of a sibling
 * project's namespace (a stack file copied from the wrong folder), and a `secret` key set in plain
 * text.
 */
export function rawConfig(
    namespace: string,
    kinds: Record<string, KeyKind>,
    view: StackConfigView = runtimeConfig(),
    secretFields: Record<string, readonly string[]> = {},
): { values: Record<string, unknown>; problems: ConfigProblem[] } {
    const values: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, raw] of Object.entries(view.all)) {
        const [ns, key] = splitKey(fullKey);
        if (ns !== namespace) {
            if (PROJECT_NAMESPACES.includes(ns)) {
                problems.push({
                    key: fullKey,
                    message: `is a setting of the ${ns} project (${PROJECT_FOLDER[ns]}), not of this ${namespace} stack: move it to a stack file of that project, or write it as ${namespace}:${key}`,
                });
            }
            continue;
        }
        const kind = kinds[key];
        if (kind === undefined) {
            problems.push({ key: fullKey, message: "is not a known setting (check the spelling against Pulumi.yaml)" });
            continue;
        }
        if (raw === "") continue;
        if (kind === "secret" && !view.isSecret(fullKey)) {
            problems.push({ key: fullKey, message: `must be set as a secret, not in plain text (the value is not shown): pulumi config set --secret ${key} <value>` });
        }
        if (kind === "json") {
            try {
                values[key] = JSON.parse(raw);
            } catch {
                // A plain word where a list or object belongs: let the schema say what it expected.
                values[key] = raw;
            }
            const object = values[key];
            for (const field of secretFields[key] ?? []) {
                if (object && typeof object === "object" && field in object && !view.isSecret(fullKey)) {
                    problems.push({
                        key: `${fullKey}.${field}`,
                        message: `must be set as a secret, not in plain text (the value is not shown): pulumi config set --path --secret ${key}.${field} <value>`,
                    });
                }
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

/** Every string a secret key holds (the whole value, and each string inside a JSON one). */
function secretStrings(view: StackConfigView): Set<string> {
    const found = new Set<string>();
    const walk = (v: unknown) => {
        if (typeof v === "string") found.add(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    for (const [k, raw] of Object.entries(view.all)) {
        if (!view.isSecret(k)) continue;
        found.add(raw);
        try {
            walk(JSON.parse(raw));
        } catch {
            // Not JSON: the raw string is the value.
        }
    }
    return found;
}

/**
 * `aws:allowedAccountIds`, when set, is what stops a deploy into the wrong account (the AWS
 * provider refuses any other): a list of 12-digit account IDs, checked before anything is planned.
 */
export function allowedAccountIdsProblem(all: Record<string, string>): ConfigProblem | undefined {
    const raw = all["aws:allowedAccountIds"];
    if (raw === undefined || raw === "") return undefined;
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = raw;
    }
    const bad = Array.isArray(parsed) ? parsed.findIndex((a) => typeof a !== "string" || !/^\d{12}$/.test(a)) : -1;
    if (Array.isArray(parsed) && parsed.length > 0 && bad < 0) return undefined;
    // The entry that is wrong, shown (cut short), not just "a list".
    const got = !Array.isArray(parsed) ? describe(parsed) : parsed.length === 0 ? "an empty list" : `entry ${bad + 1} of ${parsed.length}: ${describe(parsed[bad])}`;
    return { key: "aws:allowedAccountIds", message: `must be a list of 12-digit AWS account IDs as strings, such as ["111122223333"], got ${got}` };
}

/**
 * Reads and validates a project's settings; throws ConfigError with every problem. The values of
 * secret keys never appear in a message: they read `[secret]`.
 */
export function readSettings<T extends z.ZodTypeAny>(
    namespace: string,
    kinds: Record<string, KeyKind>,
    schema: T,
    earlier: readonly ConfigProblem[] = [],
    view: StackConfigView = runtimeConfig(),
    secretFields: Record<string, readonly string[]> = {},
): z.output<T> {
    const { values, problems } = rawConfig(namespace, kinds, view, secretFields);
    const accounts = allowedAccountIdsProblem(view.all);
    const secrets = secretStrings(view);
    try {
        return withHiddenValues(secrets, () => parseOrThrow(schema, values, namespace, [], [...earlier, ...(accounts ? [accounts] : []), ...problems]));
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        throw new ConfigError(e.problems.map((p) => ({ key: p.key, message: hideValues(p.message, secrets) })));
    }
}

/** The AWS provider's region from `aws:region`, or a problem naming that key. */
export function awsRegion(all: Record<string, string> = runtimeConfig().all): string | ConfigProblem {
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
