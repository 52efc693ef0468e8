/**
 * Settings of a source (data account) stack: the `grafana-athena-source` project, and the
 * `source` object of the root project. One schema, so both get the same rules and messages.
 */
import { z } from "zod";
import { accountOfArn } from "../naming";
import { partitionOf, partitionOfArn } from "../partition";
import { panelGrantProblems, variableGrantProblems } from "../grafana/panels";
import { NO_VARIABLES } from "../grafana/sqlMacros";
import { variableList, variableNames } from "./variables";
import { sourceAlertList } from "./alerts";
import { alertSqlProblems } from "../grafana/alertPlan";
import { sourcePanelList } from "./panels";
import { dashboardFileList } from "./dashboardFiles";
import { declareKeys, kindsOf, shapeOf } from "./declare";
import * as r from "./rules";
import { resultsChecks, resultsSettings } from "./results";

export {
    BucketResultsSettings,
    ResultsSettings,
    bucketResultsSettings,
    isManagedResults,
    managedResultsSettings,
    policyResults,
} from "./results";

export const SOURCE_NAMESPACE = "grafana-athena-source";

export const DEFAULT_ROLE_NAME = "AmazonManagedGrafana-CrossAccountAthena";
const DEFAULT_CATALOG = "AwsDataCatalog";
/** 10 GiB: the default per-query cost guard. */
const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** Athena's minimum for `bytesScannedCutoffPerQuery`: 10 MiB. */
const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 2;

export const workgroupSettings = z
    .object(
        {
            name: r.workgroupName,
            create: r.bool("create the workgroup, or tag an existing one").default(true),
            bytesScannedCutoffPerQuery: r
                .integer(
                    "bytes a query may scan before Athena cancels it",
                    MIN_BYTES_SCANNED_CUTOFF,
                    Number.MAX_SAFE_INTEGER,
                )
                .default(DEFAULT_BYTES_SCANNED_CUTOFF),
        },
        { error: r.objectOf("{name, create?, bytesScannedCutoffPerQuery?}") },
    )
    .strict()
    .superRefine((w, ctx) => {
        // Every account has a primary workgroup: creating one of that name always fails.
        if (w.create === true && w.name === "primary") {
            ctx.addIssue({
                code: "custom",
                path: ["create"],
                message:
                    'must be false for the workgroup "primary", which exists in every account: ' +
                    "adopt it (create: false) or name a workgroup of its own",
            });
        }
    }, r.onAnyObject);

/** The tables of the database Grafana may read: names, or `["*"]` for every one. */
export const tableGrant = z
    .array(
        z.union([z.literal("*"), r.tableName], {
            error: (i) =>
                `must be a Glue table name of lowercase letters, digits and ` +
                `underscores, or "*", got ${r.describe(i.input)}`,
        }),
        {
            error: (i) =>
                i.input === undefined
                    ? 'is required: a list of table names, or ["*"] for every table'
                    : `must be a list of table names, got ${r.describe(i.input)}`,
        },
    )
    .min(1, { error: 'must list at least one table (or ["*"] for every table of the database)' })
    .refine((ts) => !ts.includes("*") || ts.length === 1, {
        error: '"*" means every table: give it alone, not with table names',
    })
    .refine((ts) => new Set(ts).size === ts.length, { error: "lists a table twice" });

/**
 * Every key of the source project, declared once (shared/config/declare.ts): `Pulumi.yaml`, the
 * zod shape, how the stack file holds each, docs/config/ and the package's argument docs follow.
 */
