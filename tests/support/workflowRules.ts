/**
 * The security properties of the GitHub workflows, as rules over their parsed YAML (and their text,
 * for the version comments). Each rule returns the violations it finds, one line each, so a test
 * can prove both that the repository's workflows keep them and that a workflow breaking one is caught.
 */
import YAML from "yaml";

export interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string;
    "working-directory"?: string;
}

export interface Job {
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    environment?: string | { name: string };
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
    env?: Record<string, unknown>;
}

export interface Workflow {
    file: string;
    text: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    jobs: Record<string, Job>;
}

/** Parses a workflow; YAML errors are thrown with the file's name. */
export function parseWorkflow(file: string, text: string): Workflow {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const js = doc.toJS() as Omit<Workflow, "file" | "text">;
    const on = typeof js.on === "string" ? { [js.on]: null } : Array.isArray(js.on) ? Object.fromEntries((js.on as string[]).map((t) => [t, null])) : js.on;
    return { ...js, on, file, text };
}

/** The oldest Pulumi CLI the programs support: it validates object-typed config values (pulumi/pulumi#20132). */
export const OLDEST_PULUMI_CLI = [3, 187, 0];

const ENV_PREVIEW = "preview";
const ENV_PLAN = "plan";
const ENV_PRODUCTION = "production";
const DEPLOY_ROLE = /\bvars\.AWS_ROLE_ARN\b/;
const PREVIEW_ROLE = /\bvars\.AWS_PREVIEW_ROLE_ARN\b/;
const MAIN_GUARD = /github\.ref\s*==\s*'refs\/heads\/main'/;

export const environmentOf = (job: Job): string | undefined => (typeof job.environment === "string" ? job.environment : job.environment?.name);
/** What a job does with values (its steps and environment), not its condition. */
const jobText = (job: Job): string => JSON.stringify({ env: job.env, steps: job.steps });
const stepsOf = (job: Job): Step[] => job.steps ?? [];
const usesOf = (step: Step): string => (step.uses ?? "").split("@")[0];
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const triggers = (wf: Workflow): string[] => Object.keys(wf.on ?? {});
const permissions = (p: Job["permissions"]): Record<string, string> =>
    p === undefined ? {} : typeof p === "string" ? (p === "read-all" ? {} : { all: p.replace("-all", "") }) : p;

/** Whether a job gets cloud credentials or the backend's secrets: an OIDC token, an AWS role, a secret other than the run's own token. */
export function hasCredentials(job: Job): boolean {
    const text = jobText(job);
    return (
        permissions(job.permissions)["id-token"] === "write" ||
        stepsOf(job).some((s) => usesOf(s) === "aws-actions/configure-aws-credentials") ||
        /secrets\.(?!GITHUB_TOKEN\b)[A-Za-z_]+/.test(text)
    );
}

/** 1. Every action at a full commit SHA with its version in a comment; the same action at the same commit everywhere. */
export function pinnedActions(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    const pins = new Map<string, string>();
    for (const wf of workflows) {
        for (const line of wf.text.split("\n")) {
            const m = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
            if (!m || m[1].startsWith("./")) continue;
            const [action, ref] = m[1].split("@");
            if (!/^[0-9a-f]{40}$/.test(ref ?? "")) problems.push(`${wf.file}: ${m[1]} is not pinned to a full commit SHA`);
            else if (!/^\s*#\s*v\d+\.\d+\.\d+\s*$/.test(m[2])) problems.push(`${wf.file}: ${m[1]} has no "# vX.Y.Z" version comment`);
            const pin = `${ref}${m[2].trim()}`;
            if (pins.has(action) && pins.get(action) !== pin) problems.push(`${wf.file}: ${action} is pinned to two commits`);
            pins.set(action, pins.get(action) ?? pin);
        }
    }
    return problems;
}

/** 2. No pull_request_target; pull request code gets credentials only in the approval-gated preview environment, never for forks, never the deploy role. */
export function pullRequestCredentials(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        if (triggers(wf).includes("pull_request_target")) problems.push(`${wf.file}: pull_request_target runs with the base repository's secrets`);
        if (!triggers(wf).some((t) => t === "pull_request" || t === "pull_request_target")) continue;
        for (const [scope, p] of [["the workflow", wf.permissions] as const, ...Object.entries(wf.jobs).map(([n, j]) => [`job ${n}`, j.permissions] as const)]) {
            for (const [k, v] of Object.entries(permissions(p))) {
                if (v === "write" && k !== "id-token") problems.push(`${wf.file}: ${scope} may write ${k}`);
            }
        }
        if (DEPLOY_ROLE.test(wf.text)) problems.push(`${wf.file}: a pull request workflow names the deploy role (vars.AWS_ROLE_ARN)`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const env = environmentOf(job);
            if (env === ENV_PRODUCTION || env === ENV_PLAN) problems.push(`${wf.file}: job ${name} uses the ${env} environment`);
            if (!hasCredentials(job)) continue;
            if (env !== ENV_PREVIEW) problems.push(`${wf.file}: job ${name} gets credentials outside the ${ENV_PREVIEW} environment`);
            if (!/github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/.test(job.if ?? "")) {
                problems.push(`${wf.file}: job ${name} gets credentials for forks too`);
            }
            for (const s of stepsOf(job).filter((s) => usesOf(s) === "aws-actions/configure-aws-credentials")) {
                if (!PREVIEW_ROLE.test(String(s.with?.["role-to-assume"] ?? ""))) problems.push(`${wf.file}: job ${name} assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`);
            }
        }
    }
    return problems;
}

