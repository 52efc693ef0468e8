/**
 * `fleet destroy`: plans (--preview) or applies the destroy of the stacks whose stack files were
 * removed since --base (destroy.ts says which, and in which order).
 */
import * as fs from "fs";
import { OptionTable, OptionValues, UsageError } from "../../cli/options";
import type { RemovedStack } from "./destroy";
import { FleetCommandSpec, USAGE_EXITS, whole } from "./command";
import { orchestrate, summaryTable } from "./orchestrate";
import { RUN_OPTIONS, accountRoleOption, outputBlock, progressLine } from "./runCommands";

const DESTROY_OPTIONS = {
    base: {
        type: "string",
        value: "REF",
        required: true,
        help: "the commit (branch, tag) whose stack files were removed since: their stacks are destroyed",
    },
    tip: {
        type: "string",
        value: "REF",
        help:
            "the branch's current tip (origin/main): a removed stack whose file it holds again " +
            "(removed, then added back) is not destroyed",
    },
    preview: {
        type: "boolean",
        help: "only plan: save each removed stack's destroy plan in --plan-dir (the reviewed plan)",
    },
    "plan-dir": {
        type: "string",
        value: "DIR",
        default: "required, but with --list",
        help:
            "where --preview saves each destroy plan, and where the " +
            "destroy reads it (a stack without one fails)",
    },
    list: {
        type: "boolean",
        help:
            "only list the removed stacks, in the order they would be " +
            "destroyed (offline: no Pulumi CLI, no credentials)",
    },
    json: {
        type: "boolean",
        help: "with --list: print JSON, {sources, workspaces}, as fleet list --json does",
    },
    concurrency: RUN_OPTIONS.concurrency,
    retries: RUN_OPTIONS.retries,
    summary: RUN_OPTIONS.summary,
    "account-role": {
        ...RUN_OPTIONS["account-role"],
        help:
            "destroy each source stack with the role NAME of its own " +
            "account (the aws:allowedAccountIds of its stack file as " +
            "the base held it), by the job's GitHub OIDC token, as fleet up does",
    },
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
        [
            "npm run fleet -- destroy --base main~1 --plan-dir plans/destroy --tip origin/main",
            "apply them, but not to a stack whose file origin/main holds again (a later re-run)",
        ],
        [
            "npm run fleet -- destroy --base main~1 --list --json",
            "which stacks those are, as JSON, without the Pulumi CLI " +
                "(CI decides with it whether to plan a destroy)",
        ],
        [
            "npm run fleet -- destroy --base main~1 --plan-dir plans/destroy " +
                "--account-role grafana-athena-ci-deploy",
            "each source stack destroyed with the bootstrap's deploy role of its own account",
        ],
    ],
    exitCodes: [
        [0, "every removed stack planned or destroyed, or none was removed"],
        [1, "a stack failed, was held or skipped"],
        ...USAGE_EXITS,
    ],
    run: async (ctx) => {
        const values = ctx.values as OptionValues<typeof DESTROY_OPTIONS>;
        const { backAtTip, removedStacks, sameStackIgnoringCase, stillCharted } =
            require("./destroy") as typeof import("./destroy");
        if (values.json && !values.list) throw new UsageError("--json goes with --list");
        if (values.list && values.preview) throw new UsageError("give --list or --preview, not both");
        if (!values.list && values["plan-dir"] === undefined)
            throw new UsageError("--plan-dir DIR is required (but with --list)");
        const env = ctx.io.env ?? process.env;
        // Checked before git is read: a bad role name is a bad command line.
        const roleName = values["account-role"] ?? (env.FLEET_ACCOUNT_ROLE || undefined);
        let byName = new Map<string, RemovedStack>();
        const stackEnv = accountRoleOption(
            ctx.root,
            values.list ? undefined : roleName,
            env,
            (entry) => byName.get(entry.name)?.baseText,
            ctx.io.fetch,
        );
        const removed = removedStacks(ctx.root, values.base!, ctx.org);
        const all = [...removed.workspaces, ...removed.sources];
        byName = new Map(all.map((r) => [r.entry.name, r]));
        // Checked before anything runs: a --tip that is no commit is a bad command line.
        const backAgain = values.tip === undefined ? [] : backAtTip(all, ctx.root, values.tip);
        if (values.list) {
            const names = (rs: readonly RemovedStack[]) => rs.map((r) => r.entry.name);
            ctx.io.out(
                values.json
                    ? `${JSON.stringify({
                          sources: names(removed.sources),
                          workspaces: names(removed.workspaces),
                      })}\n`
                    : `removed since ${values.base}, destroyed in this order: ` +
                          `${all.length === 0 ? "none" : names(all).join(" ")}\n`,
            );
            return 0;
        }
        const title = values.preview ? "fleet destroy --preview" : "fleet destroy";
        if (all.length === 0) {
            ctx.io.out(`${title}: no stack file was removed since ${values.base}: nothing to destroy\n`);
            return 0;
        }
        const runner =
            ctx.io.runner ??
            ctx.io.stackRunner?.(stackEnv) ??
            (require("./automation") as typeof import("./automation")).destroyRunner(
                ctx.root,
                byName,
                values["plan-dir"]!,
                stackEnv,
            );
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
                // A stack that a file of the checkout names ignoring case first: that file deploys it.
                held: new Map([
                    ...stillCharted(removed.sources, ctx.all(), ctx.root),
                    ...sameStackIgnoringCase(all, ctx.all(), ctx.root),
                    ...backAgain,
                ]),
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
