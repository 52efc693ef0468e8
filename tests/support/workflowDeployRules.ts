/** The workflow rules on the plan comment, production deploys from main only, and caches. */
import { Ci } from "./workflowModel";
import {
    Expr,
    conjuncts,
    requiresComparison,
    stringsIn,
    refsIn,
    input,
    refValue,
} from "./workflowExpressions";
import {
    program,
    fleetCommand,
    planDiffCommand,
    firstCommand,
    changesStacks,
    runsPulumi,
    option,
} from "./workflowShell";
import {
    ENV_PREVIEW,
    ENV_PLAN,
    ENV_PRODUCTION,
    PREVIEW_ROLE,
    DEPLOY_ROLE,
    ARN_LITERAL,
    PULUMI_CLI_ACTION,
    OLDEST_PULUMI_CLI,
    environmentOf,
    stepsOf,
    usesOf,
    needsOf,
    triggers,
    jobsOf,
    isWorkflowRun,
    READS_FOLDER,
    expandedSteps,
    effectivePermissions,
    writes,
    readsSecret,
    privilegedJobs,
    checkoutFolders,
    stepCommands,
    resolve,
    normalDir,
    planDiffRun,
} from "./workflowJobs";
import { shellAssignments, expand, pinnedPulumiCli } from "./workflowCliRules";

/**
 * 6. The comment workflow (workflow_run) never checks out or runs the pull request's code; plans a
 * base only on this repository's default branch; holds the base's plans to the pull request's
 * limits; posts only on the PR whose head repository, branch and commit are the run's; the job
 * that may write comments runs no code at all.
 */
