/**
 * The workflows' security properties (tests/support/workflowRules.ts), asserted on the repository's
 * own workflows, and each shown to catch a workflow that breaks it.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { RULES, Workflow, conjuncts, parseWorkflow, pinnedPulumiCli, violations } from "./support/workflowRules";

const GITHUB = path.join(__dirname, "..", ".github");
const DIR = path.join(GITHUB, "workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const TEXT = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const load = (texts: Record<string, string> = TEXT): Workflow[] => Object.entries(texts).map(([f, t]) => parseWorkflow(f, t));

/** The workflows with `find` replaced by `replace` in `file` (the text must be there). */
function mutated(file: string, find: string | RegExp, replace: string): Workflow[] {
    const text = TEXT[file];
    assert.ok(typeof find === "string" ? text.includes(find) : find.test(text), `${file} no longer contains ${find}`);
    return load({ ...TEXT, [file]: text.replace(find, replace) });
}

const PR = "pull-request.yml";
const PREVIEW = "preview.yml";
const COMMENT = "plan-comment.yml";
const DEPLOY = "deploy.yml";
const CHECKOUT = "actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09 # v5.1.0";

describe("workflows: the security properties hold", () => {
    it("the pull request, preview, comment and deploy workflows exist and parse", () => {
        assert.deepEqual(FILES, [DEPLOY, COMMENT, PREVIEW, PR].sort());
        for (const wf of load()) assert.ok(Object.keys(wf.jobs).length > 0, `${wf.file} has no jobs`);
    });

    for (const [name, rule] of Object.entries(RULES)) {
        it(`${name}: no violation`, () => assert.deepEqual(rule(load()), []));
    }

    it("the CI's Pulumi CLI is the SDK version of the lockfile (Dependabot's SDK bumps fail here until the pin follows)", () => {
        const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
        assert.deepEqual(pinnedPulumiCli(load()), [lock.packages["node_modules/@pulumi/pulumi"].version]);
    });

    it("conjuncts: a condition's top-level && terms, none when a top-level || makes every term optional", () => {
        assert.deepEqual(conjuncts("${{ a == 'x && y' && (b || c) && !cancelled() }}"), ["a == 'x && y'", "(b || c)", "!cancelled()"]);
        assert.equal(conjuncts("a && b || c"), undefined);
        assert.deepEqual(conjuncts(undefined), []);
    });
});

