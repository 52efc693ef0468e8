/**
 * The github-script steps that decide who may take credentials and what a comment says, run as
 * actions/github-script runs them (an async function of github, context, core and require), against
 * a fake GitHub API: the preview's approval check, and the note that marks a comment out of date.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./support/repo";

type Step = { name?: string; id?: string; env?: Record<string, string>; with?: { script?: string } };
const workflow = (file: string) =>
    YAML.parse(fs.readFileSync(path.join(REPO, ".github", "workflows", file), "utf8")) as {
        jobs: Record<string, { steps: Step[] }>;
    };
const scriptOf = (file: string, job: string, pick: (s: Step) => boolean) => {
    const s = workflow(file).jobs[job].steps.find(pick);
    assert.ok(s?.with?.script, `${file}: ${job} has no such script`);
    return s.with.script;
};

interface Outcome {
    failed?: string;
    outputs: Record<string, string>;
    calls: { name: string; args: Record<string, unknown> }[];
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
) => (...a: unknown[]) => Promise<unknown>;

/** Runs a github-script body; `api` answers the REST calls by name (pulls.listReviews, ...). */
async function runScript(
    script: string,
    env: Record<string, string>,
    api: Record<string, (args: Record<string, unknown>) => unknown>,
    payload: Record<string, unknown>,
    head2 = "",
): Promise<Outcome> {
    const out: Outcome = { outputs: {}, calls: [] };
    const rest: Record<
        string,
        Record<string, (args: Record<string, unknown>) => Promise<{ data: unknown }>>
    > = {};
    const endpoint = (name: string) => {
        const f = async (args: Record<string, unknown>) => {
            out.calls.push({ name, args });
            return { data: api[name] ? await api[name](args) : undefined };
        };
        (f as unknown as { endpointName: string }).endpointName = name;
        return f;
    };
    for (const name of [
        "pulls.listReviews",
        "pulls.get",
        "pulls.list",
        "issues.listComments",
        "issues.updateComment",
        "issues.createComment",
        "pulls.listFiles",
    ]) {
        const [ns, fn] = name.split(".");
        (rest[ns] ??= {})[fn] = endpoint(name);
    }
    const github = {
        rest,
        paginate: async (
            f: (a: Record<string, unknown>) => Promise<{ data: unknown }>,
            args: Record<string, unknown>,
        ) => (await f(args)).data,
    };
    const core = {
        setFailed: (m: string) => void (out.failed = m),
        setOutput: (k: string, v: string) => void (out.outputs[k] = v),
        notice: () => undefined,
        info: () => undefined,
    };
    const context = { repo: { owner: "acme", repo: "grafana-athena" }, payload };
    const fakeRequire = (id: string) => {
        // The plans' check reads the uploaded pull-request.json.
        if (id === "fs" || id === "path") return id === "fs" ? fs : path;
        assert.equal(id, "child_process");
        return {
            execFileSync: (cmd: string, args: string[]) => (
                assert.deepEqual([cmd, ...args], ["git", "rev-parse", "HEAD^2"]),
                `${head2}\n`
            ),
        };
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
        await new AsyncFunction("require", "github", "context", "core", script)(
            fakeRequire,
            github,
            context,
            core,
        );
    } finally {
        for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
        Object.assign(process.env, saved);
    }
    return out;
}

const HEAD = "a".repeat(40);
const OLD = "b".repeat(40);
const review = (login: string, state: string, commit = HEAD) => ({
    user: { login },
    state,
    commit_id: commit,
});

describe("the preview's approval check: a code owner's latest review approves the exact head commit", () => {
    const script = scriptOf("preview.yml", "preview-sources", (s) =>
        String(s.name).startsWith("A code owner approved"),
    );
    const env = { HEAD_SHA: HEAD, PR_NUMBER: "7", AUTHOR: "author", CODE_OWNERS: "@Alice, bob" };
    const check = (reviews: unknown[], over: Partial<typeof env> = {}, head2 = HEAD) =>
        runScript(script, { ...env, ...over }, { "pulls.listReviews": () => reviews }, {}, head2);

    it("passes a code owner's approval of the head commit (logins in any case, with or without @)", async () => {
        assert.equal((await check([review("alice", "APPROVED")])).failed, undefined);
        assert.equal((await check([review("BOB", "APPROVED")])).failed, undefined);
    });

    it("refuses an approval of an earlier commit, a reviewer who is not a code owner, the author's own, a later change request or dismissal", async () => {
        const cases: [string, unknown[], Partial<typeof env>][] = [
            ["an earlier commit", [review("alice", "APPROVED", OLD)], {}],
            ["not a code owner", [review("mallory", "APPROVED")], {}],
            ["the author", [review("alice", "APPROVED")], { AUTHOR: "Alice" }],
            [
                "a later change request",
                [review("alice", "APPROVED"), review("alice", "CHANGES_REQUESTED")],
                {},
            ],
            ["a later dismissal", [review("alice", "APPROVED"), review("alice", "DISMISSED")], {}],
            ["a comment is no approval", [review("alice", "COMMENTED")], {}],
        ];
        for (const [name, reviews, over] of cases)
            assert.match(
                (await check(reviews, over)).failed ?? "",
                new RegExp(`no code owner \\(CI_CODE_OWNERS\\) approved ${HEAD}`),
                name,
            );
        // A comment after an approval does not cancel it.
        assert.equal(
            (await check([review("alice", "APPROVED"), review("alice", "COMMENTED")])).failed,
            undefined,
        );
    });

    it("refuses a checkout not built on the approved head, and runs nothing without the list of code owners", async () => {
        assert.match(
            (await check([review("alice", "APPROVED")], {}, OLD)).failed ?? "",
            new RegExp(`built on ${OLD}, not on the pull request's head ${HEAD}`),
        );
        const none = await check([review("alice", "APPROVED")], { CODE_OWNERS: " " });
        assert.match(none.failed ?? "", /CI_CODE_OWNERS .* is not set/);
        assert.deepEqual(none.calls, []);
    });
});

