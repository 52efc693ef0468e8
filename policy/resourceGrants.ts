/**
 * What other resources give a Grafana role (docs/policy-pack.md, rules R1-R3): a grant on the
 * resource's side reaches the role however narrow its own policies are. Lake Formation
 * permissions (`aws:lakeformation/permissions`), KMS key policies and grants, and the
 * resource-based policies of S3 buckets and the Glue Data Catalog, read for every statement or
 * grant whose principal may be the role (its ARN, name, URN or session, a wildcard, `*`,
 * `NotPrincipal`; an account root hands the decision to the account's IAM policies, which the pack
 * judges, so it is not a grant to the role).
 */
import { CatalogAction, expandAction } from "./catalog";
import { hasWildcard } from "./glob";
import { ROLE_KINDS, mayName } from "./permissions";
import { arnParts } from "./trust";
import {
    ParsedPolicy,
    ResourceView,
    Statement,
    UNKNOWN,
    isRecord,
    list,
    parsePolicy,
    show,
    statementId,
} from "./values";

export const GRANT_TYPES = {
    lakeFormation: "aws:lakeformation/permissions:Permissions",
    nativeLakeFormation: "aws-native:lakeformation:Permissions",
    nativePrincipalPermissions: "aws-native:lakeformation:PrincipalPermissions",
    kmsKey: "aws:kms/key:Key",
    kmsKeyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    kmsExternalKey: "aws:kms/externalKey:ExternalKey",
    kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
    kmsReplicaExternalKey: "aws:kms/replicaExternalKey:ReplicaExternalKey",
    nativeKmsKey: "aws-native:kms:Key",
    nativeKmsReplicaKey: "aws-native:kms:ReplicaKey",
    kmsGrant: "aws:kms/grant:Grant",
    dataLakeSettings: "aws:lakeformation/dataLakeSettings:DataLakeSettings",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    nativeBucketPolicy: "aws-native:s3:BucketPolicy",
    accessPoint: "aws:s3/accessPoint:AccessPoint",
    accessPointPolicy: "aws:s3control/accessPointPolicy:AccessPointPolicy",
    outpostsBucketPolicy: "aws:s3control/bucketPolicy:BucketPolicy",
    nativeAccessPoint: "aws-native:s3:AccessPoint",
    nativeMultiRegionAccessPointPolicy: "aws-native:s3:MultiRegionAccessPointPolicy",
    glueResourcePolicy: "aws:glue/resourcePolicy:ResourcePolicy",
} as const;

/**
 * The resource-based policies the pack judges by the identity rules (P2-P6), by type: the policy
 * property, and the property that names the resource in messages. An S3 access point's policy
 * grants as a bucket policy does (the bucket's policy delegating to access points lets through
 * what the access point's allows: AWS S3 user guide, "Configuring IAM policies for using access
 * points"); so does an S3 on Outposts bucket's (aws:s3control/bucketPolicy).
 */
const RESOURCE_POLICIES: Record<string, { policy: string; name: string; what: string }> = {
    [GRANT_TYPES.bucketPolicy]: { policy: "policy", name: "bucket", what: "bucket policy" },
    [GRANT_TYPES.nativeBucketPolicy]: { policy: "policyDocument", name: "bucket", what: "bucket policy" },
    [GRANT_TYPES.outpostsBucketPolicy]: { policy: "policy", name: "bucket", what: "bucket policy" },
    [GRANT_TYPES.accessPoint]: { policy: "policy", name: "name", what: "access point policy" },
    [GRANT_TYPES.accessPointPolicy]: {
        policy: "policy",
        name: "accessPointArn",
        what: "access point policy",
    },
    [GRANT_TYPES.nativeAccessPoint]: { policy: "policy", name: "name", what: "access point policy" },
    [GRANT_TYPES.nativeMultiRegionAccessPointPolicy]: {
        policy: "policy",
        name: "mrapName",
        what: "Multi-Region Access Point policy",
    },
    [GRANT_TYPES.glueResourcePolicy]: { policy: "policy", name: "", what: "Glue Data Catalog policy" },
};
/**
 * Every key with a key policy: a replica or external (imported) key's policy is its own, set apart
 * from its primary's (the aws provider's kms/replicaKey, kms/externalKey, kms/replicaExternalKey
 * `policy`; aws-native kms:ReplicaKey `keyPolicy`).
 */
