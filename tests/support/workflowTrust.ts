/**
 * The rules of the CI's trust that neither zizmor nor actionlint checks (they know GitHub's
 * syntax and its general hazards, not what this repository's jobs must hold): each is a function
 * from the parsed CI to its violations, one line each, asserted and broken in
 * tests/workflows.test.ts like the rules of workflowRules.ts.
 */
import { expressionsIn, refsOf } from "./workflowExpressions";
import {
    checkoutFolders,
    expandedSteps,
    hasCredentials,
    isPullRequest,
    isWorkflowRun,
    jobsOf,
    privileged,
    stepCommands,
    stepsOf,
    usesOf,
} from "./workflowJobs";
import { Ci, Job, Step } from "./workflowModel";
import { fleetCommand, program, runsPulumi } from "./workflowShell";

/** The longest a job may run: GitHub's own limit is 360 minutes, which a hung step would use up. */
const MAX_TIMEOUT_MINUTES = 180;
const NODE_MAJOR = "24";
const PLUGIN_ACQUISITION = "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION";

const timeoutOf = (job: Job) => (job as Record<string, unknown>)["timeout-minutes"];

/** Every job has `timeout-minutes`, a number from 1 to MAX_TIMEOUT_MINUTES. */
function timeouts(ci: Ci): string[] {
    return jobsOf(ci).flatMap(({ job, at }) => {
        const t = timeoutOf(job);
        return typeof t === "number" && Number.isInteger(t) && t >= 1 && t <= MAX_TIMEOUT_MINUTES
            ? []
            : [`${at} has no timeout-minutes of 1 to ${MAX_TIMEOUT_MINUTES} (got ${JSON.stringify(t)})`];
    });
}

/** Every setup-node sets Node.js 24 (20 is out of support since April 2026). */
function nodeVersion(ci: Ci): string[] {
    return jobsOf(ci).flatMap(({ job, at }) =>
        expandedSteps(ci, job)
            .filter((s) => usesOf(s) === "actions/setup-node")
            .flatMap((s) =>
                String(s.with?.["node-version"] ?? "") === NODE_MAJOR
                    ? []
                    : [
                          `${at} sets up Node.js ` +
                              `${JSON.stringify(s.with?.["node-version"])}, not ${NODE_MAJOR}`,
                      ],
            ),
    );
}

/** Every workflow turns automatic plugin acquisition off for all its jobs, and nothing turns it back on. */
function noPluginAcquisition(ci: Ci): string[] {
    const problems: string[] = [];
    const on = (v: unknown) => /^(true|1)$/i.test(String(v));
    for (const wf of ci.workflows) {
        if (!on(wf.env?.[PLUGIN_ACQUISITION]))
            problems.push(`${wf.file}: the workflow's env does not set ${PLUGIN_ACQUISITION}: "true"`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const envs = [job.env, ...expandedSteps(ci, job).map((s) => s.env)];
            if (
                envs.some(
                    (e) =>
                        e !== undefined &&
                        Object.keys(e).some((k) => k.toUpperCase() === PLUGIN_ACQUISITION) &&
                        !on(e[PLUGIN_ACQUISITION]),
                )
            )
                problems.push(`${wf.file}: job ${name} turns ${PLUGIN_ACQUISITION} off`);
            for (const s of expandedSteps(ci, job)) {
                for (const w of stepCommands(s))
                    if (
                        /^unset$|^export$/.test(w[0] ?? "") &&
                        w.some((x) => x.startsWith(PLUGIN_ACQUISITION))
                    )
                        problems.push(`${wf.file}: job ${name} changes ${PLUGIN_ACQUISITION} in a script`);
            }
        }
    }
    return problems;
}

/** Pulumi commands that operate on a stack's state, some running a dynamic resource's code from it. */
const STACK_COMMANDS = new Set([
    "preview",
    "pre",
    "up",
    "update",
    "refresh",
    "destroy",
    "down",
    "import",
    "state",
    "stack",
    "cancel",
    "watch",
    "config",
]);
/**
 * A command that operates on a stack: fleet preview or up, or pulumi with one of STACK_COMMANDS (not version,
 * plugin install...).
 */
const runsOnStack = (words: string[]) =>
    runsPulumi(words) &&
    (program(words) !== "pulumi" || STACK_COMMANDS.has(words.slice(1).find((w) => !w.startsWith("-")) ?? ""));

const guardArgs = (words: string[]): string[] | undefined => {
    const i = words.indexOf("state-guard");
    return program(words) === "npm" && words.includes("run") && i > 0 && words[i - 1] !== "--"
        ? words.slice(words.indexOf("--", i) + 1 || words.length)
        : undefined;
};

