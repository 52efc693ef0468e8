/**
 * Dashboard variables and how panels show their values: what the SQL check makes of a variable
 * (a value where a value stands, refused where a table does), the variables' and the display
 * settings' refusals (one line naming the key), and the dashboard JSON Grafana gets. Pure.
 */
import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../../../shared/config/problems";
import { SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { WORKSPACE_NAMESPACE, workspaceSettings } from "../../../shared/config/workspace";
import { sourceDashboardVariables } from "../../../shared/config/variables";
import { fleetDashboard } from "../../../shared/grafana/fleetDashboard";
import { DashboardSource, sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import { variableGrantProblems } from "../../../shared/grafana/panels";
import { TableGrant, ungrantedReads } from "../../../shared/grafana/sqlTables";
import { SOURCE_EXAMPLE } from "../../support/examples";

const GRANT: TableGrant = { catalog: "AwsDataCatalog", database: "sales", tables: ["orders", "customers"] };
const DECLARED = new Set(["region", "env", "step", "partitions"]);
const verdict = (sql: string, declared: ReadonlySet<string> = DECLARED) =>
    ungrantedReads(sql, GRANT, declared);

describe("the SQL check and the dashboard's own variables", () => {
    it("takes a variable for a value wherever a value stands, in every syntax and format", () => {
        for (const sql of [
            "SELECT * FROM orders WHERE region = '$region'",
            "SELECT * FROM orders WHERE region IN ($region)",
            "SELECT * FROM orders WHERE region IN (${region:sqlstring}) AND env = '[[env]]'",
            "SELECT * FROM orders WHERE region = ${region} -- for $env",
            "SELECT $__timeGroup(ordered_at, $step) AS time, count(*) FROM " +
                "orders WHERE $__timeFilter(ordered_at) GROUP BY 1",
            "SELECT $__timeGroup(ordered_at, '${step}') AS time FROM orders " +
                "o JOIN customers c ON c.region = $region",
        ]) {
            assert.deepEqual(verdict(sql), [], sql);
        }
    });

    it("refuses one where a table stands, whole or as part of a name, quoted or not", () => {
        for (const [sql, written] of [
            ["SELECT * FROM $region", "$region"],
            ["SELECT * FROM ${env}", "${env}"],
            ["SELECT * FROM orders_$env", "orders_$env"],
            ["SELECT * FROM ${env}_orders", "${env}_orders"],
            ['SELECT * FROM "orders$env"', '"orders$env"'],
            ["SELECT * FROM orders o JOIN sales.$env ON true", "sales.$env"],
            ["SELECT * FROM orders WHERE x IN (SELECT y FROM [[env]])", "[[env]]"],
            ["SELECT * FROM $env.orders", "$env.orders"],
        ]) {
            assert.deepEqual(
                verdict(sql),
                [`reads ${written}, a table named by a template variable: a panel names the tables it reads`],
                sql,
            );
        }
    });

    it("a name no variable has stays as written: a metadata table is its table's until a variable takes the name", () => {
        assert.deepEqual(verdict('SELECT * FROM "orders$history"'), []);
        assert.deepEqual(verdict('SELECT * FROM "orders$partitions"', new Set()), []);
        assert.deepEqual(verdict('SELECT * FROM "orders$partitions"'), [
            'reads "orders$partitions", a table named by a template ' +
                "variable: a panel names the tables it reads",
        ]);
    });

    it("only the dashboard's own variables may stand in a macro's arguments; a macro or another name still may not", () => {
        const sql = "SELECT $__timeGroup(ordered_at, $step) FROM orders";
        assert.deepEqual(verdict(sql), []);
        assert.throws(
            () => verdict(sql, new Set()),
            /uses a macro or variable inside the arguments of \$__timeGroup/,
        );
        assert.throws(
            () => verdict("SELECT * FROM orders WHERE $__timeFilter($__timeFrom())"),
            /uses a macro or variable inside the arguments of \$__timeFilter/,
        );
    });

    it("Grafana's other built-ins and the fleet's data source variable stay refused wherever they stand", () => {
        for (const sql of [
            "SELECT * FROM orders WHERE region = '$source'",
            "SELECT * FROM orders WHERE x = '${__user.login}'",
        ])
            assert.throws(
                () => verdict(sql, new Set(["region"])),
                /^Error: uses the template variable|uses the template variable/,
            );
    });

    it("a query variable's SQL is checked like a panel's, naming the variable", () => {
        assert.deepEqual(
            variableGrantProblems(
                [
                    { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders" },
                    { name: "who", type: "query", sql: "SELECT name FROM hr.salaries" },
                    { name: "env", type: "custom" },
                ],
                GRANT,
                "dashboard.variables",
            ),
            [
                'variable "$who" of dashboard.variables reads table hr.salaries of the database ' +
                    "hr, but the source grants only tables of its database sales",
            ],
        );
    });
});

/** The config problems of a workspace stack with `dashboard`, as the CLI prints them. */
function workspaceProblems(dashboard: unknown): string[] {
    try {
        parseOrThrow(workspaceSettings, { workspaceId: "g-0123456789", dashboard }, WORKSPACE_NAMESPACE);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems.map((p) => `${p.key}: ${p.message}`);
        throw e;
    }
    return [];
}

describe("variables and display settings in config", () => {
    const ws = (key: string) => `${WORKSPACE_NAMESPACE}:dashboard.${key}`;

    it("accepts the three kinds, and an interval variable's intervals default", () => {
        assert.deepEqual(
            workspaceProblems({
                variables: [
                    { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders", multi: true },
                    { name: "env", type: "custom", values: ["prod", "dev"], label: "Environment" },
                    { name: "step", type: "interval" },
                ],
            }),
            [],
        );
        const parsed = workspaceSettings.parse({
            workspaceId: "g-0123456789",
            dashboard: { variables: [{ name: "step", type: "interval" }] },
        });
        assert.deepEqual(parsed.dashboard.variables, [
            { name: "step", type: "interval", values: ["1h", "6h", "1d", "7d"] },
        ]);
    });

    it("refuses a bad variable in one line naming its key", () => {
        const cases: [unknown, string][] = [
            [
                { name: "source", type: "custom", values: ["a"] },
                `${ws("variables[0].name")}: must not be "source"`,
            ],
            [
                { name: "__from", type: "custom", values: ["a"] },
                `${ws("variables[0].name")}: must be a letter then`,
            ],
            [
                { name: "a b", type: "custom", values: ["a"] },
                `${ws("variables[0].name")}: must be a letter then`,
            ],
            [
                { name: "x", type: "textbox" },
                `${ws("variables[0].type")}: must be one of query, custom, interval, got "textbox"`,
            ],
            [{ name: "x", type: "query" }, `${ws("variables[0].sql")}: is required`],
            [
                { name: "x", type: "query", sql: "SELECT 1", values: ["a"] },
                `${ws("variables[0].values")}: is not a known setting`,
            ],
            [
                { name: "x", type: "custom", values: ["a,b"] },
                `${ws("variables[0].values[0]")}: must be one line without commas`,
            ],
            [
                { name: "x", type: "custom", values: [] },
                `${ws("variables[0].values")}: must list at least one value`,
            ],
            [
                { name: "x", type: "custom", values: ["a", "a"] },
                `${ws("variables[0].values")}: lists a value twice`,
            ],
            [
                { name: "x", type: "interval", values: ["1 hour"] },
                `${ws("variables[0].values[0]")}: must be an interval`,
            ],
        ];
        for (const [variable, start] of cases) {
            const problems = workspaceProblems({ variables: [variable] });
            assert.equal(problems.length, 1, `${JSON.stringify(variable)}: ${problems.join(" | ")}`);
            assert.ok(problems[0].startsWith(start), `${problems[0]} (expected ${start}...)`);
            assert.doesNotMatch(problems[0], /\n/);
        }
        assert.deepEqual(
            workspaceProblems({
                variables: [
                    { name: "Region", type: "custom", values: ["a"] },
                    { name: "region", type: "custom", values: ["b"] },
                ],
            }),
            [
                `${ws("variables[1].name")}: names the variable "region" twice ` +
                    `(with "Region"; compared without case)`,
            ],
        );
        const many = Array.from({ length: 21 }, (_, i) => ({ name: `v${i}`, type: "interval" }));
        assert.deepEqual(workspaceProblems({ variables: many }), [
            `${ws("variables")}: lists 21 variables, more than the 20 one dashboard takes`,
        ]);
    });

    it("refuses bad display settings of a panel in one line naming the key", () => {
        const panel = { type: "stat", title: "Bytes", sql: "SELECT 1" };
        const cases: [Record<string, unknown>, string][] = [
            [{ unit: "megabytes" }, `${ws("panels[0].unit")}: must be one of Grafana's unit ids`],
            [{ decimals: 11 }, `${ws("panels[0].decimals")}: must be at most 10`],
            [{ decimals: 1.5 }, `${ws("panels[0].decimals")}: `],
            [{ min: 10, max: 10 }, `${ws("panels[0].max")}: must be greater than min (10)`],
            [
                {
                    thresholds: [
                        { value: 5, color: "red" },
                        { value: 1, color: "green" },
                    ],
                },
                `${ws("panels[0].thresholds[1].value")}: must be greater than the step before it (5)`,
            ],
            [
                { thresholds: [{ color: "green" }, { color: "red" }] },
                `${ws("panels[0].thresholds[1].value")}: is required`,
            ],
            [
                { thresholds: [{ value: 1, color: "url(javascript:x)" }] },
                `${ws("panels[0].thresholds[0].color")}: must be a colour`,
            ],
            [{ thresholds: [] }, `${ws("panels[0].thresholds")}: must list at least one`],
        ];
        for (const [display, start] of cases) {
            const problems = workspaceProblems({ panels: [{ ...panel, ...display }] });
            assert.equal(problems.length, 1, `${JSON.stringify(display)}: ${problems.join(" | ")}`);
            assert.ok(problems[0].startsWith(start), `${problems[0]} (expected ${start}...)`);
        }
        assert.deepEqual(
            workspaceProblems({
                panels: [
                    {
                        ...panel,
                        unit: "decbytes",
                        decimals: 1,
                        min: 0,
                        max: 1e12,
                        thresholds: [
                            { color: "blue" },
                            { value: 1e9, color: "semi-dark-orange" },
                            { value: 1e10, color: "#FF0000" },
                        ],
                    },
                ],
            }),
            [],
        );
    });

    it("a source's query variable may read only its tables, named by its key", () => {
        const values = {
            grafanaAccountId: SOURCE_EXAMPLE.grafanaAccount,
            grafanaRoleArn: SOURCE_EXAMPLE.grafanaRoleArn,
            database: SOURCE_EXAMPLE.database,
            tables: SOURCE_EXAMPLE.tables,
            dataLocations: SOURCE_EXAMPLE.dataLocations,
            workgroup: { name: SOURCE_EXAMPLE.workgroup },
            results: { bucket: SOURCE_EXAMPLE.resultsBucket },
            panels: [
                { type: "table", title: "By region", sql: "SELECT * FROM orders WHERE region IN ($region)" },
            ],
            variables: [
                { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders" },
                { name: "who", type: "query", sql: "SELECT login FROM hr_users" },
            ],
        };
        let problems: string[] = [];
        try {
            parseOrThrow(sourceSettingsFor("eu-west-1"), values, SOURCE_NAMESPACE);
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            problems = e.problems.map((p) => `${p.key}: ${p.message}`);
        }
        assert.deepEqual(problems, [
            `${SOURCE_NAMESPACE}:variables[1].sql: variable "$who" reads table hr_users, which ` +
                `the source does not grant (its tables: orders, customers)`,
        ]);
    });
});

describe("variables and display settings in the dashboard JSON", () => {
    const source: DashboardSource = {
        key: "organization/grafana-athena-source/sales",
        label: "Sales",
        dataSourceUid: "athena-sales",
        region: "eu-west-1",
        catalog: "AwsDataCatalog",
        database: "sales",
    };
    const variables = [
        { name: "region", type: "query" as const, sql: "SELECT DISTINCT region FROM orders", multi: true },
        { name: "env", type: "custom" as const, values: ["prod", "dev"], label: "Environment" },
        { name: "step", type: "interval" as const, values: ["1h", "1d"] },
    ];

    it("a source dashboard's variables query its own data source, with its region, catalog and database", () => {
        const json = sourceDashboard(source, { resultReuseMinutes: 30, variables }).json as any;
        const [region, env, step] = json.templating.list;
        assert.equal(region.type, "query");
        assert.deepEqual(region.datasource, { type: "grafana-athena-datasource", uid: "athena-sales" });
        assert.equal(region.query.rawSQL, "SELECT DISTINCT region FROM orders");
        assert.equal(region.query.format, 1);
        assert.deepEqual(region.query.connectionArgs, {
            region: "eu-west-1",
            catalog: "AwsDataCatalog",
            database: "sales",
            resultReuseEnabled: true,
            resultReuseMaxAgeInMinutes: 30,
        });
        assert.equal(region.multi, true);
        assert.equal(region.refresh, 1);
        assert.equal(env.type, "custom");
        assert.equal(env.query, "prod,dev");
        assert.equal(env.label, "Environment");
        assert.deepEqual(env.current, { selected: true, text: "prod", value: "prod" });
        assert.deepEqual(
            env.options.map((o: any) => o.value),
            ["prod", "dev"],
        );
        assert.equal(step.type, "interval");
        assert.equal(step.query, "1h,1d");
    });

    it("the fleet dashboard keeps its data source variable first, limited to the stack's sources; its variables run on it", () => {
        const json = fleetDashboard({
            dataSourceNames: ["Sales", "HR"],
            resultReuseMinutes: 60,
            variables,
        }).json as any;
        const [first, region] = json.templating.list;
        assert.equal(first.name, "source");
        assert.equal(first.type, "datasource");
        assert.equal(first.regex, "/^(?:HR|Sales)$/");
        assert.deepEqual(region.datasource, { type: "grafana-athena-datasource", uid: "${source}" });
        assert.deepEqual(
            json.templating.list.map((v: any) => v.name),
            ["source", "region", "env", "step"],
        );
    });

    it("writes unit, decimals, min, max and thresholds into fieldConfig.defaults, and nothing when none is given", () => {
        const panels = [
            {
                type: "gauge" as const,
                title: "Scanned",
                sql: "SELECT 1",
                unit: "decbytes",
                decimals: 2,
                min: 0,
                max: 100,
                thresholds: [
                    { value: 50, color: "orange" },
                    { value: 80, color: "red" },
                ],
            },
            { type: "stat" as const, title: "Plain", sql: "SELECT 1" },
        ];
        const json = sourceDashboard(source, { resultReuseMinutes: 60, panels }).json as any;
        const [scanned, plain] = json.panels;
        assert.deepEqual(scanned.fieldConfig.defaults, {
            unit: "decbytes",
            decimals: 2,
            min: 0,
            max: 100,
            thresholds: {
                mode: "absolute",
                steps: [
                    { value: null, color: "green" },
                    { value: 50, color: "orange" },
                    { value: 80, color: "red" },
                ],
            },
        });
        for (const key of ["unit", "decimals", "min", "max", "thresholds"])
            assert.ok(!(key in (plain.fieldConfig?.defaults ?? {})), key);
    });

    it("a source's own variables win on its dashboard over the workspace's of the same name", () => {
        const own = [{ name: "region", type: "custom" as const, values: ["eu"] }];
        const chosen = sourceDashboardVariables(own, variables);
        assert.deepEqual(
            chosen.map((v) => [v.name, v.type]),
            [
                ["region", "custom"],
                ["env", "custom"],
                ["step", "interval"],
            ],
        );
    });
});
