/**
 * The fleet: stack files as the inventory, `npm run fleet` (list, check, shards, affected, and
 * the preview/up orchestration with an injected runner), and a repository of 300 source stack
 * files planned offline as one workspace.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fleet } from "../../../tools/ci/fleet/cli";
import { outputBlock } from "../../../tools/ci/fleet/runCommands";
import { affectedStacks } from "../../../tools/ci/fleet/affected";
import { Inventory, StackEntry } from "../../../tools/ci/fleet/fleetInventory";
import {
    FleetCommand,
    RunFlags,
    RunOutcome,
    Runner,
    orchestrate,
    summaryTable,
} from "../../../tools/ci/fleet/orchestrate";
import { shardStacks } from "../../../tools/ci/fleet/shards";
import { benchSourceRef } from "../../../tools/dev/benchSources";
import type { Plan } from "../../../tools/plan/mock/runtime";
import { readPlanDir } from "../../../tools/ci/planDiff/load";
import { planDiffMarkdown } from "../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../tools/ci/planDiff/stacks";
import { synth, synthExamples } from "../../../tools/plan/synth";
import {
    RepositoryCopy,
    copyRepository,
    examplesOnlyRepository,
    exampleStackConfig,
} from "../../support/repository";
import {
    BI_WORKSPACE,
    DEV_ROOT,
    FINANCE,
    GRAFANA_WORKSPACE,
    LOGISTICS,
    MARKETING,
    UserStack,
} from "../../support/userStacks";

const SRC = (k: string) => `grafana-athena-source:${k}`;
const WS = (k: string) => `grafana-athena-workspace:${k}`;

/** Runs the fleet command and returns what it printed and its exit code. */
async function run(argv: string[], runner?: Runner, env: NodeJS.ProcessEnv = {}) {
    let out = "";
    let err = "";
    const code = await fleet(argv, { out: (t) => (out += t), err: (t) => (err += t), runner, env });
    return { code, out, err };
}

const entry = (project: "grafana-athena-source" | "grafana-athena-workspace", stack: string): StackEntry => ({
    name: `acme/${project}/${stack}`,
    stack,
    project,
    folder: project === "grafana-athena-source" ? "infra-account-b" : "infra-account-a",
    file: `${stack}.yaml`,
});

/** A runner that records what ran when, and answers from a script. */
function scriptedRunner(answers: Record<string, (attempt: number) => RunOutcome | Error>, delayMs = 5) {
    const log: { name: string; start: number; end: number }[] = [];
    const attempts = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let clock = 0;
    const runner: Runner = {
        async run(_command: FleetCommand, stack: StackEntry) {
            const attempt = (attempts.get(stack.name) ?? 0) + 1;
            attempts.set(stack.name, attempt);
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            const start = clock++;
            await new Promise((r) => setTimeout(r, delayMs));
            inFlight -= 1;
            log.push({ name: stack.name, start, end: clock++ });
            const answer = (answers[stack.stack] ?? (() => ({ changes: { same: 3 } })))(attempt);
            if (answer instanceof Error) throw answer;
            return answer;
        },
    };
    return { runner, log, attempts, maxInFlight: () => maxInFlight };
}

