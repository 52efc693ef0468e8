/**
 * The security model (DESIGN.md, "Security model") as rules that judge any stack's resources, not
 * only this program's: what `pulumi preview --policy-pack policy` runs (policy/index.ts) and what
 * `npm run policy` runs on offline plans (tools/policy.ts). The rules reuse the builders and the
 * validator of shared/ (the trust conditions and the Athena statement of
 * shared/policies/sourceRole.ts, the TLS-only bucket policy of shared/policies/resultsBucket.ts,
 * the IAM catalog check of shared/iam/validate.ts), so this pack and the programs cannot drift.
 *
 * A resource is what the engine shows a stack policy (@pulumi/policy 1.21.0 `PolicyResource`):
 * its type token (`aws:iam/role:Role`), its name and its input properties, where a secret arrives
 * as its value and a value unknown in a preview is absent. What is unknown is not judged.
 */
import { EXTERNAL_ID } from "../shared/contract";
import { PolicyJson, StatementJson } from "../shared/iam/policy";
import { validatePolicy } from "../shared/iam/validate";
import { resultsBucketPolicy } from "../shared/policies/resultsBucket";
import { ATHENA_QUERY_ACTIONS, GRAFANA_TAG_KEY, GRAFANA_TAG_VALUE } from "../shared/policies/sourceRole";
import { parseS3Url } from "../shared/s3";

/** One resource as a policy sees it. */
export interface ResourceView {
    type: string;
    name: string;
    /** The resource's URN under the engine; offline, undefined. */
    urn?: string;
    props: Record<string, unknown>;
    /** Inputs the stack leaves as they are in the cloud (an adopted workgroup's configuration). */
    ignoreChanges?: readonly string[];
    /** Resources a property's value came from, by property (the engine's; none offline). */
    propertyDependencies?: Record<string, readonly ResourceView[]>;
}

/** How a role is recognised as one a Grafana workspace role may assume, beyond the defaults. */
export interface GrafanaDetection {
    /** Workspace role ARNs of your Amazon Managed Grafana workspaces (AMG's own are `.../AmazonGrafanaServiceRole-*`, recognised anyway). */
    workspaceRoleArns?: string[];
    /** Accounts that host Grafana workspaces: a role that trusts any principal of theirs counts. */
    grafanaAccountIds?: string[];
}

export interface Finding {
    resource: ResourceView;
    message: string;
}

export interface Rule {
    /** The policy's name, as `pulumi preview` and `npm run policy` print it. */
    name: string;
    description: string;
    /** What to change, printed with every violation. */
    fix: string;
    check(resources: readonly ResourceView[], detection: GrafanaDetection): Promise<Finding[]>;
}

export const TYPES = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    workgroup: "aws:athena/workgroup:Workgroup",
    buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

