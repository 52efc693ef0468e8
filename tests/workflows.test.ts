/**
 * The CI's security properties (tests/support/workflowRules.ts), asserted on the repository's own
 * workflows, local action and CODEOWNERS; how expressions and scripts are read; the comment's
 * plans; Dependabot's settings. workflowBreaks*.test.ts show each property catching a CI that
 * breaks it.
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
import { ACTIONS, COMMENT, GITHUB, PINS, PR, ROOT, WORKFLOWS, build } from "./support/workflowCi";

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
            // The new account is only on the pull request's side (it shows as added); the untouched stack is
            // left out.
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
