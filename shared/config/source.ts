/**
 * Settings of a source (data account) stack: the `grafana-athena-source` project, and the
 * `source` object of the root project. One schema, so both get the same rules and messages.
 */
import { z } from "zod";
import { accountOfArn } from "../naming";
import { partitionOf, partitionOfArn } from "../partition";
import { S3Location, overlaps, s3Url } from "../s3";
import { panelGrantProblems } from "../grafana/panels";
import { sourcePanelList } from "./panels";
import * as r from "./rules";

export const SOURCE_NAMESPACE = "grafana-athena-source";

export const DEFAULT_ROLE_NAME = "AmazonManagedGrafana-CrossAccountAthena";
export const DEFAULT_CATALOG = "AwsDataCatalog";
/** 10 GiB: the default per-query cost guard. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;
/** Athena's minimum for `bytesScannedCutoffPerQuery`: 10 MiB. */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 2;

export const workgroupSettings = z
    .object(
        {
            name: r.workgroupName,
            create: r.bool("create the workgroup, or tag an existing one").default(true),
            bytesScannedCutoffPerQuery: r
                .integer("bytes a query may scan before Athena cancels it", MIN_BYTES_SCANNED_CUTOFF, Number.MAX_SAFE_INTEGER)
                .default(DEFAULT_BYTES_SCANNED_CUTOFF),
        },
        { error: r.objectOf("{name, create?, bytesScannedCutoffPerQuery?}") },
    )
    .strict()
    .superRefine((w, ctx) => {
        // Every account has a primary workgroup: creating one of that name always fails.
        if (w.create === true && w.name === "primary") {
            ctx.addIssue({ code: "custom", path: ["create"], message: 'must be false for the workgroup "primary", which exists in every account: adopt it (create: false) or name a workgroup of its own' });
        }
    }, r.onAnyObject);

export const resultsSettings = z
    .object(
        {
            bucket: r.bucketName,
            prefix: r.s3Prefix.default("grafana/"),
            create: r.bool("create the results bucket, or use an existing one").default(true),
            expirationDays: r.integer("days before query results expire", 1, 3650).default(7),
        },
        { error: r.objectOf("{bucket, prefix?, create?, expirationDays?}") },
    )
    .strict();

/** The tables of the database Grafana may read: names, or `["*"]` for every one. */
export const tableGrant = z
    .array(z.union([z.literal("*"), r.tableName], { error: (i) => `must be a Glue table name of lowercase letters, digits and underscores, or "*", got ${r.describe(i.input)}` }), {
        error: (i) => (i.input === undefined ? 'is required: a list of table names, or ["*"] for every table' : `must be a list of table names, got ${r.describe(i.input)}`),
    })
    .min(1, { error: 'must list at least one table (or ["*"] for every table of the database)' })
    .refine((ts) => !ts.includes("*") || ts.length === 1, { error: '"*" means every table: give it alone, not with table names' })
    .refine((ts) => new Set(ts).size === ts.length, { error: "lists a table twice" });

export const sourceSettingsShape = {
    grafanaAccountId: r.accountId,
    grafanaRoleArn: r.grafanaRoleArn,
    database: r.databaseName,
    tables: tableGrant,
    catalog: r.catalogName.default(DEFAULT_CATALOG),
    dataLocations: z
        .array(r.s3Location, { error: (i) => (i.input === undefined ? "is required: the S3 locations s3://bucket[/prefix] the tables read" : `must be a list of s3://bucket[/prefix], got ${r.describe(i.input)}`) })
        .min(1, { error: "must list at least one S3 location s3://bucket[/prefix] the tables read" }),
    workgroup: workgroupSettings,
    results: resultsSettings,
    kmsKeyArns: z.array(r.kmsKeyArn, { error: (i) => `must be a list of KMS key ARNs, got ${r.describe(i.input)}` }).default([]),
    catalogKmsKeyArn: r.kmsKeyArn.optional(),
    lakeFormation: r.bool("the tables are governed by Lake Formation").default(false),
    roleName: r.assumableRoleName.default(DEFAULT_ROLE_NAME),
    /**
     * The customer-managed policy, by name in the data account, that bounds the role (its
     * permissions boundary): `grafana-athena-ci-boundary` where the bootstrap made the account's CI
     * roles, whose deploy role may create the role only with it. Default none.
     */
    permissionsBoundary: r.iamPolicyName.optional(),
    label: r.label.optional(),
    /** This source's own panels on its dashboard in every workspace that charts it (docs/panels.md); each may read only the granted tables. */
    panels: sourcePanelList.default([]),
    /**
     * The workspace's teams that may query this source and view its dashboards. Each must be one
     * the workspace stack defines (grafana-athena-workspace:teams). Default none: admins only, on a
     * workspace that defines teams.
     */
    teams: z
        .array(r.teamName, { error: (i) => `must be a list of Grafana team names, got ${r.describe(i.input)}` })
        .refine((ts) => new Set(ts).size === ts.length, { error: "lists a team twice" })
        .default([]),
};

