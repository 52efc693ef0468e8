/**
 * The fleet: every stack file of the repository is a stack, and this command works on all of
 * them at once.
 *
 *   npm run fleet -- list [--json]                       every source and workspace stack
 *   npm run fleet -- check                               every inconsistency of the stack files (exit 1)
 *   npm run fleet -- shards --max N [--base REF] [--json] the source stacks in at most N balanced shards
 *   npm run fleet -- affected --base REF [--json]        the stacks a change since REF touches
 *   npm run fleet -- synth --out DIR [--stacks a,b] [--base REF] [--examples include|exclude|only]
 *                                                      the offline plan of every stack (synth.ts)
 *   npm run fleet -- preview|up [--shard i/K | --workspaces | --stacks a,b] [--base REF]
 *                                [--concurrency C] [--retries R] [--summary FILE] [--plan-dir DIR]
 *                                [--refresh] [--expect-no-changes]
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
import { parseArgs } from "util";
import { affectedStacks, changedFiles } from "./affected";
import { automationRunner } from "./automation";
import { Inventory, StackEntry, checkInventory, organization, readInventory } from "./inventory";
import { FleetCommand, ProgressEvent, Runner, describeChanges, orchestrate, summaryTable } from "./orchestrate";
import { parseShard, shardStacks } from "./shards";
import { fleetSynth, isSynthCommand } from "./synth";

class UsageError extends Error {}

export interface FleetIo {
    out(text: string): void;
    err(text: string): void;
    /** The runner for preview and up (default: the Automation API). */
    runner?: Runner;
    env?: NodeJS.ProcessEnv;
}

/** GitHub runs at most 256 jobs of one matrix. */
const MAX_MATRIX = 256;

const USAGE = "usage: fleet list|check|shards|affected|synth|preview|up [options] (see tools/fleet/cli.ts)";

function parse(argv: string[]) {
    try {
        return parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                json: { type: "boolean" },
                org: { type: "string" },
                root: { type: "string" },
                max: { type: "string" },
                base: { type: "string" },
                shard: { type: "string" },
                stacks: { type: "string" },
                workspaces: { type: "boolean" },
                concurrency: { type: "string" },
                retries: { type: "string" },
                summary: { type: "string" },
                "plan-dir": { type: "string" },
                refresh: { type: "boolean" },
                "expect-no-changes": { type: "boolean" },
            },
        });
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
}

const names = (entries: readonly StackEntry[]) => entries.map((e) => e.name);
const whole = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} takes a whole number, at least ${min}, got "${text}"`);
    return n;
};

/** Which stacks a preview or up runs: the named ones, a shard of the sources, the workspaces, or all (sources first). */
function selection(inventory: Inventory, values: ReturnType<typeof parse>["values"]): Inventory {
    if (values.stacks !== undefined) {
        const wanted = values.stacks.split(",").map((s) => s.trim()).filter((s) => s !== "");
        const pick = (entries: StackEntry[]) => entries.filter((e) => wanted.includes(e.name) || wanted.includes(e.stack));
        const picked = { sources: pick(inventory.sources), workspaces: pick(inventory.workspaces) };
        const unknown = wanted.filter((w) => ![...picked.sources, ...picked.workspaces].some((e) => e.name === w || e.stack === w));
        if (unknown.length > 0) throw new UsageError(`--stacks names stacks with no stack file: ${unknown.join(", ")}`);
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
    return github ? `::group::${name}\n${body}::endgroup::\n` : `──── ${name} ────\n${body}──── end of ${name} ────\n`;
}

export async function fleet(argv: string[], io: FleetIo): Promise<number> {
    if (isSynthCommand(argv)) return fleetSynth(argv, io);
    try {
        const { values, positionals } = parse(argv);
        if (positionals.length !== 1) throw new UsageError(USAGE);
        const command = positionals[0];
        const root = path.resolve(values.root ?? process.cwd());
        const org = organization(values.org, io.env ?? process.env);
        const all = readInventory(root, org);
        const inventory = values.base !== undefined ? affectedStacks(all, changedFiles(root, values.base)) : all;
        const print = (v: Inventory) =>
            values.json
                ? io.out(`${JSON.stringify({ sources: names(v.sources), workspaces: names(v.workspaces) })}\n`)
                : io.out(`source stacks (${v.sources.length}):\n${v.sources.map((s) => `  ${s.name}\n`).join("")}workspace stacks (${v.workspaces.length}):\n${v.workspaces.map((s) => `  ${s.name}\n`).join("")}`);
        switch (command) {
            case "list":
                print(all);
                return 0;
            case "affected":
                if (values.base === undefined) throw new UsageError("affected needs --base REF (a commit, branch or tag)");
                print(inventory);
                return 0;
            case "check": {
                const problems = checkInventory(root, org);
                for (const p of problems) io.err(`${p}\n`);
                if (problems.length === 0) io.out(`fleet: ${all.sources.length} source stacks, ${all.workspaces.length} workspace stacks: consistent\n`);
                return problems.length === 0 ? 0 : 1;
            }
            case "shards": {
                if (values.max === undefined) throw new UsageError("shards needs --max N");
                const max = whole("max", values.max, 1, 1);
                if (max > MAX_MATRIX) throw new UsageError(`--max takes at most ${MAX_MATRIX} shards (GitHub runs at most ${MAX_MATRIX} jobs of a matrix), got ${max}`);
                const shards = shardStacks(names(inventory.sources), max);
                io.out(values.json ? `${JSON.stringify(shards)}\n` : shards.map((s, i) => `shard ${i + 1}/${shards.length}: ${s.join(" ")}\n`).join(""));
                return 0;
            }
            case "preview":
            case "up": {
                const chosen = selection(inventory, values);
                const runner = io.runner ?? automationRunner(root, values["plan-dir"]);
                const results = await orchestrate(command as FleetCommand, chosen, runner, {
                    concurrency: whole("concurrency", values.concurrency, 4, 1),
                    retries: whole("retries", values.retries, 2, 0),
                    progress: (e) => io.err(`${progressLine(e)}\n`),
                    output: (name, text) => io.err(outputBlock(name, text, (io.env ?? process.env).GITHUB_ACTIONS === "true")),
                    flags: { refresh: values.refresh, expectNoChanges: values["expect-no-changes"] },
                });
                const table = summaryTable(command as FleetCommand, results);
                io.out(`${table}\n`);
                if (values.summary) fs.appendFileSync(values.summary, `${table}\n`);
                return results.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0;
            }
            default:
                throw new UsageError(`unknown command "${command}"\n${USAGE}`);
        }
    } catch (e) {
        io.err(`fleet: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    fleet(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((code) => {
        process.exitCode = code;
    });
}
