/**
 * Teams, permissions, contact points and the notification policy through the stand-in Grafana
 * provider (the one the engine tests run) against the fake Grafana playing 10.4, 12.4 and 13: what
 * Grafana holds after each call, and each refusal Grafana gives (a team name taken, a group added
 * twice, a permission for a team or a resource it does not have, a contact point without its
 * required setting, a route to a contact point that does not exist, a contact point still routed
 * to, a dashboard the version's schema refuses, a folder that still holds rules).
 */
import assert from "node:assert/strict";
import { GrafanaStandIn } from "../../../tools/standin/grafana";
import { FAKE_GRAFANA_VERSIONS, FakeGrafana, withGrafana } from "../../support/fakeGrafana";

const TOKEN = "glsa_teams_alerting_test_token";
const TEAM = "grafana:oss/team:Team";
const FOLDER = "grafana:oss/folder:Folder";
const DATA_SOURCE = "grafana:oss/dataSource:DataSource";
const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const DS_PERMISSION = "grafana:enterprise/dataSourcePermission:DataSourcePermission";
const FOLDER_PERMISSION = "grafana:oss/folderPermission:FolderPermission";
const CONTACT_POINT = "grafana:alerting/contactPoint:ContactPoint";
const POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";
const GROUP = "9a6731e4-1051-70a9-2f5b-5c3a1c1e0c11";

/** Runs `body` with a fake Grafana of `version` keeping objects, and the stand-in provider for it. */
function withStandIn(
    version: (typeof FAKE_GRAFANA_VERSIONS)[number],
    body: (g: FakeGrafana, p: GrafanaStandIn) => Promise<void>,
) {
    return withGrafana(new FakeGrafana(null, { token: TOKEN, version, keepsObjects: true }), async (g) => {
        const p = new GrafanaStandIn();
        p.configure({ url: g.url, auth: TOKEN });
        await body(g, p);
    });
}

const grantsOf = (g: FakeGrafana, key: string) =>
    (g.grants.get(key) ?? []).map((x) => [x.teamId, x.userId, x.builtInRole, x.permission]);