describe("fleet: preview and up over many stacks (an injected runner)", () => {
    const sources = Array.from({ length: 12 }, (_, i) => entry("grafana-athena-source", `s${i}`));
    const workspaces = [entry("grafana-athena-workspace", "grafana")];
    const fast = { sleep: async () => undefined, backoffMs: 1 };

    it("runs every source before any workspace, at most C at a time", async () => {
        const r = scriptedRunner({});
        const results = await orchestrate("preview", { sources, workspaces }, r.runner, {
            concurrency: 3,
            ...fast,
        });
        assert.equal(results.length, 13);
        assert.ok(
            r.maxInFlight() <= 3 && r.maxInFlight() >= 2,
            `at most 3 at a time, got ${r.maxInFlight()}`,
        );
        const lastSource = Math.max(...r.log.filter((l) => l.name.includes("source")).map((l) => l.end));
        const workspaceStart = r.log.find((l) => l.name.includes("workspace"))!.start;
        assert.ok(workspaceStart > lastSource, "the workspace started before every source had finished");
        assert.deepEqual([...new Set(results.map((x) => x.status))], ["unchanged"]);
    });

    it("retries transient failures, not others, and reports the first line of each failure", async () => {
        const r = scriptedRunner({
            s1: (attempt) =>
                attempt < 3
                    ? new Error("read tcp: connection reset by peer\nmore detail")
                    : { changes: { same: 1, update: 2 } },
            s2: () => new Error("error: sts:AssumeRole denied\n  detail line"),
            s3: () => new Error("Rate exceeded"),
        });
        const results = await orchestrate("preview", { sources: sources.slice(0, 4), workspaces }, r.runner, {
            concurrency: 2,
            retries: 2,
            ...fast,
        });
        const by = Object.fromEntries(results.map((x) => [x.name.split("/")[2], x]));
        assert.deepEqual(
            { status: by.s1.status, attempts: by.s1.attempts, changes: by.s1.changes },
            { status: "changed", attempts: 3, changes: { update: 2 } },
        );
        assert.deepEqual(
            { status: by.s2.status, attempts: by.s2.attempts, error: by.s2.error },
            { status: "failed", attempts: 1, error: "error: sts:AssumeRole denied" },
        );
        assert.deepEqual(
            { status: by.s3.status, attempts: by.s3.attempts },
            { status: "failed", attempts: 3 },
            "retried, then given up",
        );
        assert.equal(
            by.grafana.status,
            "unchanged",
            "a preview of the workspace runs even after a failed source",
        );
        const table = summaryTable("preview", results);
        assert.match(table, /^pulumi preview: 5 stacks: 1 changed, 2 unchanged, 2 failed/);
        assert.match(
            table,
            /\| acme\/grafana-athena-source\/s2 \| failed \| no changes \| 1 \| error: sts:AssumeRole denied \|/,
        );
    });

    it("does not deploy the workspaces after a failed source, and the command exits non-zero", async () => {
        const r = scriptedRunner({ s0: () => new Error("error: boom") });
        const results = await orchestrate("up", { sources: sources.slice(0, 2), workspaces }, r.runner, {
            concurrency: 2,
            ...fast,
        });
        assert.equal(results.find((x) => x.project === "grafana-athena-workspace")!.status, "skipped");
        assert.ok(!r.log.some((l) => l.name.includes("workspace")), "the workspace ran");
    });

    it("reports drift with --expect-no-changes: a stack with changes fails, naming them; the flags reach the runner", async () => {
        const seen: RunFlags[] = [];
        const runner: Runner = {
            async run(_c, stack, _o, flags): Promise<RunOutcome> {
                seen.push(flags);
                const changes: Record<string, number> =
                    stack.stack === "s1" ? { same: 4, update: 1, replace: 2 } : { same: 5 };
                return { changes };
            },
        };
        const results = await orchestrate(
            "preview",
            { sources: sources.slice(0, 3), workspaces: [] },
            runner,
            { concurrency: 2, ...fast, flags: { refresh: true, expectNoChanges: true } },
        );
        assert.deepEqual(
            results.map((x) => [x.name.split("/")[2], x.status, x.error]),
            [
                ["s0", "unchanged", undefined],
                ["s1", "failed", "drift: changes where none were expected (replace 2, update 1)"],
                ["s2", "unchanged", undefined],
            ],
        );
        assert.ok(seen.every((f) => f.refresh === true && f.expectNoChanges === true));
        const plain = await orchestrate("preview", { sources: sources.slice(1, 2), workspaces: [] }, runner, {
            concurrency: 1,
            ...fast,
        });
        assert.equal(plain[0].status, "changed", "without the flag, changes are not a failure");
    });

    it("prints each stack's whole output (the diff a reviewer reads) as one block, also when it failed", async () => {
        const runner: Runner = {
            async run(_c, stack, onOutput): Promise<RunOutcome> {
                onOutput(`Previewing ${stack.stack}\n`);
                await new Promise((r) => setTimeout(r, stack.stack === "s0" ? 10 : 1));
                onOutput(`  ~ aws:iam/role:Role ${stack.stack} update [diff: ~tags]\n`);
                if (stack.stack === "s1") throw new Error("error: boom");
                return { changes: { update: 1 } };
            },
        };
        let err = "";
        const results = await orchestrate(
            "preview",
            { sources: sources.slice(0, 2), workspaces: [] },
            runner,
            {
                concurrency: 2,
                retries: 0,
                ...fast,
                output: (name, text) => (err += outputBlock(name, text, true)),
            },
        );
        assert.deepEqual(
            results.map((r) => r.status),
            ["changed", "failed"],
        );
        for (const s of ["s0", "s1"]) {
            const block = new RegExp(
                `::group::acme/grafana-athena-source/${s}\\nPreviewing ${s}\\n  ~ ` +
                    `aws:iam/role:Role ${s} update \\[diff: ~tags\\]\\n::endgroup::\\n`,
            );
            assert.match(err, block, `no block of ${s} in ${err}`);
        }
        assert.match(
            outputBlock("a/b/c", "text", false),
            /^──── a\/b\/c ────\ntext\n──── end of a\/b\/c ────\n$/,
        );
    });
});

