/**
 * The arguments of the package's AthenaWorkspace, as the SDK's analyzer reads them into the
 * schema: every field documented (the docs become the SDKs' docstrings), and each held equal to
 * the key's declaration in shared/config/ by a test.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A panel of the dashboards. */
export interface Panel {
    /** The panel type: one of barchart, gauge, stat, timeseries, table. */
    type: string;
    /** The panel's title (at most 200 characters). */
    title: string;
    /** The panel's Athena SQL; the plugin's macros (`$__timeFilter(col)`, ...) pass through. */
    sql: string;
    /**
     * The query format: timeSeries or table. Default timeSeries for a timeseries panel, table for the others.
     */
    format?: string;
    /** The unit of its values: one of Grafana's unit ids (bytes, percent, short, currencyUSD, ...). */
    unit?: string;
    /** Decimals shown (0-10). */
    decimals?: number;
    /** The lowest value of the axis or gauge. */
    min?: number;
    /** The highest value of the axis or gauge. */
    max?: number;
    /**
     * Threshold steps in ascending order; the first may leave out value (the colour below every threshold).
     */
    thresholds?: ThresholdStep[];
}

/** A threshold of a panel: from `value` on, `color`. */
export interface ThresholdStep {
    /** Where the colour starts; left out on the first step only. */
    value?: number;
    /** A colour of Grafana's palette (green, semi-dark-red, ...), text, transparent or #rrggbb. */
    color: string;
}

/** A dashboard variable (docs/panels.md). */
export interface Variable {
    /** The name panels use as $name. */
    name: string;
    /** query (Athena SQL's first column), custom (a list) or interval. */
    type: string;
    /** The label on the dashboard. */
    label?: string;
    /** A query variable's Athena SQL. */
    sql?: string;
    /** A custom variable's values, or an interval variable's intervals (default 1h, 6h, 1d, 7d). */
    values?: string[];
    /** Whether several values may be chosen at once (query and custom). */
    multi?: boolean;
    /** Whether the list offers All (query and custom). */
    includeAll?: boolean;
}

/** An alert rule over a source's Athena data (docs/alerting.md). */
export interface Alert {
    /** The alert's name. */
    name: string;
    /** A workspace's alert: its source stack, or "*" for every source; a source's own alert has none. */
    source?: string;
    /**
     * sql (your query and one condition) or freshness (the newest value of a column older than maxAgeHours).
     */
    kind: string;
    /** A sql alert's Athena SQL; the plugin's macros pass through, no variable. */
    sql?: string;
    /** A sql alert fires when the value is above this. */
    above?: number;
    /** A sql alert fires when the value is below this. */
    below?: number;
    /** A sql alert fires when the query returns no value. */
    noData?: boolean;
    /** A sql alert's query format: table (default) or timeSeries. */
    format?: string;
    /** The time range a sql alert's `$__timeFilter` covers, a Grafana duration. Default `1h`. */
    range?: string;
    /** A freshness alert's table. */
    table?: string;
    /** A freshness alert's time column. */
    column?: string;
    /** A freshness alert fires when the newest value of column is older than this many hours. */
    maxAgeHours?: number;
    /** How long the condition must hold before the alert fires, a Grafana duration. Default `0s`. */
    for?: string;
    /** Labels of the alert (not team, which routes it). */
    labels?: Record<string, string>;
    /** The team whose folder holds the rule; default the source's one team. */
    team?: string;
    /** The state when the query returns nothing: NoData, Alerting or OK. */
    noDataState?: string;
    /** The state when the query fails: Error, Alerting or OK. */
    execErrState?: string;
}

/** The sample dashboards' settings. */
export interface Dashboard {
    /**
     * The folder's title. Default `Athena`; a second stack on the same workspace needs a title of its own.
     */
    folder?: string;
    /** Minutes Athena may reuse a query's result (1-10080). Default 60. */
    resultReuseMinutes?: number;
    /** Panels that replace the sample panels on every source's dashboard and on the fleet dashboard. */
    panels?: Panel[];
    /** Variables of every dashboard with panels. */
    variables?: Variable[];
    /** Dashboard files: read by the programs only; the package refuses them. */
    files?: string[];
}

/**
 * The stack-output contract of a source (what `AthenaSourceAccess` outputs), for a source in the same
 * program.
 */
