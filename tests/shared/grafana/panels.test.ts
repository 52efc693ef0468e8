/**
 * Panels: which tables a panel's SQL reads (and what is not a table), the check against what a
 * source grants, which panels a source's dashboard shows when several settings give some, and
 * the contract's and the source config's refusals. Pure functions, no mocks.
 */
import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../../../shared/config/problems";
import { MAX_PANELS, MAX_PANEL_SQL } from "../../../shared/config/panels";
import { SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { MAX_GRANTED_TABLES, checkSourceOutputs } from "../../../shared/contract";
import { fleetDefaultPanels } from "../../../shared/grafana/fleetDashboard";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { defaultPanels } from "../../../shared/grafana/sourceDashboard";
import { panelGrantProblems, sourceDashboardPanels } from "../../../shared/grafana/panels";
import { TableGrant, tablesReadBy, ungrantedReads } from "../../../shared/grafana/sqlTables";
import { Refusal } from "../../../shared/refusal";
import { SOURCE_EXAMPLE } from "../../support/examples";

const GRANT: TableGrant = { catalog: "AwsDataCatalog", database: "sales", tables: ["orders", "customers"] };
const reads = (sql: string) => tablesReadBy(sql).map((r) => r.written);
const refused = (sql: string, grant = GRANT) => ungrantedReads(sql, grant);

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
                "SELECT * FROM (SELECT a FROM t1 UNION ALL SELECT a FROM t2) x, t3 WHERE a IN (SELECT b FROM t4)",
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
                "SELECT (SELECT max(x) FROM t1), coalesce((SELECT 1 FROM t2), 0) FROM t3 WHERE EXISTS (SELECT 1 FROM t4)",
            ),
            ["t1", "t2", "t3", "t4"],
        );
        assert.deepEqual(reads("TABLE orders UNION TABLE customers"), ["orders", "customers"]);
        // A table argument of a table function is a table; the function's name is not.
        assert.deepEqual(
            reads(
                "SELECT * FROM TABLE(exclude_columns(input => TABLE(sales.orders), columns => DESCRIPTOR(x))) CROSS JOIN TABLE(system.sequence(1, 3))",
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
                "SELECT 'FROM secret' AS s, 'it''s JOIN secret' FROM orders -- JOIN secret\n/* FROM secret */",
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
                "SELECT transform(arr, x -> x + 1), try_cast(a AS integer), ts AT TIME ZONE 'UTC', INTERVAL '1' DAY FROM orders GROUP BY 1, 2 ORDER BY 1, 2",
            ),
            ["orders"],
        );
        assert.deepEqual(reads("SELECT * FROM (VALUES (1, 2), (3, 4)) AS v(a, b)"), []);
    });

    it("knows WITH names where they are visible, and only there", () => {
        assert.deepEqual(
            reads(
                "WITH recent (id) AS (SELECT id FROM orders), big AS (SELECT * FROM recent) SELECT * FROM big JOIN recent USING (id)",
            ),
            ["orders"],
        );
        // A WITH name is not visible in its own body (nor outside the query that declares it): those are tables.
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
                "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) FROM orders WHERE $__timeFilter(ordered_at) AND x > $__timeFrom() GROUP BY 1",
            ),
            ["orders"],
        );
        // Names no variable of the dashboard has stay as written (Grafana leaves them): text in a string.
        assert.deepEqual(
            reads(
                "SELECT $__timeGroup(f(a), '1d') FROM orders WHERE c = '$var' AND d IN ('$multi') AND e = '${v:csv}' AND g = '[[old]]'",
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
            'SELECT * FROM "ORDERS", Sales.Customers, awsdatacatalog.sales.orders, "AwsDataCatalog"."sales"."orders"',
            'SELECT * FROM "sales"."orders$partitions"',
            "WITH secret AS (SELECT * FROM orders) SELECT * FROM secret",
            "SELECT * FROM orders WHERE $__timeFilter(ts) AND $__dateFilter(d) AND $__unixEpochFilter(e) AND ts > $__timeFrom() AND ts < $__timeTo()",
            "SELECT $__timeGroup(ts, '1h', 'yyyy-MM-dd'), $__unixEpochGroup(e, 5m), $__parseTime(s, 'yyyy-MM-dd') FROM orders",
            "SELECT '$__rawTimeFrom()' AS since, $__interval_ms AS ms, '$__interval' AS i FROM orders WHERE ts > ${__from:date:iso}",
            "WITH x AS (SELECT * FROM orders CROSS JOIN UNNEST(items) WITH ORDINALITY AS t(item, n)) SELECT * FROM x",
            "SELECT CAST(ts AS timestamp(3) WITH TIME ZONE) FROM orders ORDER BY 1 FETCH FIRST 5 ROWS WITH TIES",
            "(TABLE orders) UNION ALL TABLE customers;",
        ]) {
            assert.deepEqual(refused(sql), [], sql);
        }
    });

    it("allows information_schema, so the sample panels of the source and fleet dashboards pass", () => {
        assert.deepEqual(
            refused(
                "SELECT * FROM information_schema.tables t JOIN AwsDataCatalog.information_schema.columns c ON true",
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
            "reads table hr.salaries of the database hr, but the source grants only tables of its database sales",
        ]);
        assert.deepEqual(refused("SELECT * FROM other.sales.orders"), [
            "reads table other.sales.orders of the catalog other, but the source grants only its catalog AwsDataCatalog",
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
            'panel "Pay" of dashboard.panels reads table salaries, which the source does not grant (its tables: orders, customers)',
            'panel "Pay" of dashboard.panels reads table bonuses, which the source does not grant (its tables: orders, customers)',
            `panel "Broken" of dashboard.panels: its SQL has an unterminated string literal (' without its closing '), so the tables it reads cannot be checked`,
        ]);
        const many = { ...GRANT, tables: Array.from({ length: 12 }, (_, i) => `t${i}`) };
        assert.match(
            panelGrantProblems([panels[0]], many)[0],
            /\(its tables: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, … \(12\)\)$/,
        );
    });
});

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
            `SELECT * FROM orders WHERE x = '$__user${"_".repeat(600)}' OR y = '\${__org:${"a:".repeat(500)}}'`,
        ]) {
            assert.match(verdict(sql), /^uses the template variable /, sql);
        }
        assert.match(
            verdict("SELECT * FROM ${__from}"),
            /^reads \$\{__from\}, a table named by a template variable/,
        );
        assert.equal(
            verdict(
                "SELECT * FROM orders WHERE ts BETWEEN from_unixtime($__from / 1000) AND from_unixtime(${__to:raw} / 1000)",
            ),
            "",
        );
    });
});

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
                `source stack "${stack}": output "tables" is missing, but panels are exported: a source stack of this program exports both`,
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
                `output "tables" lists ${MAX_GRANTED_TABLES + 1} items, more than the ${MAX_GRANTED_TABLES} it may hold`,
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
                'output "panels" must be a list of {type, title, sql, format?, unit?, decimals?, min?, max?, thresholds?}',
            ],
            [
                [{ ...panel, type: "piechart" }],
                'output "panels[0].type" must be one of barchart, gauge, stat, timeseries, table, got "piechart"',
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
            `${SOURCE_NAMESPACE}:panels[${SOURCE_EXAMPLE.panels.length}].sql: panel "Salaries" reads table hr_salaries, which the source does not grant (its tables: orders, customers)`,
        ]);
        assert.deepEqual(problems({ ...example, tables: ["*"], panels }), []);
    });

    it("refuses a panel the workspace would refuse, with the same rules", () => {
        assert.deepEqual(
            problems({ ...example, panels: [{ type: "piechart", title: "T", sql: "SELECT 1" }] }),
            [
                `${SOURCE_NAMESPACE}:panels[0].type: must be one of barchart, gauge, stat, timeseries, table, got "piechart"`,
            ],
        );
    });
});
