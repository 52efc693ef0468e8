/**
 * A query variable of `dashboard.variables` on a fleet dashboard takes its values from a source's
 * data (the first source the viewer chose) and Grafana pastes them into SQL that then runs on every
 * chosen source: as written (`$region`, `'$region'`, `IN ($region)`), a value such as
 * `x') UNION SELECT 1e12 --` rewrites another team's chart. Only `${region:sqlstring}` (each value
 * a Trino string, its quotes doubled) keeps a value a value. Pure: the workspace's config rule.
 */
import assert from "node:assert/strict";
import { dashboardSettings } from "../../../shared/config/workspace";

const REGION = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders", multi: true };
const ENV = { name: "env", type: "custom", values: ["prod", "dev"] };
const panel = (sql: string) => ({ type: "stat", title: "Orders", sql });

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
