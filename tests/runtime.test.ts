/**
 * The runtime the tests and the programs run on: the Node.js the lockfile pins (its binary
 * package's `node` is first on npm's PATH, so `npm test` and `.ci/run` run it) and a current SDK.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./support/program";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8"));

/** The Node.js binary packages the lockfile pins, by platform (`linux-x64`). */
function pinnedNodes(): Record<string, string> {
    const pins: Record<string, string> = {};
    for (const [name, version] of Object.entries<string>(pkg.optionalDependencies ?? {})) {
        const m = /^node-(linux|darwin|win)-(x64|arm64)$/.exec(name);
        if (m) pins[`${m[1] === "win" ? "win32" : m[1]}-${m[2]}`] = version;
    }
    return pins;
}

describe("runtime: Node.js", () => {
    it("npm test runs on the Node.js 24 the lockfile pins for this platform", () => {
        const pins = pinnedNodes();
        assert.ok(Object.keys(pins).length > 0, "package.json pins a Node.js binary package");
        for (const [platform, version] of Object.entries(pins)) {
            assert.match(version, /^24\.\d+\.\d+$/, `node-${platform} is one exact Node.js 24 release`);
            const locked = lock.packages[`node_modules/node-${platform.replace("win32", "win")}`];
            assert.equal(locked?.version, version, `the lockfile pins node-${platform} ${version}`);
        }
        const pinned = pins[`${process.platform}-${process.arch}`];
        if (pinned !== undefined) {
            assert.equal(process.version, `v${pinned}`, "mocha runs node_modules/.bin/node");
        } else {
            assert.match(process.version, /^v(22|24)\./, "elsewhere, a Node.js that engines names");
        }
    });

    it("engines names Node.js 22 and 24, which @pulumi/pulumi supports", () => {
        assert.equal(pkg.engines.node, "22.x || 24.x");
        assert.equal(lock.packages["node_modules/@pulumi/pulumi"].engines.node, ">=22");
    });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("runtime: the SDK and the providers stay current", () => {
    const upgraded = [
        "@pulumi/pulumi",
        "@pulumi/aws",
        "@pulumiverse/grafana",
        "@pulumi/random",
        "@pulumiverse/time",
        "@pulumi/policy",
    ];

    it("Dependabot's npm updates hold none of them back", () => {
        const config = YAML.parse(fs.readFileSync(path.join(REPO, ".github/dependabot.yml"), "utf8"));
        type Update = { "package-ecosystem": string; ignore?: { "dependency-name": string }[] };
        const npm = (config.updates as Update[]).find((u) => u["package-ecosystem"] === "npm");
        assert.ok(npm, "Dependabot updates npm");
        const ignored = (npm.ignore ?? []).map((i) => i["dependency-name"]);
        for (const name of upgraded) {
            // Dependabot's dependency-name takes `*` as a wildcard.
            const pattern = (glob: string) => new RegExp(`^${glob.split("*").map(escape).join(".*")}$`);
            const hit = (glob: string) => pattern(glob).test(name);
            const held = ignored.filter(hit);
            assert.deepEqual(held, [], `${name} is not ignored`);
        }
    });

    it("the lockfile installs one @pulumi/pulumi, shared by every provider and the policy SDK", () => {
        const copies = Object.keys(lock.packages).filter((k) => k.endsWith("node_modules/@pulumi/pulumi"));
        assert.deepEqual(copies, ["node_modules/@pulumi/pulumi"]);
        for (const name of upgraded) {
            assert.equal(lock.packages[`node_modules/${name}`].version, pkg.dependencies[name], name);
        }
    });
});
