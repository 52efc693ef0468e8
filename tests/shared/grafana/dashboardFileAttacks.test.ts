/**
 * A dashboard file written by an attacker in a pull request, to make a query run on another data
 * source or read a table its source does not grant, in ways Grafana's exporter never writes: a
 * `__proto__` key, a variable named like a macro, an `allValue`, a constant or interval variable
 * whose value is grammar, a list format. Each is refused naming where it is. Pure.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { FileBinding, bindDashboardFile } from "../../../shared/grafana/dashboardFile";
import { REPO } from "../../support/repo";

const TEXT = fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8");
const BINDING: FileBinding = {
    key: "organization/grafana-athena-source/sales",
    label: "Sales",
    dataSourceUid: "athena-sales",
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales",
    grant: { catalog: "AwsDataCatalog", database: "sales", tables: ["*"] },
};
const bind = (json: unknown) => bindDashboardFile(json, BINDING, "ws/prod", "d.json");
const verdict = (json: unknown): string => {
    try {
        bind(json);
        return "";
    } catch (e) {
        return (e as Error).message;
    }
};
/** The example with one more variable, and its first panel's first query's SQL replaced. */
function withVariable(variable: Record<string, unknown>, sql: string): unknown {
    const json = JSON.parse(TEXT);
    json.templating.list.push(variable);
    json.panels[0].targets[0].rawSQL = sql;
    return json;
}