export function commentFromData(ci: Ci): string[] {
    const problems: string[] = [];
    const UNTRUSTED =
        /^github\.event\.workflow_run\.(head_sha|head_branch|head_repository|head_commit|pull_requests)|^github\.event\.pull_request\.head|^github\.head_ref/;
    const untrustedText = /refs\/pull\/|\bpull\/[^\s]*\/(head|merge)\b/;
    for (const wf of ci.workflows.filter(isWorkflowRun)) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const perms = effectivePermissions(wf, job);
            const steps = stepsOf(job);
            const folders = checkoutFolders(job);
            if (job.uses !== undefined) problems.push(`${wf.file}: job ${name} calls a reusable workflow`);
            for (const s of steps) {
                if (
                    writes(perms) &&
                    !["actions/github-script", "actions/download-artifact"].includes(usesOf(s))
                )
                    problems.push(
                        `${wf.file}: job ${name} has a write token and runs ${s.uses ?? "a command"}`,
                    );
                if (
                    writes(perms) &&
                    usesOf(s) === "actions/download-artifact" &&
                    s.with?.["run-id"] !== undefined
                )
                    problems.push(
                        `${wf.file}: job ${name} has a write token and downloads another run's artifact`,
                    );
                if (usesOf(s) === "actions/checkout") {
                    for (const key of ["ref", "repository"]) {
                        if (
                            refsIn(s.with?.[key]).some((r) => UNTRUSTED.test(r)) ||
                            untrustedText.test(input(s, key))
                        )
                            problems.push(`${wf.file}: job ${name} checks out the pull request's ${key}`);
                    }
                    if (s.with?.repository !== undefined)
                        problems.push(`${wf.file}: job ${name} checks out another repository`);
                    if (s.with?.ref !== undefined) {
                        const cond = [...(conjuncts(job.if) ?? []), ...(conjuncts(s.if) ?? [])];
                        const onDefault = cond.some((t) =>
                            equatesOutput(t, "github.event.repository.default_branch", "base-ref"),
                        );
                        const sameRepo = cond.some((t) => equatesOutput(t, "github.repository", "base-repo"));
                        if (!onDefault || !sameRepo)
                            problems.push(
                                `${wf.file}: job ${name} checks out a base without requiring ` +
                                    `the default branch of this repository`,
                            );
                    }
                }
                if (s.run !== undefined) {
                    if (
                        refsIn(s.env).some(
                            (r) => UNTRUSTED.test(r) && r !== "github.event.workflow_run.head_sha",
                        ) ||
                        untrustedText.test(s.run)
                    )
                        problems.push(`${wf.file}: job ${name} fetches the pull request's code`);
                    // npm, node and friends read the folder they run in (package.json, .npmrc, node_modules):
                    // only ever a checkout of this job's own, never a folder of downloaded data.
                    const dir = (s["working-directory"] ?? "").replace(/^\.\//, "").replace(/\/$/, "");
                    const readsFolder = stepCommands(s).some(
                        (w) =>
                            READS_FOLDER.has(program(w)) ||
                            program(w).startsWith("./") ||
                            w[0]?.startsWith("./"),
                    );
                    if (readsFolder && (s["working-directory"] === undefined || !folders.includes(dir)))
                        problems.push(`${wf.file}: job ${name} runs a command outside a checkout of its own`);
                    for (const words of stepCommands(s)) {
                        if (
                            program(words) === "git" &&
                            words.some((w) => ["fetch", "pull", "clone"].includes(w))
                        )
                            problems.push(`${wf.file}: job ${name} fetches code with git`);
                        const diff = planDiffCommand(words);
                        if (diff !== undefined && !diff.includes("--from-pull-request"))
                            problems.push(
                                `${wf.file}: job ${name} renders the plans without --from-pull-request`,
                            );
                    }
                }
            }
            // The base plans of the comment (a plan diff whose --out a later step uploads) are first
            // read under the pull request's limits: as the head of a --from-pull-request run.
            // Commands in order: (step, command within the step).
            const runs = steps.flatMap((s, i) =>
                stepCommands(s)
                    .map(planDiffCommand)
                    .flatMap((a, k) =>
                        a === undefined ? [] : [{ i, order: i * 1000 + k, ...planDiffRun(s, a) }],
                    ),
            );
            const uploaded = steps.map((s, i) => ({
                i,
                path: usesOf(s) === "actions/upload-artifact" ? normalDir(input(s, "path")) : undefined,
            }));
            for (const r of runs.filter((r) => uploaded.some((u) => u.i > r.i && u.path === r.out))) {
                if (!runs.some((c) => c.order < r.order && c.untrusted && c.head === r.base))
                    problems.push(
                        `${wf.file}: job ${name} renders base plans (${r.base}) not held to the ` +
                            `pull request's limits (plan-diff --from-pull-request)`,
                    );
            }
            const other = steps.some((s) => usesOf(s) === "actions/checkout" && s.with?.ref !== undefined);
            const renders = steps.some((s) => stepCommands(s).some((w) => planDiffCommand(w) !== undefined));
            if (other && renders)
                problems.push(
                    `${wf.file}: job ${name} renders the comment beside a checkout of another commit`,
                );
            if (writes(perms)) {
                const bind = (field: string, run: string) =>
                    (conjuncts(job.if) ?? []).some((t) => equatesOutput(t, run, field));
                for (const [field, run] of [
                    ["head-sha", "github.event.workflow_run.head_sha"],
                    ["head-repo", "github.event.workflow_run.head_repository.full_name"],
                    ["head-branch", "github.event.workflow_run.head_branch"],
                ]) {
                    if (!bind(field, run))
                        problems.push(
                            `${wf.file}: job ${name} may post without the pull ` +
                                `request's ${field} being the run's (${run})`,
                        );
                }
            }
        }
    }
    return problems;
}

/** Whether a term is `context == needs.<job>.outputs.<output>` (either way round). */
function equatesOutput(t: Expr, context: string, output: string): boolean {
    if (t.kind !== "binary" || t.op !== "==") return false;
    const sides = [t.left, t.right];
    return (
        sides.some((x) => x.kind === "ref" && x.path === context) &&
        sides.some(
            (x) =>
                x.kind === "ref" &&
                /^needs\.[\w-]+\.outputs\.[\w-]+$/.test(x.path) &&
                x.path.endsWith(`.outputs.${output}`),
        )
    );
}

/**
 * 7. Production and plan: only from main (the job's condition and a step before anything secret), only the
 * right role, `up` only with a reviewed plan of the same run.
 */
