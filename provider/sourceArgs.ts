/**
 * The arguments of the package's AthenaSourceAccess, as the SDK's analyzer reads them into the
 * schema: every field documented (the docs become the SDKs' docstrings), and each held equal to
 * the key's declaration in shared/config/ by a test.
 */
import type { Alert, Panel, Variable } from "./workspaceArgs";

/** The Athena workgroup Grafana queries through. */
export interface Workgroup {
    /** The workgroup's name (1-128 letters, digits, `.`, `_`, `-`). */
    name: string;
    /** Create the workgroup (default true), or tag an existing one and never own it (false). */
    create?: boolean;
    /**
     * Bytes one query may scan before Athena cancels it. Default 10737418240 (10 GiB); at least 10485760 (10
     * MiB).
     */
    bytesScannedCutoffPerQuery?: number;
}

/**
 * Where Athena writes query results, the only place the role may write: a bucket (`bucket`, with
 * `prefix`, `create`, `expirationDays`), or Athena's managed query results (`managed: true`, with
 * `kmsKeyArn`), never both.
 */
export interface ResultsLocation {
    /** The results bucket's name (required unless `managed`). */
    bucket?: string;
    /** The key prefix of the results. Default `grafana/`; required in an existing bucket. */
    prefix?: string;
    /** Create a private, encrypted, TLS-only bucket (default true), or use an existing one (false). */
    create?: boolean;
    /** Days before query results expire (1-3650). Default 7. */
    expirationDays?: number;
    /** Athena's managed query results: no results bucket, results kept 24 hours by Athena. */
    managed?: boolean;
    /**
     * With `managed`: the KMS key (of this account and region) that encrypts them. Default an AWS owned key.
     */
    kmsKeyArn?: string;
}

/** Arguments of `AthenaSourceAccess`: the keys of the `grafana-athena-source` project, and its region. */
export interface AthenaSourceAccessArgs {
    /**
     * The data account's region (the AWS provider's region): where the workgroup, the bucket and Athena's
     * queries live.
     */
    region: string;
    /** The Grafana account (12 digits) that hosts the Amazon Managed Grafana workspace. */
    grafanaAccountId: string;
    /**
     * The workspace's IAM role ARN (AMG console, workspace details, "IAM role"); must belong to
     * grafanaAccountId. Only this role may assume the source role.
     */
    grafanaRoleArn: string;
    /** The Glue/Athena database Grafana may read (lowercase letters, digits, underscores). */
    database: string;
    /** Tables of the database Grafana may read; ["*"] grants every table of the database. */
    tables: string[];
    /** The Athena data catalog that holds the database. Default `AwsDataCatalog`. */
    catalog?: string;
    /** The S3 locations s3://bucket[/prefix] the tables read; granted read-only. */
    dataLocations: string[];
    /**
     * The Athena workgroup: {name (required), create (default true: create it; false: tag an existing one and
     * never own it), bytesScannedCutoffPerQuery (default 10737418240 = 10 GiB, minimum 10485760 = 10 MiB)}.
     */
    workgroup: Workgroup;
    /**
     * Where Athena writes query results: {bucket (required), prefix (default "grafana/"), create (default
     * true: create a private, encrypted bucket; false: use an existing bucket), expirationDays (default
     * 7)}, or {managed: true, kmsKeyArn (optional)}: Athena's managed query results, kept 24 hours by
     * Athena, no results bucket and no S3 write for the role, encrypted with kmsKeyArn (a key of this
     * account and region) if given, else with an AWS owned key.
     */
    results: ResultsLocation;
    /**
     * KMS key ARNs that encrypt the data or the results; the role may Decrypt and GenerateDataKey with them,
     * through S3 only. The first one also encrypts query results.
     */
    kmsKeyArns?: string[];
    /**
     * The KMS key that encrypts the Glue Data Catalog's metadata, when the catalog is encrypted; the role may
     * decrypt with it through Glue only.
     */
    catalogKmsKeyArn?: string;
    /** The tables are governed by Lake Formation (grants lakeformation:GetDataAccess). Default `false`. */
    lakeFormation?: boolean;
    /**
     * Name of the role Grafana assumes (the same in every data account for organisation mode). Default
     * `AmazonManagedGrafana-CrossAccountAthena`.
     */
    roleName?: string;
    /**
     * The name of a customer-managed policy of this account that bounds the role (its permissions boundary),
     * such as grafana-athena-ci-boundary where the bootstrap made the account's CI roles: their deploy role
     * may create the role only with it. Empty (the default): none.
     */
    permissionsBoundary?: string;
    /** A human name for this source in Grafana; default "<workgroup> (<account ID>)". */
    label?: string;
    /**
     * The Grafana teams that may query this source and view its dashboards, by name; each must be one the
     * workspace stack defines (grafana-athena-workspace:teams). None (the default): on a workspace that
     * defines teams, only Grafana admins may use this source.
     */
    teams?: string[];
    /**
     * This source's own panels, [{type, title, sql, format?}] (type barchart, gauge, stat, timeseries or
     * table; format timeSeries or table; at most 50): every workspace stack that charts this source shows
     * them on the source's dashboard, in place of its dashboard.panels or the sample panels, unless it lists
     * this source with panels of its own (sources[].panels). Each panel's SQL may read only the tables listed
     * in tables (docs/panels.md). Empty (the default): the workspace's panels.
     */
    panels?: Panel[];
    /**
     * This source's own dashboard variables, [{name, type: query, sql} | {name, type: custom, values} |
     * {name, type: interval, values?}] (each with label?; query and custom with multi? and includeAll?; at
     * most 20): on this source's dashboard in every workspace stack that charts it, beside the workspace's
     * dashboard.variables (this source's win on a name both give); its panels use them as $name. A query
     * variable's SQL may read only the tables listed in tables (docs/panels.md).
     */
    variables?: Variable[];
    /**
     * This source's own alert rules, [{name, kind: sql, sql, above?|below?|noData?: true, for?, range?,
     * format?, labels?, team?, noDataState?, execErrState?} | {name, kind: freshness, table, column,
     * maxAgeHours, for?, labels?, team?}] (at most 100): every workspace stack that charts this source
     * creates them in the folder of the alert's team (one of teams; default the source's one team), routed to
     * that team's contact point. Each SQL may read only the tables
     * listed in tables (docs/alerting.md). Empty (the default): none.
     */
    alerts?: Alert[];
    /**
     * This source's own dashboards exported from Grafana ("Export for sharing externally"), by path relative
     * to the stack file's folder (at most 10, each a .json file of at most 1 MiB, 2 MiB in all): every
     * workspace stack that charts this source shows each, bound to this source's data source only, beside
     * the source's dashboard and with its grants. Every query may read only the tables listed in tables
     * (docs/panels.md). Empty (the default): none.
     */
    dashboardFiles?: string[];
    /**
     * Tags for every resource the component creates. Default `ManagedBy=pulumi`, `Component=grafana-athena`.
     */
    tags?: Record<string, string>;
}
