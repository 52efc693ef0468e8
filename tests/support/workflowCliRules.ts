/**
 * The workflow rules on the Pulumi CLI (verified, pinned), the fleet's sharded matrices and the weekly run.
 */
import { Step, Ci } from "./workflowModel";
import { expressionsIn, conjuncts, isComparison, stringsIn, refValue } from "./workflowExpressions";
import { fleetCommand, firstCommand, option } from "./workflowShell";
import { PULUMI_CLI_ACTION, stepsOf, usesOf, jobsOf, stepCommands, resolve } from "./workflowJobs";

/** The variables a script sets (`name="value"` lines), expanded, on top of its environment. */
export function shellAssignments(script: string, env: Record<string, unknown>): Record<string, string> {
    const vars: Record<string, string> = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, String(v)]),
    );
    for (const line of script.split("\n")) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
        if (m) vars[m[1]] = expand(m[3] ?? m[4] ?? m[5] ?? "", vars);
    }
    return vars;
}

export const expand = (word: string, vars: Record<string, string>) =>
    word.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => vars[name] ?? all);

/** The Pulumi CLI versions the local action pins. */
export function pinnedPulumiCli(ci: Ci): string[] {
    const action = ci.actions.find((a) => a.ref === PULUMI_CLI_ACTION);
    return [
        ...new Set(
            (action?.steps ?? [])
                .filter((s) => s.env?.PULUMI_VERSION !== undefined)
                .map((s) => String(s.env?.PULUMI_VERSION)),
        ),
    ];
}

/**
 * 10. Matrices are over the fleet's shards, each job running its own shard of the same count; no list of
 * stacks kept by hand.
 */
export function shardedMatrices(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows) {
        if (
            stringsIn({ env: wf.env, jobs: wf.jobs }).some((s) =>
                /PULUMI_SOURCE_STACKS|PULUMI_WORKSPACE_STACK/.test(s),
            )
        )
            problems.push(`${wf.file}: names a hand-kept stack list`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (
                stepsOf(job).some((s) =>
                    stepCommands(s).some((w) => option(fleetCommand(w) ?? [], "--stacks") !== undefined),
                )
            )
                problems.push(`${wf.file}: job ${name} names stacks by hand (--stacks)`);
            const matrix = job.strategy?.matrix;
            if (matrix === undefined) continue;
            const keys = Object.keys(matrix);
            const from = typeof matrix.shard === "string" ? expressionsIn(matrix.shard) : [];
            const source =
                from.length === 1 &&
                from[0].kind === "call" &&
                from[0].name === "fromjson" &&
                from[0].args.length === 1 &&
                from[0].args[0].kind === "ref"
                    ? /^needs\.([\w-]+)\.outputs\.shards$/.exec(from[0].args[0].path)?.[1]
                    : undefined;
            if (keys.length !== 1 || keys[0] !== "shard" || source === undefined) {
                problems.push(`${wf.file}: job ${name} has a matrix that is not the fleet's shards`);
                continue;
            }
            const own = (s: Step) =>
                stepCommands(s)
                    .map(fleetCommand)
                    .filter((a): a is string[] => a !== undefined && option(a, "--shard") !== undefined)
                    .every((a) => {
                        const value = resolve(s, option(a, "--shard")) ?? "";
                        const parts = value.split("/").map((p) => refValue(p));
                        return (
                            parts.length === 2 &&
                            parts[0] === "matrix.shard" &&
                            parts[1] === `needs.${source}.outputs.count`
                        );
                    });
            const shardSteps = stepsOf(job).filter((s) =>
                stepCommands(s).some((w) => option(fleetCommand(w) ?? [], "--shard") !== undefined),
            );
            if (shardSteps.length === 0 || !shardSteps.every(own))
                problems.push(
                    `${wf.file}: job ${name} does not run its own shard ` +
                        `(matrix.shard/needs.${source}.outputs.count)`,
                );
        }
    }
    return problems;
}

/** 11. A weekly run updates the workspace stacks and reports drift of every stack in the job summary. */
export function scheduledRun(ci: Ci): string[] {
    const scheduled = ci.workflows.filter(
        (wf) =>
            Array.isArray(wf.on?.schedule) &&
            (wf.on.schedule as { cron?: string }[]).some((s) => typeof s.cron === "string"),
    );
    if (scheduled.length === 0) return ["no workflow runs on a schedule"];
    const problems: string[] = [];
    const offOnSchedule = (cond: string | boolean | undefined) =>
        (conjuncts(cond) ?? []).some(
            (t) =>
                (t.kind === "literal" && t.value === false) ||
                (t.kind === "binary" &&
                    t.op === "==" &&
                    [t.left, t.right].some((x) => x.kind === "ref" && x.path === "github.event_name") &&
                    [t.left, t.right].some(
                        (x) => x.kind === "literal" && String(x.value).toLowerCase() !== "schedule",
                    )) ||
                isComparison(t, "!=", { ref: "github.event_name" }, { literal: "schedule" }),
        );
    const steps = scheduled.flatMap((wf) =>
        Object.values(wf.jobs)
            .filter((j) => !offOnSchedule(j.if))
            .flatMap((j) => stepsOf(j).filter((s) => !offOnSchedule(s.if))),
    );
    const fleet = steps.flatMap((s) =>
        stepCommands(s)
            .map(fleetCommand)
            .filter((a): a is string[] => a !== undefined)
            .map((a) => ({ s, a })),
    );
    if (!fleet.some(({ a }) => firstCommand(a) === "up" && a.includes("--workspaces")))
        problems.push("the scheduled run does not update the workspace stacks");
    for (const what of ["--shard", "--workspaces"]) {
        const drift = fleet.some(
            ({ s, a }) =>
                firstCommand(a) === "preview" &&
                a.includes(what) &&
                a.includes("--refresh") &&
                a.includes("--expect-no-changes") &&
                option(a, "--summary") === "$GITHUB_STEP_SUMMARY" &&
                s.if !== undefined,
        );
        if (!drift) problems.push(`the scheduled run does not report drift (${what}) in the job summary`);
    }
    for (const wf of scheduled) {
        for (const s of (wf.on.schedule as { cron?: string }[]) ?? []) {
            const fields = String(s.cron).trim().split(/\s+/);
            const once = (f: string | undefined, max: number) =>
                f !== undefined && /^\d+$/.test(f) && Number(f) <= max;
            if (
                fields.length !== 5 ||
                !once(fields[0], 59) ||
                !once(fields[1], 23) ||
                fields[2] !== "*" ||
                fields[3] !== "*" ||
                !once(fields[4], 6)
            )
                problems.push(`${wf.file}: cron "${s.cron}" is not once a week`);
        }
    }
    return problems;
}

/** 12. Every checkout leaves no token behind for later steps. */
export function noPersistedCredentials(ci: Ci): string[] {
    return jobsOf(ci).flatMap(({ job, at }) =>
        stepsOf(job)
            .filter(
                (s) =>
                    usesOf(s) === "actions/checkout" &&
                    s.with?.["persist-credentials"] !== false &&
                    s.with?.["persist-credentials"] !== "false",
            )
            .map(() => `${at} checks out with persisted credentials`),
    );
}