/** AMG's service-managed workspace role (`service-role/AmazonGrafanaServiceRole-<id>`). */
const AMG_SERVICE_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/(service-role\/)?AmazonGrafanaServiceRole-/;

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === "string");
const lower = (o: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** A policy property (JSON text or an object) as a document; undefined when unknown or not a policy. */
export function policyDocument(value: unknown): PolicyJson | undefined {
    let doc = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    if (!doc || typeof doc !== "object") return undefined;
    const statements = list((doc as { Statement?: unknown }).Statement).filter((s): s is StatementJson => !!s && typeof s === "object");
    return { Version: "2012-10-17", Statement: statements };
}

/** A condition's values for a key, under the operators given (operator and key compared as IAM does: key case-insensitively). */
function conditionValues(s: StatementJson, operators: readonly string[], key: string): string[] {
    const out: string[] = [];
    for (const [op, entries] of Object.entries(s.Condition ?? {})) {
        if (!operators.includes(op)) continue;
        const v = lower(entries as Record<string, unknown>)[key.toLowerCase()];
        out.push(...strings(v));
    }
    return out;
}

/** Whether an action list (with IAM wildcards) covers `action`. */
function covers(patterns: readonly string[], action: string): boolean {
    return patterns.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i").test(action));
}

const allowsAssume = (s: StatementJson) => s.Effect === "Allow" && covers(strings(s.Action), "sts:AssumeRole");

function awsPrincipals(s: StatementJson): string[] {
    const p = s.Principal as unknown;
    if (p === "*") return ["*"];
    return strings((p as Record<string, unknown> | undefined)?.AWS);
}

function accountOfPrincipal(p: string): string | undefined {
    if (/^\d{12}$/.test(p)) return p;
    return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(p)?.[1];
}

/** The Allow statements of a trust policy that let a Grafana workspace role in: by its ARN, its account, or a role tagged for Grafana. */
function grafanaStatements(trust: PolicyJson, tagged: boolean, d: GrafanaDetection): StatementJson[] {
    const roles = new Set(d.workspaceRoleArns ?? []);
    const accounts = new Set(d.grafanaAccountIds ?? []);
    return trust.Statement.filter(allowsAssume).filter((s) => {
        if (tagged) return true;
        const named = [...awsPrincipals(s), ...conditionValues(s, ["ArnEquals", "ArnLike", "StringEquals", "StringLike"], "aws:PrincipalArn")];
        return named.some((a) => roles.has(a) || AMG_SERVICE_ROLE.test(a) || (accountOfPrincipal(a) !== undefined && accounts.has(accountOfPrincipal(a)!)));
    });
}

interface GrafanaRole {
    role: ResourceView;
    statements: StatementJson[];
}

/** The roles of the stack whose trust lets a Grafana workspace role in (or that claim to, by the tag). */
export function grafanaRoles(resources: readonly ResourceView[], d: GrafanaDetection): GrafanaRole[] {
    return resources
        .filter((r) => r.type === TYPES.role)
        .flatMap((role) => {
            const trust = policyDocument(role.props.assumeRolePolicy);
            if (!trust) return [];
            const tagged = GRAFANA_TAG_KEY in ((role.props.tags as Record<string, unknown>) ?? {});
            const statements = grafanaStatements(trust, tagged, d);
            return statements.length > 0 ? [{ role, statements }] : [];
        });
}

/** A role's identity policies in the stack: inline on the role, role policies, attached customer-managed policies. */
function identityPolicies(role: ResourceView, resources: readonly ResourceView[]): { resource: ResourceView; doc: PolicyJson }[] {
    const name = role.props.name;
    const isThisRole = (r: ResourceView, v: unknown) =>
        (r.propertyDependencies?.role ?? []).some((x) => x.name === role.name && x.type === role.type) ||
        (typeof v === "string" && typeof name === "string" && (v === name || v.endsWith(`:role/${name}`) || v.endsWith(`/${name}`)));
    const out: { resource: ResourceView; doc: PolicyJson }[] = [];
    for (const p of list(role.props.inlinePolicies)) {
        const doc = policyDocument((p as { policy?: unknown })?.policy);
        if (doc) out.push({ resource: role, doc });
    }
    const managed = resources.filter((r) => r.type === TYPES.policy);
    const arnsOf = (policy: ResourceView) => {
        const n = policy.props.name;
        return typeof n === "string" ? (arn: string) => arn.endsWith(`:policy/${n}`) || arn.endsWith(`/${n}`) : () => false;
    };
    const attachedArns = [
        ...strings(role.props.managedPolicyArns),
        ...resources.filter((r) => r.type === TYPES.attachment && isThisRole(r, r.props.role)).flatMap((a) => strings(a.props.policyArn)),
    ];
    const attachedByDependency = resources
        .filter((r) => r.type === TYPES.attachment && isThisRole(r, r.props.role))
        .flatMap((a) => a.propertyDependencies?.policyArn ?? []);
    for (const policy of managed) {
        const matches = arnsOf(policy);
        if (!attachedArns.some(matches) && !attachedByDependency.some((x) => x.name === policy.name && x.type === policy.type)) continue;
        const doc = policyDocument(policy.props.policy);
        if (doc) out.push({ resource: policy, doc });
    }
    for (const rp of resources.filter((r) => r.type === TYPES.rolePolicy && isThisRole(r, r.props.role))) {
        const doc = policyDocument(rp.props.policy);
        if (doc) out.push({ resource: rp, doc });
    }
    return out;
}

const sid = (s: StatementJson, i: number) => (typeof s.Sid === "string" && s.Sid ? s.Sid : `#${i + 1}`);

export const RULES: readonly Rule[] = [
    {
        name: "grafana-trust-requires-external-id",
        description: "A role a Grafana workspace role may assume requires an external ID (sts:ExternalId, StringEquals, at least 32 characters): the confused-deputy guard.",
        fix: 'add Condition StringEquals "sts:ExternalId" = a random secret of 32 or more characters (as infra-account-b does), and give it to the data source only',
        async check(resources, d) {
            return grafanaRoles(resources, d).flatMap(({ role, statements }) =>
                statements.flatMap((s, i) => {
                    const ids = conditionValues(s, ["StringEquals"], "sts:ExternalId");
                    if (ids.length === 0) return [{ resource: role, message: `trust statement "${sid(s, i)}" lets a Grafana workspace role assume the role without an external ID` }];
                    // A value shown as [secret] (an offline plan) or the real secret under the engine: only a known value is measured, never echoed.
                    const weak = ids.filter((v) => v !== "[secret]" && !EXTERNAL_ID.test(v));
                    return weak.length > 0 ? [{ resource: role, message: `trust statement "${sid(s, i)}" has an external ID shorter than 32 characters or with characters STS refuses (its value is not shown)` }] : [];
                }),
            );
        },
    },
    {
        name: "grafana-trust-pins-workspace-role",
        description: "Only the workspace role itself may assume the role: a role principal, or the account root pinned by aws:PrincipalArn, never a wildcard.",
        fix: 'give the principal arn:<partition>:iam::<Grafana account>:root with Condition ArnEquals "aws:PrincipalArn" = the workspace role ARN (no wildcards)',
        async check(resources, d) {
            return grafanaRoles(resources, d).flatMap(({ role, statements }) =>
                statements.flatMap((s, i) => {
                    const pinned = conditionValues(s, ["ArnEquals", "StringEquals"], "aws:PrincipalArn");
                    const pinnedOk = pinned.length > 0 && pinned.every((a) => /:role\//.test(a) && !/[*?]/.test(a));
                    const loose = awsPrincipals(s).filter((p) => !(/:role\//.test(p) && !/[*?]/.test(p)));
                    if (loose.length === 0 || pinnedOk) return [];
                    return [{ resource: role, message: `trust statement "${sid(s, i)}" lets in ${loose.join(", ")} without pinning aws:PrincipalArn to the workspace role` }];
                }),
            );
        },
    },
    {
        name: "grafana-role-no-write-on-wildcard",
        description: 'The policies of a role Grafana may assume allow no Write, Permissions management or Tagging action on Resource "*" (the IAM catalog check of shared/iam/validate.ts).',
        fix: "name the ARNs each write action applies to (the results prefix, never *), as infra-account-b's access policy does",
        async check(resources, d) {
            const findings: Finding[] = [];
            for (const { role } of grafanaRoles(resources, d)) {
                for (const { resource, doc } of identityPolicies(role, resources)) {
                    const problems = await validatePolicy(doc, "managed");
                    for (const p of problems.filter((x) => /on Resource "\*"/.test(x))) {
                        findings.push({ resource, message: `${resource === role ? "an inline policy" : "the policy"} of role ${String(role.props.name ?? role.name)}: ${p}` });
                    }
                }
            }
            return findings;
        },
    },
    {
        name: "grafana-athena-through-tagged-workgroup",
        description: `A role Grafana may assume runs Athena queries only in named workgroups tagged ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE} (StringEquals aws:ResourceTag), and a workgroup tagged for Grafana carries exactly "${GRAFANA_TAG_VALUE}" and enforces its settings.`,
        fix: `grant the Athena query actions on arn:<partition>:athena:<region>:<account>:workgroup/<name> with Condition StringEquals "aws:ResourceTag/${GRAFANA_TAG_KEY}" = "${GRAFANA_TAG_VALUE}"; tag the workgroup ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE} with enforceWorkgroupConfiguration true`,
        async check(resources, d) {
            const findings: Finding[] = [];
            for (const { role } of grafanaRoles(resources, d)) {
                for (const { resource, doc } of identityPolicies(role, resources)) {
                    doc.Statement.forEach((s, i) => {
                        if (s.Effect !== "Allow") return;
                        const query = ATHENA_QUERY_ACTIONS.filter((a) => a !== "athena:GetWorkGroup" && covers(strings(s.Action), a));
                        if (query.length === 0) return;
                        const onAll = strings(s.Resource).some((r) => r === "*" || !/:workgroup\/[^*?]+$/.test(r));
                        const tag = conditionValues(s, ["StringEquals"], `aws:ResourceTag/${GRAFANA_TAG_KEY}`);
                        if (onAll || !(tag.length === 1 && tag[0] === GRAFANA_TAG_VALUE)) {
                            findings.push({
                                resource,
                                message: `statement "${sid(s, i)}" of role ${String(role.props.name ?? role.name)} allows ${query.join(", ")} ${onAll ? "beyond named workgroups" : ""}${onAll && tag.length !== 1 ? " and " : ""}${tag.length === 1 && tag[0] === GRAFANA_TAG_VALUE ? "" : `without StringEquals aws:ResourceTag/${GRAFANA_TAG_KEY} = "${GRAFANA_TAG_VALUE}"`}`.replace(/\s+$/, ""),
                            });
                        }
                    });
                }
            }
            for (const wg of resources.filter((r) => r.type === TYPES.workgroup)) {
                const tags = (wg.props.tags as Record<string, unknown>) ?? {};
                if (!(GRAFANA_TAG_KEY in tags)) continue;
                if (tags[GRAFANA_TAG_KEY] !== GRAFANA_TAG_VALUE) findings.push({ resource: wg, message: `workgroup tag ${GRAFANA_TAG_KEY} is ${JSON.stringify(String(tags[GRAFANA_TAG_KEY]).slice(0, 40))}, not exactly "${GRAFANA_TAG_VALUE}"` });
                // An adopted workgroup's settings are not the stack's to change (ignoreChanges): not judged.
                const adopted = (wg.ignoreChanges ?? []).includes("configuration");
                const enforced = (wg.props.configuration as { enforceWorkgroupConfiguration?: unknown } | undefined)?.enforceWorkgroupConfiguration;
                if (!adopted && enforced !== true) findings.push({ resource: wg, message: "workgroup tagged for Grafana does not enforce its configuration: a query could send its results anywhere" });
            }
            return findings;
        },
    },
    {
        name: "athena-results-bucket-tls-only",
        description: "A bucket the stack creates for Athena query results has a bucket policy that denies every request without TLS (Security Hub control S3.5), as shared/policies/resultsBucket.ts builds it.",
        fix: 'add an aws.s3.BucketPolicy on the bucket with the statement Deny s3:* on the bucket and its objects to Principal AWS "*" when Bool aws:SecureTransport = "false"',
        async check(resources) {
            const findings: Finding[] = [];
            const resultBuckets = new Set(
                resources
                    .filter((r) => r.type === TYPES.workgroup)
                    .map((w) => (w.props.configuration as { resultConfiguration?: { outputLocation?: unknown } } | undefined)?.resultConfiguration?.outputLocation)
                    .filter((l): l is string => typeof l === "string")
                    .map((l) => parseS3Url(l)?.bucket)
                    .filter((b): b is string => b !== undefined),
            );
            for (const bucket of resources.filter((r) => (TYPES.buckets as readonly string[]).includes(r.type))) {
                const name = bucket.props.bucket;
                if (typeof name !== "string" || !resultBuckets.has(name)) continue;
                const policies = resources.filter((r) => r.type === TYPES.bucketPolicy && r.props.bucket === name).map((r) => policyDocument(r.props.policy));
                const ok = policies.some((doc) => doc !== undefined && denialsOf(doc).some((s) => sameStatement(s, expectedDenial(name, doc))));
                if (!ok) findings.push({ resource: bucket, message: `Athena results bucket ${name} does not deny requests without TLS` });
            }
            return findings;
        },
    },
    {
        name: "grafana-roles-tagged",
        description: `A role a Grafana workspace role may assume carries the tag ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}: the workspace's assume policy requires it, and reviews find such roles by it.`,
        fix: `tag the role ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}`,
        async check(resources, d) {
            return grafanaRoles(resources, d)
                .filter(({ role }) => ((role.props.tags as Record<string, unknown>) ?? {})[GRAFANA_TAG_KEY] !== GRAFANA_TAG_VALUE)
                .map(({ role }) => ({ resource: role, message: `role ${String(role.props.name ?? role.name)} lets a Grafana workspace role in but is not tagged ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}` }));
        },
    },
];

const denialsOf = (doc: PolicyJson) => doc.Statement.filter((s) => s.Effect === "Deny");

/** The TLS-only statement shared/policies/resultsBucket.ts builds, in the partition the policy's ARNs use. */
function expectedDenial(bucket: string, doc: PolicyJson): StatementJson {
    const partition = /^arn:(aws[a-z-]*):s3:::/.exec(doc.Statement.flatMap((s) => strings(s.Resource))[0] ?? "")?.[1] ?? "aws";
    return resultsBucketPolicy(bucket, partition).toJSON().Statement[0];
}

/** The same statement, Sid aside, lists compared as sets. */
function sameStatement(a: StatementJson, b: StatementJson): boolean {
    const norm = (s: StatementJson) =>
        JSON.stringify({
            Effect: s.Effect,
            Principal: Object.fromEntries(Object.entries((s.Principal as unknown) === "*" ? { AWS: "*" } : ((s.Principal as Record<string, unknown>) ?? {})).map(([k, v]) => [k, strings(v).sort()])),
            Action: strings(s.Action).sort(),
            Resource: strings(s.Resource).sort(),
            Condition: Object.fromEntries(Object.entries(s.Condition ?? {}).map(([op, e]) => [op, Object.fromEntries(Object.entries(lower(e as Record<string, unknown>)).map(([k, v]) => [k, strings(v).map((x) => x.toLowerCase()).sort()]))])),
        });
    return norm(a) === norm(b);
}
