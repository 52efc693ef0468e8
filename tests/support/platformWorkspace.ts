/**
 * The workspace a platform team runs, as the engine test deploys it and the plan diff test reviews
 * it: two source stacks, each owned by one team synced from an IAM Identity Center group; a
 * freshness alert and a cost alert on every source (the cost alert an SQL alert over the data
 * account's own Cost and Usage Report 2.0 export, docs/alerting.md) and an SQL alert on one, each
 * routed to its team's contact point
 * (SNS for one team, Slack with its webhook as a secret for the other); a `region` query variable
 * the workspace's panel uses; the exported dashboard of examples/dashboards bound to each source;
 * one source with a results bucket, the other with Athena's managed query results. One
 * definition, so what is deployed is what is reviewed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./repo";

const SALES = "organization/grafana-athena-source/sales";
/**
 * The table of each data account's own Cost and Usage Report 2.0 export (Data Exports' table
 * `COST_AND_USAGE_REPORT`, which a member account may export for its own costs), granted beside
 * the account's data.
 */
export const COST_TABLE = "cost_and_usage_report";
/** The tables each source grants. */
const TABLES = ["orders", "customers", COST_TABLE];
const SHOP = "organization/grafana-athena-source/shop";

/**
 * Each source stack: its data account, workgroup, role, query results, label and owning team. The
 * shop's workgroup keeps its results in Athena's managed query results: no results bucket. The
 * roles' names differ because the stand-in cloud names a role by its name alone (one IAM namespace
 * for every account); in AWS each account has its own.
 */
export const PLATFORM_SOURCES = [
    {
        stack: SALES,
        account: "222233334444",
        workgroup: "grafana",
        roleName: "GrafanaAthenaSales",
        results: { bucket: "grafana-athena-query-results-222233334444" },
        label: "Sales",
        team: "sales-analysts",
        tables: TABLES,
    },
    {
        stack: SHOP,
        account: "333344445555",
        workgroup: "shop",
        roleName: "GrafanaAthenaShop",
        results: { managed: true },
        label: "Shop",
        team: "shop-analysts",
        tables: TABLES,
    },
] as const;

/** IAM Identity Center group IDs, one per team. */
export const SALES_GROUP = "9a6731e4-1051-70a9-2f5b-5c3a1c1e0c11";
export const SHOP_GROUP = "c2f5e1a8-30b1-7011-84d2-6e1f0b7a9d42";

/** The contact points, by team. */
export const SALES_TOPIC = "arn:aws:sns:eu-west-1:111122223333:sales-alerts";
export const SHOP_WEBHOOK = "https://hooks.slack.com/services/T000/B000/platform-workspace-secret";

/** The exported dashboard every source gets, relative to the workspace stack file's folder. */
export const DASHBOARD_FILE = "dashboards/sales-overview.json";
export const DASHBOARD_EXPORT = fs.readFileSync(
    path.join(REPO, "examples", "dashboards", "sales-overview.json"),
    "utf8",
);

/** The workspace stack's own keys (without the project prefix), as a stack file holds them. */
export const PLATFORM_WORKSPACE = {
    teams: [
        { name: "sales-analysts", groups: [SALES_GROUP], contactPoint: "sales-oncall" },
        { name: "shop-analysts", groups: [SHOP_GROUP], contactPoint: "shop-slack" },
    ],
    contactPoints: [
        { name: "sales-oncall", type: "sns", topicArn: SALES_TOPIC },
        { name: "shop-slack", type: "slack", recipient: "#shop-alerts" },
    ],
    alerts: [
        {
            name: "orders-fresh",
            source: "*",
            kind: "freshness",
            table: "orders",
            column: "ordered_at",
            maxAgeHours: 6,
        },
        {
            // What Athena cost the data account in the last day, from its own CUR 2.0 export.
            name: "athena-spend",
            source: "*",
            kind: "sql",
            range: "24h",
            sql:
                `SELECT sum(line_item_unblended_cost) AS usd FROM ${COST_TABLE} ` +
                "WHERE line_item_product_code = 'AmazonAthena' AND $__timeFilter(line_item_usage_start_date)",
            above: 50,
        },
        {
            name: "orders-spike",
            source: SALES,
            kind: "sql",
            for: "15m",
            sql: "SELECT count(*) AS n FROM orders WHERE $__timeFilter(ordered_at)",
            above: 100000,
        },
    ],
    dashboard: {
        folder: "Athena",
        variables: [
            { name: "region", type: "query", sql: "SELECT DISTINCT region FROM orders", multi: true },
        ],
        panels: [
            {
                type: "stat",
                title: "Orders in the chosen regions",
                sql:
                    "SELECT count(*) AS orders FROM orders " +
                    "WHERE $__timeFilter(ordered_at) AND region IN (${region:sqlstring})",
            },
        ],
        files: [DASHBOARD_FILE],
    },
};

/** The secrets, set with `pulumi config set --secret`. */
export const PLATFORM_SECRETS = { contactPointSecrets: { "shop-slack": SHOP_WEBHOOK } };

/** The rule titles Grafana holds, by team folder title. */
export const PLATFORM_RULES: Record<string, string[]> = {
    "Athena (sales-analysts)": ["athena-spend (Sales)", "orders-fresh (Sales)", "orders-spike (Sales)"],
    "Athena (shop-analysts)": ["athena-spend (Shop)", "orders-fresh (Shop)"],
};
