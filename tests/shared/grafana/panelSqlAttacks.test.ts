/**
 * Panel SQL an attacker writes to read a relation the check does not see, each case read as
 * Trino's grammar (trinodb/trino SqlBase.g4) and the Athena plugin's macros read it. Every case
 * reads hr.salaries when Athena runs it; the check must say so, or refuse the text. Pure.
 */
import assert from "node:assert/strict";
import { TableGrant, ungrantedReads } from "../../../shared/grafana/sqlTables";
import { Refusal } from "../../../shared/refusal";

/** A grant of every table: only the database stands between a panel and another team's data. */
const EVERY_TABLE: TableGrant = { catalog: "AwsDataCatalog", database: "sales", tables: ["*"] };
const SOME_TABLES: TableGrant = { catalog: "AwsDataCatalog", database: "sales", tables: ["orders"] };

/** What the check says of `sql`: its problems, or its refusal; "" when it passes. */
function verdict(sql: string, grant: TableGrant = EVERY_TABLE): string {
    try {
        return ungrantedReads(sql, grant).join("; ");
    } catch (e) {
        assert.ok(e instanceof Refusal, String(e));
        return e.message;
    }
}
const SALARIES = /reads table (hr\.salaries|HR\.SALARIES) of the database hr/;

describe("panel SQL: relations hidden from a reader that is not Trino's", () => {
    it("a non-reserved word that names a clause (LIMIT, OFFSET, FETCH, WINDOW) is an alias in a FROM list", () => {
        // Trino's nonReserved rule lists LIMIT, OFFSET, FETCH and WINDOW: `orders limit` is `orders AS
        // limit`.
        for (const word of ["limit", "offset", "fetch", "window", "qualify"]) {
            const sql = `SELECT * FROM orders ${word}, hr.salaries`;
            assert.match(verdict(sql), SALARIES, sql);
        }
        // The clauses themselves still end the FROM list: a window's name is no table.
        for (const sql of [
            "SELECT * FROM orders WINDOW w AS (PARTITION BY a), w2 AS (ORDER BY b)",
            "SELECT * FROM orders ORDER BY 1 OFFSET 1 ROWS FETCH FIRST 5 ROWS ONLY",
            "SELECT * FROM orders LIMIT 10",
        ]) {
            assert.equal(verdict(sql, SOME_TABLES), "", sql);
        }
    });

    it('a quoted name is never a keyword: `"is" "distinct" FROM` is a column, an alias and a FROM', () => {
        for (const sql of [
            'SELECT "is" "distinct" FROM hr.salaries',
            'SELECT "not" "distinct" FROM hr.salaries',
            'SELECT x AS "is", y "not" "distinct" FROM hr.salaries',
        ]) {
            assert.match(verdict(sql), SALARIES, sql);
        }
        // IS [NOT] DISTINCT FROM still compares.
        assert.equal(verdict("SELECT * FROM orders WHERE a IS NOT DISTINCT FROM b", SOME_TABLES), "");
    });

    it("TABLE t inside the parenthesis of a FROM or a JOIN is a query, not a table named TABLE", () => {
        for (const sql of [
            "SELECT * FROM (TABLE hr.salaries)",
            "SELECT * FROM orders JOIN (TABLE hr.salaries) ON true",
            "SELECT * FROM orders, ((TABLE hr.salaries) UNION (TABLE orders))",
        ]) {
            assert.match(verdict(sql), SALARIES, sql);
        }
    });

    it("$__rawTimeFrom/$__rawTimeTo print the letters of their format that are no date field", () => {
        // toolbox.DateFormatToLayout replaces each pattern once (the first E becomes Mon, a weekday);
        // Go's time.Format prints the rest as written: `orders Tue CROSS JOIN HR.SALARIES`.
        for (const sql of [
            "SELECT * FROM orders $__rawTimeFrom(E CROSS JOIN HR.SALARIES)",
            "SELECT * FROM orders $__rawTimeTo(E CROSS JOIN HR.SALARIES)",
        ]) {
            assert.match(
                verdict(sql),
                /^uses the macro \$__rawTime(From|To), which takes a date format whose letters are date fields/,
                sql,
            );
        }
        // A format of date fields alone, or any format in quotes (a string literal), is a date.
        for (const sql of [
            "SELECT * FROM orders WHERE dt >= $__rawTimeFrom(yyyyMMdd)",
            "SELECT * FROM orders WHERE dt >= $__rawTimeFrom(yyyy-MM-dd HH:mm:ss)",
            "SELECT * FROM orders WHERE dt <= $__rawTimeTo('yyyy-MM-dd E CROSS JOIN HR.SALARIES')",
            "SELECT * FROM orders WHERE dt <= $__rawTimeTo()",
        ]) {
            assert.equal(verdict(sql, SOME_TABLES), "", sql);
        }
    });

    it("a time variable inside a name makes it another name: Grafana pastes its value there", () => {
        // `orders${__range_s}` is `orders3600` once Grafana has replaced the variable: not `orders`.
        for (const sql of [
            "SELECT * FROM orders${__range_s}",
            "SELECT * FROM orders[[__interval]]",
            "SELECT * FROM orders$__interval_ms",
            "SELECT * FROM sales$__interval.orders",
        ]) {
            assert.match(verdict(sql, SOME_TABLES), /a table named by a template variable/, sql);
        }
        for (const sql of ['SELECT * FROM "orders$__interval"', 'SELECT * FROM "orders${__to}"']) {
            assert.match(verdict(sql, SOME_TABLES), /a table named by a template variable/, sql);
        }
        // Not a variable of the dashboard: Grafana leaves it, and Trino reads a metadata table of orders.
        assert.equal(verdict('SELECT * FROM "orders$partitions"', SOME_TABLES), "");
        // Beside a name, not in it.
        assert.equal(
            verdict("SELECT * FROM orders WHERE ts > $__from AND n < ${__interval_ms}", SOME_TABLES),
            "",
        );
    });
});