describe("a dashboard file's hostile JSON", () => {
    it("refuses a __proto__ key: the checks would read the bound data source, Grafana would get {}", () => {
        // JSON.parse keeps the key; an object built from it by assignment takes it as its prototype.
        const bound = '{ "type": "grafana-athena-datasource", "uid": "${DS_ATHENA}" }';
        const text = TEXT.split(`"datasource": ${bound}`).join(`"datasource": { "__proto__": ${bound} }`);
        assert.notEqual(text, TEXT);
        const json = JSON.parse(text);
        assert.ok(Object.hasOwn(json.panels[0].datasource, "__proto__"));
        assert.match(
            verdict(json),
            /^the dashboard\.panels\[0\]\.datasource has the key __proto__, which is no Grafana field$/,
        );
        // What Grafana would have been sent: a reference without a uid, its organisation's default.
        const copy: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(json.panels[0].datasource)) copy[k] = v;
        assert.equal(JSON.stringify(copy), "{}");
    });

    it("refuses a variable named like a macro or a built-in: Grafana replaces it before the plugin", () => {
        // `$__timeFrom(...)` drops its arguments in the plugin, so the check reads orders only;
        // with a variable of that name, Athena gets `coalesce((SELECT max(paid) FROM hr.salaries))`.
        const sql = "SELECT $__timeFrom((SELECT max(paid) FROM hr.salaries)) AS x FROM orders";
        assert.equal(verdict(withVariable({ name: "x", type: "custom", query: "coalesce" }, sql)), "");
        assert.match(
            verdict(withVariable({ name: "__timeFrom", type: "custom", query: "coalesce" }, sql)),
            /^templating\.list\[1\]\.name is "__timeFrom": .* not starting with __/,
        );
        for (const name of [5, null, "a b", "x".repeat(51)])
            assert.match(
                verdict(withVariable({ name, type: "custom", query: "a" }, "SELECT 1 FROM orders")),
                /^templating\.list\[1\]\.name is /,
                String(name),
            );
    });

    it("refuses an allValue that is not a plain word: it is pasted as written whatever the format", () => {
        const sql = "SELECT count(*) FROM orders WHERE region IN (${c:sqlstring})";
        assert.match(
            verdict(
                withVariable(
                    {
                        name: "c",
                        type: "custom",
                        query: "a,b",
                        includeAll: true,
                        allValue: "'a') UNION SELECT * FROM hr.salaries --",
                    },
                    sql,
                ),
            ),
            /^templating\.list\[1\]\.allValue is .*: Grafana pastes it into the SQL as written whatever the format/,
        );
        assert.equal(
            verdict(
                withVariable(
                    { name: "c", type: "custom", query: "a,b", includeAll: true, allValue: "a" },
                    sql,
                ),
            ),
            "",
        );
    });

    it("judges each variable type by the values Grafana takes from it, and refuses other types", () => {
        const cases: [Record<string, unknown>, string][] = [
            // A constant is its whole text, commas and all: `FROM orders x,hr.salaries`.
            [{ name: "c", type: "constant", query: "x,hr.salaries" }, "SELECT * FROM orders $c"],
            // An interval's words are its values; JOIN is grammar.
            [
                { name: "c", type: "interval", query: "1m,JOIN" },
                "SELECT * FROM orders o $c hr.salaries ON true",
            ],
            // A value that is not text: what Grafana would make of it is not the check's to guess.
            [{ name: "c", type: "custom", query: ["JOIN"] }, "SELECT * FROM orders o $c hr.salaries ON true"],
            // Several values joined unquoted.
            [
                { name: "c", type: "custom", query: "x,hr.salaries", multi: true },
                "SELECT * FROM orders ${c:csv}",
            ],
        ];
        for (const [variable, sql] of cases)
            assert.match(
                verdict(withVariable(variable, sql)),
                /^panel "Orders" uses the variable (\$c|\$\{c:csv\}) .*: Grafana pastes it into the SQL unseen/,
                JSON.stringify(variable),
            );
        assert.match(
            verdict(withVariable({ name: "c", type: "switch", query: "x" }, "SELECT 1 FROM orders")),
            /^templating\.list\[1\] is of type "switch": a file's variables are of the types query, custom/,
        );
        // Plain words stay plain in every type.
        for (const type of ["constant", "custom", "interval"])
            assert.equal(
                verdict(withVariable({ name: "c", type, query: "1h" }, "SELECT $c FROM orders")),
                "",
                type,
            );
    });

    it("refuses a query longer than a panel's SQL before reading it: a 1 MiB query of macros costs minutes", () => {
        // Each distinct macro is expanded over the whole text (as the plugin does): quadratic in its length.
        const macros = Array.from({ length: 700 }, (_, i) => `$__timeFilter(c${i}) AND `).join("");
        assert.equal(
            verdict(
                withVariable(
                    { name: "c", type: "custom", query: "a" },
                    `SELECT 1 FROM orders WHERE ${macros} true`,
                ),
            ),
            "",
        );
        assert.match(
            verdict(
                withVariable(
                    { name: "c", type: "custom", query: "a" },
                    `SELECT 1 FROM orders WHERE ${macros.repeat(2)} true`,
                ),
            ),
            /^panel "Orders"'s SQL is \d+ characters, more than 20000$/,
        );
    });

    it("leaves out a query's queryID: the plugin would return that Athena execution's results, not run the SQL", () => {
        const json = withVariable(
            { name: "c", type: "custom", query: "a" },
            "SELECT count(*) FROM orders",
        ) as any;
        json.panels[0].targets[0].queryID = "0f6c1a6e-8d4b-4a3e-9a55-3c1d2b0e9f11";
        json.templating.list[0].query.queryID = "0f6c1a6e-8d4b-4a3e-9a55-3c1d2b0e9f12";
        const text = JSON.stringify(bind(json).json);
        assert.ok(!text.includes("queryID") && !text.includes("0f6c1a6e"), text.slice(0, 200));
    });

    it("judges a custom variable's saved selection (current, options) as its values", () => {
        const sql = "SELECT * FROM orders o $c hr.salaries ON true";
        for (const saved of [
            { current: { text: "a", value: "JOIN" } },
            { current: { text: ["a"], value: ["a", "JOIN"] } },
            {
                options: [
                    { text: "a", value: "a" },
                    { text: "JOIN", value: "JOIN" },
                ],
            },
            { current: { text: "a", value: 7 } },
        ])
            assert.match(
                verdict(withVariable({ name: "c", type: "custom", query: "a,b", ...saved }, sql)),
                /^panel "Orders" uses the variable \$c as written, whose values are not one plain word each/,
                JSON.stringify(saved),
            );
        const exported = {
            current: { selected: true, text: ["All"], value: ["$__all"] },
            options: [{ selected: false, text: "a", value: "a" }],
        };
        assert.equal(
            verdict(
                withVariable(
                    { name: "c", type: "custom", query: "a,b", includeAll: true, ...exported },
                    "SELECT 1 FROM orders WHERE x IN ($c)",
                ),
            ),
            "",
        );
    });
});
