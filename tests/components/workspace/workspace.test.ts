/**
 * The workspace project (`infra-account-a`) planned for real under the mocks, reading
 * source stacks that are themselves real plans of `infra-account-b`.
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { MOCK_NOW, PlanResource, RunResult } from "../../../tools/plan/mock/runtime";
import { WORKSPACE_EXAMPLE } from "../../support/examples";
import { WORKSPACE_DIR, byType, configProblems, oneOf, refusal, raw } from "../../support/program";
import { identityAllows } from "../../support/simulate";
import {
    DASHBOARD_TYPE,
    DATA_SOURCE_TYPE,
    FOLDER_TYPE,
    GRAFANA_ACCOUNT,
    GRAFANA_PROVIDER_TYPE,
    HEALTH_TYPE,
    PlannedSource,
    ROLE_POLICY_TYPE,
    ROTATING_TYPE,
    SERVICE_ACCOUNT_TYPE,
    SOURCE_ROLE_NAME,
    TOKEN_TYPE,
    WORKSPACE_ID,
    assumePolicy,
    dashboardJson,
    isFleet,
    isHome,
    jsonData,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

/** AWS's limit for a workspace service account token's lifetime: 30 days. */
const MAX_TOKEN_SECONDS = 2_592_000;
const ATHENA_PLUGIN = "grafana-athena-datasource";
/** The mock's fixed clock as Unix seconds: 1767225600 for 2026-01-01T00:00:00Z. */
const ROTATION_UNIX = String(Date.parse(MOCK_NOW) / 1000);

