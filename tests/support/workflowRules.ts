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
    "continue-on-error"?: boolean | string;
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
    /** A reusable workflow's call. */
    uses?: string;
    secrets?: unknown;
    with?: Record<string, unknown>;
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
    return { ...js, on: on ?? {}, file, text };
}

/** The oldest Pulumi CLI the programs support: it validates object-typed config values (pulumi/pulumi#20132). */
export const OLDEST_PULUMI_CLI = [3, 187, 0];

const ENV_PREVIEW = "preview";
const ENV_PLAN = "plan";
const ENV_PRODUCTION = "production";
const DEPLOY_ROLE = /\bvars(\.AWS_ROLE_ARN\b|\[\s*'AWS_ROLE_ARN'\s*\])|arn:aws[\w-]*:iam::/;
const PREVIEW_ROLE_INPUT = /^\$\{\{\s*vars\.AWS_PREVIEW_ROLE_ARN\s*\}\}$/;
const DEPLOY_ROLE_INPUT = /^\$\{\{\s*vars\.AWS_ROLE_ARN\s*\}\}$/;
const MAIN_GUARD = /^github\.ref\s*==\s*'refs\/heads\/main'$/;
const FORK_GUARD = /^github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository$/;
const SECRET = /secrets\s*(\.|\[)|toJSON\(\s*secrets\s*\)/;
/** Commands that change a stack or its state. */
const CHANGES_STACKS = /\bfleet\b[^\n]*\s(up)\b|\bpulumi\s+(up|update|destroy|refresh|import|cancel|state)\b/;
const RUNS_PULUMI = /\bnpm run( --silent)? fleet --[^\n]*\b(preview|up)\b|(^|[\s;&|(])pulumi\s+\w/m;
/** What a pull request controls, as a workflow_run workflow sees it. */
const UNTRUSTED_REF = /workflow_run\.(head_sha|head_branch|head_repository|head_commit|pull_requests)|pull_request\.head|refs\/pull\/|\bpull\/[^\s]*\/(head|merge)\b/;

export const environmentOf = (job: Job): string | undefined => (typeof job.environment === "string" ? job.environment : job.environment?.name);
/** What a job does with values (its steps, environment, and a reusable call's inputs), not its condition. */
const jobText = (job: Job): string => JSON.stringify({ env: job.env, steps: job.steps, uses: job.uses, with: job.with, secrets: job.secrets });
const stepsOf = (job: Job): Step[] => job.steps ?? [];
const usesOf = (step: Step): string => (step.uses ?? "").split("@")[0];
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const triggers = (wf: Workflow): string[] => Object.keys(wf.on ?? {});
const permissions = (p: Job["permissions"]): Record<string, string> =>
    p === undefined ? {} : typeof p === "string" ? (p === "read-all" ? {} : { all: p.replace("-all", "") }) : p;
const effectivePermissions = (wf: Workflow, job: Job) => (job.permissions !== undefined ? permissions(job.permissions) : permissions(wf.permissions));

/**
 * The terms of a condition joined by a top-level `&&`, or undefined when it has a top-level `||`
 * (then no term is guaranteed). `${{ }}` is removed first.
 */
export function conjuncts(condition: string | undefined): string[] | undefined {
    const text = (condition ?? "").trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1").replace(/\s+/g, " ").trim();
    const terms: string[] = [];
    let depth = 0;
    let quoted = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "'") quoted = !quoted;
        if (quoted) continue;
        if (c === "(") depth++;
        if (c === ")") depth--;
        if (depth === 0 && text.startsWith("||", i)) return undefined;
        if (depth === 0 && text.startsWith("&&", i)) {
            terms.push(text.slice(start, i).trim());
            start = i + 2;
        }
    }
    terms.push(text.slice(start).trim());
    return terms.filter((t) => t !== "");
}

const requires = (condition: string | undefined, term: RegExp) => (conjuncts(condition) ?? []).some((t) => term.test(t));

/** Whether a job gets cloud credentials or the backend's secrets: an OIDC token, an AWS role, a secret other than the run's own token. */
export function hasCredentials(wf: Workflow, job: Job): boolean {
    const text = jobText(job).replace(/secrets\.GITHUB_TOKEN\b/g, "");
    return (
        effectivePermissions(wf, job)["id-token"] === "write" ||
        stepsOf(job).some((s) => usesOf(s) === "aws-actions/configure-aws-credentials") ||
        SECRET.test(text) ||
        job.secrets !== undefined
    );
}

