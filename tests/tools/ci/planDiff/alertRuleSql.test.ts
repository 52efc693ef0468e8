/**
 * An alert rule's SQL as the pull request's comment shows it, when its author hides part of it
 * from the reviewer with characters a renderer does not show (a right-to-left override reorders
 * the text after it, a zero-width space and a line separator are invisible). Pure: a plan in, lines out.
 */
import assert from "node:assert/strict";
import type { Plan } from "../../../../tools/plan/format";
import { alertRuleLines } from "../../../../tools/plan/alertRules";

const planWith = (sql: string): Plan => ({
    project: "grafana-athena-workspace",
    stack: "prod",
    reads: [],
    outputs: {},
    secretOutputs: [],
    resources: [
        {
            type: "grafana:alerting/ruleGroup:RuleGroup",
            name: "alerts",
            parent: null,
            provider: null,
            options: {} as Plan["resources"][number]["options"],
            inputs: {
                folderUid: "f",
                rules: [
                    {
                        name: "orders (Sales)",
                        condition: "B",
                        labels: { team: "sales" },
                        datas: [
                            {
                                refId: "A",
                                datasourceUid: "athena-sales",
                                model: JSON.stringify({ rawSQL: sql }),
                            },
                            {
                                refId: "B",
                                datasourceUid: "__expr__",
                                model: JSON.stringify({ expression: "$A > 1" }),
                            },
                        ],
                    },
                ],
            },
        },
    ],
});

describe("an alert rule's SQL in the pull request's comment", () => {
    it("shows each invisible character: a bidi override, a zero-width space, line separators, C1 controls", () => {
        const sql = "SELECT count(*) FROM orders \u202e-- sdrawkcab\u202c\u200b\u2028\u0085 WHERE\r1 = 1";
        const [line] = alertRuleLines(planWith(sql));
        for (const hidden of ["\u202e", "\u202c", "\u200b", "\u2028", "\u0085", "\r"])
            assert.ok(!line.includes(hidden), `U+${hidden.codePointAt(0)!.toString(16)} in ${line}`);
        assert.match(line, /⟨U\+202E⟩-- sdrawkcab⟨U\+202C⟩⟨U\+200B⟩⟨U\+2028⟩⟨U\+0085⟩ WHERE\\r1 = 1"$/);
    });

    it("keeps plain SQL as it is", () => {
        const [line] = alertRuleLines(planWith("SELECT count(*) FROM orders WHERE a = 'é'"));
        assert.match(line, / "SELECT count\(\*\) FROM orders WHERE a = 'é'"$/);
    });
});
