/**
 * The fleet: every stack file of the repository is a stack, and this command works on all of
 * them at once. Each command is one entry of FLEET_COMMANDS: its options (the parser and its
 * `--help` are made from them), its help and what it runs.
 *
 *   npm run fleet -- --help                              the commands
 *   npm run fleet -- <command> --help                    a command's options, defaults and exit codes
 *   npm run fleet -- list [--json]                       every source and workspace stack
 *   npm run fleet -- check every rule fleet synth applies to the stack files (exit 1)
 *   npm run fleet -- shards --max N [--base REF] [--json] the source stacks in at most N balanced shards
 *   npm run fleet -- affected --base REF [--json]        the stacks a change since REF touches
 *   npm run fleet -- synth --out DIR [--stacks a,b] [--base REF] [--examples include|exclude|only]
 *                                                      the offline plan of every stack (synth.ts)
 *   npm run fleet -- preview|up [--shard i/K | --workspaces | --stacks a,b] [--base REF]
 *                                [--concurrency C] [--retries R] [--summary FILE] [--plan-dir DIR]
 *                                [--refresh] [--expect-no-changes]
 *   npm run fleet -- destroy --base REF --plan-dir DIR [--preview]
 *                                                      the stacks whose files were removed since REF
                                                        (destroy.ts)
 *
 * With --plan-dir, preview saves each stack's update plan in DIR and up applies exactly those
 * plans (a stack without one fails): what a reviewer approved is what runs.
 *
 * Every command takes --org ORG (else PULUMI_ORG, else "organization", the local backend's) and
 * --root DIR (default: the current folder). All but preview and up are offline.
 * Exit codes: 0 done; 1 an inconsistency or a failed stack; 2 a bad command line.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandHelp, OptionTable, asksForHelp, helpText, parseOptions, plainText } from "../../cli/options";
import { UsageError } from "../../cli/options";
import { affectedStacks, changedFiles } from "./affected";
import {
    BASE_OPTION,
    COMMON_OPTIONS,
    FleetCommandSpec,
    FleetContext,
    FleetIo,
    USAGE_EXITS,
    names,
    whole,
} from "./command";
import { destroyCommand } from "./destroyCommand";
import { checkInventory } from "./check";
import { Inventory, organization, readInventory } from "./fleetInventory";
import { runCommand } from "./runCommands";
import { shardStacks } from "./shards";
import { stackFiles } from "../../../shared/stackFiles";

/** GitHub runs at most 256 jobs of one matrix. */
const MAX_MATRIX = 256;
/** `--json`. */
const JSON_OPTION = {
    json: { type: "boolean", help: "print JSON instead of text" },
} as const satisfies OptionTable;

const print = (io: FleetIo, json: unknown, v: Inventory) =>
    json
        ? io.out(`${JSON.stringify({ sources: names(v.sources), workspaces: names(v.workspaces) })}\n`)
        : io.out(
              `source stacks (${v.sources.length}):\n${listed(v.sources)}` +
                  `workspace stacks (${v.workspaces.length}):\n${listed(v.workspaces)}`,
          );
const listed = (stacks: readonly { name: string }[]) => stacks.map((s) => `  ${s.name}\n`).join("");
/** The commands of `npm run fleet`, in the order the help lists them. */
export const FLEET_COMMANDS: Record<string, FleetCommandSpec> = {
    list: {
        summary: "every source and workspace stack (offline)",
        options: JSON_OPTION,
        examples: [
            ["npm run fleet -- list", "every stack the stack files make, sources first"],
            ["npm run fleet -- list --json", "the same as JSON, for a script"],
        ],
        exitCodes: [[0, "listed"], [1, "a stack file cannot be read"], ...USAGE_EXITS],
        run: (ctx) => {
            print(ctx.io, ctx.values.json, ctx.all());
            return 0;
        },
    },
    check: {
        summary:
            "every rule fleet synth applies to the stack files, one line " +
            "each naming the file and the key (offline)",
        options: {},
        examples: [
            [
                "npm run fleet -- check",
                "every stack file checked as its program would check it, one line per problem",
            ],
        ],
        exitCodes: [[0, "consistent"], [1, "an inconsistency (listed on stderr)"], ...USAGE_EXITS],
        run: (ctx) => {
            const started = performance.now();
            const all = ctx.all();
            const problems = checkInventory(ctx.root, ctx.org);
            for (const p of problems) ctx.io.err(`${p}\n`);
            // What the check took (reading every stack file and applying every rule), per hundred
            // stacks too.
            const seconds = (performance.now() - started) / 1000;
            const roots = stackFiles(ctx.root).length;
            const stacks = all.sources.length + all.workspaces.length + roots;
            const per100 = stacks > 0 ? `, ${((seconds / stacks) * 100).toFixed(2)} s per 100 stacks` : "";
            const took = `checked in ${seconds.toFixed(2)} s${per100}`;
            if (problems.length === 0)
                ctx.io.out(
                    `fleet: ${all.sources.length} source stacks, ${all.workspaces.length} workspace ` +
                        `stacks${roots > 0 ? `, ${roots} root stacks` : ""}: consistent, by every rule ` +
                        `fleet synth applies to them (${took})\n`,
                );
            return problems.length === 0 ? 0 : 1;
        },
    },
    shards: {
        summary: "the source stacks in at most N balanced shards, for a CI matrix (offline)",
        options: {
            max: {
                type: "string",
                value: "N",
                required: true,
                help: `the most shards (1 to ${MAX_MATRIX}, GitHub's matrix limit)`,
            },
            ...BASE_OPTION,
            ...JSON_OPTION,
        },
        examples: [
            ["npm run fleet -- shards --max 20 --json", "the stacks in at most 20 groups, for a CI matrix"],
            [
                "npm run fleet -- shards --max 20 --base origin/main",
                "only the stacks a change since main touches",
            ],
        ],
        exitCodes: [[0, "printed"], ...USAGE_EXITS],
        run: (ctx) => {
            const max = whole("max", ctx.values.max as string, 1, 1);
            if (max > MAX_MATRIX)
                throw new UsageError(
                    `--max takes at most ${MAX_MATRIX} shards (GitHub runs at most ` +
                        `${MAX_MATRIX} jobs of a matrix), got ${max}`,
                );
            const shards = shardStacks(names(ctx.selected().sources), max);
            ctx.io.out(
                ctx.values.json
                    ? `${JSON.stringify(shards)}\n`
                    : shards.map((s, i) => `shard ${i + 1}/${shards.length}: ${s.join(" ")}\n`).join(""),
            );
            return 0;
        },
    },
    affected: {
        summary: "the stacks a change since REF touches (offline, reads git)",
        options: { base: { ...BASE_OPTION.base, required: true, default: undefined }, ...JSON_OPTION },
        examples: [
            ["npm run fleet -- affected --base origin/main", "the stacks the changes since main touch"],
            ["npm run fleet -- affected --base HEAD~1 --json", "those of the last commit, as JSON"],
        ],
        exitCodes: [[0, "printed"], ...USAGE_EXITS],
        run: (ctx) => {
            print(ctx.io, ctx.values.json, ctx.selected());
            return 0;
        },
    },
    preview: runCommand("preview"),
    up: runCommand("up"),
    destroy: destroyCommand,
};