describe("fleet: shards", () => {
    const names = (n: number) =>
        Array.from(
            { length: n },
            (_, i) => `organization/grafana-athena-source/account-${String(i).padStart(4, "0")}`,
        );

    it("puts every stack in exactly one of at most N balanced shards", () => {
        for (const [n, max] of [
            [300, 256],
            [300, 7],
            [5, 7],
            [1000, 16],
        ]) {
            const shards = shardStacks(names(n), max);
            assert.equal(shards.length, Math.min(n, max));
            assert.deepEqual(shards.flat().sort(), names(n));
            const sizes = shards.map((s) => s.length);
            assert.ok(
                Math.max(...sizes) - Math.min(...sizes) <= 1,
                `${n} in ${max}: sizes ${Math.min(...sizes)}..${Math.max(...sizes)}`,
            );
        }
    });

    it("is stable when a stack is added: fewer than K others change shard, whatever the file order", () => {
        const before = shardStacks(names(300), 7);
        const after = shardStacks(
            [...names(300), "organization/grafana-athena-source/new-account"].reverse(),
            7,
        );
        const shardOf = (shards: string[][]) =>
            new Map(shards.flatMap((s, i) => s.map((n) => [n, i] as const)));
        const [b, a] = [shardOf(before), shardOf(after)];
        const moved = names(300).filter((n) => b.get(n) !== a.get(n));
        assert.ok(moved.length < 7, `${moved.length} stacks moved`);
    });
});

describe("fleet: what a change touches", () => {
    const inv: Inventory = {
        sources: ["a", "b", "c"].map((s) => ({
            ...entry("grafana-athena-source", s),
            file: `infra-account-b/Pulumi.${s}.yaml`,
        })),
        workspaces: ["ops", "bi"].map((s) => ({
            ...entry("grafana-athena-workspace", s),
            file: `infra-account-a/Pulumi.${s}.yaml`,
        })),
    };
    const names = (v: Inventory) => ({
        sources: v.sources.map((s) => s.stack),
        workspaces: v.workspaces.map((s) => s.stack),
    });

    it("a source's file: that source, and every workspace (they read the sources)", () => {
        assert.deepEqual(names(affectedStacks(inv, ["infra-account-b/Pulumi.b.yaml"])), {
            sources: ["b"],
            workspaces: ["ops", "bi"],
        });
    });
    it("a workspace's file: that workspace only", () => {
        assert.deepEqual(names(affectedStacks(inv, ["infra-account-a/Pulumi.bi.yaml", "README.md"])), {
            sources: [],
            workspaces: ["bi"],
        });
    });
    it("a program, shared/, the lockfile or a Pulumi.yaml: every stack", () => {
        for (const f of [
            "shared/contract.ts",
            "components/workspace/athenaWorkspace.ts",
            "infra-account-b/Pulumi.yaml",
            "package-lock.json",
            "index.ts",
            "Pulumi.yaml",
        ]) {
            assert.deepEqual(names(affectedStacks(inv, [f])), names(inv), f);
        }
    });
    it("documentation, tests, tools and the examples: nothing", () => {
        assert.deepEqual(
            names(
                affectedStacks(inv, [
                    "README.md",
                    "tests/tools/ci/fleet.test.ts",
                    "tools/plan/synth.ts",
                    "infra-account-b/Pulumi.example.yaml",
                    ".github/workflows/deploy.yml",
                ]),
            ),
            { sources: [], workspaces: [] },
        );
    });
    it("a source stack file removed: every workspace (its inventory changed)", () => {
        assert.deepEqual(names(affectedStacks(inv, ["infra-account-b/Pulumi.gone.yaml"])), {
            sources: [],
            workspaces: ["ops", "bi"],
        });
    });
});

