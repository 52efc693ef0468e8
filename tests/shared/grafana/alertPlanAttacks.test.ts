/**
 * Alert rules an attacker plans against a source whose SQL the check cannot judge: a source stack
 * of an older release exports no `tables`, so an alert's SQL (the workspace's own, or `"*"`) would
 * run unchecked every five minutes with the source's role. Pure: `planAlertRules`.
 */
import assert from "node:assert/strict";
import type { SourceAlert, WorkspaceAlert } from "../../../shared/config/alerts";
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

describe("alert rules whose titles another source's rule has in the same folder", () => {
    const SALES = "organization/grafana-athena-source/sales";
    const OTHER = "organization/grafana-athena-source/other";
    const source = (key: string, dataSourceName: string, alerts: SourceAlert[], teams = ["ops"]) => ({
        key,
        dataSourceName,
        outputs: { catalog: "AwsDataCatalog", database: "sales", tables: ["orders"], teams, alerts },
    });
    const alert = (name: string): SourceAlert => ({
        name,
        kind: "sql",
        sql: "SELECT count(*) FROM orders",
        above: 1,
    });
    const plan2 = (mine: string, label: string, theirs: string, teams = ["ops"], otherTeams = teams) =>
        planAlertRules({
            scope: "ws/prod",
            alerts: [],
            sources: [
                source(SALES, "Sales", [alert(mine)], teams),
                source(OTHER, label, [alert(theirs)], otherTeams),
            ],
            teams: teams.length > 0 ? ["ops", "finance"] : [],
            quota: 100,
        });

    it("are refused before Grafana refuses the whole rule group: a name or label holding ' ('", () => {
        // "errors (5xx) (Sales)" twice, and once as "Errors (5XX) (Sales)" (a database may fold case).
        for (const [theirs, label] of [
            ["errors", "5xx) (Sales"],
            ["Errors", "5XX) (Sales"],
        ]) {
            for (const teams of [["ops"], []]) {
                const { rules, problems } = plan2("errors (5xx)", label, theirs, teams);
                assert.equal(new Set(rules.map((r) => r.title.toLowerCase())).size, 1);
                assert.equal(problems.length, 1, JSON.stringify(problems));
                assert.equal(problems[0].key, "sources");
                assert.match(
                    problems[0].message,
                    /source stack ".*\/other": output "alerts"\[0\] "(e|E)rrors" on source stack ".*\/other" makes the rule ".*", the title of the rule of source stack ".*\/sales": output "alerts"\[0\].* in the same folder, which Grafana refuses/,
                );
            }
        }
    });

    it("are allowed in two teams' folders, and for titles that differ", () => {
        assert.deepEqual(plan2("errors (5xx)", "5xx) (Sales", "errors", ["ops"], ["finance"]).problems, []);
        assert.deepEqual(plan2("errors (5xx)", "Other", "errors").problems, []);
    });
});
