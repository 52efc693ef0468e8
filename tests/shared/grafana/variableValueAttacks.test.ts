/**
 * A dashboard variable's value as the author of a stack file chooses it, pasted by Grafana where the
 * table check reads one value: each case reads hr.salaries when Athena runs the SQL with the value in
 * it, and must be refused. Custom values, list formats, `${name:sqlstring}` inside quotes. Pure.
 */
import assert from "node:assert/strict";
import { panelReadProblems } from "../../../shared/chartRules";
import { isPlainValue } from "../../../shared/config/variables";
import { dashboardSettings } from "../../../shared/config/workspace";
import type { PublicSourceOutputs } from "../../../shared/contract";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { ungrantedReads } from "../../../shared/grafana/sqlTables";
import { sourceOutputs } from "../../support/sourceOutputs";

const panel = (sql: string): PanelSpec => ({ type: "stat", title: "Orders", sql });
const GRANT = { catalog: "AwsDataCatalog", database: "sales", tables: ["orders"] };
/** Every table of the database: only another database is out of bounds. */
const EVERY = { ...GRANT, tables: ["*"] };

/** The source's own dashboard, its variables and one panel, as the workspace judges it. */
function ownDashboard(variables: unknown[], sql: string): string {
    const outputs = { ...sourceOutputs("222233334444"), tables: ["orders"], panels: [panel(sql)], variables };
    return panelReadProblems(
        { key: "org/grafana-athena-source/sales", outputs: outputs as PublicSourceOutputs },
        undefined,
        undefined,
    ).join("\n");
}

/** The workspace's `dashboard` setting's messages (the fleet dashboard). */
function fleet(dashboard: unknown): string {
    const parsed = dashboardSettings.safeParse(dashboard);
    return parsed.success
        ? ""
        : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
}

/** `sql` with `value` where `$v` stands: what Athena gets. */
const pasted = (sql: string, value: string) => sql.split("$v").join(value);

describe("a custom variable's value that is grammar once pasted", () => {
    // Each: the SQL as written, a value the old rule took for a plain word, and what Trino then reads.
    const attacks: [string, string][] = [
        // `a-` before the panel's `-` starts a comment: the string the check reads hides the UNION.
        ["SELECT a FROM orders WHERE k = $v-'\nUNION ALL SELECT a FROM hr.salaries --'", "a-"],
        ["SELECT a FROM orders WHERE k = -$v'\nUNION ALL SELECT a FROM hr.salaries --'", "-1"],
        // A reserved word where the check reads a value.
        ["SELECT a FROM orders $v hr.salaries ON true", "JOIN"],
        ["SELECT a FROM orders UNION $v hr.salaries", "TABLE"],
        ["SELECT a $v hr.salaries", "FROM"],
        ["SELECT $v hr.salaries", "1.FROM"],
        ["SELECT $v hr.salaries", "1.5e3FROM"],
        // A dot at an end completes a name the panel writes: `hr .salaries` is hr.salaries.
        ["SELECT a FROM orders o, hr $v", ".salaries"],
    ];

    it("each reads hr.salaries once pasted, and the check of the text as written sees only orders", () => {
        for (const [sql, value] of attacks) {
            assert.deepEqual(ungrantedReads(sql, EVERY, new Set(["v"])), [], sql);
            assert.match(
                ungrantedReads(pasted(sql, value), EVERY).join(" "),
                /hr\.salaries/,
                pasted(sql, value),
            );
        }
    });

    it("is no plain word, so a panel pastes it only as ${v:sqlstring}: on a source's own dashboard", () => {
        for (const [sql, value] of attacks) {
            assert.equal(isPlainValue(value), false, value);
            assert.match(
                ownDashboard([{ name: "v", type: "custom", values: ["prod", value] }], sql),
                /uses the variable \$v as written, whose values are not one plain word each: .* write \$\{v:sqlstring\}/,
                sql,
            );
        }
    });

    it("and on the fleet dashboard, where the workspace's custom variable runs on every source", () => {
        for (const [sql, value] of attacks) {
            assert.match(
                fleet({ panels: [panel(sql)], variables: [{ name: "v", type: "custom", values: [value] }] }),
                /^panels\.0\.sql: uses the variable \$v as written, whose values are not one plain word each/,
                sql,
            );
        }
    });

    it("keeps the plain words people use: names, regions, versions, numbers, booleans, words that hold a keyword", () => {
        for (const value of [
            "prod",
            "eu-west-1",
            "v1.2.3",
            "1.5",
            "42",
            "true",
            "NULL",
            "from_date",
            "xfrom",
        ])
            assert.equal(isPlainValue(value), true, value);
        assert.equal(
            ownDashboard(
                [{ name: "v", type: "custom", values: ["prod", "eu-west-1", "true"] }],
                "SELECT count(*) FROM orders WHERE env = '$v' AND flag = $v",
            ),
            "",
        );
    });
});

