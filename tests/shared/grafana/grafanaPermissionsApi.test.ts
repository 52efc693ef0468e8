/**
 * The permission grants this program plans, sent the way the Grafana provider sends them, to a
 * fake Grafana answering as 10.4, 12.4 and 13 (tests/support/fakeGrafana.ts). The provider
 * (@pulumiverse/grafana 2.40.0, bridged from grafana/terraform-provider-grafana) manages a whole
 * set through `setResourcePermissions` (internal/resources/grafana/common_resource_permission.go):
 * `GET /api/access-control/<kind>/<uid>`, then one `POST` that removes (empty permission) every
 * managed, non-inherited grant it was not given and adds the missing ones; team and user ids are
 * "<org>:<id>" or "<id>" (`SplitOrgResourceID`). `sendLikeTheProvider` below follows those steps,
 * so that what a stack plans is shown to leave exactly its grants, and Grafana's defaults gone.
 */
import assert from "node:assert/strict";
import { PermissionItem, queryItems, viewItems } from "../../../shared/grafana/permissions";
import { FAKE_GRAFANA_VERSIONS, FakeGrafana, FakeGrant, withGrafana } from "../../support/fakeGrafana";

const TOKEN = "glsa_permissions_test_token_0123456789";

/** `SplitOrgResourceID`: "1:42" and "42" are both team 42. */
const idOf = (v: string | undefined) => (v === undefined ? 0 : Number(v.includes(":") ? v.split(":")[1] : v));

async function sendLikeTheProvider(
    url: string,
    kind: string,
    uid: string,
    items: readonly PermissionItem[],
): Promise<number> {
    const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
    const listed = (await (
        await fetch(`${url}/api/access-control/${kind}/${uid}`, { headers })
    ).json()) as FakeGrant[];
    const desired = items.map((i) => ({
        teamId: idOf(i.teamId),
        userId: idOf(i.userId),
        builtInRole: "",
        permission: i.permission,
    }));
    const same = (
        a: { teamId: number; userId: number; builtInRole: string; permission: string },
        b: typeof a,
    ) =>
        a.permission === b.permission &&
        a.teamId === b.teamId &&
        a.userId === b.userId &&
        a.builtInRole === b.builtInRole;
    const managed = listed.filter((g) => g.isManaged && !g.isInherited);
    const permissions = [
        ...managed
            .filter((g) => !desired.some((d) => same(g, d)))
            .map((g) => ({ teamId: g.teamId, userId: g.userId, builtInRole: g.builtInRole, permission: "" })),
        ...desired.filter((d) => !managed.some((g) => same(g, d))),
    ];
    const res = await fetch(`${url}/api/access-control/${kind}/${uid}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ permissions }),
    });
    return res.status;
}

const left = (g: FakeGrafana, key: string) =>
    (g.grants.get(key) ?? [])
        .map((x) =>
            x.builtInRole
                ? `role ${x.builtInRole} ${x.permission}`
                : x.teamId
                  ? `team ${x.teamId} ${x.permission}`
                  : `user ${x.userId} ${x.permission}`,
        )
        .sort();

for (const version of FAKE_GRAFANA_VERSIONS) {
    describe(`permissions as the provider sends them, to Grafana ${version} (a local fake)`, () => {
        it("leaves a data source queryable by exactly its teams and the service account: the Viewer and Editor defaults go", async () => {
            await withGrafana(new FakeGrafana(null, { token: TOKEN, version }), async (g) => {
                assert.equal(
                    await sendLikeTheProvider(
                        g.url,
                        "datasources",
                        "athena-1",
                        queryItems(["1:54297", "1:365473"], "13239"),
                    ),
                    200,
                );
                assert.deepEqual(left(g, "datasources/athena-1"), [
                    "team 365473 Query",
                    "team 54297 Query",
                    "user 13239 Query",
                ]);
                // Applied again: nothing to change, the same set.
                assert.equal(
                    await sendLikeTheProvider(
                        g.url,
                        "datasources",
                        "athena-1",
                        queryItems(["1:54297", "1:365473"], "13239"),
                    ),
                    200,
                );
                assert.deepEqual(left(g, "datasources/athena-1"), [
                    "team 365473 Query",
                    "team 54297 Query",
                    "user 13239 Query",
                ]);
            });
        });

        it("leaves a folder of no grants to admins only, and a team's folder and dashboard to that team", async () => {
            await withGrafana(new FakeGrafana(null, { token: TOKEN, version }), async (g) => {
                assert.equal(await sendLikeTheProvider(g.url, "folders", "shared", viewItems([])), 200);
                assert.deepEqual(left(g, "folders/shared"), []);
                assert.equal(
                    await sendLikeTheProvider(g.url, "dashboards", "fleet-finance", viewItems(["1:365473"])),
                    200,
                );
                assert.deepEqual(left(g, "dashboards/fleet-finance"), ["team 365473 View"]);
            });
        });

        it("can fail: a level of the wrong kind is refused, and without the call the defaults stay open to every Viewer", async () => {
            await withGrafana(new FakeGrafana(null, { token: TOKEN, version }), async (g) => {
                assert.equal(
                    await sendLikeTheProvider(g.url, "datasources", "athena-2", viewItems(["1:1"])),
                    400,
                );
                await fetch(`${g.url}/api/access-control/datasources/athena-3`, {
                    headers: { Authorization: `Bearer ${TOKEN}` },
                });
                assert.ok(left(g, "datasources/athena-3").includes("role Viewer Query"));
            });
        });
    });
}
