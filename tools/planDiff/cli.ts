/**
 * The plan diff's command line: compares two folders of offline plans (`npm run synth` output)
 * and writes the pull-request comment and, with --full, the whole diff for the job summary.
 *
 *   npm run plan-diff -- <base-dir> <head-dir> [--out FILE] [--full FILE]
 *       [--base-label TEXT] [--head-label TEXT] [--note TEXT]... [--failed TEXT]
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as parseCommandLine } from "util";
import { UNTRUSTED_LIMITS, readPlanDir } from "./load";
import { RenderOptions, failureMarkdown, fitBlocks, renderBlocks, renderComment } from "./markdown";
import { diffPlanSets } from "./stacks";

interface CliArgs {
    baseDir: string;
    headDir: string;
    out?: string;
    full?: string;
    baseLabel?: string;
    headLabel?: string;
    notes: string[];
    failed?: string;
    /** The head plans are a pull request's upload: data to check, from code that did not run here. */
    fromPullRequest: boolean;
}

const USAGE =
    "usage: planDiff <base-dir> <head-dir> [--out FILE] [--full FILE] [--base-label TEXT] [--head-label TEXT] [--note TEXT]... [--failed TEXT] [--from-pull-request]";

class UsageError extends Error {}

function parseCli(argv: string[]): CliArgs {
    let parsed;
    try {
        parsed = parseCommandLine({
            args: argv,
            allowPositionals: true,
            options: {
                out: { type: "string" },
                full: { type: "string" },
                "base-label": { type: "string" },
                "head-label": { type: "string" },
                note: { type: "string", multiple: true },
                failed: { type: "string" },
                "from-pull-request": { type: "boolean" },
            },
        });
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 2) throw new UsageError(USAGE);
    return {
        baseDir: positionals[0],
        headDir: positionals[1],
        out: values.out,
        full: values.full,
        baseLabel: values["base-label"],
        headLabel: values["head-label"],
        notes: values.note ?? [],
        failed: values.failed,
        fromPullRequest: values["from-pull-request"] ?? false,
    };
}

function write(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
}

function main(argv: string[]): number {
    try {
        const args = parseCli(argv);
        const options: RenderOptions = { baseLabel: args.baseLabel, headLabel: args.headLabel, notes: [...args.notes] };
        let comment: string;
        let full: string;
        if (args.failed !== undefined) {
            comment = full = failureMarkdown(args.failed, options);
        } else {
            if (!fs.existsSync(args.headDir)) throw new Error(`no head plans: ${args.headDir} does not exist (run npm run synth)`);
            if (!fs.existsSync(args.baseDir)) options.notes!.push("The base has no offline plans, so every stack shows as new.");
            const base = readPlanDir(args.baseDir);
            const head = readPlanDir(args.headDir, args.fromPullRequest ? UNTRUSTED_LIMITS : undefined);
            if (args.fromPullRequest) {
                options.notes!.push(
                    "Computed by the default branch's plan diff from the plans the pull request's run uploaded (checked as data; none of the pull request's code ran here).",
                );
            }
            const diffs = diffPlanSets(base, head);
            comment = renderComment(diffs, options);
            full = fitBlocks(renderBlocks(diffs, { ...options, maxDiffLines: Infinity }), Infinity);
        }
        if (args.out) write(args.out, comment);
        else process.stdout.write(comment);
        if (args.full) write(args.full, full);
        return 0;
    } catch (e) {
        process.stderr.write(`planDiff: ${e instanceof Error ? e.message : String(e)}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
