/**
 * The Athena plugin installed as code, against a local fake Grafana (tests/support/fakeGrafana.ts)
 * answering as 10.4, 12.4 and 13 do (a 404 "Not found" for the install route when plugin management is
 * off, 409 for a version already installed, a while of 404 on the settings right after an
 * install), and the installation as the workspace program plans it.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ensurePluginInstalled, PluginRequest } from "../../../components/workspace/pluginClient";
import {
    FAKE_GRAFANA_VERSIONS,
    FakeGrafana,
    FakeGrafanaOptions,
    withGrafana,
} from "../../support/fakeGrafana";
import {
    ATHENA_PLUGIN_ID,
    ATHENA_PLUGIN_MAJOR,
    ATHENA_PLUGIN_VERSION,
} from "../../../shared/grafana/dataSource";
import { ATHENA_PLUGIN_MIN_VERSION } from "../../../shared/grafana/pluginVersion";
import {
    EXAMPLE_SOURCE_STACK,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    oneOf,
    plan,
    raw,
    sourceRef,
} from "../../support/program";
import { DATA_SOURCE_TYPE, PLUGIN_TYPE } from "../../support/workspaceSources";

const TOKEN = "glsa_plugin_test_token_0123456789";
const WORKSPACE = "g-0123456789";

/** The plugin request a test sends to the fake Grafana `g`. */
function request(g: FakeGrafana, extra: Partial<PluginRequest> = {}): PluginRequest {
    return {
        grafanaUrl: g.url,
        token: TOKEN,
        workspaceId: WORKSPACE,
        pluginId: ATHENA_PLUGIN_ID,
        version: ATHENA_PLUGIN_VERSION,
        major: ATHENA_PLUGIN_MAJOR,
        minimumVersion: ATHENA_PLUGIN_MIN_VERSION,
        timeoutMs: 1000,
        deadlineMs: 2000,
        initialBackoffMs: 10,
        ...extra,
    };
}

