/**
 * Alert rules in the root project (both halves in one stack): the source's own alerts and the
 * workspace's `"*"` reach the one source, the same rule group the workspace project makes.
 */
import assert from "node:assert/strict";
import { ROOT_EXAMPLE } from "../../support/examples";
import { ROOT_DIR, byType, plan, refusal } from "../../support/program";

const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";

describe("alert rules in the root project", () => {
    it("creates the workspace's and the source's own alerts for its one source", async () => {
        const run = await plan(ROOT_DIR, {
            set: {
                "grafana-athena:source": {
                    ...ROOT_EXAMPLE.source,
                    alerts: [
                        {
                            name: "no-customers",
                            kind: "sql",
                            sql: "SELECT count(*) FROM customers",
                            below: 1,
                        },
                    ],
                },
                "grafana-athena:workspace": {
                    ...ROOT_EXAMPLE.workspace,
                    alerts: [
                        {
                            name: "orders-fresh",
                            source: "*",
                            kind: "freshness",
                            table: "orders",
                            column: "ordered_at",
                            maxAgeHours: 6,
                        },
                    ],
                },
            },
        });
        const [group, ...more] = byType(run, RULE_GROUP);
        assert.equal(more.length, 0);
        const names = (group.inputs.rules as { name: string }[]).map((r) => r.name).sort();
        assert.equal(names.length, 2);
        assert.match(names[0], /^no-customers \(/);
        assert.match(names[1], /^orders-fresh \(/);
    });

    it('refuses an alert naming a source stack, saying that its one source is named "*"', async () => {
        const message = await refusal(ROOT_DIR, {
            set: {
                "grafana-athena:source": ROOT_EXAMPLE.source,
                "grafana-athena:workspace": {
                    ...ROOT_EXAMPLE.workspace,
                    alerts: [
                        {
                            name: "orders-spike",
                            source: "organization/grafana-athena-source/sales",
                            kind: "sql",
                            sql: "SELECT count(*) FROM orders",
                            above: 1,
                        },
                    ],
                },
            },
        });
        assert.equal(
            message,
            'grafana-athena:workspace.alerts[0]: "orders-spike" names the source stack ' +
                '"organization/grafana-athena-source/sales", which this workspace stack does not chart ' +
                '(its one source is named "*")',
        );
    });
});
