/**
 * Panels in the programs' plans: a source stack's own panels reach its dashboard in inventory
 * mode (no `sources` list), the precedence between the three settings, and what the workspace,
 * the source and the root project refuse (one line naming the stack, the panel and the table).
 */
import assert from "node:assert/strict";
import type { RunResult, StackRefOutputs } from "../../../tools/plan/mock/runtime";
import { ROOT_EXAMPLE } from "../../support/examples";
import {
    ROOT_DIR,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    configProblems,
    plan,
    refusal,
} from "../../support/program";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";
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
const HR = "organization/grafana-athena-source/hr";
const SALES_PANELS = [
    {
        type: "timeseries",
        title: "Orders per hour",
        sql:
            "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) AS orders FROM " +
            "orders WHERE $__timeFilter(ordered_at) GROUP BY 1",
    },
    {
        type: "table",
        title: "Top customers",
        sql:
            "SELECT c.name, count(*) FROM sales.orders o JOIN " +
            '"customers" c ON o.c = c.id GROUP BY 1 LIMIT 10',
    },
];
/** Runs on every source: information_schema only. */
const EVERY_SOURCE = [
    {
        type: "stat",
        title: "Tables",
        sql: "SELECT count(*) FROM information_schema.tables WHERE table_schema <> 'information_schema'",
    },
];

type Panel = { type: string; title: string; sql: string };
const panelsOf = (json: Record<string, any>): Panel[] =>
    (json.panels as any[])
        .filter((p) => p.type !== "row")
        .map((p) => ({ type: p.type, title: p.title, sql: p.targets[0].rawSQL }));
const strip = (ps: readonly Record<string, unknown>[]) =>
    ps.map(({ type, title, sql }) => ({ type, title, sql }) as Panel);

/** Each source dashboard's panels by its title, and the fleet dashboard's. */
function dashboards(run: RunResult): { bySource: Record<string, Panel[]>; fleet: Panel[] } {
    const all = byType(run, DASHBOARD_TYPE);
    const bySource = Object.fromEntries(
        all
            .filter((d) => !isHome(d) && !isFleet(d))
            .map((d) => [dashboardJson(d).title as string, panelsOf(dashboardJson(d))]),
    );
    return { bySource, fleet: panelsOf(dashboardJson(all.find(isFleet)!)) };
}

