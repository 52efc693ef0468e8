/**
 * The package's AthenaWorkspace arguments, checked as the workspace project checks its stack
 * config: the shared keys by the same rules, and each source a stack or a contract of the same
 * program. Every problem at once, one line each naming the argument.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SourceContractInputs, PUBLIC_OUTPUTS } from "../shared/contract";
import { ConfigError, ConfigProblem, parseOrThrow } from "../shared/config/problems";
import * as r from "../shared/config/rules";
import { sourceRef, workspaceCommonShape, workspaceCrossChecks } from "../shared/config/workspace";
import type { WorkspaceSource } from "../components/workspace/athenaWorkspace";
import { plainArgs, safe, secretPlaceholders } from "./arguments";
import type { AthenaWorkspaceArgs, Source, SourceContract } from "./workspaceArgs";

/** The workspace keys the package shares with the projects, with the same rules and cross-checks. */
const workspaceCommon = z
    .object(workspaceCommonShape)
    .strict()
    .superRefine(workspaceCrossChecks, r.onAnyObject);

/** A source of the same program: a stable key, and the other per-source settings of a stack source. */
const contractSource = z
    .object(
        {
            key: r.displayName("a stable key of the source"),
            name: sourceRef.shape.name,
            panels: sourceRef.shape.panels,
        },
        { error: r.objectOf("{key, contract, name?, panels?}") },
    )
    .strict();

type ResolvedSource = Omit<WorkspaceSource, "outputs"> & { outputs?: SourceContractInputs };

/**
 * The workspace arguments, checked: the shared keys as the projects check them (with the token's
 * value kept out of it), and each source either a stack (the project's `sources[]` rule) or a key
 * with a contract. Throws ConfigError with every problem.
 */
export function workspaceArguments(args: AthenaWorkspaceArgs): {
    options: z.output<typeof workspaceCommon>;
    sources: ResolvedSource[];
} {
    const ns = "AthenaWorkspace";
    const { sources, grafanaAuth, contactPointSecrets, ...rest } = args as AthenaWorkspaceArgs &
        Record<string, unknown>;
    const plain = plainArgs(rest, []);
    const problems: ConfigProblem[] = [];
    // The token may be an Output (a secret): only whether it is there counts here. So may the
    // contact points' secrets: then the component checks their names once they are known.
    const secrets = pulumi.Output.isInstance(contactPointSecrets)
        ? secretPlaceholders(plain.contactPoints)
        : contactPointSecrets;
    const parsed = {
        ...plain,
        grafanaAuth: grafanaAuth === undefined ? undefined : "[secret]",
        contactPointSecrets: secrets,
    };
    const options = safe(problems, () => parseOrThrow(workspaceCommon, parsed, ns));
    if (pulumi.Output.isInstance(sources)) {
        problems.push({
            key: `${ns}:sources`,
            message:
                "must be a list written in the program (its contracts may be outputs, the list itself not)",
        });
    } else if (!Array.isArray(sources) || sources.length === 0) {
        problems.push({
            key: `${ns}:sources`,
            message:
                "must list at least one source: {stack} for a source stack, or " +
                "{key, contract} for a source of this program",
        });
    }
    const resolved: ResolvedSource[] = [];
    /** The index in `sources` of each resolved source, for messages. */
    const indices: number[] = [];
    (Array.isArray(sources) ? sources : []).forEach((s, i) => {
        const { contract, ...settings } = (s ?? {}) as Source;
        const at: (string | number)[] = ["sources", i];
        if (contract === undefined) {
            const ref = safe(problems, () =>
                parseOrThrow(sourceRef, plainArgs(settings as Record<string, unknown>, at), ns, at),
            );
            if (ref) {
                indices.push(i);
                resolved.push({ key: ref.stack, name: ref.name, panels: ref.panels });
            }
            return;
        }
        if (settings.stack !== undefined) {
            problems.push({
                key: `${ns}:sources[${i}].stack`,
                message:
                    "must not be given with contract: a source is a stack or " +
                    "a source of this program, not both",
            });
            return;
        }
        const own = safe(problems, () =>
            parseOrThrow(contractSource, plainArgs(settings as Record<string, unknown>, at), ns, at),
        );
        if (own) {
            indices.push(i);
            resolved.push({
                key: own.key,
                name: own.name,
                panels: own.panels,
                outputs: contractInputs(contract),
            });
        }
    });
    const keys = resolved.map((s) => s.key);
    keys.forEach((k, i) => {
        if (keys.indexOf(k) !== i)
            problems.push({
                key: `${ns}:sources[${indices[i]}]`,
                message: `repeats the source ${JSON.stringify(k)}: each source once`,
            });
    });
    if (problems.length > 0 || !options) throw new ConfigError(problems);
    return { options, sources: resolved };
}

/**
 * A contract given as Inputs, split as the component reads it: the public outputs in one value, the external
 * ID apart and secret.
 */
function contractInputs(contract: SourceContract): SourceContractInputs {
    const all = pulumi.output(contract);
    return {
        public: pulumi.unsecret(
            all.apply((c) =>
                Object.fromEntries(PUBLIC_OUTPUTS.map((n) => [n, (c as Record<string, unknown>)[n]])),
            ),
        ),
        externalId: pulumi.secret(all.apply((c) => c.externalId)),
    };
}
