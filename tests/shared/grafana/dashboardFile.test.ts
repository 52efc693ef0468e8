/**
 * A dashboard file bound to one source, judged by what the file could reach: every data source
 * reference, every Athena query, every input. Pure, on the example export and variations of it.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { FileBinding, bindDashboardFile } from "../../../shared/grafana/dashboardFile";
import { dashboardSchemaProblems } from "../../../shared/grafana/dashboardSchema";
import { REPO } from "../../support/repo";

const EXAMPLE = JSON.parse(
    fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8"),
);
const BINDING: FileBinding = {
    key: "organization/grafana-athena-source/sales",
    label: "Sales",
    dataSourceUid: "athena-sales",
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales",
    grant: { catalog: "AwsDataCatalog", database: "sales", tables: ["orders"] },
};
const bind = (json: unknown, binding = BINDING) => bindDashboardFile(json, binding, "ws/prod", "d.json");
const refusal = (change: (json: any) => void): string => {
    const json = structuredClone(EXAMPLE);
    change(json);
    try {
        bind(json);
    } catch (e) {
        return (e as Error).message;
    }
    throw new Error("the file was bound");
};

describe("a dashboard file bound to a source", () => {
    it("binds the example: every input to the source's data source, valid for Grafana 10.4 and 12.4", () => {
        const built = bind(EXAMPLE);
        assert.equal(built.title, "Sales overview (Sales)");
        const text = JSON.stringify(built.json);
        assert.ok(!text.includes("DS_ATHENA"));
        assert.equal((built.json.panels as any[])[0].targets[0].datasource.uid, "athena-sales");
        assert.deepEqual(dashboardSchemaProblems(built.json, "10.4"), []);
        assert.deepEqual(dashboardSchemaProblems(built.json, "12.4"), []);
        // Another source, another uid: one dashboard per file per source.
        assert.notEqual(bind(EXAMPLE, { ...BINDING, key: "o/p/other" }).uid, built.uid);
    });

    it("refuses every way a file could query another data source", () => {
        for (const [change, expected] of [
            [
                (j: any) =>
                    (j.panels[0].datasource = { type: "grafana-athena-datasource", uid: "athena-other" }),
                /^panels\[0\]\.datasource is/,
            ],
            [
                (j: any) => delete j.panels[1].targets[0].datasource && delete j.panels[1].datasource,
                /^panels\[1\]\.targets\[0\]\.datasource is null/,
            ],
            [
                (j: any) => (j.panels[0].targets[0].datasource = { type: "datasource", uid: "-- Mixed --" }),
                /^panels\[0\]\.targets\[0\]\.datasource is/,
            ],
            [
                (j: any) => (j.panels[0].targets[0].datasource = { type: "__expr__", uid: "__expr__" }),
                /^panels\[0\]\.targets\[0\]\.datasource is/,
            ],
            [
                (j: any) =>
                    j.templating.list.push({
                        name: "ds",
                        type: "datasource",
                        query: "grafana-athena-datasource",
                    }),
                /^templating\.list\[1\] is a datasource variable/,
            ],
            [
                (j: any) => (j.panels[0].libraryPanel = { uid: "lib", name: "Lib" }),
                /^panels\[0\] is a library panel/,
            ],
            [(j: any) => (j.__elements = { lib: { name: "Lib" } }), /^holds library panels/],
            [
                (j: any) => j.__inputs.push({ name: "VAR_T", type: "constant", value: "hr.salaries" }),
                /^__inputs\[1\] \(VAR_T\) is not the Athena data source/,
            ],
            [
                (j: any) => (j.panels[0].targets[0].rawSQL = "SELECT '${DS_ATHENA}'"),
                /uses the input DS_ATHENA inside a text/,
            ],
            [
                (j: any) =>
                    (j.annotations.list[0].datasource = {
                        type: "grafana-athena-datasource",
                        uid: "athena-other",
                    }),
                /^annotations\.list\[0\]\.datasource is/,
            ],
            [
                (j: any) => (j.panels[0].targets[0].connectionArgs.database = "hr"),
                /^panels\[0\]\.targets\[0\]\.connectionArgs\.database is "hr": a query runs in the source's database sales/,
            ],
            [
                (j: any) => (j.panels[0].options.rawSQL = "SELECT * FROM hr.salaries"),
                /^holds 1 Athena query \(rawSQL\) outside a panel's targets/,
            ],
        ] as [(j: any) => void, RegExp][]) {
            assert.match(refusal(change), expected);
        }
    });

    it("puts every query through the table check, with the file's variables as values", () => {
        assert.equal(
            refusal((j) => {
                j.panels[0].targets[0].rawSQL = "SELECT * FROM hr.salaries";
                j.templating.list[0].query.rawSQL = "SELECT region FROM orders_${region:sqlstring}";
            }),
            'panel "Orders" reads table hr.salaries of the database hr, but the ' +
                "source grants only tables of its database sales; " +
                'variable "$region" reads orders_${region:sqlstring}, a table named by a ' +
                "template variable: a panel names the tables it reads",
        );
        // Rows' panels too.
        assert.match(
            refusal((j) => {
                const inner = j.panels.pop();
                inner.targets[0].rawSQL = "SELECT * FROM customers";
                j.panels.push({
                    type: "row",
                    title: "More",
                    collapsed: true,
                    gridPos: { h: 1, w: 24, x: 0, y: 8 },
                    id: 9,
                    panels: [inner],
                });
            }),
            /^panel "Revenue per day" reads table customers, which the source does not grant/,
        );
    });

    it("refuses a query variable's value pasted as written: the source's data would be SQL the check reads as one value", () => {
        assert.equal(
            refusal(
                (j) =>
                    (j.panels[0].targets[0].rawSQL = "SELECT count(*) FROM orders WHERE region IN ($region)"),
            ),
            'panel "Orders" uses the variable $region as written, whose values ' +
                "are the source's data: Grafana pastes it " +
                "into the SQL unseen by the table check; write ${region:sqlstring}",
        );
        assert.match(
            refusal((j) => {
                j.templating.list.push({ name: "who", type: "custom", query: "a,b) OR (1=1" });
                j.panels[0].targets[0].rawSQL = "SELECT count(*) FROM orders WHERE x IN ('$who')";
            }),
            /^panel "Orders" uses the variable \$who as written, whose values are not one plain word each/,
        );
    });

    it("turns result reuse off for a source with managed query results", () => {
        const built = bind(EXAMPLE, { ...BINDING, managedResults: true });
        const text = JSON.stringify(built.json);
        assert.ok(!text.includes('"resultReuseEnabled":true'));
        assert.ok(JSON.stringify(bind(EXAMPLE).json).includes('"resultReuseEnabled":true'));
    });
});