describe("several values of a variable joined by a format", () => {
    const env = { name: "v", type: "custom", values: ["x", "hr.salaries"], multi: true };

    it("refuses a format that joins them unquoted: `FROM orders ${v:csv}` is two tables", () => {
        // Grafana's csv and raw formats join several values with commas, unquoted.
        assert.match(ungrantedReads("SELECT * FROM orders x, hr.salaries", EVERY).join(), /hr\.salaries/);
        for (const format of ["csv", "raw", "doublequote", "pipe"]) {
            const sql = `SELECT count(*) FROM orders \${v:${format}}`;
            assert.match(
                ownDashboard([env], sql),
                new RegExp(`uses the variable \\$\\{v:${format}\\} with the format ${format}, which joins`),
                sql,
            );
            assert.match(
                fleet({ panels: [panel(sql)], variables: [env] }),
                /^panels\.0\.sql: uses the variable/,
            );
        }
    });

    it("accepts the plugin's own quoting (no format), sqlstring and singlequote, and any format of one value", () => {
        const sql = "SELECT count(*) FROM orders WHERE a IN ($v) AND b IN (${v:sqlstring}, ${v:singlequote})";
        assert.equal(ownDashboard([env], sql), "");
        assert.equal(fleet({ panels: [panel(sql)], variables: [env] }), "");
        const single = { ...env, multi: undefined };
        assert.equal(ownDashboard([single], "SELECT count(*) FROM orders WHERE a = '${v:csv}'"), "");
    });
});

describe("${name:sqlstring} inside a string, a quoted name or a comment", () => {
    const region = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders" };

    it("is refused: its quotes end the text around it, and a value with a line break ends a comment", () => {
        for (const sql of [
            "SELECT count(*) FROM orders WHERE note LIKE '%${region:sqlstring}%'",
            'SELECT count(*) AS "${region:sqlstring}" FROM orders',
            "SELECT count(*) FROM orders -- for ${region:sqlstring}\nWHERE true",
            "SELECT count(*) FROM orders /* ${region:sqlstring} */",
        ]) {
            assert.match(
                fleet({ panels: [panel(sql)], variables: [region] }),
                /uses the query variable \$\{region:sqlstring\} inside a string, quoted name or comment/,
                sql,
            );
            assert.match(ownDashboard([region], sql), /inside a string, quoted name or comment/, sql);
        }
        // The value the source's data could hold: the comment ends, the rest is SQL.
        const value = "x\nUNION ALL SELECT * FROM hr.salaries --";
        const sql = "SELECT count(*) FROM orders -- for ${region:sqlstring}";
        assert.match(
            ungrantedReads(sql.replace("${region:sqlstring}", `'${value}'`), EVERY).join(),
            /hr\.salaries/,
        );
    });

    it("accepts it where a value stands, next to strings and comments", () => {
        assert.equal(
            fleet({
                panels: [panel("SELECT 'a' FROM orders /* c */ WHERE r IN (${region:sqlstring}) -- 'x'")],
                variables: [region],
            }),
            "",
        );
    });
});

describe("a field of a variable: ${env.x}", () => {
    it("is refused: what Grafana pastes for it is not certain, and nothing between - and - is a comment", () => {
        const env = { name: "env", type: "custom", values: ["prod"] };
        const sql = "SELECT a FROM orders WHERE k = 1 -${env.x}- '\nUNION ALL SELECT a FROM hr.salaries --'";
        assert.match(
            ownDashboard([env], sql),
            /panel "Orders" of its output "panels": its SQL uses \$\{env\.x\}, a field of the variable env, whose value has no fields/,
        );
        // Pasted as nothing, Trino reads the UNION.
        assert.match(ungrantedReads(sql.replace("${env.x}", ""), EVERY).join(), /hr\.salaries/);
        assert.equal(ownDashboard([env], "SELECT a FROM orders WHERE k = '${env}'"), "");
    });
});

describe("${name:sqlstring} inside a macro's arguments", () => {
    it("is refused: the plugin splits the arguments at a comma inside the value's quotes", () => {
        const region = { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders" };
        const sql = "SELECT count(*) FROM orders WHERE $__timeFilter(${region:sqlstring}, 'yyyy')";
        assert.match(
            fleet({ panels: [panel(sql)], variables: [region] }),
            /uses the query variable \$\{region:sqlstring\} inside a macro's arguments.* write \$\{region:sqlstring\} where a value stands, outside quotes, comments and macro arguments$/,
        );
        assert.match(ownDashboard([region], sql), /inside a macro's arguments, which the plugin splits/);
        // Plain words and durations there stay as they were.
        const step = { name: "step", type: "interval", values: ["1h"] };
        assert.equal(ownDashboard([step], "SELECT $__timeGroup(t, $step), count(*) FROM orders"), "");
    });
});
