/**
 * The dashboards the workspace stack provisions, checked against Grafana's own JSON Schemas for
 * 10.4 and 12.4 (tests/fixtures/grafana-<version>-jsonschema; each folder's README says where its
 * schemas come from): the dashboard, each panel's options, each query. Grafana 13 serves the same
 * classic model through /api (docs/grafana-permissions.md), so 12.4's schemas stand for it.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { exportFixes } from "../../../shared/grafana/dashboardSchema";
import { REPO } from "../../support/repo";
import { fleetDashboard } from "../../../shared/grafana/fleetDashboard";
import { homeDashboard } from "../../../shared/grafana/homeDashboard";
import { PANEL_TYPES, QUERY_FORMATS } from "../../../shared/grafana/panelSpec";
import { DashboardSource, sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import {
    EXAMPLE_SOURCE_STACK,
    ROOT_DIR,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    plan,
    raw,
    sourceRef,
} from "../../support/program";

function schemaSet(version: string) {
    const dir = path.join(REPO, "tests", "fixtures", `grafana-${version}-jsonschema`);
    const schema = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, `${name}.jsonschema.json`), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const check = (name: string, definition?: string) => {
        const s = name === "dashboard" ? exportFixes(schema(name)) : schema(name);
        return ajv.compile(definition ? { ...s, $ref: `#/definitions/${definition}` } : s);
    };
    const has = (name: string) => fs.existsSync(path.join(dir, `${name}.jsonschema.json`));
    return {
        ajv,
        schemaOf: schema,
        validDashboard: check("dashboard"),
        validOptions: {
            barchart: check("barchart", "Options"),
            gauge: check("gauge", "Options"),
            stat: check("stat", "Options"),
            timeseries: check("timeseries", "Options"),
            table: check("table", "Options"),
            // 10.4's reference has no text panel schema; 12.4's has.
            ...(has("text") ? { text: check("text", "Options") } : {}),
        } as Record<string, ReturnType<typeof check>>,
        /**
         * Panel types whose custom field config has a schema this build can check (the table's cell options
         * are a oneOf no value can meet).
         */
        validFieldConfig: { timeseries: check("timeseries", "FieldConfig") } as Record<
            string,
            ReturnType<typeof check>
        >,
        validQuery: check("athena"),
    };
}

/** The example stacks' plans, made once for both schema sets. */
let examples: Promise<RunResult[]> | undefined;
function exampleRuns(): Promise<RunResult[]> {
    examples ??= (async () => {
        const source = await plan(SOURCE_DIR);
        return [
            await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } }),
            await plan(ROOT_DIR),
        ];
    })();
    return examples;
}

