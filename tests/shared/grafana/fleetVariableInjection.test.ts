/**
 * A query variable of `dashboard.variables` on a fleet dashboard takes its values from a source's
 * data (the first source the viewer chose) and Grafana pastes them into SQL that then runs on every
 * chosen source: as written (`$region`, `'$region'`, `IN ($region)`), a value such as
 * `x') UNION SELECT 1e12 --` rewrites another team's chart. Only `${region:sqlstring}` (each value
 * a Trino string, its quotes doubled) keeps a value a value. Pure: the workspace's config rule.
 */
import assert from "node:assert/strict";
import { panelReadProblems } from "../../../shared/chartRules";
import { dashboardSettings } from "../../../shared/config/workspace";
import type { PublicSourceOutputs } from "../../../shared/contract";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { sourceOutputs } from "../../support/sourceOutputs";

const REGION = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders", multi: true };
const ENV = { name: "env", type: "custom", values: ["prod", "dev"] };
const panel = (sql: string): PanelSpec => ({ type: "stat", title: "Orders", sql });

/** The messages of a `dashboard` setting, with where each is. */
function problems(dashboard: unknown): string[] {
    const parsed = dashboardSettings.safeParse(dashboard);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("a query variable's values in the fleet dashboard's SQL", () => {
    it("refuses a query variable pasted in as written, in a panel or in another variable's SQL", () => {
        for (const sql of [
            "SELECT count(*) FROM orders WHERE region IN ($region)",
            "SELECT count(*) FROM orders WHERE region = '${region}'",
            "SELECT count(*) FROM orders WHERE region = '[[region]]'",
            "SELECT count(*) FROM orders WHERE region IN (${region:singlequote})",
            "SELECT count(*) FROM orders WHERE region IN (${region:raw})",
        ]) {
            assert.deepEqual(
                problems({ panels: [panel(sql)], variables: [REGION] }).map((p) => p.split(" as written")[0]),
                [`panels.0.sql: uses the query variable ${/(\$\{?|\[\[)region[^ )']*/.exec(sql)![0]}`],
                sql,
            );
        }
        const chained = {
            name: "city",
            type: "query",
            sql: "SELECT city FROM orders WHERE region = '$region'",
        };
        assert.match(
            problems({ variables: [REGION, chained] }).join("\n"),
            /^variables\.1\.sql: uses the query variable \$region as written: .* write \$\{region:sqlstring\}$/,
        );
    });

    it("accepts ${name:sqlstring}, custom and interval variables, and text that is no variable of the dashboard", () => {
        assert.deepEqual(
            problems({
                panels: [
                    panel(
                        "SELECT count(*) FROM orders WHERE region IN (${region:sqlstring}) AND env = '$env'",
                    ),
                    panel("SELECT count(*) FROM orders WHERE note = '$regional'"),
                ],
                variables: [REGION, ENV],
            }),
            [],
        );
    });
});

describe("a source's own variables in the SQL of its dashboard, as the workspace judges the source", () => {
    const source = (variables: unknown[], panels: { type: string; title: string; sql: string }[]) => ({
        key: "org/grafana-athena-source/sales",
        outputs: {
            ...sourceOutputs("222233334444"),
            tables: ["orders"],
            panels,
            variables,
        } as PublicSourceOutputs,
    });
    const uses = (variables: unknown[], sql: string, fleet?: { panels: PanelSpec[] }) =>
        panelReadProblems(source(variables, [panel(sql)]), fleet?.panels, undefined);

    it("refuses a custom value that is SQL where the panel pastes it as written: the check would read a value", () => {
        // Grafana pastes `(SELECT max(paid) FROM hr.salaries)` where the panel says $cutoff.
        const cutoff = { name: "cutoff", type: "custom", values: ["(SELECT max(paid) FROM hr.salaries)"] };
        assert.match(
            uses([cutoff], "SELECT count(*) FROM orders WHERE paid > $cutoff").join("\n"),
            /^source stack "org\/grafana-athena-source\/sales": panel "Orders" of its output "panels" uses the variable \$cutoff as written, whose values are not one plain word .* write \$\{cutoff:sqlstring\}/,
        );
        const region = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders" };
        assert.match(
            uses([region], "SELECT count(*) FROM orders WHERE region IN ($region)").join("\n"),
            /uses the variable \$region as written, whose values are the source's data/,
        );
        // A workspace panel on the source's dashboard gets the source's variable of the same name.
        assert.match(
            panelReadProblems(source([cutoff], []), [
                panel("SELECT 1 FROM orders WHERE paid > $cutoff"),
            ]).join("\n"),
            /panel "Orders" of dashboard\.panels uses the variable \$cutoff as written/,
        );
    });

    it("accepts plain words as written, any value as ${name:sqlstring}, and durations", () => {
        const env = { name: "env", type: "custom", values: ["prod", "eu-west-1", "v1.2"] };
        const city = { name: "city", type: "custom", values: ["New York", "O'Brien"] };
        const step = { name: "step", type: "interval", values: ["1h"] };
        assert.deepEqual(
            uses(
                [env, city, step],
                "SELECT $__timeGroup(t, $step), count(*) FROM orders WHERE env " +
                    "= '$env' AND city = ${city:sqlstring}",
            ),
            [],
        );
    });
});
