/**
 * The policies of the data account's role, the one Grafana assumes (docs/what-gets-created.md says
 * why each permission is there; docs/policy-pack.md states the security model as rules):
 * - `sourceTrustPolicy`: who may assume it;
 * - `sourceAccessPolicies`: what it may do.
 */
import { PolicyDocument, PolicyError, PolicyStatement, Value } from "../iam/policy";
import { MANAGED_POLICIES_PER_ROLE, POLICY_QUOTAS, packManagedPolicies, policySize } from "../iam/size";
import { S3Location } from "../s3";

/** The tag a workgroup must carry, with exactly this value, for Grafana to query through it. */
export const GRAFANA_TAG_KEY = "GrafanaDataSource";
export const GRAFANA_TAG_VALUE = "true";

// ---------------------------------------------------------------------------------------------
// Trust policy of the source role
// ---------------------------------------------------------------------------------------------

interface SourceTrustArgs {
    /** The Grafana account (account A). */
    grafanaAccountId: string;
    /** The AMG workspace role; only this principal of account A may assume the source role. */
    grafanaRoleArn: Value;
    /** The external ID the caller must present. */
    externalId: Value;
    /** Names the policy in messages. */
    roleName: string;
    /** The partition of both accounts (a role cannot be assumed across partitions). Default `aws`. */
    partition?: string;
}

/**
 * Principal is the Grafana account's root, pinned to the workspace role by `aws:PrincipalArn`:
 * unlike a role principal, the condition survives a re-created workspace role (IAM rewrites a role
 * principal to the deleted role's unique id).
 */
