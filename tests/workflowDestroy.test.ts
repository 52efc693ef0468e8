/**
 * Removing the last workspace stack together with its sources: the deploy workflow still plans and
 * applies their destroy. The test job's own script is run (against a copy of the repository whose
 * last commit removed both stack files) for the outputs it gives, and the workspace jobs' and
 * destroy steps' conditions are evaluated as GitHub evaluates them with those outputs.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEPLOY, TEXTS } from "./support/workflowCi";
import { Expr, parseCondition } from "./support/workflowExpressions";
import { parseWorkflow } from "./support/workflowModel";
import { commandsOf, fleetCommand } from "./support/workflowShell";
import { RepositoryCopy, copyRepository } from "./support/repository";
import { BI_WORKSPACE, FINANCE } from "./support/userStacks";

/**
 * An expression's value under `context` (paths lower-case), for the operators and functions `if:`
 * uses here.
 */
function evaluate(e: Expr, context: Record<string, string>): unknown {
    switch (e.kind) {
        case "literal":
            return e.value;
        case "ref":
            return context[e.path] ?? "";
        case "call":
            // always() and !cancelled(): the run was not cancelled.
            if (e.name === "always") return true;
            if (e.name === "cancelled") return false;
            throw new Error(`function ${e.name}() is not evaluated here`);
        case "not":
            return !evaluate(e.arg, context);
        case "binary": {
            const l = evaluate(e.left, context);
            if (e.op === "&&") return l ? evaluate(e.right, context) : l;
            if (e.op === "||") return l ? l : evaluate(e.right, context);
            const r = evaluate(e.right, context);
            // GitHub compares strings ignoring case.
            const same = String(l).toLowerCase() === String(r).toLowerCase();
            if (e.op === "==") return same;
            if (e.op === "!=") return !same;
            throw new Error(`operator ${e.op} is not evaluated here`);
        }
    }
    throw new Error("an expression of an unknown kind");
}

describe("deploy: a push that removes the last workspace stack with its sources destroys them", function () {
    this.timeout(120_000);
    const deploy = parseWorkflow(DEPLOY, TEXTS[DEPLOY]!);
    let repo: RepositoryCopy;
    let bin: string;
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], {
            cwd: repo.root,
            encoding: "utf8",
        });

    before(() => {
        repo = copyRepository();
        for (const s of [FINANCE, BI_WORKSPACE]) repo.writeStack(s.folder, s.stack, s.config);
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "an account and its workspace");
        for (const s of [FINANCE, BI_WORKSPACE])
            fs.rmSync(path.join(repo.root, s.folder, `Pulumi.${s.stack}.yaml`));
        git("add", "-A");
        git("commit", "-q", "-m", "both removed");
        // `npm run --silent fleet -- ARGS` as package.json's script runs it, from this checkout's tools.
        bin = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-npm-"));
        const register = path.join(__dirname, "..", "tools", "register.js");
        const cli = path.join(__dirname, "..", "tools", "ci", "fleet", "cli.ts");
        fs.writeFileSync(
            path.join(bin, "npm"),
            `#!/usr/bin/env bash\nwhile [ "$1" != "--" ]; do shift; ` +
                `done; shift\nexec "${process.execPath}" -r "${register}" ` +
                `"${cli}" "$@"\n`,
            { mode: 0o755 },
        );
    });
    after(() => {
        repo.remove();
        fs.rmSync(bin, { recursive: true, force: true });
    });

    /** The test job's "Every stack, in shards" step, run as the runner runs it; its outputs. */
    const testOutputs = (event: string): Record<string, string> => {
        const stepOf = deploy.jobs.test.steps!.find((s) => s.id === "fleet")!;
        const out = path.join(bin, `output-${event}`);
        fs.writeFileSync(out, "");
        const run = spawnSync("bash", ["-e", "-c", stepOf.run!], {
            cwd: repo.root,
            env: {
                PATH: `${bin}:${process.env.PATH}`,
                HOME: os.tmpdir(),
                GITHUB_OUTPUT: out,
                MAX_SHARDS: "16",
                EVENT: event,
                BEFORE: git("rev-parse", "HEAD~1").trim(),
            },
            encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stderr);
        return Object.fromEntries(
            fs
                .readFileSync(out, "utf8")
                .trim()
                .split("\n")
                .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
    };
    const context = (outputs: Record<string, string>, event: string): Record<string, string> => ({
        "github.ref": "refs/heads/main",
        "github.event_name": event,
        "needs.test.result": "success",
        ...Object.fromEntries(Object.entries(outputs).map(([k, v]) => [`needs.test.outputs.${k}`, v])),
        "needs.apply-sources.result": outputs.count === "0" ? "skipped" : "success",
        "needs.plan-workspaces.result": "success",
    });
    const runs = (job: string, ctx: Record<string, string>) =>
        Boolean(evaluate(parseCondition(deploy.jobs[job].if), ctx));
    const destroySteps = (job: string) =>
        deploy.jobs[job].steps!.filter((s) =>
            commandsOf(s.run ?? "").some((w) => fleetCommand(w)?.[0] === "destroy"),
        );

    it("test says how many stacks the push removed (fleet destroy --list), with full history to find them", () => {
        const checkout = deploy.jobs.test.steps!.find((s) => (s.uses ?? "").startsWith("actions/checkout@"))!;
        assert.equal(checkout.with?.["fetch-depth"], 0);
        const outputs = testOutputs("push");
        assert.equal(outputs.workspaces, "0");
        assert.equal(outputs.count, "0");
        assert.equal(outputs.removed, "2");
        assert.equal(deploy.jobs.test.outputs?.removed, "${{ steps.fleet.outputs.removed }}");
    });

    it("the workspace jobs and their destroy steps run for it; nothing asks for an approval when nothing is left or removed", () => {
        const ctx = context(testOutputs("push"), "push");
        assert.ok(runs("plan-workspaces", ctx), "plan-workspaces runs");
        assert.ok(runs("apply-workspaces", ctx), "apply-workspaces runs");
        for (const job of ["plan-workspaces", "apply-workspaces"]) {
            const steps = destroySteps(job);
            assert.equal(steps.length, 1, job);
            assert.ok(evaluate(parseCondition(steps[0].if), ctx), `${job}: its destroy step runs`);
            // Each source with its own account's role; the removed stacks' states checked first.
            assert.match(String(steps[0].env?.FLEET_ACCOUNT_ROLE), /vars\.AWS_ACCOUNT_(PLAN|DEPLOY)_ROLE/);
            const words = commandsOf(steps[0].run!);
            const guard = words.findIndex((w) => w.includes("state-guard") && w.includes("--removed-since"));
            const destroy = words.findIndex((w) => fleetCommand(w)?.[0] === "destroy");
            assert.ok(guard >= 0 && guard < destroy, `${job}: the state guard of the removed stacks first`);
        }
        // A scheduled run of a repository with no workspace stack: nothing removed, no workspace job.
        const quiet = context(testOutputs("schedule"), "schedule");
        assert.equal(quiet["needs.test.outputs.removed"], "0");
        assert.ok(!runs("plan-workspaces", quiet), "no workspace job without workspaces or removed stacks");
    });
});
