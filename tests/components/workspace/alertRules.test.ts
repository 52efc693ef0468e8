/**
 * Alert rules in the workspace's plan: one rule group per team folder holding that team's rules,
 * each rule's query on its own source's data source, its team label matching the notification
 * policy's route to the team's contact point, a freshness rule per source for `source: "*"`, the
 * sources' own alerts through the contract; and every refusal in one line naming the key: SQL
 * reading a table the source does not grant, a variable, a team that may not query the source, a
 * source not charted, the quota, the cost kind.
 */
import assert from "node:assert/strict";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { renderComment } from "../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../tools/ci/planDiff/stacks";
import { alertRuleLines } from "../../../tools/plan/alertRules";
import { summary } from "../../../tools/plan/synth";
import { checkPublicSourceOutputs } from "../../../shared/contract";
import { sourceOutputs } from "../../support/sourceOutputs";
import { SOURCE_DIR, WORKSPACE_DIR, byType, configProblems, refusal } from "../../support/program";
import {
    DATA_SOURCE_TYPE,
    FOLDER_TYPE,
    PlannedSource,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";
const NOTIFICATION_POLICY = "grafana:alerting/notificationPolicy:NotificationPolicy";
const SALES = "organization/grafana-athena-source/sales";
const HR = "organization/grafana-athena-source/hr";
const CONTACT_POINTS = [
    { name: "sales-oncall", type: "sns", topicArn: "arn:aws:sns:eu-west-1:111122223333:sales-alerts" },
    { name: "hr-oncall", type: "sns", topicArn: "arn:aws:sns:eu-west-1:111122223333:hr-alerts" },
];
const TEAMS = [
    { name: "sales-analysts", contactPoint: "sales-oncall" },
    { name: "hr", contactPoint: "hr-oncall" },
];
const FRESH = {
    name: "orders-fresh",
    source: "*",
    kind: "freshness",
    table: "orders",
    column: "ordered_at",
    maxAgeHours: 6,
};
const SPIKE = {
    name: "orders-spike",
    source: SALES,
    kind: "sql",
    for: "15m",
    sql: "SELECT count(*) AS n FROM orders WHERE $__timeFilter(ordered_at)",
    above: 100000,
    labels: { severity: "page" },
};
const HR_OWN = { name: "no-customers", kind: "sql", sql: "SELECT count(*) FROM customers", below: 1 };

interface Rule {
    name: string;
    uid: string;
    condition: string;
    for: string;
    noDataState: string;
    labels: Record<string, string>;
    datas: { refId: string; datasourceUid: string; model: string }[];
}
const rulesOf = (g: { inputs: Record<string, unknown> }) => g.inputs.rules as Rule[];
const model = (r: Rule, refId: string) => JSON.parse(r.datas.find((d) => d.refId === refId)!.model);

describe("alert rules: the workspace planned with them", () => {
    let sales: PlannedSource;
    let hr: PlannedSource;
    let plain: PlannedSource;
    let run: RunResult;
    const set = (more: Record<string, unknown> = {}) => ({
        set: {
            [wsKey("contactPoints")]: CONTACT_POINTS,
            [wsKey("teams")]: TEAMS,
            [wsKey("alerts")]: [FRESH, SPIKE],
            ...more,
        },
    });

    before(async () => {
        sales = await planSource({
            stack: SALES,
            account: "222233334444",
            label: "Sales",
            teams: ["sales-analysts"],
        });
        hr = await planSource({
            stack: HR,
            account: "444455556666",
            label: "HR",
            teams: ["hr"],
            alerts: [HR_OWN],
        });
        plain = await planSource({
            stack: "organization/grafana-athena-source/plain",
            account: "555566667777",
            label: "Plain",
        });
        run = await planWorkspace([sales, hr], set());
    });

    it("exports the source's own alerts through the contract", () => {
        assert.deepEqual(hr.contract.alerts, [HR_OWN]);
        assert.deepEqual(sales.contract.alerts, []);
    });

    it("makes one rule group per team, in that team's folder, holding only its sources' rules", () => {
        const groups = byType(run, RULE_GROUP);
        assert.equal(groups.length, 2);
        const folders = byType(run, FOLDER_TYPE);
        const folderOf = (title: string) => folders.find((f) => f.inputs.title === title)!.inputs.uid;
        const byFolder = Object.fromEntries(
            groups.map((g) => [
                g.inputs.folderUid as string,
                rulesOf(g)
                    .map((r) => r.name)
                    .sort(),
            ]),
        );
        assert.deepEqual(byFolder, {
            [folderOf("Athena (sales-analysts)") as string]: ["orders-fresh (Sales)", "orders-spike (Sales)"],
            [folderOf("Athena (hr)") as string]: ["no-customers (HR)", "orders-fresh (HR)"],
        });
        for (const g of groups) {
            assert.equal(g.inputs.intervalSeconds, 300);
            assert.equal(g.inputs.name, "athena-alerts");
        }
    });

    it("queries each rule's own source, with the SQL checked and the condition as configured", () => {
        const rules = byType(run, RULE_GROUP).flatMap(rulesOf);
        const uidOf = (label: string) =>
            byType(run, DATA_SOURCE_TYPE).find((d) => d.inputs.name === label)!.inputs.uid;
        const fresh = rules.find((r) => r.name === "orders-fresh (HR)")!;
        assert.equal(fresh.datas[0].datasourceUid, uidOf("HR"));
        assert.match(model(fresh, "A").rawSQL, /max\("ordered_at"\).*FROM "orders"$/);
        assert.equal(model(fresh, "A").connectionArgs.resultReuseEnabled, false);
        assert.equal(model(fresh, "C").expression, "$B > 6 || $B != $B");
        assert.equal(fresh.noDataState, "Alerting");
        const spike = rules.find((r) => r.name === "orders-spike (Sales)")!;
        assert.equal(spike.datas[0].datasourceUid, uidOf("Sales"));
        assert.equal(model(spike, "A").rawSQL, SPIKE.sql);
        assert.equal(model(spike, "C").expression, "$B > 100000");
        assert.equal(spike.for, "15m");
        assert.equal(spike.condition, "C");
        assert.deepEqual(spike.labels, { severity: "page", team: "sales-analysts" });
        assert.equal(model(spike, "B").type, "reduce");
        assert.equal(spike.datas[1].datasourceUid, "__expr__");
        assert.equal(
            model(
                rules.find((r) => r.name === "no-customers (HR)")!,
                "C",
            ).expression,
            "$B < 1",
        );
    });

    it("labels every rule with its team, which the notification policy routes to the team's contact point", () => {
        const [policy] = byType(run, NOTIFICATION_POLICY);
        const routes = policy.inputs.policies as {
            contactPoint: string;
            matchers: { label: string; value: string }[];
        }[];
        const routeOf = (labels: Record<string, string>) =>
            routes.find((p) => p.matchers.every((m) => labels[m.label] === m.value))?.contactPoint;
        const rules = byType(run, RULE_GROUP).flatMap(rulesOf);
        assert.equal(routeOf(rules.find((r) => r.name === "orders-fresh (Sales)")!.labels), "sales-oncall");
        assert.equal(routeOf(rules.find((r) => r.name === "orders-fresh (HR)")!.labels), "hr-oncall");
        assert.equal(routeOf(rules.find((r) => r.name === "no-customers (HR)")!.labels), "hr-oncall");
    });

    it("keeps rule uids stable and distinct", () => {
        const uids = byType(run, RULE_GROUP)
            .flatMap(rulesOf)
            .map((r) => r.uid);
        assert.equal(new Set(uids).size, 4);
        for (const u of uids) assert.match(u, /^alert-[0-9a-f]{34}$/);
    });

    it("shows the rules per team in the pull request's comment: folder, data source, condition, contact point, SQL", async () => {
        const before = await planWorkspace([sales, hr], set({ [wsKey("alerts")]: [FRESH] }));
        const file = "infra-account-a.grafana.json";
        const comment = renderComment(diffPlanSets({ [file]: before.plan }, { [file]: run.plan }));
        assert.match(comment, /#### Alert rules \(per team/);
        const added = comment.split("\n").filter((l) => l.startsWith("+ team"));
        assert.deepEqual(
            added.map((l) => l.slice(0, l.indexOf(" in folder"))),
            ['+ team sales-analysts · "orders-spike (Sales)"'],
            comment,
        );
        assert.match(
            added[0],
            /in folder "Athena \(sales-analysts\)" on "Sales": fires when \$B > 100000 for 15m \(no data: NoData, error: Error\) → contact point sales-oncall; SQL [0-9a-f]{8} "SELECT count\(\*\) AS n FROM orders/,
        );
        // The HR source's own rule, unchanged, is no line of the diff; in the plan it is routed to hr's
        // contact point.
        assert.ok(
            alertRuleLines(run.plan).some(
                (l) =>
                    l.startsWith('team hr · "no-customers (HR)" in folder "Athena (hr)"') &&
                    l.includes("→ contact point hr-oncall"),
            ),
        );
        assert.ok(!comment.includes('+ team hr · "orders-fresh (HR)"'), "an unchanged rule is not a change");
    });

    it("prints the rules in synth's summary", () => {
        const text = summary([run.plan]);
        assert.match(
            text,
            /\n-- Alert rules, per team\n   team hr · "no-customers \(HR\)" in folder "Athena \(hr\)"/,
        );
    });

    it("puts the rules of a workspace without teams in its folder, without a team label", async () => {
        const bare = await planWorkspace([plain], { set: { [wsKey("alerts")]: [FRESH] } });
        const [group, ...more] = byType(bare, RULE_GROUP);
        assert.equal(more.length, 0);
        const folder = byType(bare, FOLDER_TYPE).find((f) => f.inputs.title === "Athena")!;
        assert.equal(group.inputs.folderUid, folder.inputs.uid);
        assert.deepEqual(rulesOf(group)[0].labels, {});
    });

    it("creates no rule group without alerts", async () => {
        const none = await planWorkspace([plain], {});
        assert.equal(byType(none, RULE_GROUP).length, 0);
    });

    const refused = async (more: Record<string, unknown>, pattern: RegExp) => {
        const message = await refusal(WORKSPACE_DIR, workspaceVariant([sales, hr], set(more)));
        assert.match(message, pattern);
        assert.equal(message.split("\n").length, 1, message);
    };
    const alert = (a: Record<string, unknown>) => ({ [wsKey("alerts")]: [a] });

    it("refuses alert SQL that reads a table its source does not grant, in one line naming the key", async () => {
        await refused(
            alert({ ...SPIKE, sql: "SELECT count(*) FROM payroll" }),
            /^grafana-athena-workspace:alerts\[0\]: "orders-spike" on source stack "[^"]+sales" reads table payroll, which the source does not grant/,
        );
        await refused(
            alert({ ...FRESH, table: "payroll" }),
            /alerts\[0\]: "orders-fresh" on 2 source stacks \("[^"]+sales", "[^"]+hr"\) reads table "payroll"/,
        );
    });

    it("refuses a template variable in alert SQL: Grafana does not replace it in a rule", async () => {
        await refused(
            alert({ ...SPIKE, sql: "SELECT count(*) FROM orders WHERE region = '$region'" }),
            /alerts\[0\]: .*uses \$region, which Grafana does not replace in an alert rule/,
        );
    });

    it("refuses an alert whose team may not query its source", async () => {
        await refused(
            alert({ ...SPIKE, team: "hr" }),
            /alerts\[0\]: "orders-spike" on source stack .*sales" names the team "hr", which may not query the source/,
        );
    });

    it("refuses an alert of a source the stack does not chart, and a name the source's own alert has", async () => {
        await refused(
            alert({ ...SPIKE, source: "organization/grafana-athena-source/nowhere" }),
            /alerts\[0\]: "orders-spike" names the source stack .*nowhere", which this workspace stack does not chart \(it charts "organization\/grafana-athena-source\/(sales|hr)", "organization\/grafana-athena-source\/(sales|hr)"; "\*" names every source it charts\)$/m,
        );
        await refused(
            alert({ ...SPIKE, name: "no-customers", source: HR, sql: "SELECT 1" }),
            /alerts\[0\]: "no-customers" on source stack .*hr" has the name of source stack .*output "alerts"\[0\]/,
        );
    });

    it("refuses a plan of more rules than alertRuleQuota, naming the count", async () => {
        await refused(
            { [wsKey("alertRuleQuota")]: 3 },
            /^grafana-athena-workspace:alertRuleQuota: the stack plans 4 alert rules, more than alertRuleQuota 3/,
        );
    });

    it("refuses bad alert settings in one line naming the key, before anything is planned", async () => {
        const one = async (alerts: unknown, key: string, pattern: RegExp) => {
            const ps = await configProblems(
                WORKSPACE_DIR,
                workspaceVariant([sales], set({ [wsKey("alerts")]: alerts })),
            );
            assert.equal(ps.length, 1, ps.join("\n"));
            assert.ok(ps[0].startsWith(`grafana-athena-workspace:${key}: `), ps[0]);
            assert.match(ps[0], pattern);
        };
        await one(
            [{ ...SPIKE, kind: "cost" }],
            "alerts[0].kind",
            /cost alerts are not offered: .*Cost and Usage Report/,
        );
        await one([{ ...SPIKE, below: 3 }], "alerts[0].below", /one condition/);
        await one([{ ...SPIKE, above: undefined }], "alerts[0]", /needs a condition/);
        await one([{ ...SPIKE, for: "15 minutes" }], "alerts[0].for", /Grafana duration/);
        await one([{ ...SPIKE, for: "1m" }], "alerts[0].for", /at least 5m, the rules' evaluation interval/);
        await one([{ ...SPIKE, labels: { team: "hr" } }], "alerts[0].labels", /team routes the alert/);
        await one([SPIKE, SPIKE], "alerts[1].name", /twice/);
        await one([{ ...FRESH, maxAgeHours: 0 }], "alerts[0].maxAgeHours", /at least 1/);
        await one([{ ...FRESH, column: "Ordered At" }], "alerts[0].column", /column name/);
        await one([{ ...SPIKE, kind: "sql2" }], "alerts[0].kind", /must be sql\|freshness/);
        // A misspelt field is named, as everywhere else in the stack file.
        await one([{ ...SPIKE, colour: "red" }], "alerts[0].colour", /^[^,]*: is not a known setting/);
        const fresh = { ...FRESH, maxAgeHour: 6 } as Record<string, unknown>;
        delete fresh.maxAgeHours;
        const ps = await configProblems(
            WORKSPACE_DIR,
            workspaceVariant([sales], set({ [wsKey("alerts")]: [fresh] })),
        );
        assert.deepEqual(
            ps.map((p) => p.split(": ").slice(0, 2).join(": ")),
            [
                "grafana-athena-workspace:alerts[0].maxAgeHours: is required",
                "grafana-athena-workspace:alerts[0].maxAgeHour: is not a known setting " +
                    "(check the spelling against Pulumi.yaml)",
            ],
        );
        // Grafana runs a rule's labels and annotations as templates at every evaluation.
        const loop = "{{ range 1000000000 }}{{ range 1000000000 }}x{{ end }}{{ end }}";
        await one(
            [{ ...SPIKE, labels: { severity: loop } }],
            "alerts[0].labels.severity",
            /must not hold \{\{/,
        );
        await one([{ ...FRESH, name: `fresh ${loop}` }], "alerts[0].name", /must not hold \{\{/);
    });

    it("refuses a template in a source stack's alert, in its stack file and in its outputs", async () => {
        const ps = await configProblems(SOURCE_DIR, {
            set: {
                "aws:allowedAccountIds": ["222233334444"],
                "grafana-athena-source:alerts": [{ ...HR_OWN, labels: { owner: "{{ $labels.team }}" } }],
            },
        });
        assert.deepEqual(
            ps.map((p) => p.split(": must")[0]),
            ["grafana-athena-source:alerts[0].labels.owner"],
        );
        assert.throws(
            () =>
                checkPublicSourceOutputs(
                    "organization/grafana-athena-source/hr",
                    {
                        ...sourceOutputs("444455556666", { tables: ["customers"] }),
                        alerts: [{ ...HR_OWN, name: "x {{ range 9 }}{{ end }}" }],
                    },
                    "valid",
                ),
            /output "alerts\[0\]\.name" must not hold \{\{/,
        );
    });

    it("refuses a source stack's alert reading a table it does not grant, naming its key", async () => {
        const ps = await configProblems(SOURCE_DIR, {
            set: {
                "aws:allowedAccountIds": ["222233334444"],
                "grafana-athena-source:alerts": [{ ...HR_OWN, sql: "SELECT count(*) FROM payroll" }],
            },
        });
        assert.equal(ps.length, 1, ps.join("\n"));
        assert.match(
            ps[0],
            /^grafana-athena-source:alerts\[0\]\.sql: reads table payroll, which the source does not grant/,
        );
    });
});
