/**
 * The fleet: every stack file of the repository is a stack, and this command works on all of
 * them at once. Each command is one entry of FLEET_COMMANDS: its options (the parser and its
 * `--help` are made from them), its help and what it runs.
 *
 *   npm run fleet -- --help                              the commands
 *   npm run fleet -- <command> --help                    a command's options, defaults and exit codes
 *   npm run fleet -- list [--json]                       every source and workspace stack
 *   npm run fleet -- check                               every rule fleet synth applies to the stack files (exit 1)
 *   npm run fleet -- shards --max N [--base REF] [--json] the source stacks in at most N balanced shards
 *   npm run fleet -- affected --base REF [--json]        the stacks a change since REF touches
 *   npm run fleet -- synth --out DIR [--stacks a,b] [--base REF] [--examples include|exclude|only]
 *                                                      the offline plan of every stack (synth.ts)
 *   npm run fleet -- preview|up [--shard i/K | --workspaces | --stacks a,b] [--base REF]
 *                                [--concurrency C] [--retries R] [--summary FILE] [--plan-dir DIR]
 *                                [--refresh] [--expect-no-changes]
 *   npm run fleet -- destroy --base REF --plan-dir DIR [--preview]
 *                                                      the stacks whose files were removed since REF (destroy.ts)
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
import {
    CommandHelp,
    OptionTable,
    OptionValues,
    UsageError,
    asksForHelp,
    helpText,
    parseOptions,
    plainText,
} from "../../cli/options";
import { SOURCE_PROJECT } from "../../../shared/inventory";
import { affectedStacks, changedFiles } from "./affected";
import { Inventory, StackEntry, checkInventory, organization, readInventory } from "./fleetInventory";
import {
    FleetCommand,
    ProgressEvent,
    Runner,
    describeChanges,
    orchestrate,
    summaryTable,
} from "./orchestrate";
import { parseShard, shardStacks } from "./shards";

export interface FleetIo {
    out(text: string): void;
    err(text: string): void;
    /** The runner for preview and up (default: the Automation API). */
    runner?: Runner;
    env?: NodeJS.ProcessEnv;
}

/** GitHub runs at most 256 jobs of one matrix. */
const MAX_MATRIX = 256;

/** Options every command takes. */
export const COMMON_OPTIONS = {
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
        help: "the checkout of this repository whose stack files are the fleet",
    },
} as const satisfies OptionTable;

/** `--base REF`: only what a change since REF touches. */
export const BASE_OPTION = {
    base: {
        type: "string",
        value: "REF",
        default: "every stack",
        help: "only the stacks a change since REF (a commit, branch or tag) touches",
    },
} as const satisfies OptionTable;

/** `--json`. */
const JSON_OPTION = {
    json: { type: "boolean", help: "print JSON instead of text" },
} as const satisfies OptionTable;

/** What a command is given: the parsed options and the fleet they apply to. */
export interface FleetContext {
    /** The options of the command's table (and COMMON_OPTIONS), as parsed. */
    values: Record<string, string | boolean | string[] | undefined>;
    positionals: string[];
    /** The repository root (checked: an existing folder). */
    root: string;
    org: string;
    io: FleetIo;
    /** Every stack of the repository (read on first use, once). */
    all(): Inventory;
    /** The stacks `--base` selects (all without it). */
    selected(): Inventory;
}

/** One command of `npm run fleet`: add an entry to FLEET_COMMANDS to add a command (and its --help). */
export interface FleetCommandSpec {
    /** One line, for the list of commands. */
    summary: string;
    /** Its own options; COMMON_OPTIONS and --help are added. */
    options: OptionTable;
    /** Positional arguments after the command, as the usage line shows them (default: none). */
    positionals?: string;
    notes?: string[];
    /** Command lines that show it at work (`--help` prints them). */
    examples: [string, string][];
    exitCodes: [number, string][];
    run(ctx: FleetContext): Promise<number> | number;
}

const USAGE_EXITS: [number, string][] = [
    [
        2,
        "a bad command line (an unknown option, a missing or bad value, a missing --root, an unknown --base)",
    ],
];

const names = (entries: readonly StackEntry[]) => entries.map((e) => e.name);
const whole = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
        throw new UsageError(`--${flag} takes a whole number, at least ${min}, got "${text}"`);
    return n;
};

