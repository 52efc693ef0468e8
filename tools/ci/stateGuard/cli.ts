/**
 * `npm run state-guard`: before a credentialed job refreshes, previews or updates a stack, check
 * that every dynamic resource in its state carries provider code this repository reviewed (the
 * rules: state.ts; the accepted code: providers.ts). A difference is one line naming the stack and
 * the resource, and exit 1: the job stops before any of that code can run.
 *
 *   npm run state-guard -- [--shard i/K | --workspaces | --stacks a,b] [--org ORG] [--root DIR]
 *   npm run state-guard -- --state FILE...      (states exported with `pulumi stack export`)
 *   npm run state-guard -- --removed-since REF  (the stacks fleet destroy --base REF destroys)
 *
 * It reads states with `pulumi stack export` (which runs no provider code), so it needs the
 * Pulumi CLI and the backend's credentials, and only the stacks the same options select for
 * `npm run fleet -- preview|up`.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CommandHelp, OptionTable, UsageError, asksForHelp, helpText, parseOptions } from "../../cli/options";
import { selection } from "../fleet/runCommands";
import { Inventory, organization, readInventory } from "../fleet/fleetInventory";
import { acceptedCode, currentProviders, readRecordFile } from "./providers";
import { stateProblems } from "./state";

export const STATE_GUARD_OPTIONS = {
    shard: {
        type: "string",
        value: "i/K",
        help: "only shard i of K of the source stacks (as fleet shards --max K splits them)",
    },
    workspaces: { type: "boolean", help: "only the workspace stacks" },
    stacks: {
        type: "string",
        value: "a,b",
        help: "only these stacks (names or fully qualified, comma-separated)",
    },
    "removed-since": {
        type: "string",
        value: "REF",
        help:
            "only the stacks whose stack files were removed since REF, " +
            "before fleet destroy --base REF runs their code",
    },
    state: {
        type: "string",
        value: "FILE",
        multiple: true,
        help: "check this exported state (pulumi stack export) instead of the backend's",
    },
    org: {
        type: "string",
        value: "ORG",
        default: "$PULUMI_ORG, else organization, the local backend's",
        help: "the organisation stack names are qualified in",
    },
    root: {
        type: "string",
        value: "DIR",
        default: "the current folder",
        help: "the checkout whose code and stack files are checked against",
    },
} as const satisfies OptionTable;

export const STATE_GUARD_HELP: CommandHelp = {
    usage: "npm run state-guard --",
    summary:
        "Checks that every dynamic resource in the chosen stacks' state carries provider " +
        "code this repository reviewed, before anything runs it.",
    notes: [
        "Without --state, --shard, --workspaces or --stacks: every stack. Without --state it needs " +
            "the Pulumi CLI and the backend's credentials (pulumi stack export).",
    ],
    examples: [
        [
            "npm run state-guard -- --shard 3/20",
            "the source stacks of the third of 20 shards, as the deploy job checks them",
        ],
        ["npm run state-guard -- --state sales.json", "a state exported by pulumi stack export"],
        [
            "npm run state-guard -- --removed-since main~1",
            "the stacks whose files the last commit removed, before their destroy",
        ],
    ],
    exitCodes: [
        [0, "every dynamic resource carries reviewed code"],
        [
            1,
            "a resource does not (one line each, naming the stack and the " +
                "resource), or a state could not be read",
        ],
        [2, "a bad command line"],
    ],
};

/** Lines printed at most: a state made to produce millions of problems still ends in bounded output. */
const MAX_LINES = 50;
const MAX_STATE_BYTES = 1024 * 1024 * 1024;
const EXPORTS_AT_ONCE = 4;

/** One stack's state as `pulumi stack export` prints it (secrets stay encrypted: no --show-secrets). */
function exportState(root: string, folder: string, stack: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(
            "pulumi",
            ["stack", "export", "--stack", stack, "--non-interactive"],
            { cwd: path.join(root, folder), maxBuffer: MAX_STATE_BYTES, timeout: 600_000 },
            (e, stdout, stderr) => {
                if (e)
                    return reject(
                        new Error(
                            `cannot export its state: ${
                                (stderr || e.message)
                                    .trim()
                                    .split("\n")
                                    .find((l) => l.trim() !== "") ?? "pulumi stack export failed"
                            }`,
                        ),
                    );
                resolve(stdout);
            },
        );
    });
}

