/**
 * The workspace a platform team runs (tests/support/platformWorkspace.ts), deployed by the real
 * Pulumi CLI against the stand-in providers and a fake Grafana over HTTPS playing each of 10.4,
 * 12.4 and 13: two source stacks of two data accounts, each owned by a team synced from an IAM
 * Identity Center group; then, per Grafana version, one workspace stack (its own workspace and
 * Grafana) with a freshness alert and a cost alert on every source and an SQL alert on one, each
 * routed to its team's contact point, a `region` query variable the panels use, and the exported
 * dashboard bound to each source. After `up`, Grafana holds each team's rules in that team's
 * folder, one route per team to its contact point, each dashboard reading its own source's data
 * source, and each team's groups, and the first source's own dashboard file (`dashboardFiles`)
 * bound to that source alone and viewable by its team alone; the fake refuses what Grafana refuses
 * (a dashboard its version's schema refuses, a permission for a team it does not have, a route to a
 * contact point it does not have, ...). A second `up` changes nothing; `destroy` leaves Grafana as
 * it was. The Slack webhook never shows.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { FakeGrafana, FakeGrafanaVersion } from "../support/fakeGrafana";
import { SOURCE_EXAMPLE, WORKSPACE_EXAMPLE } from "../support/examples";
import {
    DASHBOARD_EXPORT,
    DASHBOARD_FILE,
    PLATFORM_RULES,
    PLATFORM_SECRETS,
    PLATFORM_SOURCES,
    PLATFORM_WORKSPACE,
    SALES_GROUP,
    SALES_TOPIC,
    SHOP_GROUP,
    SHOP_WEBHOOK,
} from "../support/platformWorkspace";
import { exampleStackConfig } from "../support/repository";
import { transcript } from "./support/cli";
import { EngineStack, EngineWorld, SANDBOX } from "./support/world";

const SOURCE = "infra-account-b";
const WORKSPACE = "infra-account-a";
const GRAFANA_ACCOUNT = WORKSPACE_EXAMPLE.grafanaAccount;
/** Each Grafana version, and the workspace (with a Grafana of its own) that plays it. */
const VERSIONS: [FakeGrafanaVersion, string][] = [
    ["10.4", "g-1010101010"],
    ["12.4", "g-1212121212"],
    ["13", "g-1313131313"],
];
const ATHENA = "grafana-athena-datasource";

/** The first source's own dashboard file: the example export under a title of its own. */
const SOURCE_FILE_TITLE = "Sales orders";

/**
 * Each source stack's file: the example, in its own account, workgroup and results bucket, without
 * panels of its own (the workspace's, which use the region variable, apply).
 */
function sourceConfig(s: (typeof PLATFORM_SOURCES)[number]): Record<string, unknown> {
    return exampleStackConfig(
        SOURCE,
        {
            "aws:allowedAccountIds": [s.account],
            "grafana-athena-source:workgroup": { name: s.workgroup },
            "grafana-athena-source:tables": s.tables,
            "grafana-athena-source:results": s.results,
            "grafana-athena-source:dataLocations": [`s3://${s.workgroup}-data-${s.account}/warehouse/`],
            "grafana-athena-source:roleName": s.roleName,
            "grafana-athena-source:label": s.label,
            "grafana-athena-source:teams": [s.team],
            ...(s === PLATFORM_SOURCES[0]
                ? { "grafana-athena-source:dashboardFiles": [DASHBOARD_FILE] }
                : {}),
        },
        ["grafana-athena-source:panels"],
    );
}

/** Every Athena data source reference of a dashboard model. */
function athenaRefs(model: unknown): string[] {
    const found: string[] = [];
    const walk = (v: unknown) => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!v || typeof v !== "object") return;
        const o = v as Record<string, unknown>;
        if (o.type === ATHENA && typeof o.uid === "string") found.push(o.uid);
        Object.values(o).forEach(walk);
    };
    walk(model);
    return [...new Set(found)];
}