/** Which stacks a preview or up runs: the named ones, a shard of the sources, the workspaces, or all (sources first). */
export function selection(
    inventory: Inventory,
    values: { stacks?: string; shard?: string; workspaces?: boolean },
): Inventory {
    if (values.stacks !== undefined) {
        const wanted = values.stacks
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "");
        const pick = (entries: StackEntry[]) =>
            entries.filter((e) => wanted.includes(e.name) || wanted.includes(e.stack));
        const picked = { sources: pick(inventory.sources), workspaces: pick(inventory.workspaces) };
        const unknown = wanted.filter(
            (w) => ![...picked.sources, ...picked.workspaces].some((e) => e.name === w || e.stack === w),
        );
        if (unknown.length > 0)
            throw new UsageError(
                `--stacks names stacks with no stack file: ${unknown
                    .slice(0, 5)
                    .map((u) => u.slice(0, 100))
                    .join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}`,
            );
        return picked;
    }
    if (values.shard !== undefined) {
        let shard;
        try {
            shard = parseShard(values.shard);
        } catch (e) {
            throw new UsageError((e as Error).message);
        }
        const shards = shardStacks(names(inventory.sources), shard.count);
        const mine = new Set(shards[shard.index - 1] ?? []);
        return { sources: inventory.sources.filter((s) => mine.has(s.name)), workspaces: [] };
    }
    if (values.workspaces) return { sources: [], workspaces: inventory.workspaces };
    return inventory;
}

function progressLine(event: ProgressEvent): string {
    switch (event.kind) {
        case "start":
            return `▶ ${event.name}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`;
        case "retry":
            return `↻ ${event.name}: ${event.error}; again in ${Math.round(event.waitMs / 1000)} s`;
        case "done": {
            const r = event.result;
            return `${r.status === "failed" ? "✖" : r.status === "skipped" ? "–" : "✔"} ${r.name}: ${r.status}${r.status === "changed" ? ` (${describeChanges(r.changes)})` : ""}${r.error ? `: ${r.error}` : ""}`;
        }
    }
}

/** A stack's output as one block of the log: a collapsed group on GitHub Actions, between rules elsewhere. */
export function outputBlock(name: string, text: string, github: boolean): string {
    const body = text.endsWith("\n") ? text : `${text}\n`;
    return github
        ? `::group::${name}\n${body}::endgroup::\n`
        : `──── ${name} ────\n${body}──── end of ${name} ────\n`;
}

const print = (io: FleetIo, json: unknown, v: Inventory) =>
    json
        ? io.out(`${JSON.stringify({ sources: names(v.sources), workspaces: names(v.workspaces) })}\n`)
        : io.out(
              `source stacks (${v.sources.length}):\n${v.sources.map((s) => `  ${s.name}\n`).join("")}workspace stacks (${v.workspaces.length}):\n${v.workspaces.map((s) => `  ${s.name}\n`).join("")}`,
          );

const RUN_OPTIONS = {
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
    ...BASE_OPTION,
    concurrency: { type: "string", value: "C", default: "4", help: "stacks run at the same time" },
    retries: {
        type: "string",
        value: "R",
        default: "2",
        help: "retries of a stack whose run failed for a transient reason",
    },
    summary: {
        type: "string",
        value: "FILE",
        help: "also append the summary table to FILE (e.g. $GITHUB_STEP_SUMMARY)",
    },
    "plan-dir": {
        type: "string",
        value: "DIR",
        help: "preview saves each stack's update plan in DIR; up applies exactly those plans",
    },
    refresh: { type: "boolean", help: "refresh each stack's state from the cloud first" },
    "expect-no-changes": { type: "boolean", help: "fail a stack whose run would change anything" },
    "account-role": {
        type: "string",
        value: "NAME",
        default: "$FLEET_ACCOUNT_ROLE, else none",
        help: "run each source stack with the role NAME of its own account (its aws:allowedAccountIds), by the job's GitHub OIDC token: the bootstrap's grafana-athena-ci-plan or grafana-athena-ci-deploy",
    },
} as const satisfies OptionTable;