for (const version of ["10.4", "12.4"]) {
    const { ajv, schemaOf, validDashboard, validOptions, validFieldConfig, validQuery } = schemaSet(version);

    const source: DashboardSource = {
        key: "organization/grafana-athena-source/sales",
        label: "Sales (222233334444)",
        dataSourceUid: "athena-f1f411f2910bba18d0c7",
        region: "eu-west-1",
        catalog: "AwsDataCatalog",
        database: "sales",
    };

    /**
     * Options a later Grafana added, which a panel saved for 10.4 lacks: 10.4's schemas refuse them
     * (`additionalProperties: false`), later ones require them but give a `default`, which the panel
     * takes when Grafana loads it. Exactly these are filled in, from the schema's own default; any other
     * missing option still fails, and so does a listed one that no longer needs filling.
     */
    const ADDED_AFTER_10_4: Record<string, Record<string, string[]>> = {
        "12.4": { stat: ["percentChangeColorMode"] },
    };
    const filledSeen = new Set<string>();

    function withSchemaDefaults(type: string, options: Record<string, unknown>): Record<string, unknown> {
        const added = ADDED_AFTER_10_4[version]?.[type] ?? [];
        if (added.length === 0) return options;
        const properties = (schemaOf(type).definitions.Options.properties ?? {}) as Record<
            string,
            { default?: unknown }
        >;
        const out = { ...options };
        for (const key of added) {
            assert.ok(!(key in options), `${type}.${key} is set: drop it from ADDED_AFTER_10_4`);
            assert.ok(
                properties[key] && "default" in properties[key],
                `${type}.${key} has no default in Grafana ${version}'s schema`,
            );
            out[key] = properties[key].default;
            filledSeen.add(`${type}.${key}`);
        }
        return out;
    }

    function assertValid(dashboard: Record<string, unknown>) {
        assert.ok(validDashboard(dashboard), ajv.errorsText(validDashboard.errors));
        const panels = dashboard.panels as {
            type: string;
            options: unknown;
            targets?: unknown[];
            fieldConfig?: { defaults?: { custom?: unknown } };
        }[];
        assert.ok(panels.length > 0, "a dashboard without panels");
        for (const panel of panels) {
            // A row is checked by the dashboard's schema; a text panel by its own where the reference has
            // one.
            if (panel.type === "row") continue;
            if (panel.type === "text") {
                if (validOptions.text)
                    assert.ok(
                        validOptions.text(panel.options),
                        `text: ${ajv.errorsText(validOptions.text.errors)}`,
                    );
                continue;
            }
            const options = validOptions[panel.type];
            assert.ok(options, `no schema for panel type ${panel.type}`);
            const filled = withSchemaDefaults(panel.type, panel.options as Record<string, unknown>);
            assert.ok(options(filled), `${panel.type}: ${ajv.errorsText(options.errors)}`);
            const custom = panel.fieldConfig?.defaults?.custom;
            if (custom !== undefined && validFieldConfig[panel.type]) {
                assert.ok(
                    validFieldConfig[panel.type](custom),
                    `${panel.type} field config: ${ajv.errorsText(validFieldConfig[panel.type].errors)}`,
                );
            }
            assert.ok((panel.targets ?? []).length > 0, `${panel.type} panel without a query`);
            for (const target of panel.targets!)
                assert.ok(validQuery(target), ajv.errorsText(validQuery.errors));
        }
    }

    describe(`dashboards against Grafana ${version}'s JSON Schemas`, () => {
        it("the program checks dashboard files with the same schema as these tests", () => {
            const fixture = fs.readFileSync(
                path.join(
                    REPO,
                    "tests",
                    "fixtures",
                    `grafana-${version}-jsonschema`,
                    "dashboard.jsonschema.json",
                ),
            );
            const product = fs.readFileSync(
                path.join(REPO, "shared", "grafana", "schemas", `dashboard-${version}.jsonschema.json`),
            );
            assert.ok(fixture.equals(product), "shared/grafana/schemas/ differs from tests/fixtures/");
        });

        it("the sample dashboard of a source", () => {
            assertValid(sourceDashboard(source, { resultReuseMinutes: 60 }).json);
        });

        it("a dashboard of custom panels of every type, in both query formats", () => {
            const panels = PANEL_TYPES.flatMap((type, i) =>
                QUERY_FORMATS.map((format) => ({
                    type,
                    title: `Panel ${i} ${format}`,
                    sql:
                        "SELECT $__timeGroup(ts, '1h') AS time, count(*) AS n FROM " +
                        "t WHERE $__timeFilter(ts) GROUP BY 1",
                    format,
                })),
            );
            assertValid(sourceDashboard(source, { resultReuseMinutes: 10080, panels }).json);
        });

        it("dashboards with variables of each kind, and panels with units, decimals, min, max and thresholds", () => {
            const variables = [
                { name: "region", type: "query" as const, sql: "SELECT DISTINCT region FROM t", multi: true },
                { name: "env", type: "custom" as const, values: ["prod", "dev"], includeAll: true },
                { name: "step", type: "interval" as const, values: ["1h", "1d"], label: "Step" },
            ];
            const panels = PANEL_TYPES.map((type, i) => ({
                type,
                title: `Panel ${i}`,
                sql: "SELECT count(*) AS n FROM t WHERE region IN ($region)",
                unit: "decbytes",
                decimals: 1,
                min: 0,
                max: 1000,
                thresholds: [{ color: "blue" }, { value: 500, color: "semi-dark-red" }],
            }));
            for (const json of [
                sourceDashboard(source, { resultReuseMinutes: 60, panels, variables }).json,
                fleetDashboard({ dataSourceNames: ["A", "B"], resultReuseMinutes: 60, panels, variables })
                    .json,
            ]) {
                assertValid(json);
                const list = (json.templating as { list: { type: string; query?: unknown }[] }).list;
                assert.deepEqual(
                    list.filter((v) => v.type !== "datasource").map((v) => v.type),
                    ["query", "custom", "interval"],
                );
                const query = list.find((v) => v.type === "query")!.query;
                assert.ok(validQuery(query), `variable query: ${ajv.errorsText(validQuery.errors)}`);
            }
        });

        it("the fleet dashboard, with the sample panels and with custom ones", () => {
            const names = Array.from({ length: 50 }, (_, i) => `Source ${i} (${200000000000 + i})`);
            assertValid(
                fleetDashboard({
                    dataSourceNames: names,
                    resultReuseMinutes: 60,
                    scope: "grafana-athena-workspace/prod",
                }).json,
            );
            const panels = PANEL_TYPES.map((type, i) => ({
                type,
                title: `Panel ${i}`,
                sql: "SELECT 1 AS one",
            }));
            assertValid(fleetDashboard({ dataSourceNames: names, resultReuseMinutes: 60, panels }).json);
        });

        it("a team's fleet dashboard, with sources and with none yet", () => {
            assertValid(
                fleetDashboard({
                    dataSourceNames: ["Sales", "Ops"],
                    resultReuseMinutes: 60,
                    scope: "grafana-athena-workspace/prod",
                    team: "finance",
                }).json,
            );
            assertValid(
                fleetDashboard({
                    dataSourceNames: [],
                    resultReuseMinutes: 60,
                    scope: "grafana-athena-workspace/prod",
                    team: "nobody",
                }).json,
            );
        });

        it("the home dashboard of many sources", () => {
            const sources = Array.from({ length: 300 }, (_, i) => ({
                label: `Source ${i}`,
                dashboardUid: `athena-${String(i).padStart(20, "0")}`,
            }));
            assertValid(homeDashboard(sources, { scope: "grafana-athena-workspace/prod" }).json);
            assertValid(
                homeDashboard([], {
                    scope: "grafana-athena-workspace/prod",
                    teams: ["finance", "sales-analysts"],
                }).json,
            );
        });

        it("every dashboard the example stacks provision", async () => {
            for (const run of await exampleRuns()) {
                const dashboards = byType(run, "grafana:oss/dashboard:Dashboard");
                assert.equal(dashboards.length, 3, "the source's, the fleet and the home dashboard");
                for (const d of dashboards) assertValid(JSON.parse(String(raw(run, d.name).configJson)));
            }
        });

        it("can fail: a panel option of the wrong type is refused", () => {
            const json = sourceDashboard(source, { resultReuseMinutes: 60 }).json as {
                panels: { type: string; options: Record<string, unknown> }[];
            };
            const stat = json.panels.find((p) => p.type === "stat")!;
            assert.equal(validOptions.stat({ ...stat.options, graphMode: "sideways" }), false);
            assert.equal(validDashboard({ ...json, schemaVersion: "39" }), false);
        });

        it("fills in only the options the schemas list as added after 10.4, each used", () => {
            const expected = Object.entries(ADDED_AFTER_10_4[version] ?? {}).flatMap(([type, keys]) =>
                keys.map((k) => `${type}.${k}`),
            );
            assert.deepEqual([...filledSeen].sort(), expected.sort());
        });
    });
}
