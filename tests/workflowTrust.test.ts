/**
 * The trust rules of tests/support/workflowTrust.ts (what zizmor and actionlint do not check),
 * each shown to catch a CI that breaks it, by an edit of the parsed YAML.
 */
import YAML from "yaml";
import {
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

describe("workflows: the trust rules zizmor and actionlint do not check each catch a workflow that breaks them", () => {
    it("timeout-minutes: missing, or beyond the limit", () => {
        caught(
            edit(DEPLOY, (d) => job(d, "apply-sources").delete("timeout-minutes")),
            /deploy\.yml: job apply-sources has no timeout-minutes/,
        );
        caught(
            edit(COMMENT, (d) => job(d, "post").set("timeout-minutes", 360)),
            /plan-comment\.yml: job post has no timeout-minutes of 1 to 180 \(got 360\)/,
        );
    });

    it("Node.js 24 in every setup-node", () => {
        caught(
            edit(PREVIEW, (d) =>
                step(d, "affected", uses("actions/setup-node@")).setIn(["with", "node-version"], 20),
            ),
            /job affected sets up Node\.js 20, not 24/,
        );
    });

    it("plugin acquisition off in every workflow, not turned back on by a job, a step or a script", () => {
        caught(
            edit(PR, (d) => d.delete("env")),
            /pull-request\.yml: the workflow's env does not set PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION/,
        );
        caught(
            edit(DEPLOY, (d) =>
                job(d, "apply-workspaces").set(
                    "env",
                    d.createNode({ PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" }),
                ),
            ),
            /job apply-workspaces turns PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION off/,
        );
        caught(
            edit(DEPLOY, (d) =>
                addStep(d, "apply-sources", { run: "unset PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION" }, 0),
            ),
            /job apply-sources changes PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION in a script/,
        );
    });

    it("the state guard: before every stack operation of a credentialed deploy job, after the credentials, on the same stacks, never skipped", () => {
        const guard = runs(/state-guard/);
        caught(
            edit(DEPLOY, (d) =>
                (job(d, "apply-sources").get("steps") as YAML.YAMLSeq).items.splice(
                    (job(d, "apply-sources").get("steps") as YAML.YAMLSeq).items.indexOf(
                        step(d, "apply-sources", guard),
                    ),
                    1,
                ),
            ),
            /job apply-sources runs Pulumi without the state guard before it/,
        );
        caught(
            edit(DEPLOY, (d) => step(d, "plan-workspaces", guard).set("continue-on-error", true)),
            /job plan-workspaces: the state guard's step has a condition or continues on error/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(step(d, "apply-workspaces", guard), "run", "--workspaces", '--shard "1/2"'),
            ),
            /job apply-workspaces: the state guard checks "--shard 1\/2", fleet up runs "--workspaces"/,
        );
        // fleet destroy runs the code in the removed stacks' states: the guard checks those first.
        for (const jobName of ["plan-workspaces", "apply-workspaces"])
            caught(
                edit(DEPLOY, (d) =>
                    rewrite(
                        step(d, jobName, runs(/fleet -- destroy/)),
                        "run",
                        /npm run --silent state-guard -- --removed-since "\$BEFORE"\n/,
                        "",
                    ),
                ),
                new RegExp(
                    `job ${jobName}: fleet destroy --base \\$BEFORE runs without ` +
                        `the state guard of the removed stacks`,
                ),
            );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-workspaces", runs(/fleet -- destroy/)),
                    "run",
                    '--removed-since "$BEFORE"',
                    "--removed-since HEAD",
                ),
            ),
            /job apply-workspaces: fleet destroy --base \$BEFORE runs without the state guard/,
        );
        caught(
            edit(DEPLOY, (d) => {
                const steps = job(d, "plan-sources").get("steps") as YAML.YAMLSeq;
                const g = step(d, "plan-sources", guard);
                steps.items.splice(steps.items.indexOf(g), 1);
                steps.items.splice(steps.items.indexOf(step(d, "plan-sources", uses("aws-actions/"))), 0, g);
            }),
            /job plan-sources: the state guard runs before the credentials/,
        );
    });

    it("the approval of the head commit: missing, after the credentials, skipped, or not comparing the review's commit", () => {
        const check = (s: Record<string, unknown>) =>
            String(s.name ?? "").startsWith("A code owner approved");
        caught(
            edit(PREVIEW, (d) =>
                (job(d, "preview-sources").get("steps") as YAML.YAMLSeq).items.splice(
                    (job(d, "preview-sources").get("steps") as YAML.YAMLSeq).items.indexOf(
                        step(d, "preview-sources", check),
                    ),
                    1,
                ),
            ),
            /job preview-sources takes credentials without checking that a code owner approved the head commit/,
        );
        caught(
            edit(PREVIEW, (d) => step(d, "preview-workspaces", check).set("if", "always()")),
            /job preview-workspaces: the approval check has a condition/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", check).setIn(
                    ["with", "script"],
                    String(step(d, "preview-sources", check).getIn(["with", "script"])).replace(
                        "r.commit_id === head",
                        "true",
                    ),
                ),
            ),
            /preview-sources takes credentials without checking/,
        );
        caught(
            edit(PREVIEW, (d) =>
                step(d, "preview-sources", check).setIn(["env", "HEAD_SHA"], "${{ github.sha }}"),
            ),
            /preview-sources takes credentials without checking/,
        );
        caught(
            edit(PREVIEW, (d) => {
                const steps = job(d, "preview-workspaces").get("steps") as YAML.YAMLSeq;
                const c = step(d, "preview-workspaces", check);
                steps.items.splice(steps.items.indexOf(c), 1);
                steps.items.push(c);
            }),
            /job preview-workspaces takes credentials before checking the approval/,
        );
    });

    it("npm clean-install, ic and install-clean are installs; rebuild, npx and npm exec are refused in privileged jobs", () => {
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-sources", runs(/^npm ci/)),
                    "run",
                    "npm ci --ignore-scripts",
                    "npm clean-install",
                ),
            ),
            /job apply-sources installs with install scripts \(npm clean-install\)/,
        );
        caught(
            edit(DEPLOY, (d) =>
                rewrite(
                    step(d, "apply-sources", runs(/^npm ci/)),
                    "run",
                    "npm ci --ignore-scripts",
                    "npm ic",
                ),
            ),
            /job apply-sources installs with install scripts \(npm ic\)/,
        );
        caught(
            edit(DEPLOY, (d) => addStep(d, "plan-sources", { run: "npm rebuild" }, 5)),
            /job plan-sources runs a package outside this repository's scripts \(npm rebuild\)/,
        );
        caught(
            edit(COMMENT, (d) =>
                addStep(d, "render", { run: "npx --yes some-package", "working-directory": "main" }),
            ),
            /job render runs a package outside this repository's scripts \(npx --yes some-package\)/,
        );
        caught(
            edit(PREVIEW, (d) => addStep(d, "preview-sources", { run: "npm --silent exec -- tsx x.ts" })),
            /job preview-sources runs a package/,
        );
    });

    it("the comment's jobs copy nothing into a checkout, and never check out the head", () => {
        caught(
            edit(COMMENT, (d) =>
                addStep(d, "render", { run: 'cp -r "$RUNNER_TEMP/pull-request/plans" main/tools/' }),
            ),
            /job render copies into "main\/tools\/", outside runner\.temp/,
        );
        caught(
            edit(COMMENT, (d) =>
                addStep(d, "render", { run: 'tar -xf "$RUNNER_TEMP/x.tar"', "working-directory": "main" }),
            ),
            /job render copies into "\."/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "base", uses("actions/checkout@")).setIn(
                    ["with", "ref"],
                    "${{ needs.check.outputs.head-sha }}",
                ),
            ),
            /job base checks out "\$\{\{ needs\.check\.outputs\.head-sha \}\}"/,
        );
        caught(
            edit(COMMENT, (d) =>
                step(d, "base", uses("actions/checkout@")).setIn(
                    ["with", "ref"],
                    "${{ github.event.workflow_run.head_sha }}",
                ),
            ),
            /job base checks out/,
        );
    });

    it("CODEOWNERS covers every workflow, whatever its name, and the code that enforces the guarantees", () => {
        caught(
            build({
                ...TEXTS,
                "workflows/extra.yml": TEXTS[PR],
                CODEOWNERS: TEXTS.CODEOWNERS!.replace(
                    /^\/\.github\/ .*$/m,
                    "/.github/workflows/pull-request.yml " +
                        "@grafana-athena/ci-owners\n/.github/workflows/preview.yml " +
                        "@grafana-athena/ci-owners\n/.github/workflows/deploy.yml " +
                        "@grafana-athena/ci-owners\n/.github/workflows/plan-comment.yml " +
                        "@grafana-athena/ci-owners\n/.github/actions/ " +
                        "@grafana-athena/ci-owners\n/.github/CODEOWNERS " +
                        "@grafana-athena/ci-owners\n/.github/dependabot.yml @grafana-athena/ci-owners",
                ),
            }),
            /gives \.github\/workflows\/extra\.yml no owner/,
        );
        for (const [line, file] of [
            ["/tools/ci/", "tools/ci/fleet/cli.ts"],
            ["/policy/", "policy/index.ts"],
            ["/.mocharc.json", ".mocharc.json"],
            ["/.ci/", ".ci/run"],
            ["/tools/ci/", "tools/ci/stateGuard/reviewed.txt"],
        ]) {
            const without = TEXTS.CODEOWNERS!.split("\n")
                .filter((l) => !l.startsWith(`${line} `))
                .join("\n");
            caught(
                build({ ...TEXTS, CODEOWNERS: without }),
                new RegExp(`gives ${file.replace(/[.]/g, "\\.")} no owner`),
            );
        }
    });
});
