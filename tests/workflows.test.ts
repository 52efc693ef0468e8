import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

const DIR = path.join(__dirname, "..", ".github", "workflows");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string;
    "working-directory"?: string;
}

interface Job {
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    environment?: string | { name: string };
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
}

interface Workflow {
    name?: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    concurrency?: { group?: string; "cancel-in-progress"?: boolean } | string;
    jobs: Record<string, Job>;
}

const ALLOWED_ACTIONS = new Set([
    "actions/checkout@v4",
    "actions/setup-node@v4",
    "actions/upload-artifact@v4",
    "actions/download-artifact@v4",
    "aws-actions/configure-aws-credentials@v4",
    "pulumi/actions@v6",
    "actions/github-script@v7",
]);

function files(): string[] {
    return fs
        .readdirSync(DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();
}

function load(file: string): Workflow {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(DIR, file), "utf8"));
    assert.deepEqual(
        doc.errors.map((e) => e.message),
        [],
        `${file} is not valid YAML`,
    );
    return doc.toJS() as Workflow;
}

function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job `name` waits for, directly or through other jobs. */
function upstream(wf: Workflow, name: string, seen = new Set<string>()): Set<string> {
    for (const n of needsOf(wf.jobs[name])) {
        if (!seen.has(n)) {
            seen.add(n);
            upstream(wf, n, seen);
        }
    }
    return seen;
}

function runs(job: Job): string {
    return (job.steps ?? []).map((s) => s.run ?? "").join("\n");
}

function stepsUsing(job: Job, action: string): Step[] {
    return (job.steps ?? []).filter((s) => s.uses === action);
}

/** Jobs with a pulumi/actions step running `command` in `workDir`. */
function pulumiJobs(wf: Workflow, command: string, workDir: string): string[] {
    return Object.keys(wf.jobs).filter((name) =>
        stepsUsing(wf.jobs[name], "pulumi/actions@v6").some((s) => s.with?.command === command && s.with?.["work-dir"] === workDir),
    );
}

function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

