/**
 * The real Pulumi CLI runs the real programs end to end: a source stack (infra-account-b) that
 * adopts an existing workgroup and results bucket, and a workspace stack (infra-account-a) that
 * reads it through a stack reference, against the stand-in providers and the fake Grafana over
 * HTTPS (support/world.ts). The steps run in order and each is one test: preview, up, refresh, a
 * second up that changes nothing, a config change updated in place, a token rotation replacing
 * only the token, and destroy of the workspace then the source, which leaves the adopted
 * workgroup and bucket in place. Every command's output and both stacks' exported state are
 * searched for the external ID and the Grafana token.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import YAML from "yaml";
import { SOURCE_EXAMPLE, WORKSPACE_EXAMPLE } from "../support/examples";
import { exampleStackConfig } from "../support/repository";
import { transcript } from "./support/cli";
import { EngineStack, EngineWorld, SANDBOX, Side, sandboxSetting } from "./support/world";

const SOURCE = "infra-account-b";
const WORKSPACE = "infra-account-a";
const SOURCE_STACK = "sales";
const WORKSPACE_STACK = "grafana";
const DATA_ACCOUNT = SOURCE_EXAMPLE.dataAccount;
const GRAFANA_ACCOUNT = WORKSPACE_EXAMPLE.grafanaAccount;
const SOURCE_REF = `organization/grafana-athena-source/${SOURCE_STACK}`;

/** Every step that is not "same" or a read, `name: op`, for comparing and for messages. */
const changes = (steps: Map<string, string[]>) =>
    [
        ...new Set(
            [...steps].flatMap(([name, ops]) =>
                ops.filter((op) => !["same", "read", "refresh"].includes(op)).map((op) => `${name}: ${op}`),
            ),
        ),
    ].sort();

const WORKGROUP_TYPE = "aws:athena/workgroup:Workgroup";
const TOKEN_TYPE = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";

/** The adopted workgroup and bucket, as they exist before any stack runs. */
const EXISTING = {
    resources: {
        [WORKGROUP_TYPE]: {
            [SOURCE_EXAMPLE.workgroup]: {
                name: SOURCE_EXAMPLE.workgroup,
                arn:
                    `arn:aws:athena:${SOURCE_EXAMPLE.region}:${DATA_ACCOUNT}:` +
                    `workgroup/${SOURCE_EXAMPLE.workgroup}`,
                description: "made by hand",
                tags: { team: "analytics" },
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    resultConfiguration: {
                        outputLocation: `s3://${SOURCE_EXAMPLE.resultsBucket}/${SOURCE_EXAMPLE.resultsPrefix}`,
                    },
                },
                __account: DATA_ACCOUNT,
                __region: SOURCE_EXAMPLE.region,
            },
        },
        "aws:s3/bucket:Bucket": {
            [SOURCE_EXAMPLE.resultsBucket]: {
                bucket: SOURCE_EXAMPLE.resultsBucket,
                __account: DATA_ACCOUNT,
                __region: SOURCE_EXAMPLE.region,
            },
        },
    },
};

/**
 * The two stacks' config and each side's credentials: the example adopting existing resources, or a sandbox's
 * files.
 */
function pair(): {
    source: Record<string, unknown>;
    workspace: Record<string, unknown>;
    credentials: Record<Side, string>;
} {
    if (SANDBOX) {
        const read = (variable: string) =>
            (
                YAML.parse(fs.readFileSync(sandboxSetting(variable), "utf8")) as {
                    config: Record<string, unknown>;
                }
            ).config;
        return {
            source: read("GRAFANA_ATHENA_SANDBOX_SOURCE_STACK_FILE"),
            workspace: {
                ...read("GRAFANA_ATHENA_SANDBOX_WORKSPACE_STACK_FILE"),
                "grafana-athena-workspace:sources": [{ stack: SOURCE_REF }],
            },
            credentials: {
                source: sandboxSetting("GRAFANA_ATHENA_SANDBOX_SOURCE_PROFILE"),
                workspace: sandboxSetting("GRAFANA_ATHENA_SANDBOX_WORKSPACE_PROFILE"),
            },
        };
    }
    return {
        source: exampleStackConfig(SOURCE, {
            "grafana-athena-source:workgroup": { name: SOURCE_EXAMPLE.workgroup, create: false },
            "grafana-athena-source:results": {
                bucket: SOURCE_EXAMPLE.resultsBucket,
                prefix: SOURCE_EXAMPLE.resultsPrefix,
                create: false,
            },
        }),
        workspace: exampleStackConfig(WORKSPACE, {
            "grafana-athena-workspace:sources": [{ stack: SOURCE_REF }],
        }),
        credentials: { source: DATA_ACCOUNT, workspace: GRAFANA_ACCOUNT },
    };
}

