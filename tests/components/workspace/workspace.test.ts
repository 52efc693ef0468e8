/**
 * The workspace project (`infra-account-a`) planned for real under the mocks, reading
 * source stacks that are themselves real plans of `infra-account-b`: what it creates for one
 * source and for three. Its determinism and switches: workspaceSwitches.test.ts; the assume
 * policy: workspaceAssume.test.ts.
 */
import assert from "node:assert/strict";
import { MOCK_NOW, RunResult } from "../../../tools/plan/mock/runtime";
import { byType, oneOf, raw } from "../../support/program";
import {
    DASHBOARD_TYPE,
    DATA_SOURCE_TYPE,
    FOLDER_TYPE,
    GRAFANA_PROVIDER_TYPE,
    HEALTH_TYPE,
    PlannedSource,
    ROLE_POLICY_TYPE,
    ROTATING_TYPE,
    SERVICE_ACCOUNT_TYPE,
    TOKEN_TYPE,
    WORKSPACE_ID,
    dashboardJson,
    isFleet,
    isHome,
    jsonData,
    planWorkspace,
} from "../../support/workspaceSources";
import {
    MAX_TOKEN_SECONDS,
    ATHENA_PLUGIN,
    ROTATION_UNIX,
    WORKSPACE_ROLE_NAME,
    ENDPOINT,
    overlaps,
    findBy,
    sourceParts,
    names,
    workspaceSources,
    cases,
    runs,
    caseVariant,
} from "../../support/workspaceCases";

describe("workspace program (infra-account-a) fed by real source plans", function () {
    this.timeout(120_000);

    before(() => workspaceSources());

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
                // `overwrite` acts on create only, where it would take over a hand-made dashboard of the same
                // title.
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
});