describe("teams, permissions and alerting through the stand-in Grafana provider (fake Grafana)", () => {
    for (const version of FAKE_GRAFANA_VERSIONS) {
        it(`syncs a team's groups, sets exactly the wanted grants, routes by team, and removes it all again on Grafana ${version}`, async () => {
            await withStandIn(version, async (g, p) => {
                const team = await p.create(TEAM, "t", {
                    name: "sales",
                    teamSync: { groups: [GROUP, "ops"] },
                });
                const held = g.objects.teams.byName("sales")!;
                assert.equal(team.id, `1:${held.id}`);
                assert.deepEqual(held.groups, [GROUP, "ops"]);
                assert.deepEqual(team.outs.teamSync, { groups: [GROUP, "ops"] });
                // Groups change one by one: "ops" removed, "finance" added; the rest stays.
                await p.update(TEAM, team.id, team.outs, {
                    name: "sales",
                    teamSync: { groups: [GROUP, "finance"] },
                });
                assert.deepEqual(held.groups, [GROUP, "finance"]);
                assert.ok(g.log.some((l) => l.startsWith(`DELETE /api/teams/${held.id}/groups?groupId=ops`)));

                await p.create(DATA_SOURCE, "ds", {
                    name: "Sales",
                    type: "grafana-athena-datasource",
                    uid: "ds1",
                });
                const perm = await p.create(DS_PERMISSION, "dsp", {
                    datasourceUid: "ds1",
                    permissions: [
                        { teamId: team.id, permission: "Query" },
                        { userId: "7", permission: "Query" },
                    ],
                });
                // Grafana's defaults (Viewer and Editor may query) are gone: exactly the wanted grants.
                assert.deepEqual(grantsOf(g, "datasources/ds1"), [
                    [held.id, 0, "", "Query"],
                    [0, 7, "", "Query"],
                ]);
                const read = await p.read(DS_PERMISSION, perm.id, perm.outs);
                assert.deepEqual(read?.outs.permissions, perm.outs.permissions);

                await p.create(CONTACT_POINT, "cp", {
                    name: "sales-oncall",
                    sns: [{ topic: "arn:aws:sns:eu-west-1:111122223333:sales", authProvider: "default" }],
                });
                const policy = await p.create(POLICY, "np", {
                    contactPoint: "grafana-default-email",
                    groupBies: ["grafana_folder", "alertname"],
                    policies: [
                        {
                            contactPoint: "sales-oncall",
                            matchers: [{ label: "team", match: "=", value: "sales" }],
                            groupBies: ["grafana_folder", "alertname"],
                        },
                    ],
                });
                assert.deepEqual(g.objects.alerting.tree.routes, [
                    {
                        receiver: "sales-oncall",
                        group_by: ["grafana_folder", "alertname"],
                        object_matchers: [["team", "=", "sales"]],
                    },
                ]);
                // Still routed to: Grafana will not delete it.
                await assert.rejects(
                    p.delete(CONTACT_POINT, "1:sales-oncall"),
                    /409.*referenced by a notification policy/,
                );
                await p.delete(POLICY, policy.id);
                await p.delete(CONTACT_POINT, "1:sales-oncall");
                await p.delete(DS_PERMISSION, perm.id);
                await p.delete(TEAM, team.id);
                assert.deepEqual([...g.objects.alerting.contactPoints()], ["grafana-default-email"]);
                assert.equal(g.objects.alerting.tree.routes, undefined);
                assert.deepEqual(grantsOf(g, "datasources/ds1"), []);
                assert.equal(g.objects.teams.byId.size, 0);
                assert.equal(await p.read(TEAM, team.id, {}), undefined, "a deleted team reads as gone");
                // A data source deleted and made again starts with Grafana's defaults.
                await p.create(DS_PERMISSION, "dsp", { datasourceUid: "ds1", permissions: [] });
                await p.delete(DATA_SOURCE, "1:ds1");
                await p.create(DATA_SOURCE, "ds", {
                    name: "Sales",
                    type: "grafana-athena-datasource",
                    uid: "ds1",
                });
                await fetch(`${g.url}/api/access-control/datasources/ds1`, {
                    headers: { Authorization: `Bearer ${TOKEN}` },
                });
                assert.deepEqual(grantsOf(g, "datasources/ds1"), [
                    [0, 0, "Viewer", "Query"],
                    [0, 0, "Editor", "Query"],
                ]);
            });
        });
    }

    it("is refused as Grafana refuses it: a team name taken, a group twice, a grant for a team or a resource it does not have", async () => {
        await withStandIn("12.4", async (g, p) => {
            const team = await p.create(TEAM, "t", { name: "sales", teamSync: { groups: [GROUP] } });
            await assert.rejects(p.create(TEAM, "t2", { name: "sales" }), /409.*Team name taken/);
            await assert.rejects(
                p.update(TEAM, team.id, { name: "sales" }, { name: "sales", teamSync: { groups: [GROUP] } }),
                /400.*Group is already added to this team/,
            );
            await assert.rejects(
                p.update(
                    TEAM,
                    team.id,
                    { name: "sales", teamSync: { groups: ["gone"] } },
                    { name: "sales", teamSync: { groups: [] } },
                ),
                /404.*Group not found/,
            );
            await p.create(FOLDER, "f", { uid: "f1", title: "Athena (sales)" });
            await assert.rejects(
                p.create(FOLDER_PERMISSION, "fp", {
                    folderUid: "f1",
                    permissions: [{ teamId: "1:99", permission: "View" }],
                }),
                /400.*team not found/,
            );
            await assert.rejects(
                p.create(FOLDER_PERMISSION, "fp", {
                    folderUid: "f1",
                    permissions: [{ teamId: team.id, permission: "Query" }],
                }),
                /400.*invalid permission Query/,
            );
            // Nothing of a refused set was applied: Grafana's defaults are still there.
            assert.deepEqual(grantsOf(g, "folders/f1"), [
                [0, 0, "Viewer", "View"],
                [0, 0, "Editor", "Edit"],
            ]);
            await assert.rejects(
                p.create(FOLDER_PERMISSION, "fp", { folderUid: "nope", permissions: [] }),
                /status: 40[04].*folders nope not found/,
            );
        });
    });

    it("refuses a contact point without its required setting, and a route to a contact point that does not exist", async () => {
        await withStandIn("10.4", async (g, p) => {
            await assert.rejects(
                p.create(CONTACT_POINT, "cp", { name: "x", slacks: [{ recipient: "#x" }] }),
                /400.*token must be specified/,
            );
            await assert.rejects(
                p.create(CONTACT_POINT, "cp", { name: "x", pagerduties: [{}] }),
                /400.*integration key/,
            );
            await assert.rejects(
                p.create(CONTACT_POINT, "cp", { name: "x", webhooks: [{}] }),
                /400.*'url' is not specified/,
            );
            await assert.rejects(
                p.create(POLICY, "np", {
                    contactPoint: "grafana-default-email",
                    policies: [
                        { contactPoint: "nobody", matchers: [{ label: "team", match: "=", value: "x" }] },
                    ],
                }),
                /400.*receiver 'nobody' does not exist/,
            );
            assert.deepEqual([...g.objects.alerting.contactPoints()], ["grafana-default-email"]);
            // A secure setting reads back redacted, and is kept when sent back redacted.
            await p.create(CONTACT_POINT, "cp", {
                name: "ops",
                slacks: [{ url: "https://hooks.slack.com/s", recipient: "#ops" }],
            });
            const [listed] = (await (
                await fetch(`${g.url}/api/v1/provisioning/contact-points?name=ops`, {
                    headers: { Authorization: `Bearer ${TOKEN}` },
                })
            ).json()) as { settings: Record<string, unknown> }[];
            assert.equal(listed.settings.url, "[REDACTED]");
            const [held] = [...g.objects.alerting.integrations.values()].filter((i) => i.name === "ops");
            assert.equal(held.settings.url, "https://hooks.slack.com/s");
        });
    });

    for (const version of FAKE_GRAFANA_VERSIONS) {
        it(`refuses a dashboard Grafana ${version}'s schema refuses, and a folder that still holds rules`, async () => {
            await withStandIn(version, async (g, p) => {
                await p.create(FOLDER, "f", { uid: "f1", title: "Athena" });
                const valid = {
                    title: "Sales",
                    uid: "d1",
                    schemaVersion: 39,
                    panels: [],
                    templating: { list: [] },
                    annotations: { list: [] },
                };
                await p.create(DASHBOARD, "d", { configJson: JSON.stringify(valid), folder: "f1" });
                assert.ok(g.objects.dashboards.has("d1"));
                const bad = {
                    ...valid,
                    uid: "d2",
                    title: "Bad grid",
                    panels: [{ type: "stat", gridPos: { x: "left", y: 0, w: 6, h: 4 } }],
                };
                await assert.rejects(
                    p.create(DASHBOARD, "d2", { configJson: JSON.stringify(bad), folder: "f1" }),
                    /400.*invalid dashboard: .*gridPos\/x must be integer/,
                );
                const badOptions = {
                    ...valid,
                    uid: "d3",
                    title: "Bad options",
                    panels: [
                        {
                            type: "stat",
                            id: 1,
                            gridPos: { x: 0, y: 0, w: 6, h: 4 },
                            options: { textMode: "loud" },
                        },
                    ],
                };
                await assert.rejects(
                    p.create(DASHBOARD, "d3", { configJson: JSON.stringify(badOptions), folder: "f1" }),
                    /400.*panels\[0\]\.options\/textMode must be equal to one of the allowed values/,
                );
                await assert.rejects(
                    p.create(DASHBOARD, "d4", {
                        configJson: JSON.stringify({ ...valid, uid: "d4", title: " " }),
                        folder: "f1",
                    }),
                    /400.*Dashboard title cannot be empty/,
                );
                // A second dashboard of the title in the folder: refused on create (the provider's
                // overwrite is false unless set), taken over with overwrite set.
                const namesake = { ...valid, uid: "d5" };
                await assert.rejects(
                    p.create(DASHBOARD, "d5", { configJson: JSON.stringify(namesake), folder: "f1" }),
                    /412.*same name in the folder already exists/,
                );
                const took = await p.create(DASHBOARD, "d5", {
                    configJson: JSON.stringify(namesake),
                    folder: "f1",
                    overwrite: true,
                });
                assert.equal(took.id, "1:d1");
                assert.deepEqual([...g.objects.dashboards.keys()], ["d1"]);
                g.objects.alertRules.set("r1", { uid: "r1", folderUID: "f1", title: "fresh" });
                await assert.rejects(p.delete(FOLDER, "1:f1"), /400.*folder contains alert rules/);
                g.objects.alertRules.delete("r1");
                await p.delete(FOLDER, "1:f1");
                assert.equal(g.objects.folders.size, 0);
            });
        });
    }
});
