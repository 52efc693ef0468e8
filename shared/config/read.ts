/**
 * Reads a project's config from the Pulumi runtime once, validates it once, and turns every
 * problem into one line that names the key. Nothing here declares a resource.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_VALUE_CHARS, rawValueProblem } from "./bounds";
import { ConfigError, ConfigProblem, parseOrThrow } from "./problems";
import { BOOTSTRAP_NAMESPACE } from "./bootstrap";
import { ROOT_NAMESPACE } from "./root";
import { describe, hideValues, region as regionRule, withHiddenValues } from "./rules";
import { SOURCE_NAMESPACE } from "./source";
import { WORKSPACE_NAMESPACE } from "./workspace";
import { isConfigSecret } from "../pulumiInternals";

type KeyKind = "string" | "json" | "secret" | "secretJson";

/** The projects' config namespaces: a key of a sibling's in a stack file is a mistake. */
const PROJECT_NAMESPACES = [SOURCE_NAMESPACE, WORKSPACE_NAMESPACE, ROOT_NAMESPACE, BOOTSTRAP_NAMESPACE];
const PROJECT_FOLDER: Record<string, string> = {
    [SOURCE_NAMESPACE]: "infra-account-b",
    [WORKSPACE_NAMESPACE]: "infra-account-a",
    [ROOT_NAMESPACE]: "the repository root",
    [BOOTSTRAP_NAMESPACE]: "bootstrap",
};

/** What the runtime knows of the stack's config: every value, and which keys are secrets. */
export interface StackConfigView {
    all: Record<string, string>;
    isSecret(key: string): boolean;
}

/**
 * The running program's config. Which keys are secrets the engine passes in
 * `PULUMI_CONFIG_SECRET_KEYS`; the SDK reads it with an internal (shared/pulumiInternals.ts). A key set with
 * `--path --secret` on a nested field (`workspace.grafanaAuth`) makes its whole top-level key secret.
 */
export function runtimeConfig(): StackConfigView {
    return { all: sdk().runtime.allConfig(), isSecret: (k) => isConfigSecret(k) };
}

/**
 * The Pulumi SDK, loaded when a program reads its config, not with this module: the tools that
 * read stack files with these rules (fleet check, list, affected, shards) start without it.
 */
function sdk(): typeof import("@pulumi/pulumi") {
    return require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
}

/**
 * Raw config of `namespace` as plain data: strings as they are, JSON keys parsed. Empty strings
 * count as unset (Pulumi.yaml gives optional keys an empty default). Keys of the namespace that
 * the project does not know are reported (they are usually typos), and so are keys of a sibling
 * project's namespace (a stack file copied from the wrong folder), and a `secret` key set in plain
 * text.
 */