/** 1. Every action at a full commit SHA with its version in a comment; the same action at the same commit everywhere. */
export function pinnedActions(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    const pins = new Map<string, string>();
    for (const wf of workflows) {
        const uses = Object.values(wf.jobs).flatMap((j) => [...(j.uses ? [j.uses] : []), ...stepsOf(j).flatMap((s) => (s.uses ? [s.uses] : []))]);
        for (const u of uses) {
            if (u.startsWith("./")) continue;
            const [action, ref] = u.split("@");
            if (!/^[0-9a-f]{40}$/.test(ref ?? "")) {
                problems.push(`${wf.file}: ${u} is not pinned to a full commit SHA`);
                continue;
            }
            const lines = wf.text.split("\n").filter((l) => l.includes(u));
            const versions = lines.map((l) => /#\s*(v\d+\.\d+\.\d+)\s*$/.exec(l)?.[1]);
            if (versions.length === 0 || versions.some((v) => v === undefined)) problems.push(`${wf.file}: ${u} has no "# vX.Y.Z" version comment`);
            const pin = `${ref} ${versions[0] ?? ""}`;
            if (pins.has(action) && pins.get(action) !== pin) problems.push(`${wf.file}: ${action} is pinned to two commits or versions`);
            if (!pins.has(action)) pins.set(action, pin);
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
                if (v === "write" && !(k === "id-token" && scope !== "the workflow")) problems.push(`${wf.file}: ${scope} may write ${k}`);
            }
        }
        if (DEPLOY_ROLE.test(wf.text)) problems.push(`${wf.file}: a pull request workflow names the deploy role`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const env = environmentOf(job);
            if (env !== undefined && env !== ENV_PREVIEW) problems.push(`${wf.file}: job ${name} uses the ${env} environment`);
            if (job.uses !== undefined) problems.push(`${wf.file}: job ${name} calls a reusable workflow with the pull request's code`);
            if (!hasCredentials(wf, job)) continue;
            if (env !== ENV_PREVIEW) problems.push(`${wf.file}: job ${name} gets credentials outside the ${ENV_PREVIEW} environment`);
            if (!requires(job.if, FORK_GUARD)) problems.push(`${wf.file}: job ${name} gets credentials for forks too`);
            for (const s of stepsOf(job).filter((s) => usesOf(s) === "aws-actions/configure-aws-credentials")) {
                if (!PREVIEW_ROLE_INPUT.test(String(s.with?.["role-to-assume"] ?? "").trim())) problems.push(`${wf.file}: job ${name} assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`);
            }
        }
    }
    return problems;
}

/** 3. The comment renderer (workflow_run) never checks out or runs the pull request's code; the job that may write comments runs no code at all. */
export function commentFromData(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows.filter((w) => triggers(w).includes("workflow_run"))) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const perms = effectivePermissions(wf, job);
            const writes = Object.values(perms).some((v) => v === "write");
            const steps = stepsOf(job);
            const checkouts = steps.filter((s) => usesOf(s) === "actions/checkout");
            const folders = new Set(checkouts.map((s) => String(s.with?.path ?? ".")));
            if (job.uses !== undefined) problems.push(`${wf.file}: job ${name} calls a reusable workflow`);
            for (const s of steps) {
                if (writes && !["actions/github-script", "actions/download-artifact"].includes(usesOf(s))) problems.push(`${wf.file}: job ${name} has a write token and runs ${s.uses ?? "a command"}`);
                if (writes && usesOf(s) === "actions/download-artifact" && s.with?.["run-id"] !== undefined) problems.push(`${wf.file}: job ${name} has a write token and downloads another run's artifact`);
                if (usesOf(s) === "actions/checkout") {
                    for (const key of ["ref", "repository"]) {
                        if (UNTRUSTED_REF.test(String(s.with?.[key] ?? ""))) problems.push(`${wf.file}: job ${name} checks out the pull request's ${key}`);
                    }
                    if (s.with?.repository !== undefined) problems.push(`${wf.file}: job ${name} checks out another repository`);
                }
                if (usesOf(s) === "actions/setup-node" && s.with?.cache !== undefined) problems.push(`${wf.file}: job ${name} uses a cache that later privileged runs restore`);
                if (s.run !== undefined) {
                    if (UNTRUSTED_REF.test(s.run)) problems.push(`${wf.file}: job ${name} fetches the pull request's code`);
                    if (/\b(npm (ci|i|install|install-test|it)|yarn|pnpm)\b(?![^\n]*--ignore-scripts)/.test(s.run)) problems.push(`${wf.file}: job ${name} installs with install scripts`);
                    if (!folders.has(String(s["working-directory"] ?? "")) || s["working-directory"] === undefined) {
                        problems.push(`${wf.file}: job ${name} runs a command outside a checkout of its own`);
                    }
                    if (/\bplan-diff\b/.test(s.run) && !/--from-pull-request/.test(s.run)) problems.push(`${wf.file}: job ${name} renders the plans without --from-pull-request`);
                }
            }
            const other = checkouts.some((s) => s.with?.ref !== undefined);
            const renders = steps.some((s) => /\bplan-diff\b/.test(s.run ?? ""));
            if (other && renders) problems.push(`${wf.file}: job ${name} renders the comment beside a checkout of another commit`);
        }
    }
    return problems;
}

