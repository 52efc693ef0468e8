/**
 * tools/dev/pulumi-cli.sh: the Pulumi CLI at the SDK's version, the user's own or built once per
 * machine from the Go modules its wrapper modules pin. The build itself takes minutes, so here the
 * script's choices are proven with stand-in `pulumi` binaries and a prepared cache; BENCHMARKS.md
 * has the real build and what the built CLI was checked to do.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "../../support/program";

const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8"));
const SCRIPT = path.join(REPO, "tools/dev/pulumi-cli.sh");
const MODULE = path.join(REPO, "tools/dev/pulumi-cli");
const sdkVersion: string = lock.packages["node_modules/@pulumi/pulumi"].version;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("pulumi-cli: the wrapper modules", () => {
    const gomod = fs.readFileSync(path.join(MODULE, "go.mod"), "utf8");
    const required = (module: string) =>
        new RegExp(`^(?:require)?\\s*${escape(module)} (v\\S+)`, "m").exec(gomod)?.[1];

    it("builds pkg/v3 and sdk/v3 at the lockfile's @pulumi/pulumi, with pkg/v3's clipboard replace", () => {
        assert.equal(required("github.com/pulumi/pulumi/pkg/v3"), `v${sdkVersion}`);
        assert.equal(required("github.com/pulumi/pulumi/sdk/v3"), `v${sdkVersion}`);
        assert.match(gomod, /^replace github\.com\/atotto\/clipboard => github\.com\/tgummerer\/clipboard /m);
        const gosum = fs.readFileSync(path.join(MODULE, "go.sum"), "utf8");
        assert.match(gosum, /^github\.com\/pulumi\/pulumi\/pkg\/v3 v/m);
        const yaml = fs.readFileSync(path.join(MODULE, "yaml/go.mod"), "utf8");
        assert.match(yaml, /^require github\.com\/pulumi\/pulumi-yaml v\d+\.\d+\.\d+$/m);
    });
});

describe("pulumi-cli: tools/dev/pulumi-cli.sh", function () {
    let home: string;
    let fakeBin: string;
    const version = `v${sdkVersion}`;
    // The machine's PATH less any folder with a `pulumi` of its own.
    const hostPath = (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((d) => !fs.existsSync(path.join(d, "pulumi")));

    before(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
        fakeBin = path.join(home, "user-pulumi");
        fs.mkdirSync(fakeBin);
    });
    after(() => fs.rmSync(home, { recursive: true, force: true }));

    /** A `pulumi` on PATH that reports `reports` as its version. */
    function userPulumi(reports: string) {
        const script = `#!/bin/sh\n[ "$1" = version ] && echo ${reports}\n`;
        fs.writeFileSync(path.join(fakeBin, "pulumi"), script, { mode: 0o755 });
    }
    function run(args: string[] = [], withUser = true) {
        const PATH = [...(withUser ? [fakeBin] : []), ...hostPath].join(path.delimiter);
        // GOPROXY=off and an empty GOPATH (HOME is a temporary folder): should the script reach a
        // build here, it fails at once instead of building for minutes; the cache cases never reach it.
        const env = { PATH, HOME: home, XDG_CACHE_HOME: path.join(home, "cache"), GOPROXY: "off" };
        const r = spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8", env, timeout: 15_000 });
        return { code: r.status, out: r.stdout, err: r.stderr };
    }
    /** A cache folder as a finished build leaves it, stamped for the current recipe. */
    function cachedBuild(): string {
        const bin = path.join(home, "cache", "grafana-athena", `pulumi-${sdkVersion}`, "bin");
        fs.mkdirSync(bin, { recursive: true });
        const script = fs.readFileSync(SCRIPT, "utf8");
        const recipe =
            ["go.mod", "go.sum", "yaml/go.mod", "yaml/go.sum"]
                .map((f) => fs.readFileSync(path.join(MODULE, f), "utf8"))
                .join("") + script.slice(script.indexOf("\n# build recipe") + 1);
        // `$(...)` drops trailing newlines before the script hashes the recipe.
        const stamp = crypto.createHash("sha256").update(recipe.replace(/\n+$/, "")).digest("hex");
        fs.writeFileSync(path.join(bin, ".stamp"), `${stamp}\n`);
        return bin;
    }

    it("prints the folder of the user's own pulumi when it is exactly the SDK's version", () => {
        userPulumi(version);
        const r = run();
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, `${fakeBin}\n`, "one line on stdout: the folder");
        assert.match(r.err, new RegExp(`using the installed pulumi ${version.replace(/\./g, "\\.")}`));
    });

    it("passes over a user's pulumi of another version to the cached build, and says so on stderr", () => {
        userPulumi("v3.248.0");
        const bin = cachedBuild();
        const r = run();
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, `${bin}\n`);
        assert.match(r.err, /is v3\.248\.0, not v3\.\d+\.\d+: using a build/);
    });

    it("reuses the cached build without Go; --build passes over even a matching pulumi", () => {
        userPulumi(version);
        const bin = cachedBuild();
        const r = run(["--build"]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, `${bin}\n`);
        assert.doesNotMatch(r.err, /building/);
    });

    it("builds again when the pins change: a stale stamp is not a finished build", () => {
        const bin = cachedBuild();
        fs.writeFileSync(path.join(bin, ".stamp"), "stale\n");
        const r = run([], false);
        assert.notEqual(r.code, 0, "with the module proxy off, the build must fail rather than reuse");
        assert.match(r.err, /building pulumi v3\.\d+\.\d+|go is not on PATH/);
        assert.equal(r.out, "", "nothing on stdout when there is no CLI");
    });

    it("refuses an unknown argument in one line naming it", () => {
        const r = run(["--fast"]);
        assert.equal(r.code, 1);
        assert.equal(r.err, 'pulumi-cli: unknown argument "--fast" (the only option is --build)\n');
        assert.equal(r.out, "");
    });
});