describe("fleet: the command line", () => {
    it("refuses a bad command line with exit 2", async () => {
        const root = examplesOnlyRepository().root;
        for (const argv of [
            ["shards"],
            ["affected"],
            ["nope"],
            ["preview", "--shard", "3/2"],
            ["preview", "--concurrency", "0"],
            ["shards", "--max", "257"],
        ]) {
            const r = await run([...argv, "--root", root]);
            assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
            assert.match(r.err, /^fleet: /);
        }
    });

    it("finds no stack in a checkout with only the examples, and calls that consistent", async () => {
        const r = await run(["check", "--root", examplesOnlyRepository().root]);
        assert.equal(r.code, 0, r.err);
        assert.match(
            r.out,
            new RegExp(
                "^fleet: 0 source stacks, 0 workspace stacks: consistent, by every rule fleet synth " +
                    "applies to them \\(checked in \\d+\\.\\d\\d s\\)\n$",
            ),
        );
    });
});

describe("fleet: a repository of 300 source stack files", function () {
    this.timeout(180_000);
    let repo: RepositoryCopy;
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.name=fleet", "-c", "user.email=fleet@example.com", ...args], {
            cwd: repo.root,
            encoding: "utf8",
        });
    const sourceConfig = (i: number) =>
        exampleStackConfig("infra-account-b", {
            "aws:allowedAccountIds": [String(benchSourceRef(i).outputs.accountId)],
            [SRC("workgroup")]: { name: `grafana-${i}` },
            [SRC("label")]: `Account ${i}`,
        });

    before(() => {
        repo = copyRepository();
        for (let i = 1; i <= 300; i++)
            repo.writeStack("infra-account-b", `account-${String(i).padStart(3, "0")}`, sourceConfig(i));
        // One workspace stack, charting every source stack (no sources), in organisation mode.
        repo.writeStack(
            "infra-account-a",
            "grafana",
            exampleStackConfig(
                "infra-account-a",
                {
                    [WS("sourceRoleName")]: "AmazonManagedGrafana-CrossAccountAthena",
                    [WS("organizationId")]: "o-fleet00001",
                },
                [WS("sources")],
            ),
        );
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("commit", "-q", "-m", "fleet");
    });
    after(() => repo.remove());

    it("lists every stack, fully qualified in the organisation of --org, else PULUMI_ORG, else organization", async () => {
        const plain = JSON.parse((await run(["list", "--json", "--root", repo.root])).out);
        assert.equal(plain.sources.length, 300);
        assert.equal(plain.sources[0], "organization/grafana-athena-source/account-001");
        assert.deepEqual(plain.workspaces, ["organization/grafana-athena-workspace/grafana"]);
        assert.equal(
            JSON.parse(
                (await run(["list", "--json", "--root", repo.root], undefined, { PULUMI_ORG: "acme" })).out,
            ).sources[0],
            "acme/grafana-athena-source/account-001",
        );
        assert.equal(
            JSON.parse(
                (
                    await run(["list", "--json", "--root", repo.root, "--org", "corp"], undefined, {
                        PULUMI_ORG: "acme",
                    })
                ).out,
            ).workspaces[0],
            "corp/grafana-athena-workspace/grafana",
        );
    });

    it("is consistent", async () => {
        const r = await run(["check", "--root", repo.root]);
        assert.equal(r.code, 0, r.err);
        // It says what it took, in all and per hundred stacks (BENCHMARKS.md measures it).
        assert.match(
            r.out,
            /300 source stacks, 1 workspace stacks: consistent, by every rule fleet synth applies to them \(checked in \d+\.\d\d s, \d+\.\d\d s per 100 stacks\)\n$/,
        );
    });

    it("shards into 256 and into 7 balanced shards", async () => {
        for (const max of [256, 7]) {
            const shards = JSON.parse(
                (await run(["shards", "--max", String(max), "--json", "--root", repo.root])).out,
            ) as string[][];
            assert.equal(shards.length, max);
            assert.equal(shards.flat().length, 300);
            assert.ok(
                Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length)) <= 1,
            );
        }
    });

    it("reports exactly the stacks a change touches", async () => {
        fs.appendFileSync(path.join(repo.sourceDir, "Pulumi.account-007.yaml"), "\n# touched\n");
        fs.appendFileSync(path.join(repo.sourceDir, "Pulumi.account-250.yaml"), "\n# touched\n");
        try {
            const affected = JSON.parse(
                (await run(["affected", "--base", "main", "--json", "--root", repo.root])).out,
            );
            assert.deepEqual(affected, {
                sources: [
                    "organization/grafana-athena-source/account-007",
                    "organization/grafana-athena-source/account-250",
                ],
                workspaces: ["organization/grafana-athena-workspace/grafana"],
            });
            const shards = JSON.parse(
                (await run(["shards", "--max", "7", "--base", "main", "--json", "--root", repo.root])).out,
            );
            assert.equal(shards.flat().length, 2, "the affected sources only");
        } finally {
            git("checkout", "-q", "--", ".");
        }
        const none = JSON.parse(
            (await run(["affected", "--base", "main", "--json", "--root", repo.root])).out,
        );
        assert.deepEqual(none, { sources: [], workspaces: [] });
    });

    it("finds every inconsistency: a listed source without a file, an invalid file, two stacks of one workgroup", async () => {
        const bad = [
            repo.writeStack("infra-account-b", "copy-of-001", sourceConfig(1)),
            repo.writeStack("infra-account-b", "broken", {
                ...sourceConfig(301),
                [SRC("database")]: "Sales-DB",
            }),
            repo.writeStack(
                "infra-account-a",
                "bi",
                exampleStackConfig("infra-account-a", {
                    [WS("sources")]: [{ stack: "organization/grafana-athena-source/missing" }],
                    [WS("dashboard")]: { folder: "BI" },
                }),
            ),
        ];
        try {
            const r = await run(["check", "--root", repo.root]);
            assert.equal(r.code, 1);
            const lines = r.err.trimEnd().split("\n");
            assert.ok(
                lines.some((l) =>
                    /^infra-account-b\/Pulumi\.broken\.yaml: grafana-athena-source:database: must be a Glue database name/.test(
                        l,
                    ),
                ),
                r.err,
            );
            assert.ok(
                lines.some((l) =>
                    /^infra-account-b\/Pulumi\.copy-of-001\.yaml: the same account and workgroup .* as infra-account-b\/Pulumi\.account-001\.yaml/.test(
                        l,
                    ),
                ),
                r.err,
            );
            assert.ok(
                lines.some((l) =>
                    /^infra-account-a\/Pulumi\.bi\.yaml: lists the source organization\/grafana-athena-source\/missing, which has no stack file/.test(
                        l,
                    ),
                ),
                r.err,
            );
        } finally {
            for (const f of bad) fs.rmSync(f);
        }
    });

    it("runs a shard or named stacks with the runner, prints the summary, and exits 1 when one failed", async () => {
        const summary = path.join(repo.root, "summary.md");
        const ok = scriptedRunner({});
        const shard = await run(
            ["preview", "--shard", "2/7", "--root", repo.root, "--summary", summary],
            ok.runner,
        );
        assert.equal(shard.code, 0, shard.err);
        assert.equal(ok.log.length, 43, "the second of 7 shards of 300 sources");
        assert.match(shard.out, /^pulumi preview: 43 stacks: 0 changed, 43 unchanged, 0 failed/);
        assert.match(
            fs.readFileSync(summary, "utf8"),
            /\| organization\/grafana-athena-source\/account-\d{3} \| unchanged \|/,
        );
        assert.match(shard.err, /^▶ organization\/grafana-athena-source\/account-\d{3}$/m);
        const failing = scriptedRunner({ "account-001": () => new Error("error: AccessDenied") });
        const up = await run(
            [
                "up",
                "--stacks",
                "account-001,organization/grafana-athena-workspace/grafana",
                "--root",
                repo.root,
            ],
            failing.runner,
        );
        assert.equal(up.code, 1);
        assert.match(
            up.out,
            /\| organization\/grafana-athena-source\/account-001 \| failed \| no changes \| 1 \| error: AccessDenied \|/,
        );
        assert.match(up.out, /\| organization\/grafana-athena-workspace\/grafana \| skipped \|/);
        const unknown = await run(["up", "--stacks", "nope", "--root", repo.root], failing.runner);
        assert.equal(unknown.code, 2);
    });
});