const KEY_POLICIES: Record<string, string> = {
    [GRANT_TYPES.kmsKey]: "policy",
    [GRANT_TYPES.kmsKeyPolicy]: "policy",
    [GRANT_TYPES.kmsExternalKey]: "policy",
    [GRANT_TYPES.kmsReplicaKey]: "policy",
    [GRANT_TYPES.kmsReplicaExternalKey]: "policy",
    [GRANT_TYPES.nativeKmsKey]: "keyPolicy",
    [GRANT_TYPES.nativeKmsReplicaKey]: "keyPolicy",
};

/** Lake Formation permissions a data source role may hold: it reads named tables, nothing else. */
const LF_READ = new Set(["SELECT", "DESCRIBE"]);
/**
 * KMS operations a data source role may be granted: decrypt what it reads, encrypt what it writes (data
 * keys).
 */
const KMS_USE = new Set([
    "decrypt",
    "encrypt",
    "generatedatakey",
    "generatedatakeywithoutplaintext",
    "generatedatakeypair",
    "generatedatakeypairwithoutplaintext",
    "describekey",
]);

/**
 * Whether a principal value may be `role`: its ARN, name or URN, a session of it, a wildcard; an unknown
 * value by the engine's dependencies.
 */
function mayBeRole(value: unknown, deps: readonly ResourceView[] | undefined, role: ResourceView): boolean {
    if (typeof value === "string") {
        // A pattern, or a role's unique ID (AROA...), which a policy keeps when the role it named is gone.
        if (hasWildcard(value) || value.includes("${") || /^AROA[0-9A-Z]{8,}$/.test(value)) return true;
        const p = arnParts(value);
        if (p && p.service === "sts" && p.resource.startsWith("assumed-role/"))
            return mayName(p.resource.split("/")[1] ?? "", undefined, role, ROLE_KINDS);
    }
    return mayName(value, deps, role, ROLE_KINDS);
}

/** Whether a resource-policy statement's principals may include `role`. */
function statementMayGrant(s: Statement, role: ResourceView): boolean {
    if (s.Effect === "Deny") return false;
    if ("NotPrincipal" in s || !("Principal" in s) || s.Principal === "*") return true;
    const p = s.Principal;
    if (!isRecord(p)) return true;
    return Object.keys(p).some(
        (k) =>
            k !== "Service" &&
            k !== "Federated" &&
            k !== "CanonicalUser" &&
            list(p[k]).some((v) => mayBeRole(v, undefined, role)),
    );
}

export interface ResourceGrant {
    resource: ResourceView;
    /** For messages: `bucket policy of b`. */
    label: string;
    /**
     * The statements that may grant the role something, each with its Sid or its place in the whole document.
     */
    statements: Statement[];
    /** An S3 bucket policy: its writes are judged by P6 too. */
    s3: boolean;
}

/** The statements of resource-based policies (buckets, the Glue catalog) that may grant `role` something. */
export function resourcePolicyGrants(
    role: ResourceView,
    resources: readonly ResourceView[],
): ResourceGrant[] {
    const out: ResourceGrant[] = [];
    for (const r of resources) {
        const kind = RESOURCE_POLICIES[r.type];
        if (kind === undefined) continue;
        const doc = parsePolicy(r.props[kind.policy]);
        if (doc.kind !== "doc") continue;
        const statements = doc.statements
            .map((s, i) => ({ ...s, Sid: statementId(s, i) }))
            .filter((s) => statementMayGrant(s, role));
        if (statements.length === 0) continue;
        const what = kind.name ? `${kind.what} of ${show(r.props[kind.name], 80)}` : kind.what;
        out.push({ resource: r, label: what, statements, s3: r.type !== GRANT_TYPES.glueResourcePolicy });
    }
    return out;
}

/**
 * A Lake Formation grant in the aws provider's shape: aws-native's `PrincipalPermissions`
 * (`principal.dataLakePrincipalIdentifier`, `resource.{catalog, database, table, ...}`) and
 * `Permissions` (`dataLakePrincipal`, `resource.{databaseResource, tableResource, ...}`) mapped
 * onto `aws.lakeformation.Permissions`' properties (CloudFormation's AWS::LakeFormation schemas).
 */