/** A workspace role with a path, as AMG creates it: the policy must name the role without it. */
const WORKSPACE_ROLE_NAME = "AmazonGrafanaServiceRole-t3st42";
const WORKSPACE_ROLE_ARN = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/service-role/${WORKSPACE_ROLE_NAME}`;
const ENDPOINT = `${WORKSPACE_ID}.grafana-workspace.${WORKSPACE_EXAMPLE.region}.amazonaws.com`;
const WORLD = {
    workspaces: {
        [WORKSPACE_ID]: { roleArn: WORKSPACE_ROLE_ARN, endpoint: ENDPOINT, grafanaVersion: "10.4" },
    },
};

const ORG_ID = "o-a1b2c3d4e5";
/** The tag every source role carries, as the IAM evaluator sees it on the role being assumed. */
const TAGGED_ROLE = { "iam:ResourceTag/GrafanaDataSource": "true" };
const OTHER_ORG_ID = "o-zz9988776655";
const FOURTH_ACCOUNT = "999988887777";

const SALES = "organization/grafana-athena-source/sales";
const ANALYTICS = "acme/grafana-athena-source/analytics";
const FINANCE = "acme/grafana-athena-source/finance";

/** Rectangles of the 24-column grid that share a cell. */
function overlaps(
    a: { x: number; y: number; w: number; h: number },
    b: { x: number; y: number; w: number; h: number },
): boolean {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The resource of `type` whose (plan) input `key` is `value`. */
function findBy(run: RunResult, type: string, key: string, value: unknown): PlanResource {
    const found = byType(run, type).filter((r) => r.inputs[key] === value);
    assert.equal(
        found.length,
        1,
        `expected one ${type} with ${key} = ${JSON.stringify(value)}, found ${found.length}`,
    );
    return found[0];
}

/** Everything about one source in a workspace plan, found through the stack's outputs. */
function sourceParts(run: RunResult, source: PlannedSource) {
    const key = source.spec.stack;
    const outputs = run.rawOutputs as Record<string, Record<string, string>>;
    const uid = outputs.dataSourceUids[key];
    assert.ok(uid, `no data source uid output for ${key}`);
    const dataSource = findBy(run, DATA_SOURCE_TYPE, "uid", uid);
    const url = outputs.dashboardUrls[key];
    assert.ok(url, `no dashboard URL output for ${key}`);
    const dashboards = byType(run, DASHBOARD_TYPE).filter((d) => url.includes(`/d/${dashboardJson(d).uid}/`));
    assert.equal(dashboards.length, 1, `expected one dashboard at ${url}`);
    return { key, uid, dataSource, dashboard: dashboards[0], json: dashboardJson(dashboards[0]) };
}

describe("workspace program (infra-account-a) fed by real source plans", function () {
    this.timeout(120_000);

    let sales: PlannedSource;
    let analytics: PlannedSource;
    let finance: PlannedSource;
    /** Expected data source name by stack. */
    let names: Record<string, string>;
    before(async () => {
        // The example source stack, and two more data accounts with their own workgroups.
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
        analytics = await planSource({
            stack: ANALYTICS,
            account: "333344445555",
            workgroup: "analytics",
            label: "Analytics",
        });
        // No label: the source's default label, "<workgroup> (<account>)".
        finance = await planSource({ stack: FINANCE, account: "444455556666", workgroup: "finance-bi" });
        assert.equal(finance.contract.label, "finance-bi (444455556666)");
        names = { [SALES]: "Sales", [ANALYTICS]: "Analytics EU", [FINANCE]: "finance-bi (444455556666)" };
        // Three different contracts, three different secrets.
        assert.equal(new Set([sales, analytics, finance].map((s) => s.contract.externalId)).size, 3);
        assert.equal(new Set([sales, analytics, finance].map((s) => s.contract.roleArn)).size, 3);
    });

    const cases: {
        title: string;
        sources: () => PlannedSource[];
        rotationDays: number;
        reuse: number;
        folder: string;
        set: () => Record<string, unknown>;
    }[] = [
        {
            title: "one source (the example stack)",
            sources: () => [sales],
            rotationDays: 7,
            reuse: 60,
            folder: "Athena",
            set: () => ({}),
        },
        {
            title: "three sources in three accounts",
            sources: () => [sales, analytics, finance],
            rotationDays: 10,
            reuse: 90,
            folder: "Athena BI",
            set: () => ({
                [wsKey("tokenRotationDays")]: 10,
                [wsKey("dashboard")]: { folder: "Athena BI", resultReuseMinutes: 90 },
            }),
        },
    ];

    /** The runs of `cases`, by title, for the sections below that need the same plan. */
    const runs: Record<string, RunResult> = {};
    const caseVariant = (c: (typeof cases)[number]) => ({
        names: { [ANALYTICS]: "Analytics EU" },
        set: c.set(),
        world: WORLD,
    });

    for (const c of cases) {
        describe(c.title, () => {
            let run: RunResult;
            let sources: PlannedSource[];
            before(async () => {
                sources = c.sources();
                run = runs[c.title] = await planWorkspace(sources, caseVariant(c));
            });

            it("creates one Athena data source per source: type, name (label or sources[].name), short stable uid", () => {
                const dataSources = byType(run, DATA_SOURCE_TYPE);
                assert.equal(dataSources.length, sources.length);
                const uids = new Set<string>();
                for (const s of sources) {
                    const { dataSource, uid } = sourceParts(run, s);
                    assert.equal(dataSource.inputs.type, ATHENA_PLUGIN);
                    assert.equal(dataSource.inputs.name, names[s.spec.stack]);
                    assert.ok(uid.length <= 40 && /^[A-Za-z0-9_-]+$/.test(uid), uid);
                    // Its uid carries this workspace stack: a new uid replaces it, and Grafana
                    // refuses a second data source of the same name, so the old one must go first.
                    assert.equal(dataSource.options.deleteBeforeReplace, true);
                    assert.equal(
                        (run.rawOutputs.dataSourceNames as Record<string, string>)[s.spec.stack],
                        names[s.spec.stack],
                    );
                    uids.add(uid);
                }
                assert.equal(uids.size, sources.length, "one uid per stack");
            });

            it("fills every data source's jsonData from its own source's contract", () => {
                for (const s of sources) {
                    const { dataSource } = sourceParts(run, s);
                    assert.deepEqual(jsonData(run, dataSource), {
                        authType: "ec2_iam_role",
                        assumeRoleArn: s.contract.roleArn,
                        externalId: s.contract.externalId,
                        defaultRegion: s.contract.region,
                        catalog: s.contract.catalog,
                        database: s.contract.database,
                        workgroup: s.contract.workgroup,
                        outputLocation: s.contract.outputLocation,
                    });
                }
            });

            it("keeps jsonData secret and never shows an external ID in the plan", () => {
                const text = JSON.stringify(run.plan);
                for (const s of sources) {
                    const { dataSource } = sourceParts(run, s);
                    assert.ok(
                        run.secretInputs[dataSource.name].includes("jsonDataEncoded"),
                        `${dataSource.name}: jsonDataEncoded is not secret`,
                    );
                    assert.ok(s.contract.externalId.length >= 32);
                    assert.ok(
                        !text.includes(s.contract.externalId),
                        `the external ID of ${s.spec.stack} is in the plan`,
                    );
                }
            });

            it("adds one inline policy to the workspace role, named without its path, before the data sources", () => {
                const policy = oneOf(run, ROLE_POLICY_TYPE);
                assert.equal(policy.inputs.role, WORKSPACE_ROLE_NAME);
                assert.equal(policy.provider, null, "the stack's default AWS provider (the Grafana account)");
                for (const ds of byType(run, DATA_SOURCE_TYPE)) {
                    assert.ok(
                        ds.options.dependsOn.includes(policy.name),
                        `${ds.name} does not wait for the assume policy`,
                    );
                }
            });

            it("mints a bounded, rotated service account token and gives it to the Grafana provider (secret)", () => {
                const account = oneOf(run, SERVICE_ACCOUNT_TYPE);
                assert.equal(account.inputs.grafanaRole, "ADMIN");
                assert.equal(account.inputs.workspaceId, WORKSPACE_ID);
                const token = oneOf(run, TOKEN_TYPE);
                assert.equal(token.inputs.workspaceId, WORKSPACE_ID);
                assert.ok(
                    Number(token.inputs.secondsToLive) <= MAX_TOKEN_SECONDS,
                    String(token.inputs.secondsToLive),
                );
                assert.deepEqual(oneOf(run, ROTATING_TYPE).inputs, { rotationDays: c.rotationDays });
                const provider = oneOf(run, GRAFANA_PROVIDER_TYPE);
                assert.equal(provider.inputs.url, `https://${ENDPOINT}`);
                assert.ok(
                    run.secretInputs[provider.name].includes("auth"),
                    "the provider's auth is not secret",
                );
                assert.equal(provider.inputs.auth, "[secret]");
                assert.match(
                    String(raw(run, provider.name).auth),
                    /^glsa_/,
                    "the provider uses the minted token",
                );
            });

            it("creates a folder, one dashboard per source, the fleet dashboard and a home dashboard, through that provider", () => {
                const provider = oneOf(run, GRAFANA_PROVIDER_TYPE);
                const folder = oneOf(run, FOLDER_TYPE);
                assert.equal(folder.inputs.title, c.folder);
                const dashboards = byType(run, DASHBOARD_TYPE);
                assert.equal(dashboards.length, sources.length + 2);
                assert.equal(dashboards.filter(isHome).length, 1);
                assert.equal(dashboards.filter(isFleet).length, 1);
                for (const d of dashboards) assert.equal(d.inputs.folder, folder.inputs.uid);
                // `overwrite` acts on create only, where it would take over a hand-made dashboard of the same title.
                for (const d of dashboards) assert.ok(!("overwrite" in d.inputs), `${d.name} sets overwrite`);
                for (const r of [...dashboards, folder, ...byType(run, DATA_SOURCE_TYPE)]) {
                    assert.equal(
                        r.provider,
                        provider.name,
                        `${r.name} is not created through the workspace's Grafana provider`,
                    );
                }
                for (const s of sources) assert.equal(sourceParts(run, s).json.title, names[s.spec.stack]);
            });

            it("checks every data source once it exists (one health check each)", () => {
                const checks = byType(run, HEALTH_TYPE);
                assert.equal(checks.length, sources.length);
                for (const s of sources) {
                    const { dataSource, uid } = sourceParts(run, s);
                    const check = findBy(run, HEALTH_TYPE, "dataSourceUid", uid);
                    assert.ok(
                        check.options.dependsOn.includes(dataSource.name),
                        `${check.name} does not depend on ${dataSource.name}`,
                    );
                    assert.equal(check.inputs.sourceStack, s.spec.stack);
                    assert.equal(check.inputs.grafanaUrl, `https://${ENDPOINT}`);
                    assert.ok(run.secretInputs[check.name].includes("token"));
                }
            });

            it("dashboards: bar chart, gauge and stat of table-format Athena queries with result reuse, on the source's data source", () => {
                for (const s of sources) {
                    const { uid, json } = sourceParts(run, s);
                    const panels = json.panels as any[];
                    const types = panels.map((p) => p.type);
                    for (const t of ["barchart", "gauge", "stat"])
                        assert.ok(types.includes(t), `${s.spec.stack}: no ${t} panel (${types})`);
                    for (const p of panels) {
                        assert.deepEqual(
                            p.datasource,
                            { type: ATHENA_PLUGIN, uid },
                            `${s.spec.stack} panel "${p.title}"`,
                        );
                        assert.ok(p.targets.length >= 1);
                        for (const t of p.targets) {
                            assert.equal(t.format, 1, "table format");
                            assert.equal(t.connectionArgs.resultReuseEnabled, true);
                            assert.equal(t.connectionArgs.resultReuseMaxAgeInMinutes, c.reuse);
                            assert.equal(t.connectionArgs.region, s.contract.region);
                            assert.equal(t.connectionArgs.catalog, s.contract.catalog);
                            assert.equal(t.connectionArgs.database, s.contract.database);
                            assert.deepEqual(t.datasource, { type: "grafana-athena-datasource", uid });
                            assert.ok(typeof t.rawSQL === "string" && t.rawSQL.trim().length > 0);
                        }
                    }
                    panels.forEach((a, i) => {
                        assert.ok(
                            a.gridPos.x >= 0 && a.gridPos.x + a.gridPos.w <= 24,
                            `panel "${a.title}" leaves the grid`,
                        );
                        panels
                            .slice(i + 1)
                            .forEach((b) =>
                                assert.ok(
                                    !overlaps(a.gridPos, b.gridPos),
                                    `panels "${a.title}" and "${b.title}" overlap`,
                                ),
                            );
                    });
                }
            });

            it("the home dashboard links every source dashboard; dashboard JSON stays readable in previews (not secret)", () => {
                const home = byType(run, DASHBOARD_TYPE).find(isHome)!;
                const content = JSON.stringify(dashboardJson(home).panels);
                for (const s of sources) {
                    const { json } = sourceParts(run, s);
                    assert.ok(
                        content.includes(`/d/${json.uid}`),
                        `home does not link ${s.spec.stack} (${json.uid})`,
                    );
                }
                assert.equal((content.match(/\/d\//g) ?? []).length, sources.length);
                assert.ok(
                    (run.rawOutputs.dashboardUrls as Record<string, string>).home.includes(
                        `/d/${dashboardJson(home).uid}/`,
                    ),
                );
                for (const d of byType(run, DASHBOARD_TYPE)) {
                    assert.ok(
                        !run.secretInputs[d.name].includes("configJson"),
                        `${d.name}: configJson is secret`,
                    );
                    assert.notEqual(d.inputs.configJson, "[secret]");
                }
            });

            it("rotates the token well inside its lifetime, and names it after the rotation", () => {
                const token = oneOf(run, TOKEN_TYPE);
                const rotation = oneOf(run, ROTATING_TYPE);
                assert.ok(
                    Number(token.inputs.secondsToLive) > c.rotationDays * 86_400,
                    "the token must outlive a rotation period",
                );
                assert.ok(
                    token.options.dependsOn.includes(rotation.name),
                    "the token does not depend on the rotation",
                );
                assert.ok(
                    String(token.inputs.name).includes(ROTATION_UNIX),
                    `token name ${token.inputs.name} does not carry the rotation time`,
                );
            });

            it("exports data source uids and names, dashboard URLs with home, the token's expiry, and never the token", () => {
                const outputs = run.rawOutputs as Record<string, any>;
                assert.deepEqual(Object.keys(outputs).sort(), [
                    "dashboardUrls",
                    "dataSourceNames",
                    "dataSourceUids",
                    "teams",
                    "tokenExpiresAt",
                ]);
                // No teams defined: Grafana's defaults, nothing to grant.
                assert.deepEqual(outputs.teams, {});
                const keys = sources.map((s) => s.spec.stack).sort();
                assert.deepEqual(Object.keys(outputs.dataSourceUids).sort(), keys);
                assert.deepEqual(Object.keys(outputs.dataSourceNames).sort(), keys);
                assert.deepEqual(
                    Object.keys(outputs.dashboardUrls).sort(),
                    ["fleet", "home", ...keys].sort(),
                );
                for (const u of Object.values(outputs.dashboardUrls) as string[])
                    assert.ok(u.startsWith(`https://${ENDPOINT}/d/`), u);
                const token = oneOf(run, TOKEN_TYPE);
                const expected = new Date(Date.parse(MOCK_NOW) + Number(token.inputs.secondsToLive) * 1000)
                    .toISOString()
                    .replace(".000Z", "Z");
                assert.equal(outputs.tokenExpiresAt, expected);
                for (const text of [
                    JSON.stringify(outputs),
                    JSON.stringify(run.plan.outputs),
                    JSON.stringify(run.plan),
                ]) {
                    assert.ok(!text.includes("glsa_"), "a Grafana token is visible");
                }
            });
        });
    }

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
                `${wsKey("grafanaAuth")}: must be set as a secret, not in plain text (the value is not shown): pulumi config set --secret grafanaAuth <value>`,
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
                `grafanaUrl https://grafana.example.com is not the endpoint of workspace ${WORKSPACE_ID}: set it to https://${ENDPOINT}`,
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
                    sql: "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) AS orders FROM orders WHERE $__timeFilter(ordered_at) GROUP BY 1",
                },
                { type: "table", title: "Orders", sql: "SELECT * FROM orders LIMIT 10", format: "table" },
                {
                    type: "barchart",
                    title: "Orders over time",
                    sql: "SELECT $__timeGroup(ordered_at, '1d') AS time, count(*) AS orders FROM orders GROUP BY 1",
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

    describe("the assume policy, evaluated by the IAM simulator", () => {
        let policy: PolicyJson;
        before(async () => {
            const three = cases[1];
            policy = assumePolicy(
                runs[three.title] ?? (await planWorkspace(three.sources(), caseVariant(three))),
            );
        });

        it("lets the workspace role assume each source role", async () => {
            for (const s of [sales, analytics, finance]) {
                assert.equal(
                    await identityAllows(
                        policy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        s.contract.roleArn,
                        TAGGED_ROLE,
                    ),
                    true,
                    s.contract.roleArn,
                );
                assert.equal(
                    await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", s.contract.roleArn),
                    false,
                    `${s.contract.roleArn} without the tag`,
                );
            }
            // A session of the workspace role, as Grafana uses it.
            const session = `arn:aws:sts::${GRAFANA_ACCOUNT}:assumed-role/${WORKSPACE_ROLE_NAME}/grafana`;
            assert.equal(
                await identityAllows(
                    policy,
                    session,
                    "sts:AssumeRole",
                    analytics.contract.roleArn,
                    TAGGED_ROLE,
                ),
                true,
            );
        });

        it("denies any other role: another name in a source account, the same name in a fourth account", async () => {
            for (const account of ["222233334444", "333344445555", "444455556666"]) {
                for (const name of ["OrganizationAccountAccessRole", `${SOURCE_ROLE_NAME}-admin`, "Admin"]) {
                    assert.equal(
                        await identityAllows(
                            policy,
                            WORKSPACE_ROLE_ARN,
                            "sts:AssumeRole",
                            `arn:aws:iam::${account}:role/${name}`,
                            TAGGED_ROLE,
                        ),
                        false,
                        `${account} ${name}`,
                    );
                }
            }
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "sts:AssumeRole",
                    `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`,
                    TAGGED_ROLE,
                ),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "sts:AssumeRole",
                    `arn:aws:iam::${GRAFANA_ACCOUNT}:role/${SOURCE_ROLE_NAME}`,
                    TAGGED_ROLE,
                ),
                false,
            );
        });

        it("grants nothing but sts:AssumeRole", async () => {
            const role = sales.contract.roleArn;
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRoleWithWebIdentity", role),
                false,
            );
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRoleWithSAML", role),
                false,
            );
            assert.equal(await identityAllows(policy, WORKSPACE_ROLE_ARN, "iam:PassRole", role), false);
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "iam:UpdateAssumeRolePolicy", role),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "s3:GetObject",
                    "arn:aws:s3:::grafana-athena-query-results-222233334444/grafana/result.csv",
                ),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "athena:StartQueryExecution",
                    "arn:aws:athena:eu-west-1:222233334444:workgroup/grafana",
                ),
                false,
            );
            const actions = policy.Statement.flatMap((s: any) =>
                Array.isArray(s.Action) ? s.Action : [s.Action],
            );
            assert.deepEqual([...new Set(actions)], ["sts:AssumeRole"]);
            assert.ok(
                policy.Statement.every(
                    (s: any) =>
                        s.Effect === "Allow" && s.NotAction === undefined && s.NotResource === undefined,
                ),
            );
        });

        describe("organisation mode (sourceRoleName + organizationId)", () => {
            let orgPolicy: PolicyJson;
            before(async () => {
                const run = await planWorkspace([sales, analytics, finance], {
                    set: { [wsKey("sourceRoleName")]: SOURCE_ROLE_NAME, [wsKey("organizationId")]: ORG_ID },
                    world: WORLD,
                });
                orgPolicy = assumePolicy(run);
                assert.equal(orgPolicy.Statement.length, 1);
            });

            it("allows the role of that name in any account of the organisation", async () => {
                const inOrg = { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE };
                for (const s of [sales, analytics, finance]) {
                    assert.equal(
                        await identityAllows(
                            orgPolicy,
                            WORKSPACE_ROLE_ARN,
                            "sts:AssumeRole",
                            s.contract.roleArn,
                            inOrg,
                        ),
                        true,
                        s.contract.roleArn,
                    );
                }
                // A role of that name the source stacks did not create (no tag) is not assumable.
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        sales.contract.roleArn,
                        { "aws:ResourceOrgID": ORG_ID },
                    ),
                    false,
                );
                const newAccount = `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`;
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", newAccount, inOrg),
                    true,
                );
            });

            it("denies the same name outside the organisation, another name inside it, and other actions", async () => {
                const role = `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`;
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", role, {
                        "aws:ResourceOrgID": OTHER_ORG_ID,
                        ...TAGGED_ROLE,
                    }),
                    false,
                );
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", role),
                    false,
                    "no organisation at all",
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        "arn:aws:iam::222233334444:role/OrganizationAccountAccessRole",
                        { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE },
                    ),
                    false,
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        `arn:aws:iam::222233334444:role/${SOURCE_ROLE_NAME}-admin`,
                        { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE },
                    ),
                    false,
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "iam:PassRole",
                        sales.contract.roleArn,
                        { "aws:ResourceOrgID": ORG_ID },
                    ),
                    false,
                );
            });

            it("refuses a source whose role has another name, naming it", async () => {
                const other = await planSource({
                    stack: "acme/grafana-athena-source/hr",
                    account: "555566667777",
                    workgroup: "hr",
                    label: "HR",
                    roleName: "GrafanaReader",
                });
                const message = await refusal(
                    WORKSPACE_DIR,
                    workspaceVariant([sales, other], {
                        set: {
                            [wsKey("sourceRoleName")]: SOURCE_ROLE_NAME,
                            [wsKey("organizationId")]: ORG_ID,
                        },
                        world: WORLD,
                    }),
                );
                assert.ok(message.includes(other.contract.roleArn), message);
                assert.ok(message.includes(`"${SOURCE_ROLE_NAME}"`), message);
                assert.ok(!message.includes(sales.contract.roleArn), message);
            });
        });
    });
});
