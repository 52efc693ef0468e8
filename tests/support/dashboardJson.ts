/**
 * What the dashboard tests share: a source, seven panels, a dashboard's panels and queries, the
 * grid's overlap check, and the words the default panels' SQL may use.
 */
import assert from "node:assert/strict";
import { GRID_COLUMNS, GridCell } from "../../shared/grafana/layout";
import type { PanelSpec } from "../../shared/grafana/panelSpec";
import { DashboardSource } from "../../shared/grafana/sourceDashboard";

export type Json = Record<string, any>;
export const SOURCE: DashboardSource = {
    key: "acme/grafana-athena-source/sales",
    label: "Sales (111122223333)",
    dataSourceUid: "athena-0123456789abcdef0123",
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales_db",
};
export const SEVEN_PANELS: PanelSpec[] = [
    { type: "barchart", title: "Orders per day", sql: "SELECT day, count(*) AS n FROM orders GROUP BY day" },
    { type: "gauge", title: "Refund rate", sql: "SELECT avg(refunded) FROM orders" },
    { type: "stat", title: "Orders", sql: "SELECT count(*) FROM orders" },
    { type: "stat", title: "Customers", sql: "SELECT count(DISTINCT customer) FROM orders" },
    {
        type: "barchart",
        title: "Orders per region",
        sql: "SELECT region, count(*) FROM orders GROUP BY region",
    },
    { type: "gauge", title: "Fill", sql: "SELECT 0.5" },
    { type: "stat", title: "Revenue", sql: "SELECT sum(amount) FROM orders" },
];
export function panelsOf(json: Json): Json[] {
    assert.ok(Array.isArray(json.panels), "dashboard has a panels array");
    return json.panels as Json[];
}
export function targetsOf(json: Json): Json[] {
    return panelsOf(json).flatMap((p) => p.targets as Json[]);
}
function overlaps(a: GridCell, b: GridCell): boolean {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
export function assertNoOverlap(cells: GridCell[]): void {
    for (const c of cells) {
        assert.ok(
            Number.isInteger(c.x) && Number.isInteger(c.y) && Number.isInteger(c.w) && Number.isInteger(c.h),
        );
        assert.ok(c.x >= 0 && c.y >= 0 && c.w > 0 && c.h > 0, `cell ${JSON.stringify(c)} is positive`);
        assert.ok(c.x + c.w <= GRID_COLUMNS, `cell ${JSON.stringify(c)} fits in ${GRID_COLUMNS} columns`);
    }
    for (let i = 0; i < cells.length; i++) {
        for (let j = i + 1; j < cells.length; j++) {
            assert.ok(
                !overlaps(cells[i], cells[j]),
                `cells ${i} ${JSON.stringify(cells[i])} and ${j} ${JSON.stringify(cells[j])} overlap`,
            );
        }
    }
}
// Words that may appear in the default SQL: SQL keywords and functions, information_schema's own
// tables and columns. Aliases the query itself introduces (`AS x`) are allowed as well.
export const SQL_WORDS = new Set([
    "select",
    "from",
    "where",
    "group",
    "by",
    "order",
    "desc",
    "asc",
    "limit",
    "as",
    "and",
    "count",
    "distinct",
]);
export const INFORMATION_SCHEMA_WORDS = new Set([
    "information_schema",
    "columns",
    "tables",
    "table_catalog",
    "table_schema",
    "table_name",
    "table_type",
    "column_name",
    "ordinal_position",
    "column_default",
    "is_nullable",
    "data_type",
    "comment",
    "extra_info",
]);
export function identifiersOutsideStrings(sql: string): string[] {
    const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, " ");
    return (withoutStrings.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase());
}
