/**
 * How the package's components check their arguments: every problem at once, one line each naming
 * the argument, as one refusal of the component; settings that decide which resources exist must
 * be plain values, known when the program runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ConfigProblem, formatProblem } from "../shared/config/problems";
import { ResourceRefusal } from "../shared/resourceRefusal";

/** Runs `body`, adding the problems of a ConfigError it throws to `problems` (undefined then). */
export function safe<T>(problems: ConfigProblem[], body: () => T): T | undefined {
    try {
        return body();
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(...e.problems);
        return undefined;
    }
}

/**
 * `value` when it holds no Output: these settings decide which resources exist, so they must be
 * known when the program runs (a value from another resource is not). Refused naming the key.
 */
export function plainArgs(
    value: Record<string, unknown>,
    at: readonly (string | number)[],
): Record<string, unknown> {
    const where = (path: readonly (string | number)[]) =>
        path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
    const visit = (v: unknown, path: (string | number)[]): void => {
        if (pulumi.Output.isInstance(v)) {
            throw new ConfigError([
                {
                    key: `${where(path)}`,
                    message:
                        "must be a plain value known when the program runs, not " +
                        "the output of another resource",
                },
            ]);
        }
        if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
        else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
    };
    visit(value, [...at]);
    return value;
}

/**
 * Runs the argument checks of `component`: every problem, one line each naming the argument, as
 * one refusal of the component (no stack trace, nothing created).
 */
export function refuseInvalid<T>(resource: pulumi.Resource, component: string, body: () => T): T {
    try {
        return body();
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const lines = e.problems.map((p) =>
            formatProblem({
                key: p.key.startsWith(`${component}:`) ? p.key : `${component}:${p.key}`,
                message: p.message,
            }),
        );
        throw new ResourceRefusal(`invalid arguments:\n${lines.join("\n")}`, resource);
    }
}

/** A stand-in secret for each contact point that needs one, while the real ones are an Output. */
export function secretPlaceholders(contactPoints: unknown): Record<string, string> {
    const list = Array.isArray(contactPoints) ? (contactPoints as { name?: unknown; type?: unknown }[]) : [];
    return Object.fromEntries(
        list
            .filter((c) => c?.type === "slack" || c?.type === "pagerduty")
            .map((c) => [String(c.name), "[secret]"]),
    );
}