/**
 * The environment of each source stack under `--account-role NAME` (accountRole.ts), or undefined
 * without it. Workspace stacks keep the job's credentials: the Grafana account's roles are not the
 * bootstrap's.
 */
function accountRoleOption(root: string, roleName: string | undefined, env: NodeJS.ProcessEnv) {
    if (roleName === undefined) return undefined;
    const { ROLE_NAME, accountRoleEnv, tokenFolder } =
        require("./accountRole") as typeof import("./accountRole");
    if (!ROLE_NAME.test(roleName))
        throw new UsageError(
            `--account-role takes an IAM role name (letters, digits and +=,.@_-, at most 64), got ${JSON.stringify(roleName.slice(0, 70))}`,
        );
    let folder: string | undefined;
    return async (entry: StackEntry) =>
        entry.project === SOURCE_PROJECT
            ? accountRoleEnv(root, entry, roleName, (folder ??= tokenFolder(env)), env)
            : undefined;
}

function runCommand(command: FleetCommand): FleetCommandSpec {
    return {
        summary:
            command === "preview"
                ? "pulumi preview of the chosen stacks, sources first, in parallel"
                : "pulumi up of the chosen stacks, sources first, in parallel",
        options: RUN_OPTIONS,
        notes: [
            "Without --shard, --workspaces or --stacks: every stack (or every stack --base selects). Needs the Pulumi CLI and cloud credentials.",
        ],
        examples: [
            [
                `npm run fleet -- ${command} --stacks sales,finance`,
                `pulumi ${command} of two source stacks (and nothing else)`,
            ],
            [
                `npm run fleet -- ${command} --shard 3/20 --concurrency 4`,
                `the third of 20 shards of the source stacks, four stacks at a time`,
            ],
        ],
        exitCodes: [[0, "every stack ran"], [1, "a stack failed or was skipped"], ...USAGE_EXITS],
        run: async (ctx) => {
            const values = ctx.values as OptionValues<typeof RUN_OPTIONS>;
            const chosen = selection(ctx.selected(), values);
            // The Automation API (the Pulumi SDK) only for preview and up: check, list, affected and shards start without it.
            const env = ctx.io.env ?? process.env;
            const stackEnv = accountRoleOption(
                ctx.root,
                values["account-role"] ?? (env.FLEET_ACCOUNT_ROLE || undefined),
                env,
            );
            const runner =
                ctx.io.runner ??
                (require("./automation") as typeof import("./automation")).automationRunner(
                    ctx.root,
                    values["plan-dir"],
                    stackEnv,
                );
            const results = await orchestrate(command, chosen, runner, {
                concurrency: whole("concurrency", values.concurrency, 4, 1),
                retries: whole("retries", values.retries, 2, 0),
                progress: (e) => ctx.io.err(`${progressLine(e)}\n`),
                output: (name, text) => ctx.io.err(outputBlock(name, text, env.GITHUB_ACTIONS === "true")),
                flags: { refresh: values.refresh, expectNoChanges: values["expect-no-changes"] },
            });
            const table = summaryTable(command, results);
            ctx.io.out(`${table}\n`);
            if (values.summary) fs.appendFileSync(values.summary, `${table}\n`);
            return results.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0;
        },
    };
}

const DESTROY_OPTIONS = {
    base: {
        type: "string",
        value: "REF",
        required: true,
        help: "the commit (branch, tag) whose stack files were removed since: their stacks are destroyed",
    },
    preview: {
        type: "boolean",
        help: "only plan: save each removed stack's destroy plan in --plan-dir (the reviewed plan)",
    },
    "plan-dir": {
        type: "string",
        value: "DIR",
        required: true,
        help: "where --preview saves each destroy plan, and where the destroy reads it (a stack without one fails)",
    },
    concurrency: RUN_OPTIONS.concurrency,
    retries: RUN_OPTIONS.retries,
    summary: RUN_OPTIONS.summary,
} as const satisfies OptionTable;