describe("workflows: all files", () => {
    it("has the three workflows", () => {
        for (const f of ["pull-request.yml", "plan-comment.yml", "deploy.yml"]) assert.ok(files().includes(f), `missing .github/workflows/${f}`);
    });

    it("every workflow parses as YAML and has triggers and jobs", () => {
        for (const f of files()) {
            const wf = load(f);
            assert.ok(wf.on && typeof wf.on === "object", `${f}: on`);
            assert.ok(wf.jobs && Object.keys(wf.jobs).length > 0, `${f}: jobs`);
            for (const [name, job] of Object.entries(wf.jobs)) assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${f}: job ${name} has steps`);
        }
    });

    it("pins every action to its major version tag", () => {
        for (const f of files()) {
            const wf = load(f);
            for (const [name, job] of Object.entries(wf.jobs)) {
                for (const s of job.steps ?? []) {
                    if (s.uses !== undefined) assert.ok(ALLOWED_ACTIONS.has(s.uses), `${f}: job ${name} uses ${s.uses}`);
                }
            }
        }
    });

    it("never uses pull_request_target", () => {
        for (const f of files()) assert.ok(!("pull_request_target" in load(f).on), f);
    });
});

describe("workflows: pull-request.yml", () => {
    const wf = load("pull-request.yml");

    it("runs on pull_request with a read-only token", () => {
        assert.ok("pull_request" in wf.on);
        assert.deepEqual(wf.permissions, { contents: "read" });
    });

    it("has the jobs test, plan-diff and preview", () => {
        for (const j of ["test", "plan-diff", "preview"]) assert.ok(wf.jobs[j], `job ${j}`);
    });

    it("test: Node 20 with the npm cache, npm ci, npm test, npm run synth, then uploads out/", () => {
        const job = wf.jobs.test;
        const steps = job.steps!;
        assert.equal(stepsUsing(job, "actions/checkout@v4").length, 1);
        const node = stepsUsing(job, "actions/setup-node@v4")[0];
        assert.equal(String(node.with?.["node-version"]), "20");
        assert.equal(node.with?.cache, "npm");
        const at = (cmd: string) => steps.findIndex((s) => (s.run ?? "").trim() === cmd);
        assert.ok(at("npm ci") >= 0 && at("npm ci") < at("npm test") && at("npm test") < at("npm run synth"), "npm ci, npm test, npm run synth in order");
        const upload = steps.findIndex((s) => s.uses === "actions/upload-artifact@v4");
        assert.ok(upload > at("npm run synth"), "uploads after the synth");
        assert.match(String(steps[upload].with?.path), /^out\/?$/);
    });

    it("plan-diff: plans the base checkout in a subfolder, diffs, uploads Markdown and the PR number", () => {
        const job = wf.jobs["plan-diff"];
        const checkouts = stepsUsing(job, "actions/checkout@v4");
        const base = checkouts.find((s) => s.with?.ref === "${{ github.event.pull_request.base.sha }}");
        assert.ok(base, "checks out the base SHA");
        const folder = String(base!.with?.path);
        assert.ok(folder && folder !== "." && folder !== "undefined", "into a subfolder");
        const baseSteps = job.steps!.filter((s) => s["working-directory"] === folder);
        assert.match(baseSteps.map((s) => s.run).join("\n"), /npm ci[\s\S]*npm run synth/, "npm ci + npm run synth in the base");
        assert.match(runs(job), /^npm ci$/m, "installs the PR too");
        assert.match(runs(job), /npm run synth/);
        assert.match(runs(job), /npm run --silent plan-diff/);
        assert.match(runs(job), /pr-number/);
        const upload = stepsUsing(job, "actions/upload-artifact@v4")[0];
        assert.equal(upload.with?.name, "plan-diff");
    });

    it("test and plan-diff use no secrets and no write permissions", () => {
        for (const name of ["test", "plan-diff"]) {
            const job = wf.jobs[name];
            assert.doesNotMatch(JSON.stringify(job), /secrets\./, `${name} uses a secret`);
            const perms = job.permissions;
            assert.ok(perms === undefined || (typeof perms === "object" && Object.values(perms).every((v) => v !== "write")), `${name} permissions`);
        }
    });

    it("preview: only with credentials, never for forks; OIDC and pulumi preview", () => {
        const previewJobs = Object.keys(wf.jobs).filter((n) => stepsUsing(wf.jobs[n], "pulumi/actions@v6").length > 0);
        assert.ok(previewJobs.includes("preview"));
        for (const n of previewJobs) {
            const job = wf.jobs[n];
            assert.match(job.if ?? "", /vars\.AWS_ROLE_ARN != ''/, `${n}: if`);
            assert.match(job.if ?? "", /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/, `${n}: if`);
            assert.deepEqual(job.permissions, { "id-token": "write", contents: "read" }, `${n}: permissions`);
            const aws = stepsUsing(job, "aws-actions/configure-aws-credentials@v4")[0];
            assert.ok(aws, `${n}: OIDC credentials`);
            assert.equal(aws.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
            assert.equal(aws.with?.["aws-region"], "${{ vars.AWS_REGION }}");
            for (const s of stepsUsing(job, "pulumi/actions@v6")) {
                assert.equal(s.with?.command, "preview", `${n}: command`);
                assert.ok(s.with?.["stack-name"], `${n}: stack-name`);
                assert.equal(s.with?.["comment-on-pr"], false, `${n}: comment-on-pr`);
            }
            const awsAt = job.steps!.indexOf(aws);
            const pulumiAt = job.steps!.findIndex((s) => s.uses === "pulumi/actions@v6");
            assert.ok(awsAt < pulumiAt, `${n}: credentials before pulumi`);
            assert.match(runs(job), /npm ci/, `${n}: installs dependencies for the program`);
        }
    });

    it("preview: every source stack (matrix from a variable) before the workspace stack", () => {
        const sources = pulumiJobs(wf, "preview", "infra-account-b");
        const workspace = pulumiJobs(wf, "preview", "infra-account-a");
        assert.equal(sources.length, 1);
        assert.equal(workspace.length, 1);
        assert.equal(sources[0], "preview");
        const sourceStep = stepsUsing(wf.jobs[sources[0]], "pulumi/actions@v6")[0];
        assert.equal(sourceStep.with?.["stack-name"], "${{ matrix.stack }}");
        assert.ok(wf.jobs[sources[0]].strategy?.matrix?.stack, "a matrix over the source stacks");
        assert.match(JSON.stringify(wf), /vars\.PULUMI_SOURCE_STACKS/);
        assert.equal(stepsUsing(wf.jobs[workspace[0]], "pulumi/actions@v6")[0].with?.["stack-name"], "${{ vars.PULUMI_WORKSPACE_STACK }}");
        assert.ok(upstream(wf, workspace[0]).has(sources[0]), "the workspace preview needs the source previews");
        assert.ok(upstream(wf, sources[0]).has("test"), "previews run after the tests");
    });
});

describe("workflows: plan-comment.yml", () => {
    const wf = load("plan-comment.yml");
    const prName = load("pull-request.yml").name;

    it("runs on workflow_run of the pull-request workflow, completed", () => {
        assert.deepEqual(Object.keys(wf.on), ["workflow_run"]);
        const run = wf.on.workflow_run as { workflows: string[]; types: string[] };
        assert.deepEqual(run.workflows, [prName]);
        assert.deepEqual(run.types, ["completed"]);
    });

    it("may write pull requests and read actions, nothing else", () => {
        assert.deepEqual(wf.permissions, { "pull-requests": "write", actions: "read" });
        for (const job of Object.values(wf.jobs)) assert.equal(job.permissions, undefined);
    });

    it("never checks out or runs code: only downloads the artifact and calls the API", () => {
        for (const [name, job] of Object.entries(wf.jobs)) {
            for (const s of job.steps ?? []) {
                assert.notEqual(s.uses, "actions/checkout@v4", `${name} checks out code`);
                assert.equal(s.run, undefined, `${name} runs a shell step`);
                assert.ok(s.uses === "actions/download-artifact@v4" || s.uses === "actions/github-script@v7", `${name}: ${s.uses}`);
            }
        }
        assert.doesNotMatch(JSON.stringify(wf), /npm |ts-node|node_modules|head_branch/);
    });

    it("downloads plan-diff from the triggering run and updates the marker comment", () => {
        const steps = Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
        const dl = steps.find((s) => s.uses === "actions/download-artifact@v4")!;
        assert.equal(dl.with?.name, "plan-diff");
        assert.equal(dl.with?.["run-id"], "${{ github.event.workflow_run.id }}");
        const script = steps
            .filter((s) => s.uses === "actions/github-script@v7")
            .map((s) => String(s.with?.script))
            .join("\n");
        assert.ok(script.includes("<!-- grafana-athena-plan-diff -->"), "the marker");
        assert.match(script, /pr-number/);
        assert.match(script, /\/\^\[1-9\]\[0-9\]\{0,9\}\$\/\.test/, "validates the PR number");
        assert.match(script, /updateComment/);
        assert.match(script, /createComment/);
        assert.match(script, /head_sha/, "checks the PR against the run");
    });
});

describe("workflows: deploy.yml", () => {
    const wf = load("deploy.yml");

    it("runs on pushes to main and by hand, one deploy at a time", () => {
        assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
        assert.ok("workflow_dispatch" in wf.on);
        assert.ok(typeof wf.concurrency === "object" && wf.concurrency.group, "concurrency group");
        assert.equal((wf.concurrency as { "cancel-in-progress"?: boolean })["cancel-in-progress"], false, "never cancels a running deploy");
        assert.deepEqual(wf.permissions, { contents: "read" });
    });

    it("every job is guarded by AWS_ROLE_ARN", () => {
        for (const [name, job] of Object.entries(wf.jobs)) assert.match(job.if ?? "", /vars\.AWS_ROLE_ARN != ''/, name);
    });

    it("tests first, then pulumi up of every source, then the workspace, behind the production environment", () => {
        const testJob = Object.keys(wf.jobs).find((n) => /npm test/.test(runs(wf.jobs[n])));
        assert.ok(testJob, "a job runs npm test");
        assert.match(runs(wf.jobs[testJob!]), /npm ci[\s\S]*npm test/);
        const sources = pulumiJobs(wf, "up", "infra-account-b");
        const workspace = pulumiJobs(wf, "up", "infra-account-a");
        assert.equal(sources.length, 1);
        assert.equal(workspace.length, 1);
        assert.equal(stepsUsing(wf.jobs[sources[0]], "pulumi/actions@v6")[0].with?.["stack-name"], "${{ matrix.stack }}");
        assert.ok(upstream(wf, sources[0]).has(testJob!), "sources after the tests");
        assert.ok(upstream(wf, workspace[0]).has(sources[0]), "workspace after the sources");
        for (const n of [...sources, ...workspace]) {
            const job = wf.jobs[n];
            assert.equal(environmentName(job), "production", `${n}: environment`);
            assert.deepEqual(job.permissions, { "id-token": "write", contents: "read" }, `${n}: permissions`);
            assert.equal(stepsUsing(job, "aws-actions/configure-aws-credentials@v4")[0]?.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
        }
        // Every job that can change the cloud waits for the environment's approval.
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (stepsUsing(job, "pulumi/actions@v6").length) assert.equal(environmentName(job), "production", name);
        }
    });
});