/** 3. The comment renderer (workflow_run) never checks out or runs the pull request's code, and the job that may write comments runs no code at all. */
export function commentFromData(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    const untrusted = /github\.event\.workflow_run\.(head_sha|head_branch|head_repository|head_commit|pull_requests)|github\.event\.pull_request\.head/;
    for (const wf of workflows.filter((w) => triggers(w).includes("workflow_run"))) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const writes = Object.entries({ ...permissions(wf.permissions), ...permissions(job.permissions) }).some(([, v]) => v === "write");
            for (const s of stepsOf(job)) {
                if (usesOf(s) === "actions/checkout") {
                    if (writes) problems.push(`${wf.file}: job ${name} checks out code with a write token`);
                    for (const key of ["ref", "repository"]) {
                        if (untrusted.test(String(s.with?.[key] ?? ""))) problems.push(`${wf.file}: job ${name} checks out the pull request's ${key}`);
                    }
                    if (s.with?.repository !== undefined) problems.push(`${wf.file}: job ${name} checks out another repository`);
                }
                if (s.run !== undefined) {
                    if (writes) problems.push(`${wf.file}: job ${name} runs a command with a write token`);
                    if (/npm (ci|install)(?![^\n]*--ignore-scripts)/.test(s.run)) problems.push(`${wf.file}: job ${name} installs with install scripts`);
                    if (s["working-directory"] === undefined) problems.push(`${wf.file}: job ${name} runs a command outside a checkout of its own`);
                }
                if (untrusted.test(JSON.stringify(s.with ?? {})) && usesOf(s) === "actions/checkout") problems.push(`${wf.file}: job ${name} uses the pull request's head`);
            }
            const renders = stepsOf(job).filter((s) => /plan-diff/.test(s.run ?? ""));
            for (const s of renders) {
                if (!/--from-pull-request/.test(s.run ?? "")) problems.push(`${wf.file}: job ${name} renders the plans without --from-pull-request`);
            }
        }
    }
    return problems;
}

/** 4. Production: only from main (the job's condition and a step before the credentials), only the deploy role, `up` only with a reviewed plan. */
export function productionFromMain(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        const jobs = Object.entries(wf.jobs);
        for (const [name, job] of jobs) {
            const env = environmentOf(job);
            if (DEPLOY_ROLE.test(jobText(job)) && env !== ENV_PRODUCTION) problems.push(`${wf.file}: job ${name} uses the deploy role outside production`);
            if (PREVIEW_ROLE.test(jobText(job)) && env !== ENV_PREVIEW && env !== ENV_PLAN) problems.push(`${wf.file}: job ${name} uses the preview role outside preview and plan`);
            const runsUp = stepsOf(job).some((s) => /fleet -- up\b/.test(s.run ?? "") || (usesOf(s) === "pulumi/actions" && s.with?.command === "up"));
            if (runsUp && env !== ENV_PRODUCTION) problems.push(`${wf.file}: job ${name} deploys outside production`);
            if (env !== ENV_PRODUCTION && env !== ENV_PLAN) continue;
            if (!MAIN_GUARD.test(job.if ?? "")) problems.push(`${wf.file}: job ${name} (${env}) does not require refs/heads/main in its condition`);
            const steps = stepsOf(job);
            const guard = steps.findIndex((s) => /\$GITHUB_REF"?\s*!=\s*"?refs\/heads\/main/.test(s.run ?? "") && /exit 1/.test(s.run ?? ""));
            const credentials = steps.findIndex((s) => usesOf(s) === "aws-actions/configure-aws-credentials");
            if (guard < 0 || (credentials >= 0 && guard > credentials)) problems.push(`${wf.file}: job ${name} (${env}) does not check GITHUB_REF before its credentials`);
            if (triggers(wf).some((t) => t.startsWith("pull_request"))) problems.push(`${wf.file}: job ${name} (${env}) runs on pull requests`);
            for (const s of steps.filter((s) => /fleet -- up\b/.test(s.run ?? ""))) {
                if (!/--plan-dir\s+(\S+)/.test(s.run ?? "")) problems.push(`${wf.file}: job ${name} runs up without a reviewed plan (--plan-dir)`);
                const artifact = steps.find((d) => usesOf(d) === "actions/download-artifact")?.with?.name;
                const planner = needsOf(job)
                    .map((n) => wf.jobs[n])
                    .find((p) => p !== undefined && stepsOf(p).some((u) => usesOf(u) === "actions/upload-artifact" && u.with?.name === artifact) && stepsOf(p).some((u) => /fleet -- preview\b[^\n]*--plan-dir/.test(u.run ?? "")));
                if (planner === undefined) problems.push(`${wf.file}: job ${name} applies plans no job it needs saved (pulumi preview --save-plan)`);
            }
            if (steps.some((s) => usesOf(s) === "pulumi/actions" && s.with?.command !== undefined)) problems.push(`${wf.file}: job ${name} runs a pulumi command around the fleet's plans`);
        }
    }
    return problems;
}

