/**
 * Removing an account: `npm run fleet -- destroy --base REF` finds the stacks whose stack files
 * were removed since REF and destroys them, workspaces before sources, a source only once no
 * workspace stack file lists it, each from the destroy plan its preview saved. The runner that
 * talks to Pulumi is injected; the real one's refusals are checked without the Pulumi CLI.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { destroyRunner, firstDiagnostic } from "../../../tools/ci/fleet/automation";
import { fleet } from "../../../tools/ci/fleet/cli";
import { removedStacks } from "../../../tools/ci/fleet/destroy";
import type { StackEntry } from "../../../tools/ci/fleet/fleetInventory";
import type { FleetCommand, RunOutcome, Runner } from "../../../tools/ci/fleet/orchestrate";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { BI_WORKSPACE, FINANCE, GRAFANA_WORKSPACE, MARKETING, UserStack } from "../../support/userStacks";

/** A runner that records each call in order, and fails the stacks named in `failing`. */
function recordingRunner(failing: string[] = []) {
    const calls: string[] = [];
    const runner: Runner = {
        async run(command: FleetCommand, stack: StackEntry): Promise<RunOutcome> {
            calls.push(`${command} ${stack.name}`);
            if (failing.includes(stack.stack))
                throw new Error("error: the stack's resources could not be deleted");
            return { changes: { delete: 7 } };
        },
    };
    return { runner, calls };
}

describe("a fleet run's failure line", () => {
    it("says the Pulumi CLI is not on PATH, where the Automation API says only that a spawn failed", () => {
        // LocalWorkspace's error with no pulumi on PATH (@pulumi/pulumi 3.276.0).
        const enoent = "Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n";
        const spawnFailed = `code: -2\n stdout: \n stderr: ${enoent} err?: Error: ${enoent}`;
        assert.match(
            firstDiagnostic(spawnFailed),
            /^the Pulumi CLI \(pulumi\) is not on PATH: install v3\.187\.0/,
        );
        assert.equal(
            firstDiagnostic("code: 255\n stderr: error: no stack named 'x' found\n"),
            "error: no stack named 'x' found",
        );
    });
});

