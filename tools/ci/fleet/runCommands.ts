/**
 * `fleet preview` and `fleet up`: which stacks they run, how each stack's progress and output is
 * logged, and the per-account role a source stack runs with (accountRole.ts).
 */
import * as fs from "fs";
import { OptionTable, OptionValues, UsageError } from "../../cli/options";
import { SOURCE_PROJECT } from "../../../shared/inventory";
import type { Fetch } from "./accountRole";
import { BASE_OPTION, FleetCommandSpec, StackEnvOf, USAGE_EXITS, names, whole } from "./command";
import type { Inventory, StackEntry } from "./fleetInventory";
import { FleetCommand, ProgressEvent, describeChanges, orchestrate, summaryTable } from "./orchestrate";
import { parseShard, shardStacks } from "./shards";

/**
 * Which stacks a preview or up runs: the named ones, a shard of the sources, the workspaces, or all (sources
 * first).
 */
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

export function progressLine(event: ProgressEvent): string {
    switch (event.kind) {
        case "start":
            return `▶ ${event.name}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`;
        case "retry":
            return `↻ ${event.name}: ${event.error}; again in ${Math.round(event.waitMs / 1000)} s`;
        case "done": {
            const r = event.result;
            const mark = r.status === "failed" ? "✖" : r.status === "skipped" ? "–" : "✔";
            const changes = r.status === "changed" ? ` (${describeChanges(r.changes)})` : "";
            return `${mark} ${r.name}: ${r.status}${changes}${r.error ? `: ${r.error}` : ""}`;
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

export const RUN_OPTIONS = {
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
        help:
            "run each source stack with the role NAME of its own account (its " +
            "aws:allowedAccountIds), by the job's GitHub OIDC token: the bootstrap's " +
            "grafana-athena-ci-plan or grafana-athena-ci-deploy",
    },
} as const satisfies OptionTable;

/**
 * The environment of each source stack under `--account-role NAME` (accountRole.ts), or undefined
 * without it. Workspace stacks keep the job's credentials: the Grafana account's roles are not the
 * bootstrap's. `baseText` gives the stack file of a stack whose file was removed, as the base held it.
 */
export function accountRoleOption(
    root: string,
    roleName: string | undefined,
    env: NodeJS.ProcessEnv,
    baseText: (entry: StackEntry) => string | undefined = () => undefined,
    fetchImpl?: Fetch,
): StackEnvOf | undefined {
    if (roleName === undefined) return undefined;
    const { ROLE_NAME, accountRoleEnv, tokenFolder } =
        require("./accountRole") as typeof import("./accountRole");
    if (!ROLE_NAME.test(roleName))
        throw new UsageError(
            `--account-role takes an IAM role name (letters, digits and +=,.@_-, at ` +
                `most 64), got ${JSON.stringify(roleName.slice(0, 70))}`,
        );
    let folder: string | undefined;
    return async (entry: StackEntry) =>
        entry.project === SOURCE_PROJECT
            ? accountRoleEnv(
                  root,
                  entry,
                  roleName,
                  (folder ??= tokenFolder(env)),
                  env,
                  fetchImpl,
                  baseText(entry),
              )
            : undefined;
}

export function runCommand(command: FleetCommand): FleetCommandSpec {
    return {
        summary:
            command === "preview"
                ? "pulumi preview of the chosen stacks, sources first, in parallel"
                : "pulumi up of the chosen stacks, sources first, in parallel",
        options: RUN_OPTIONS,
        notes: [
            "Without --shard, --workspaces or --stacks: every stack (or every stack --base " +
                "selects). Needs the Pulumi CLI and cloud credentials.",
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
            // The Automation API (the Pulumi SDK) only for preview and up: check, list, affected and shards
            // start without it.
            const env = ctx.io.env ?? process.env;
            const stackEnv = accountRoleOption(
                ctx.root,
                values["account-role"] ?? (env.FLEET_ACCOUNT_ROLE || undefined),
                env,
                undefined,
                ctx.io.fetch,
            );
            const runner =
                ctx.io.runner ??
                ctx.io.stackRunner?.(stackEnv) ??
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
            if (values.summary)
                fs.appendFileSync(values.summary, `${summaryTable(command, results, undefined, true)}\n`);
            return results.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0;
        },
    };
}