describe("workflows: each property catches a workflow that breaks it", () => {
    const caught = (workflows: Workflow[], pattern: RegExp) => {
        const found = violations(workflows);
        assert.ok(found.some((v) => pattern.test(v)), `not caught: ${pattern}; found ${JSON.stringify(found)}`);
    };
    const withJob = (file: string, job: string) => load({ ...TEXT, [file]: `${TEXT[file].trimEnd()}\n\n${job}` });

    it("an action at a tag, a SHA without its version, one action at two commits, a flow-style step", () => {
        caught(mutated(PR, /actions\/checkout@[0-9a-f]{40} # v5\.1\.0/, "actions/checkout@v5"), /actions\/checkout@v5 is not pinned/);
        caught(mutated(PR, /(actions\/setup-node@[0-9a-f]{40}) # v5\.0\.0/, "$1"), /has no "# vX\.Y\.Z" version comment/);
        caught(mutated(DEPLOY, /actions\/checkout@[0-9a-f]{40}/, `actions/checkout@${"a".repeat(40)}`), /actions\/checkout is pinned to two commits/);
        caught(withJob(PR, "  flow:\n    runs-on: ubuntu-latest\n    steps:\n      - { uses: actions/cache@v4 }\n"), /actions\/cache@v4 is not pinned/);
    });

    it("pull request code with the deploy role, without the approval-gated environment, for forks, or with a write token", () => {
        caught(mutated(PREVIEW, "vars.AWS_PREVIEW_ROLE_ARN }}", "vars.AWS_ROLE_ARN }}"), /names the deploy role/);
        caught(mutated(PREVIEW, "vars.AWS_PREVIEW_ROLE_ARN }}", "vars.AWS_PREVIEW_ROLE_ARN && 'arn:aws:iam::111122223333:role/deploy' }}"), /names the deploy role|assumes a role other than/);
        caught(mutated(PREVIEW, /environment: preview\n/, "\n"), /gets credentials outside the preview environment/);
        caught(mutated(PREVIEW, "github.event.pull_request.head.repo.full_name == github.repository && github.actor", "(github.event.pull_request.head.repo.full_name == github.repository || true) && github.actor"), /gets credentials for forks too/);
        caught(mutated(PREVIEW, /environment: preview\n/, "environment: production\n"), /uses the production environment/);
        caught(mutated(PR, "on:\n  pull_request:\n", "on:\n  pull_request_target:\n"), /pull_request_target/);
        caught(mutated(PR, "permissions:\n  contents: read\n", "permissions:\n  contents: write\n"), /may write contents/);
        caught(mutated(PR, "permissions:\n  contents: read\n", "permissions:\n  contents: read\n  id-token: write\n"), /the workflow may write id-token/);
    });

    it("a secret in a job outside the preview environment counts as a credential, however it is written", () => {
        for (const secret of ["secrets.PULUMI_ACCESS_TOKEN", "secrets['PULUMI_ACCESS_TOKEN']", "toJSON(secrets)"]) {
            caught(withJob(PR, `  leak:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$T"\n        env:\n          T: \${{ ${secret} }}\n`), /job leak gets credentials outside the preview environment/);
        }
    });

    it("a comment renderer that checks out the pull request's head, runs code with the write token, installs with scripts, caches, or renders beside the base", () => {
        caught(mutated(COMMENT, "ref: ${{ needs.check.outputs.base }}", "ref: ${{ github.event.workflow_run.head_sha }}"), /checks out the pull request's ref/);
        caught(mutated(COMMENT, "ref: ${{ needs.check.outputs.base }}", "ref: refs/pull/${{ needs.check.outputs.number }}/head"), /checks out the pull request's ref/);
        caught(mutated(COMMENT, /(\n  post:[\s\S]*?steps:\n)/, "$1      - run: node script.js\n        working-directory: main\n"), /has a write token and runs a command/);
        caught(mutated(COMMENT, /(\n  post:[\s\S]*?steps:\n)/, `$1      - uses: ${CHECKOUT}\n        with:\n          persist-credentials: false\n`), /has a write token and runs actions\/checkout/);
        caught(mutated(COMMENT, "npm ci --ignore-scripts && npm run synth", "npm ci && npm run synth"), /installs with install scripts/);
        caught(mutated(COMMENT, " --from-pull-request", ""), /without --from-pull-request/);
        caught(mutated(COMMENT, /(\n  render:[\s\S]*?node-version: 20\n)/, "$1          cache: npm\n"), /uses a cache/);
        caught(mutated(COMMENT, /(\n  render:[\s\S]*?steps:\n)/, `$1      - uses: ${CHECKOUT}\n        with:\n          ref: \${{ needs.check.outputs.base }}\n          path: base\n          persist-credentials: false\n`), /renders the comment beside a checkout of another commit/);
        caught(mutated(COMMENT, "        working-directory: main\n", "        working-directory: ${{ runner.temp }}/pull-request\n"), /runs a command outside a checkout of its own/);
    });

    it("a deploy job without the main guard, a deploy with an unreviewed plan, the deploy role outside production", () => {
        caught(mutated(DEPLOY, /(\n  apply-sources:[\s\S]*?if: )github\.ref == 'refs\/heads\/main' && /, "$1"), /apply-sources \(production\) does not require refs\/heads\/main/);
        caught(mutated(DEPLOY, /(\n  apply-sources:[\s\S]*?if: )github\.ref == 'refs\/heads\/main' && /, "$1github.ref == 'refs/heads/main' || "), /apply-sources \(production\) does not require refs\/heads\/main/);
        caught(mutated(DEPLOY, /(\n  apply-workspaces:[\s\S]*?)      - name: Only from main\n        run: \|\n[^\n]*\n\n/, "$1"), /apply-workspaces \(production\) does not check GITHUB_REF first/);
        caught(mutated(DEPLOY, /(\n  apply-workspaces:[\s\S]*?- name: Only from main\n)/, "$1        continue-on-error: true\n"), /apply-workspaces \(production\) does not check GITHUB_REF first/);
        caught(mutated(DEPLOY, /up --workspaces --plan-dir plans/, "up --workspaces"), /changes stacks other than by applying a reviewed plan/);
        caught(mutated(DEPLOY, /(\n  apply-workspaces:[\s\S]*?run: npm run --silent fleet -- up --workspaces --plan-dir plans)/, "$1 && pulumi destroy --yes"), /changes stacks other than by applying a reviewed plan/);
        caught(mutated(DEPLOY, /name: plans-workspaces\n          path: plans\n/, "name: something-else\n          path: plans\n"), /applies plans that no plan job it needs saved/);
        caught(mutated(DEPLOY, /(name: plans-workspaces\n          path: plans\n)/, "$1          run-id: 1\n"), /downloads artifacts of another run/);
        caught(mutated(DEPLOY, /(\n  plan-workspaces:[\s\S]*?role-to-assume: \$\{\{ )vars\.AWS_PREVIEW_ROLE_ARN/, "$1vars.AWS_ROLE_ARN"), /plan-workspaces uses the deploy role outside production/);
        caught(mutated(DEPLOY, "  workflow_dispatch:\n", "  workflow_dispatch:\n  workflow_run:\n    workflows: [Pull request]\n"), /runs on workflow_run/);
        caught(mutated(DEPLOY, /(\n  apply-sources:[\s\S]*?persist-credentials: false\n)/, "$1          ref: ${{ github.event.inputs.ref }}\n"), /checks out something other than the run's commit/);
    });

    it("a job that runs on after a failed or skipped job it needs", () => {
        caught(mutated(DEPLOY, "(needs.test.outputs.count == '0' || needs.apply-sources.result == 'success')", "(needs.apply-sources.result == 'success' || needs.apply-sources.result == 'skipped')"), /plan-workspaces runs when a job it needs was skipped/);
        caught(mutated(PREVIEW, "(needs.affected.outputs.count == '0' || needs.preview-sources.result == 'success')", "true"), /preview-workspaces runs without needs\.preview-sources succeeding/);
    });

    it("an expression pasted into a script", () => {
        caught(mutated(PR, 'node -e \'require("fs").writeFileSync', 'echo "${{ github.event.pull_request.title }}" && node -e \'require("fs").writeFileSync'), /pastes an expression into a script/);
    });

    it("a Pulumi CLI that is a range, too old, two versions, or not installed first", () => {
        caught(mutated(DEPLOY, "pulumi-version: 3.248.0", "pulumi-version: ^3"), /pulumi-version "\^3" is not one version/);
        caught(mutated(PREVIEW, "pulumi-version: 3.248.0", "pulumi-version: 3.186.0"), /older than 3\.187\.0/);
        caught(mutated(PREVIEW, "pulumi-version: 3.248.0", "pulumi-version: 3.250.0"), /pin 2 Pulumi CLI versions/);
        caught(mutated(PREVIEW, /\n      - name: Install the Pulumi CLI\n[^\n]*\n[^\n]*\n[^\n]*\n/, "\n"), /runs Pulumi without installing the pinned CLI first/);
    });

    it("a matrix over stacks, a shard of another count, stacks by hand, a hand-kept stack list", () => {
        caught(mutated(DEPLOY, "shard: ${{ fromJSON(needs.test.outputs.shards) }}", "stack: [a, b]"), /matrix that is not the fleet's shards/);
        caught(mutated(DEPLOY, "SHARD: ${{ matrix.shard }}/${{ needs.test.outputs.count }}", "SHARD: ${{ matrix.shard }}/4"), /does not run its own shard/);
        caught(mutated(PREVIEW, "fleet -- preview --workspaces", "fleet -- preview --stacks a,b"), /names stacks by hand/);
        caught(mutated(PREVIEW, "MAX_SHARDS:", "PULUMI_SOURCE_STACKS: x\n          MAX_SHARDS:"), /hand-kept stack list/);
    });

    it("no schedule, a schedule that is not weekly, no drift report, no token rotation on schedule", () => {
        caught(mutated(DEPLOY, /  schedule:\n[^\n]*\n[^\n]*\n/, ""), /no workflow runs on a schedule/);
        caught(mutated(DEPLOY, /--shard "\$SHARD" --refresh --expect-no-changes/, '--shard "$SHARD" --refresh'), /does not report drift \(--shard\)/);
        caught(mutated(DEPLOY, 'cron: "23 4 * * 1"', 'cron: "23 4 * * *"'), /is not once a week/);
        caught(mutated(DEPLOY, 'cron: "23 4 * * 1"', 'cron: "* * * * 1"'), /is not once a week/);
        caught(mutated(DEPLOY, /(\n  apply-workspaces:[\s\S]*?if: >-\n)/, "$1      github.event_name == 'push' &&\n"), /does not update the workspace stacks/);
    });

    it("a checkout that persists its token, an upload a re-run cannot repeat, plans that expire before the approval", () => {
        caught(mutated(PR, "persist-credentials: false", "persist-credentials: true"), /checks out with persisted credentials/);
        caught(mutated(PR, "          overwrite: true\n", ""), /without overwrite/);
        caught(mutated(DEPLOY, "retention-days: 7", "retention-days: 1"), /keeps its plans less than 7 days/);
    });
});

describe("workflows: Dependabot keeps the pins and the lockfile current", () => {
    it("updates github-actions and npm, weekly, releases a week old at the earliest", () => {
        const config = YAML.parse(fs.readFileSync(path.join(GITHUB, "dependabot.yml"), "utf8")) as {
            version: number;
            updates: { "package-ecosystem": string; directory: string; schedule: { interval: string }; cooldown?: { "default-days"?: number } }[];
        };
        assert.equal(config.version, 2);
        const ecosystems = Object.fromEntries(config.updates.map((u) => [u["package-ecosystem"], u]));
        for (const e of ["github-actions", "npm"]) {
            assert.ok(ecosystems[e], `no ${e} updates`);
            assert.equal(ecosystems[e].directory, "/");
            assert.equal(ecosystems[e].schedule.interval, "weekly");
            assert.ok((ecosystems[e].cooldown?.["default-days"] ?? 0) >= 7, `${e}: a new release is proposed before it is a week old`);
        }
    });
});
