/**
 * The pull-request comment over the workspace a platform team runs (tests/support/platformWorkspace.ts,
 * the one the engine test deploys): the real programs planned offline, two sources and the
 * workspace, as a reviewer reads them: every alert rule with its team, folder, data source and
 * contact point; where each contact point sends (the Slack webhook only as `[secret]`) and which
 * team each route takes; every dashboard variable with the SQL it runs; the exported dashboard once
 * per source; each team with its Identity Center group in the access table. A change to any of these
 * is a `-`/`+` pair; text from a stack file (a label, a group name) is inert in the comment.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Plan } from "../../../../tools/plan/format";
import { renderComment } from "../../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../../tools/ci/planDiff/stacks";
import { summary } from "../../../../tools/plan/synth";
import { assertInert } from "../../../support/inertMarkdown";
import {
    COST_TABLE,
    DASHBOARD_EXPORT,
    DASHBOARD_FILE,
    PLATFORM_SECRETS,
    PLATFORM_SOURCES,
    PLATFORM_WORKSPACE,
    SALES_GROUP,
    SALES_TOPIC,
    SHOP_GROUP,
    SHOP_WEBHOOK,
} from "../../../support/platformWorkspace";
import { plan } from "../../../support/program";
import { RepositoryCopy, copyRepository } from "../../../support/repository";
import { planSource, workspaceVariant, wsKey } from "../../../support/workspaceSources";

type Workspace = typeof PLATFORM_WORKSPACE;

/** The lines of the comment's ```diff block under the heading starting `title`. */
function section(md: string, title: string): string[] {
    const at = md.indexOf(`#### ${title}`);
    assert.ok(at >= 0, `no section "${title}" in:\n${md}`);
    const block = /```diff\n([\s\S]*?)\n```/.exec(md.slice(at))!;
    return block[1].split("\n");
}

