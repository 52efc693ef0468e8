/**
 * Panels: which panels a source's dashboard shows when several settings give some, and the
 * contract's and the source config's refusals of its tables and panels. Pure functions, no mocks.
 */
import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../../../shared/config/problems";
import { MAX_PANELS, MAX_PANEL_SQL } from "../../../shared/config/panels";
import { SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { MAX_GRANTED_TABLES, checkSourceOutputs } from "../../../shared/contract";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { sourceDashboardPanels } from "../../../shared/grafana/panels";
import { Refusal } from "../../../shared/refusal";
import { SOURCE_EXAMPLE } from "../../support/examples";

describe("which panels a source's dashboard shows", () => {
    const ws: PanelSpec[] = [{ type: "stat", title: "workspace, this source", sql: "SELECT 1" }];
    const src: PanelSpec[] = [{ type: "stat", title: "source stack", sql: "SELECT 2" }];
    const all: PanelSpec[] = [{ type: "stat", title: "every source", sql: "SELECT 3" }];

    it("the workspace's sources[].panels, then the source stack's, then dashboard.panels, then the samples", () => {
        assert.deepEqual(sourceDashboardPanels({ workspaceSource: ws, sourceStack: src, dashboard: all }), {
            panels: ws,
            origin: "sources[].panels",
        });
        assert.deepEqual(sourceDashboardPanels({ sourceStack: src, dashboard: all }), {
            panels: src,
            origin: "source stack panels",
        });
        assert.deepEqual(sourceDashboardPanels({ dashboard: all }), {
            panels: all,
            origin: "dashboard.panels",
        });
        assert.deepEqual(sourceDashboardPanels({}), { origin: "sample panels" });
        // An empty list is no panels.
        assert.deepEqual(sourceDashboardPanels({ workspaceSource: [], sourceStack: [], dashboard: all }), {
            panels: all,
            origin: "dashboard.panels",
        });
    });
});

describe("the contract's tables and panels outputs", () => {
    const good = {
        contractVersion: 1,
        accountId: "222233334444",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena",
        externalId: "x".repeat(48),
        catalog: "AwsDataCatalog",
        database: "sales",
        workgroup: "grafana",
        outputLocation: "s3://results/grafana/",
        label: "Sales",
    };
    const stack = "o/grafana-athena-source/s";
    const refusal = (values: Record<string, unknown>) => {
        try {
            checkSourceOutputs(stack, values);
        } catch (e) {
            assert.ok(e instanceof Refusal);
            return e.message;
        }
        throw new Error("accepted");
    };

    it("a version 1 source without them is valid", () => {
        const checked = checkSourceOutputs(stack, good);
        assert.equal(checked.tables, undefined);
        assert.equal(checked.panels, undefined);
        assert.deepEqual(checkSourceOutputs(stack, { ...good, tables: ["*"] }).tables, ["*"]);
    });

    it("refuses panels without tables: they would switch the check of the panels off", () => {
        const panels = [{ type: "stat", title: "Pay", sql: "SELECT * FROM hr.salaries" }];
        for (const p of [panels, []]) {
            assert.equal(
                refusal({ ...good, panels: p }),
                `source stack "${stack}": output "tables" is missing, but panels are ` +
                    `exported: a source stack of this program exports both`,
            );
        }
        assert.deepEqual(checkSourceOutputs(stack, { ...good, panels, tables: ["*"] }).panels, panels);
    });

    it("refuses malformed tables, naming the stack and the output", () => {
        for (const [tables, problem] of [
            ["orders", 'output "tables" must be a list of table names'],
            [[], 'output "tables" must list at least one table'],
            [["*", "orders"], 'output "tables" "*" means every table'],
            [["Orders; DROP"], 'output "tables[0]" must be a Glue table name'],
            [["orders", "orders"], 'output "tables" lists a table twice'],
            [
                Array.from({ length: MAX_GRANTED_TABLES + 1 }, (_, i) => `t${i}`),
                `output "tables" lists ${MAX_GRANTED_TABLES + 1} items, more ` +
                    `than the ${MAX_GRANTED_TABLES} it may hold`,
            ],
        ] as const) {
            const message = refusal({ ...good, tables });
            assert.ok(message.startsWith(`source stack "${stack}": ${problem}`), message);
            assert.doesNotMatch(message, /\n/);
        }
    });

    it("refuses malformed panels, naming the stack and the output, with the panels config's rules", () => {
        const panel = { type: "stat", title: "T", sql: "SELECT 1" };
        for (const [panels, problem] of [
            [
                { type: "stat" },
                'output "panels" must be a list of {type, title, sql, format?, ' +
                    "unit?, decimals?, min?, max?, thresholds?}",
            ],
            [
                [{ ...panel, type: "piechart" }],
                'output "panels[0].type" must be one of barchart, gauge, ' +
                    'stat, timeseries, table, got "piechart"',
            ],
            [[{ ...panel, title: "a\nb" }], 'output "panels[0].title" must be one line of text'],
            [[{ ...panel, sql: " " }], 'output "panels[0].sql" must not be empty'],
            [
                [{ ...panel, sql: "x".repeat(MAX_PANEL_SQL + 1) }],
                `output "panels[0].sql" must be at most ${MAX_PANEL_SQL} characters of SQL`,
            ],
            [[{ ...panel, datasource: "other" }], 'output "panels[0].datasource" is not a known field'],
            [
                Array.from({ length: MAX_PANELS + 1 }, () => panel),
                `output "panels" lists ${MAX_PANELS + 1} items, more than the ${MAX_PANELS} it may hold`,
            ],
        ] as const) {
            const message = refusal({ ...good, panels });
            assert.ok(message.startsWith(`source stack "${stack}": ${problem}`), message);
            assert.doesNotMatch(message, /\n/);
        }
    });
});

describe("a source stack's own panels in its config", () => {
    const example = {
        grafanaAccountId: SOURCE_EXAMPLE.grafanaAccount,
        grafanaRoleArn: SOURCE_EXAMPLE.grafanaRoleArn,
        database: SOURCE_EXAMPLE.database,
        tables: SOURCE_EXAMPLE.tables,
        dataLocations: SOURCE_EXAMPLE.dataLocations,
        workgroup: { name: SOURCE_EXAMPLE.workgroup },
        results: { bucket: SOURCE_EXAMPLE.resultsBucket },
        panels: SOURCE_EXAMPLE.panels,
    };
    const problems = (values: Record<string, unknown>) => {
        try {
            parseOrThrow(sourceSettingsFor("eu-west-1"), values, SOURCE_NAMESPACE);
        } catch (e) {
            if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
            throw e;
        }
        return [];
    };

    it("accepts the example's panels, which read its tables", () => {
        assert.ok(SOURCE_EXAMPLE.panels.length > 0);
        assert.deepEqual(problems(example), []);
        assert.deepEqual(problems({ ...example, panels: [] }), []);
    });

    it("refuses a panel that reads a table the stack does not grant, naming the key, the panel and the table", () => {
        const panels = [
            ...SOURCE_EXAMPLE.panels,
            { type: "table", title: "Salaries", sql: "SELECT * FROM orders JOIN hr_salaries ON true" },
        ];
        assert.deepEqual(problems({ ...example, panels }), [
            `${SOURCE_NAMESPACE}:panels[${SOURCE_EXAMPLE.panels.length}].sql: panel "Salaries" reads table ` +
                `hr_salaries, which the source does not grant (its tables: orders, customers)`,
        ]);
        assert.deepEqual(problems({ ...example, tables: ["*"], panels }), []);
    });

    it("refuses a panel the workspace would refuse, with the same rules", () => {
        assert.deepEqual(
            problems({ ...example, panels: [{ type: "piechart", title: "T", sql: "SELECT 1" }] }),
            [
                `${SOURCE_NAMESPACE}:panels[0].type: must be one of barchart, ` +
                    `gauge, stat, timeseries, table, got "piechart"`,
            ],
        );
    });
});
