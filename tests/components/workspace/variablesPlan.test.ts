/**
 * Variables and display settings in the programs' plans: a workspace's `dashboard.variables` on
 * every dashboard with panels, a source's own on its dashboard, panels using them and showing units
 * and thresholds, and the refusal of a variable's SQL that reads a table a source does not grant.
 */
import assert from "node:assert/strict";
import type { StackRefOutputs } from "../../../tools/plan/mock/runtime";
import { WORKSPACE_DIR, byType, plan, refusal } from "../../support/program";
import {
    DASHBOARD_TYPE,
    PlannedSource,
    dashboardJson,
    isFleet,
    isHome,
    planSource,
    wsKey,
} from "../../support/workspaceSources";

const SALES = "organization/grafana-athena-source/sales";
const MARKETING = "organization/grafana-athena-source/marketing";
const REGION = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders", multi: true };
const ENV = { name: "env", type: "custom", values: ["prod", "dev"] };
const BY_REGION = {
    type: "stat",
    title: "Bytes by region",
    sql: "SELECT sum(bytes) FROM orders WHERE region IN (${region:sqlstring})",
    unit: "decbytes",
    decimals: 1,
    thresholds: [{ value: 1e9, color: "red" }],
};

describe("variables in the plans", function () {
    this.timeout(120_000);
    let sales: PlannedSource;
    let marketing: PlannedSource;
    let refs: Record<string, StackRefOutputs>;
    before(async () => {
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
        // Marketing's own variable of the same name wins on its dashboard; its tables include orders too.
        marketing = await planSource({
            stack: MARKETING,
            account: "333344445555",
            workgroup: "marketing",
            label: "Marketing",
            tables: ["orders", "clicks"],
            variables: [{ name: "region", type: "custom", values: ["eu-west-1", "us-east-1"] }],
        });
        refs = { [SALES]: sales.ref, [MARKETING]: marketing.ref };
    });

    const sources = [{ stack: SALES }, { stack: MARKETING }];

    it("a source stack exports its variables; one without exports an empty list", () => {
        assert.deepEqual(sales.contract.variables, []);
        assert.deepEqual(marketing.contract.variables, [
            { name: "region", type: "custom", values: ["eu-west-1", "us-east-1"] },
        ]);
    });

    it("puts dashboard.variables on every source's dashboard and the fleet's, and the panels' units into their fields", async () => {
        const run = await plan(WORKSPACE_DIR, {
            stackRefs: refs,
            set: {
                [wsKey("sources")]: sources,
                [wsKey("dashboard")]: { variables: [REGION, ENV], panels: [BY_REGION] },
            },
        });
        const resources = byType(run, DASHBOARD_TYPE);
        const all = resources.filter((d) => !isHome(d)).map(dashboardJson);
        const fleet = dashboardJson(resources.find(isFleet)!);
        const variables = (json: Record<string, any>) =>
            json.templating.list.map((v: any) => [v.name, v.type, v.datasource?.uid ?? null]);
        const byTitle = Object.fromEntries(all.map((d) => [d.title as string, d]));
        const salesUid = byTitle.Sales.panels[0].datasource.uid;
        assert.deepEqual(variables(byTitle.Sales), [
            ["region", "query", salesUid],
            ["env", "custom", null],
        ]);
        // Marketing's own region (a custom list) instead of the workspace's query.
        assert.deepEqual(variables(byTitle.Marketing), [
            ["region", "custom", null],
            ["env", "custom", null],
        ]);
        assert.deepEqual(variables(fleet), [
            ["source", "datasource", null],
            ["region", "query", "${source}"],
            ["env", "custom", null],
        ]);
        assert.equal(all.length, 3);
        for (const d of all) {
            const panel = d.panels.find((p: any) => p.type === "stat");
            assert.equal(panel.targets[0].rawSQL, BY_REGION.sql);
            assert.equal(panel.fieldConfig.defaults.unit, "decbytes");
            assert.deepEqual(panel.fieldConfig.defaults.thresholds.steps, [
                { value: null, color: "green" },
                { value: 1e9, color: "red" },
            ]);
        }
    });

    it("refuses a variable whose SQL reads a table one source does not grant, in one line naming the stack and the variable", async () => {
        const clicks = { name: "campaign", type: "query", sql: "SELECT DISTINCT campaign FROM clicks" };
        const message = await refusal(WORKSPACE_DIR, {
            stackRefs: refs,
            set: { [wsKey("sources")]: sources, [wsKey("dashboard")]: { variables: [clicks] } },
        });
        assert.equal(
            message,
            `source stack "${SALES}": variable "$campaign" of dashboard.variables reads table ` +
                `clicks, which the source does not grant (its tables: orders, customers)`,
        );
    });

    it("refuses a panel that names its table with a variable", async () => {
        const panel = { type: "table", title: "Any", sql: "SELECT * FROM orders_$env" };
        const message = await refusal(WORKSPACE_DIR, {
            stackRefs: refs,
            set: {
                [wsKey("sources")]: [{ stack: SALES }],
                [wsKey("dashboard")]: { variables: [ENV], panels: [panel] },
            },
        });
        assert.equal(
            message,
            `source stack "${SALES}": panel "Any" of dashboard.panels reads orders_$env, a table ` +
                `named by a template variable: a panel names the tables it reads`,
        );
    });
});
