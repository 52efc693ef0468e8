/**
 * Each property that guards what CI runs (deploys from main, caches, the Pulumi CLI, matrices, the
 * schedule, checkouts, artifacts, install scripts, CODEOWNERS) catches a workflow that breaks it.
 * The breaking cases edit the parsed YAML, not the text.
 */
import { strict as assert } from "node:assert";
import YAML from "yaml";
import { RULES } from "./support/workflowRules";
import {
    CLI,
    COMMENT,
    DEPLOY,
    PR,
    PREVIEW,
    TEXTS,
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

describe("workflows: each property catches a workflow that breaks it", () => {
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
        // fleet destroy deletes stacks: only in production, and only from the plans its preview saved.
        caught(
            edit(DEPLOY, (d) =>
                rewrite(step(d, "plan-workspaces", runs(/fleet -- destroy/)), "run", " --preview", ""),
            ),
            /plan-workspaces deploys outside production/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-workspaces", runs(/fleet -- destroy/)),
                    "run",
                    ' --plan-dir "$PLAN_DIR"',
                    "",
                ),
            ),
            /apply-workspaces changes stacks other than by applying a reviewed plan/,
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
