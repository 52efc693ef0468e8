/**
 * Files that are not what a tool expects: YAML that is not a config (duplicate keys, an alias
 * bomb, 100,000-deep nesting, `config:` as a string or a list, more than one document), and
 * files that are not regular files (a FIFO, /dev/zero, a symlink to it, a folder) named as a stack
 * file, a --config, a --ref plan or a plan of --ref-dir; stack files linked outside the
 * repository. Each is refused in one line naming the file, at once (a FIFO used to block forever,
 * /dev/zero to fill the heap), through the one reader every tool uses (shared/files.ts).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MAX_CONFIG_FILE_BYTES, UnreadableFile, readTextFile } from "../../shared/files";
import { fleet } from "../../tools/ci/fleet/cli";
import { readProject, readStackConfig } from "../../tools/plan/stackConfig";
import { missingStackRefLine, parseArgs, synth } from "../../tools/plan/synth";
import { REPO, SOURCE_DIR, WORKSPACE_DIR } from "../support/program";

let dir: string;
const at = (f: string) => path.join(dir, f);

/** A ten-level alias bomb: 10^9 strings when expanded. */
const ALIAS_BOMB = [
    "config:",
    '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(",")}]`),
].join("\n");

const HOSTILE_YAML: [string, string, RegExp][] = [
    [
        "duplicate.yaml",
        "config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n",
        /: not YAML \(Map keys must be unique, at line 3, column 3\)$/,
    ],
    ["bomb.yaml", ALIAS_BOMB, /: not YAML \(too many aliases: a YAML alias bomb\)$/],
    [
        "deep.yaml",
        `config:\n  x: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
        /: not YAML \(nested more than 1000 levels deep\)$/,
    ],
    [
        "deep-map.yaml",
        `config:\n  x: ${"{a: ".repeat(100_000)}1${"}".repeat(100_000)}\n`,
        /: not YAML \(nested more than 1000 levels deep\)$/,
    ],
    ["string.yaml", "config: hello\n", /: config: must be a map of settings$/],
    ["list.yaml", "- config\n- x\n", /: a stack file holds a map with a config: key$/],
    ["config-list.yaml", "config:\n  - a\n  - b\n", /: config: must be a map of settings$/],
    ["two.yaml", "config: {}\n---\nconfig: {}\n", /: holds 2 YAML documents; a config file holds one$/],
];

describe("hostile files", () => {
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-files-"));
        execFileSync("mkfifo", [at("fifo.yaml")]);
        fs.symlinkSync("/dev/zero", at("zero.yaml"));
        fs.mkdirSync(at("folder.yaml"));
        for (const [name, text] of HOSTILE_YAML) fs.writeFileSync(at(name), text);
        fs.writeFileSync(at("big.yaml"), Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1, 0x20));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("the reader (shared/files.ts)", () => {
        it("reads only regular files up to the limit: a FIFO, a device, a symlink to one, a folder, a missing file are refused naming them", () => {
            const cases: [string, string][] = [
                [at("fifo.yaml"), `${at("fifo.yaml")} is a named pipe (FIFO), not a regular file`],
                ["/dev/zero", "/dev/zero is a device, not a regular file"],
                [at("zero.yaml"), `${at("zero.yaml")} is a device, not a regular file`],
                [at("folder.yaml"), `${at("folder.yaml")} is a folder, not a file`],
                [at("none.yaml"), `${at("none.yaml")} does not exist`],
                [
                    at("big.yaml"),
                    `${at("big.yaml")} is larger than ` +
                        `${MAX_CONFIG_FILE_BYTES} bytes, the most this tool reads`,
                ],
            ];
            for (const [file, message] of cases) {
                assert.throws(
                    () => readTextFile(file),
                    (e: Error) => e instanceof UnreadableFile && e.message === message,
                    file,
                );
            }
            assert.throws(
                () => readTextFile(path.join(REPO, "package-lock.json"), 1000),
                /package-lock\.json is larger than 1000 bytes/,
            );
            assert.match(readTextFile(path.join(REPO, "package.json")), /"name"/);
        });

        it("refuses YAML that is not a config, one line naming the file (deep nesting before the parser recurses)", () => {
            const project = readProject(SOURCE_DIR);
            for (const [name, , expected] of HOSTILE_YAML) {
                assert.throws(
                    () => readStackConfig(project, at(name)),
                    (e: Error) =>
                        e.message.startsWith(at(name)) &&
                        expected.test(e.message) &&
                        !e.message.includes("\n"),
                    name,
                );
            }
        });

        it("reads a good stack file as before (keys qualified, secrets stood in)", () => {
            const project = readProject(SOURCE_DIR);
            const { config } = readStackConfig(project, path.join(SOURCE_DIR, "Pulumi.example.yaml"));
            assert.equal(config["aws:region"], "eu-west-1");
        });
    });

    describe("synth", () => {
        it("refuses a --config, a --ref plan or a --ref-dir that is not a regular file or folder, naming it", async () => {
            for (const bad of [at("fifo.yaml"), at("zero.yaml"), at("folder.yaml"), at("deep.yaml")]) {
                await assert.rejects(
                    synth({ projectDir: SOURCE_DIR, stack: "example", configFile: bad, refs: {} }),
                    (e: Error) => e.message.startsWith(`--config ${bad}`) || e.message.startsWith(bad),
                    bad,
                );
            }
            for (const bad of [at("fifo.yaml"), "/dev/zero", at("folder.yaml")]) {
                await assert.rejects(
                    synth({
                        projectDir: WORKSPACE_DIR,
                        stack: "example",
                        refs: { "organization/grafana-athena-source/sales": bad },
                    }),
                    (e: Error) => e.message.startsWith(bad) && !e.message.includes("\n"),
                    bad,
                );
            }
            await assert.rejects(
                synth({ projectDir: WORKSPACE_DIR, stack: "example", refs: {}, refDir: at("big.yaml") }),
                /^Error: --ref-dir .*big\.yaml is not a folder$/,
            );
        });

        it("names the plan of --ref-dir that is not a regular file, and a source with no stack file, one line each, no serialization prefixes", async () => {
            const refDir = at("plans");
            fs.mkdirSync(refDir);
            execFileSync("mkfifo", [path.join(refDir, "sales.json")]);
            const config = path.join(WORKSPACE_DIR, "Pulumi.example.yaml");
            const text = fs
                .readFileSync(config, "utf8")
                .replace(
                    "organization/grafana-athena-source/sales\n",
                    "organization/grafana-athena-source/sales\n    - stack: " +
                        "organization/grafana-athena-source/nosuch\n",
                );
            assert.notEqual(text, fs.readFileSync(config, "utf8"));
            fs.writeFileSync(at("two-sources.yaml"), text);
            await assert.rejects(
                synth({
                    projectDir: WORKSPACE_DIR,
                    stack: "example",
                    configFile: at("two-sources.yaml"),
                    refs: {},
                    refDir,
                }),
                (e: Error) => {
                    assert.deepEqual(e.message.split("\n"), [
                        `stack reference organization/grafana-athena-source/sales: ` +
                            `${path.join(refDir, "sales.json")} is a named pipe (FIFO), not a regular file`,
                        "stack reference organization/grafana-athena-source/nosuch: no stack file " +
                            "infra-account-b/Pulumi.nosuch.yaml in this repository: add it (or correct the " +
                            "stack name), or pass --ref organization/grafana-athena-source/nosuch=PLANFILE",
                    ]);
                    return true;
                },
            );
        });
    });

    describe("synth: what an unknown stack reference says", () => {
        it("names the stack file a source needs, the plan --ref-dir lacks, or how to pass it (inventory mode: the file exists)", () => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "missing-ref-"));
            try {
                fs.mkdirSync(path.join(root, "infra-account-b"));
                fs.writeFileSync(path.join(root, "infra-account-b", "Pulumi.sales.yaml"), "config: {}\n");
                assert.equal(
                    missingStackRefLine("acme/grafana-athena-source/nosuch", root, undefined),
                    "stack reference acme/grafana-athena-source/nosuch: no stack file " +
                        "infra-account-b/Pulumi.nosuch.yaml in this repository: add it (or correct the " +
                        "stack name), or pass --ref acme/grafana-athena-source/nosuch=PLANFILE",
                );
                assert.equal(
                    missingStackRefLine("acme/grafana-athena-source/sales", root, undefined),
                    "stack reference acme/grafana-athena-source/sales is not known offline: plan " +
                        "infra-account-b/Pulumi.sales.yaml and pass --ref " +
                        "acme/grafana-athena-source/sales=PLANFILE, or --ref-dir DIR holding sales.json",
                );
                assert.equal(
                    missingStackRefLine("acme/grafana-athena-source/sales", root, "plans"),
                    "stack reference acme/grafana-athena-source/sales: no plan plans/sales.json " +
                        "(plan infra-account-b/Pulumi.sales.yaml into it with npm run synth -- " +
                        "infra-account-b --stack sales --out plans/sales.json)",
                );
                assert.match(
                    missingStackRefLine("acme/other/x", root, "plans"),
                    /^stack reference acme\/other\/x is not known offline: pass --ref acme\/other\/x=PLANFILE/,
                );
            } finally {
                fs.rmSync(root, { recursive: true, force: true });
            }
        });

        it("refuses a --stack that is a path, not a name", () => {
            assert.throws(
                () => parseArgs(["infra-account-b", "--stack", "../../tmp/x"]),
                /^Error: --stack takes a stack name \(letters, digits, -, _ and \.\), got "..\/..\/tmp\/x"$/,
            );
        });
    });

    describe("fleet", () => {
        let root: string;
        const run = async (argv: string[]) => {
            let out = "";
            let err = "";
            const code = await fleet([...argv, "--root", root], {
                out: (t) => (out += t),
                err: (t) => (err += t),
                env: {},
            });
            return { code, out, err };
        };
        beforeEach(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-fleet-"));
            for (const folder of ["infra-account-a", "infra-account-b"]) {
                fs.mkdirSync(path.join(root, folder));
                fs.copyFileSync(
                    path.join(REPO, folder, "Pulumi.yaml"),
                    path.join(root, folder, "Pulumi.yaml"),
                );
            }
        });
        afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

        it("check names a stack file that is a FIFO, a device or hostile YAML, and does not hang on it", async () => {
            execFileSync("mkfifo", [path.join(root, "infra-account-b", "Pulumi.pipe.yaml")]);
            fs.symlinkSync(
                path.join(root, "infra-account-b", "Pulumi.pipe.yaml"),
                path.join(root, "infra-account-a", "Pulumi.link.yaml"),
            );
            fs.copyFileSync(at("bomb.yaml"), path.join(root, "infra-account-b", "Pulumi.bomb.yaml"));
            fs.copyFileSync(at("string.yaml"), path.join(root, "infra-account-a", "Pulumi.string.yaml"));
            const r = await run(["check"]);
            assert.equal(r.code, 1);
            assert.deepEqual(r.err.trim().split("\n"), [
                "infra-account-b/Pulumi.bomb.yaml: not YAML (too many aliases: a YAML alias bomb)",
                "infra-account-b/Pulumi.pipe.yaml: is a named pipe (FIFO), not a regular file",
                "infra-account-a/Pulumi.link.yaml: is a named pipe (FIFO), not a regular file",
                "infra-account-a/Pulumi.string.yaml: config: must be a map of settings",
            ]);
        });

        it("synth reads stack files through the bounded reader: a FIFO does not hang it, a 60 MB file is one line", async () => {
            execFileSync("mkfifo", [path.join(root, "infra-account-b", "Pulumi.pipe.yaml")]);
            // Sparse: 60 MB to the reader, nothing on the disk.
            const big = path.join(root, "infra-account-b", "Pulumi.big.yaml");
            fs.writeFileSync(big, "");
            fs.truncateSync(big, 60 * 1024 * 1024);
            // A workspace stack file that is a FIFO: which sources it lists is read too.
            execFileSync("mkfifo", [path.join(root, "infra-account-a", "Pulumi.pipe.yaml")]);
            const r = await run(["synth", "--out", path.join(root, "out"), "--examples", "exclude"]);
            assert.equal(r.code, 1);
            assert.deepEqual(r.err.trim().split("\n"), [
                `infra-account-b/Pulumi.big.yaml: is larger than ` +
                    `${MAX_CONFIG_FILE_BYTES} bytes, the most this tool reads`,
                "infra-account-b/Pulumi.pipe.yaml: is a named pipe (FIFO), not a regular file",
                "infra-account-a/Pulumi.pipe.yaml: reads the source " +
                    "infra-account-b/Pulumi.big.yaml, which was refused; " +
                    "reads the source infra-account-b/Pulumi.pipe.yaml, which was refused",
            ]);
            assert.match(r.out, /fleet synth: 0 of 3 stacks planned into .*, 3 refused/);
        });

        it("never follows a stack file or a project folder linked outside the repository", async () => {
            fs.symlinkSync("/dev/zero", path.join(root, "infra-account-a", "Pulumi.zero.yaml"));
            const zero = await run(["check"]);
            assert.equal(
                zero.err,
                `fleet: infra-account-a/Pulumi.zero.yaml: a symbolic link that leads ` +
                    `outside the repository (${root}); refused\n`,
            );
            fs.rmSync(path.join(root, "infra-account-a", "Pulumi.zero.yaml"));
            const outside = path.join(dir, "outside.yaml");
            fs.writeFileSync(outside, "config:\n  secret-elsewhere: [\n");
            fs.symlinkSync(outside, path.join(root, "infra-account-b", "Pulumi.leak.yaml"));
            for (const argv of [["check"], ["list"]]) {
                const r = await run(argv);
                assert.equal(r.code, 1);
                assert.equal(
                    r.err,
                    `fleet: infra-account-b/Pulumi.leak.yaml: a symbolic link that leads ` +
                        `outside the repository (${root}); refused\n`,
                );
                assert.doesNotMatch(r.err, /secret-elsewhere/);
            }
            fs.rmSync(path.join(root, "infra-account-b", "Pulumi.leak.yaml"));
            // A link inside the repository is fine.
            fs.writeFileSync(
                path.join(root, "infra-account-b", "shared.yaml"),
                "config:\n  aws:region: eu-west-1\n",
            );
            fs.symlinkSync(
                path.join(root, "infra-account-b", "shared.yaml"),
                path.join(root, "infra-account-b", "Pulumi.inside.yaml"),
            );
            assert.equal((await run(["list", "--json"])).code, 0);
            // A project folder linked elsewhere.
            fs.rmSync(path.join(root, "infra-account-a"), { recursive: true });
            fs.symlinkSync(dir, path.join(root, "infra-account-a"));
            const r = await run(["list"]);
            assert.equal(r.code, 1);
            assert.equal(
                r.err,
                `fleet: infra-account-a: a symbolic link that leads outside ` +
                    `the repository (${root}); refused\n`,
            );
        });
    });
});