/** The selection flags of a fleet or guard command: --shard V, --workspaces, --stacks V. */
function selectionOf(args: string[]): string {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--workspaces") out.push("--workspaces");
        if (args[i] === "--shard" || args[i] === "--stacks") out.push(`${args[i]} ${args[i + 1]}`);
    }
    return out.sort().join(" ");
}

/**
 * Outside pull request workflows, a job that holds credentials and runs Pulumi first runs the state
 * guard on the same stacks (the same --shard/--workspaces/--stacks), after the credentials (it
 * reads the backend) and before the first step that runs Pulumi; the guard's step may not
 * continue on error.
 */
function stateGuardFirst(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (isPullRequest(wf) || !hasCredentials(wf, job)) continue;
        const steps = expandedSteps(ci, job);
        const pulumiAt = steps.findIndex((s) => stepCommands(s).some(runsOnStack));
        if (pulumiAt < 0) continue;
        const guardAt = steps.findIndex((s) => stepCommands(s).some((w) => guardArgs(w) !== undefined));
        if (guardAt < 0 || guardAt > pulumiAt) {
            problems.push(`${at} runs Pulumi without the state guard before it`);
            continue;
        }
        const guard = steps[guardAt];
        if (guard.if !== undefined || guard["continue-on-error"] !== undefined)
            problems.push(`${at}: the state guard's step has a condition or continues on error`);
        const credsAt = steps.findIndex((s) => usesOf(s) === "aws-actions/configure-aws-credentials");
        if (credsAt > guardAt)
            problems.push(`${at}: the state guard runs before the credentials it reads the backend with`);
        // fleet destroy runs the code in the removed stacks' states: the guard checks those first,
        // earlier in the job or the same step (--removed-since, the same base as destroy's --base).
        const commands = steps.flatMap((s) => stepCommands(s));
        commands.forEach((w, i) => {
            const f = fleetCommand(w);
            if (f === undefined || f.find((a) => !a.startsWith("-")) !== "destroy" || f.includes("--list"))
                return;
            const base = f[f.indexOf("--base") + 1];
            const guarded = commands.slice(0, i).some((g) => {
                const a = guardArgs(g);
                return (
                    a !== undefined &&
                    a.includes("--removed-since") &&
                    a[a.indexOf("--removed-since") + 1] === base
                );
            });
            if (!guarded)
                problems.push(
                    `${at}: fleet destroy --base ${base} runs without the state ` +
                        `guard of the removed stacks (state-guard --removed-since ` +
                        `${base}) before it`,
                );
        });
        const guarded = selectionOf(guardArgs(stepCommands(guard).find((w) => guardArgs(w) !== undefined)!)!);
        for (const s of steps.slice(pulumiAt)) {
            for (const w of stepCommands(s)) {
                const f = fleetCommand(w);
                if (f !== undefined && ["preview", "up"].includes(f[0]) && selectionOf(f) !== guarded)
                    problems.push(
                        `${at}: the state guard checks "${guarded}", fleet ${f[0]} runs "${selectionOf(f)}"`,
                    );
            }
        }
    }
    return problems;
}

const APPROVAL_CHECK = [/listReviews/, /commit_id\s*===\s*head/, /HEAD\^2/, /CODE_OWNERS/];

/**
 * In pull request workflows, a job with credentials first checks (a github-script step before any
 * step that takes credentials or runs Pulumi) that a code owner approved the exact head commit:
 * HEAD_SHA is the event's head, the script lists the reviews, compares each review's commit with
 * it and the checkout's second parent, and reads the code owners' list.
 */
function approvalOfTheCommit(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!isPullRequest(wf) || !hasCredentials(wf, job)) continue;
        const steps = expandedSteps(ci, job);
        const check = steps.findIndex(
            (s) =>
                usesOf(s) === "actions/github-script" &&
                String(s.env?.HEAD_SHA ?? "").replace(/\s/g, "") ===
                    "${{github.event.pull_request.head.sha}}" &&
                APPROVAL_CHECK.every((re) => re.test(String(s.with?.script ?? ""))),
        );
        const first = steps.findIndex(
            (s) =>
                usesOf(s) === "aws-actions/configure-aws-credentials" ||
                JSON.stringify(s.env ?? {}).includes("secrets.") ||
                stepCommands(s).some(runsOnStack),
        );
        if (check < 0)
            problems.push(
                `${at} takes credentials without checking that a code owner approved the head commit`,
            );
        else if (first >= 0 && check > first)
            problems.push(`${at} takes credentials before checking the approval of the head commit`);
        else if (steps[check].if !== undefined || steps[check]["continue-on-error"] !== undefined)
            problems.push(`${at}: the approval check has a condition or continues on error`);
    }
    return problems;
}

/**
 * npm commands that run a package's scripts or fetch and run a package, refused in privileged jobs whatever
 * their flags.
 */
