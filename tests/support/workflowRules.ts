/**
 * The security properties of the CI (the workflows, the local actions, CODEOWNERS), as rules over
 * their parsed YAML, their parsed `${{ }}` expressions and the commands of their scripts split into
 * words. Each rule returns the violations it finds, one line each, so a test can prove both that
 * the repository keeps them and that a CI breaking one is caught. This file holds the table of the
 * rules and the first five (pins, triggers, token permissions, credentials, actors);
 * workflowDeployRules.ts, workflowCliRules.ts and workflowStepRules.ts hold the others.
 *
 * Expressions are read as GitHub reads them: context names, property names and function names are
 * case-insensitive (`SECRETS.X` is `secrets.x`, `toJson` is `toJSON`), and so are string
 * comparisons (`==` ignores case). docs/ci.md ("What the rules check") lists what each rule covers.
 */
import { Ci } from "./workflowModel";
import {
    expressionsIn,
    parseCondition,
    refsOf,
    requiresComparison,
    stringsIn,
    refValue,
} from "./workflowExpressions";
import {
    ENV_PREVIEW,
    PREVIEW_ROLE,
    DEPLOY_ROLE,
    ARN_LITERAL,
    DEPENDABOT,
    ALLOWED_TRIGGERS,
    environmentOf,
    stepsOf,
    usesOf,
    triggers,
    jobsOf,
    isWorkflowRun,
    isPullRequest,
    effectivePermissions,
    readsSecret,
    hasCredentials,
} from "./workflowJobs";
import { commentFromData, productionFromMain, noCaches, pulumiCliVerified } from "./workflowDeployRules";
import { shardedMatrices, scheduledRun, noPersistedCredentials } from "./workflowCliRules";
import {
    noRunAfterFailure,
    noExpressionsInScripts,
    artifacts,
    noInstallScripts,
    codeOwners,
} from "./workflowStepRules";

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/**
 * 1. Every action at a full commit SHA whose `# vX.Y.Z` comment is the tag the pin table verified for it; the
 * same action at the same commit everywhere.
 */
function pinnedActions(ci: Ci): string[] {
    const problems: string[] = [];
    const pins = new Map<string, string>();
    for (const unit of [...ci.workflows, ...ci.actions]) {
        for (const { uses, comment } of unit.useComments) {
            if (uses.startsWith("./")) continue;
            const [action, ref] = uses.split("@");
            if (!/^[0-9a-f]{40}$/.test(ref ?? "")) {
                problems.push(`${unit.file}: ${uses} is not pinned to a full commit SHA`);
                continue;
            }
            const version = /^(v\d+\.\d+\.\d+)$/.exec(comment ?? "")?.[1];
            if (version === undefined)
                problems.push(`${unit.file}: ${uses} has no "# vX.Y.Z" version comment`);
            const verified = ci.pins[action.toLowerCase()]?.[ref];
            if (verified === undefined)
                problems.push(
                    `${unit.file}: ${action}@${ref} is not in the verified pin ` +
                        `table (tests/fixtures/action-pins.json)`,
                );
            else if (version !== undefined && version !== verified)
                problems.push(
                    `${unit.file}: ${action}@${ref} is ${verified}, not ${version} as its comment says`,
                );
            const pin = `${ref} ${version ?? ""}`;
            if (pins.has(action) && pins.get(action) !== pin)
                problems.push(`${unit.file}: ${action} is pinned to two commits or versions`);
            if (!pins.has(action)) pins.set(action, pin);
        }
    }
    return problems;
}

/**
 * 2. Only triggers whose runs carry no code the pull request's author wrote with a token of the repository:
 * no pull_request_target, no comment or review events.
 */
function trustedTriggers(ci: Ci): string[] {
    return ci.workflows.flatMap((wf) =>
        triggers(wf)
            .filter((t) => !ALLOWED_TRIGGERS.has(t))
            .map(
                (t) =>
                    `${wf.file}: runs on ` +
                    `${t}${
                        t === "pull_request_target"
                            ? " (pull_request_target runs with the " + "base repository's secrets)"
                            : ""
                    };` +
                    ` only ${[...ALLOWED_TRIGGERS].join(", ")} are allowed`,
            ),
    );
}

