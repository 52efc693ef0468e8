/** Panel SQL as Trino and the Athena plugin read it: what an attacker writes, refused or read right. Pure. */
import assert from "node:assert/strict";
import { Refusal } from "../../../shared/refusal";
import { refused } from "../../support/panelGrants";

describe("panel SQL as Trino and the Athena plugin read it: what an attacker writes", () => {
    /** What the check says of `sql`: its problems, or its refusal; "" when it passes. */
    const verdict = (sql: string): string => {
        try {
            return refused(sql).join("; ");
        } catch (e) {
            assert.ok(e instanceof Refusal, String(e));
            return e.message;
        }
    };
    const SALARIES = /reads table hr\.salaries of the database hr/;

    it("the seven bypasses: each reads hr.salaries, and each is refused", () => {
        for (const [sql, said] of [
            // Trino ends a -- comment at a lone CR.
            ["SELECT * FROM orders -- monthly\rCROSS JOIN hr.salaries", SALARIES],
            // The plugin pastes a macro's argument verbatim.
            ["SELECT * FROM orders WHERE $__timeFilter((SELECT max(paid_at) FROM hr.salaries))", SALARIES],
            // The plugin ignores quotes when it finds where a macro's arguments end.
            [
                "SELECT 1 FROM orders WHERE $__timeFrom(''') > 0 UNION SELECT 1 FROM hr.salaries --''') > 0",
                SALARIES,
            ],
            ["WITH x AS (SELECT 1) TABLE hr.salaries", SALARIES],
            [
                "SELECT * FROM orders CROSS JOIN UNNEST(items) WITH ORDINALITY AS t(a, n), hr.salaries",
                SALARIES,
            ],
            ["EXPLAIN ANALYZE TABLE hr.salaries", /^is an EXPLAIN/],
            // The dashboard's title is the source's label: a label "hr.salaries" would make it a table.
            ["SELECT * FROM ${__dashboard}", /^uses the template variable \$\{__dashboard\}/],
        ] as const) {
            assert.match(verdict(sql), said, JSON.stringify(sql));
        }
    });

    it("comments end where Trino ends them", () => {
        for (const sql of [
            "SELECT * FROM orders --\r\nJOIN hr.salaries ON true",
            "SELECT * FROM orders --x\r, hr.salaries",
            "SELECT * FROM orders /* a */ -- b\rUNION TABLE hr.salaries",
        ]) {
            assert.match(verdict(sql), SALARIES, JSON.stringify(sql));
        }
        // A comment that ends at the end of the text hides nothing.
        assert.equal(verdict("SELECT * FROM orders -- JOIN hr.salaries"), "");
    });

    it("macros are expanded as the plugin expands them, wherever they stand", () => {
        for (const sql of [
            "SELECT $__timeGroup((SELECT max(x) FROM hr.salaries), '1h') FROM orders",
            "SELECT * FROM orders WHERE $__dateFilter((SELECT d FROM hr.salaries LIMIT 1))",
            "SELECT $__parseTime((SELECT s FROM hr.salaries LIMIT 1)) FROM orders",
            "SELECT * FROM orders WHERE $__unixEpochFilter((SELECT 1 FROM hr.salaries))",
            // A macro in a comment is expanded too: a line break in its argument ends the comment.
            "SELECT 1 FROM orders -- $__timeFilter(x\n= 1 OR ts) UNION SELECT 1 FROM hr.salaries",
        ]) {
            assert.match(verdict(sql), SALARIES, sql);
        }
        // What the plugin drops (the arguments of $__timeFrom) never reaches Athena.
        assert.equal(verdict("SELECT * FROM orders WHERE ts > $__timeFrom((SELECT 1 FROM hr.salaries))"), "");
        for (const [sql, said] of [
            [
                "SELECT * FROM orders WHERE $__timeFilter($__timeFrom())",
                /^uses a macro or variable inside the arguments of \$__timeFilter/,
            ],
            [
                "SELECT * FROM orders WHERE $__timeFilter(ts",
                /^has the macro \$__timeFilter\( without its closing \)$/,
            ],
            [
                "SELECT * FROM orders WHERE $__dateFilter(a, b)",
                /^uses the macro \$__dateFilter, which takes one argument$/,
            ],
            [
                "SELECT * FROM $__table",
                /^uses the macro \$__table, which stands for the query editor's table/,
            ],
            [
                "SELECT '$__rawTimeFrom(yyyy'')' FROM orders",
                /^uses the macro \$__rawTimeFrom, which takes a date format/,
            ],
        ] as const) {
            assert.match(verdict(sql), said, sql);
        }
    });

    it("TABLE t is read wherever a query stands", () => {
        for (const sql of [
            "SELECT * FROM orders UNION TABLE hr.salaries",
            "(TABLE hr.salaries)",
            "SELECT * FROM orders WHERE id IN (TABLE hr.salaries)",
            "WITH a AS (SELECT 1), b AS (SELECT 2) TABLE hr.salaries",
            "WITH RECURSIVE a(n) AS (SELECT 1) TABLE hr.salaries",
        ]) {
            assert.match(verdict(sql), SALARIES, sql);
        }
    });

    it("only a query is a panel: EXPLAIN in every form, SHOW, DESCRIBE, EXECUTE, a second statement are refused", () => {
        for (const sql of [
            "EXPLAIN SELECT * FROM hr.salaries",
            "EXPLAIN (TYPE IO, FORMAT JSON) TABLE hr.salaries",
            "explain analyze verbose SELECT * FROM hr.salaries",
            "/* x */ EXPLAIN TABLE hr.salaries",
        ]) {
            assert.match(verdict(sql), /^is an EXPLAIN/, sql);
        }
        for (const sql of [
            "SHOW STATS FOR (SELECT * FROM hr.salaries)",
            "DESCRIBE hr.salaries",
            "EXECUTE IMMEDIATE 'SELECT * FROM hr.salaries'",
            "SHOW CREATE TABLE hr.salaries",
            "PREPARE p FROM SELECT * FROM hr.salaries",
        ]) {
            assert.match(
                verdict(sql),
                /^is not a query \(it begins with \w+\): a panel runs SELECT, WITH, VALUES or TABLE$/,
                sql,
            );
        }
        assert.equal(
            verdict("SELECT 1 FROM orders; SELECT * FROM hr.salaries"),
            "has more than one statement (text after a ;)",
        );
        assert.match(verdict("WITH FUNCTION f() RETURNS int RETURN 1 SELECT f()"), /^has WITH FUNCTION/);
        assert.match(verdict("WITH SESSION query_max_run_time = '1h' SELECT 1"), /^has WITH SESSION/);
        // A WITH name "function" is still a WITH list.
        assert.equal(verdict("WITH function AS (SELECT * FROM orders) SELECT * FROM function"), "");
    });

    it("table functions: only the built-in ones, whose table arguments are read; LATERAL is a name where no ( follows", () => {
        assert.match(
            verdict("SELECT * FROM TABLE(system.query(query => 'SELECT * FROM hr.salaries'))"),
            /^calls the table function system\.query/,
        );
        assert.match(
            verdict(
                "SELECT * FROM TABLE(exclude_columns(input => TABLE(hr.salaries), columns => DESCRIPTOR(x)))",
            ),
            SALARIES,
        );
        assert.match(
            verdict("SELECT * FROM lateral.salaries"),
            /reads table lateral\.salaries of the database lateral/,
        );
    });

    it("a variable of the dashboard is refused wherever it stands; a time variable only where a table stands", () => {
        for (const sql of [
            "SELECT * FROM $__dashboard",
            "SELECT * FROM [[__dashboard]]",
            "SELECT * FROM orders WHERE name = '${__user.login}'",
            "SELECT * FROM orders WHERE x = $source",
            "SELECT ${__from:date:[1 FROM hr.salaries --]} FROM orders",
            "SELECT * FROM orders -- ${__org.name}",
            `SELECT * FROM orders WHERE x = '[[__dashboard:${"x".repeat(600)}]]'`,
            `SELECT * FROM orders WHERE x = '$__user${"_".repeat(600)}' ` +
                `OR y = '\${__org:${"a:".repeat(500)}}'`,
        ]) {
            assert.match(verdict(sql), /^uses the template variable /, sql);
        }
        assert.match(
            verdict("SELECT * FROM ${__from}"),
            /^reads \$\{__from\}, a table named by a template variable/,
        );
        assert.equal(
            verdict(
                "SELECT * FROM orders WHERE ts BETWEEN from_unixtime($__from / " +
                    "1000) AND from_unixtime(${__to:raw} / 1000)",
            ),
            "",
        );
    });
});