for (const version of FAKE_GRAFANA_VERSIONS) {
    /** A fake Grafana of this version that knows the plugin's state. */
    const grafana = (installed: string | null, options: FakeGrafanaOptions = {}) =>
        new FakeGrafana(installed, { token: TOKEN, version, ...options });

    describe(`the Athena plugin, installed through Grafana's plugin API (a local fake Grafana ${version})`, function () {
        this.timeout(20_000);

        for (const supported of ["3.1.6", "3.2.0"]) {
            it(`leaves a supported version (${supported}) as it is: no install`, async () => {
                await withGrafana(grafana(supported), async (g) => {
                    const r = await ensurePluginInstalled(request(g));
                    assert.deepEqual(
                        { ok: r.ok, action: r.action, installedVersion: r.installedVersion },
                        { ok: true, action: "present", installedVersion: supported },
                    );
                    assert.deepEqual(g.log, [`GET /api/plugins/${ATHENA_PLUGIN_ID}/settings token`]);
                });
            });
        }

        // 3.1.4 and 3.1.5 send Grafana's own external ID instead of the data source's with ec2_iam_role.
        for (const broken of ["3.1.4", "3.1.5", "3.0.0"]) {
            it(`replaces ${broken}, below the external ID floor, with the pinned version`, async () => {
                await withGrafana(grafana(broken), async (g) => {
                    const r = await ensurePluginInstalled(request(g));
                    assert.deepEqual(
                        { ok: r.ok, action: r.action, installedVersion: r.installedVersion },
                        { ok: true, action: "replaced", installedVersion: ATHENA_PLUGIN_VERSION },
                    );
                    assert.ok(r.message.includes(`was ${broken}`), r.message);
                    assert.ok(g.log.includes(`installed ${ATHENA_PLUGIN_VERSION}`));
                });
            });
        }

        it("refuses to install a version below the floor, before any call, naming the version", async () => {
            await withGrafana(grafana(null), async (g) => {
                const r = await ensurePluginInstalled(request(g, { version: "3.1.5" }));
                assert.equal(r.ok, false);
                assert.match(
                    r.message,
                    /^grafana-athena-datasource in workspace g-0123456789: version: 3\.1\.5 is below 3\.1\.6, /,
                );
                assert.deepEqual(g.log, []);
            });
        });

        it("installs the pinned version where there is none, and waits until Grafana reports it", async () => {
            await withGrafana(grafana(null, { notReportedFor: 3 }), async (g) => {
                const r = await ensurePluginInstalled(request(g));
                assert.equal(r.ok, true, r.message);
                assert.equal(r.action, "installed");
                assert.equal(r.installedVersion, ATHENA_PLUGIN_VERSION);
                assert.ok(g.log.includes(`installed ${ATHENA_PLUGIN_VERSION}`));
                assert.ok(
                    g.log.filter((l) => l.startsWith("GET")).length >= 5,
                    "read again while Grafana answered 404",
                );
                assert.ok(g.log.every((l) => !l.endsWith("no token")));
            });
        });

        it("replaces another major version with the pinned one", async () => {
            await withGrafana(grafana("2.19.0"), async (g) => {
                const r = await ensurePluginInstalled(request(g));
                assert.deepEqual(
                    { ok: r.ok, action: r.action, installedVersion: r.installedVersion },
                    { ok: true, action: "replaced", installedVersion: ATHENA_PLUGIN_VERSION },
                );
                assert.match(r.message, /was 2\.19\.0/);
            });
        });

        it("takes 409 (installed meanwhile) as installed, and retries a busy Grafana", async () => {
            await withGrafana(grafana(null, { installAnswers: [503, 409] }), async (g) => {
                g.installed = null;
                // The 409 means another run installed it: the fake reports it from now on.
                const pending = ensurePluginInstalled(request(g));
                setTimeout(() => (g.installed = ATHENA_PLUGIN_VERSION), 50);
                const r = await pending;
                assert.equal(r.ok, true, r.message);
            });
        });

        it("fails before any data source with the exact fix when plugin management is off", async () => {
            await withGrafana(grafana(null, { managementOn: false }), async (g) => {
                const r = await ensurePluginInstalled(request(g));
                assert.equal(r.ok, false);
                assert.ok(
                    r.message.includes(
                        `aws grafana update-workspace-configuration --workspace-id ${WORKSPACE} ` +
                            `--configuration "$(aws grafana describe-workspace-configuration ` +
                            `--workspace-id ${WORKSPACE} --query configuration --output text ` +
                            `| jq -c '.plugins.pluginAdminEnabled = true')"`,
                    ),
                    r.message,
                );
                assert.match(r.message, /restarts the workspace/);
                assert.ok(!r.message.includes(TOKEN));
            });
        });

        it("gives up at the deadline when Grafana never reports the plugin, saying so", async () => {
            await withGrafana(grafana(null, { notReportedFor: 10_000 }), async (g) => {
                const started = Date.now();
                const r = await ensurePluginInstalled(request(g, { deadlineMs: 300 }));
                assert.equal(r.ok, false);
                assert.match(r.message, /Grafana still reports it not installed yet; run pulumi up again/);
                assert.ok(Date.now() - started < 2500);
            });
        });
    });
}