export const SOURCE_KEYS = declareKeys({
    grafanaAccountId: {
        type: "string",
        description: "The Grafana account (12 digits) that hosts the Amazon Managed Grafana workspace.",
        rule: r.accountId,
    },
    grafanaRoleArn: {
        type: "string",
        description:
            'The workspace\'s IAM role ARN (AMG console, workspace details, "IAM role"); must belong ' +
            "to grafanaAccountId. Only this role may assume the source role.",
        rule: r.grafanaRoleArn,
    },
    database: {
        type: "string",
        description: "The Glue/Athena database Grafana may read (lowercase letters, digits, underscores).",
        rule: r.databaseName,
    },
    tables: {
        type: "array",
        items: "string",
        description: 'Tables of the database Grafana may read; ["*"] grants every table of the database.',
        rule: tableGrant,
    },
    catalog: {
        type: "string",
        default: DEFAULT_CATALOG,
        description: "The Athena data catalog that holds the database.",
        rule: r.catalogName,
    },
    dataLocations: {
        type: "array",
        items: "string",
        description: "The S3 locations s3://bucket[/prefix] the tables read; granted read-only.",
        rule: z
            .array(r.s3Location, {
                error: (i) =>
                    i.input === undefined
                        ? "is required: the S3 locations s3://bucket[/prefix] the tables read"
                        : `must be a list of s3://bucket[/prefix], got ${r.describe(i.input)}`,
            })
            .min(1, { error: "must list at least one S3 location s3://bucket[/prefix] the tables read" }),
    },
    workgroup: {
        type: "object",
        description:
            "The Athena workgroup: {name (required), create (default true: create " +
            "it; false: tag an existing one and never own it), " +
            "bytesScannedCutoffPerQuery (default 10737418240 = 10 GiB, minimum 10485760 = 10 MiB)}.",
        rule: workgroupSettings,
    },
    results: {
        type: "object",
        description:
            "Where Athena writes query results: {bucket (required), prefix (default " +
            '"grafana/"), create (default true: create a private, ' +
            "encrypted bucket; false: use an existing bucket), expirationDays " +
            "(default 7)}, or {managed: true, kmsKeyArn (optional)}: " +
            "Athena's managed query results, kept 24 hours by Athena, no results " +
            "bucket and no S3 write for the role, encrypted with " +
            "kmsKeyArn (a key of this account and region) if given, else with an AWS owned key.",
        rule: resultsSettings,
    },
    kmsKeyArns: {
        type: "array",
        items: "string",
        default: [],
        description:
            "KMS key ARNs that encrypt the data or the results; the role may Decrypt " +
            "and GenerateDataKey with them, through S3 only. The first one also encrypts query results.",
        rule: z.array(r.kmsKeyArn, {
            error: (i) => `must be a list of KMS key ARNs, got ${r.describe(i.input)}`,
        }),
    },
    catalogKmsKeyArn: {
        type: "string",
        optional: true,
        description:
            "The KMS key that encrypts the Glue Data Catalog's metadata, when the catalog is " +
            "encrypted; the role may decrypt with it through Glue only.",
        rule: r.kmsKeyArn,
    },
    lakeFormation: {
        type: "boolean",
        default: false,
        description: "The tables are governed by Lake Formation (grants lakeformation:GetDataAccess).",
        rule: r.bool("the tables are governed by Lake Formation"),
    },
    roleName: {
        type: "string",
        default: DEFAULT_ROLE_NAME,
        description:
            "Name of the role Grafana assumes (the same in every data account for organisation mode).",
        rule: r.assumableRoleName,
    },
    permissionsBoundary: {
        type: "string",
        optional: true,
        description:
            "The name of a customer-managed policy of this account that bounds " +
            "the role (its permissions boundary), such as " +
            "grafana-athena-ci-boundary where the bootstrap made the account's CI " +
            "roles: their deploy role may create the role only with it. Empty (the default): none.",
        rule: r.iamPolicyName,
    },
    label: {
        type: "string",
        optional: true,
        description: 'A human name for this source in Grafana; default "<workgroup> (<account ID>)".',
        rule: r.label,
    },
    panels: {
        type: "array",
        items: "object",
        default: [],
        description:
            "This source's own panels, [{type, title, sql, format?}] (type " +
            "barchart, gauge, stat, timeseries or table; format " +
            "timeSeries or table; at most 50): every workspace stack that charts " +
            "this source shows them on the source's dashboard, " +
            "in place of its dashboard.panels or the sample panels, unless it " +
            "lists this source with panels of its own " +
            "(sources[].panels). Each panel's SQL may read only the tables listed " +
            "in tables (docs/panels.md). Empty (the default): the workspace's panels.",
        rule: sourcePanelList,
    },
    variables: {
        type: "array",
        items: "object",
        default: [],
        description:
            "This source's own dashboard variables, [{name, type: query, sql} | " +
            "{name, type: custom, values} | {name, type: interval, " +
            "values?}] (each with label?; query and custom with multi? and " +
            "includeAll?; at most 20): on this source's dashboard in " +
            "every workspace stack that charts it, beside the workspace's " +
            "dashboard.variables (this source's win on a name both " +
            "give); its panels use them as $name. A query variable's SQL may read " +
            "only the tables listed in tables (docs/panels.md).",
        rule: variableList,
    },
    dashboardFiles: {
        type: "array",
        items: "string",
        default: [],
        description:
            "This source's own dashboards exported from Grafana (\"Export for sharing " +
            "externally\"), by path relative to the stack file's folder (at most 10, each a " +
            ".json file of at most 1 MiB, 2 MiB in all): every workspace stack that charts this " +
            "source shows each, bound to this source's data source only, beside the source's " +
            "dashboard and with its grants. Every query may read only the tables listed in " +
            "tables (docs/panels.md). Empty (the default): none.",
        rule: dashboardFileList,
    },
    alerts: {
        type: "array",
        items: "object",
        default: [],
        description:
            "This source's own alert rules, [{name, kind: sql, sql, " +
            "above?|below?|noData?: true, for?, range?, format?, labels?, team?, " +
            "noDataState?, execErrState?} | {name, kind: freshness, table, column, " +
            "maxAgeHours, for?, labels?, team?}] (at most 100): " +
            "every workspace stack that charts this source creates them in the " +
            "folder of the alert's team (one of teams; default the " +
            "source's one team), routed to that team's contact point. Each SQL " +
            "may read only the tables listed in tables " +
            "(docs/alerting.md). Empty (the default): none.",
        rule: sourceAlertList,
    },
    teams: {
        type: "array",
        items: "string",
        default: [],
        description:
            "The Grafana teams that may query this source and view its dashboards, " +
            "by name; each must be one the workspace stack " +
            "defines (grafana-athena-workspace:teams). None (the default): on a " +
            "workspace that defines teams, only Grafana admins may use this source.",
        rule: r.teamNameList(
            r.teamName,
            (i) => `must be a list of Grafana team names, got ${r.describe(i.input)}`,
        ),
    },
});

