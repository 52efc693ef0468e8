/**
 * The workflows' security properties (tests/support/workflowRules.ts), asserted on the repository's
 * own workflows, and each shown to catch a workflow that breaks it.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { RULES, Workflow, parseWorkflow, violations } from "./support/workflowRules";

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
const COMMENT = "plan-comment.yml";
const DEPLOY = "deploy.yml";

describe("workflows: the security properties hold", () => {
    it("the pull request, comment and deploy workflows exist and parse", () => {
        assert.deepEqual(FILES, [DEPLOY, COMMENT, PR].sort());
        for (const wf of load()) assert.ok(Object.keys(wf.jobs).length > 0, `${wf.file} has no jobs`);
    });

    for (const [name, rule] of Object.entries(RULES)) {
        it(`${name}: no violation`, () => assert.deepEqual(rule(load()), []));
    }
});

describe("workflows: each property catches a workflow that breaks it", () => {
    const caught = (workflows: Workflow[], pattern: RegExp) => {
        const found = violations(workflows);
        assert.ok(found.some((v) => pattern.test(v)), `not caught: ${pattern}; found ${JSON.stringify(found)}`);
    };

    it("an action at a tag, a SHA without its version, one action at two commits", () => {
        caught(mutated(PR, /actions\/checkout@[0-9a-f]{40} # v5\.1\.0/, "actions/checkout@v5"), /actions\/checkout@v5 is not pinned/);
        caught(mutated(PR, /(actions\/setup-node@[0-9a-f]{40}) # v5\.0\.0/, "$1"), /has no "# vX\.Y\.Z" version comment/);
        caught(mutated(DEPLOY, /actions\/checkout@[0-9a-f]{40}/, `actions/checkout@${"a".repeat(40)}`), /actions\/checkout is pinned to two commits/);
    });

    it("pull request code with the deploy role, without the approval-gated environment, or for forks", () => {
        caught(mutated(PR, "vars.AWS_PREVIEW_ROLE_ARN }}", "vars.AWS_ROLE_ARN }}"), /names the deploy role/);
        caught(mutated(PR, /environment: preview\n/, "\n"), /gets credentials outside the preview environment/);
        caught(mutated(PR, "github.event.pull_request.head.repo.full_name == github.repository && needs.affected.outputs.count", "needs.affected.outputs.count"), /gets credentials for forks too/);
        caught(mutated(PR, /environment: preview\n/, "environment: production\n"), /uses the production environment/);
        caught(mutated(PR, "on:\n  pull_request:\n", "on:\n  pull_request_target:\n"), /pull_request_target/);
        caught(mutated(PR, "permissions:\n  contents: read\n", "permissions:\n  contents: write\n"), /may write contents/);
    });

    it("a secret in a job outside the preview environment counts as a credential", () => {
        const job = "  leak:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$T\"\n        env:\n          T: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n";
        caught(load({ ...TEXT, [PR]: `${TEXT[PR].trimEnd()}\n\n${job}` }), /job leak gets credentials outside the preview environment/);
    });

    it("a comment renderer that checks out the pull request's head, runs code with the write token, or installs with scripts", () => {
        caught(mutated(COMMENT, "ref: ${{ steps.pr.outputs.base }}", "ref: ${{ github.event.workflow_run.head_sha }}"), /checks out the pull request's ref/);
        caught(mutated(COMMENT, /(\n  post:[\s\S]*?steps:\n)/, "$1      - run: node script.js\n        working-directory: main\n"), /runs a command with a write token/);
        caught(mutated(COMMENT, /(\n  post:[\s\S]*?steps:\n)/, "$1      - uses: actions/checkout@fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09 # v5.1.0\n        with:\n          persist-credentials: false\n"), /checks out code with a write token/);
        caught(mutated(COMMENT, "npm ci --ignore-scripts && npm run synth", "npm ci && npm run synth"), /installs with install scripts/);
        caught(mutated(COMMENT, " --from-pull-request", ""), /without --from-pull-request/);
    });

    it("a deploy job without the main guard, a deploy with an unreviewed plan, the deploy role outside production", () => {
        caught(mutated(DEPLOY, /(\n  apply-sources:[\s\S]*?if: )github\.ref == 'refs\/heads\/main' && /, "$1"), /apply-sources \(production\) does not require refs\/heads\/main/);
        caught(mutated(DEPLOY, /(\n  apply-workspaces:[\s\S]*?)      - name: Only from main\n        run: \|\n[^\n]*\n\n/, "$1"), /apply-workspaces \(production\) does not check GITHUB_REF/);
        caught(mutated(DEPLOY, /up --workspaces --plan-dir plans/, "up --workspaces"), /runs up without a reviewed plan/);
        caught(mutated(DEPLOY, /name: plans-workspaces\n          path: plans\n/, "name: something-else\n          path: plans\n"), /applies plans no job it needs saved/);
        caught(mutated(DEPLOY, /(\n  plan-workspaces:[\s\S]*?role-to-assume: \$\{\{ )vars\.AWS_PREVIEW_ROLE_ARN/, "$1vars.AWS_ROLE_ARN"), /plan-workspaces uses the deploy role outside production/);
    });

    it("a Pulumi CLI that is a range, too old, or not installed", () => {
        caught(mutated(DEPLOY, "pulumi-version: 3.248.0", "pulumi-version: ^3"), /pulumi-version "\^3" is not one version/);
        caught(mutated(PR, "pulumi-version: 3.248.0", "pulumi-version: 3.186.0"), /older than 3\.187\.0/);
        caught(mutated(PR, /\n      - name: Install the Pulumi CLI\n[^\n]*\n[^\n]*\n[^\n]*\n/, "\n"), /runs Pulumi without installing the pinned CLI/);
    });

    it("a matrix over stacks, a hand-kept stack list, no schedule, no drift report", () => {
        caught(mutated(DEPLOY, "shard: ${{ fromJSON(needs.test.outputs.shards) }}", "stack: [a, b]"), /matrix that is not the fleet's shards/);
        caught(mutated(PR, "MAX_SHARDS:", "PULUMI_SOURCE_STACKS: x\n          MAX_SHARDS:"), /hand-kept stack list/);
        caught(mutated(DEPLOY, /  schedule:\n[^\n]*\n[^\n]*\n/, ""), /no workflow runs on a schedule/);
        caught(mutated(DEPLOY, /--shard "\$SHARD" --refresh --expect-no-changes/, '--shard "$SHARD" --refresh'), /does not report drift \(--shard\)/);
        caught(mutated(DEPLOY, 'cron: "23 4 * * 1"', 'cron: "23 4 * * *"'), /is not weekly/);
    });

    it("a checkout that persists its token", () => {
        caught(mutated(PR, "persist-credentials: false", "persist-credentials: true"), /checks out with persisted credentials/);
    });
});

describe("workflows: Dependabot keeps the pins and the lockfile current", () => {
    it("updates github-actions and npm, weekly", () => {
        const config = YAML.parse(fs.readFileSync(path.join(GITHUB, "dependabot.yml"), "utf8")) as { version: number; updates: { "package-ecosystem": string; directory: string; schedule: { interval: string } }[] };
        assert.equal(config.version, 2);
        const ecosystems = Object.fromEntries(config.updates.map((u) => [u["package-ecosystem"], u]));
        for (const e of ["github-actions", "npm"]) {
            assert.ok(ecosystems[e], `no ${e} updates`);
            assert.equal(ecosystems[e].directory, "/");
            assert.equal(ecosystems[e].schedule.interval, "weekly");
        }
    });
});
