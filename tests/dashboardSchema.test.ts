/**
 * The dashboards the workspace stack provisions, checked against Grafana's own JSON Schemas for
 * 10.4 (tests/fixtures/grafana-10.4-jsonschema): the dashboard, each panel's options, each query.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { DashboardSource, PANEL_TYPES, QUERY_FORMATS, fleetDashboard, homeDashboard, sourceDashboard } from "../shared/grafana/dashboards";
import { EXAMPLE_SOURCE_STACK, ROOT_DIR, SOURCE_DIR, WORKSPACE_DIR, byType, plan, raw, sourceRef } from "./support/program";

const dir = path.join(__dirname, "fixtures", "grafana-10.4-jsonschema");
const schema = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.jsonschema.json`), "utf8"));

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const check = (name: string, definition?: string) => {
    const s = schema(name);
    return ajv.compile(definition ? { ...s, $ref: `#/definitions/${definition}` } : s);
};
const validDashboard = check("dashboard");
const validOptions: Record<string, ReturnType<typeof check>> = {
    barchart: check("barchart", "Options"),
    gauge: check("gauge", "Options"),
    stat: check("stat", "Options"),
    timeseries: check("timeseries", "Options"),
    table: check("table", "Options"),
};
/** Panel types whose custom field config has a schema this build can check (the table's cell options are a oneOf no value can meet). */
const validFieldConfig: Record<string, ReturnType<typeof check>> = {
    timeseries: check("timeseries", "FieldConfig"),
};
const validQuery = check("athena");

const source: DashboardSource = {
    key: "organization/grafana-athena-source/sales",
    label: "Sales (222233334444)",
    dataSourceUid: "athena-f1f411f2910bba18d0c7",
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales",
};

function assertValid(dashboard: Record<string, unknown>) {
    assert.ok(validDashboard(dashboard), ajv.errorsText(validDashboard.errors));
    const panels = dashboard.panels as { type: string; options: unknown; targets?: unknown[]; fieldConfig?: { defaults?: { custom?: unknown } } }[];
    assert.ok(panels.length > 0, "a dashboard without panels");
    for (const panel of panels) {
        // The home dashboard's text panel has no schema in the reference; a row is checked by the dashboard's.
        if (panel.type === "text" || panel.type === "row") continue;
        const options = validOptions[panel.type];
        assert.ok(options, `no schema for panel type ${panel.type}`);
        assert.ok(options(panel.options), `${panel.type}: ${ajv.errorsText(options.errors)}`);
        const custom = panel.fieldConfig?.defaults?.custom;
        if (custom !== undefined && validFieldConfig[panel.type]) {
            assert.ok(validFieldConfig[panel.type](custom), `${panel.type} field config: ${ajv.errorsText(validFieldConfig[panel.type].errors)}`);
        }
        assert.ok((panel.targets ?? []).length > 0, `${panel.type} panel without a query`);
        for (const target of panel.targets!) assert.ok(validQuery(target), ajv.errorsText(validQuery.errors));
    }
}

describe("dashboards against Grafana 10.4's JSON Schemas", () => {
    it("the sample dashboard of a source", () => {
        assertValid(sourceDashboard(source, { resultReuseMinutes: 60 }).json);
    });

    it("a dashboard of custom panels of every type, in both query formats", () => {
        const panels = PANEL_TYPES.flatMap((type, i) =>
            QUERY_FORMATS.map((format) => ({ type, title: `Panel ${i} ${format}`, sql: "SELECT $__timeGroup(ts, '1h') AS time, count(*) AS n FROM t WHERE $__timeFilter(ts) GROUP BY 1", format })),
        );
        assertValid(sourceDashboard(source, { resultReuseMinutes: 10080, panels }).json);
    });

    it("the fleet dashboard, with the sample panels and with custom ones", () => {
        const names = Array.from({ length: 50 }, (_, i) => `Source ${i} (${200000000000 + i})`);
        assertValid(fleetDashboard({ dataSourceNames: names, resultReuseMinutes: 60, scope: "grafana-athena-workspace/prod" }).json);
        const panels = PANEL_TYPES.map((type, i) => ({ type, title: `Panel ${i}`, sql: "SELECT 1 AS one" }));
        assertValid(fleetDashboard({ dataSourceNames: names, resultReuseMinutes: 60, panels }).json);
    });

    it("the home dashboard of many sources", () => {
        const sources = Array.from({ length: 300 }, (_, i) => ({ label: `Source ${i}`, dashboardUid: `athena-${String(i).padStart(20, "0")}` }));
        assertValid(homeDashboard(sources, { scope: "grafana-athena-workspace/prod" }).json);
    });

    it("every dashboard the example stacks provision", async () => {
        const source = await plan(SOURCE_DIR);
        const runs = [await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } }), await plan(ROOT_DIR)];
        for (const run of runs) {
            const dashboards = byType(run, "grafana:oss/dashboard:Dashboard");
            assert.equal(dashboards.length, 3, "the source's, the fleet and the home dashboard");
            for (const d of dashboards) assertValid(JSON.parse(String(raw(run, d.name).configJson)));
        }
    });

    it("can fail: a panel option of the wrong type is refused", () => {
        const json = sourceDashboard(source, { resultReuseMinutes: 60 }).json as { panels: { type: string; options: Record<string, unknown> }[] };
        const stat = json.panels.find((p) => p.type === "stat")!;
        assert.equal(validOptions.stat({ ...stat.options, graphMode: "sideways" }), false);
        assert.equal(validDashboard({ ...json, schemaVersion: "39" }), false);
    });
});
