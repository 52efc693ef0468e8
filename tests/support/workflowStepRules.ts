/**
 * The workflow rules on steps: no token left behind, nothing after a failure, no expression in a
 * script, artifacts, install scripts off, and CODEOWNERS over what guards the CI.
 */
import { Ci } from "./workflowModel";
import { Expr, parseCondition, isComparison, requiresCall, input } from "./workflowExpressions";
import { installScriptsOff } from "./workflowShell";
import {
    ENV_PLAN,
    CODE_OWNED,
    environmentOf,
    stepsOf,
    usesOf,
    needsOf,
    jobsOf,
    expandedSteps,
    checkoutFolders,
    stepCommands,
    normalDir,
} from "./workflowJobs";

/**
 * 13. A job that runs after failures (`always()`) still requires each job it needs to have succeeded:
 * "skipped" can hide a failure upstream.
 */
export function noRunAfterFailure(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const e = parseCondition(job.if);
        const calls = (x: Expr): string[] =>
            x.kind === "call"
                ? [x.name, ...x.args.flatMap(calls)]
                : x.kind === "not"
                  ? calls(x.arg)
                  : x.kind === "binary"
                    ? [...calls(x.left), ...calls(x.right)]
                    : [];
        if (!calls(e).includes("always")) continue;
        if (!requiresCall(job.if, "cancelled", true)) problems.push(`${at} runs after a cancellation`);
        const all = (x: Expr): Expr[] =>
            x.kind === "binary" ? [x, ...all(x.left), ...all(x.right)] : x.kind === "not" ? all(x.arg) : [x];
        const comparisons = all(e).filter((x): x is Extract<Expr, { kind: "binary" }> => x.kind === "binary");
        if (
            comparisons.some(
                (c) =>
                    [c.left, c.right].some(
                        (x) => x.kind === "ref" && /^needs\.[\w-]+\.result$/.test(x.path),
                    ) &&
                    [c.left, c.right].some(
                        (x) =>
                            x.kind === "literal" &&
                            ((c.op === "==" && x.value !== "success") || c.op === "!="),
                    ),
            )
        ) {
            problems.push(`${at} runs when a job it needs was skipped or did not fail`);
        }
        const succeeded = (n: string) =>
            comparisons.some((c) =>
                isComparison(c, "==", { ref: `needs.${n.toLowerCase()}.result` }, { literal: "success" }),
            );
        for (const n of needsOf(job))
            if (!succeeded(n)) problems.push(`${at} runs without needs.${n} succeeding`);
    }
    return problems;
}

/**
 * 14. No `${{ }}` inside a script (workflows and local actions): values reach commands only through the
 * environment, never pasted into code.
 */
export function noExpressionsInScripts(ci: Ci): string[] {
    const units = [
        ...ci.workflows.flatMap((wf) =>
            Object.entries(wf.jobs).map(([name, job]) => ({
                at: `${wf.file}: job ${name}`,
                steps: stepsOf(job),
            })),
        ),
        ...ci.actions.map((a) => ({ at: a.file, steps: a.steps })),
    ];
    return units.flatMap(({ at, steps }) =>
        steps
            .filter((s) => /\$\{\{/.test(s.run ?? "") || /\$\{\{/.test(input(s, "script")))
            .map((s) => `${at}, step "${s.name ?? s.uses ?? "?"}", pastes an expression into a script`),
    );
}

/**
 * 15. Artifacts: re-runnable (overwrite), the reviewed plans kept long enough to be approved, and nothing
 * downloaded into a checkout (it could replace the code that runs next).
 */
export function artifacts(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const folders = checkoutFolders(job);
        for (const s of stepsOf(job)) {
            if (usesOf(s) === "actions/upload-artifact") {
                if (s.with?.overwrite !== true && s.with?.overwrite !== "true")
                    problems.push(`${at} uploads ${s.with?.name} without overwrite (a re-run fails)`);
                if (environmentOf(job) === ENV_PLAN && Number(s.with?.["retention-days"] ?? 90) < 7)
                    problems.push(`${at} keeps its plans less than 7 days`);
            }
            if (usesOf(s) === "actions/download-artifact") {
                const dir = normalDir(input(s, "path"));
                const temp = /^\$\{\{ runner\.temp \}\}(\/|$)/.test(dir) && !dir.split("/").includes("..");
                if (
                    !temp ||
                    (folders.length > 0 && folders.some((f) => dir === f || dir.startsWith(`${f}/`)))
                )
                    problems.push(
                        `${at} downloads ${s.with?.name ?? "artifacts"} into ` +
                            `${dir || "the workspace"}, not a folder of its own under runner.temp`,
                    );
            }
        }
    }
    return problems;
}

/**
 * 16. Every package install, in every job, with install scripts off (`--ignore-scripts`, not undone by a
 * later flag or npm_config_ignore_scripts).
 */
export function noInstallScripts(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        for (const s of expandedSteps(ci, job)) {
            const env = { ...(wf.env ?? {}), ...(job.env ?? {}), ...(s.env ?? {}) };
            for (const words of stepCommands(s))
                if (installScriptsOff(words, env) === false)
                    problems.push(`${at} installs with install scripts (${words.slice(0, 4).join(" ")})`);
        }
    }
    return problems;
}

/** Whether a CODEOWNERS pattern matches a repository path (gitignore-style, as GitHub documents it). */
export function codeownersMatch(pattern: string, file: string): boolean {
    let p = pattern;
    const anchored = p.startsWith("/") || p.replace(/\/$/, "").includes("/");
    p = p.replace(/^\//, "");
    const dir = p.endsWith("/");
    p = p.replace(/\/$/, "");
    const re = p
        .split("/")
        .map((seg) =>
            seg === "**"
                ? "\u0000"
                : seg
                      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                      .replace(/\*/g, "[^/]*")
                      .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\u0000\//g, "(?:.*/)?")
        .replace(/\/\u0000/g, "(?:/.*)?")
        .replace(/\u0000/g, ".*");
    const body = `${re}${dir ? "/.*" : "(?:/.*)?"}`;
    return new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`).test(file);
}

/**
 * 17. CODEOWNERS (in .github/, the one GitHub reads first) gives every file that guards the CI an owner (the
 * last matching line wins), the same owners for all.
 */
export function codeOwners(ci: Ci): string[] {
    if (ci.codeowners === undefined) return [".github/CODEOWNERS does not exist"];
    const problems = ci.otherCodeowners.map(
        (f) => `${f} exists beside .github/CODEOWNERS (GitHub reads only one)`,
    );
    const lines = ci.codeowners
        .split("\n")
        .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
        .filter((l) => l !== "")
        .map((l) => l.split(/\s+/));
    // Every workflow and local action too, whatever its name: each one enforces part of the guarantees.
    const files = [
        ...new Set([
            ...CODE_OWNED,
            ...ci.workflows.map((wf) => `.github/workflows/${wf.file}`),
            ...ci.actions.map((a) => a.file),
        ]),
    ];
    const owners = files.map((file) => {
        const rule = [...lines].reverse().find(([pattern]) => codeownersMatch(pattern, file));
        const names = (rule?.slice(1) ?? []).filter((o) =>
            /^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/.test(o),
        );
        if (names.length === 0) problems.push(`CODEOWNERS gives ${file} no owner`);
        return names.sort().join(" ");
    });
    if (new Set(owners.filter((o) => o !== "")).size > 1)
        problems.push(`CODEOWNERS gives the CI's files different owners: ${[...new Set(owners)].join("; ")}`);
    return problems;
}