/** `fleet destroy`: the stacks whose files were removed since --base (tools/fleet/destroy.ts), workspaces first. */
const destroyCommand: FleetCommandSpec = {
    summary:
        "plan (--preview) or apply the destroy of the stacks whose stack files were removed since REF, workspaces before sources",
    options: DESTROY_OPTIONS,
    notes: [
        "A source stack still listed in a workspace stack file's sources, or whose workspaces failed, is not destroyed. Needs the Pulumi CLI and cloud credentials.",
        "The destroy applies exactly the plans --preview saved (pulumi up --plan of an empty program): nothing else is deleted, and retained resources stay.",
    ],
    examples: [
        [
            "npm run fleet -- destroy --base main~1 --preview --plan-dir plans/destroy",
            "save the destroy plan of each stack whose file the last commit removed",
        ],
        [
            "npm run fleet -- destroy --base main~1 --plan-dir plans/destroy",
            "apply exactly those plans: workspaces first, then sources",
        ],
    ],
    exitCodes: [
        [0, "every removed stack planned or destroyed, or none was removed"],
        [1, "a stack failed, was held or skipped"],
        ...USAGE_EXITS,
    ],
    run: async (ctx) => {
        const values = ctx.values as OptionValues<typeof DESTROY_OPTIONS>;
        const { removedStacks, stillCharted } = require("./destroy") as typeof import("./destroy");
        const removed = removedStacks(ctx.root, values.base!, ctx.org);
        const all = [...removed.workspaces, ...removed.sources];
        const title = values.preview ? "fleet destroy --preview" : "fleet destroy";
        if (all.length === 0) {
            ctx.io.out(`${title}: no stack file was removed since ${values.base}: nothing to destroy\n`);
            return 0;
        }
        const runner =
            ctx.io.runner ??
            (require("./automation") as typeof import("./automation")).destroyRunner(
                ctx.root,
                new Map(all.map((r) => [r.entry.name, r])),
                values["plan-dir"]!,
            );
        const env = ctx.io.env ?? process.env;
        const results = await orchestrate(
            values.preview ? "preview" : "up",
            {
                sources: removed.sources.map((r) => r.entry),
                workspaces: removed.workspaces.map((r) => r.entry),
            },
            runner,
            {
                concurrency: whole("concurrency", values.concurrency, 4, 1),
                retries: whole("retries", values.retries, 2, 0),
                progress: (e) => ctx.io.err(`${progressLine(e)}\n`),
                output: (name, text) => ctx.io.err(outputBlock(name, text, env.GITHUB_ACTIONS === "true")),
                order: "workspaces-first",
                held: stillCharted(removed.sources, ctx.all(), ctx.root),
            },
        );
        const table = summaryTable(values.preview ? "preview" : "up", results, title);
        ctx.io.out(`${table}\n`);
        if (values.summary) fs.appendFileSync(values.summary, `${table}\n`);
        return results.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0;
    },
};

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
            "every rule fleet synth applies to the stack files, one line each naming the file and the key (offline)",
        options: {},
        examples: [
            [
                "npm run fleet -- check",
                "every stack file checked as its program would check it, one line per problem",
            ],
        ],
        exitCodes: [[0, "consistent"], [1, "an inconsistency (listed on stderr)"], ...USAGE_EXITS],
        run: (ctx) => {
            const all = ctx.all();
            const problems = checkInventory(ctx.root, ctx.org);
            for (const p of problems) ctx.io.err(`${p}\n`);
            if (problems.length === 0)
                ctx.io.out(
                    `fleet: ${all.sources.length} source stacks, ${all.workspaces.length} workspace stacks: consistent, by every rule fleet synth applies to them\n`,
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
                    `--max takes at most ${MAX_MATRIX} shards (GitHub runs at most ${MAX_MATRIX} jobs of a matrix), got ${max}`,
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
        "Works on every stack file of the repository at once: infra-account-b/Pulumi.<stack>.yaml (sources), infra-account-a/Pulumi.<stack>.yaml (workspaces).",
        "",
        "commands:",
        ...Object.entries(FLEET_COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
        `  ${"synth".padEnd(width)}  the offline plan of every stack, one JSON plan per stack in --out DIR (tools/ci/fleet/synth.ts)`,
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
    // synth (and the mock runtime, the Pulumi SDK) is loaded only for synth: the other commands start without it.
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
                `${command} takes no arguments, got ${JSON.stringify(positionals[0].slice(0, 100))} (see fleet ${command} --help)`,
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
