/**
 * Each property that guards who may do what in CI (pins, triggers, token permissions, credentials
 * on pull requests, secrets, the comment) catches a workflow that breaks it. The breaking cases
 * edit the parsed YAML, not the text, so rewording a step or moving a line does not make them miss.
 */
import YAML from "yaml";
import {
    COMMENT,
    DEPLOY,
    PR,
    PREVIEW,
    addJob,
    addStep,
    caught,
    edit,
    job,
    rewrite,
    runs,
    step,
    uses,
} from "./support/workflowCi";

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
});
