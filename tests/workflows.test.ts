/**
 * The CI's security properties (tests/support/workflowRules.ts), asserted on the repository's own
 * workflows, local action and CODEOWNERS, and each shown to catch a CI that breaks it. The breaking
 * cases edit the parsed YAML (a job's condition, a step's input), not the text, so rewording a step
 * or moving a line does not make them miss.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { pinnedPulumiCli } from "./support/workflowCliRules";
import { conjuncts, parseExpression, refsOf, show } from "./support/workflowExpressions";
import { RULES } from "./support/workflowRules";
import { changesStacks, commandsOf, fleetCommand } from "./support/workflowShell";
import { codeownersMatch } from "./support/workflowStepRules";
import { TRUST_RULES } from "./support/workflowTrust";
import {
    ACTIONS,
    CLI,
    COMMENT,
    DEPLOY,
    GITHUB,
    PINS,
    PR,
    PREVIEW,
    ROOT,
    TEXTS,
    WORKFLOWS,
    addJob,
    addStep,
    build,
    caught,
    edit,
    job,
    rewrite,
    runs,
    step,
    uses,
} from "./support/workflowCi";

describe("workflows: the security properties hold", () => {
    it("the four workflows, the Pulumi CLI action and CODEOWNERS exist and parse", () => {
        assert.deepEqual(WORKFLOWS, ["deploy.yml", "plan-comment.yml", "preview.yml", "pull-request.yml"]);
        assert.deepEqual(ACTIONS, ["pulumi-cli"]);
        const ci = build();
        for (const wf of ci.workflows) assert.ok(Object.keys(wf.jobs).length > 0, `${wf.file} has no jobs`);
        assert.ok(ci.codeowners);
    });

    for (const [name, rule] of Object.entries({ ...RULES, ...TRUST_RULES })) {
        it(`${name}: no violation`, () => assert.deepEqual(rule(build()), []));
    }

    it("the CI's Pulumi CLI is the SDK version of the lockfile (Dependabot's SDK bumps fail here until the pin follows)", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version: string }>;
        };
        assert.deepEqual(pinnedPulumiCli(build()), [lock.packages["node_modules/@pulumi/pulumi"].version]);
    });

    it("the pin table holds exactly the pins the workflows use (no stale entry to hide a wrong comment)", () => {
        const used = new Set(
            build()
                .workflows.flatMap((wf) => wf.useComments.map((u) => u.uses))
                .filter((u) => !u.startsWith("./")),
        );
        const table = new Set(
            Object.entries(PINS).flatMap(([a, refs]) => Object.keys(refs).map((r) => `${a}@${r}`)),
        );
        assert.deepEqual([...table].sort(), [...used].sort());
    });
});

describe("workflows: expressions and scripts are read as GitHub and bash read them", () => {
    it("contexts and functions in any case, indexes, whole contexts passed on", () => {
        assert.deepEqual(refsOf(parseExpression("SECRETS.Pulumi_Access_Token")), [
            "secrets.pulumi_access_token",
        ]);
        assert.deepEqual(refsOf(parseExpression("secrets['PULUMI_ACCESS_TOKEN']")), [
            "secrets.pulumi_access_token",
        ]);
        assert.deepEqual(refsOf(parseExpression("toJson(secrets)")), ["secrets"]);
        assert.deepEqual(refsOf(parseExpression("secrets[format('{0}', vars.NAME)]")), [
            "secrets.*",
            "vars.name",
        ]);
        assert.equal(
            show(parseExpression("FromJSON(needs.A.outputs.shards)")),
            "fromjson(needs.a.outputs.shards)",
        );
    });

    it("conjuncts: a condition's top-level && terms, none when a top-level || makes every term optional", () => {
        assert.deepEqual((conjuncts("${{ a == 'x && y' && (b || c) && !cancelled() }}") ?? []).map(show), [
            "(a == 'x && y')",
            "(b || c)",
            "!cancelled()",
        ]);
        assert.equal(conjuncts("a && b || c"), undefined);
        assert.deepEqual(conjuncts(undefined), []);
        // Text around ${{ }} makes a non-empty string: always true, no term.
        assert.deepEqual(conjuncts("x ${{ github.ref == 'refs/heads/main' }}"), []);
    });

    it("commands: flags before the command, substitutions, keywords and assignments", () => {
        assert.ok(changesStacks(commandsOf("pulumi --non-interactive destroy --yes")[0]));
        assert.ok(!changesStacks(commandsOf("pulumi --non-interactive preview")[0]));
        assert.deepEqual(
            commandsOf('if x=1 npm run --silent fleet -- up --plan-dir "$D"; then echo ok; fi').map((w) =>
                fleetCommand(w),
            ),
            [["up", "--plan-dir", "$D"], undefined],
        );
        assert.deepEqual(
            fleetCommand(commandsOf('shards=$(npm run --silent fleet -- shards --max "$M" --json)')[0]),
            ["shards", "--max", "$M", "--json"],
        );
    });

    it("CODEOWNERS patterns", () => {
        assert.ok(codeownersMatch("/.github/", ".github/workflows/deploy.yml"));
        assert.ok(codeownersMatch("*.json", "tests/fixtures/action-pins.json"));
        assert.ok(codeownersMatch("/tests/**/*.ts", "tests/support/workflowRules.ts"));
        assert.ok(!codeownersMatch("/package.json", "tools/package.json"));
        assert.ok(!codeownersMatch("/.github/workflows/", ".github/CODEOWNERS"));
    });
});