function rawConfig(
    namespace: string,
    kinds: Record<string, KeyKind>,
    view: StackConfigView = runtimeConfig(),
    secretFields: Record<string, readonly string[]> = {},
): { values: Record<string, unknown>; problems: ConfigProblem[]; unread: Set<string> } {
    const values: Record<string, unknown> = {};
    const problems: ConfigProblem[] = [];
    /**
     * Full keys whose value was not read at all (too big or too deep): the schema has nothing to say of them.
     */
    const unread = new Set<string>();
    for (const [fullKey, raw] of Object.entries(view.all)) {
        const split = splitKey(fullKey);
        if (split === undefined) {
            // The Pulumi CLI refuses a stack file key without a namespace (config.ParseKey: "keys
            // should be of the form <namespace>:<name>"); one that reaches a program anyway must
            // never stand in for, or win over, the namespaced key.
            // Named as the namespaced key it would stand for; an odd name is quoted, cut short.
            const plainName = /^[\w.-]{1,64}$/.test(fullKey);
            problems.push({
                key: `${namespace}:${plainName ? fullKey : "config"}`,
                message:
                    `is set without a namespace (as ${describe(fullKey)}): write every key ` +
                    `with its project's namespace, ${namespace}:<key>`,
            });
            continue;
        }
        const [ns, key] = split;
        if (ns !== namespace) {
            if (PROJECT_NAMESPACES.includes(ns)) {
                problems.push({
                    key: fullKey,
                    message:
                        `is a setting of the ${ns} project (${PROJECT_FOLDER[ns]}), not of ` +
                        `this ${namespace} stack: move it to a stack file of that project, ` +
                        `or write it as ${namespace}:${key}`,
                });
            }
            continue;
        }
        const kind = kinds[key];
        if (kind === undefined) {
            problems.push({
                key: fullKey,
                message: "is not a known setting (check the spelling against Pulumi.yaml)",
            });
            continue;
        }
        if (raw === "") continue;
        const secret = view.isSecret(fullKey);
        // Pulumi.yaml's default of a secret list or object reaches the program in plain text (the
        // CLI encrypts only what a stack file holds): empty, it holds nothing to hide.
        if (kind === "secretJson" && !secret && (raw === "{}" || raw === "[]")) continue;
        const secretKind = kind === "secret" || kind === "secretJson";
        if (secretKind && !secret) {
            problems.push({
                key: fullKey,
                message:
                    `must be set as a secret, not in plain text (the value is not ` +
                    `shown): pulumi config set --secret ${key} <value>`,
            });
        }
        // Bounded before anything recurses into it (JSON.parse's result, zod, the secret scan).
        const json = kind === "json" || kind === "secretJson";
        const bound = json
            ? rawValueProblem(raw)
            : raw.length > MAX_VALUE_CHARS
              ? rawValueProblem(raw)
              : undefined;
        if (bound) {
            problems.push({ key: fullKey, message: `${bound} (the value is not shown)` });
            unread.add(fullKey);
            continue;
        }
        if (json) {
            try {
                values[key] = JSON.parse(raw);
            } catch {
                // A plain word where a list or object belongs: let the schema say what it expected.
                values[key] = raw;
            }
        } else {
            values[key] = raw;
        }
        if (secret && !secretKind) {
            const problem = misplacedSecretProblem(key, values[key], secretFields[key] ?? []);
            if (problem) problems.push({ key: fullKey, message: problem });
        }
        const object = values[key];
        for (const field of secretFields[key] ?? []) {
            if (object && typeof object === "object" && field in object && !secret) {
                problems.push({
                    key: `${fullKey}.${field}`,
                    message:
                        `must be set as a secret, not in plain text (the value is not shown): ` +
                        `pulumi config set --path --secret ${key}.${field} <value>`,
                });
            }
        }
    }
    return { values, problems, unread };
}

/**
 * A secret given for a setting that is not one: its value would be shown in plans (nested in an
 * object it is read as plain text) and exported as a plain stack output by a real run, so the
 * secret would not stay one. The engine marks a whole top-level key secret when any field inside
 * it was set with `--path --secret` (the SDK's `isConfigSecret` knows top-level keys only), so an
 * object key may be secret only when it holds a field that must be (`secretFields`, the root's
 * `workspace.grafanaAuth`). Undefined when the secret is in place.
 */
function misplacedSecretProblem(
    key: string,
    value: unknown,
    secretFields: readonly string[],
): string | undefined {
    if (secretFields.length > 0 && value && typeof value === "object" && secretFields.some((f) => f in value))
        return undefined;
    const fix =
        secretFields.length > 0
            ? `only ${secretFields.map((f) => `${key}.${f}`).join(", ")} may be a secret: ` +
              "set every other field in plain text"
            : `set it in plain text (pulumi config set ${key} ` +
              `<value>${value !== null && typeof value === "object" ? ", or --path without --secret" : ""})`;
    return (
        `is a secret, but it is not a secret setting: its value would be shown in plans ` +
        `and exported in plain text; ${fix} (the value is not shown)`
    );
}

/**
 * `namespace:key` split (the runtime's older `namespace:config:key` form too); undefined without a namespace.
 */
function splitKey(fullKey: string): [string, string] | undefined {
    const i = fullKey.indexOf(":");
    if (i <= 0) return undefined;
    const ns = fullKey.slice(0, i);
    const rest = fullKey.slice(i + 1).replace(/^config:/, "");
    return [ns, rest];
}

/** Keys of other namespaces these programs read, that are never secrets (a plan shows them). */
const PLAIN_FOREIGN_KEYS = ["aws:region", "aws:allowedAccountIds"];

