/**
 * Which tables a panel's SQL reads (and what is not a table), and the check against what a source grants.
 * Pure.
 */
import assert from "node:assert/strict";
import { fleetDefaultPanels } from "../../../shared/grafana/fleetDashboard";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { defaultPanels } from "../../../shared/grafana/sourceDashboard";
import { panelGrantProblems } from "../../../shared/grafana/panels";
import { tablesReadBy } from "../../../shared/grafana/sqlTables";
import { Refusal } from "../../../shared/refusal";
import { GRANT, reads, refused } from "../../support/panelGrants";

describe("the tables a panel's SQL reads", () => {
    it("finds tables after FROM and JOIN, in FROM lists, subqueries, set operations, parenthesised joins and TABLE", () => {
        assert.deepEqual(reads("SELECT * FROM orders"), ["orders"]);
        assert.deepEqual(
            reads(
                "SELECT * FROM orders o JOIN customers c ON o.c = c.id LEFT OUTER JOIN refunds r USING (id)",
            ),
            ["orders", "customers", "refunds"],
        );
        assert.deepEqual(reads("SELECT * FROM orders o, customers AS c, refunds"), [
            "orders",
            "customers",
            "refunds",
        ]);
        assert.deepEqual(
            reads(
                "SELECT * FROM (SELECT a FROM t1 UNION ALL SELECT a FROM t2) " +
                    "x, t3 WHERE a IN (SELECT b FROM t4)",
            ),
            ["t1", "t2", "t3", "t4"],
        );
        assert.deepEqual(reads("SELECT * FROM (o1 JOIN o2 ON true) CROSS JOIN o3"), ["o1", "o2", "o3"]);
        assert.deepEqual(
            reads(
                "SELECT * FROM orders o LEFT JOIN LATERAL (SELECT * FROM items i WHERE i.o = o.id) ON true",
            ),
            ["orders", "items"],
        );
        assert.deepEqual(
            reads(
                "SELECT (SELECT max(x) FROM t1), coalesce((SELECT 1 FROM t2), 0) " +
                    "FROM t3 WHERE EXISTS (SELECT 1 FROM t4)",
            ),
            ["t1", "t2", "t3", "t4"],
        );
        assert.deepEqual(reads("TABLE orders UNION TABLE customers"), ["orders", "customers"]);
        // A table argument of a table function is a table; the function's name is not.
        assert.deepEqual(
            reads(
                "SELECT * FROM TABLE(exclude_columns(input => TABLE(sales.orders), columns => " +
                    "DESCRIPTOR(x))) CROSS JOIN TABLE(system.sequence(1, 3))",
            ),
            ["sales.orders"],
        );
        assert.deepEqual(reads("SELECT 1 FROM a EXCEPT SELECT 1 FROM b INTERSECT SELECT 1 FROM c"), [
            "a",
            "b",
            "c",
        ]);
    });

    it("reads qualified, catalog-qualified and quoted names, with spaces and comments around the dots", () => {
        assert.deepEqual(
            tablesReadBy(
                'SELECT * FROM sales.orders, AwsDataCatalog.sales."Customers", "sales" . /* x */ "refunds"',
            ).map((r) => r.parts),
            [
                ["sales", "orders"],
                ["awsdatacatalog", "sales", "customers"],
                ["sales", "refunds"],
            ],
        );
        assert.deepEqual(
            tablesReadBy('SELECT * FROM "we""ird"').map((r) => r.parts),
            [['we"ird']],
        );
    });

    it("does not take strings, comments, quoted column names, function arguments or table functions for tables", () => {
        assert.deepEqual(
            reads(
                "SELECT 'FROM secret' AS s, 'it''s JOIN secret' FROM " +
                    "orders -- JOIN secret\n/* FROM secret */",
            ),
            ["orders"],
        );
        assert.deepEqual(reads('SELECT "from", "join" FROM orders'), ["orders"]);
        assert.deepEqual(
            reads(
                "SELECT extract(year FROM ts), substring(s FROM 2 FOR 3), trim(BOTH 'x' FROM s) FROM orders",
            ),
            ["orders"],
        );
        assert.deepEqual(reads("SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b FROM orders"), [
            "orders",
        ]);
        assert.deepEqual(
            reads("SELECT * FROM orders CROSS JOIN UNNEST(items) AS t(item), UNNEST(sequence(1, 3)) AS s(n)"),
            ["orders"],
        );
        assert.deepEqual(
            reads(
                "SELECT transform(arr, x -> x + 1), try_cast(a AS integer), ts AT TIME ZONE " +
                    "'UTC', INTERVAL '1' DAY FROM orders GROUP BY 1, 2 ORDER BY 1, 2",
            ),
            ["orders"],
        );
        assert.deepEqual(reads("SELECT * FROM (VALUES (1, 2), (3, 4)) AS v(a, b)"), []);
    });

    it("knows WITH names where they are visible, and only there", () => {
        assert.deepEqual(
            reads(
                "WITH recent (id) AS (SELECT id FROM orders), big AS (SELECT * FROM " +
                    "recent) SELECT * FROM big JOIN recent USING (id)",
            ),
            ["orders"],
        );
        // A WITH name is not visible in its own body (nor outside the query that declares it): those are
        // tables.
        assert.deepEqual(reads("WITH secret AS (SELECT * FROM secret) SELECT * FROM secret"), ["secret"]);
        assert.deepEqual(
            reads("SELECT * FROM (WITH x AS (SELECT 1 FROM orders) SELECT * FROM x) JOIN x ON true"),
            ["orders", "x"],
        );
        assert.deepEqual(
            reads(
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
            ),
            [],
        );
        // A qualified name is never a WITH name.
        assert.deepEqual(reads("WITH orders AS (SELECT 1) SELECT * FROM sales.orders, orders"), [
            "sales.orders",
        ]);
    });

    it("expands the plugin's macros as the plugin does, and marks a table a variable stands for", () => {
        assert.deepEqual(
            reads(
                "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) FROM orders WHERE " +
                    "$__timeFilter(ordered_at) AND x > $__timeFrom() GROUP BY 1",
            ),
            ["orders"],
        );
        // Names no variable of the dashboard has stay as written (Grafana leaves them): text in a string.
        assert.deepEqual(
            reads(
                "SELECT $__timeGroup(f(a), '1d') FROM orders WHERE c = '$var' AND d IN " +
                    "('$multi') AND e = '${v:csv}' AND g = '[[old]]'",
            ),
            ["orders"],
        );
        assert.deepEqual(
            tablesReadBy("SELECT * FROM ${__from}, ${db}.orders, [[tab]], sales.$t").map((r) => [
                r.written,
                r.templated,
            ]),
            [
                ["${__from}", true],
                ["${db}.orders", true],
                ["[[tab]]", true],
                ["sales.$t", true],
            ],
        );
    });

    it("refuses what it cannot read reliably, saying what is wrong", () => {
        for (const [sql, problem] of [
            ["SELECT 'x FROM secret", /unterminated string literal/],
            ['SELECT * FROM "secret', /unterminated quoted identifier/],
            ["SELECT 1 /* FROM secret", /unterminated \/\* comment/],
            ["SELECT * FROM (SELECT 1", /a \( without its \)/],
            ["SELECT 1) FROM secret", /a \) without its \(/],
            ["SELECT 1 WHERE $__timeFilter(x", /macro \$__timeFilter\( without its closing \)/],
        ] as const) {
            assert.throws(
                () => tablesReadBy(sql),
                (e: Error) => e instanceof Refusal && problem.test(e.message),
                sql,
            );
        }
    });
});