/** 4. Production and plan: only from main (the job's condition and a step before anything secret), only the right role, `up` only with a reviewed plan of the same run. */
export function productionFromMain(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const env = environmentOf(job);
            const steps = stepsOf(job);
            const credentialSteps = steps.filter((s) => usesOf(s) === "aws-actions/configure-aws-credentials");
            if (DEPLOY_ROLE.test(jobText(job)) && env !== ENV_PRODUCTION) problems.push(`${wf.file}: job ${name} uses the deploy role outside production`);
            if (env === ENV_PRODUCTION && credentialSteps.some((s) => !DEPLOY_ROLE_INPUT.test(String(s.with?.["role-to-assume"] ?? "").trim()))) problems.push(`${wf.file}: job ${name} assumes a role other than vars.AWS_ROLE_ARN`);
            if ((env === ENV_PLAN || env === ENV_PREVIEW) && credentialSteps.some((s) => !PREVIEW_ROLE_INPUT.test(String(s.with?.["role-to-assume"] ?? "").trim()))) problems.push(`${wf.file}: job ${name} (${env}) assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`);
            const changes = steps.some((s) => CHANGES_STACKS.test(s.run ?? "") || (usesOf(s) === "pulumi/actions" && s.with?.command !== undefined && s.with.command !== "preview"));
            if (changes && env !== ENV_PRODUCTION) problems.push(`${wf.file}: job ${name} deploys outside production`);
            if (env !== ENV_PRODUCTION && env !== ENV_PLAN) continue;
            const bad = triggers(wf).filter((t) => !["push", "schedule", "workflow_dispatch"].includes(t));
            if (bad.length > 0) problems.push(`${wf.file}: job ${name} (${env}) runs on ${bad.join(", ")}`);
            if (!requires(job.if, MAIN_GUARD)) problems.push(`${wf.file}: job ${name} (${env}) does not require refs/heads/main in its condition`);
            const guard = steps.findIndex(
                (s) => s.if === undefined && s["continue-on-error"] === undefined && /^\s*if \[ "\$GITHUB_REF" != "refs\/heads\/main" \]; then [^\n]*exit 1; fi\s*$/.test(s.run ?? ""),
            );
            const firstSecret = steps.findIndex((s) => usesOf(s) === "aws-actions/configure-aws-credentials" || SECRET.test(JSON.stringify(s)) || usesOf(s) === "actions/download-artifact");
            if (guard < 0 || (firstSecret >= 0 && guard > firstSecret)) problems.push(`${wf.file}: job ${name} (${env}) does not check GITHUB_REF first`);
            for (const s of steps.filter((s) => usesOf(s) === "actions/checkout")) {
                if (s.with?.ref !== undefined || s.with?.repository !== undefined) problems.push(`${wf.file}: job ${name} (${env}) checks out something other than the run's commit`);
            }
            for (const s of steps.filter((s) => usesOf(s) === "actions/download-artifact")) {
                if (s.with?.["run-id"] !== undefined || s.with?.pattern !== undefined) problems.push(`${wf.file}: job ${name} (${env}) downloads artifacts of another run`);
            }
            for (const s of steps.filter((s) => CHANGES_STACKS.test(s.run ?? ""))) {
                const dir = /--plan-dir\s+(\S+)/.exec(s.run ?? "")?.[1];
                const besides = (s.run ?? "").replace(/npm run --silent fleet -- up\b[^\n&;|]*/, "");
                if (dir === undefined || !/\bfleet -- up\b/.test(s.run ?? "") || CHANGES_STACKS.test(besides)) {
                    problems.push(`${wf.file}: job ${name} changes stacks other than by applying a reviewed plan (fleet up --plan-dir)`);
                    continue;
                }
                const download = steps.find((d) => usesOf(d) === "actions/download-artifact" && d.with?.path === dir);
                const planner = needsOf(job)
                    .map((n) => wf.jobs[n])
                    .find(
                        (p) =>
                            p !== undefined &&
                            environmentOf(p) === ENV_PLAN &&
                            stepsOf(p).some((u) => usesOf(u) === "actions/upload-artifact" && download !== undefined && u.with?.name === download.with?.name && String(u.with?.path).replace(/\/$/, "") === dir) &&
                            stepsOf(p).some((u) => new RegExp(`fleet -- preview\\b[^\\n]*--plan-dir ${dir}\\b`).test(u.run ?? "")),
                    );
                if (planner === undefined) problems.push(`${wf.file}: job ${name} applies plans that no plan job it needs saved (pulumi preview --save-plan)`);
            }
        }
    }
    return problems;
}