/**
 * The stacks `fleet destroy --base REF` destroys (fleet/destroy.ts): their project folders are still
 * there, so each state is exported as any other stack's is.
 */
function removedEntries(root: string, base: string, org: string): Inventory {
    const { removedStacks } = require("../fleet/destroy") as typeof import("../fleet/destroy");
    let removed;
    try {
        removed = removedStacks(root, base, org);
    } catch (e) {
        throw new UsageError(`--removed-since ${base}: ${(e as Error).message.trim().split("\n").pop()}`);
    }
    return {
        sources: removed.sources.map((r) => r.entry),
        workspaces: removed.workspaces.map((r) => r.entry),
    };
}

function parseState(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

export async function main(
    argv: string[],
    out: (t: string) => void = (t) => process.stdout.write(t),
    err: (t: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    let values;
    try {
        if (asksForHelp(argv)) {
            out(helpText(STATE_GUARD_HELP, STATE_GUARD_OPTIONS));
            return 0;
        }
        const parsed = parseOptions(argv, STATE_GUARD_OPTIONS);
        if (parsed.positionals.length > 0)
            throw new UsageError(
                `state-guard takes no arguments, got ${JSON.stringify(parsed.positionals[0].slice(0, 100))}`,
            );
        values = parsed.values;
        if (values.state && (values.shard || values.workspaces || values.stacks))
            throw new UsageError(
                "--state checks the given files: it takes no --shard, --workspaces or --stacks",
            );
        if (
            values["removed-since"] !== undefined &&
            (values.state || values.shard || values.workspaces || values.stacks)
        )
            throw new UsageError(
                "--removed-since checks the removed stacks: it takes no " +
                    "--state, --shard, --workspaces or --stacks",
            );
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        err(`state-guard: ${e.message}\n`);
        return 2;
    }
    const root = path.resolve(values.root ?? process.cwd());
    const lines: string[] = [];
    let checked = 0;
    try {
        const org = organization(values.org);
        const chosen = values.state
            ? undefined
            : values["removed-since"] !== undefined
              ? removedEntries(root, values["removed-since"], org)
              : selection(readInventory(root, org), values);
        const accepted = acceptedCode(await currentProviders(root), readRecordFile(root));
        const check = (name: string, text: string) => {
            checked++;
            const state = parseState(text);
            lines.push(...stateProblems(state, accepted, name));
        };
        if (chosen === undefined) {
            for (const file of values.state ?? []) check(file, fs.readFileSync(file, "utf8"));
        } else {
            // Four exports at a time, as the fleet runs stacks; each state is checked as soon as it is read.
            const entries = [...chosen.sources, ...chosen.workspaces];
            let next = 0;
            const worker = async () => {
                for (let i = next++; i < entries.length; i = next++) {
                    const entry = entries[i];
                    try {
                        check(entry.name, await exportState(root, entry.folder, entry.name));
                    } catch (e) {
                        lines.push(`${entry.name}: ${(e as Error).message}`);
                    }
                }
            };
            await Promise.all(Array.from({ length: Math.min(EXPORTS_AT_ONCE, entries.length) }, worker));
        }
    } catch (e) {
        err(`state-guard: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
    if (lines.length > 0) {
        err(
            lines
                .slice(0, MAX_LINES)
                .map((l) => `state-guard: ${l}\n`)
                .join(""),
        );
        if (lines.length > MAX_LINES) err(`state-guard: and ${lines.length - MAX_LINES} more\n`);
        err(
            "state-guard: stopped before any of this code could run: the state was written by " +
                'something other than a reviewed deploy (docs/ci.md, "The state guard")\n',
        );
        return 1;
    }
    out(`state-guard: ${checked} stacks: every dynamic resource carries reviewed provider code\n`);
    return 0;
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