export function productionFromMain(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        const env = environmentOf(job);
        const steps = stepsOf(job);
        const credentialSteps = steps.filter((s) => usesOf(s) === "aws-actions/configure-aws-credentials");
        const refs = refsIn({ env: job.env, steps: job.steps, with: job.with });
        if (
            (refs.includes(DEPLOY_ROLE) || stringsIn(job.steps).some((s) => ARN_LITERAL.test(s))) &&
            env !== ENV_PRODUCTION
        )
            problems.push(`${at} uses the deploy role outside production`);
        if (
            env === ENV_PRODUCTION &&
            credentialSteps.some((s) => refValue(s.with?.["role-to-assume"]) !== DEPLOY_ROLE)
        )
            problems.push(`${at} assumes a role other than vars.AWS_ROLE_ARN`);
        if (
            (env === ENV_PLAN || env === ENV_PREVIEW) &&
            credentialSteps.some((s) => refValue(s.with?.["role-to-assume"]) !== PREVIEW_ROLE)
        )
            problems.push(`${at} (${env}) assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`);
        const changing = expandedSteps(ci, job).filter(
            (s) =>
                stepCommands(s).some(changesStacks) ||
                (usesOf(s) === "pulumi/actions" &&
                    s.with?.command !== undefined &&
                    s.with.command !== "preview"),
        );
        if (changing.length > 0 && env !== ENV_PRODUCTION) problems.push(`${at} deploys outside production`);
        if (env !== ENV_PRODUCTION && env !== ENV_PLAN) continue;
        const bad = triggers(wf).filter((t) => !["push", "schedule", "workflow_dispatch"].includes(t));
        if (bad.length > 0) problems.push(`${at} (${env}) runs on ${bad.join(", ")}`);
        if (!requiresComparison(job.if, "==", { ref: "github.ref" }, { literal: "refs/heads/main" }))
            problems.push(`${at} (${env}) does not require refs/heads/main in its condition`);
        const guard = steps.findIndex(
            (s) => s.if === undefined && s["continue-on-error"] === undefined && isMainGuard(s.run ?? ""),
        );
        const firstSecret = steps.findIndex(
            (s) =>
                usesOf(s) === "aws-actions/configure-aws-credentials" ||
                readsSecret(s) ||
                usesOf(s) === "actions/download-artifact",
        );
        if (guard < 0 || (firstSecret >= 0 && guard > firstSecret))
            problems.push(`${at} (${env}) does not check GITHUB_REF first`);
        for (const s of steps.filter((s) => usesOf(s) === "actions/checkout")) {
            if (s.with?.ref !== undefined || s.with?.repository !== undefined)
                problems.push(`${at} (${env}) checks out something other than the run's commit`);
        }
        for (const s of steps.filter((s) => usesOf(s) === "actions/download-artifact")) {
            if (s.with?.["run-id"] !== undefined || s.with?.pattern !== undefined)
                problems.push(`${at} (${env}) downloads artifacts of another run`);
        }
        for (const s of changing) {
            const commands = stepCommands(s).filter(changesStacks);
            const ups = commands
                .map(fleetCommand)
                // fleet destroy (not --preview) applies the destroy plans its --preview saved, as up does.
                .filter(
                    (a): a is string[] =>
                        a !== undefined && (firstCommand(a) === "up" || firstCommand(a) === "destroy"),
                );
            if (commands.length !== 1 || ups.length !== 1 || option(ups[0], "--plan-dir") === undefined) {
                problems.push(
                    `${at} changes stacks other than by applying a reviewed plan (fleet up --plan-dir)`,
                );
                continue;
            }
            const dir = normalDir(resolve(s, option(ups[0], "--plan-dir")));
            const download = steps.find(
                (d) => usesOf(d) === "actions/download-artifact" && normalDir(input(d, "path")) === dir,
            );
            const planner = needsOf(job)
                .map((n) => wf.jobs[n])
                .find(
                    (p) =>
                        p !== undefined &&
                        environmentOf(p) === ENV_PLAN &&
                        stepsOf(p).some(
                            (u) =>
                                usesOf(u) === "actions/upload-artifact" &&
                                download !== undefined &&
                                u.with?.name === download.with?.name &&
                                normalDir(input(u, "path")) === dir,
                        ) &&
                        stepsOf(p).some((u) =>
                            stepCommands(u)
                                .map(fleetCommand)
                                .some(
                                    (a) =>
                                        a !== undefined &&
                                        firstCommand(a) === "preview" &&
                                        normalDir(resolve(u, option(a, "--plan-dir"))) === dir,
                                ),
                        ),
                );
            if (planner === undefined)
                problems.push(
                    `${at} applies plans that no plan job it needs saved (pulumi preview --save-plan)`,
                );
        }
    }
    return problems;
}

/**
 * The step that stops a job not running from main: `if [ "$GITHUB_REF" != "refs/heads/main" ]; then ...; exit
 * 1; fi`, alone.
 */
function isMainGuard(script: string): boolean {
    return /^\s*if \[ "\$GITHUB_REF" != "refs\/heads\/main" \]; then [^\n]*exit 1; fi\s*$/.test(script);
}