export interface SourceContract {
    /** The contract version (1). */
    contractVersion: pulumi.Input<number>;
    /** The data account (12 digits). */
    accountId: pulumi.Input<string>;
    /** The data account's Athena region. */
    region: pulumi.Input<string>;
    /** The role Grafana assumes. */
    roleArn: pulumi.Input<string>;
    /** The external ID the role's trust policy requires (kept secret). */
    externalId: pulumi.Input<string>;
    /** The Athena data catalog. */
    catalog: pulumi.Input<string>;
    /** The Glue/Athena database. */
    database: pulumi.Input<string>;
    /** The Athena workgroup. */
    workgroup: pulumi.Input<string>;
    /** Where Athena writes results, `s3://bucket/prefix/`; none with managed query results. */
    outputLocation?: pulumi.Input<string>;
    /** `managed` with Athena's managed query results; absent (or `bucket`) with a results bucket. */
    resultsMode?: pulumi.Input<string>;
    /** The source's human name. */
    label: pulumi.Input<string>;
    /** The tables the role may read, or `["*"]`. */
    tables?: pulumi.Input<string[]>;
    /** The source's own panels. */
    panels?: pulumi.Input<Panel[]>;
    /** The source's own dashboard variables. */
    variables?: pulumi.Input<Variable[]>;
    /** The source's own alert rules. */
    alerts?: pulumi.Input<Alert[]>;
    /** The source's own dashboard files, `{file, json}` with the JSON as text. */
    dashboardFiles?: pulumi.Input<SourceDashboardFile[]>;
    /** The Grafana teams that may use this source. */
    teams?: pulumi.Input<string[]>;
}

/** A dashboard file of a source stack, as its `dashboardFiles` output carries it. */
export interface SourceDashboardFile {
    /** The file's path, relative to the source stack file's folder. */
    file: string;
    /** The dashboard's JSON, as text. */
    json: string;
}

/** A Grafana team of the workspace. */
export interface Team {
    /** The team's name in Grafana, unique in the workspace. */
    name: string;
    /** The team exists already: looked up by name, never created, changed or deleted. Default false. */
    existing?: boolean;
    /**
     * Email addresses of the team's members (created teams only), the whole set; each user must have signed
     * in once. Default: members not managed.
     */
    members?: string[];
    /**
     * IAM Identity Center group IDs or SAML group names the team is synced from (created teams only).
     * Default: no team sync managed.
     */
    groups?: string[];
    /** The contact point (contactPoints) this team's alerts go to. */
    contactPoint?: string;
}

/** Where alerts go: an SNS topic, a Slack channel, PagerDuty or a webhook. */
export interface ContactPoint {
    /** The contact point's name in Grafana, unique in the workspace. */
    name: string;
    /** sns, slack, pagerduty or webhook. */
    type: string;
    /** sns: the topic ARN. */
    topicArn?: string;
    /** slack: the channel. */
    recipient?: string;
    /** webhook: the https URL. */
    url?: string;
}

/** One data account the workspace charts: a source stack, or a source of the same program. */
export interface Source {
    /**
     * The source stack, `<org>/grafana-athena-source/<stack>`, read through a stack reference. Give this, or
     * `key` and `contract`.
     */
    stack?: string;
    /**
     * A stable name of a source given by `contract` (it names the data source's uid and the children); unique
     * among the sources.
     */
    key?: string;
    /** The outputs of an `AthenaSourceAccess` in the same program. */
    contract?: SourceContract;
    /** The data source's name in Grafana. Default the source's label. */
    name?: string;
    /** This source's own panels on its dashboard, instead of `dashboard.panels`. */
    panels?: Panel[];
}

/** Who may reach a created workspace: managed prefix lists and VPC endpoints (at most 5 each). */
export interface NetworkAccess {
    /** Managed prefix list IDs (pl-...) whose addresses may reach the workspace. */
    prefixListIds?: string[];
    /** VPC endpoint IDs (vpce-...) through which the workspace may be reached. */
    vpceIds?: string[];
}

/** The Amazon Managed Grafana workspace the component creates, instead of naming one by workspaceId. */
export interface CreateWorkspace {
    /** The workspace's name: 1 to 255 letters, digits and -._~. */
    name: string;
    /** The Grafana version: "12.4" (the default) or "10.4". An upgrade is in place and one way. */
    grafanaVersion?: string;
    /** How users sign in: AWS_SSO (the default), SAML, or both. A change replaces the workspace. */
    authentication?: string[];
    /**
     * The name of the workspace's role, created with it (default GrafanaAthenaWorkspace): the role
     * every source trusts, arn:aws:iam::<this account>:role/<roleName>.
     */
    roleName?: string;
    /** IAM Identity Center group IDs whose users are the workspace's Grafana Admins. */
    admins?: string[];
    /** IAM Identity Center group IDs whose users are the workspace's Grafana Editors. */
    editors?: string[];
    /** Network access control; left out, the workspace may be reached from anywhere. */
    network?: NetworkAccess;
    /**
     * The ID of an existing workspace (g- and 10 hex characters) to take over instead of creating
     * one: imported, updated in place to these settings, left standing on destroy.
     */
    adopt?: string;
}