/** 5. The Pulumi CLI pinned to one version, 3.187.0 or newer, in every pulumi/actions step. */
export function pulumiCliPinned(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            for (const s of stepsOf(job).filter((s) => usesOf(s) === "pulumi/actions")) {
                const v = String(s.with?.["pulumi-version"] ?? "");
                const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
                if (!m) {
                    problems.push(`${wf.file}: job ${name}: pulumi-version "${v}" is not one version`);
                    continue;
                }
                const [a, b, c] = m.slice(1).map(Number);
                const [x, y, z] = OLDEST_PULUMI_CLI;
                if (a < x || (a === x && (b < y || (b === y && c < z)))) problems.push(`${wf.file}: job ${name}: pulumi-version ${v} is older than ${OLDEST_PULUMI_CLI.join(".")}`);
            }
            const pulumiRuns = stepsOf(job).some((s) => /npm run --silent fleet -- (preview|up)\b/.test(s.run ?? ""));
            if (pulumiRuns && !stepsOf(job).some((s) => usesOf(s) === "pulumi/actions")) problems.push(`${wf.file}: job ${name} runs Pulumi without installing the pinned CLI`);
        }
    }
    return problems;
}

/** 6. Matrices are over shards of the fleet, each job running its shard; no list of stacks kept by hand. */
export function shardedMatrices(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        if (/PULUMI_SOURCE_STACKS|PULUMI_WORKSPACE_STACK/.test(wf.text)) problems.push(`${wf.file}: names a hand-kept stack list`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const matrix = job.strategy?.matrix;
            if (matrix === undefined) continue;
            const keys = Object.keys(matrix);
            if (keys.length !== 1 || keys[0] !== "shard" || !/fromJSON\(needs\.[\w-]+\.outputs\.shards\)/.test(String(matrix.shard))) {
                problems.push(`${wf.file}: job ${name} has a matrix that is not the fleet's shards`);
            }
            if (!stepsOf(job).some((s) => /fleet -- (preview|up) --shard\b/.test(s.run ?? ""))) problems.push(`${wf.file}: job ${name} does not run its shard`);
        }
    }
    return problems;
}

/** 7. A weekly run updates the workspace stacks and reports drift of every stack in the job summary. */
export function scheduledRun(workflows: readonly Workflow[]): string[] {
    const scheduled = workflows.filter((wf) => Array.isArray(wf.on?.schedule) && (wf.on.schedule as { cron?: string }[]).some((s) => typeof s.cron === "string"));
    if (scheduled.length === 0) return ["no workflow runs on a schedule"];
    const problems: string[] = [];
    const onSchedule = (job: Job) => !/github\.event_name\s*==\s*'push'|github\.event_name\s*!=\s*'schedule'/.test(job.if ?? "");
    const steps = scheduled.flatMap((wf) => Object.values(wf.jobs).filter(onSchedule).flatMap(stepsOf));
    const runs = steps.map((s) => s.run ?? "");
    if (!runs.some((r) => /fleet -- up --workspaces\b/.test(r))) problems.push("the scheduled run does not update the workspace stacks");
    for (const what of ["--shard", "--workspaces"]) {
        if (!runs.some((r) => new RegExp(`fleet -- preview ${what}\\b[^\\n]*--refresh[^\\n]*--expect-no-changes[^\\n]*--summary "\\$GITHUB_STEP_SUMMARY"`).test(r))) {
            problems.push(`the scheduled run does not report drift (${what}) in the job summary`);
        }
    }
    for (const wf of scheduled) {
        for (const s of (wf.on.schedule as { cron?: string }[]) ?? []) {
            const fields = String(s.cron).trim().split(/\s+/);
            if (fields.length !== 5 || fields[2] !== "*" || fields[3] !== "*" || !/^[0-6]$/.test(fields[4])) problems.push(`${wf.file}: cron "${s.cron}" is not weekly`);
        }
    }
    return problems;
}

/** 8. Every checkout leaves no token behind for later steps. */
export function noPersistedCredentials(workflows: readonly Workflow[]): string[] {
    return workflows.flatMap((wf) =>
        Object.entries(wf.jobs).flatMap(([name, job]) =>
            stepsOf(job)
                .filter((s) => usesOf(s) === "actions/checkout" && s.with?.["persist-credentials"] !== false)
                .map(() => `${wf.file}: job ${name} checks out with persisted credentials`),
        ),
    );
}

export const RULES = { pinnedActions, pullRequestCredentials, commentFromData, productionFromMain, pulumiCliPinned, shardedMatrices, scheduledRun, noPersistedCredentials };

export function violations(workflows: readonly Workflow[]): string[] {
    return Object.values(RULES).flatMap((rule) => rule(workflows));
}
