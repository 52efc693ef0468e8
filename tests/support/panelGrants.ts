/** A source's grant, and the tables a panel's SQL reads or reads beyond it, for the panel SQL tests. */
import { TableGrant, tablesReadBy, ungrantedReads } from "../../shared/grafana/sqlTables";

export const GRANT: TableGrant = {
    catalog: "AwsDataCatalog",
    database: "sales",
    tables: ["orders", "customers"],
};
export const reads = (sql: string) => tablesReadBy(sql).map((r) => r.written);
export const refused = (sql: string, grant = GRANT) => ungrantedReads(sql, grant);