describe("planDiff: the comment over a platform team's workspace", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;

    /** The three plans (two sources, the workspace), with the sources' labels and the workspace changed. */
    async function plans(
        change: { labels?: Record<string, string>; workspace?: (w: Workspace) => Workspace } = {},
    ): Promise<Record<string, Plan>> {
        const sources = await Promise.all(
            PLATFORM_SOURCES.map((s) =>
                planSource({
                    stack: s.stack,
                    account: s.account,
                    workgroup: s.workgroup,
                    roleName: s.roleName,
                    results: s.results,
                    label: change.labels?.[s.label] ?? s.label,
                    teams: [s.team],
                    tables: s.tables,
                }),
            ),
        );
        const w = (change.workspace ?? ((x) => x))(structuredClone(PLATFORM_WORKSPACE));
        const set: Record<string, unknown> = {};
        for (const [k, v] of Object.entries({ ...w, ...PLATFORM_SECRETS })) set[wsKey(k)] = v;
        const workspace = await plan(
            repo.workspaceDir,
            workspaceVariant(sources, { set, secretKeys: [wsKey("contactPointSecrets")] }),
        );
        return {
            "infra-account-b.sales.json": sources[0].run.plan,
            "infra-account-b.shop.json": sources[1].run.plan,
            "infra-account-a.grafana.json": workspace.plan,
        };
    }
    let head: Record<string, Plan>;
    let md: string;

    before(async () => {
        repo = copyRepository();
        fs.mkdirSync(path.join(repo.workspaceDir, path.dirname(DASHBOARD_FILE)), { recursive: true });
        fs.writeFileSync(path.join(repo.workspaceDir, DASHBOARD_FILE), DASHBOARD_EXPORT);
        head = await plans();
        md = renderComment(diffPlanSets({}, head), { maxLength: Infinity });
    });
    after(() => repo.remove());

    it("shows each alert rule with its team, folder, data source and contact point: a freshness and a cost alert per source", () => {
        const rules = section(md, "Alert rules");
        const heads = rules.map((l) => l.slice(0, l.indexOf(": fires when")));
        assert.deepEqual(heads, [
            '+ team sales-analysts · "athena-spend (Sales)" in folder "Athena (sales-analysts)" on "Sales"',
            '+ team sales-analysts · "orders-fresh (Sales)" in folder "Athena (sales-analysts)" on "Sales"',
            '+ team sales-analysts · "orders-spike (Sales)" in folder "Athena (sales-analysts)" on "Sales"',
            '+ team shop-analysts · "athena-spend (Shop)" in folder "Athena (shop-analysts)" on "Shop"',
            '+ team shop-analysts · "orders-fresh (Shop)" in folder "Athena (shop-analysts)" on "Shop"',
        ]);
        for (const [i, contactPoint] of [
            [0, "sales-oncall"],
            [3, "shop-slack"],
        ] as const) {
            assert.match(
                rules[i],
                new RegExp(
                    `\\$B > 50 .*→ contact point ${contactPoint}; SQL [0-9a-f]{8} ` +
                        `"SELECT sum\\(line_item_unblended_cost\\) AS usd FROM ${COST_TABLE} `,
                ),
            );
        }
        assert.match(rules[1], /→ contact point sales-oncall; /);
        assert.match(
            rules[2],
            /\$B > 100000 for 15m .*→ contact point sales-oncall; SQL [0-9a-f]{8} "SELECT count/,
        );
        assert.match(rules[4], /→ contact point shop-slack; /);
    });

    it("shows where each contact point sends, the Slack webhook as [secret], and each team's route", () => {
        assert.deepEqual(section(md, "Where alerts go"), [
            '+ alerts matching no route → contact point "grafana-default-email"',
            '+ alerts with team="sales-analysts" → contact point "sales-oncall"',
            '+ alerts with team="shop-analysts" → contact point "shop-slack"',
            `+ contact point "sales-oncall" → SNS topic "${SALES_TOPIC}" (the workspace role)`,
            '+ contact point "shop-slack" → Slack "#shop-alerts" through "[secret]"',
        ]);
        assert.ok(!md.includes(SHOP_WEBHOOK), "the webhook is in the comment");
        assert.ok(!JSON.stringify(head).includes(SHOP_WEBHOOK), "the webhook is in a plan");
    });

    it("shows every dashboard variable with the SQL it runs and where, and which sources each fleet dashboard offers", () => {
        const vars = section(md, "Dashboard variables");
        const sql = (on: string, text: string) => new RegExp(`^on "${on}": SQL [0-9a-f]{8} "${text}"$`);
        const of = (dashboard: string, name: string) =>
            vars
                .filter((l) => l.startsWith(`+ "${dashboard}": $${name} `))
                .map((l) => l.slice(`+ "${dashboard}": $${name} `.length));
        for (const s of PLATFORM_SOURCES) {
            // The workspace's variable on the source's dashboard, and the exported file's own.
            const [own] = of(s.label, "region");
            assert.match(own, /^\(query\) /);
            assert.match(own.slice("(query) ".length), sql(s.label, "SELECT DISTINCT region FROM orders"));
            const [file] = of(`Sales overview (${s.label})`, "region");
            assert.match(
                file.slice("(query) ".length),
                sql(s.label, "SELECT DISTINCT region FROM orders ORDER BY 1"),
            );
            assert.deepEqual(of(`Athena fleet: ${s.team}`, "source"), [
                `(datasource) data sources of "grafana-athena-datasource" matching "/^(?:${s.label})$/"`,
            ]);
        }
        assert.deepEqual(of("Athena fleet", "source"), [
            '(datasource) data sources of "grafana-athena-datasource" matching "/^(?:Sales|Shop)$/"',
        ]);
    });

    it("plans the source with managed query results without a results bucket or an output location", () => {
        for (const [file, s] of [
            ["infra-account-b.sales.json", PLATFORM_SOURCES[0]],
            ["infra-account-b.shop.json", PLATFORM_SOURCES[1]],
        ] as const) {
            const managed = "managed" in s.results;
            const buckets = head[file].resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
            assert.equal(buckets.length, managed ? 0 : 1, file);
            const [workgroup] = head[file].resources.filter(
                (r) => r.type === "aws:athena/workgroup:Workgroup",
            );
            const config = workgroup.inputs.configuration as Record<string, unknown>;
            assert.equal("managedQueryResultsConfiguration" in config, managed, file);
            assert.equal("resultConfiguration" in config, !managed, file);
        }
        const jsonData = (name: string) =>
            JSON.parse(
                String(
                    head["infra-account-a.grafana.json"].resources.find(
                        (r) => r.type === "grafana:oss/dataSource:DataSource" && r.inputs.name === name,
                    )!.inputs.jsonDataEncoded,
                ),
            ) as Record<string, unknown>;
        assert.match(
            String(jsonData("Sales").outputLocation),
            /^s3:\/\/grafana-athena-query-results-222233334444\//,
        );
        assert.equal(jsonData("Shop").outputLocation, undefined);
    });

    it("prints the same facts in npm run synth's summary of the workspace plan", () => {
        const text = summary([head["infra-account-a.grafana.json"]]);
        assert.match(
            text,
            /\n-- Where alerts go\n {3}alerts matching no route → contact point "grafana-default-email"\n/,
        );
        assert.match(text, /\n {3}contact point "shop-slack" → Slack "#shop-alerts" through "\[secret\]"\n/);
        assert.match(
            text,
            /\n-- Dashboard variables\n {3}"Athena fleet": \$region \(query\) on "\$\{source\}": SQL /,
        );
        assert.ok(!text.includes(SHOP_WEBHOOK));
    });

    it("shows the exported dashboard once per source, and each team with its Identity Center group", () => {
        for (const s of PLATFORM_SOURCES)
            assert.match(md, new RegExp(`^##### ➕ dashboard \`Sales overview \\(${s.label}\\)\``, "m"));
        const access = section(md, "Grafana access");
        assert.ok(
            access.includes(`+ team sales-analysts (groups ${SALES_GROUP}) may query "Sales"`),
            access.join("\n"),
        );
        assert.ok(
            access.includes(`+ team shop-analysts (groups ${SHOP_GROUP}) may query "Shop"`),
            access.join("\n"),
        );
        assert.ok(
            access.includes(`+ team shop-analysts (groups ${SHOP_GROUP}) may view "Sales overview (Shop)"`),
            access.join("\n"),
        );
        assert.ok(!access.some((l) => /team shop-analysts.*"Sales"$/.test(l)), "shop may not query Sales");
    });

    it("shows a change of topic, route, variable SQL or group as the lines it changes", async () => {
        const changed = await plans({
            workspace: (w) => ({
                ...w,
                contactPoints: [
                    { name: "sales-oncall", type: "sns", topicArn: `${SALES_TOPIC}-v2` },
                    w.contactPoints[1],
                ],
                teams: [w.teams[0], { ...w.teams[1], groups: [SHOP_GROUP, "shop-leads"] }],
                dashboard: {
                    ...w.dashboard,
                    variables: [
                        { ...w.dashboard.variables[0], sql: "SELECT DISTINCT region FROM customers" },
                    ],
                },
            }),
        });
        const diff = renderComment(diffPlanSets(head, changed), { maxLength: Infinity });
        assert.deepEqual(section(diff, "Where alerts go"), [
            `- contact point "sales-oncall" → SNS topic "${SALES_TOPIC}" (the workspace role)`,
            `+ contact point "sales-oncall" → SNS topic "${SALES_TOPIC}-v2" (the workspace role)`,
        ]);
        const vars = section(diff, "Dashboard variables");
        assert.ok(
            vars.some((l) => /^- "Sales": \$region \(query\) .*FROM orders"$/.test(l)),
            vars.join("\n"),
        );
        assert.ok(
            vars.some((l) => /^\+ "Sales": \$region \(query\) .*FROM customers"$/.test(l)),
            vars.join("\n"),
        );
        assert.ok(
            section(diff, "Grafana access").includes(
                `+ team shop-analysts (groups ${SHOP_GROUP}, shop-leads) may query "Shop"`,
            ),
        );
        assert.doesNotMatch(diff, /#### Alert rules/, "no rule changed");
    });

    it("keeps a hostile source label and group name inert", async () => {
        const evil = "<img src=x onerror=alert(1)> @octocat [x](https://evil.example)";
        const hostile = await plans({
            labels: { Shop: `Shop ${evil}` },
            workspace: (w) => ({ ...w, teams: [w.teams[0], { ...w.teams[1], groups: [`CN=${evil}`] }] }),
        });
        const comment = renderComment(diffPlanSets({}, hostile), { maxLength: Infinity });
        assert.ok(comment.includes("onerror"), "the hostile text is not in the comment at all");
        assertInert(comment, "platform workspace");
    });
});