describe("fleet destroy: the stacks of removed stack files", function () {
    this.timeout(60_000);
    let repo: RepositoryCopy;
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=fleet", "-c", "user.email=fleet@example.com", ...args], {
            cwd: repo.root,
            encoding: "utf8",
        });
    const fileOf = (s: UserStack) => path.join(repo.root, s.folder, `Pulumi.${s.stack}.yaml`);
    const run = async (argv: string[], runner?: Runner) => {
        let out = "";
        let err = "";
        const code = await fleet([...argv, "--root", repo.root], {
            out: (t) => (out += t),
            err: (t) => (err += t),
            runner,
            env: {},
        });
        return { code, out, err };
    };

    before(() => {
        repo = copyRepository();
        for (const s of [MARKETING, FINANCE, GRAFANA_WORKSPACE, BI_WORKSPACE])
            repo.writeStack(s.folder, s.stack, s.config);
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "fleet");
    });
    afterEach(() => git("checkout", "-q", "--", "."));
    after(() => repo.remove());

    it("does nothing, and says so, when no stack file was removed", async () => {
        const { runner, calls } = recordingRunner();
        const r = await run(
            ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans"), "--preview"],
            runner,
        );
        assert.equal(r.code, 0, r.err);
        assert.equal(
            r.out,
            "fleet destroy --preview: no stack file was removed since main: nothing to destroy\n",
        );
        assert.deepEqual(calls, []);
    });

    it("plans the destroy of a removed source stack only, with the file as the base held it", async () => {
        fs.rmSync(fileOf(MARKETING));
        const removed = removedStacks(repo.root, "main", "organization");
        assert.deepEqual(
            removed.sources.map((r) => r.entry.name),
            ["organization/grafana-athena-source/marketing"],
        );
        assert.deepEqual(removed.workspaces, []);
        assert.match(removed.sources[0].baseText, /grafana-athena-source:label: Marketing/);
        const { runner, calls } = recordingRunner();
        const r = await run(
            ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans"), "--preview"],
            runner,
        );
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(calls, ["preview organization/grafana-athena-source/marketing"]);
        assert.match(r.out, /^fleet destroy --preview: 1 stacks: 1 changed, 0 unchanged, 0 failed$/m);
        assert.match(r.out, /\| organization\/grafana-athena-source\/marketing \| changed \| delete 7 \|/);
    });

    it("destroys the workspaces first, and a source only when no workspace stack file lists it", async () => {
        // finance is still listed by the bi workspace stack: held, and nothing is run for it.
        fs.rmSync(fileOf(FINANCE));
        const held = recordingRunner();
        const r = await run(
            ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans")],
            held.runner,
        );
        assert.equal(r.code, 1);
        assert.deepEqual(held.calls, []);
        assert.match(
            r.out,
            /\| organization\/grafana-athena-source\/finance \| failed \| no changes \| 0 \| infra-account-a\/Pulumi\.bi\.yaml still lists it in sources: remove it there first \|/,
        );

        // With the bi workspace stack removed too: bi first, then finance.
        fs.rmSync(fileOf(BI_WORKSPACE));
        const both = recordingRunner();
        const ok = await run(
            ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans")],
            both.runner,
        );
        assert.equal(ok.code, 0, ok.err);
        assert.deepEqual(both.calls, [
            "up organization/grafana-athena-workspace/bi",
            "up organization/grafana-athena-source/finance",
        ]);

        // A workspace whose destroy fails keeps its sources.
        const failing = recordingRunner(["bi"]);
        const bad = await run(
            ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans")],
            failing.runner,
        );
        assert.equal(bad.code, 1);
        assert.deepEqual(failing.calls, ["up organization/grafana-athena-workspace/bi"]);
        assert.match(
            bad.out,
            /\| organization\/grafana-athena-source\/finance \| skipped \| no changes \| 0 \| a workspace stack's run failed; a source goes only once no workspace charts it \|/,
        );
    });

    it("applies only a saved destroy plan, and only to a removed stack (the real runner, before it calls Pulumi)", async () => {
        fs.rmSync(fileOf(MARKETING));
        const removed = removedStacks(repo.root, "main", "organization");
        const runner = destroyRunner(
            repo.root,
            new Map(removed.sources.map((r) => [r.entry.name, r])),
            path.join(repo.root, "no-plans"),
        );
        await assert.rejects(
            runner.run("up", removed.sources[0].entry, () => undefined, {}),
            /^Error: no reviewed destroy plan for organization\/grafana-athena-source\/marketing .*: run fleet destroy --preview first$/,
        );
        const kept: StackEntry = {
            ...removed.sources[0].entry,
            name: "organization/grafana-athena-source/finance",
            stack: "finance",
            file: fileOf(FINANCE),
        };
        await assert.rejects(
            runner.run("preview", kept, () => undefined, {}),
            /has a stack file: only a removed stack is destroyed/,
        );
    });

    it("--list: the removed stacks in the order they are destroyed, offline, as text or as fleet list's JSON", async () => {
        const none = await run(["destroy", "--base", "main", "--list", "--json"]);
        assert.equal(none.code, 0, none.err);
        assert.equal(none.out, '{"sources":[],"workspaces":[]}\n');
        // The last workspace stack and its source removed together: both listed, the workspace first.
        fs.rmSync(fileOf(BI_WORKSPACE));
        fs.rmSync(fileOf(FINANCE));
        const json = await run(["destroy", "--base", "main", "--list", "--json"]);
        assert.equal(json.code, 0, json.err);
        assert.deepEqual(JSON.parse(json.out), {
            sources: ["organization/grafana-athena-source/finance"],
            workspaces: ["organization/grafana-athena-workspace/bi"],
        });
        const text = await run(["destroy", "--base", "main", "--list"]);
        assert.equal(
            text.out,
            "removed since main, destroyed in this order: organization/grafana-athena-workspace/bi " +
                "organization/grafana-athena-source/finance\n",
        );
    });

    it("--account-role: each removed source stack with its own account's role, from its file as the base held it; workspaces with the job's", async () => {
        fs.rmSync(fileOf(BI_WORKSPACE));
        fs.rmSync(fileOf(FINANCE));
        const tokens = fs.mkdtempSync(path.join(repo.root, "runner-temp-"));
        const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUveCJ9.c2lnbmF0dXJl";
        const seen: [string, Record<string, string> | undefined][] = [];
        for (const argv of [["--account-role", "grafana-athena-ci-deploy"], []]) {
            seen.length = 0;
            let out = "";
            let err = "";
            const code = await fleet(
                [
                    "destroy",
                    "--base",
                    "main",
                    "--plan-dir",
                    path.join(repo.root, "plans"),
                    "--root",
                    repo.root,
                    ...argv,
                ],
                {
                    out: (t) => (out += t),
                    err: (t) => (err += t),
                    stackRunner: (stackEnv) => ({
                        async run(_command, entry) {
                            seen.push([entry.stack, await stackEnv?.(entry)]);
                            return { changes: { delete: 1 } };
                        },
                    }),
                    fetch: async () => ({
                        ok: true,
                        status: 200,
                        text: async () => JSON.stringify({ value: jwt }),
                    }),
                    env: {
                        ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/idtoken?api-version=2.0",
                        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "bearer-0123456789",
                        RUNNER_TEMP: tokens,
                        // The option wins over the variable; without the option, the variable is used.
                        FLEET_ACCOUNT_ROLE:
                            argv.length > 0 ? "grafana-athena-ci-plan" : "grafana-athena-ci-deploy",
                    },
                },
            );
            assert.equal(code, 0, err);
            assert.doesNotMatch(out + err, new RegExp(jwt));
            assert.deepEqual(
                seen.map(([stack]) => stack),
                ["bi", "finance"],
            );
            // The workspace keeps the job's credentials; finance's file is gone, its account
            // (555566667777) read from the base.
            assert.equal(seen[0][1], undefined);
            assert.equal(seen[1][1]?.AWS_ROLE_ARN, "arn:aws:iam::555566667777:role/grafana-athena-ci-deploy");
            assert.equal(fs.readFileSync(seen[1][1]!.AWS_WEB_IDENTITY_TOKEN_FILE, "utf8"), jwt);
        }
    });

    it("destroys only a stack with nothing left at its file's path: a link in its place, dangling or not, keeps it", async () => {
        for (const target of ["Pulumi.nowhere.yaml", `Pulumi.${MARKETING.stack}.yaml`]) {
            fs.rmSync(fileOf(FINANCE));
            fs.symlinkSync(target, fileOf(FINANCE));
            try {
                const list = await run(["destroy", "--base", "main", "--list", "--json"]);
                assert.equal(list.code, 0, list.err);
                assert.deepEqual(JSON.parse(list.out), { sources: [], workspaces: [] });
            } finally {
                fs.rmSync(fileOf(FINANCE));
                git("checkout", "-q", "--", ".");
            }
        }
    });

    it("holds a removed stack that a file of the checkout names ignoring case (one stack to Pulumi Cloud)", async () => {
        // Pulumi.marketing.yaml renamed Pulumi.Marketing.yaml: one Cloud stack, updated, never destroyed.
        const renamed = path.join(repo.root, MARKETING.folder, "Pulumi.Marketing.yaml");
        fs.renameSync(fileOf(MARKETING), renamed);
        try {
            const list = await run(["destroy", "--base", "main", "--list", "--json"]);
            assert.deepEqual(JSON.parse(list.out).sources, ["organization/grafana-athena-source/marketing"]);
            const { runner, calls } = recordingRunner();
            const r = await run(
                ["destroy", "--base", "main", "--plan-dir", path.join(repo.root, "plans"), "--preview"],
                runner,
            );
            assert.equal(r.code, 1);
            assert.deepEqual(calls, []);
            assert.match(
                r.out,
                /\| organization\/grafana-athena-source\/marketing \| failed \| no changes \| 0 \| infra-account-b\/Pulumi\.Marketing\.yaml is the same stack to Pulumi Cloud, whose stack names ignore case: not destroyed/,
            );
        } finally {
            fs.rmSync(renamed);
        }
    });

    it("--tip: holds a removed stack whose file the branch's tip holds again (a re-run after it was added back)", async () => {
        git("checkout", "-q", "-b", "removal");
        try {
            fs.rmSync(fileOf(MARKETING));
            git("commit", "-q", "-am", "marketing removed");
            // main (the tip) still, or again, holds Pulumi.marketing.yaml.
            const { runner, calls } = recordingRunner();
            const r = await run(
                ["destroy", "--base", "main", "--tip", "main", "--plan-dir", path.join(repo.root, "plans")],
                runner,
            );
            assert.equal(r.code, 1);
            assert.deepEqual(calls, []);
            assert.match(
                r.out,
                /\| organization\/grafana-athena-source\/marketing \| failed \| no changes \| 0 \| main \([0-9a-f]{12}\) holds its stack file again: not destroyed \|/,
            );
            // The tip is the removal itself: destroyed.
            const ok = recordingRunner();
            const applied = await run(
                ["destroy", "--base", "main", "--tip", "HEAD", "--plan-dir", path.join(repo.root, "plans")],
                ok.runner,
            );
            assert.equal(applied.code, 0, applied.err);
            assert.deepEqual(ok.calls, ["up organization/grafana-athena-source/marketing"]);
        } finally {
            git("checkout", "-q", "main");
            git("branch", "-q", "-D", "removal");
        }
    });

    it("refuses a bad command line with exit 2: no --base, a base that is no commit, no --plan-dir, a bad --account-role, --json without --list", async () => {
        // A commit of another history (the empty tree's): no merge base with HEAD.
        const orphan = git(
            "commit-tree",
            "-m",
            "another history",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        ).trim();
        const unrelated = await run(["destroy", "--base", orphan, "--list"]);
        assert.equal(unrelated.code, 2, unrelated.err);
        assert.equal(
            unrelated.err,
            `fleet: --base "${orphan}" shares no history with HEAD (no merge base): ` +
                "give a commit of this branch's history\n",
        );
        for (const argv of [
            ["destroy", "--plan-dir", "x"],
            ["destroy", "--base", "no-such-ref", "--plan-dir", "x"],
            ["destroy", "--base", "main"],
            ["destroy", "--base", "main", "--plan-dir", "x", "--account-role", "grafana athena\nINJECTED"],
            ["destroy", "--base", "main", "--plan-dir", "x", "--json"],
            ["destroy", "--base", "main", "--list", "--preview"],
            ["destroy", "--base", "main", "--list", "--tip", "no-such-ref"],
            ["destroy", "--base", "main", "--list", "--tip", "--output=x"],
        ]) {
            const r = await run(argv);
            assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
            assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
        }
    });
});
