/**
 * Config problems: collected all at once, reported one line each, naming the full key.
 */
import { z } from "zod";
import { UNKNOWN_SETTING } from "./rules";

export interface ConfigProblem {
    /** Full key: `namespace:path.to.key`, e.g. `grafana-athena-source:workgroup.name`. */
    key: string;
    /** What is wrong and what is expected. */
    message: string;
}

/**
 * A user's config mistake. Its message is the list of problems, one per line; programs turn it
 * into a `pulumi.RunError` so that the user sees the lines and no stack trace.
 */
export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(problems.map(formatProblem).join("\n"));
        this.name = "ConfigError";
    }
}

export function formatProblem(p: ConfigProblem): string {
    return `${p.key}: ${p.message}`;
}

/** `["workgroup", "name"]` under `grafana-athena-source` -> `grafana-athena-source:workgroup.name`. */
function keyOf(namespace: string, path: readonly PropertyKey[]): string {
    let out = "";
    for (const part of path) {
        if (typeof part === "number") out += `[${part}]`;
        else out += out ? `.${String(part)}` : String(part);
    }
    return `${namespace}:${out}`;
}

/** Zod issues as config problems. Unknown keys are reported one by one, as typos usually are. */
function problemsFromZod(
    namespace: string,
    error: z.ZodError,
    prefix: readonly PropertyKey[] = [],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    // A value of the wrong type is said once: zod still runs a list's length check on a text
    // (`dashboardFiles: x.json` would also be "lists 6 files").
    const wrongType = new Set<string>();
    for (const issue of error.issues) {
        const path = [...prefix, ...issue.path];
        const at = JSON.stringify(path.map(String));
        if (wrongType.has(at)) continue;
        if (issue.code === "invalid_type") wrongType.add(at);
        if (issue.code === "unrecognized_keys") {
            for (const k of issue.keys) {
                problems.push({
                    key: keyOf(namespace, [...path, k]),
                    message: UNKNOWN_SETTING,
                });
            }
        } else {
            problems.push({ key: keyOf(namespace, path), message: issue.message });
        }
    }
    return problems;
}

/** Parses `input` with `schema`, returning the value or throwing a ConfigError with every problem. */
export function parseOrThrow<T extends z.ZodTypeAny>(
    schema: T,
    input: unknown,
    namespace: string,
    prefix: readonly PropertyKey[] = [],
    earlier: readonly ConfigProblem[] = [],
): z.output<T> {
    const result = schema.safeParse(input);
    const problems = [
        ...earlier,
        ...(result.success ? [] : problemsFromZod(namespace, result.error, prefix)),
    ];
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return result.data as z.output<T>;
}