function overview(): string {
    const width = Math.max(...Object.keys(FLEET_COMMANDS).map((c) => c.length));
    return [
        "usage: npm run fleet -- <command> [options]",
        "",
        "Works on every stack file of the repository at once: " +
            "infra-account-b/Pulumi.<stack>.yaml (sources), infra-account-a/Pulumi.<stack>.yaml " +
            "(workspaces).",
        "",
        "commands:",
        ...Object.entries(FLEET_COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
        `  ${"synth".padEnd(width)}  the offline plan of every stack, one JSON ` +
            `plan per stack in --out DIR (tools/ci/fleet/synth.ts)`,
        "",
        "npm run fleet -- <command> --help shows a command's options, their defaults and its exit codes.",
        "",
    ].join("\n");
}

function commandHelp(name: string, spec: FleetCommandSpec): CommandHelp {
    return {
        usage: `npm run fleet -- ${name}${spec.positionals ? ` ${spec.positionals}` : ""}`,
        summary: spec.summary,
        notes: spec.notes,
        examples: spec.examples,
        exitCodes: spec.exitCodes,
    };
}

/** The repository root `--root` names (default: the current folder): it must be an existing folder. */
function repositoryRoot(flag: string | undefined): string {
    const root = path.resolve(flag ?? process.cwd());
    const st = fs.statSync(root, { throwIfNoEntry: false });
    const named = flag === undefined ? `the current folder ${root}` : `--root ${flag}`;
    if (!st) throw new UsageError(`${named} does not exist`);
    if (!st.isDirectory()) throw new UsageError(`${named} is not a folder`);
    return root;
}

export async function fleet(argv: string[], io: FleetIo): Promise<number> {
    // synth (and the mock runtime, the Pulumi SDK) is loaded only for synth: the other commands start without
    // it.
    if (argv.includes("synth")) {
        const synth = require("./synth") as typeof import("./synth");
        if (synth.isSynthCommand(argv)) return synth.fleetSynth(argv, io);
    }
    try {
        const [command, ...rest] = argv;
        if (command === undefined || command === "--help" || command === "-h" || command === "help") {
            (command === undefined ? io.err : io.out)(overview());
            return command === undefined ? 2 : 0;
        }
        const spec = Object.prototype.hasOwnProperty.call(FLEET_COMMANDS, command)
            ? FLEET_COMMANDS[command]
            : undefined;
        if (!spec) {
            io.err(`fleet: unknown command ${JSON.stringify(plainTextOrCut(command))}\n${overview()}`);
            return 2;
        }
        const table: OptionTable = { ...spec.options, ...COMMON_OPTIONS };
        if (asksForHelp(rest)) {
            io.out(helpText(commandHelp(command, spec), table));
            return 0;
        }
        const { values, positionals } = parseOptions(rest, table);
        if (positionals.length > 0 && !spec.positionals)
            throw new UsageError(
                `${command} takes no arguments, got ` +
                    `${JSON.stringify(positionals[0].slice(0, 100))} (see fleet ${command} --help)`,
            );
        const root = repositoryRoot(values.root as string | undefined);
        const org = organization(values.org as string | undefined, io.env ?? process.env);
        let all: Inventory | undefined;
        let selected: Inventory | undefined;
        const ctx: FleetContext = {
            values,
            positionals,
            root,
            org,
            io,
            all: () => (all ??= readInventory(root, org)),
            selected: () =>
                (selected ??=
                    values.base !== undefined
                        ? affectedStacks(ctx.all(), changedFiles(root, values.base as string))
                        : ctx.all()),
        };
        return await spec.run(ctx);
    } catch (e) {
        io.err(`fleet: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
}

/** A command word as an error message may show it: control characters refused, long words cut. */
function plainTextOrCut(word: string): string {
    try {
        return plainText("the command", word).slice(0, 40);
    } catch {
        return "(a word with control characters)";
    }
}

/** The entry point's call, as every tool exports it: the command line, the two streams, the exit code. */
export function main(
    argv: string[],
    out: (t: string) => void = (t) => process.stdout.write(t),
    err: (t: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    return fleet(argv, { out, err });
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