describe("panel SQL against the tables a source grants", () => {
    it("allows the granted tables however they are written", () => {
        for (const sql of [
            "SELECT * FROM orders JOIN customers ON true",
            'SELECT * FROM "ORDERS", Sales.Customers, ' +
                'awsdatacatalog.sales.orders, "AwsDataCatalog"."sales"."orders"',
            'SELECT * FROM "sales"."orders$partitions"',
            "WITH secret AS (SELECT * FROM orders) SELECT * FROM secret",
            "SELECT * FROM orders WHERE $__timeFilter(ts) AND $__dateFilter(d) AND " +
                "$__unixEpochFilter(e) AND ts > $__timeFrom() AND ts < $__timeTo()",
            "SELECT $__timeGroup(ts, '1h', 'yyyy-MM-dd'), $__unixEpochGroup(e, " +
                "5m), $__parseTime(s, 'yyyy-MM-dd') FROM orders",
            "SELECT '$__rawTimeFrom()' AS since, $__interval_ms AS ms, " +
                "'$__interval' AS i FROM orders WHERE ts > ${__from:date:iso}",
            "WITH x AS (SELECT * FROM orders CROSS JOIN UNNEST(items) WITH " +
                "ORDINALITY AS t(item, n)) SELECT * FROM x",
            "SELECT CAST(ts AS timestamp(3) WITH TIME ZONE) FROM orders " +
                "ORDER BY 1 FETCH FIRST 5 ROWS WITH TIES",
            "(TABLE orders) UNION ALL TABLE customers;",
        ]) {
            assert.deepEqual(refused(sql), [], sql);
        }
    });

    it("allows information_schema, so the sample panels of the source and fleet dashboards pass", () => {
        assert.deepEqual(
            refused(
                "SELECT * FROM information_schema.tables t JOIN " +
                    "AwsDataCatalog.information_schema.columns c ON true",
            ),
            [],
        );
        const source = {
            key: "o/grafana-athena-source/s",
            label: "S",
            dataSourceUid: "u",
            region: "eu-west-1",
            catalog: "AwsDataCatalog",
            database: "sales",
        };
        assert.deepEqual(
            panelGrantProblems([...defaultPanels(source), ...fleetDefaultPanels()], {
                ...GRANT,
                tables: ["orders"],
            }),
            [],
        );
    });

    it("refuses a table the source does not grant, wherever it stands", () => {
        for (const sql of [
            "SELECT * FROM secret",
            "SELECT * FROM orders JOIN secret ON true",
            "SELECT * FROM orders, secret",
            "SELECT * FROM orders WHERE id IN (SELECT id FROM secret)",
            "WITH x AS (SELECT * FROM secret) SELECT * FROM x",
            "WITH secret AS (SELECT * FROM secret) SELECT * FROM secret",
            "SELECT * FROM orders UNION ALL SELECT * FROM sales.secret",
            'SELECT * FROM AwsDataCatalog.sales."SECRET"',
            "TABLE secret",
            "SELECT * FROM (orders JOIN secret ON true)",
            'SELECT * FROM "secret$partitions"',
            "SELECT * FROM secret WHERE $__timeFilter(ts)",
        ]) {
            const problems = refused(sql);
            assert.equal(problems.length, 1, `${sql}: ${problems.join("; ")}`);
            assert.match(
                problems[0],
                /^reads table \S*secret\S*, which the source does not grant \(its tables: orders, customers\)$/i,
                sql,
            );
        }
    });

    it("refuses another database or catalog, and every table grant stops at the database", () => {
        assert.deepEqual(refused("SELECT * FROM hr.salaries"), [
            "reads table hr.salaries of the database hr, but the source " +
                "grants only tables of its database sales",
        ]);
        assert.deepEqual(refused("SELECT * FROM other.sales.orders"), [
            "reads table other.sales.orders of the catalog other, but the " +
                "source grants only its catalog AwsDataCatalog",
        ]);
        const all = { ...GRANT, tables: ["*"] };
        assert.deepEqual(refused("SELECT * FROM anything JOIN sales.more ON true", all), []);
        assert.equal(refused("SELECT * FROM hr.salaries", all).length, 1);
        assert.match(refused("SELECT * FROM a.b.c.d")[0], /not a table name/);
        // A long name is cut short in the message.
        const long = refused(`SELECT * FROM "${"x".repeat(5000)}"`)[0];
        assert.ok(long.length < 300, long);
        assert.match(long, /^reads table "x{79}… \(5002 characters\), which the source does not grant/);
    });

    it("says it in one line per panel and table, naming both", () => {
        const panels: PanelSpec[] = [
            { type: "stat", title: "Orders", sql: "SELECT count(*) FROM orders" },
            { type: "table", title: "Pay", sql: "SELECT * FROM salaries s JOIN bonuses b ON true" },
            { type: "stat", title: "Broken", sql: "SELECT 'x" },
        ];
        assert.deepEqual(panelGrantProblems(panels, GRANT, "dashboard.panels"), [
            'panel "Pay" of dashboard.panels reads table salaries, which the source ' +
                "does not grant (its tables: orders, customers)",
            'panel "Pay" of dashboard.panels reads table bonuses, which the source ' +
                "does not grant (its tables: orders, customers)",
            `panel "Broken" of dashboard.panels: its SQL has an unterminated string literal (' ` +
                `without its closing '), so the tables it reads cannot be checked`,
        ]);
        const many = { ...GRANT, tables: Array.from({ length: 12 }, (_, i) => `t${i}`) };
        assert.match(
            panelGrantProblems([panels[0]], many)[0],
            /\(its tables: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, … \(12\)\)$/,
        );
    });
});