export function crossChecks(
    s: { grafanaAccountId: unknown; grafanaRoleArn: unknown; results?: unknown; dataLocations?: unknown; panels?: unknown; tables?: unknown; database?: unknown; catalog?: unknown },
    ctx: z.RefinementCtx,
) {
    resultsChecks(s, ctx);
    panelChecks(s, ctx);
    if (typeof s.grafanaRoleArn !== "string" || typeof s.grafanaAccountId !== "string") return;
    const account = accountOfArn(s.grafanaRoleArn);
    // A malformed grafanaAccountId is reported on its own key; comparing with it would only repeat that.
    if (account && /^\d{12}$/.test(s.grafanaAccountId) && account !== s.grafanaAccountId) {
        ctx.addIssue({
            code: "custom",
            path: ["grafanaRoleArn"],
            message: `belongs to account ${account}, not to grafanaAccountId ${s.grafanaAccountId}; give the workspace role of the Grafana account`,
        });
    }
}

/**
 * A panel of the source's own may read only what the source grants: a table of its database
 * that `tables` does not list would fail in Grafana with Glue's access denied. Checked here, where
 * both are known, naming the panel; the workspace checks again what it receives.
 */
function panelChecks(s: { panels?: unknown; tables?: unknown; database?: unknown; catalog?: unknown }, ctx: z.RefinementCtx) {
    const tables = tableGrant.safeParse(s.tables);
    const panels = sourcePanelList.safeParse(s.panels);
    if (!tables.success || !panels.success || typeof s.database !== "string" || !r.databaseName.safeParse(s.database).success) return;
    const grant = { catalog: typeof s.catalog === "string" ? s.catalog : DEFAULT_CATALOG, database: s.database, tables: tables.data };
    panels.data.forEach((panel, i) => {
        for (const problem of panelGrantProblems([panel], grant)) ctx.addIssue({ code: "custom", path: ["panels", i, "sql"], message: problem });
    });
}

const isLocation = (v: unknown): v is S3Location =>
    !!v && typeof v === "object" && typeof (v as S3Location).bucket === "string" && typeof (v as S3Location).prefix === "string";

/**
 * The results location is Grafana's to write: in a bucket the stack does not create it must be a
 * prefix of its own (never the whole bucket), and it must not overlap a data location, or Grafana
 * would get write on table data and result files would land inside a table.
 */
function resultsChecks(s: { results?: unknown; dataLocations?: unknown }, ctx: z.RefinementCtx) {
    const results = s.results as { create?: unknown } | undefined;
    if (!isLocation(results)) return;
    if (results.create === false && results.prefix === "") {
        ctx.addIssue({
            code: "custom",
            path: ["results", "prefix"],
            message: `must name a prefix of its own in an existing bucket (results.create false): "" would give Grafana write on all of ${results.bucket}; use a prefix such as grafana/`,
        });
    }
    if (!Array.isArray(s.dataLocations)) return;
    s.dataLocations.forEach((d: unknown, i) => {
        if (isLocation(d) && overlaps(results, d)) {
            ctx.addIssue({
                code: "custom",
                path: ["results"],
                message:
                    `${s3Url(results)} overlaps dataLocations[${i}] ${s3Url(d)}: Grafana would get write on table data, and results would land ` +
                    `inside a table; give the results a bucket or prefix of their own`,
            });
        }
    });
}

/**
 * Every ARN of the settings must be of the partition of the stack's region (`regionKey` names the
 * setting that gives it): a role in another partition cannot be trusted, a key in another cannot
 * be used. Undefined or malformed regions are reported on their own key.
 */
export function partitionChecks(region: unknown, regionKey: string) {
    return (s: { grafanaRoleArn?: unknown; kmsKeyArns?: unknown; catalogKmsKeyArn?: unknown }, ctx: z.RefinementCtx) => {
        const partition = typeof region === "string" && r.region.safeParse(region).success ? partitionOf(region) : undefined;
        if (partition === undefined) return;
        const check = (arn: unknown, path: (string | number)[]) => {
            const other = typeof arn === "string" ? partitionOfArn(arn) : undefined;
            if (other !== undefined && other !== partition) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message: `is in the ${other} partition, but ${regionKey} ${region} is in ${partition}: give an ARN of the ${partition} partition`,
                });
            }
        };
        check(s.grafanaRoleArn, ["grafanaRoleArn"]);
        if (Array.isArray(s.kmsKeyArns)) s.kmsKeyArns.forEach((k, i) => check(k, ["kmsKeyArns", i]));
        check(s.catalogKmsKeyArn, ["catalogKmsKeyArn"]);
    };
}

/** The source project's settings, for a stack in `region` (its `aws:region`). */
export function sourceSettingsFor(region: string | undefined) {
    return z.object(sourceSettingsShape).strict().superRefine(crossChecks, r.onAnyObject).superRefine(partitionChecks(region, "aws:region"), r.onAnyObject);
}

export type SourceSettings = z.output<ReturnType<typeof sourceSettingsFor>>;

/** How each top-level key is stored in Pulumi config: plain text, or JSON (lists, objects, numbers, booleans). */
export const SOURCE_KEY_KINDS = {
    grafanaAccountId: "string",
    grafanaRoleArn: "string",
    database: "string",
    tables: "json",
    catalog: "string",
    dataLocations: "json",
    workgroup: "json",
    results: "json",
    kmsKeyArns: "json",
    catalogKmsKeyArn: "string",
    lakeFormation: "json",
    roleName: "string",
    permissionsBoundary: "string",
    label: "string",
    panels: "json",
    teams: "json",
} as const;