describe("panels in the plans", function () {
    this.timeout(120_000);
    let sales: PlannedSource;
    let hr: PlannedSource;
    let refs: Record<string, StackRefOutputs>;
    before(async () => {
        // Two data accounts: Sales with panels of its own, HR with none and other tables.
        sales = await planSource({
            stack: SALES,
            account: "222233334444",
            label: "Sales",
            panels: SALES_PANELS,
        });
        hr = await planSource({
            stack: HR,
            account: "333344445555",
            workgroup: "hr",
            label: "HR",
            tables: ["salaries"],
        });
        refs = { [SALES]: sales.ref, [HR]: hr.ref };
    });

    it("a source stack exports its panels and its tables; one without panels exports an empty list", () => {
        assert.deepEqual(sales.contract.panels, SALES_PANELS);
        assert.deepEqual(sales.contract.tables, ["orders", "customers"]);
        assert.deepEqual(hr.contract.panels, []);
        assert.deepEqual(hr.contract.tables, ["salaries"]);
    });

    describe("inventory mode (no sources list)", () => {
        let repo: RepositoryCopy;
        before(() => {
            repo = copyRepository();
            // The inventory: one stack file per data account (their values come from the stack
            // references; each file allows its own account, as the workspace checks).
            repo.writeStack("infra-account-b", "sales", {
                ...exampleStackConfig("infra-account-b"),
                "aws:allowedAccountIds": ["222233334444"],
            });
            repo.writeStack("infra-account-b", "hr", {
                ...exampleStackConfig("infra-account-b"),
                "aws:allowedAccountIds": ["333344445555"],
            });
        });
        after(() => repo.remove());

        it("shows a source's own panels on its dashboard only; the others keep the samples, the fleet dashboard its own", async () => {
            const run = await plan(repo.workspaceDir, { unset: [wsKey("sources")], stackRefs: refs });
            const { bySource, fleet } = dashboards(run);
            assert.deepEqual(Object.keys(bySource).sort(), ["HR", "Sales"]);
            assert.deepEqual(bySource.Sales, strip(SALES_PANELS));
            assert.deepEqual(
                bySource.HR.map((p) => p.title),
                ["Columns per table (top 50)", "Tables Grafana can read", "Columns"],
            );
            assert.ok(bySource.HR.every((p) => p.sql.includes("information_schema")));
            assert.ok(
                !fleet.some((p) => SALES_PANELS.some((s) => s.title === p.title)),
                "a source's panels are not on the fleet dashboard",
            );
        });

        it("the source's panels win over dashboard.panels, which fill the other dashboards and the fleet rows", async () => {
            const run = await plan(repo.workspaceDir, {
                unset: [wsKey("sources")],
                stackRefs: refs,
                set: { [wsKey("dashboard")]: { panels: EVERY_SOURCE } },
            });
            const { bySource, fleet } = dashboards(run);
            assert.deepEqual(bySource.Sales, strip(SALES_PANELS));
            assert.deepEqual(bySource.HR, strip(EVERY_SOURCE));
            assert.deepEqual(fleet, strip(EVERY_SOURCE));
        });

        it("refuses dashboard.panels that read a table one source does not grant, in one line naming the stack, the panel and the table", async () => {
            const orders = [{ type: "stat", title: "Orders", sql: "SELECT count(*) FROM orders" }];
            const message = await refusal(repo.workspaceDir, {
                unset: [wsKey("sources")],
                stackRefs: refs,
                set: { [wsKey("dashboard")]: { panels: orders } },
            });
            assert.equal(
                message,
                `source stack "${HR}": panel "Orders" of dashboard.panels reads table orders, ` +
                    `which the source does not grant (its tables: salaries)`,
            );
        });
    });

    describe("explicit mode (sources listed)", () => {
        it("sources[].panels win over the source stack's own", async () => {
            const mine = [{ type: "gauge", title: "Customers", sql: "SELECT count(*) FROM customers" }];
            const run = await plan(WORKSPACE_DIR, {
                stackRefs: refs,
                set: { [wsKey("sources")]: [{ stack: SALES, panels: mine }, { stack: HR }] },
            });
            const { bySource } = dashboards(run);
            assert.deepEqual(bySource.Sales, strip(mine));
            assert.equal(bySource.HR.length, 3, "HR keeps the samples");
        });

        it("refuses sources[].panels that read an ungranted table, naming the setting", async () => {
            const bad = [{ type: "stat", title: "Pay", sql: "SELECT sum(amount) FROM hr.salaries" }];
            const message = await refusal(WORKSPACE_DIR, {
                stackRefs: refs,
                set: { [wsKey("sources")]: [{ stack: SALES, panels: bad }] },
            });
            assert.equal(
                message,
                `source stack "${SALES}": panel "Pay" of sources[].panels reads table hr.salaries of the ` +
                    `database hr, but the source grants only tables of its database sales`,
            );
        });

        it("refuses a source stack whose panels output reads a table it does not grant, or is malformed", async () => {
            const tampered = { ...sales.ref, outputs: { ...sales.ref.outputs, tables: ["customers"] } };
            const message = await refusal(WORKSPACE_DIR, {
                stackRefs: { [SALES]: tampered },
                set: { [wsKey("sources")]: [{ stack: SALES }] },
            });
            assert.equal(
                message,
                `source stack "${SALES}": panel "Orders per hour" of its output "panels" reads table ` +
                    `orders, which the source does not grant (its tables: customers)\n` +
                    `source stack "${SALES}": panel "Top customers" of its output "panels" reads table ` +
                    `sales.orders, which the source does not grant (its tables: customers)`,
            );
            const malformed = {
                ...sales.ref,
                outputs: { ...sales.ref.outputs, panels: [{ type: "stat", title: "x" }] },
            };
            const problem = await refusal(WORKSPACE_DIR, {
                stackRefs: { [SALES]: malformed },
                set: { [wsKey("sources")]: [{ stack: SALES }] },
            });
            assert.equal(
                problem,
                `source stack "${SALES}": output "panels[0].sql" is required: the Athena SQL of the panel`,
            );
        });
    });

    it("the source project refuses its own panel that reads an ungranted table, naming the key", async () => {
        const problems = await configProblems(SOURCE_DIR, {
            set: {
                "grafana-athena-source:panels": [
                    { type: "stat", title: "Pay", sql: "SELECT * FROM salaries" },
                ],
            },
        });
        assert.deepEqual(problems, [
            'grafana-athena-source:panels[0].sql: panel "Pay" reads table salaries, which ' +
                "the source does not grant (its tables: orders, customers)",
        ]);
    });

    describe("the root project", () => {
        it("shows source.panels on the source's dashboard, over workspace.dashboard.panels, which keep the fleet rows", async () => {
            const run = await plan(ROOT_DIR, {
                set: { "grafana-athena:source": { ...ROOT_EXAMPLE.source, panels: SALES_PANELS } },
            });
            const { bySource, fleet } = dashboards(run);
            assert.deepEqual(Object.values(bySource), [strip(SALES_PANELS)]);
            assert.deepEqual(fleet, strip(ROOT_EXAMPLE.workspace.dashboard.panels));
        });

        it("refuses source.panels that read an ungranted table, naming the full key", async () => {
            const problems = await configProblems(ROOT_DIR, {
                set: {
                    "grafana-athena:source": {
                        ...ROOT_EXAMPLE.source,
                        panels: [{ type: "stat", title: "Pay", sql: "SELECT * FROM salaries" }],
                    },
                },
            });
            assert.deepEqual(problems, [
                'grafana-athena:source.panels[0].sql: panel "Pay" reads table salaries, which ' +
                    "the source does not grant (its tables: orders, customers)",
            ]);
        });

        it("refuses workspace.dashboard.panels that read a table the source does not grant, naming the full key", async () => {
            const workspace = {
                ...ROOT_EXAMPLE.workspace,
                dashboard: { panels: [{ type: "stat", title: "Pay", sql: "SELECT * FROM salaries" }] },
            };
            const problems = await configProblems(ROOT_DIR, {
                set: { "grafana-athena:workspace": workspace },
            });
            assert.deepEqual(problems, [
                'grafana-athena:workspace.dashboard.panels[0].sql: panel "Pay" reads table salaries, ' +
                    "which the source does not grant (its tables: orders, customers)",
            ]);
        });
    });
});