/** 5. The Pulumi CLI pinned to one version, 3.187.0 or newer, installed before any use. */
export function pulumiCliPinned(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    const versions = new Set<string>();
    for (const wf of workflows) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const steps = stepsOf(job);
            for (const s of steps.filter((s) => usesOf(s) === "pulumi/actions")) {
                const v = String(s.with?.["pulumi-version"] ?? "");
                versions.add(v);
                const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
                if (!m) {
                    problems.push(`${wf.file}: job ${name}: pulumi-version "${v}" is not one version`);
                    continue;
                }
                const [a, b, c] = m.slice(1).map(Number);
                const [x, y, z] = OLDEST_PULUMI_CLI;
                if (a < x || (a === x && (b < y || (b === y && c < z)))) problems.push(`${wf.file}: job ${name}: pulumi-version ${v} is older than ${OLDEST_PULUMI_CLI.join(".")}`);
            }
            const install = steps.findIndex((s) => usesOf(s) === "pulumi/actions");
            const use = steps.findIndex((s) => RUNS_PULUMI.test(s.run ?? ""));
            if (use >= 0 && (install < 0 || install > use)) problems.push(`${wf.file}: job ${name} runs Pulumi without installing the pinned CLI first`);
        }
    }
    if (versions.size > 1) problems.push(`the workflows pin ${versions.size} Pulumi CLI versions: ${[...versions].join(", ")}`);
    return problems;
}

/** The one CLI version the workflows pin. */
export function pinnedPulumiCli(workflows: readonly Workflow[]): string[] {
    return [...new Set(workflows.flatMap((wf) => Object.values(wf.jobs).flatMap((j) => stepsOf(j).filter((s) => usesOf(s) === "pulumi/actions").map((s) => String(s.with?.["pulumi-version"])))))];
}

/** 6. Matrices are over the fleet's shards, each job running its own shard of the same count; no list of stacks kept by hand. */
export function shardedMatrices(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        if (/PULUMI_SOURCE_STACKS|PULUMI_WORKSPACE_STACK/.test(wf.text)) problems.push(`${wf.file}: names a hand-kept stack list`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (stepsOf(job).some((s) => /\bfleet --[^\n]*--stacks\b/.test(s.run ?? ""))) problems.push(`${wf.file}: job ${name} names stacks by hand (--stacks)`);
            const matrix = job.strategy?.matrix;
            if (matrix === undefined) continue;
            const keys = Object.keys(matrix);
            const from = /^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.shards\)\s*\}\}$/.exec(String(matrix.shard));
            if (keys.length !== 1 || keys[0] !== "shard" || !from) {
                problems.push(`${wf.file}: job ${name} has a matrix that is not the fleet's shards`);
                continue;
            }
            const shardValue = new RegExp(`^\\$\\{\\{\\s*matrix\\.shard\\s*\\}\\}/\\$\\{\\{\\s*needs\\.${from[1]}\\.outputs\\.count\\s*\\}\\}$`);
            const shardSteps = stepsOf(job).filter((s) => /fleet -- (preview|up) --shard\b/.test(s.run ?? ""));
            const own = (s: Step) => /fleet -- (preview|up) --shard "\$SHARD"/.test(s.run ?? "") && shardValue.test(String(s.env?.SHARD ?? ""));
            if (shardSteps.length === 0 || !shardSteps.every(own)) problems.push(`${wf.file}: job ${name} does not run its own shard (matrix.shard/needs.${from[1]}.outputs.count)`);
        }
    }
    return problems;
}

