/**
 * The workspace plan is deterministic (sources reordered), and each of its switches changes what it should.
 */
import assert from "node:assert/strict";
import { WORKSPACE_DIR, byType, configProblems, oneOf, refusal, raw } from "../../support/program";
import {
    DASHBOARD_TYPE,
    DATA_SOURCE_TYPE,
    FOLDER_TYPE,
    GRAFANA_PROVIDER_TYPE,
    HEALTH_TYPE,
    ROTATING_TYPE,
    SERVICE_ACCOUNT_TYPE,
    TOKEN_TYPE,
    WORKSPACE_ID,
    dashboardJson,
    isFleet,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";
import {
    MAX_TOKEN_SECONDS,
    ATHENA_PLUGIN,
    ENDPOINT,
    WORLD,
    sourceParts,
    sales,
    analytics,
    finance,
    workspaceSources,
    cases,
    runs,
    caseVariant,
} from "../../support/workspaceCases";

describe("workspace program (infra-account-a) fed by real source plans", function () {
    this.timeout(120_000);

    before(() => workspaceSources());

    describe("determinism and switches", () => {
        it("gives the same data source uids in a second run (sources reordered), and different ones per stack", async () => {
            const three = cases[1];
            const a = runs[three.title] ?? (await planWorkspace(three.sources(), caseVariant(three)));
            const b = await planWorkspace([finance, sales, analytics], caseVariant(three));
            assert.deepEqual(a.rawOutputs.dataSourceUids, b.rawOutputs.dataSourceUids);
            assert.deepEqual(
                byType(a, DATA_SOURCE_TYPE).map((d) => [d.name, d.inputs.uid]),
                byType(b, DATA_SOURCE_TYPE).map((d) => [d.name, d.inputs.uid]),
            );
            assert.equal(
                new Set(Object.values(a.rawOutputs.dataSourceUids as Record<string, string>)).size,
                3,
            );
        });

        it("plans no health check with verifyDataSources: false", async () => {
            const run = await planWorkspace([sales, analytics], {
                set: { [wsKey("verifyDataSources")]: false },
                world: WORLD,
            });
            assert.equal(byType(run, DATA_SOURCE_TYPE).length, 2);
            assert.equal(byType(run, HEALTH_TYPE).length, 0);
        });

        it("uses grafanaUrl and grafanaAuth instead of minting a token", async () => {
            const secretToken = "glsa_byo0123456789abcdefABCDEF_0a1b2c3d";
            const url = `https://${ENDPOINT}`;
            const run = await planWorkspace([sales, analytics], {
                set: { [wsKey("grafanaUrl")]: `${url}/`, [wsKey("grafanaAuth")]: secretToken },
                secretKeys: [wsKey("grafanaAuth")],
                world: WORLD,
            });
            for (const t of [SERVICE_ACCOUNT_TYPE, TOKEN_TYPE, ROTATING_TYPE])
                assert.equal(byType(run, t).length, 0, `${t} planned`);
            const provider = oneOf(run, GRAFANA_PROVIDER_TYPE);
            assert.equal(provider.inputs.url, url);
            assert.ok(run.secretInputs[provider.name].includes("auth"));
            assert.equal(raw(run, provider.name).auth, secretToken);
            for (const check of byType(run, HEALTH_TYPE)) assert.equal(check.inputs.grafanaUrl, url);
            assert.equal(run.rawOutputs.tokenExpiresAt, undefined);
            assert.ok(!JSON.stringify(run.plan).includes(secretToken), "the Grafana token is in the plan");
            for (const u of Object.values(run.rawOutputs.dashboardUrls as Record<string, string>))
                assert.ok(u.startsWith(`${url}/d/`), u);
        });

        it("refuses a grafanaAuth in plain text, and a grafanaUrl that is not the workspace's own endpoint", async () => {
            const token = "glsa_plain0123456789abcdefABCDEF_0a1b";
            const plain = await configProblems(
                WORKSPACE_DIR,
                workspaceVariant([sales], {
                    set: { [wsKey("grafanaUrl")]: `https://${ENDPOINT}`, [wsKey("grafanaAuth")]: token },
                    world: WORLD,
                }),
            );
            assert.deepEqual(plain, [
                `${wsKey("grafanaAuth")}: must be set as a secret, not in plain text (the value is ` +
                    `not shown): pulumi config set --secret grafanaAuth <value>`,
            ]);
            const secret = { [wsKey("grafanaAuth")]: token };
            const elsewhere = await refusal(
                WORKSPACE_DIR,
                workspaceVariant([sales], {
                    set: { [wsKey("grafanaUrl")]: "https://grafana.example.com", ...secret },
                    secretKeys: [wsKey("grafanaAuth")],
                    world: WORLD,
                }),
            );
            assert.equal(
                elsewhere,
                `grafanaUrl https://grafana.example.com is not the endpoint of ` +
                    `workspace ${WORKSPACE_ID}: set it to https://${ENDPOINT}`,
            );
            for (const bad of [
                `https://user:pw@${ENDPOINT}`,
                `https://${ENDPOINT}/login`,
                `https://${ENDPOINT}?x=1`,
                `https://${ENDPOINT}#f`,
                `http://${ENDPOINT}`,
                `https://${ENDPOINT}:8443`,
            ]) {
                const problems = await configProblems(
                    WORKSPACE_DIR,
                    workspaceVariant([sales], {
                        set: { [wsKey("grafanaUrl")]: bad, ...secret },
                        secretKeys: [wsKey("grafanaAuth")],
                        world: WORLD,
                    }),
                );
                assert.equal(problems.length, 1, `${bad}: ${problems.join("\n")}`);
                assert.match(
                    problems[0],
                    new RegExp(`^${wsKey("grafanaUrl")}: must be https://<host> with nothing after the host`),
                    bad,
                );
                assert.ok(!problems[0].includes(token));
            }
        });

        it("dashboard.panels replaces the sample panels", async () => {
            const panels = [
                {
                    type: "stat",
                    title: "Orders today",
                    sql: "SELECT count(*) AS orders FROM orders WHERE order_date = current_date",
                },
                {
                    type: "barchart",
                    title: "Orders by country",
                    sql: "SELECT country, count(*) AS orders FROM orders GROUP BY country",
                },
            ];
            const run = await planWorkspace([sales, analytics], {
                set: { [wsKey("dashboard")]: { folder: "Sales BI", resultReuseMinutes: 15, panels } },
                world: WORLD,
            });
            for (const s of [sales, analytics]) {
                const { json, uid } = sourceParts(run, s);
                assert.deepEqual(
                    (json.panels as any[]).map((p) => ({
                        type: p.type,
                        title: p.title,
                        sql: p.targets[0].rawSQL,
                    })),
                    panels,
                );
                for (const p of json.panels as any[]) {
                    assert.equal(p.datasource.uid, uid);
                    assert.equal(p.targets[0].connectionArgs.resultReuseMaxAgeInMinutes, 15);
                    assert.equal(p.targets[0].format, 1);
                }
            }
            assert.equal(oneOf(run, FOLDER_TYPE).inputs.title, "Sales BI");
        });

        it("sources[].panels replaces dashboard.panels for that source only; the fleet dashboard shows dashboard.panels in a row per source", async () => {
            const shared = [
                {
                    type: "stat",
                    title: "Rows",
                    sql: "SELECT count(*) AS n FROM customers WHERE $__timeFilter(created_at)",
                },
            ];
            const own = [
                {
                    type: "timeseries",
                    title: "Orders per hour",
                    sql:
                        "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) AS orders FROM " +
                        "orders WHERE $__timeFilter(ordered_at) GROUP BY 1",
                },
                { type: "table", title: "Orders", sql: "SELECT * FROM orders LIMIT 10", format: "table" },
                {
                    type: "barchart",
                    title: "Orders over time",
                    sql:
                        "SELECT $__timeGroup(ordered_at, '1d') AS time, count(*) " +
                        "AS orders FROM orders GROUP BY 1",
                    format: "timeSeries",
                },
            ];
            const sources = [{ stack: sales.spec.stack, panels: own }, { stack: analytics.spec.stack }];
            const run = await planWorkspace([sales, analytics], {
                set: { [wsKey("sources")]: sources, [wsKey("dashboard")]: { panels: shared } },
                world: WORLD,
            });
            const panelsOf = (json: Record<string, any>) =>
                (json.panels as any[])
                    .filter((p) => p.type !== "row")
                    .map((p) => ({
                        type: p.type,
                        title: p.title,
                        sql: p.targets[0].rawSQL,
                        format: p.targets[0].format,
                    }));
            assert.deepEqual(panelsOf(sourceParts(run, sales).json), [
                { type: "timeseries", title: own[0].title, sql: own[0].sql, format: 0 },
                { type: "table", title: own[1].title, sql: own[1].sql, format: 1 },
                { type: "barchart", title: own[2].title, sql: own[2].sql, format: 0 },
            ]);
            assert.deepEqual(panelsOf(sourceParts(run, analytics).json), [
                { type: "stat", title: "Rows", sql: shared[0].sql, format: 1 },
            ]);
            const fleet = dashboardJson(byType(run, DASHBOARD_TYPE).find(isFleet)!);
            assert.equal(fleet.title, "Athena fleet");
            const [row, ...rest] = fleet.panels as any[];
            assert.deepEqual(
                { type: row.type, repeat: row.repeat, collapsed: row.collapsed },
                { type: "row", repeat: "source", collapsed: false },
            );
            assert.deepEqual(panelsOf(fleet), [
                { type: "stat", title: "Rows", sql: shared[0].sql, format: 1 },
            ]);
            for (const p of rest) {
                assert.deepEqual(p.datasource, { type: ATHENA_PLUGIN, uid: "${source}" });
                assert.deepEqual(p.targets[0].connectionArgs, {
                    region: "__default",
                    catalog: "__default",
                    database: "__default",
                    resultReuseEnabled: true,
                    resultReuseMaxAgeInMinutes: 60,
                });
            }
            const variable = (fleet.templating.list as any[])[0];
            assert.deepEqual(
                {
                    type: variable.type,
                    query: variable.query,
                    multi: variable.multi,
                    includeAll: variable.includeAll,
                },
                { type: "datasource", query: ATHENA_PLUGIN, multi: true, includeAll: true },
            );
            // The regex offers exactly this stack's data sources, by name.
            const regex = new RegExp(
                String(variable.regex)
                    .replace(/^\/|\/$/g, "")
                    .replace(/\\x24/g, "\\$"),
            );
            const names = byType(run, DATA_SOURCE_TYPE).map((d) => String(d.inputs.name));
            for (const n of names) assert.ok(regex.test(n), n);
            for (const other of ["Sales2", "Analytics (other stack)", "default", "Sal"])
                assert.equal(regex.test(other), false, other);
        });

        it("keeps the token lifetime above the longest rotation period (tokenRotationDays 29)", async () => {
            const run = await planWorkspace([sales], {
                set: { [wsKey("tokenRotationDays")]: 29 },
                world: WORLD,
            });
            assert.equal(oneOf(run, ROTATING_TYPE).inputs.rotationDays, 29);
            const seconds = Number(oneOf(run, TOKEN_TYPE).inputs.secondsToLive);
            assert.ok(seconds > 29 * 86_400 && seconds <= MAX_TOKEN_SECONDS, String(seconds));
        });
    });
});