/** Arguments of `AthenaWorkspace`: the keys of the `grafana-athena-workspace` project. */
export interface AthenaWorkspaceArgs {
    /**
     * The Amazon Managed Grafana workspace ID, g- and 10 hex characters; or createWorkspace, not
     * both.
     */
    workspaceId?: string;
    /**
     * Create the workspace instead of naming one (exclusive with workspaceId): {name,
     * grafanaVersion ("12.4", the default, or "10.4"; an upgrade is in place and one way),
     * authentication ([AWS_SSO] by default, SAML, or both; a change would replace the workspace:
     * see docs/deploying.md), roleName (default GrafanaAthenaWorkspace: the role the sources
     * trust), admins and editors (IAM Identity Center group IDs), network ({prefixListIds,
     * vpceIds}), adopt (the ID of an existing workspace to take over instead: imported, updated in
     * place, never replaced, left standing on destroy)}. Plugin management and unified alerting
     * are on; the workspace's role may only assume the source roles. The workspace is protected:
     * no update replaces it and no destroy deletes it until it is unprotected on purpose.
     */
    createWorkspace?: CreateWorkspace;
    /** The data accounts to chart; at least one. */
    sources: Source[];
    /**
     * Days between Grafana token rotations (1-29). Tokens live 30 days, so a stack may sit untouched up to 30
     * days after its last rotation. Default `7`.
     */
    tokenRotationDays?: number;
    /** Use this Grafana URL (https://...) and grafanaAuth instead of minting a token. Both or neither. */
    grafanaUrl?: string;
    /** A Grafana API token for grafanaUrl, a secret (in a stack: pulumi config set --secret grafanaAuth). */
    grafanaAuth?: pulumi.Input<string>;
    /**
     * The dashboards: {folder (default "Athena"), resultReuseMinutes (default 60, 1-10080), panels
     * ([{type: barchart|gauge|stat|timeseries|table, title, sql, format?: table|timeSeries, unit?,
     * decimals?, min?, max?, thresholds?: [{value, color}]}], replacing the sample panels on the fleet
     * dashboard and on the dashboard of every source that has no panels of its own; each may read only
     * tables every source grants), variables ([{name, type: query, sql} | {name, type: custom, values} |
     * {name, type: interval, values?}], on every dashboard with panels, used as $name), files ([paths of
     * dashboards exported from Grafana for sharing externally, relative to the stack file's folder]: each
     * bound to every source's data source, its queries checked like panels')}.
     */
    dashboard?: Dashboard;
    /**
     * Check every data source like Grafana's "Save & test" during pulumi up (not during preview). Default
     * `true`.
     */
    verifyDataSources?: boolean;
    /** Organisation mode, with organizationId - the role name every source stack uses. */
    sourceRoleName?: string;
    /** Organisation mode, with sourceRoleName - the AWS Organizations ID (o-...) of the source accounts. */
    organizationId?: string;
    /**
     * The workspace's Grafana teams, [{name, existing?: true to look up a team that exists already (never
     * created or deleted, members not managed), members?: [email addresses of users who have signed in to the
     * workspace at least once], groups?: [IAM Identity Center group IDs or SAML group names, per the
     * workspace's authentication: Grafana's team sync adds their users as they sign in]}]. None (the
     * default): Grafana's defaults, every user may query every data source. Given: each data source may be
     * queried, and each dashboard viewed, by exactly the teams its source stacks name
     * (grafana-athena-source:teams), and by no role.
     */
    teams?: Team[];
    /**
     * Where alerts go, [{name, type: sns, topicArn} | {name, type: slack, recipient?} | {name, type:
     * pagerduty} | {name, type: webhook, url (https://, a path or none, no query)}]. SNS is published to
     * with the workspace role (the stack allows it sns:Publish on exactly these topics); the others'
     * secrets are in contactPointSecrets. A team's alerts go to its contactPoint (teams[].contactPoint).
     */
    contactPoints?: ContactPoint[];
    /**
     * The contact points' secrets by name, a secret: {"<name>": "<Slack webhook URL | PagerDuty integration
     * key | webhook bearer token>"} (pulumi config set --path --secret 'contactPointSecrets["<name>"]'
     * <value>).
     */
    contactPointSecrets?: pulumi.Input<Record<string, string>>;
    /**
     * Alert rules over the sources' Athena data, [{name, source: "org/grafana-athena-source/<stack>" or "*"
     * (every source this stack charts), kind: sql, sql, above?|below?|noData?: true, for?, range?, format?,
     * labels?, team?, noDataState?, execErrState?} | {name, source, kind: freshness, table, column,
     * maxAgeHours, ...}] (at most 100). One rule per alert and source, in the folder of its team (the alert's
     * team, else the source's one team; it must be one that may query the source), labelled team=<team> so
     * the team's contactPoint gets it. Each SQL may read only the tables its source grants. Source stacks add
     * their own (grafana-athena-source:alerts). docs/alerting.md.
     */
    alerts?: Alert[];
    /**
     * The most alert rules this stack may plan (its alerts and its sources' together): Amazon Managed
     * Grafana's quota of alert rules per workspace, 100 unless AWS raised it. Over it, the plan is refused
     * naming the count. Default
     * `100`.
     */
    alertRuleQuota?: number;
}
