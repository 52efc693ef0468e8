/**
 * The README's "Common tasks" work as written: every fenced block whose info string is
 * `sh tested <id>` runs, in README order, in one throwaway copy of the repository (as a user
 * would paste them one after another), and each is held to what a user would look for: its exit
 * code, what it prints, the files it leaves. Blocks that need a cloud (`pulumi ...`) are plain
 * `sh` blocks and never run; a tested block may not call `pulumi`.
 *
 * The copy holds the programs, their project files and tools/ (what `npm run` needs), never the
 * user's own stack files: only the examples are copied, so a `Pulumi.<stack>.yaml` added to this
 * repository does not change what the blocks print.
 *
 * The blocks run in bash; `npm run <script> -- ARGS` in a block calls, in this process, the main
 * of the tool package.json's script starts (support/shell.ts), which spares each call the second
 * and more a tool's process spends loading ts-node and the Pulumi SDK. That npm starts the tool
 * is proven here once as a process, and each tool's entry point by its own process test.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./support/program";
import { RepositoryCopy, copyRepository } from "./support/repository";
import { runShell, scriptTool } from "./support/shell";

interface Block {
    id: string;
    script: string;
}

/** The README's tested blocks, in order. */
function testedBlocks(markdown: string): Block[] {
    const blocks: Block[] = [];
    const fence = /^```sh tested ([\w-]+)\n([\s\S]*?)^```$/gm;
    for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown))
        blocks.push({ id: m[1], script: m[2] });
    return blocks;
}

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** What each block must do, in README order. */
const EXPECTED: Record<string, (run: Run, copy: RepositoryCopy) => void> = {
    "add-account": (run, copy) => {
        assert.match(run.stdout, /fleet: 1 source stacks, 1 workspace stacks: consistent/);
        assert.ok(fs.existsSync(path.join(copy.sourceDir, "Pulumi.sales.yaml")));
    },
    "plan-offline": (run, copy) => {
        assert.match(run.stdout, /infra-account-a\.grafana\.json/);
        assert.match(run.stdout, /infra-account-b\.sales\.json/);
        assert.doesNotMatch(run.stdout, /\.example\.json/, "--examples exclude plans no example stack");
        // The workspace stack, which lists no sources, charts the account just added.
        const workspace = JSON.parse(
            fs.readFileSync(path.join(copy.root, "plans", "before", "infra-account-a.grafana.json"), "utf8"),
        );
        const dataSources = workspace.resources.filter(
            (r: { type: string }) => r.type === "grafana:oss/dataSource:DataSource",
        );
        assert.deepEqual(
            dataSources.map((r: { inputs: { name: string } }) => r.inputs.name),
            ["Sales"],
        );
    },
    "add-panels": (_run, copy) => {
        const config = YAML.parse(
            fs.readFileSync(path.join(copy.workspaceDir, "Pulumi.grafana.yaml"), "utf8"),
        ).config;
        assert.equal(
            config["grafana-athena-workspace:workspaceId"],
            "g-0123456789",
            "the appended lines keep the file's keys",
        );
        assert.deepEqual(
            config["grafana-athena-workspace:dashboard"].panels.map((p: { type: string; title: string }) => [
                p.type,
                p.title,
            ]),
            [["timeseries", "Orders per hour"]],
        );
    },
    "pr-comment": (run) => {
        assert.match(run.stdout, /Offline plan diff/);
        assert.match(run.stdout, /`grafana-athena-workspace\/grafana`.*changed/);
        assert.match(run.stdout, /Orders per hour/);
    },
    "organisation-mode": (run) => {
        assert.match(
            run.stdout,
            /\+ statement AssumeAthenaSourceRolesInOrganization: .*aws:ResourceOrgID = o-a1b2c3d4e5/,
        );
        assert.match(run.stdout, /- statement AssumeAthenaSourceRoles: .*arn:aws:iam::222233334444:role\//);
    },
    "remove-account": (run) => {
        // Both stacks removed, neither refused nor said to be deleted by pulumi up; the workspace's destroy
        // listed first.
        assert.match(run.stdout, /\(2 removed\)/);
        const sections = [...run.stdout.matchAll(/^### `(grafana-athena-[a-z]+)\/[a-z]+`/gm)].map(
            (m) => m[1],
        );
        assert.deepEqual(sections.sort(), ["grafana-athena-source", "grafana-athena-workspace"]);
        assert.equal(
            run.stdout.match(/\*\*Stack file removed:\*\* its resources stay until it is destroyed/g)?.length,
            2,
        );
        assert.match(
            run.stdout,
            /A destroy leaves 1 resource in the cloud \(`retainOnDelete`: adopted or kept on purpose\)|A destroy deletes \d+ resources/,
        );
        assert.doesNotMatch(run.stdout, /`pulumi up` deletes|refused/);
    },
};

/**
 * Docs written by other parts of the product (each has one owner): the README links to them and
 * they may not be in this checkout yet. Every other relative link must resolve.
 */
const OWNED_ELSEWHERE = new Set(["docs/ci.md", "docs/refused-input.md", "docs/fleet.md"]);

describe("README", () => {
    it("tests exactly its tested blocks, in order, none of which needs a cloud", () => {
        const blocks = testedBlocks(README);
        assert.deepEqual(
            blocks.map((b) => b.id),
            Object.keys(EXPECTED),
        );
        for (const b of blocks)
            assert.doesNotMatch(
                b.script,
                /(^|[;&|(]\s*)pulumi\s/m,
                `block ${b.id} calls pulumi: show it as a plain sh block`,
            );
    });

    it("shows the fresh-machine setup and CI's test command, and is a short guide", () => {
        assert.match(README, /^npm ci && npm run synth\b/m);
        assert.match(README, /^npm test\b/m);
        const words = README.split(/\s+/).filter((w) => w !== "").length;
        assert.ok(words < 2000, `README.md has ${words} words: move detail into docs/`);
        assert.match(README, /## License\n\nApache License 2\.0/);
    });

    it("links only to files that exist (README and docs/)", () => {
        const markdownIn = (dir: string) =>
            fs
                .readdirSync(path.join(REPO, dir))
                .filter((f) => f.endsWith(".md"))
                .map((f) => `${dir}/${f}`);
        const pages = ["README.md", ...markdownIn("docs"), ...markdownIn("docs/config")];
        const broken: string[] = [];
        for (const page of pages) {
            const text = fs.readFileSync(path.join(REPO, page), "utf8");
            for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
                if (/^[a-z]+:/.test(m[1])) continue;
                const target = path.posix
                    .normalize(path.posix.join(path.posix.dirname(page), m[1]))
                    .replace(/\/$/, "");
                if (!OWNED_ELSEWHERE.has(target) && !fs.existsSync(path.join(REPO, target)))
                    broken.push(`${page}: ${m[1]}`);
            }
        }
        assert.deepEqual(broken, []);
    });

    describe("common tasks, run as written", () => {
        let copy: RepositoryCopy;
        before(function () {
            copy = copyRepository();
            // `npm run` needs the tools; the stack files are the examples only.
            // Copied from disk (a user's checkout, or a copy of one, need not be a git work tree).
            fs.cpSync(path.join(REPO, "tools"), path.join(copy.root, "tools"), { recursive: true });
            for (const dir of [copy.root, copy.sourceDir, copy.workspaceDir]) {
                for (const f of fs.readdirSync(dir))
                    if (/^Pulumi\.[\w.-]+\.yaml$/.test(f) && f !== "Pulumi.example.yaml")
                        fs.rmSync(path.join(dir, f));
            }
        });
        after(() => copy?.remove());

        it("starts each tool a block calls through npm, as package.json says (npm run fleet -- --help, as a process)", function () {
            this.timeout(60_000);
            const scripts = new Set(
                testedBlocks(README).flatMap((b) =>
                    [...b.script.matchAll(/^npm run ([\w-]+)/gm)].map((m) => m[1]),
                ),
            );
            assert.deepEqual([...scripts].sort(), ["fleet", "plan-diff"]);
            for (const name of scripts) assert.match(scriptTool(copy.root, name), /^tools\//);
            const run = spawnSync("npm", ["run", "--silent", "fleet", "--", "--help"], {
                cwd: copy.root,
                encoding: "utf8",
            });
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.stdout, /^usage: npm run fleet -- <command> \[options\]/);
            assert.match(run.stdout, /^ {2}synth +the offline plan of every stack/m);
        });

        for (const block of testedBlocks(README)) {
            it(`${block.id}`, async function () {
                this.timeout(90_000);
                const run = await runShell(block.script, {
                    cwd: copy.root,
                    unset: ["PULUMI_ORG", "GITHUB_ACTIONS"],
                });
                assert.equal(
                    run.status,
                    0,
                    `block ${block.id} exited ${run.status}:\n${run.stderr.slice(-2000)}`,
                );
                const expect = EXPECTED[block.id];
                assert.ok(expect, `no expectation for block ${block.id}`);
                expect(run, copy);
            });
        }
    });
});