describe("fleet synth: every stack of a checkout planned offline", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;
    let base: string;
    let baseRun: Awaited<ReturnType<typeof run>>;
    const write = (s: UserStack) => repo.writeStack(s.folder, s.stack, s.config);
    const planIn = (dir: string, name: string): Plan =>
        JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
    const dataSources = (p: Plan) =>
        p.resources.filter((r) => r.type === "grafana:oss/dataSource:DataSource");
    const jsonData = (r: Plan["resources"][number]) => JSON.parse(String(r.inputs.jsonDataEncoded));

    before(async () => {
        repo = copyRepository();
        for (const s of [MARKETING, FINANCE, GRAFANA_WORKSPACE, BI_WORKSPACE, DEV_ROOT]) write(s);
        base = path.join(repo.root, "plans-base");
        baseRun = await run(["synth", "--out", base, "--root", repo.root]);
    });
    after(() => repo.remove());

    it("plans sources, then the workspaces against them, then the root stacks: one plan per stack, named as npm run synth names them", () => {
        assert.equal(baseRun.code, 0, baseRun.err);
        assert.equal(baseRun.err, "");
        assert.deepEqual(fs.readdirSync(base).sort(), [
            "grafana-athena.dev.json",
            "grafana-athena.example.json",
            "infra-account-a.bi.json",
            "infra-account-a.example.json",
            "infra-account-a.grafana.json",
            "infra-account-b.example.json",
            "infra-account-b.finance.json",
            "infra-account-b.marketing.json",
        ]);
        const order = baseRun.out
            .trimEnd()
            .split("\n")
            .map((l) => l.split(":")[0]);
        assert.deepEqual(
            order.slice(0, 3).map((f) => f.split(".")[0]),
            ["infra-account-b", "infra-account-b", "infra-account-b"],
        );
        assert.deepEqual(
            order.slice(3, 6).map((f) => f.split(".")[0]),
            ["infra-account-a", "infra-account-a", "infra-account-a"],
        );
        assert.match(baseRun.out, /fleet synth: 8 of 8 stacks planned into /);
    });

    it("chains: the inventory-mode workspace has one data source per source stack file, assuming the role and region of that source's plan", () => {
        const grafana = planIn(base, "infra-account-a.grafana.json");
        const bySource = Object.fromEntries(
            dataSources(grafana).map((d) => [jsonData(d).assumeRoleArn, jsonData(d)]),
        );
        for (const s of ["marketing", "finance"]) {
            const source = planIn(base, `infra-account-b.${s}.json`);
            assert.ok(bySource[String(source.outputs.roleArn)], `no data source for ${s}`);
            assert.equal(bySource[String(source.outputs.roleArn)].defaultRegion, source.outputs.region);
            assert.equal(bySource[String(source.outputs.roleArn)].workgroup, source.outputs.workgroup);
        }
        assert.equal(
            dataSources(grafana).length,
            2,
            "the example source is never charted by a real workspace",
        );
        const bi = planIn(base, "infra-account-a.bi.json");
        assert.deepEqual(
            dataSources(bi).map((d) => d.inputs.name),
            ["Finance (BI)"],
        );
        // Secrets stay secret through the chain: the external ID is redacted in the source's and the
        // workspace's plans.
        assert.equal(planIn(base, "infra-account-b.finance.json").outputs.externalId, "[secret]");
        assert.doesNotMatch(
            fs.readFileSync(path.join(base, "infra-account-a.grafana.json"), "utf8"),
            /"externalId":\s*"(?!\[secret\])/,
        );
    });

    it("writes for each stack the plan npm run synth writes for it (the examples, and a workspace read through --ref-dir)", async () => {
        const refDir = path.join(repo.root, "refs");
        fs.mkdirSync(refDir, { recursive: true });
        for (const s of ["marketing", "finance"])
            fs.copyFileSync(path.join(base, `infra-account-b.${s}.json`), path.join(refDir, `${s}.json`));
        const viaRefDir = await synth({ projectDir: repo.workspaceDir, stack: "grafana", refs: {}, refDir });
        assert.deepEqual(viaRefDir, planIn(base, "infra-account-a.grafana.json"));
        const examples = path.join(repo.root, "out");
        await synthExamples(examples, repo.root);
        for (const f of [
            "infra-account-b.example.json",
            "infra-account-a.example.json",
            "grafana-athena.example.json",
        ]) {
            assert.equal(
                fs.readFileSync(path.join(base, f), "utf8"),
                fs.readFileSync(path.join(examples, f), "utf8"),
                f,
            );
        }
    });

    it("inventory mode: a source whose accountId is not one its stack file allows is refused, naming the stack and the output", async () => {
        const refDir = path.join(repo.root, "refs-impersonating");
        fs.mkdirSync(refDir, { recursive: true });
        fs.copyFileSync(path.join(base, "infra-account-b.finance.json"), path.join(refDir, "finance.json"));
        // The marketing stack's outputs claim another account than its file's aws:allowedAccountIds.
        const marketing = planIn(base, "infra-account-b.marketing.json");
        const other = "999988887777";
        const outputs = {
            ...marketing.outputs,
            accountId: other,
            roleArn: String(marketing.outputs.roleArn).replace("333344445555", other),
        };
        fs.writeFileSync(path.join(refDir, "marketing.json"), JSON.stringify({ ...marketing, outputs }));
        await assert.rejects(
            synth({ projectDir: repo.workspaceDir, stack: "grafana", refs: {}, refDir }),
            (e: Error) =>
                e.message.includes(
                    `source stack "organization/grafana-athena-source/marketing": output ` +
                        `"accountId" is ${other}, but its stack file allows only ` +
                        "aws:allowedAccountIds 333344445555: the stack does not deploy where its file says",
                ),
        );
    });

    it("plan-diff of the plans before and after onboarding an account shows its role, policy, data source and dashboard", async () => {
        const file = write(LOGISTICS);
        const head = path.join(repo.root, "plans-head");
        try {
            const r = await run(["synth", "--out", head, "--root", repo.root, "--examples", "exclude"]);
            assert.equal(r.code, 0, r.err);
        } finally {
            fs.rmSync(file);
        }
        const before = readPlanDir(base);
        for (const f of Object.keys(before)) if (f.includes(".example.")) delete before[f];
        const diffs = diffPlanSets(before, readPlanDir(head));
        const added = diffs.find((d) => d.file === "infra-account-b.logistics.json")!;
        assert.equal(added.status, "added");
        const types = (d: (typeof diffs)[number]) => d.added.map((r) => r.type);
        assert.ok(
            types(added).includes("aws:iam/role:Role") && types(added).includes("aws:iam/policy:Policy"),
            JSON.stringify(types(added)),
        );
        const grafana = diffs.find((d) => d.file === "infra-account-a.grafana.json")!;
        assert.ok(
            types(grafana).includes("grafana:oss/dataSource:DataSource"),
            JSON.stringify(types(grafana)),
        );
        assert.ok(types(grafana).includes("grafana:oss/dashboard:Dashboard"), JSON.stringify(types(grafana)));
        assert.ok(
            added.policies.length >= 2,
            "the trust policy and the access policy are shown as documents",
        );
        assert.ok(grafana.dashboards.length >= 1, "the new dashboard is shown");
        const unchanged = (f: string) => diffs.find((d) => d.file === f)!.status;
        assert.equal(
            unchanged("infra-account-a.bi.json"),
            "unchanged",
            "a workspace that does not chart the new account",
        );
        assert.equal(unchanged("infra-account-b.finance.json"), "unchanged");
        const comment = planDiffMarkdown(before, readPlanDir(head));
        assert.match(comment, /infra-account-b\.logistics\.json/);
        assert.match(comment, /AmazonManagedGrafana-CrossAccountAthena/);
        // Only what the new account needs counts as changed: the resources that only gained a dependency are
        // apart.
        const changedNames = grafana.changed.map((c) => c.name);
        for (const c of grafana.changed)
            assert.ok(
                c.inputKeys.length > 0 ||
                    c.parent ||
                    c.provider ||
                    c.optionChanges.some((o) => !/^(dependsOn|additionalSecretOutputs)\b/.test(o.path)),
                `${c.name} counted with only engine-only changes`,
            );
        assert.ok(grafana.engineOnly.length > 0, "adding a source adds dependencies to shared resources");
        assert.ok(grafana.engineOnly.every((c) => !changedNames.includes(c.name)));
        assert.match(
            comment,
            /\*\*Engine-only\*\* \(not counted: only the order or the state's bookkeeping changes, nothing in the cloud\): `/,
        );
        // Each per-source Grafana resource carries its source stack and data source name beside its
        // (unchanged) name.
        assert.match(
            comment,
            /- ➕ `grafana-athena-datasource-organization-grafana-athena-so-[0-9a-f]{8}` \(`grafana:oss\/dataSource:DataSource`\) — for `organization\/grafana-athena-source\/logistics, "Logistics"`/,
        );
    });

    it("names a broken stack file on one line, still plans the others, and exits 1", async () => {
        const broken = repo.writeStack("infra-account-b", "broken", {
            ...MARKETING.config,
            "aws:allowedAccountIds": ["888899990000"],
            "grafana-athena-source:database": "Sales-DB",
        });
        const out = path.join(repo.root, "plans-broken");
        try {
            const r = await run(["synth", "--out", out, "--root", repo.root, "--examples", "exclude"]);
            assert.equal(r.code, 1);
            const lines = r.err.trimEnd().split("\n");
            assert.equal(lines.length, 2, r.err);
            assert.match(
                lines[0],
                /^infra-account-b\/Pulumi\.broken\.yaml: grafana-athena-source:database: must be a Glue database name/,
            );
            // The inventory-mode workspace reads the broken source: it cannot be planned, and says why.
            assert.equal(
                lines[1],
                "infra-account-a/Pulumi.grafana.yaml: reads the source " +
                    "infra-account-b/Pulumi.broken.yaml, which was refused",
            );
            assert.doesNotMatch(r.err, /\n\s+at /);
            // A refused stack's file is a record of the refusal, no plan: the plan diff shows it as refused,
            // not removed.
            assert.deepEqual(fs.readdirSync(out).sort(), [
                "grafana-athena.dev.json",
                "infra-account-a.bi.json",
                "infra-account-a.grafana.json",
                "infra-account-b.broken.json",
                "infra-account-b.finance.json",
                "infra-account-b.marketing.json",
            ]);
            const record = planIn(out, "infra-account-a.grafana.json");
            assert.deepEqual(
                [record.resources, record.refused],
                [[], "reads the source infra-account-b/Pulumi.broken.yaml, which was refused"],
            );
            assert.match(r.out, /fleet synth: 4 of 6 stacks planned into .*, 2 refused/);
        } finally {
            fs.rmSync(broken);
        }
    });

    it("--stacks: the named stacks, and every workspace a named source feeds", async () => {
        const out = path.join(repo.root, "plans-some");
        const r = await run([
            "synth",
            "--out",
            out,
            "--root",
            repo.root,
            "--stacks",
            "marketing,organization/grafana-athena/dev",
            "--examples",
            "exclude",
        ]);
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(fs.readdirSync(out).sort(), [
            "grafana-athena.dev.json",
            "infra-account-a.grafana.json",
            "infra-account-b.marketing.json",
        ]);
        assert.equal(
            dataSources(planIn(out, "infra-account-a.grafana.json")).length,
            2,
            "the sources it reads but that were not named are planned for their outputs",
        );
        const only = await run([
            "synth",
            "--out",
            path.join(repo.root, "plans-examples"),
            "--root",
            repo.root,
            "--examples",
            "only",
            "--stacks",
            "example",
        ]);
        assert.equal(only.code, 0, only.err);
        assert.deepEqual(fs.readdirSync(path.join(repo.root, "plans-examples")).sort(), [
            "grafana-athena.example.json",
            "infra-account-a.example.json",
            "infra-account-b.example.json",
        ]);
    });

    it("answers --help, and refuses a bad command line with exit 2 and one line", async () => {
        const help = await run(["synth", "--help"]);
        assert.equal(help.code, 0);
        assert.match(help.out, /^usage: npm run fleet -- synth --out DIR/);
        for (const argv of [
            ["synth"],
            ["synth", "--out", "x", "--examples", "all"],
            ["synth", "--out", "x", "--stacks", "nope"],
            ["synth", "--out", "x", "--bogus"],
            ["synth", "extra", "--out", "x"],
        ]) {
            const r = await run([...argv, "--root", repo.root]);
            assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
            assert.match(r.err, /^fleet synth: [^\n]+\n$/);
        }
    });
});
