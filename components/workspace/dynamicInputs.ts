/**
 * What the dynamic providers of this folder (the health check, the plugin installation) need to
 * read their inputs. Like grafanaHttp.ts it imports nothing: the closure serializer captures it
 * by value into each provider (see dataSourceHealthCheck.ts), where `@pulumi/pulumi` is not there.
 * Checked against @pulumi/pulumi 3.276.0.
 */

/** Pulumi's wire value for "unknown during preview" (runtime/rpc unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pulumi's wire signature of a secret value (runtime/rpc specialSigKey / specialSecretSig). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * A dynamic provider declares acceptSecrets=false, so the engine sends a secret input as a plain
 * string; a secret envelope is unwrapped anyway in case one gets through (as it does under mocks).
 */
export function plainToken(value: unknown): string {
    if (
        value &&
        typeof value === "object" &&
        (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
    ) {
        return String((value as { value?: unknown }).value ?? "");
    }
    return typeof value === "string" ? value : "";
}

/**
 * Shape checks of a dynamic provider's `check`: each named input a non-empty string, unknown values skipped.
 */
export function requiredStrings(
    news: Record<string, unknown>,
    keys: readonly string[],
    secretKeys: readonly string[] = [],
): { property: string; reason: string }[] {
    const failures: { property: string; reason: string }[] = [];
    for (const key of keys) {
        const raw = news[key];
        if (raw === UNKNOWN) continue;
        const value: unknown = secretKeys.includes(key) ? plainToken(raw) : raw;
        if (typeof value !== "string" || value.trim() === "")
            failures.push({ property: key, reason: `${key} must be a non-empty string` });
    }
    return failures;
}