describe("the Athena plugin in the workspace plan", function () {
    this.timeout(60_000);

    it("is installed once, at the pinned version, before every data source, with the token secret", async () => {
        const source = await plan(SOURCE_DIR);
        const run = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
        const plugin = oneOf(run, PLUGIN_TYPE);
        assert.deepEqual(
            {
                pluginId: plugin.inputs.pluginId,
                version: plugin.inputs.version,
                major: plugin.inputs.major,
                minimumVersion: plugin.inputs.minimumVersion,
                workspaceId: plugin.inputs.workspaceId,
            },
            {
                pluginId: "grafana-athena-datasource",
                version: ATHENA_PLUGIN_VERSION,
                major: 3,
                minimumVersion: "3.1.6",
                workspaceId: WORKSPACE,
            },
        );
        assert.equal(plugin.inputs.token, "[secret]");
        assert.ok(run.secretInputs[plugin.name].includes("token"));
        assert.match(
            String(raw(run, plugin.name).grafanaUrl),
            /^https:\/\/g-0123456789\.grafana-workspace\./,
        );
        for (const ds of byType(run, DATA_SOURCE_TYPE))
            assert.ok(ds.options.dependsOn.includes(plugin.name), `${ds.name} does not wait for the plugin`);
    });

    it("its serialized provider runs on its own: installs on create, makes no call in check or diff, never uninstalls", async () => {
        const source = await plan(SOURCE_DIR);
        const run = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
        const plugin = oneOf(run, PLUGIN_TYPE);
        const inputs = raw(run, plugin.name);
        assert.ok(
            !String(inputs.__provider).includes(String(inputs.token)),
            "the token is captured in the provider",
        );
        await withGrafana(new FakeGrafana(null, { token: TOKEN, version: "12.4" }), async (g) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-"));
            try {
                fs.writeFileSync(path.join(dir, "provider.js"), providerText(run, plugin.name));
                const news = {
                    ...inputs,
                    __provider: undefined,
                    grafanaUrl: g.url,
                    token: TOKEN,
                    deadlineMs: 2000,
                };
                const script = `
                    const p = require(${JSON.stringify(path.join(dir, "provider.js"))}).handler();
                    const news = ${JSON.stringify(news)};
                    (async () => {
                        const checked = await p.check({}, news);
                        const belowFloor = await p.check({}, { ...news, version: "3.1.5" });
                        const unknownVersion = await p.check(
                            {},
                            { ...news, version: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
                        );
                        const created = await p.create(news);
                        const stateBeforeFloor = { ...created.outs, minimumVersion: undefined };
                        const afterUpgrade = await p.diff(created.id, stateBeforeFloor, news);
                        const rotated = await p.diff(created.id, created.outs, { ...news, token: "rotated" });
                        await p.delete(created.id, created.outs);
                        const outcome = {
                            checked, belowFloor, unknownVersion, created, rotated, afterUpgrade,
                        };
                        process.stdout.write(JSON.stringify(outcome));
                    })().catch((e) => { console.error(e.message); process.exit(1); });`;
                const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: dir });
                const out = JSON.parse(stdout);
                assert.equal(out.created.outs.installedVersion, ATHENA_PLUGIN_VERSION);
                assert.equal(out.created.outs.token, undefined, "the token is not an output");
                assert.equal(
                    out.rotated.changes,
                    false,
                    "a token rotation does not run the installation again",
                );
                assert.deepEqual(out.checked.failures, []);
                assert.deepEqual(
                    out.unknownVersion.failures,
                    [],
                    "a version unknown in a preview is not judged",
                );
                assert.equal(out.belowFloor.failures.length, 1);
                assert.equal(out.belowFloor.failures[0].property, "version");
                assert.match(out.belowFloor.failures[0].reason, /^version: 3\.1\.5 is below 3\.1\.6, /);
                assert.equal(
                    out.afterUpgrade.changes,
                    true,
                    "a state from before the floor runs the installation once",
                );
                assert.deepEqual(
                    g.log.filter((l) => l.startsWith("POST")),
                    [`POST /api/plugins/${ATHENA_PLUGIN_ID}/install token`],
                    "one install; check, diff and delete made no call",
                );
                assert.equal(g.installed, ATHENA_PLUGIN_VERSION, "delete does not uninstall");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});

/** The serialized provider text of a dynamic resource, as the engine would store it. */
function providerText(run: Awaited<ReturnType<typeof plan>>, name: string): string {
    const text = run.rawInputs[name].__provider;
    assert.equal(typeof text, "string");
    return text as string;
}