export const sourceSettingsShape = shapeOf(SOURCE_KEYS);

/**
 * How each top-level key is stored in Pulumi config: plain text, or JSON (lists, objects, numbers, booleans).
 */
export const SOURCE_KEY_KINDS = kindsOf(SOURCE_KEYS);

export function crossChecks(
    s: {
        grafanaAccountId: unknown;
        grafanaRoleArn?: unknown;
        results?: unknown;
        dataLocations?: unknown;
        panels?: unknown;
        variables?: unknown;
        alerts?: unknown;
        tables?: unknown;
        database?: unknown;
        catalog?: unknown;
    },
    ctx: z.RefinementCtx,
) {
    resultsChecks(s, ctx);
    panelChecks(s, ctx);
    alertChecks(s, ctx);
    if (typeof s.grafanaRoleArn !== "string" || typeof s.grafanaAccountId !== "string") return;
    const account = accountOfArn(s.grafanaRoleArn);
    // A malformed grafanaAccountId is reported on its own key; comparing with it would only repeat that.
    if (account && /^\d{12}$/.test(s.grafanaAccountId) && account !== s.grafanaAccountId) {
        ctx.addIssue({
            code: "custom",
            path: ["grafanaRoleArn"],
            message:
                `belongs to account ${account}, not to grafanaAccountId ` +
                `${s.grafanaAccountId}; give the workspace role of the Grafana account`,
        });
    }
}

/**
 * A panel of the source's own may read only what the source grants: a table of its database
 * that `tables` does not list would fail in Grafana with Glue's access denied. Checked here, where
 * both are known, naming the panel; the workspace checks again what it receives.
 */