describe("workflows: the pull request comment plans the real stacks", () => {
    const ci = build();
    const wf = (file: string) => ci.workflows.find((w) => `workflows/${w.file}` === file)!;
    const commands = (file: string, jobName: string) =>
        (wf(file).jobs[jobName].steps ?? []).flatMap((s) =>
            s.run ? commandsOf(s.run).map((w) => ({ s, w })) : [],
        );

    it("the pull request's run plans the stacks its change touches (fleet synth --base, all of them when a program changed) and uploads them", () => {
        const synth = commands(PR, "test").find(({ w }) => fleetCommand(w)?.[0] === "synth");
        assert.ok(synth, "no fleet synth");
        const args = fleetCommand(synth.w)!;
        assert.equal(args[args.indexOf("--base") + 1], "$BASE_SHA");
        assert.equal(synth.s.env?.BASE_SHA, "${{ github.event.pull_request.base.sha }}");
        const out = args[args.indexOf("--out") + 1];
        const upload = (wf(PR).jobs.test.steps ?? []).find((s) =>
            s.uses?.startsWith("actions/upload-artifact@"),
        );
        assert.equal(upload?.with?.name, "plans");
        assert.equal(path.posix.join(String(upload?.with?.path), "plans"), out);
        const checkout = (wf(PR).jobs.test.steps ?? []).find((s) => s.uses?.startsWith("actions/checkout@"));
        assert.equal(checkout?.with?.["fetch-depth"], 0, "--base needs the history since the base");
    });

    it("the comment's base job plans every stack with fleet synth, falling back to npm run synth on a base from before it", () => {
        const found = commands(COMMENT, "base").map(({ w }) => w);
        assert.ok(
            found.some((w) => fleetCommand(w)?.[0] === "synth" && w.includes("--out")),
            "no fleet synth --out",
        );
        assert.ok(
            found.some((w) => fleetCommand(w)?.[0] === "synth" && w.includes("--help")),
            "no probe for fleet synth",
        );
        assert.ok(
            found.some((w) => w[0] === "npm" && w[1] === "run" && w[2] === "synth"),
            "no npm run synth fallback",
        );
    });

    it("the base's plans narrowed to the stacks the pull request planned or removed: the render step's own script, run", () => {
        const narrow = (wf(COMMENT).jobs.render.steps ?? []).find((s) => s.env?.REMOVED !== undefined)!;
        const [node] = commandsOf(narrow.run!).filter((w) => w[0] === "node");
        assert.equal(node[1], "-e");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "narrow-"));
        const dirs = {
            PLANS: path.join(tmp, "head"),
            BASE_PLANS: path.join(tmp, "base"),
            SELECTED: path.join(tmp, "selected"),
        };
        fs.mkdirSync(dirs.PLANS);
        fs.mkdirSync(dirs.BASE_PLANS);
        for (const f of ["infra-account-b.new.json", "infra-account-a.prod.json"])
            fs.writeFileSync(path.join(dirs.PLANS, f), "{}");
        for (const f of [
            "infra-account-a.prod.json",
            "infra-account-b.untouched.json",
            "infra-account-b.gone.json",
            ".keep",
        ])
            fs.writeFileSync(path.join(dirs.BASE_PLANS, f), "{}");
        try {
            const run = spawnSync(process.execPath, ["-e", node[2]], {
                env: { ...dirs, REMOVED: JSON.stringify(["infra-account-b.gone.json"]) },
                encoding: "utf8",
            });
            assert.equal(run.status, 0, run.stderr);
            // The new account is only on the pull request's side (it shows as added); the untouched stack is left out.
            assert.deepEqual(fs.readdirSync(dirs.SELECTED).sort(), [
                "infra-account-a.prod.json",
                "infra-account-b.gone.json",
            ]);
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("the base job's note is a word of a fixed set, whatever the status step wrote: the step's own script, run", () => {
        const noteStep = (wf(COMMENT).jobs.base.steps ?? []).find((s) => s.id === "note")!;
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "note-"));
        try {
            const note = (status: string) => {
                const out = path.join(tmp, `out-${status.length}-${Math.random()}`);
                // stdin not a pipe: bash run with a socket on stdin and no SHLVL takes itself for a remote
                // shell and reads ~/.bashrc (Debian's SSH_SOURCE_BASHRC), the user's, not the step's.
                const run = spawnSync("bash", ["-e", "-c", noteStep.run!], {
                    env: {
                        PATH: process.env.PATH,
                        STATUS: status,
                        PLANS: path.join(tmp, "plans"),
                        GITHUB_OUTPUT: out,
                    },
                    stdio: ["ignore", "pipe", "pipe"],
                    encoding: "utf8",
                });
                assert.equal(run.status, 0, run.stderr);
                return fs.readFileSync(out, "utf8").trim();
            };
            assert.equal(note("planned"), "note=planned");
            assert.equal(note("examples"), "note=examples");
            assert.equal(note(""), "note=not-default-branch");
            assert.equal(note("planned\nnote=<img src=x>"), "note=none");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("the comment lists the policy pack's violations: every plan diff that writes the uploaded comment passes --policy, on the pull request's plans read with --from-pull-request", () => {
        const steps = wf(COMMENT).jobs.render.steps ?? [];
        const uploaded = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.path;
        assert.equal(uploaded, "${{ runner.temp }}/comment.md");
        const writes = commands(COMMENT, "render").filter(
            ({ w }) => w.includes("plan-diff") && w[w.indexOf("--out") + 1] === "$RUNNER_TEMP/comment.md",
        );
        assert.equal(writes.length, 2, "the diff and the --failed comment");
        for (const { w } of writes) {
            assert.ok(w.includes("--policy"), w.join(" "));
            assert.ok(w.includes("--from-pull-request"), w.join(" "));
            assert.equal(w[w.indexOf("--") + 2], "$PLANS", "the head: the pull request's plans");
        }
        assert.ok(writes.some(({ w }) => w.includes("--failed")));
    });

    it("the base's plans are narrowed to the stacks the pull request planned or removed before the diff", () => {
        const steps = wf(COMMENT).jobs.render.steps ?? [];
        const narrow = steps.findIndex((s) => s.env?.REMOVED === "${{ needs.check.outputs.removed }}");
        const render = steps.findIndex((s) => /--full/.test(s.run ?? ""));
        assert.ok(narrow >= 0 && narrow < render);
        assert.equal(steps[render].env?.SELECTED, steps[narrow].env?.SELECTED);
    });
});

describe("workflows: each property catches a workflow that breaks it", () => {
    it("pins: an action at a tag, no version comment, a comment that is not the SHA's tag, an unverified SHA, a flow-style step", () => {
        caught(
            edit(PR, (d) => step(d, "test", uses("actions/checkout@")).set("uses", "actions/checkout@v5")),
            /actions\/checkout@v5 is not pinned/,
        );
        caught(
            edit(
                PR,
                (d) =>
                    ((step(d, "test", uses("actions/setup-node@")).get("uses", true) as YAML.Scalar).comment =
                        undefined),
            ),
            /setup-node@[0-9a-f]{40} has no "# vX\.Y\.Z" version comment/,
        );
        caught(
            edit(
                PR,
                (d) =>
                    ((step(d, "test", uses("actions/setup-node@")).get("uses", true) as YAML.Scalar).comment =
                        " v5.0.1"),
            ),
            /setup-node@[0-9a-f]{40} is v5\.0\.0, not v5\.0\.1/,
        );
        caught(
            edit(
                DEPLOY,
                (d) =>
                    ((step(d, "test", uses("actions/checkout@")).get("uses", true) as YAML.Scalar).value =
                        `actions/checkout@${"a".repeat(40)}`),
            ),
            /actions\/checkout@a{40} is not in the verified pin table/,
        );
        caught(
            edit(PR, (d) => {
                const node = addStep(d, "test", { uses: "actions/cache@v4" });
                (node as YAML.YAMLMap).flow = true;
            }),
            /actions\/cache@v4 is not pinned/,
        );
    });

    it("triggers: pull_request_target, issue_comment", () => {
        caught(
            edit(PR, (d) => d.set("on", d.createNode({ pull_request_target: null }))),
            /runs on pull_request_target/,
        );
        caught(
            edit(PR, (d) => d.set("on", d.createNode({ issue_comment: { types: ["created"] } }))),
            /runs on issue_comment/,
        );
    });

    it("token: no permissions block (the repository's default token), write-all, contents: write on a deploy job, id-token for the whole workflow", () => {
        caught(
            edit(PR, (d) => d.delete("permissions")),
            /pull-request\.yml: job test has no permissions block/,
        );
        caught(
            edit(PR, (d) => d.set("permissions", "write-all")),
            /the workflow may write all/,
        );
        caught(
            edit(DEPLOY, (d) =>
                job(d, "apply-sources").set(
                    "permissions",
                    d.createNode({ "id-token": "write", contents: "write" }),
                ),
            ),
            /job apply-sources may write contents/,
        );
        caught(
            edit(PR, (d) => d.set("permissions", d.createNode({ contents: "read", "id-token": "write" }))),
            /the workflow may write id-token/,
        );
    });

    it("pull request credentials: the deploy role in any case, no approval-gated environment, forks, Dependabot by the last actor", () => {
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", uses("aws-actions/")).setIn(
                    ["with", "role-to-assume"],
                    "${{ VARS.AWS_ROLE_ARN }}",
                ),
            ),
            /names the deploy role/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", uses("aws-actions/")).setIn(
                    ["with", "role-to-assume"],
                    "arn:aws:iam::111122223333:role/deploy",
                ),
            ),
            /names the deploy role/,
        );
        caught(
            edit(PREVIEW, (d) => job(d, "preview-sources").delete("environment")),
            /preview-sources gets credentials outside the preview environment/,
        );
        caught(
            edit(PREVIEW, (d) => job(d, "preview-sources").set("environment", "production")),
            /uses the production environment/,
        );
        caught(
            edit(PREVIEW, (d) =>
                rewrite(
                    job(d, "preview-sources"),
                    "if",
                    "github.event.pull_request.head.repo.full_name == github.repository",
                    "(github.event.pull_request.head.repo.full_name == github.repository || true)",
                ),
            ),
            /preview-sources gets credentials for forks too/,
        );
        const byActor = edit(PREVIEW, (d) =>
            rewrite(
                job(d, "preview-workspaces"),
                "if",
                "github.event.pull_request.user.login != 'dependabot[bot]'",
                "github.actor != 'dependabot[bot]'",
            ),
        );
        caught(byActor, /preview-workspaces does not exclude Dependabot's pull requests by their author/);
        caught(byActor, /preview-workspaces decides by github\.actor/);
        caught(
            edit(DEPLOY, (d) =>
                job(d, "plan-workspaces").set(
                    "if",
                    `${job(d, "plan-workspaces").get("if")} && github.triggering_actor != 'x'`,
                ),
            ),
            /plan-workspaces decides by github\.actor/,
        );
    });

    it("a secret in a job outside the preview environment counts as a credential, however it is written; so does one in the workflow's env", () => {
        for (const secret of [
            "secrets.PULUMI_ACCESS_TOKEN",
            "SECRETS.PULUMI_ACCESS_TOKEN",
            "secrets['PULUMI_ACCESS_TOKEN']",
            "toJson(secrets)",
            "secrets[format('{0}', 'X')]",
        ]) {
            caught(
                edit(PR, (d) =>
                    addJob(d, "leak", {
                        "runs-on": "ubuntu-latest",
                        steps: [{ run: 'echo "$T"', env: { T: `\${{ ${secret} }}` } }],
                    }),
                ),
                /job leak gets credentials outside the preview environment/,
            );
        }
        const wide = edit(PR, (d) =>
            d.set("env", d.createNode({ T: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" })),
        );
        caught(wide, /the workflow's env hands a secret to every job/);
        caught(wide, /job test gets credentials outside the preview environment/);
    });

    it("the comment: the pull request's head checked out, code run with the write token, a base of any branch, a post not bound to the run's head, unbounded base plans", () => {
        caught(
            edit(COMMENT, (d) =>
                step(d, "base", uses("actions/checkout@")).setIn(
                    ["with", "ref"],
                    "${{ github.event.workflow_run.head_sha }}",
                ),
            ),
            /checks out the pull request's ref/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "base", uses("actions/checkout@")).setIn(
                    ["with", "ref"],
                    "refs/pull/${{ needs.check.outputs.number }}/head",
                ),
            ),
            /checks out the pull request's ref/,
        );
        caught(
            edit(COMMENT, (d) =>
                addStep(d, "post", { run: "node script.js", "working-directory": "main" }, 0),
            ),
            /job post has a write token and runs a command/,
        );
        caught(
            edit(COMMENT, (d) =>
                addStep(
                    d,
                    "post",
                    {
                        uses: step(d, "render", uses("actions/checkout@")).get("uses"),
                        with: { "persist-credentials": false },
                    },
                    0,
                ),
            ),
            /job post has a write token and runs actions\/checkout/,
        );
        caught(
            edit(COMMENT, (d) =>
                rewrite(
                    step(d, "render", runs(/--full/)),
                    "run",
                    /"\$PLANS" --from-pull-request/g,
                    '"$PLANS"',
                ),
            ),
            /renders the plans without --from-pull-request/,
        );
        caught(
            edit(COMMENT, (d) =>
                addStep(
                    d,
                    "render",
                    {
                        uses: step(d, "render", uses("actions/checkout@")).get("uses"),
                        with: {
                            ref: "${{ needs.check.outputs.base }}",
                            path: "base",
                            "persist-credentials": false,
                        },
                    },
                    0,
                ),
            ),
            /renders the comment beside a checkout of another commit/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "render", runs(/--full/)).set("working-directory", "${{ runner.temp }}/pull-request"),
            ),
            /runs a command outside a checkout of its own/,
        );
        caught(
            edit(COMMENT, (d) => step(d, "base", uses("actions/checkout@")).delete("if")),
            /base checks out a base without requiring the default branch/,
        );
        caught(
            edit(COMMENT, (d) =>
                rewrite(
                    step(d, "base", uses("actions/checkout@")),
                    "if",
                    "&& needs.check.outputs.base-repo == github.repository",
                    "|| needs.check.outputs.base-repo == github.repository",
                ),
            ),
            /base checks out a base without requiring the default branch/,
        );
        caught(
            edit(COMMENT, (d) =>
                rewrite(
                    job(d, "post"),
                    "if",
                    /&&\s*needs\.check\.outputs\.head-repo == github\.event\.workflow_run\.head_repository\.full_name/,
                    "",
                ),
            ),
            /post may post without the pull request's head-repo/,
        );
        caught(
            edit(COMMENT, (d) =>
                rewrite(
                    job(d, "post"),
                    "if",
                    /&&\s*needs\.check\.outputs\.head-branch == github\.event\.workflow_run\.head_branch/,
                    "",
                ),
            ),
            /post may post without the pull request's head-branch/,
        );
        caught(
            edit(COMMENT, (d) =>
                rewrite(
                    step(d, "render", runs(/--full/)),
                    "run",
                    /npm run --silent plan-diff -- "\$RUNNER_TEMP\/no-plans"[^\n]*&&\n\s*/,
                    "",
                ),
            ),
            /job render renders base plans .* not held to the pull request's limits/,
        );
    });

    it("deploys: no main guard, an unreviewed plan, another Pulumi command (flags first), the deploy role outside production", () => {
        caught(
            edit(DEPLOY, (d) =>
                rewrite(job(d, "apply-sources"), "if", "github.ref == 'refs/heads/main' && ", ""),
            ),
            /apply-sources \(production\) does not require refs\/heads\/main/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    job(d, "apply-sources"),
                    "if",
                    "github.ref == 'refs/heads/main' && ",
                    "github.ref == 'refs/heads/main' || ",
                ),
            ),
            /apply-sources \(production\) does not require refs\/heads\/main/,
        );
        caught(
            edit(DEPLOY, (d) => {
                const steps = job(d, "apply-workspaces").get("steps") as YAML.YAMLSeq;
                steps.items = steps.items.filter((s) => (s as YAML.YAMLMap).get("name") !== "Only from main");
            }),
            /apply-workspaces \(production\) does not check GITHUB_REF first/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-workspaces", (s) => s.name === "Only from main").set(
                    "continue-on-error",
                    true,
                ),
            ),
            /apply-workspaces \(production\) does not check GITHUB_REF first/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-workspaces", runs(/fleet -- up/)),
                    "run",
                    ' --plan-dir "$PLAN_DIR"',
                    "",
                ),
            ),
            /apply-workspaces changes stacks other than by applying a reviewed plan/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-workspaces", runs(/fleet -- up/)),
                    "run",
                    /$/,
                    " && pulumi --non-interactive destroy --yes",
                ),
            ),
            /apply-workspaces changes stacks other than by applying a reviewed plan/,
        );
        caught(
            edit(DEPLOY, (d) =>
                addStep(d, "plan-workspaces", { run: "pulumi --non-interactive destroy --yes" }),
            ),
            /plan-workspaces deploys outside production/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-workspaces", uses("actions/download-artifact@")).setIn(
                    ["with", "name"],
                    "something-else",
                ),
            ),
            /apply-workspaces applies plans that no plan job it needs saved/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-workspaces", uses("actions/download-artifact@")).setIn(["with", "run-id"], 1),
            ),
            /downloads artifacts of another run/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "plan-workspaces", uses("aws-actions/")).setIn(
                    ["with", "role-to-assume"],
                    "${{ VARS.AWS_ROLE_ARN }}",
                ),
            ),
            /plan-workspaces uses the deploy role outside production/,
        );
        caught(
            edit(DEPLOY, (d) =>
                (d.get("on") as YAML.YAMLMap).set(
                    "workflow_run",
                    d.createNode({ workflows: ["Pull request"] }),
                ),
            ),
            /apply-sources \(production\) runs on workflow_run/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-sources", uses("actions/checkout@")).setIn(
                    ["with", "ref"],
                    "${{ github.event.inputs.ref }}",
                ),
            ),
            /checks out something other than the run's commit/,
        );
    });

    it("caches: cache: npm, package-manager-cache not false, actions/cache in a credentialed job or one whose outputs it relies on", () => {
        caught(
            edit(DEPLOY, (d) => step(d, "test", uses("actions/setup-node@")).setIn(["with", "cache"], "npm")),
            /deploy\.yml: job test restores a actions\/setup-node cache/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-sources", uses("actions/setup-node@")).deleteIn([
                    "with",
                    "package-manager-cache",
                ]),
            ),
            /job apply-sources lets setup-node cache/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", uses("actions/setup-node@")).setIn(
                    ["with", "package-manager-cache"],
                    true,
                ),
            ),
            /job preview-sources lets setup-node cache/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "affected", uses("actions/setup-node@")).setIn(["with", "cache"], "npm"),
            ),
            /preview\.yml: job affected restores a actions\/setup-node cache/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "base", uses("actions/setup-node@")).setIn(["with", "package-manager-cache"], "true"),
            ),
            /plan-comment\.yml: job base lets setup-node cache/,
        );
        caught(
            edit(PREVIEW, (d) =>
                addStep(
                    d,
                    "preview-workspaces",
                    { uses: `actions/cache@${"b".repeat(40)}`, with: { path: "~/.npm", key: "npm" } },
                    1,
                ),
            ),
            /job preview-workspaces restores or saves a cache \(actions\/cache@b{40}\)/,
        );
        // The pull request's own test job holds no credential: its cache stays.
        assert.deepEqual(
            RULES.noCaches(
                edit(PR, (d) => step(d, "test", uses("actions/setup-node@")).setIn(["with", "cache"], "npm")),
            ),
            [],
        );
    });

    it("the Pulumi CLI: pulumi/actions, not installed first, a range, too old, not from the release, not checked before extracting", () => {
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", (s) => s.uses === "./.github/actions/pulumi-cli").set(
                    "uses",
                    `pulumi/actions@${"c".repeat(40)}`,
                ),
            ),
            /preview-sources installs the Pulumi CLI with pulumi\/actions/,
        );
        caught(
            edit(DEPLOY, (d) => {
                const steps = job(d, "plan-sources").get("steps") as YAML.YAMLSeq;
                steps.items = steps.items.filter(
                    (s) => (s as YAML.YAMLMap).get("uses") !== "./.github/actions/pulumi-cli",
                );
            }),
            /plan-sources runs Pulumi without installing the verified CLI/,
        );
        const cli = (change: (s: YAML.YAMLMap) => void) =>
            edit(CLI, (d) => change((d.getIn(["runs", "steps"]) as YAML.YAMLSeq).items[0] as YAML.YAMLMap));
        caught(
            cli((s) => s.setIn(["env", "PULUMI_VERSION"], "^3")),
            /PULUMI_VERSION "\^3" is not one version/,
        );
        caught(
            cli((s) => s.setIn(["env", "PULUMI_VERSION"], "3.186.0")),
            /PULUMI_VERSION 3\.186\.0 is older than 3\.187\.0/,
        );
        caught(
            cli((s) =>
                rewrite(
                    s,
                    "run",
                    "https://github.com/pulumi/pulumi/releases/download",
                    "https://get.pulumi.com/releases/sdk",
                ),
            ),
            /downloads .*get\.pulumi\.com.* other than from the pulumi\/pulumi release/,
        );
        caught(
            cli((s) => rewrite(s, "run", /\n.*sha256sum --check --strict.*\n/, "\n")),
            /extracts the CLI without checking its SHA-256 first/,
        );
    });

    it("matrices: over stacks, a shard of another count, stacks by hand, a hand-kept stack list", () => {
        caught(
            edit(DEPLOY, (d) =>
                job(d, "plan-sources").setIn(["strategy", "matrix"], d.createNode({ stack: ["a", "b"] })),
            ),
            /plan-sources has a matrix that is not the fleet's shards/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-sources", runs(/fleet -- up/)).setIn(
                    ["env", "SHARD"],
                    "${{ matrix.shard }}/4",
                ),
            ),
            /apply-sources does not run its own shard/,
        );
        caught(
            edit(PREVIEW, (d) =>
                rewrite(
                    step(d, "preview-workspaces", runs(/fleet -- preview/)),
                    "run",
                    "--workspaces",
                    "--stacks a,b",
                ),
            ),
            /preview-workspaces names stacks by hand/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "affected", runs(/fleet -- shards/)).setIn(["env", "PULUMI_SOURCE_STACKS"], "x"),
            ),
            /hand-kept stack list/,
        );
    });

    it("the schedule: none, not weekly, no drift report, no token rotation on schedule", () => {
        caught(
            edit(DEPLOY, (d) => (d.get("on") as YAML.YAMLMap).delete("schedule")),
            /no workflow runs on a schedule/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "plan-sources", (s) => String(s.name).startsWith("Drift")),
                    "run",
                    " --expect-no-changes",
                    "",
                ),
            ),
            /does not report drift \(--shard\)/,
        );
        caught(
            edit(DEPLOY, (d) => d.setIn(["on", "schedule", 0, "cron"], "23 4 * * *")),
            /is not once a week/,
        );
        caught(
            edit(DEPLOY, (d) => d.setIn(["on", "schedule", 0, "cron"], "* * * * 1")),
            /is not once a week/,
        );
        caught(
            edit(DEPLOY, (d) =>
                job(d, "apply-workspaces").set(
                    "if",
                    `github.event_name == 'push' && ${job(d, "apply-workspaces").get("if")}`,
                ),
            ),
            /does not update the workspace stacks/,
        );
    });

    it("a persisted checkout token, an always() job after a skipped need, an expression in a script", () => {
        caught(
            edit(PR, (d) =>
                step(d, "test", uses("actions/checkout@")).setIn(["with", "persist-credentials"], true),
            ),
            /job test checks out with persisted credentials/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    job(d, "plan-workspaces"),
                    "if",
                    "(needs.test.outputs.count == '0' || needs.apply-sources.result == 'success')",
                    "(needs.apply-sources.result == 'success' || needs.apply-sources.result == 'skipped')",
                ),
            ),
            /plan-workspaces runs when a job it needs was skipped/,
        );
        caught(
            edit(PREVIEW, (d) =>
                rewrite(
                    job(d, "preview-workspaces"),
                    "if",
                    "(needs.affected.outputs.count == '0' || needs.preview-sources.result == 'success')",
                    "true",
                ),
            ),
            /preview-workspaces runs without needs\.preview-sources succeeding/,
        );
        caught(
            edit(DEPLOY, (d) => rewrite(job(d, "apply-workspaces"), "if", "!cancelled() && ", "")),
            /apply-workspaces runs after a cancellation/,
        );
        caught(
            edit(PR, (d) =>
                rewrite(
                    step(d, "test", runs(/pull-request\.json/)),
                    "run",
                    /^/,
                    'echo "${{ github.event.pull_request.title }}"\n',
                ),
            ),
            /pastes an expression into a script/,
        );
        caught(
            edit(CLI, (d) =>
                rewrite(
                    (d.getIn(["runs", "steps"]) as YAML.YAMLSeq).items[0] as YAML.YAMLMap,
                    "run",
                    /^/,
                    "echo ${{ inputs.x }}\n",
                ),
            ),
            /pulumi-cli\/action\.yml, step .* pastes an expression/,
        );
    });

    it("artifacts: an upload a re-run cannot repeat, plans that expire before the approval, a download into a checkout", () => {
        caught(
            edit(PR, (d) =>
                step(d, "test", uses("actions/upload-artifact@")).deleteIn(["with", "overwrite"]),
            ),
            /uploads plans without overwrite/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "plan-workspaces", uses("actions/upload-artifact@")).setIn(
                    ["with", "retention-days"],
                    1,
                ),
            ),
            /keeps its plans less than 7 days/,
        );
        caught(
            edit(DEPLOY, (d) =>
                step(d, "apply-sources", uses("actions/download-artifact@")).setIn(["with", "path"], "plans"),
            ),
            /apply-sources downloads plans-sources-.* into plans, not a folder of its own under runner\.temp/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "render", uses("actions/download-artifact@")).setIn(["with", "path"], "main/plans"),
            ),
            /render downloads plans into main\/plans/,
        );
    });

    it("install scripts: npm ci without --ignore-scripts, --ignore-scripts=false, undone by --no-ignore-scripts, another package manager", () => {
        caught(
            edit(COMMENT, (d) =>
                rewrite(step(d, "base", runs(/npm ci/)), "run", "npm ci --ignore-scripts", "npm ci"),
            ),
            /job base installs with install scripts/,
        );
        caught(
            edit(PR, (d) =>
                rewrite(
                    step(d, "test", runs(/^npm ci/)),
                    "run",
                    "--ignore-scripts",
                    "--ignore-scripts=false",
                ),
            ),
            /job test installs with install scripts/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-sources", runs(/^npm ci/)),
                    "run",
                    "npm ci --ignore-scripts",
                    "npm ci --ignore-scripts --no-ignore-scripts",
                ),
            ),
            /job apply-sources installs with install scripts/,
        );
        caught(
            edit(PR, (d) => addStep(d, "test", { run: "pnpm install", "working-directory": "." })),
            /job test installs with install scripts \(pnpm install\)/,
        );
    });

    it("CODEOWNERS: missing, a guarded file without an owner, a later line that takes the owners away, two sets of owners, a second file", () => {
        caught(build({ ...TEXTS, CODEOWNERS: undefined }), /\.github\/CODEOWNERS does not exist/);
        caught(
            build({ ...TEXTS, CODEOWNERS: TEXTS.CODEOWNERS!.replace(/^\/package-lock\.json.*$/m, "") }),
            /gives package-lock\.json no owner/,
        );
        caught(
            build({ ...TEXTS, CODEOWNERS: `${TEXTS.CODEOWNERS}/.github/workflows/\n` }),
            /gives \.github\/workflows\/pull-request\.yml no owner/,
        );
        caught(
            build({ ...TEXTS, CODEOWNERS: `${TEXTS.CODEOWNERS}/tests/workflows.test.ts @someone-else\n` }),
            /different owners/,
        );
        caught(build(TEXTS, ["CODEOWNERS"]), /CODEOWNERS exists beside \.github\/CODEOWNERS/);
    });
});

describe("workflows: Dependabot keeps the pins and the lockfile current", () => {
    it("updates github-actions and npm, weekly, releases a week old at the earliest", () => {
        const config = YAML.parse(fs.readFileSync(path.join(GITHUB, "dependabot.yml"), "utf8")) as {
            version: number;
            updates: {
                "package-ecosystem": string;
                directory: string;
                schedule: { interval: string };
                cooldown?: { "default-days"?: number };
            }[];
        };
        assert.equal(config.version, 2);
        const ecosystems = Object.fromEntries(config.updates.map((u) => [u["package-ecosystem"], u]));
        for (const e of ["github-actions", "npm"]) {
            assert.ok(ecosystems[e], `no ${e} updates`);
            assert.equal(ecosystems[e].directory, "/");
            assert.equal(ecosystems[e].schedule.interval, "weekly");
            assert.ok(
                (ecosystems[e].cooldown?.["default-days"] ?? 0) >= 7,
                `${e}: a new release is proposed before it is a week old`,
            );
        }
    });
});
