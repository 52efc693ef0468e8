/**
 * The Athena data source as Grafana stores it (grafana/athena-datasource `src/types.ts`; the facts
 * this code relies on are in docs/facts.md). Pure: the component turns this into a
 * `grafana.oss.DataSource`.
 */
import { createHash } from "crypto";

/** The Athena plugin's id: the data source `type`, and the `type` of every panel's datasource ref. */
export const ATHENA_PLUGIN_ID = "grafana-athena-datasource";

/**
 * The plugin versions this program supports: 3.x, which needs Grafana >= 10.4 (every 3.x release
 * of grafana/athena-datasource declares `grafanaDependency` ">=10.4.0"). A workspace without the
 * plugin, with another major version, or below the floor of pluginVersion.ts (3.1.6: the
 * external ID of `ec2_iam_role`), gets `ATHENA_PLUGIN_VERSION`.
 */
export const ATHENA_PLUGIN_MAJOR = 3;
export const ATHENA_PLUGIN_VERSION = "3.3.3";

/** What a data source needs from its source's contract. */
interface AthenaConnection {
    roleArn: string;
    region: string;
    catalog: string;
    database: string;
    workgroup: string;
    /** None with Athena's managed query results. */
    outputLocation?: string;
}

/**
 * The data source's `jsonData`: AMG's "Workspace IAM Role" (`ec2_iam_role`) assuming the source's
 * role with its external ID, and the source's catalog, database, workgroup and results location as
 * defaults. The external ID makes the whole value a secret wherever it goes.
 *
 * Without an output location (managed query results) the key is left out: the plugin sets a
 * query's `ResultConfiguration` only when its `OutputLocation` is not empty
 * (grafana/athena-datasource pkg/athena/api/api.go, `Execute`), and Athena refuses one in a
 * workgroup with managed query results.
 */
export function athenaJsonData(connection: AthenaConnection, externalId: string): string {
    return JSON.stringify({
        authType: "ec2_iam_role",
        assumeRoleArn: connection.roleArn,
        externalId,
        defaultRegion: connection.region,
        catalog: connection.catalog,
        database: connection.database,
        workgroup: connection.workgroup,
        ...(connection.outputLocation !== undefined ? { outputLocation: connection.outputLocation } : {}),
    });
}

/** Changes whenever the data source's uid or settings change: the health check re-runs then. */
export function dataSourceFingerprint(uid: string, jsonData: string): string {
    return createHash("sha256").update(`${uid}\n${jsonData}`).digest("hex");
}