function panelChecks(
    s: { panels?: unknown; variables?: unknown; tables?: unknown; database?: unknown; catalog?: unknown },
    ctx: z.RefinementCtx,
) {
    const tables = tableGrant.safeParse(s.tables);
    const panels = sourcePanelList.safeParse(s.panels);
    const variables = variableList.safeParse(s.variables ?? []);
    if (
        !tables.success ||
        !panels.success ||
        typeof s.database !== "string" ||
        !r.databaseName.safeParse(s.database).success
    )
        return;
    const grant = {
        catalog: typeof s.catalog === "string" ? s.catalog : DEFAULT_CATALOG,
        database: s.database,
        tables: tables.data,
    };
    // Its panels are on its dashboard with its own variables (and the workspace's, which are values too).
    const names = variables.success ? variableNames(variables.data) : NO_VARIABLES;
    panels.data.forEach((panel, i) => {
        for (const problem of panelGrantProblems([panel], grant, undefined, names))
            ctx.addIssue({ code: "custom", path: ["panels", i, "sql"], message: problem });
    });
    if (!variables.success) return;
    variables.data.forEach((variable, i) => {
        for (const problem of variableGrantProblems([variable], grant, undefined, names))
            ctx.addIssue({ code: "custom", path: ["variables", i, "sql"], message: problem });
    });
}

/** A source's own alert reads only what the source grants, as its panels do (the workspace checks again). */
function alertChecks(
    s: { alerts?: unknown; tables?: unknown; database?: unknown; catalog?: unknown },
    ctx: z.RefinementCtx,
) {
    const tables = tableGrant.safeParse(s.tables);
    const alerts = sourceAlertList.safeParse(s.alerts);
    if (!tables.success || !alerts.success || !r.databaseName.safeParse(s.database).success) return;
    const grant = {
        catalog: typeof s.catalog === "string" ? s.catalog : DEFAULT_CATALOG,
        database: s.database as string,
        tables: tables.data,
    };
    alerts.data.forEach((alert, i) => {
        for (const problem of alertSqlProblems(alert, grant))
            ctx.addIssue({
                code: "custom",
                path: ["alerts", i, alert.kind === "sql" ? "sql" : "table"],
                message: problem,
            });
    });
}

/**
 * Every ARN of the settings must be of the partition of the stack's region (`regionKey` names the
 * setting that gives it): a role in another partition cannot be trusted, a key in another cannot
 * be used. Undefined or malformed regions are reported on their own key.
 */
export function partitionChecks(region: unknown, regionKey: string) {
    return (
        s: { grafanaRoleArn?: unknown; kmsKeyArns?: unknown; catalogKmsKeyArn?: unknown; results?: unknown },
        ctx: z.RefinementCtx,
    ) => {
        const partition =
            typeof region === "string" && r.region.safeParse(region).success
                ? partitionOf(region)
                : undefined;
        if (partition === undefined) return;
        const check = (arn: unknown, path: (string | number)[]) => {
            const other = typeof arn === "string" ? partitionOfArn(arn) : undefined;
            if (other !== undefined && other !== partition) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message:
                        `is in the ${other} partition, but ${regionKey} ${region} is in ` +
                        `${partition}: give an ARN of the ${partition} partition`,
                });
            }
        };
        check(s.grafanaRoleArn, ["grafanaRoleArn"]);
        if (Array.isArray(s.kmsKeyArns)) s.kmsKeyArns.forEach((k, i) => check(k, ["kmsKeyArns", i]));
        check(s.catalogKmsKeyArn, ["catalogKmsKeyArn"]);
        const managedKey = (s.results as { kmsKeyArn?: unknown } | undefined)?.kmsKeyArn;
        check(managedKey, ["results", "kmsKeyArn"]);
        // Athena encrypts managed results with a key of the workgroup's region (KMS keys are regional).
        const keyRegion = typeof managedKey === "string" ? managedKey.split(":")[3] : undefined;
        if (keyRegion && partitionOfArn(managedKey as string) === partition && keyRegion !== region) {
            ctx.addIssue({
                code: "custom",
                path: ["results", "kmsKeyArn"],
                message:
                    `is a key of ${keyRegion}, but ${regionKey} is ${region}: Athena encrypts ` +
                    `the workgroup's results with a key of its own region`,
            });
        }
    };
}

/** The source project's settings, for a stack in `region` (its `aws:region`). */
export function sourceSettingsFor(region: string | undefined) {
    return z
        .object(sourceSettingsShape)
        .strict()
        .superRefine(crossChecks, r.onAnyObject)
        .superRefine(partitionChecks(region, "aws:region"), r.onAnyObject);
}

export type SourceSettings = z.output<ReturnType<typeof sourceSettingsFor>>;