describe("a failed pull request run marks the plan diff comment out of date", () => {
    const find = scriptOf("plan-comment.yml", "check", (s) => s.id === "stale");
    const mark = scriptOf("plan-comment.yml", "stale", () => true);
    const run = {
        id: 99,
        html_url: "https://github.com/acme/grafana-athena/actions/runs/99",
        head_sha: HEAD,
        head_branch: "feature",
        head_repository: { full_name: "fork/grafana-athena", owner: { login: "fork" } },
    };
    const pr = (sha = HEAD) => ({
        number: 7,
        head: { sha, ref: "feature", repo: { full_name: "fork/grafana-athena" } },
    });
    const MARKER = "<!-- grafana-athena-plan-diff -->";

    it("finds the open pull request at the run's head commit, branch and repository, and no other", async () => {
        const found = await runScript(
            find,
            {},
            { "pulls.list": () => [pr(OLD), pr()] },
            { workflow_run: run },
        );
        assert.deepEqual(found.outputs, {
            stale: "true",
            number: "7",
            "head-sha": HEAD,
            "head-repo": "fork/grafana-athena",
            "head-branch": "feature",
        });
        assert.deepEqual(found.calls[0].args.head, "fork:feature");
        assert.deepEqual(
            (await runScript(find, {}, { "pulls.list": () => [pr(OLD)] }, { workflow_run: run })).outputs,
            {},
        );
    });

    it("replaces the comment with fixed words naming the commit and the run; never creates one; leaves a moved pull request alone", async () => {
        const comment = {
            id: 5,
            user: { login: "github-actions[bot]" },
            body: `${MARKER}\n### Policy pack: no violations`,
        };
        const marked = await runScript(
            mark,
            { PR_NUMBER: "7" },
            { "pulls.get": () => pr(), "issues.listComments": () => [comment] },
            { workflow_run: run },
        );
        const update = marked.calls.find((c) => c.name === "issues.updateComment");
        assert.ok(update);
        assert.equal(update.args.comment_id, 5);
        const body = String(update.args.body);
        assert.ok(body.startsWith(`${MARKER}\n> [!WARNING]\n> **Out of date.**`));
        assert.match(
            body,
            new RegExp(`failed at \`${HEAD.slice(0, 12)}\` \\(\\[workflow run 99\\]\\(${run.html_url}\\)\\)`),
        );
        assert.ok(!body.includes("no violations"));
        const none = await runScript(
            mark,
            { PR_NUMBER: "7" },
            { "pulls.get": () => pr(), "issues.listComments": () => [] },
            { workflow_run: run },
        );
        assert.ok(
            !none.calls.some((c) => c.name === "issues.createComment" || c.name === "issues.updateComment"),
        );
        const moved = await runScript(
            mark,
            { PR_NUMBER: "7" },
            { "pulls.get": () => pr(OLD), "issues.listComments": () => [comment] },
            { workflow_run: run },
        );
        assert.ok(!moved.calls.some((c) => c.name === "issues.updateComment"));
    });
});

describe("the comment's check of the plans: the stack files the pull request removes", () => {
    const script = scriptOf("plan-comment.yml", "check", (s) => s.id === "pr");
    const run = {
        head_sha: HEAD,
        head_branch: "feature",
        head_repository: { full_name: "fork/grafana-athena" },
    };
    const upload = fs.mkdtempSync(path.join(os.tmpdir(), "plans-check-"));
    after(() => fs.rmSync(upload, { recursive: true, force: true }));
    const check = (listed: { filename: string; status: string }[], changed: number) => {
        fs.writeFileSync(
            path.join(upload, "pull-request.json"),
            JSON.stringify({ number: 7, headSha: HEAD }),
        );
        return runScript(
            script,
            { UPLOAD: upload },
            {
                "pulls.get": () => ({
                    head: { sha: HEAD, ref: "feature", repo: { full_name: "fork/grafana-athena" } },
                    base: { sha: OLD, ref: "main", repo: { full_name: "acme/grafana-athena" } },
                    changed_files: changed,
                }),
                "pulls.listFiles": () => listed,
            },
            { workflow_run: run, repository: { default_branch: "main" } },
        );
    };

    it("says whether GitHub listed every file: past its limit a removed stack file may be left out", async () => {
        const files = [
            { filename: "infra-account-b/Pulumi.finance.yaml", status: "removed" },
            { filename: "docs/fleet.md", status: "modified" },
        ];
        const all = await check(files, 2);
        assert.equal(all.failed, undefined);
        assert.equal(all.outputs.removed, JSON.stringify(["infra-account-b.finance.json"]));
        assert.equal(all.outputs["listed-all"], "true");
        // 3,002 files changed, GitHub listed 3,000: another removal may hide among the two left out.
        const short = await check(files, 3002);
        assert.equal(short.outputs["listed-all"], "false");
        const render = workflow("plan-comment.yml").jobs.render.steps.find((st) =>
            st.name?.startsWith("Render"),
        );
        assert.match(
            String((render as { run?: string }).run),
            /if \[ "\$LISTED_ALL" != true \]; then\n\s+notes\+=\(--note "This pull request changes more files than GitHub lists/,
        );
    });
});
