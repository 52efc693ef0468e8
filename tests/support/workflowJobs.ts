/** What a job is to the rules: its environment, credentials, permissions, steps and checkouts. */
import { Step, Job, Workflow, Ci } from "./workflowModel";
import { refsIn, input } from "./workflowExpressions";
import { commandsOf, option } from "./workflowShell";

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

export const ENV_PREVIEW = "preview";

export const ENV_PLAN = "plan";

export const ENV_PRODUCTION = "production";

export const PREVIEW_ROLE = "vars.aws_preview_role_arn";

export const DEPLOY_ROLE = "vars.aws_role_arn";

export const ARN_LITERAL = /arn:aws[\w-]*:iam::/i;

/** The local action that installs the verified Pulumi CLI. */
export const PULUMI_CLI_ACTION = "./.github/actions/pulumi-cli";

/**
 * The oldest Pulumi CLI the programs support: it validates object-typed config values (pulumi/pulumi#20132).
 */
export const OLDEST_PULUMI_CLI = [3, 187, 0];

/** The Dependabot account, as GitHub names a pull request's author. */
export const DEPENDABOT = "dependabot[bot]";

/** Triggers whose runs a pull request's author cannot start with code of their own and a write token. */
export const ALLOWED_TRIGGERS = new Set([
    "pull_request",
    "push",
    "schedule",
    "workflow_dispatch",
    "workflow_run",
]);

/**
 * Files a pull request must not change without a code owner: the CI, what guards it, and what it installs.
 */
export const CODE_OWNED = [
    ".github/CODEOWNERS",
    ".github/workflows/pull-request.yml",
    ".github/actions/pulumi-cli/action.yml",
    ".github/dependabot.yml",
    "tests/workflows.test.ts",
    "tests/workflowBreaksAccess.test.ts",
    "tests/workflowBreaksDeploy.test.ts",
    "tests/support/workflowRules.ts",
    "tests/support/workflowModel.ts",
    "tests/support/workflowExpressions.ts",
    "tests/support/workflowShell.ts",
    "tests/support/workflowJobs.ts",
    "tests/support/workflowDeployRules.ts",
    "tests/support/workflowCliRules.ts",
    "tests/support/workflowStepRules.ts",
    "tests/support/workflowTrust.ts",
    "tests/support/workflowCi.ts",
    "tests/workflowTrust.test.ts",
    "tests/fixtures/action-pins.json",
    "tests/stateGuard.test.ts",
    "tests/pulumiCliAction.test.ts",
    "tests/workflowScripts.test.ts",
    "tests/workflowSettings.test.ts",
    "package.json",
    "package-lock.json",
    ".mocharc.json",
    ".ci/run",
    "tools/register.js",
    "tools/ci/stateGuard/cli.ts",
    "tools/ci/stateGuard/reviewed.txt",
    "tools/ci/fleet/cli.ts",
    "tools/ci/planDiff/cli.ts",
    "tools/plan/format.ts",
    "policy/index.ts",
    "docs/ci.md",
];

export const environmentOf = (job: Job): string | undefined =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;

export const stepsOf = (job: Job): Step[] => job.steps ?? [];

export const usesOf = (step: Step): string => (step.uses ?? "").split("@")[0].toLowerCase();

export const needsOf = (job: Job): string[] =>
    job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

export const triggers = (wf: Workflow): string[] => Object.keys(wf.on ?? {});

export const jobsOf = (ci: Ci) =>
    ci.workflows.flatMap((wf) =>
        Object.entries(wf.jobs).map(([name, job]) => ({ wf, name, job, at: `${wf.file}: job ${name}` })),
    );

export const isWorkflowRun = (wf: Workflow) => triggers(wf).includes("workflow_run");

export const isPullRequest = (wf: Workflow) =>
    triggers(wf).some((t) => t === "pull_request" || t === "pull_request_target");

/** Programs that read the folder they run in (its package.json, .npmrc, node_modules, git config). */
export const READS_FOLDER = new Set([
    "npm",
    "npx",
    "node",
    "yarn",
    "pnpm",
    "ts-node",
    "git",
    "make",
    "bash",
    "sh",
    "python",
    "python3",
]);

/** A job's steps with the steps of the local actions it uses in their place. */
export function expandedSteps(ci: Ci, job: Job): Step[] {
    return stepsOf(job).flatMap((s) => {
        const action = ci.actions.find((a) => a.ref === (s.uses ?? "").replace(/\/$/, ""));
        return action ? [s, ...action.steps] : [s];
    });
}