/** 7. A weekly run updates the workspace stacks and reports drift of every stack in the job summary. */
export function scheduledRun(workflows: readonly Workflow[]): string[] {
    const scheduled = workflows.filter((wf) => Array.isArray(wf.on?.schedule) && (wf.on.schedule as { cron?: string }[]).some((s) => typeof s.cron === "string"));
    if (scheduled.length === 0) return ["no workflow runs on a schedule"];
    const problems: string[] = [];
    const offOnSchedule = (cond: string | undefined) => {
        const terms = conjuncts(cond) ?? [];
        return terms.some((t) => /^false$|github\.event_name\s*==\s*'(?!schedule')|github\.event_name\s*!=\s*'schedule'/.test(t));
    };
    const steps = scheduled.flatMap((wf) => Object.values(wf.jobs).filter((j) => !offOnSchedule(j.if)).flatMap((j) => stepsOf(j).filter((s) => !offOnSchedule(s.if))));
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
            const once = (f: string | undefined, max: number) => f !== undefined && /^\d+$/.test(f) && Number(f) <= max;
            if (fields.length !== 5 || !once(fields[0], 59) || !once(fields[1], 23) || fields[2] !== "*" || fields[3] !== "*" || !once(fields[4], 6)) problems.push(`${wf.file}: cron "${s.cron}" is not once a week`);
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

/** 9. A job that runs after failures (`always()`) still requires each job it needs to have succeeded: "skipped" can hide a failure upstream. */
export function noRunAfterFailure(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (!/always\(\)/.test(job.if ?? "")) continue;
            const cond = job.if ?? "";
            if (!requires(cond, /^!cancelled\(\)$/)) problems.push(`${wf.file}: job ${name} runs after a cancellation`);
            if (/result\s*==\s*'skipped'|result\s*!=\s*'failure'/.test(cond)) problems.push(`${wf.file}: job ${name} runs when a job it needs was skipped or did not fail`);
            for (const n of needsOf(job)) {
                if (!new RegExp(`needs\\.${n}\\.result\\s*==\\s*'success'`).test(cond)) problems.push(`${wf.file}: job ${name} runs without needs.${n} succeeding`);
            }
        }
    }
    return problems;
}

/** 10. No `${{ }}` inside a script: values reach commands only through the environment, never pasted into code. */
export function noExpressionsInScripts(workflows: readonly Workflow[]): string[] {
    return workflows.flatMap((wf) =>
        Object.entries(wf.jobs).flatMap(([name, job]) =>
            stepsOf(job)
                .filter((s) => /\$\{\{/.test(s.run ?? "") || /\$\{\{/.test(String(s.with?.script ?? "")))
                .map((s) => `${wf.file}: job ${name}, step "${s.name ?? s.uses ?? "?"}", pastes an expression into a script`),
        ),
    );
}

/** 11. Artifacts: re-runnable (overwrite), and the reviewed plans kept long enough to be approved. */
export function artifacts(workflows: readonly Workflow[]): string[] {
    const problems: string[] = [];
    for (const wf of workflows) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            for (const s of stepsOf(job).filter((s) => usesOf(s) === "actions/upload-artifact")) {
                if (s.with?.overwrite !== true) problems.push(`${wf.file}: job ${name} uploads ${s.with?.name} without overwrite (a re-run fails)`);
                if (environmentOf(job) === ENV_PLAN && Number(s.with?.["retention-days"] ?? 90) < 7) problems.push(`${wf.file}: job ${name} keeps its plans less than 7 days`);
            }
        }
    }
    return problems;
}

export const RULES = {
    pinnedActions,
    pullRequestCredentials,
    commentFromData,
    productionFromMain,
    pulumiCliPinned,
    shardedMatrices,
    scheduledRun,
    noPersistedCredentials,
    noRunAfterFailure,
    noExpressionsInScripts,
    artifacts,
};

export function violations(workflows: readonly Workflow[]): string[] {
    return Object.values(RULES).flatMap((rule) => rule(workflows));
}
