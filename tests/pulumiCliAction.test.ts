/**
 * The Pulumi CLI action (.github/actions/pulumi-cli), its script run as the runner would, with
 * `curl` answering from local files: it installs the CLI only when the archive's SHA-256 is the one
 * the repository records (and the release's checksums file agrees), then every provider plugin with
 * `pulumi plugin install --checksum` from the repository's record; an unrecorded hash stops it.
 * And the record (checksums.txt) names exactly the plugins the lockfile's packages need.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./support/repo";

const ACTION_DIR = path.join(REPO, ".github", "actions", "pulumi-cli");
const action = YAML.parse(fs.readFileSync(path.join(ACTION_DIR, "action.yml"), "utf8")) as {
    runs: { steps: { run: string; env: Record<string, string> }[] };
};
const step = action.runs.steps[0];
const VERSION = String(step.env.PULUMI_VERSION);
const RECORD = fs.readFileSync(path.join(ACTION_DIR, "checksums.txt"), "utf8");
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** The provider plugins the installed packages need: `pulumi` of each package.json with resource: true. */
function lockfilePlugins(): string[] {
    const dirs = fs
        .readdirSync(path.join(REPO, "node_modules"))
        .flatMap((d) =>
            d.startsWith("@")
                ? fs.readdirSync(path.join(REPO, "node_modules", d)).map((s) => `${d}/${s}`)
                : [d],
        );
    return dirs.flatMap((d) => {
        const file = path.join(REPO, "node_modules", d, "package.json");
        if (!fs.existsSync(file)) return [];
        const p = JSON.parse(fs.readFileSync(file, "utf8")) as {
            version: string;
            pulumi?: { resource?: boolean; name?: string; version?: string; server?: string };
        };
        if (!p.pulumi?.resource) return [];
        return [
            `plugin ${p.pulumi.name} ` +
                `${(p.pulumi.version ?? p.version).replace(/^v/, "")} ${p.pulumi.server ?? "-"}`,
        ];
    });
}