/** A problem for each of `PLAIN_FOREIGN_KEYS` that was set as a secret. */
function foreignSecretProblems(view: StackConfigView): ConfigProblem[] {
    return PLAIN_FOREIGN_KEYS.filter((k) => view.all[k] !== undefined && view.isSecret(k)).map((k) => ({
        key: k,
        message:
            `is a secret, but it is not a secret setting: the plan and the provider show it in ` +
            `plain text; set it without --secret (the value is not shown)`,
    }));
}

/**
 * Every string a secret key holds (the whole value, and each string inside a JSON one), so that
 * no message ever quotes one. Iterative, and only over values within the depth bound.
 */
function secretStrings(view: StackConfigView): Set<string> {
    const found = new Set<string>();
    for (const [k, raw] of Object.entries(view.all)) {
        if (!view.isSecret(k)) continue;
        found.add(raw);
        if (rawValueProblem(raw)) continue;
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            continue; // Not JSON: the raw string is the value.
        }
        const stack: unknown[] = [parsed];
        while (stack.length > 0) {
            const v = stack.pop();
            if (typeof v === "string") found.add(v);
            else if (Array.isArray(v)) stack.push(...v);
            else if (v && typeof v === "object") stack.push(...Object.values(v));
        }
    }
    return found;
}

/**
 * `aws:allowedAccountIds`, when set, is what stops a deploy into the wrong account (the AWS
 * provider refuses any other): a list of 12-digit account IDs, checked before anything is planned.
 */
function allowedAccountIdsProblem(all: Record<string, string>): ConfigProblem | undefined {
    const raw = all["aws:allowedAccountIds"];
    if (raw === undefined || raw === "") return undefined;
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        parsed = raw;
    }
    const bad = Array.isArray(parsed)
        ? parsed.findIndex((a) => typeof a !== "string" || !/^\d{12}$/.test(a))
        : -1;
    if (Array.isArray(parsed) && parsed.length > 0 && bad < 0) return undefined;
    // The entry that is wrong, shown (cut short), not just "a list".
    const got = !Array.isArray(parsed)
        ? describe(parsed)
        : parsed.length === 0
          ? "an empty list"
          : `entry ${bad + 1} of ${parsed.length}: ${describe(parsed[bad])}`;
    return {
        key: "aws:allowedAccountIds",
        message:
            `must be a list of 12-digit AWS account IDs as strings, ` +
            `such as ["111122223333"], got ${got}`,
    };
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
    const { values, problems, unread } = rawConfig(namespace, kinds, view, secretFields);
    const accounts = allowedAccountIdsProblem(view.all);
    const foreign = foreignSecretProblems(view);
    const secrets = secretStrings(view);
    try {
        return withHiddenValues(secrets, () =>
            parseOrThrow(
                schema,
                values,
                namespace,
                [],
                [...earlier, ...(accounts ? [accounts] : []), ...foreign, ...problems],
            ),
        );
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        // A value too big or too deep to read is reported once, not again as missing.
        const kept = e.problems.filter((p) => problems.includes(p) || !unread.has(p.key));
        throw new ConfigError(kept.map((p) => ({ key: p.key, message: hideValues(p.message, secrets) })));
    }
}

/** The AWS provider's region from `aws:region`, or a problem naming that key. */
export function awsRegion(all: Record<string, string> = runtimeConfig().all): string | ConfigProblem {
    const region = all["aws:region"];
    if (!region) {
        return {
            key: "aws:region",
            message:
                "is required: the AWS region of this stack, e.g. eu-west-1 " +
                "(pulumi config set aws:region eu-west-1)",
        };
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
            throw new (sdk().RunError)(`invalid configuration:\n${e.message}`);
        }
        throw e;
    }
}

/** Options whose Grafana token, read from config, must stay a secret in the program. */
export function withSecretGrafanaAuth<T extends { grafanaAuth?: pulumi.Input<string> }>(options: T): T {
    return options.grafanaAuth !== undefined
        ? { ...options, grafanaAuth: sdk().secret(options.grafanaAuth) }
        : options;
}

export { ConfigError };