/** What Grafana holds of the platform workspace, as a reader checks it. */
function assertDeployed(g: FakeGrafana): void {
    const o = g.objects;
    // Teams, each synced from its own Identity Center group.
    const teams = [...o.teams.byId.values()].map((t) => [t.name, t.groups]).sort();
    assert.deepEqual(teams, [
        ["sales-analysts", [SALES_GROUP]],
        ["shop-analysts", [SHOP_GROUP]],
    ]);
    const teamId = (name: string) => o.teams.byName(name)!.id;
    // Each source's data source, queried by its own team and the program's service account only.
    const ds = (label: string) => [...o.dataSources.values()].find((d) => d.body.name === label)!;
    for (const s of PLATFORM_SOURCES) {
        assert.ok(ds(s.label), `no data source ${s.label}`);
        const jsonData = ds(s.label).body.jsonData as Record<string, unknown>;
        assert.match(String(jsonData.assumeRoleArn), new RegExp(`^arn:aws:iam::${s.account}:role/`));
        // Managed query results: the data source names no output location (Athena refuses one).
        const bucket = "bucket" in s.results ? `s3://${s.results.bucket}/` : undefined;
        const output = typeof jsonData.outputLocation === "string" ? jsonData.outputLocation : undefined;
        assert.equal(output?.slice(0, bucket?.length), bucket, `${s.label}: output location`);
        const grants = g.grants.get(`datasources/${ds(s.label).uid}`)!;
        assert.deepEqual(
            grants.filter((x) => x.userId === 0).map((x) => [x.teamId, x.builtInRole, x.permission]),
            [[teamId(s.team), "", "Query"]],
            `who may query ${s.label}`,
        );
    }
    // The rules, each in its team's folder, which only that team may view, labelled for its route.
    for (const [title, rules] of Object.entries(PLATFORM_RULES)) {
        const folder = [...o.folders.values()].find((f) => f.body.title === title);
        assert.ok(folder, `no folder ${title}`);
        const team = /\((.*)\)$/.exec(title)![1];
        const held = [...o.alertRules.values()].filter((r) => r.folderUID === folder.uid);
        assert.deepEqual(held.map((r) => r.title).sort(), rules, `rules in ${title}`);
        for (const r of held) assert.deepEqual(r.labels, { team }, String(r.title));
        const source = PLATFORM_SOURCES.find((s) => s.team === team)!;
        for (const r of held) {
            const queried = (r.data as { datasourceUid: string }[]).map((d) => d.datasourceUid);
            assert.ok(queried.includes(ds(source.label).uid), `${String(r.title)} queries its source`);
        }
        assert.deepEqual(
            g.grants.get(`folders/${folder.uid}`)!.map((x) => [x.teamId, x.builtInRole, x.permission]),
            [[teamId(team), "", "View"]],
            `who may view ${title}`,
        );
    }
    // One route per team, to its contact point; everything else to Grafana's default.
    assert.deepEqual(o.alerting.tree.receiver, "grafana-default-email");
    assert.deepEqual(
        (o.alerting.tree.routes ?? []).map((r) => [r.receiver, r.object_matchers]),
        [
            ["sales-oncall", [["team", "=", "sales-analysts"]]],
            ["shop-slack", [["team", "=", "shop-analysts"]]],
        ],
    );
    const points = [...o.alerting.integrations.values()].filter((i) => i.name !== "grafana-default-email");
    assert.deepEqual(points.map((i) => [i.name, i.type, i.settings]).sort(), [
        ["sales-oncall", "sns", { topic: SALES_TOPIC, auth_provider: "default" }],
        ["shop-slack", "slack", { url: SHOP_WEBHOOK, recipient: "#shop-alerts" }],
    ]);
    // The exported dashboard once per source, reading that source's data source only; the
    // generated ones offer the region variable from their own source, and the panel uses it.
    for (const s of PLATFORM_SOURCES) {
        const uid = ds(s.label).uid;
        const file = [...o.dashboards.values()].find(
            (d) => (d.body.dashboard as { title: string }).title === `Sales overview (${s.label})`,
        );
        assert.ok(file, `no file dashboard for ${s.label}`);
        assert.deepEqual(athenaRefs(file.body.dashboard), [uid], `Sales overview (${s.label})`);
        const own = [...o.dashboards.values()].find(
            (d) => (d.body.dashboard as { title: string }).title === s.label,
        )!;
        const model = own.body.dashboard as {
            templating: { list: { name: string; type: string; datasource?: { uid: string } }[] };
            panels: { targets?: { rawSQL?: string }[] }[];
        };
        const region = model.templating.list.find((v) => v.name === "region");
        assert.equal(region?.type, "query", `${s.label}: the region variable`);
        assert.equal(region?.datasource?.uid, uid);
        assert.ok(
            model.panels.some((p) => p.targets?.some((t) => t.rawSQL?.includes("${region:sqlstring}"))),
            `${s.label}: no panel uses $region`,
        );
        assert.deepEqual(athenaRefs(model), [uid], s.label);
    }
    // The first source's own file: one dashboard, on its data source alone, viewable by its team alone.
    const [first] = PLATFORM_SOURCES;
    const own = [...o.dashboards.values()].filter((d) =>
        (d.body.dashboard as { title: string }).title.startsWith(`${SOURCE_FILE_TITLE} (`),
    );
    assert.deepEqual(
        own.map((d) => (d.body.dashboard as { title: string }).title),
        [`${SOURCE_FILE_TITLE} (${first.label})`],
    );
    assert.deepEqual(athenaRefs(own[0].body.dashboard), [ds(first.label).uid]);
    const ownUid = (own[0].body.dashboard as { uid: string }).uid;
    assert.deepEqual(
        g.grants.get(`dashboards/${ownUid}`)!.map((x) => [x.teamId, x.builtInRole, x.permission]),
        [[teamId(first.team), "", "View"]],
        "who may view the source's own dashboard",
    );
}

function assertEmpty(g: FakeGrafana): void {
    const o = g.objects;
    assert.deepEqual(
        {
            dataSources: o.dataSources.size,
            folders: o.folders.size,
            dashboards: o.dashboards.size,
            rules: o.alertRules.size,
            teams: o.teams.byId.size,
            contactPoints: [...o.alerting.contactPoints()],
            routes: o.alerting.tree.routes ?? [],
        },
        {
            dataSources: 0,
            folders: 0,
            dashboards: 0,
            rules: 0,
            teams: 0,
            contactPoints: ["grafana-default-email"],
            routes: [],
        },
    );
}