describe("the real Pulumi CLI: a source and a workspace stack, end to end", function () {
    this.timeout(900_000);
    let world: EngineWorld;
    let source: EngineStack;
    let workspace: EngineStack;
    const config = pair();
    const secrets: string[] = [];
    const adopts =
        (config.source["grafana-athena-source:workgroup"] as { create?: boolean } | undefined)?.create ===
        false;
    const dataAccount = String((config.source["aws:allowedAccountIds"] as string[])[0]);

    before(async () => {
        world = new EngineWorld(config.credentials);
        await world.start(
            {
                workspaces: {
                    [WORKSPACE_EXAMPLE.workspaceId]: {
                        endpoint: "",
                        roleArn: SOURCE_EXAMPLE.grafanaRoleArn,
                        grafanaVersion: "10.4",
                        accountId: GRAFANA_ACCOUNT,
                    },
                },
            },
            EXISTING,
        );
        world.repo.writeStack(SOURCE, SOURCE_STACK, config.source);
        world.repo.writeStack(WORKSPACE, WORKSPACE_STACK, config.workspace);
        source = await world.stack(SOURCE, "source", SOURCE_STACK);
        workspace = await world.stack(WORKSPACE, "workspace", WORKSPACE_STACK);
    });
    after(async () => {
        await world?.close();
    });

    it("previews the source stack: the workgroup imported, the role and its policy created, nothing deleted", async () => {
        const planned = changes((await source.preview()).steps);
        assert.ok(
            planned.includes(`grafana-athena-workgroup: ${adopts ? "import" : "create"}`),
            planned.join("\n"),
        );
        assert.ok(planned.includes("grafana-athena-role: create"), planned.join("\n"));
        assert.ok(planned.includes("grafana-athena-access: create"), planned.join("\n"));
        assert.deepEqual(
            planned.filter((c) => /delete|replace/.test(c)),
            [],
        );
    });

    it("deploys the source stack: the existing workgroup gets the tag and keeps its own, the contract is exported", async () => {
        await source.up();
        if (world.standIn) {
            const wg = world.aws().resources[WORKGROUP_TYPE][SOURCE_EXAMPLE.workgroup];
            assert.deepEqual(wg.tags, { team: "analytics", GrafanaDataSource: "true" });
            assert.equal(wg.description, "made by hand");
        }
        const outputs = await source.stack.outputs();
        assert.equal(outputs.externalId.secret, true);
        assert.match(outputs.roleArn.value, new RegExp(`^arn:aws[-a-z]*:iam::${dataAccount}:role/`));
        assert.match(outputs.externalId.value, /^[A-Za-z0-9]{48}$/);
        secrets.push(outputs.externalId.value);
    });

    it("deploys the workspace stack: the plugin installed, the data source created and checked over HTTPS, dashboards saved", async () => {
        const planned = changes((await workspace.preview()).steps);
        assert.ok(planned.includes("grafana-athena-token: create"), planned.join("\n"));
        await workspace.up();
        const outputs = await workspace.stack.outputs();
        assert.deepEqual(Object.keys(outputs.dataSourceUids.value), [SOURCE_REF]);
        if (!world.standIn) return;
        assert.equal(world.grafana.installed, "3.3.3");
        const [ds] = [...world.grafana.objects.dataSources.values()];
        assert.ok(ds, "no data source in Grafana");
        assert.equal(
            JSON.stringify(ds.body.jsonData).includes(secrets[0]),
            true,
            "the data source carries the external ID",
        );
        assert.ok(
            world.grafana.log.some((l) => l.startsWith(`GET /api/datasources/uid/${ds.uid}/health token`)),
            world.grafana.log.join("\n"),
        );
        assert.equal(world.grafana.objects.dashboards.size, 3);
        const tokens = Object.values(world.aws().resources[TOKEN_TYPE]);
        assert.equal(tokens.length, 1);
        secrets.push(String(tokens[0].key));
    });

    it("refreshes both stacks and finds them as deployed (but the existing workgroup's read, which the adoption tagged)", async () => {
        // The source reads the existing workgroup (`get`) before its adoption adds the tag, so a
        // refresh right after the first up finds that read changed, and nothing else; the next
        // up reads it again.
        const refreshed = changes((await source.refresh()).steps);
        assert.deepEqual(
            refreshed.filter((c) => c !== "grafana-athena-workgroup-existing: refresh changed"),
            [],
        );
        await source.refresh({ expectNoChanges: true });
        await workspace.refresh({ expectNoChanges: true });
    });

    it("runs a second up on each stack that changes nothing", async () => {
        await source.up({ expectNoChanges: true });
        await workspace.up({ expectNoChanges: true });
    });

    it("updates in place on a config change: the access policy (a table more) and the dashboards (result reuse)", async () => {
        const before = (await source.exported()).resources;
        await source.setConfig("grafana-athena-source:tables[2]", "returns");
        assert.deepEqual(changes((await source.preview()).steps), ["grafana-athena-access: update"]);
        await source.up();
        const after = (await source.exported()).resources;
        assert.equal(after.get("grafana-athena-access")?.id, before.get("grafana-athena-access")?.id);

        await workspace.setConfig("grafana-athena-workspace:dashboard.resultReuseMinutes", "30");
        const planned2 = changes((await workspace.preview()).steps);
        // The stack reference reads the source's new `tables` output; everything else updates in place.
        assert.deepEqual(
            planned2.filter(
                (c) =>
                    !c.endsWith(": update") && !(c.startsWith("source-") && c.endsWith(": refresh changed")),
            ),
            [],
            planned2.join("\n"),
        );
        assert.ok(planned2.includes("grafana-athena-dashboard-fleet: update"), planned2.join("\n"));
        if (!world.standIn) return void (await workspace.up());
        const versions = new Map(
            [...world.grafana.objects.dashboards].map(([uid, d]) => [uid, d.body.version]),
        );
        await workspace.up();
        for (const [uid, d] of world.grafana.objects.dashboards) {
            assert.equal(d.created, 1, `dashboard ${uid} was created again`);
            // Every dashboard that queries Athena is saved again; the home dashboard only links.
            const saved = Number(d.body.version) > Number(versions.get(uid));
            assert.equal(saved, !uid.startsWith("athena-home-"), `dashboard ${uid}: saved again ${saved}`);
        }
    });

    it("rotates the token when it is due: only the token is replaced, the old one stops working", async () => {
        const before = (await workspace.exported()).resources;
        const oldToken = secrets[1];
        if (world.standIn) {
            world.setClock(new Date(Date.now() + 8 * 86_400_000));
            await workspace.up();
        } else {
            // A real clock cannot be moved: the rotation is forced as the README's "Rotate the token" does.
            await workspace.up({ replace: [before.get("grafana-athena-token-rotation")!.urn] });
        }
        const after = (await workspace.exported()).resources;
        const changed = [...after]
            .filter(([name, r]) => r.id !== undefined && before.get(name)?.id !== r.id)
            .map(([name]) => name)
            .sort();
        assert.deepEqual(changed, ["grafana-athena-token", "grafana-athena-token-rotation"]);
        if (!world.standIn) return;
        const tokens = Object.values(world.aws().resources[TOKEN_TYPE]);
        assert.equal(tokens.length, 1);
        assert.notEqual(tokens[0].key, oldToken);
        secrets.push(String(tokens[0].key));
        for (const d of [
            ...world.grafana.objects.dataSources.values(),
            ...world.grafana.objects.dashboards.values(),
        ])
            assert.equal(d.created, 1);
    });

    it("never shows the external ID or a token in plain text: not in any output, not in either stack's state", async () => {
        await world.ok(SOURCE, "source", ["stack", "export", "--stack", SOURCE_STACK]);
        await world.ok(WORKSPACE, "workspace", ["stack", "export", "--stack", WORKSPACE_STACK]);
        assert.ok(secrets.length >= (world.standIn ? 3 : 1));
        assert.ok(world.runs.length >= 12, `only ${world.runs.length} runs searched`);
        const texts = world.runs.map(transcript);
        for (const secret of secrets) {
            for (const text of texts) {
                const at = text.indexOf(secret);
                assert.equal(
                    at,
                    -1,
                    `a secret in plain text in ${text.split("\n")[0]}: ` +
                        `...${text.slice(Math.max(0, at - 300), at).slice(-300)}<SECRET>`,
                );
            }
        }
    });

    it("destroys the workspace, then the source: Grafana emptied, the adopted workgroup and bucket left in place", async () => {
        await workspace.destroy();
        if (!world.standIn) return void (await source.destroy());
        assert.equal(world.grafana.objects.dataSources.size, 0);
        assert.equal(world.grafana.objects.dashboards.size, 0);
        assert.equal(world.grafana.objects.folders.size, 0);
        assert.deepEqual(world.aws().resources[TOKEN_TYPE], {});
        await source.destroy();
        const left = world.aws().resources;
        assert.deepEqual(Object.keys(left["aws:iam/role:Role"] ?? {}), []);
        assert.ok(left[WORKGROUP_TYPE][SOURCE_EXAMPLE.workgroup], "the adopted workgroup was deleted");
        assert.ok(
            left["aws:s3/bucket:Bucket"][SOURCE_EXAMPLE.resultsBucket],
            "the existing bucket was deleted",
        );
    });
});
