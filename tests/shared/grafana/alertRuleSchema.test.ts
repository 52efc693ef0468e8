/**
 * The alert rules' stages checked against Grafana's own definitions: the Athena query (stage A) of
 * every kind against the Athena data query schema of 10.4 and 12.4 (tests/fixtures/grafana-<version>-
 * jsonschema; 13 serves 12.4's model), and the expressions (B, C) against the reduce and math
 * properties Grafana's expression service reads (grafana/grafana `pkg/apis/query/v0alpha1/expressions`:
 * `expression`, `reducer` one of sum, mean, min, max, count, last, `settings.mode` dropNN or replaceNN).
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { REPO } from "../../support/repo";
import type { WorkspaceAlert } from "../../../shared/config/alerts";
import { planAlertRules } from "../../../shared/grafana/alertPlan";
import { EXPRESSION_UID, grafanaRule } from "../../../shared/grafana/alertRules";

const SOURCE = "o/grafana-athena-source/sales";
const ALERTS: WorkspaceAlert[] = [
    {
        name: "fresh",
        source: SOURCE,
        kind: "freshness",
        table: "orders",
        column: "ordered_at",
        maxAgeHours: 6,
    },
    { name: "table", source: SOURCE, kind: "sql", sql: "SELECT count(*) FROM orders", above: 1 },
    {
        name: "series",
        source: SOURCE,
        kind: "sql",
        format: "timeSeries",
        range: "6h",
        sql:
            "SELECT $__timeGroup(ordered_at, '1h') AS time, count(*) FROM " +
            "orders WHERE $__timeFilter(ordered_at) GROUP BY 1",
        below: 5,
    },
    { name: "empty", source: SOURCE, kind: "sql", sql: "SELECT max(amount) FROM orders", noData: true },
];

function rules() {
    const { rules: planned, problems } = planAlertRules({
        scope: "p/s",
        alerts: ALERTS,
        sources: [
            {
                key: SOURCE,
                dataSourceName: "Sales",
                outputs: { catalog: "AwsDataCatalog", database: "sales", tables: ["orders"], teams: [] },
            },
        ],
        teams: [],
        quota: 100,
    });
    assert.deepEqual(problems, []);
    const connection = {
        dataSourceUid: "athena-x",
        region: "eu-west-1",
        catalog: "AwsDataCatalog",
        database: "sales",
    };
    return planned.map((r) => grafanaRule(r, connection, "team"));
}

for (const version of ["10.4", "12.4"]) {
    describe(`alert rule stages against Grafana ${version}'s schemas`, () => {
        const schema = JSON.parse(
            fs.readFileSync(
                path.join(
                    REPO,
                    "tests",
                    "fixtures",
                    `grafana-${version}-jsonschema`,
                    "athena.jsonschema.json",
                ),
                "utf8",
            ),
        );
        const validQuery = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
            schema,
        );

        it("writes every kind's Athena query as the Athena data query schema allows", () => {
            for (const rule of rules()) {
                const query = JSON.parse(rule.datas.find((d) => d.refId === "A")!.model);
                assert.ok(validQuery(query), `${rule.name}: ${JSON.stringify(validQuery.errors)}`);
            }
        });

        it("writes the expressions as Grafana's expression service reads them, the condition on the last stage", () => {
            for (const rule of rules()) {
                const [a, b, c] = rule.datas;
                assert.deepEqual([a.refId, b.refId, c.refId], ["A", "B", "C"]);
                assert.equal(rule.condition, "C");
                assert.notEqual(a.datasourceUid, EXPRESSION_UID);
                const reduce = JSON.parse(b.model);
                assert.equal(b.datasourceUid, EXPRESSION_UID);
                assert.equal(reduce.type, "reduce");
                assert.equal(reduce.expression, "A");
                assert.ok(["sum", "mean", "min", "max", "count", "last"].includes(reduce.reducer));
                assert.ok(["dropNN", "replaceNN"].includes(reduce.settings.mode));
                const math = JSON.parse(c.model);
                assert.equal(math.type, "math");
                assert.match(math.expression, /^\$B [<>!]=? ?\S+/);
                assert.equal(c.datasourceUid, EXPRESSION_UID);
            }
        });
    });
}
