/**
 * The fleet: stack files as the inventory, `npm run fleet` (list, check, shards, affected, and
 * the preview/up orchestration with an injected runner).
 */
import assert from "node:assert/strict";
import { outputBlock } from "../../../tools/ci/fleet/runCommands";
import { affectedStacks } from "../../../tools/ci/fleet/affected";
import { Inventory, StackEntry } from "../../../tools/ci/fleet/fleetInventory";
import { RunFlags, RunOutcome, Runner, orchestrate, summaryTable } from "../../../tools/ci/fleet/orchestrate";
import { shardStacks } from "../../../tools/ci/fleet/shards";
import { examplesOnlyRepository } from "../../support/repository";
import { run, scriptedRunner } from "../../support/fleetRun";

const entry = (project: "grafana-athena-source" | "grafana-athena-workspace", stack: string): StackEntry => ({
    name: `acme/${project}/${stack}`,
    stack,
    project,
    folder: project === "grafana-athena-source" ? "infra-account-b" : "infra-account-a",
    file: `${stack}.yaml`,
});

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
