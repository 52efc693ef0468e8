/**
 * `fleet destroy`: plans (--preview) or applies the destroy of the stacks whose stack files were
 * removed since --base (destroy.ts says which, and in which order).
 */
import * as fs from "fs";
import { OptionTable, OptionValues } from "../../cli/options";
import { FleetCommandSpec, USAGE_EXITS, whole } from "./command";
import { orchestrate, summaryTable } from "./orchestrate";
import { RUN_OPTIONS, outputBlock, progressLine } from "./runCommands";

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
        help:
            "where --preview saves each destroy plan, and where the " +
            "destroy reads it (a stack without one fails)",
    },
    concurrency: RUN_OPTIONS.concurrency,
    retries: RUN_OPTIONS.retries,
    summary: RUN_OPTIONS.summary,
} as const satisfies OptionTable;

/**
 * `fleet destroy`: the stacks whose files were removed since --base (tools/fleet/destroy.ts), workspaces
 * first.
 */
export const destroyCommand: FleetCommandSpec = {
    summary:
        "plan (--preview) or apply the destroy of the stacks whose stack files " +
        "were removed since REF, workspaces before sources",
    options: DESTROY_OPTIONS,
    notes: [
        "A source stack still listed in a workspace stack file's sources, or whose workspaces " +
            "failed, is not destroyed. Needs the Pulumi CLI and cloud credentials.",
        "The destroy applies exactly the plans --preview saved (pulumi up --plan of an empty " +
            "program): nothing else is deleted, and retained resources stay.",
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
        if (values.summary)
            fs.appendFileSync(
                values.summary,
                `${summaryTable(values.preview ? "preview" : "up", results, title, true)}\n`,
            );
        return results.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0;
    },
};
