import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import {
    DataSourceHealthCheck,
    HEALTH_CHECK_TYPE,
} from "../../../components/workspace/dataSourceHealthCheck";
import { FAKE_GRAFANA_VERSIONS, FakeGrafana, withGrafana } from "../../support/fakeGrafana";

const TOKEN = "glsa_mock_secret_token_9f8e7d";
const registered: pulumi.runtime.MockResourceArgs[] = [];

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

describe("DataSourceHealthCheck (mocks)", () => {
    // In a hook, not at load time: other test files in the same mocha run may install their own mocks.
    before(() =>
        pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "grafana-athena",
            "test",
            false,
        ),
    );

    it("registers with the expected inputs and a serialized provider without the token", async () => {
        const check = new DataSourceHealthCheck("athena-b-health", {
            grafanaUrl: "https://g-abc.grafana-workspace.eu-west-1.amazonaws.com",
            token: TOKEN,
            dataSourceUid: "athena-b",
            dataSourceName: "Athena (account b)",
            sourceStack: "org/infra-account-b/prod",
            dataSourceVersion: "3",
        });
        await valueOf(check.id); // registered

        const r = registered.find((a) => a.name === "athena-b-health");
        assert.ok(r);
        assert.equal(registered.filter((a) => a.name === "athena-b-health").length, 1);
        assert.equal(r.type, HEALTH_CHECK_TYPE);
        assert.equal(r.inputs.dataSourceUid, "athena-b");
        assert.equal(r.inputs.dataSourceVersion, "3");
        assert.equal(r.inputs.sourceStack, "org/infra-account-b/prod");
        // Under mocks a secret input arrives in its wire envelope: proof it was wrapped with pulumi.secret.
        assert.deepEqual(r.inputs.token, {
            "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
            value: TOKEN,
        });
        const text = r.inputs.__provider as string;
        assert.equal(typeof text, "string");
        assert.ok(text.includes("exports.handler"));
        assert.ok(!text.includes(TOKEN), "the token must not be captured in __provider");
        assert.ok(!/require\(["']\.{1,2}\//.test(text), "no relative require in the serialized provider");
    });

    for (const version of FAKE_GRAFANA_VERSIONS) {
        it(`the serialized provider runs on its own against Grafana ${version}: diff ignores the token, create calls the health API`, async function () {
            this.timeout(10000);
            const r = registered.find((a) => a.name === "athena-b-health");
            assert.ok(r);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dshc-"));
            await withGrafana(new FakeGrafana(null, { token: TOKEN, version }), async (g) => {
                try {
                    // Load the text the way the dynamic-provider process does (a module with no useful path).
                    fs.writeFileSync(path.join(dir, "provider.js"), r.inputs.__provider as string);
                    const script = `
                        const p = require(${JSON.stringify(path.join(dir, "provider.js"))}).handler();
                        const news = ${JSON.stringify({
                            ...r.inputs,
                            __provider: undefined,
                            grafanaUrl: g.url,
                        })};
                        (async () => {
                            const created = await p.create(news);
                            const same = await p.diff(created.id, created.outs, {
                                ...news,
                                token: "rotated",
                            });
                            const bumped = await p.diff(created.id, created.outs, {
                                ...news,
                                dataSourceVersion: "4",
                            });
                            process.stdout.write(JSON.stringify({ created, same, bumped }));
                        })().catch((e) => { console.error(e); process.exit(1); });`;
                    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
                        cwd: dir,
                    });
                    const out = JSON.parse(stdout);
                    assert.equal(out.created.outs.message, "Data source is working");
                    assert.equal(out.created.outs.token, undefined);
                    assert.equal(out.same.changes, false);
                    assert.equal(out.bumped.changes, true);
                    assert.deepEqual(g.log, ["GET /api/datasources/uid/athena-b/health token"]);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            });
        });
    }
});