export function sourceTrustPolicy(args: SourceTrustArgs): PolicyDocument {
    return new PolicyDocument(`${args.roleName}-trust`, "trust", [
        new PolicyStatement({
            sid: "GrafanaWorkspaceAssumeRole",
            principals: { AWS: [`arn:${args.partition ?? "aws"}:iam::${args.grafanaAccountId}:root`] },
            actions: ["sts:AssumeRole"],
            conditions: {
                StringEquals: { "sts:ExternalId": args.externalId },
                ArnEquals: { "aws:PrincipalArn": args.grafanaRoleArn },
            },
        }),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Access policy of the source role
// ---------------------------------------------------------------------------------------------

interface SourceAccessArgs {
    /** Name of the policy (or the first of them, when the statements need several). */
    policyName: string;
    /** The data account (may be known only at deployment: an Output of the caller identity). */
    accountId: Value;
    region: string;
    /** Athena data catalog that holds the database, e.g. `AwsDataCatalog`. */
    catalog: string;
    /** Glue database the tables live in. */
    database: string;
    /** The Athena workgroup Grafana queries through: the only one the role may use. */
    workgroup: string;
    /** Table names, or `["*"]` for every table of the database. */
    tables: readonly string[];
    /** S3 locations the tables read (read-only). */
    dataLocations: readonly S3Location[];
    /** Where Athena writes query results (read/write), or Athena's managed query results (no S3 at all). */
    results: SourceResults;
    /** KMS keys that encrypt the data or the results: usable only through S3 in the region. */
    kmsKeyArns?: readonly string[];
    /** The KMS key that encrypts the Glue Data Catalog's metadata: usable only through Glue in the region. */
    catalogKmsKeyArn?: string;
    /** The tables are governed by Lake Formation. */
    lakeFormation?: boolean;
    /** AWS partition, default `aws`. */
    partition?: string;
}

/**
 * Athena's managed query results: Athena stores them itself and `GetQueryResults` on the workgroup
 * reads them (Athena user guide, "Managed query results"), so the role needs no S3 action for
 * them; with `kmsKeyArn` Athena encrypts and decrypts them with that key on the caller's behalf.
 */
interface ManagedResults {
    managed: true;
    kmsKeyArn?: string;
}

export type SourceResults = S3Location | ManagedResults;

const isManaged = (results: SourceResults): results is ManagedResults => "managed" in results;

/**
 * What Athena does with the key of managed query results on the caller's behalf, as the Athena
 * user guide ("Encrypt managed query results") lists it: Decrypt, GenerateDataKey and DescribeKey.
 */
const MANAGED_RESULTS_KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"];

/**
 * Athena metadata reads. Listing catalogs and workgroups accepts no resource ARN; the rest take the data
 * catalog.
 */
export const ATHENA_LIST_ACTIONS = ["athena:ListDataCatalogs", "athena:ListWorkGroups"];
export const ATHENA_METADATA_ACTIONS = [
    "athena:GetDataCatalog",
    "athena:GetDatabase",
    "athena:GetTableMetadata",
    "athena:ListDataCatalogs",
    "athena:ListDatabases",
    "athena:ListTableMetadata",
    "athena:ListWorkGroups",
];

export const ATHENA_QUERY_ACTIONS = [
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:GetWorkGroup",
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
];

export const GLUE_READ_ACTIONS = [
    "glue:BatchGetPartition",
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:GetTable",
    "glue:GetTables",
];

/**
 * The Glue read actions that apply to a table ARN (GetDatabase and GetDatabases have no table resource type).
 */
const GLUE_TABLE_ACTIONS = GLUE_READ_ACTIONS.filter(
    (a) => a !== "glue:GetDatabase" && a !== "glue:GetDatabases",
);

/** The statements of the source role's access policy, before they are packed into policies. */
export function sourceAccessStatements(args: SourceAccessArgs & { accountId: string }): PolicyStatement[] {
    const p = args.partition ?? "aws";
    const glue = `arn:${p}:glue:${args.region}:${args.accountId}`;
    const allTables = args.tables.length === 1 && args.tables[0] === "*";
    const bucketArn = (b: string) => `arn:${p}:s3:::${b}`;
    const objectsArn = (l: S3Location) => `arn:${p}:s3:::${l.bucket}/${l.prefix}*`;

    const statements = [
        new PolicyStatement({
            sid: "AthenaListCatalogsAndWorkgroups",
            actions: ATHENA_LIST_ACTIONS,
            resources: ["*"],
        }),
        new PolicyStatement({
            // Narrower than the article's `*`: only the data catalog that holds the database.
            sid: "AthenaMetadataRead",
            actions: ATHENA_METADATA_ACTIONS.filter((a) => !ATHENA_LIST_ACTIONS.includes(a)),
            resources: [`arn:${p}:athena:${args.region}:${args.accountId}:datacatalog/${args.catalog}`],
        }),
        new PolicyStatement({
            // The one workgroup of this stack, and only while it carries the tag: whoever may tag
            // other workgroups cannot widen what Grafana runs and reads.
            sid: "AthenaQueryWorkgroup",
            actions: ATHENA_QUERY_ACTIONS,
            resources: [`arn:${p}:athena:${args.region}:${args.accountId}:workgroup/${args.workgroup}`],
            conditions: { StringEquals: { [`aws:ResourceTag/${GRAFANA_TAG_KEY}`]: GRAFANA_TAG_VALUE } },
        }),
        new PolicyStatement({
            sid: "GlueCatalogRead",
            actions: GLUE_READ_ACTIONS,
            resources: [
                `${glue}:catalog`,
                `${glue}:database/${args.database}`,
                ...(allTables
                    ? [`${glue}:table/${args.database}/*`]
                    : args.tables.map((t) => `${glue}:table/${args.database}/${t}`)),
            ],
        }),
        ...(isManaged(args.results) ? [] : resultsStatements(args.results, args.dataLocations, bucketArn)),
        new PolicyStatement({
            sid: "S3DataBucketLocation",
            actions: ["s3:GetBucketLocation"],
            resources: args.dataLocations.map((l) => bucketArn(l.bucket)),
        }),
        ...dataListStatements(args.dataLocations, bucketArn),
        new PolicyStatement({
            sid: "S3DataRead",
            actions: ["s3:GetObject"],
            resources: args.dataLocations.map(objectsArn),
        }),
    ];
    // KMS only through the services that use the keys (`kms:ViaService`, whose values end in
    // amazonaws.com in every partition, AWS KMS developer guide): S3 decrypts data and writes
    // SSE-KMS results on the role's behalf; Glue decrypts an encrypted catalog's metadata. A direct
    // kms:Decrypt with the role's credentials is denied.
    if (args.kmsKeyArns && args.kmsKeyArns.length > 0) {
        statements.push(
            new PolicyStatement({
                sid: "KmsDataAndResultsThroughS3",
                actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                resources: args.kmsKeyArns,
                conditions: { StringEquals: { "kms:ViaService": viaService("s3", args.region) } },
            }),
        );
    }
    if (isManaged(args.results) && args.results.kmsKeyArn) {
        // Only through Athena in the region: the key is for results, and the role uses it only as
        // Athena stores and returns them.
        statements.push(
            new PolicyStatement({
                sid: "KmsManagedResultsThroughAthena",
                actions: MANAGED_RESULTS_KMS_ACTIONS,
                resources: [args.results.kmsKeyArn],
                conditions: { StringEquals: { "kms:ViaService": viaService("athena", args.region) } },
            }),
        );
    }
    if (args.catalogKmsKeyArn) {
        statements.push(
            new PolicyStatement({
                sid: "KmsCatalogThroughGlue",
                actions: ["kms:Decrypt"],
                resources: [args.catalogKmsKeyArn],
                conditions: { StringEquals: { "kms:ViaService": viaService("glue", args.region) } },
            }),
        );
    }
    if (args.lakeFormation) {
        // GetDataAccess accepts no resource ARN: the catalog lists it as wildcard-only.
        statements.push(
            new PolicyStatement({
                sid: "LakeFormationDataAccess",
                actions: ["lakeformation:GetDataAccess"],
                resources: ["*"],
            }),
        );
    }
    return statements;
}

/** The `kms:ViaService` value of an AWS service in a region. */
export function viaService(service: string, region: string): string {
    return `${service}.${region}.amazonaws.com`;
}

/** The results bucket and the read/write of its prefix: where a results bucket holds Athena's results. */
function resultsStatements(
    results: S3Location,
    data: readonly S3Location[],
    bucketArn: (b: string) => string,
): PolicyStatement[] {
    return [
        ...resultsBucketStatements(results, data, bucketArn),
        new PolicyStatement({
            sid: "S3ResultsReadWrite",
            actions: [
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
            ],
            resources: [`${bucketArn(results.bucket)}/${results.prefix}*`],
        }),
    ];
}

/**
 * The results bucket itself. In a bucket of its own, `s3:ListBucket` is not narrowed: Athena checks
 * the output bucket with the role's credentials before a query, a request that carries no
 * `s3:prefix` (HeadBucket is authorised as s3:ListBucket, Amazon S3 API reference; a condition on an
 * absent key does not match, IAM user guide), and every AWS policy for Athena grants it so
 * (`AmazonAthenaFullAccess`, `AmazonGrafanaAthenaAccess`). There it reveals only the names of
 * result files (and, in an existing bucket, of its other keys), never their content.
 *
 * When the results live under their own prefix in a bucket that holds data locations, an
 * unconditioned listing would cancel the prefix limit of the data listing: the whole data bucket
 * would become listable. There the listing is narrowed to the results prefix (`p/` and `p/*`,
 * like the data prefixes) in a statement of its own, and the bucket location apart (a
 * GetBucketLocation request carries no `s3:prefix` either). Listing outside the data and results
 * prefixes is denied; Athena lists, reads and writes its results under their prefix. Should Athena's
 * check of the output bucket be refused in that layout ("Unable to verify/create output bucket"),
 * the fix is a results bucket of its own (`results.create`, the default), never a wider grant.
 */
function resultsBucketStatements(
    results: S3Location,
    data: readonly S3Location[],
    bucketArn: (b: string) => string,
): PolicyStatement[] {
    const arn = bucketArn(results.bucket);
    if (!data.some((d) => d.bucket === results.bucket)) {
        return [
            new PolicyStatement({
                sid: "S3ResultsBucket",
                actions: ["s3:GetBucketLocation", "s3:ListBucket"],
                resources: [arn],
            }),
        ];
    }
    if (results.prefix === "") {
        throw new PolicyError(
            `the results are the whole of ${results.bucket}, which holds data ` +
                `locations: give them a prefix or a bucket of their own`,
        );
    }
    return [
        new PolicyStatement({
            sid: "S3ResultsBucketLocation",
            actions: ["s3:GetBucketLocation"],
            resources: [arn],
        }),
        new PolicyStatement({
            sid: "S3ResultsList",
            actions: ["s3:ListBucket"],
            resources: [arn],
            conditions: { StringLike: { "s3:prefix": [results.prefix, `${results.prefix}*`] } },
        }),
    ];
}

/**
 * Listing a data bucket is limited to the prefixes the tables read (`s3:prefix`), one statement
 * per bucket so that one bucket's prefixes never open another's; a whole-bucket location lists
 * the whole bucket. Each prefix in the forms `p/` and `p/*` only: a bare `p` would also list a
 * sibling such as `p_pii/`.
 */
function dataListStatements(
    locations: readonly S3Location[],
    bucketArn: (b: string) => string,
): PolicyStatement[] {
    const byBucket = new Map<string, Set<string>>();
    for (const l of locations) {
        const prefixes = byBucket.get(l.bucket) ?? new Set<string>();
        prefixes.add(l.prefix);
        byBucket.set(l.bucket, prefixes);
    }
    return [...byBucket.keys()].sort().map((bucket, i) => {
        const prefixes = [...byBucket.get(bucket)!];
        const whole = prefixes.includes("");
        return new PolicyStatement({
            sid: `S3DataList${i + 1}`,
            actions: ["s3:ListBucket"],
            resources: [bucketArn(bucket)],
            conditions: whole
                ? undefined
                : { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } },
        });
    });
}

/**
 * The source role's access policy as customer-managed policies: one when it fits the 6,144-character
 * quota, else split deterministically (never widened to wildcards), refused past the number of
 * managed policies a role may have.
 */
export function sourceAccessPolicies(args: SourceAccessArgs): PolicyDocument[] {
    // Packing needs plain strings; an account ID is always 12 characters, so a 12-character
    // placeholder packs exactly as the real ID will, and is swapped for it afterwards.
    const statements = sourceAccessStatements({ ...args, accountId: ACCOUNT_PLACEHOLDER });
    const packed = packManagedPolicies(
        args.policyName,
        splittableGlue(args.policyName, statements),
        MANAGED_POLICIES_PER_ROLE,
        `List fewer tables, use tables: ["*"] to grant every table of ` +
            `"${args.database}", or merge data locations under a common prefix.`,
    );
    if (typeof args.accountId === "string") {
        const account = args.accountId;
        return packed.map((doc) => mapResources(doc, (r) => r.split(ACCOUNT_PLACEHOLDER).join(account)));
    }
    // The SDK only for an account ID that is an Output: loaded here, not with the module (see
    // shared/iam/policy.ts).
    const { output } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    const account = output(args.accountId);
    return packed.map((doc) =>
        mapResources(doc, (r) =>
            r.includes(ACCOUNT_PLACEHOLDER) ? account.apply((a) => r.split(ACCOUNT_PLACEHOLDER).join(a)) : r,
        ),
    );
}

const ACCOUNT_PLACEHOLDER = "{ACCOUNT_ID}";

/**
 * When `GlueCatalogRead` is too big for one managed policy (so that packing would slice its
 * resources), the listed tables move out of it into `GlueTableRead`, which has only the actions
 * that apply to tables: every slice of that is a valid statement, where a slice of table ARNs
 * under glue:GetDatabase would grant nothing and is refused as a mistake. The catalog and the
 * database keep every action (Glue authorises a table read on all three). Otherwise unchanged.
 */
function splittableGlue(policyName: string, statements: PolicyStatement[]): PolicyStatement[] {
    return statements.flatMap((s) => {
        if (
            s.sid !== "GlueCatalogRead" ||
            policySize(new PolicyDocument(policyName, "managed", [s]).toJSON()) <= POLICY_QUOTAS.managed
        )
            return [s];
        const tables = s.resources.filter((r) => String(r).includes(":table/"));
        if (tables.length === 0) return [s];
        return [
            s.with({ resources: s.resources.filter((r) => !String(r).includes(":table/")) }),
            s.with({ sid: "GlueTableRead", actions: GLUE_TABLE_ACTIONS, resources: tables }),
        ];
    });
}

function mapResources(doc: PolicyDocument, f: (resource: string) => Value): PolicyDocument {
    return new PolicyDocument(
        doc.name,
        doc.kind,
        doc.statements.map((s) => s.with({ resources: s.resources.map((r) => f(r as string)) })),
    );
}