function lakeFormationGrant(r: ResourceView): Record<string, unknown> | undefined {
    if (r.type === GRANT_TYPES.lakeFormation) return r.props;
    if (r.type !== GRANT_TYPES.nativeLakeFormation && r.type !== GRANT_TYPES.nativePrincipalPermissions)
        return undefined;
    const p = r.props;
    const who = isRecord(p.principal)
        ? p.principal
        : isRecord(p.dataLakePrincipal)
          ? p.dataLakePrincipal
          : {};
    const res = isRecord(p.resource) ? p.resource : {};
    const table = (t: unknown) =>
        isRecord(t) ? { ...t, wildcard: t.wildcard === true || t.tableWildcard !== undefined } : t;
    return {
        principal: p.principal === UNKNOWN ? UNKNOWN : who.dataLakePrincipalIdentifier,
        permissions: p.permissions,
        permissionsWithGrantOptions: p.permissionsWithGrantOption,
        catalogResource: res.catalog !== undefined && res.catalog !== null ? true : undefined,
        database: res.database ?? res.databaseResource,
        table: table(res.table ?? res.tableResource),
        tableWithColumns: table(res.tableWithColumns ?? res.tableWithColumnsResource),
        dataLocation: res.dataLocation ?? res.dataLocationResource,
        lfTag: res.lfTag,
        lfTagPolicy: res.lfTagPolicy,
        dataCellsFilter: res.dataCellsFilter,
    };
}

/** Every way a Lake Formation grant reaches beyond reading named tables, or undefined. */
function lakeFormationProblem(p: Record<string, unknown>): string | undefined {
    if (p.permissions === UNKNOWN || p.permissionsWithGrantOptions === UNKNOWN) return undefined;
    const perms = list(p.permissions).map((x) => (typeof x === "string" ? x.toUpperCase() : show(x)));
    const wider = perms.filter((x) => !LF_READ.has(x));
    if (wider.length > 0) return `grants ${wider.slice(0, 4).join(", ")}: more than SELECT and DESCRIBE`;
    if (list(p.permissionsWithGrantOptions).length > 0)
        return "grants with the grant option: the role could pass the permissions on";
    // Any value but an absent or false one is a catalog-wide grant: a text "true" (or 1) is not
    // the boolean the pack expects, and a provider may still read it as true.
    const catalog = p.catalogResource;
    if (catalog !== undefined && catalog !== null && catalog !== false && catalog !== "false")
        return "grants on the whole Data Catalog";
    for (const key of ["lfTag", "lfTagPolicy", "dataLocation"] as const)
        if (p[key] !== undefined && p[key] !== null)
            return (
                `grants by ${key} ` +
                `(${key === "dataLocation" ? "a storage location" : "tags, not table names"})`
            );
    const literal = (v: unknown) =>
        typeof v === "string" && v.length > 0 && !hasWildcard(v) && !v.includes("${");
    for (const key of ["table", "tableWithColumns"] as const) {
        for (const t of list(p[key])) {
            if (t === UNKNOWN) continue;
            if (!isRecord(t) || !literal(t.databaseName))
                return (
                    `grants on the tables of ` +
                    `${show(isRecord(t) ? t.databaseName : t)}, not a named ` +
                    `database`
                );
            if (t.wildcard !== true && !literal(t.name))
                return `grants on the table ${show(t.name)}, not a named table`;
        }
    }
    for (const d of list(p.database))
        if (d !== UNKNOWN && !(isRecord(d) && literal(d.name)))
            return "grants on a database it does not name";
    return undefined;
}

/**
 * Why a KMS grant or key policy statement gives the role more than using the key for what it reads, or
 * undefined.
 */