const RUNS_PACKAGES = new Set([
    "rebuild",
    "rb",
    "exec",
    "x",
    "explore",
    "install-ci-test",
    "cit",
    "install-test",
    "it",
    "restart",
    "start",
    "stop",
    "test",
    "t",
]);

/**
 * In privileged jobs (credentials, an environment, the workflow_run token): no `npx`, `npm exec`,
 * `npm rebuild` (it runs install scripts whatever --ignore-scripts said before), and none of npm's
 * script-running verbs; `npm run` of this repository's scripts is what they run.
 */
function noPackageRunners(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!privileged(wf, job)) continue;
        for (const s of expandedSteps(ci, job)) {
            for (const w of stepCommands(s)) {
                const p = program(w);
                if (
                    p === "npx" ||
                    p === "pnpx" ||
                    p === "bunx" ||
                    (p === "npm" && RUNS_PACKAGES.has(w.slice(1).find((x) => !x.startsWith("-")) ?? "")) ||
                    ((p === "yarn" || p === "pnpm") && ["dlx", "exec", "rebuild"].includes(w[1] ?? ""))
                )
                    problems.push(
                        `${at} runs a package outside this repository's scripts (${w.slice(0, 3).join(" ")})`,
                    );
            }
        }
    }
    return problems;
}

const COPIERS = new Set(["cp", "mv", "rsync", "ln", "install", "tar", "unzip", "ditto", "cpio", "dd", "tee"]);

/** Whether a path argument lands in the runner's temporary folder (the only place downloads may go). */
function inTemp(arg: string, s: Step): boolean {
    const m = /^"?\$\{?(\w+)\}?/.exec(arg);
    if (!m) return arg.startsWith("/tmp/");
    if (m[1] === "RUNNER_TEMP") return true;
    const v = String(s.env?.[m[1]] ?? "").replace(/\s/g, "");
    return v.startsWith("${{runner.temp}}");
}

/**
 * In workflow_run workflows, whose jobs check out the default branch's (or the base's) code: no
 * copy, move, link or extraction into a checkout. Downloads land under runner.temp (the artifacts
 * rule); this keeps them there, so no file of the pull request's can replace code that runs next.
 * The destination of every copying command must be under runner.temp.
 */
function noCopiesIntoCheckout(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!isWorkflowRun(wf) || checkoutFolders(job).length === 0) continue;
        for (const s of stepsOf(job)) {
            for (const w of stepCommands(s)) {
                const p = program(w);
                if (!COPIERS.has(p)) continue;
                const args = w.slice(1).filter((a) => !a.startsWith("-"));
                const after = (flag: string) => (w.indexOf(flag) > 0 ? w[w.indexOf(flag) + 1] : undefined);
                const dest =
                    p === "tar"
                        ? (after("-C") ??
                          (w.slice(1).some((a) => /^-?[a-zA-Z]*x/.test(a) || a === "--extract")
                              ? "."
                              : undefined))
                        : p === "unzip"
                          ? (after("-d") ?? ".")
                          : p === "tee" || p === "dd"
                            ? args.find((a) => !a.startsWith("if="))?.replace(/^of=/, "")
                            : args[args.length - 1];
                if (dest !== undefined && !inTemp(dest, s))
                    problems.push(
                        `${at} copies into ${JSON.stringify(dest)}, outside ` +
                            `runner.temp (${w.slice(0, 4).join(" ")})`,
                    );
            }
        }
    }
    return problems;
}

/**
 * In workflow_run workflows: no checkout of anything that names the pull request's head (a "base" checkout of
 * the head commit).
 */
function noHeadCheckout(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!isWorkflowRun(wf)) continue;
        for (const s of stepsOf(job).filter((x) => usesOf(x) === "actions/checkout")) {
            const refs = [s.with?.ref, s.with?.repository].flatMap((v) =>
                v === undefined ? [] : expressionsIn(String(v)).flatMap(refsOf),
            );
            const literal = [s.with?.ref, s.with?.repository].some(
                (v) => v !== undefined && !String(v).includes("${{"),
            );
            if (
                literal ||
                refs.some(
                    (r) =>
                        /head|workflow_run|pull_request/.test(r) || !/^needs\.[\w-]+\.outputs\.base$/.test(r),
                )
            )
                problems.push(
                    `${at} checks out ${JSON.stringify(s.with?.ref ?? s.with?.repository)}: only the ` +
                        `default branch or the base commit the check job verified`,
                );
        }
    }
    return problems;
}

export const TRUST_RULES: Record<string, (ci: Ci) => string[]> = {
    timeouts,
    nodeVersion,
    noPluginAcquisition,
    stateGuardFirst,
    approvalOfTheCommit,
    noPackageRunners,
    noCopiesIntoCheckout,
    noHeadCheckout,
};
