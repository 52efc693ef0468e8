/**
 * The alert rules of a workspace plan reach Grafana: the stand-in Grafana provider (the one the
 * engine tests run) writes each planned rule group through the provisioning API, as the real
 * provider does, to the fake Grafana playing 10.4, 12.4 and 13, which refuses what Grafana refuses
 * (a missing folder or data source, a condition naming no stage, a title the folder has).
 */
import assert from "node:assert/strict";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { GrafanaStandIn } from "../../../tools/standin/grafana";
import { FAKE_GRAFANA_VERSIONS, FakeGrafana, withGrafana } from "../../support/fakeGrafana";
import { byType } from "../../support/program";
import {
    DATA_SOURCE_TYPE,
    FOLDER_TYPE,
    planSource,
    planWorkspace,
    wsKey,
} from "../../support/workspaceSources";

const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";
const TOKEN = "glsa_alerts_test_token";
const SALES = "organization/grafana-athena-source/sales";
const HR = "organization/grafana-athena-source/hr";

describe("alert rules through the provisioning API (stand-in provider, fake Grafana)", () => {
    let run: RunResult;
    before(async () => {
        const sales = await planSource({
            stack: SALES,
            account: "222233334444",
            label: "Sales",
            teams: ["sales"],
        });
        const hr = await planSource({ stack: HR, account: "444455556666", label: "HR", teams: ["hr"] });
        run = await planWorkspace([sales, hr], {
            set: {
                [wsKey("teams")]: [{ name: "sales" }, { name: "hr" }],
                [wsKey("alerts")]: [
                    {
                        name: "orders-fresh",
                        source: "*",
                        kind: "freshness",
                        table: "orders",
                        column: "ordered_at",
                        maxAgeHours: 6,
                    },
                    {
                        name: "spike",
                        source: SALES,
                        kind: "sql",
                        sql: "SELECT count(*) FROM orders",
                        above: 10,
                        for: "15m",
                    },
                ],
            },
        });
    });
    const inputs = (name: string) => run.rawInputs[name] as Record<string, unknown>;

    for (const version of FAKE_GRAFANA_VERSIONS) {
        it(`creates, reads, updates and deletes the planned rule groups on Grafana ${version}`, async () => {
            await withGrafana(
                new FakeGrafana(null, { token: TOKEN, version, keepsObjects: true }),
                async (g) => {
                    const grafana = new GrafanaStandIn();
                    grafana.configure({ url: g.url, auth: TOKEN });
                    for (const type of [FOLDER_TYPE, DATA_SOURCE_TYPE])
                        for (const r of byType(run, type)) await grafana.create(type, r.name, inputs(r.name));
                    const groups = byType(run, RULE_GROUP);
                    assert.equal(groups.length, 2);
                    const ids: string[] = [];
                    for (const r of groups)
                        ids.push((await grafana.create(RULE_GROUP, r.name, inputs(r.name))).id);
                    assert.deepEqual([...g.objects.alertRules.values()].map((r) => r.title).sort(), [
                        "orders-fresh (HR)",
                        "orders-fresh (Sales)",
                        "spike (Sales)",
                    ]);
                    const spike = [...g.objects.alertRules.values()].find(
                        (r) => r.title === "spike (Sales)",
                    )!;
                    assert.equal(spike.condition, "C");
                    assert.deepEqual(spike.labels, { team: "sales" });
                    const sales = groups.find((r) => (inputs(r.name).rules as unknown[]).length === 2)!;
                    const read = await grafana.read(
                        RULE_GROUP,
                        ids[groups.indexOf(sales)],
                        inputs(sales.name),
                    );
                    assert.equal(read?.outs.intervalSeconds, 300);
                    // One rule fewer: Grafana deletes it with the group's PUT.
                    const fewer = {
                        ...inputs(sales.name),
                        rules: (inputs(sales.name).rules as unknown[]).slice(0, 1),
                    };
                    await grafana.update(RULE_GROUP, ids[groups.indexOf(sales)], inputs(sales.name), fewer);
                    assert.equal(g.objects.alertRules.size, 2);
                    for (const id of ids) await grafana.delete(RULE_GROUP, id);
                    assert.equal(g.objects.alertRules.size, 0);
                },
            );
        });
    }

    it("is refused as Grafana refuses it: no folder, no data source, a title the folder has", async () => {
        await withGrafana(new FakeGrafana(null, { token: TOKEN, keepsObjects: true }), async (g) => {
            const grafana = new GrafanaStandIn();
            grafana.configure({ url: g.url, auth: TOKEN });
            const [group] = byType(run, RULE_GROUP);
            await assert.rejects(
                grafana.create(RULE_GROUP, group.name, inputs(group.name)),
                /400.*folder .* does not exist/,
            );
            for (const r of byType(run, FOLDER_TYPE))
                await grafana.create(FOLDER_TYPE, r.name, inputs(r.name));
            await assert.rejects(
                grafana.create(RULE_GROUP, group.name, inputs(group.name)),
                /400.*data source .* not found/,
            );
            for (const r of byType(run, DATA_SOURCE_TYPE))
                await grafana.create(DATA_SOURCE_TYPE, r.name, inputs(r.name));
            await grafana.create(RULE_GROUP, group.name, inputs(group.name));
            const copy = { ...inputs(group.name), name: "another-group" };
            await assert.rejects(
                grafana.create(RULE_GROUP, "copy", copy),
                /400.*exists in the folder already/,
            );
        });
    });
});