describe("the Pulumi CLI action: the CLI and every plugin from checksums kept in the repository", function () {
    this.timeout(60_000);
    let dir: string;
    let archive: Buffer;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-action-"));
        // A stand-in CLI archive: pulumi/pulumi records its arguments.
        const src = path.join(dir, "src", "pulumi");
        fs.mkdirSync(src, { recursive: true });
        fs.writeFileSync(path.join(src, "pulumi"), '#!/usr/bin/env bash\necho "$*" >> "$CALLS"\n', {
            mode: 0o755,
        });
        const tarball = path.join(dir, "cli.tar.gz");
        assert.equal(spawnSync("tar", ["-czf", tarball, "-C", path.join(dir, "src"), "pulumi"]).status, 0);
        archive = fs.readFileSync(tarball);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /**
     * Runs the action's script; `served` is what curl returns by file name, `record` the repository's
     * checksums.txt.
     */
    function run(record: string, served: Record<string, Buffer | string>) {
        const work = fs.mkdtempSync(path.join(dir, "run-"));
        for (const d of ["bin", "action", "temp", "www"]) fs.mkdirSync(path.join(work, d));
        for (const [name, body] of Object.entries(served))
            fs.writeFileSync(path.join(work, "www", name), body);
        // curl -o FILE URL: the file named by the URL's last segment, or exit 22 (HTTP 404) as --fail does.
        fs.writeFileSync(
            path.join(work, "bin", "curl"),
            `#!/usr/bin/env bash\nwhile [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2;; ` +
                `-*) shift;; *) url="$1"; shift;; esac; ` +
                `done\nf="${path.join(work, "www")}/\${url##*/}"\n[ -f "$f" ] || exit 22\ncp "$f" "$out"\n`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(work, "action", "checksums.txt"), record);
        const calls = path.join(work, "calls");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-c", step.run], {
            env: {
                PATH: `${path.join(work, "bin")}:${process.env.PATH}`,
                PULUMI_VERSION: VERSION,
                GITHUB_ACTION_PATH: path.join(work, "action"),
                RUNNER_TEMP: path.join(work, "temp"),
                GITHUB_PATH: path.join(work, "path"),
                CALLS: calls,
            },
            encoding: "utf8",
        });
        return {
            status: r.status,
            out: `${r.stdout}${r.stderr}`,
            calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
        };
    }

    const ARCHIVE = `pulumi-v${VERSION}-linux-x64.tar.gz`;
    const SUMS = `pulumi-${VERSION}-checksums.txt`;
    const PLUGIN_SUMS = ["a", "b", "c", "d"].map((c) => c.repeat(64));
    /** The repository's record with every hash filled in: the CLI's as given, the plugins' fixed. */
    const recorded = (cli: string) => {
        let i = 0;
        return RECORD.replace(/^cli (\S+) \S+$/m, `cli $1 ${cli}`).replace(
            /^(plugin \S+ \S+ \S+) \S+$/gm,
            (_m, head: string) => `${head} ${PLUGIN_SUMS[i++]}`,
        );
    };
    const release = (sum: string) => ({
        [ARCHIVE]: archive,
        [SUMS]: `${sum}  ${ARCHIVE}\n${"0".repeat(64)}  pulumi-v${VERSION}-darwin-x64.tar.gz\n`,
    });

    it("installs the CLI whose archive the repository's hash names, then each plugin with its recorded --checksum", () => {
        const r = run(recorded(sha(archive)), release(sha(archive)));
        assert.equal(r.status, 0, r.out);
        const plugins = RECORD.split("\n").filter((l) => l.startsWith("plugin "));
        assert.deepEqual(r.calls, [
            "version",
            ...plugins.map((l, i) => {
                const [, name, version, server] = l.split(/\s+/);
                const from = server === "-" ? "" : ` --server ${server}`;
                return `plugin install resource ${name} ${version} --checksum ${PLUGIN_SUMS[i]}${from}`;
            }),
        ]);
    });

    it("refuses a release whose archive and checksums file were both replaced: the repository's hash decides", () => {
        const forged = Buffer.concat([archive, Buffer.from("x")]);
        const r = run(recorded(sha(archive)), { [ARCHIVE]: forged, [SUMS]: `${sha(forged)}  ${ARCHIVE}\n` });
        assert.equal(r.status, 1);
        assert.match(
            r.out,
            new RegExp(
                `::error::${SUMS.replace(/\./g, "\\.")} lists ${sha(forged)} for ` +
                    `${ARCHIVE.replace(/\./g, "\\.")}, the repository records ${sha(archive)}`,
            ),
        );
        assert.deepEqual(r.calls, [], "nothing of the forged archive ran");
    });

    it("refuses an archive that is not what the release and the repository list", () => {
        const r = run(recorded(sha(archive)), {
            ...release(sha(archive)),
            [ARCHIVE]: Buffer.concat([archive, Buffer.from("y")]),
        });
        assert.equal(r.status, 1);
        assert.match(r.out, /FAILED/);
        assert.deepEqual(r.calls, []);
    });

    it("stops on a hash not recorded yet, naming what to run", () => {
        const noCli = run(recorded("-"), release(sha(archive)));
        assert.equal(noCli.status, 1);
        assert.match(
            noCli.out,
            new RegExp(
                `checksums\\.txt records no SHA-256 for the Pulumi CLI ` +
                    `${VERSION.replace(/\./g, "\\.")}: run \\.github/actions/pulumi-cli/record-checksums`,
            ),
        );
        const noPlugin = run(
            recorded(sha(archive)).replace(/^(plugin aws \S+ \S+) \S+$/m, "$1 -"),
            release(sha(archive)),
        );
        assert.equal(noPlugin.status, 1);
        assert.match(noPlugin.out, /checksums\.txt records no SHA-256 for the plugin aws /);
        assert.ok(!noPlugin.calls.some((c) => c.startsWith("plugin install resource aws")));
    });

    it("the record names the CLI of the action and exactly the plugins the lockfile's packages need", () => {
        const lines = RECORD.split("\n")
            .map((l) => l.replace(/#.*$/, "").trim())
            .filter((l) => l !== "");
        assert.deepEqual(
            lines.filter((l) => l.startsWith("cli ")).map((l) => l.split(/\s+/).slice(0, 2).join(" ")),
            [`cli ${VERSION}`],
        );
        assert.deepEqual(
            lines
                .filter((l) => l.startsWith("plugin "))
                .map((l) => l.split(/\s+/).slice(0, 4).join(" "))
                .sort(),
            lockfilePlugins().sort(),
            "update checksums.txt's plugin lines, then run record-checksums",
        );
        for (const l of lines)
            assert.match(
                l,
                /^(cli \S+|plugin \S+ \S+ \S+) ([0-9a-f]{64}|-)$/,
                `a line of checksums.txt: ${l}`,
            );
    });
});