(SANDBOX ? describe.skip : describe)(
    "the real Pulumi CLI: a platform team's workspace on Grafana 10.4, 12.4 and 13",
    function () {
        this.timeout(900_000);
        let world: EngineWorld;
        const sources: EngineStack[] = [];

        before(async () => {
            world = new EngineWorld({ source: PLATFORM_SOURCES[0].account, workspace: GRAFANA_ACCOUNT });
            const workspace = {
                roleArn: SOURCE_EXAMPLE.grafanaRoleArn,
                accountId: GRAFANA_ACCOUNT,
                endpoint: "",
            };
            await world.start(
                {
                    workspaces: Object.fromEntries(
                        VERSIONS.map(([version, id]) => [id, { ...workspace, grafanaVersion: version }]),
                    ),
                },
                { resources: {} },
                Object.fromEntries(VERSIONS.map(([v, id]) => [id, v])),
            );
            const dashboards = path.join(world.repo.root, WORKSPACE, path.dirname(DASHBOARD_FILE));
            fs.mkdirSync(dashboards, { recursive: true });
            fs.writeFileSync(path.join(world.repo.root, WORKSPACE, DASHBOARD_FILE), DASHBOARD_EXPORT);
            fs.mkdirSync(path.join(world.repo.root, SOURCE, path.dirname(DASHBOARD_FILE)), {
                recursive: true,
            });
            fs.writeFileSync(
                path.join(world.repo.root, SOURCE, DASHBOARD_FILE),
                JSON.stringify({ ...JSON.parse(DASHBOARD_EXPORT), title: SOURCE_FILE_TITLE }),
            );
            for (const s of PLATFORM_SOURCES) {
                const name = s.stack.split("/")[2];
                world.repo.writeStack(SOURCE, name, sourceConfig(s));
                sources.push(await world.stack(SOURCE, "source", name, s.account));
            }
        });
        after(async () => {
            await world?.close();
        });

        it("deploys both source stacks, each in its own data account; the one with managed query results has no results bucket", async () => {
            for (const s of sources) await s.up();
            const held = world.aws().resources;
            const bucketsOf = (account: string) =>
                Object.values(held["aws:s3/bucket:Bucket"] ?? {}).filter((b) => b.__account === account);
            for (const s of PLATFORM_SOURCES) {
                const managed = "managed" in s.results;
                assert.equal(bucketsOf(s.account).length, managed ? 0 : 1, `results buckets in ${s.account}`);
                const workgroup = held["aws:athena/workgroup:Workgroup"][s.workgroup] as {
                    configuration: Record<string, { enabled?: boolean; outputLocation?: string } | undefined>;
                };
                const config = workgroup.configuration;
                assert.equal(config.managedQueryResultsConfiguration?.enabled === true, managed);
                assert.equal(config.resultConfiguration?.outputLocation === undefined, managed);
            }
        });

        for (const [version, workspaceId] of VERSIONS) {
            it(`deploys the workspace on Grafana ${version}: rules in each team's folder, routes by team, dashboards bound to each source, team groups; a second up changes nothing; destroy empties Grafana`, async () => {
                const name = `grafana-${version.replace(".", "")}`;
                const config: Record<string, unknown> = {
                    "grafana-athena-workspace:workspaceId": workspaceId,
                    "grafana-athena-workspace:sources": PLATFORM_SOURCES.map((s) => ({ stack: s.stack })),
                };
                for (const [k, v] of Object.entries(PLATFORM_WORKSPACE))
                    config[`grafana-athena-workspace:${k}`] = v;
                world.repo.writeStack(WORKSPACE, name, exampleStackConfig(WORKSPACE, config));
                const stack = await world.stack(WORKSPACE, "workspace", name);
                for (const [cp, secret] of Object.entries(PLATFORM_SECRETS.contactPointSecrets))
                    await stack.stack.setConfig(
                        `grafana-athena-workspace:contactPointSecrets["${cp}"]`,
                        { value: secret, secret: true },
                        true,
                    );
                const g = world.grafanaOf(workspaceId);
                assert.equal(g.version, version);
                await stack.up();
                assertDeployed(g);
                await stack.up({ expectNoChanges: true });
                // As a user would export it (searched for the webhook below).
                await world.ok(WORKSPACE, "workspace", ["stack", "export", "--stack", name]);
                await stack.destroy();
                assertEmpty(g);
            });
        }

        it("never shows the Slack webhook: not in any output, not in the workspace stacks' exported state", async () => {
            const texts = world.runs.map(transcript);
            assert.ok(texts.length >= 10, `only ${texts.length} runs searched`);
            for (const text of texts) assert.equal(text.indexOf(SHOP_WEBHOOK), -1, text.split("\n")[0]);
        });

        it("destroys both source stacks", async () => {
            for (const s of sources) await s.destroy();
            assert.deepEqual(Object.keys(world.aws().resources["aws:iam/role:Role"] ?? {}), []);
        });
    },
);