async function kmsStatementProblem(s: Statement): Promise<string | undefined> {
    if ("NotAction" in s) return "allows with NotAction: every action it does not list";
    const actions: CatalogAction[] = [];
    for (const a of list(s.Action)) {
        if (typeof a !== "string") return `allows ${show(a)}, not an action`;
        actions.push(...(await expandAction(a)));
    }
    const wider = [
        ...new Set(
            actions
                .filter(
                    (a) =>
                        !a.full.toLowerCase().startsWith("kms:") ||
                        !KMS_USE.has(a.full.slice(4).toLowerCase()),
                )
                .map((a) => a.full),
        ),
    ];
    return wider.length > 0
        ? `allows ${wider.slice(0, 4).join(", ")}${
              wider.length > 4 ? ` (and ${wider.length - 4} ` + `more)` : ""
          }: more than decrypting and encrypting with the key`
        : undefined;
}

/**
 * The Data Catalog's Lake Formation settings (`aws:lakeformation/dataLakeSettings`): a data lake
 * administrator (or read-only administrator) reads every table of the catalog and a default
 * permission applies to every database or table created later, so the role may be neither.
 */
function dataLakeSettingsFindings(
    r: ResourceView,
    role: ResourceView,
    roleName: string,
): { resource: ResourceView; message: string }[] {
    const out: { resource: ResourceView; message: string }[] = [];
    const deps = (prop: string) => r.propertyDependencies?.[prop];
    for (const [key, what] of [
        ["admins", "a data lake administrator"],
        ["readOnlyAdmins", "a read-only data lake administrator"],
    ] as const)
        if (list(r.props[key]).some((v) => mayBeRole(v, deps(key), role)))
            out.push({
                resource: r,
                message:
                    `Lake Formation settings make role ${roleName} ${what} ` +
                    `(${key}): every table of the catalog`,
            });
    for (const key of ["createDatabaseDefaultPermissions", "createTableDefaultPermissions"] as const)
        for (const d of list(r.props[key]))
            if (d === UNKNOWN || (isRecord(d) ? mayBeRole(d.principal, undefined, role) : true))
                out.push({
                    resource: r,
                    message:
                        `Lake Formation settings give role ${roleName} default permissions ` +
                        `(${key}) on every ` +
                        `${key.startsWith("createDatabase") ? "database" : "table"} created ` +
                        `later, not on named tables`,
                });
    return out;
}

/** The Lake Formation and KMS findings for `role` (rules R1, R2), each naming the granting resource. */
export async function lakeFormationAndKmsFindings(
    role: ResourceView,
    roleName: string,
    resources: readonly ResourceView[],
): Promise<{ resource: ResourceView; message: string }[]> {
    const out: { resource: ResourceView; message: string }[] = [];
    const deps = (r: ResourceView, prop: string) => r.propertyDependencies?.[prop];
    for (const r of resources) {
        const lf = lakeFormationGrant(r);
        if (lf && mayBeRole(lf.principal, deps(r, "principal"), role)) {
            const problem = lakeFormationProblem(lf);
            if (problem)
                out.push({
                    resource: r,
                    message: `Lake Formation permission to role ${roleName} ${problem}`,
                });
        }
        if (
            r.type === GRANT_TYPES.kmsGrant &&
            mayBeRole(r.props.granteePrincipal, deps(r, "granteePrincipal"), role)
        ) {
            if (r.props.operations === UNKNOWN) continue;
            const wider = list(r.props.operations).filter(
                (o) => typeof o !== "string" || !KMS_USE.has(o.toLowerCase()),
            );
            if (wider.length > 0)
                out.push({
                    resource: r,
                    message: `KMS grant to role ${roleName} allows ${wider
                        .slice(0, 4)
                        .map((o) => show(o, 40))
                        .join(", ")}: more than decrypting and encrypting with the key`,
                });
        }
        if (r.type === GRANT_TYPES.dataLakeSettings) out.push(...dataLakeSettingsFindings(r, role, roleName));
        const prop = KEY_POLICIES[r.type];
        if (prop === undefined) continue;
        const doc: ParsedPolicy = parsePolicy(r.props[prop]);
        if (doc.kind !== "doc") continue;
        for (const [i, s] of doc.statements.entries()) {
            if (!statementMayGrant(s, role)) continue;
            const problem = await kmsStatementProblem(s);
            if (problem)
                out.push({
                    resource: r,
                    message:
                        `key policy statement "${statementId(s, i)}" may grant ` +
                        `role ${roleName}: it ${problem}`,
                });
        }
    }
    return out;
}
