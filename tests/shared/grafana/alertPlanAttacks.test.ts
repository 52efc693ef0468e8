/**
 * Alert rules an attacker plans against a source whose SQL the check cannot judge: a source stack
 * of an older release exports no `tables`, so an alert's SQL (the workspace's own, or `"*"`) would
 * run unchecked every five minutes with the source's role. Pure: `planAlertRules`.
 */
import assert from "node:assert/strict";
import type { WorkspaceAlert } from "../../../shared/config/alerts";
import { planAlertRules } from "../../../shared/grafana/alertPlan";

const OLD = "organization/grafana-athena-source/old";
const plan = (alert: WorkspaceAlert, tables?: string[]) =>
    planAlertRules({
        scope: "ws/prod",
        alerts: [alert],
        sources: [
            {
                key: OLD,
                dataSourceName: "Old",
                outputs: { catalog: "AwsDataCatalog", database: "sales", tables, teams: [] },
            },
        ],
        teams: [],
        quota: 100,
    });

describe("alert rules on a source that exports no tables", () => {
    const salaries: WorkspaceAlert = {
        name: "paid",
        source: "*",
        kind: "sql",
        sql: "SELECT max(paid) FROM hr.salaries",
        above: 1,
    };

    it("are refused, naming the alert and the source: the SQL cannot be checked", () => {
        for (const alert of [
            salaries,
            { ...salaries, source: OLD },
            { name: "fresh", source: "*", kind: "freshness", table: "orders", column: "at", maxAgeHours: 6 },
        ] as WorkspaceAlert[]) {
            const { problems } = plan(alert);
            assert.deepEqual(
                problems.map((p) => `${p.key}: ${p.message}`),
                [
                    `alerts[0]: "${alert.name}" on source stack "${OLD}" cannot be checked: ` +
                        "the source stack " +
                        "exports no tables (an older release), so the tables its SQL reads are unknown; " +
                        "update the source stack",
                ],
            );
        }
    });

    it("are checked as before once the source exports its tables", () => {
        assert.match(
            plan(salaries, ["orders"]).problems[0].message,
            /reads table hr\.salaries of the database hr/,
        );
        assert.equal(
            plan({ ...salaries, sql: "SELECT count(*) FROM orders" }, ["orders"]).problems.length,
            0,
        );
    });
});
