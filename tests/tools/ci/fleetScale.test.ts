/**
 * The fleet at scale: a repository of 300 source stack files, listed, checked and planned offline
 * as one workspace.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { benchSourceRef } from "../../../tools/dev/benchSources";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";
import { run, scriptedRunner } from "../../support/fleetRun";

const SRC = (k: string) => `grafana-athena-source:${k}`;
const WS = (k: string) => `grafana-athena-workspace:${k}`;

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
                    /^infra-account-b\/Pulumi\.copy-of-001\.yaml: grafana-athena-source:workgroup: the same account and workgroup .* as infra-account-b\/Pulumi\.account-001\.yaml/.test(
                        l,
                    ),
                ),
                r.err,
            );
            assert.ok(
                lines.some((l) =>
                    /^infra-account-a\/Pulumi\.bi\.yaml: grafana-athena-workspace:sources: lists the source organization\/grafana-athena-source\/missing, which has no stack file/.test(
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