/**
 * 3. Every job's token is set explicitly (no repository default), and writes only what it must: id-token in a
 * job of an environment, pull-requests in the comment workflow.
 */
function tokenPermissions(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        const perms = effectivePermissions(wf, job);
        if (perms === undefined) {
            problems.push(`${at} has no permissions block (it gets the repository's default token)`);
            continue;
        }
        for (const [scope, level] of Object.entries(perms)) {
            if (level !== "write") continue;
            const allowed =
                (scope === "id-token" && environmentOf(job) !== undefined && job.permissions !== undefined) ||
                (scope === "pull-requests" && isWorkflowRun(wf) && job.permissions !== undefined);
            if (!allowed) problems.push(`${at} may write ${scope}`);
        }
    }
    for (const wf of ci.workflows) {
        for (const [scope, level] of Object.entries(effectivePermissions(wf, {}) ?? {}))
            if (level === "write") problems.push(`${wf.file}: the workflow may write ${scope}`);
    }
    return problems;
}

/**
 * 4. Pull request code gets credentials only in the approval-gated preview environment, never for forks or
 * Dependabot's pull requests (by author), never the deploy role.
 */
function pullRequestCredentials(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows.filter(isPullRequest)) {
        const all = stringsIn({ env: wf.env, jobs: wf.jobs });
        if (
            all.some((s) => ARN_LITERAL.test(s)) ||
            all
                .flatMap((s) => expressionsIn(s).flatMap(refsOf))
                .some((r) => r === DEPLOY_ROLE || r === "vars" || r === "vars.*")
        ) {
            problems.push(`${wf.file}: a pull request workflow names the deploy role`);
        }
        if (readsSecret(wf.env)) problems.push(`${wf.file}: the workflow's env hands a secret to every job`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const env = environmentOf(job);
            if (env !== undefined && env !== ENV_PREVIEW)
                problems.push(`${wf.file}: job ${name} uses the ${env} environment`);
            if (job.uses !== undefined)
                problems.push(
                    `${wf.file}: job ${name} calls a reusable workflow with the pull request's code`,
                );
            if (!hasCredentials(wf, job)) continue;
            if (env !== ENV_PREVIEW)
                problems.push(
                    `${wf.file}: job ${name} gets credentials outside the ${ENV_PREVIEW} environment`,
                );
            if (
                !requiresComparison(
                    job.if,
                    "==",
                    { ref: "github.event.pull_request.head.repo.full_name" },
                    { ref: "github.repository" },
                )
            )
                problems.push(`${wf.file}: job ${name} gets credentials for forks too`);
            if (
                !requiresComparison(
                    job.if,
                    "!=",
                    { ref: "github.event.pull_request.user.login" },
                    { literal: DEPENDABOT },
                )
            )
                problems.push(
                    `${wf.file}: job ${name} does not exclude Dependabot's pull requests by their author`,
                );
            for (const s of stepsOf(job).filter(
                (s) => usesOf(s) === "aws-actions/configure-aws-credentials",
            )) {
                if (refValue(s.with?.["role-to-assume"]) !== PREVIEW_ROLE)
                    problems.push(
                        `${wf.file}: job ${name} assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`,
                    );
            }
        }
    }
    return problems;
}

/**
 * 5. No job that holds credentials decides by `github.actor` or `github.triggering_actor` (who acted last,
 * not whose change it is).
 */
function noActorConditions(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!hasCredentials(wf, job)) continue;
        const conditions = [job.if, ...stepsOf(job).map((s) => s.if)];
        if (
            conditions.some((c) =>
                refsOf(parseCondition(c)).some(
                    (r) => r === "github.actor" || r === "github.triggering_actor" || r === "github.actor_id",
                ),
            )
        ) {
            problems.push(`${at} decides by github.actor (the last actor, not the pull request's author)`);
        }
    }
    return problems;
}

export const RULES: Record<string, (ci: Ci) => string[]> = {
    pinnedActions,
    trustedTriggers,
    tokenPermissions,
    pullRequestCredentials,
    noActorConditions,
    commentFromData,
    productionFromMain,
    noCaches,
    pulumiCliVerified,
    shardedMatrices,
    scheduledRun,
    noPersistedCredentials,
    noRunAfterFailure,
    noExpressionsInScripts,
    artifacts,
    noInstallScripts,
    codeOwners,
};