/**
 * 8. No cache in a job that holds credentials, an environment or the workflow_run token, nor in a job whose
 * outputs such a job relies on: no `cache:`, `package-manager-cache: false` on setup-node, no actions/cache.
 */
export function noCaches(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows) {
        const guarded = privilegedJobs(wf);
        for (const name of guarded) {
            for (const s of expandedSteps(ci, wf.jobs[name])) {
                const uses = usesOf(s);
                if (uses === "actions/cache" || uses.startsWith("actions/cache/"))
                    problems.push(`${wf.file}: job ${name} restores or saves a cache (${s.uses})`);
                if (/^actions\/setup-/.test(uses) && s.with?.cache !== undefined && s.with.cache !== "")
                    problems.push(
                        `${wf.file}: job ${name} restores a ${uses} cache (cache: ${s.with.cache})`,
                    );
                if (uses === "actions/setup-node" && String(s.with?.["package-manager-cache"]) !== "false")
                    problems.push(
                        `${wf.file}: job ${name} lets setup-node cache by package.json's ` +
                            `packageManager (package-manager-cache is not false)`,
                    );
            }
        }
    }
    return problems;
}

/**
 * 9. The Pulumi CLI: never pulumi/actions (its download is not verified); every job that runs Pulumi first
 * installs it with the local action, which pins one version (3.187.0 or newer) and checks the release's
 * SHA-256 before extracting it.
 */
export function pulumiCliVerified(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const steps = stepsOf(job);
        if (steps.some((s) => usesOf(s) === "pulumi/actions"))
            problems.push(`${at} installs the Pulumi CLI with pulumi/actions, which checks no checksum`);
        const install = steps.findIndex((s) => s.uses === PULUMI_CLI_ACTION);
        const checkout = steps.findIndex((s) => usesOf(s) === "actions/checkout");
        const use = steps.findIndex((s) => stepCommands(s).some(runsPulumi));
        if (use >= 0 && (install < 0 || install > use))
            problems.push(
                `${at} runs Pulumi without installing the verified CLI (${PULUMI_CLI_ACTION}) first`,
            );
        if (install >= 0 && (checkout < 0 || checkout > install))
            problems.push(`${at} uses ${PULUMI_CLI_ACTION} before checking out the repository`);
    }
    const action = ci.actions.find((a) => a.ref === PULUMI_CLI_ACTION);
    if (action === undefined) return [...problems, `${PULUMI_CLI_ACTION} does not exist`];
    const versions = pinnedPulumiCli(ci);
    if (versions.length !== 1)
        problems.push(
            `${action.file}: pins ${versions.length} Pulumi CLI versions (${versions.join(", ")}), not one`,
        );
    for (const v of versions) {
        const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
        if (!m) {
            problems.push(`${action.file}: PULUMI_VERSION "${v}" is not one version`);
            continue;
        }
        const [a, b, c] = m.slice(1).map(Number);
        const [x, y, z] = OLDEST_PULUMI_CLI;
        if (a < x || (a === x && (b < y || (b === y && c < z))))
            problems.push(`${action.file}: PULUMI_VERSION ${v} is older than ${OLDEST_PULUMI_CLI.join(".")}`);
    }
    for (const s of action.steps.filter((s) => s.run !== undefined)) {
        const commands = stepCommands(s);
        const vars = shellAssignments(s.run ?? "", { ...(s.env ?? {}) });
        const downloads = commands
            .map((w, i) => ({ w, i }))
            .filter(({ w }) => program(w) === "curl" || program(w) === "wget");
        for (const { w } of downloads) {
            const urls = w.map((x) => expand(x, vars)).filter((x) => /^[a-z]+:\/\//i.test(x));
            if (
                !w.includes("--fail") ||
                urls.length === 0 ||
                urls.some((u) => !u.startsWith("https://github.com/pulumi/pulumi/releases/download/"))
            ) {
                problems.push(
                    `${action.file}: downloads ${urls.join(" ") || "something"} other than ` +
                        `from the pulumi/pulumi release over HTTPS with --fail`,
                );
            }
        }
        const check = commands.findIndex(
            (w) => program(w) === "sha256sum" && (w.includes("--check") || w.includes("-c")),
        );
        const extract = commands.findIndex((w) => program(w) === "tar");
        if (downloads.length > 0 && (check < 0 || (extract >= 0 && check > extract)))
            problems.push(
                `${action.file}: extracts the CLI without checking its SHA-256 first (sha256sum --check)`,
            );
    }
    return problems;
}