/**
 * A job's token permissions; `undefined` when neither the job nor the workflow sets them: then the
 * job gets the repository's default token, which may be read/write on everything.
 */
export function effectivePermissions(wf: Workflow, job: Job): Record<string, string> | undefined {
    const p = job.permissions !== undefined ? job.permissions : wf.permissions;
    if (p === undefined || p === null) return undefined;
    if (typeof p === "string")
        return p === "read-all" ? { all: "read" } : p === "write-all" ? { all: "write" } : { all: p };
    return Object.fromEntries(Object.entries(p).map(([k, v]) => [k.toLowerCase(), String(v).toLowerCase()]));
}

const mayWrite = (perms: Record<string, string> | undefined, scope: string) =>
    perms === undefined || perms[scope] === "write" || perms.all === "write";

export const writes = (perms: Record<string, string> | undefined) =>
    perms === undefined || Object.values(perms).includes("write");

/** Whether a value reads a secret other than the run's own token (any spelling, the whole context too). */
export const readsSecret = (value: unknown) =>
    refsIn(value).some((r) => (r === "secrets" || r.startsWith("secrets.")) && r !== "secrets.github_token");

/**
 * Whether a job gets cloud credentials or the backend's secrets: an OIDC token, an AWS role, a secret other
 * than the run's own token (the workflow's env included).
 */
export function hasCredentials(wf: Workflow, job: Job): boolean {
    const perms = effectivePermissions(wf, job);
    return (
        // The repository's default token never includes id-token: a job without a block has none.
        (perms !== undefined && mayWrite(perms, "id-token")) ||
        stepsOf(job).some((s) => usesOf(s) === "aws-actions/configure-aws-credentials") ||
        readsSecret({
            env: wf.env,
            jobEnv: job.env,
            steps: job.steps,
            with: job.with,
            secrets: job.secrets,
        }) ||
        job.secrets !== undefined
    );
}

/**
 * Whether a job holds more than a pull request's author already has: credentials, an environment, or the
 * workflow_run token.
 */
export const privileged = (wf: Workflow, job: Job) =>
    hasCredentials(wf, job) || environmentOf(job) !== undefined || isWorkflowRun(wf);

/**
 * The jobs of a workflow that hold a privilege, and every job whose outputs they rely on (what they need,
 * transitively).
 */
export function privilegedJobs(wf: Workflow): Set<string> {
    const found = new Set<string>();
    const add = (name: string) => {
        if (found.has(name) || wf.jobs[name] === undefined) return;
        found.add(name);
        needsOf(wf.jobs[name]).forEach(add);
    };
    for (const [name, job] of Object.entries(wf.jobs)) if (privileged(wf, job)) add(name);
    return found;
}

/** The folders a job checks out into (`.` for the workspace itself). */
export const checkoutFolders = (job: Job) =>
    stepsOf(job)
        .filter((s) => usesOf(s) === "actions/checkout")
        .map((s) => (input(s, "path") || ".").replace(/^\.\//, "").replace(/\/$/, "") || ".");

/** The commands of a step's script, with the step's environment. */
export const stepCommands = (s: Step) => (s.run === undefined ? [] : commandsOf(s.run));

/** A `"$VAR"` argument resolved through the step's environment (the `${{ }}` text it is set to). */
export const resolve = (s: Step, arg: string | undefined) => {
    const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(arg ?? "");
    return m && s.env?.[m[1]] !== undefined ? String(s.env[m[1]]) : arg;
};

export const normalDir = (d: string | undefined) =>
    (d ?? "")
        .replace(/\/+$/, "")
        .replace(/\$\{\{\s*runner\.temp\s*\}\}/i, "${{ runner.temp }}")
        .replace(/^\$\{?RUNNER_TEMP\}?(?=\/|$)/, "${{ runner.temp }}");

/** The plan diff's options that take a value. */
const PLAN_DIFF_VALUES = new Set(["--out", "--full", "--base-label", "--head-label", "--note", "--failed"]);

/**
 * A plan diff command line: its two folders (base, head), resolved through the step's env, and its options.
 */
export function planDiffRun(s: Step, args: string[]) {
    const positionals = args.filter(
        (a, i) => !a.startsWith("-") && !(i > 0 && PLAN_DIFF_VALUES.has(args[i - 1])),
    );
    return {
        base: normalDir(resolve(s, positionals[0])),
        head: normalDir(resolve(s, positionals[1])),
        out: normalDir(resolve(s, option(args, "--out"))),
        untrusted: args.includes("--from-pull-request"),
    };
}
