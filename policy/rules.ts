/**
 * The security model as rules that judge any stack's resources, not only this program's: what
 * `pulumi preview --policy-pack policy` runs (policy/index.ts) and what `npm run policy` runs on
 * offline plans (tools/ci/policy.ts). docs/policy-pack.md states them as rules a reviewer can check.
 * Which roles are judged and their trust: policy/trust.ts; where their permissions come from:
 * policy/permissions.ts; what those permissions may grant: policy/grants.ts; what the rules read of
 * each role: policy/roleGrants.ts. The rules reuse
 * shared/ (the external ID rule, the Athena query actions and tag, the TLS-only bucket policy),
 * so this pack and the programs cannot drift.
 *
 * A resource is what the engine shows a stack policy (@pulumi/policy 1.21.0 `PolicyResource`):
 * its type token, its name and its input properties, where a secret arrives as its value and a
 * value unknown in a preview is `UNKNOWN` (policy/pack.ts). What is unknown is judged when known.
 */
import { ATHENA_QUERY_ACTIONS, GRAFANA_TAG_KEY, GRAFANA_TAG_VALUE } from "../shared/policies/sourceRole";
import { parseS3Url } from "../shared/s3";
import { globMatch } from "./glob";
import { judgeStatements } from "./grants";
import { s3WriteFindings } from "./s3Writes";
import {
    Finding,
    grantFindings,
    grantedPolicies,
    isNamedWorkgroup,
    permissionsOf,
    roleName,
    trustStatements,
} from "./roleGrants";
import { workspaceTrustFindings } from "./workspaceRoles";
import { lakeFormationAndKmsFindings } from "./resourceGrants";
import { denialsOf, expectedDenial, sameStatement } from "./tlsOnly";
import { IAM_TYPES, undefinedExclusiveNames } from "./permissions";
import { PackSettings, externalIdProblem, grafanaRoles, trustProblem, workspacesFor } from "./trust";
import {
    ResourceView,
    isRecord,
    list,
    parsePolicy,
    show,
    statementId,
    strings,
    tagOf,
    valuesByKey,
} from "./values";

export { grafanaRoles } from "./trust";
export type { ResourceView } from "./values";
/** The settings every policy accepts (the pack's config). */
export type GrafanaDetection = PackSettings;

export type { Finding } from "./roleGrants";

export interface Rule {
    /** The policy's name, as `pulumi preview` and `npm run policy` print it. */
    name: string;
    description: string;
    /** What to change, printed with every violation. */
    fix: string;
    check(resources: readonly ResourceView[], settings: PackSettings): Promise<Finding[]>;
}

export const TYPES = {
    ...IAM_TYPES,
    workgroup: "aws:athena/workgroup:Workgroup",
    buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

export const RULES: readonly Rule[] = [
    {
        name: "grafana-trust-requires-external-id",
        description:
            "A role a Grafana workspace role may assume requires an external ID (sts:ExternalId, " +
            "StringEquals, at least 32 characters) in every statement of its trust policy: the " +
            "confused-deputy guard.",
        fix:
            'add Condition StringEquals "sts:ExternalId" = a random secret of 32 or more characters ' +
            "(as infra-account-b does), and give it to the data source only",
        async check(resources, settings) {
            return trustStatements(grafanaRoles(resources, settings)).flatMap(({ role, s, id }) => {
                const problem = externalIdProblem(s);
                return problem ? [{ resource: role, message: `trust statement "${id}" ${problem}` }] : [];
            });
        },
    },
    {
        name: "grafana-trust-pins-workspace-role",
        description:
            "Only a Grafana workspace role may assume the role: every statement of its trust allows " +
            "exactly sts:AssumeRole to the workspace role's ARN, or to its account root pinned by " +
            "ArnEquals aws:PrincipalArn to a workspace role; no wildcard, NotPrincipal, NotAction, or " +
            "other principal.",
        fix:
            "allow only sts:AssumeRole to arn:<partition>:iam::<Grafana account>:root " +
            'with Condition ArnEquals "aws:PrincipalArn" = the workspace role ARN (no ' +
            "wildcards), and remove every other statement",
        async check(resources, settings) {
            const roles = grafanaRoles(resources, settings);
            const findings: Finding[] = [];
            for (const { role, trust } of roles) {
                if (trust.kind === "bad")
                    findings.push({
                        resource: role,
                        message: `the trust policy of role ${roleName(role)} ${trust.why}`,
                    });
                if (trust.kind === "none")
                    findings.push({ resource: role, message: `role ${roleName(role)} has no trust policy` });
            }
            for (const { role, s, id } of trustStatements(roles)) {
                const problem = trustProblem(s, workspacesFor(role, settings));
                if (problem)
                    findings.push({
                        resource: role,
                        message: `trust statement "${id}" of role ${roleName(role)} ${problem}`,
                    });
            }
            return findings;
        },
    },
    {
        name: "grafana-workspace-role-trust",
        description:
            "A role the Grafana service (grafana.amazonaws.com) may assume is a workspace role: every " +
            "statement of its trust allows exactly sts:AssumeRole to exactly that service, with " +
            "StringEquals aws:SourceAccount naming only Grafana accounts (the confused-deputy guard); its " +
            "permissions are judged as a data source role's, but for sts:AssumeRole on the roles it names.",
        fix:
            'allow only sts:AssumeRole to Service "grafana.amazonaws.com" with Condition StringEquals ' +
            '"aws:SourceAccount" = the Grafana account (and ArnLike "aws:SourceArn" = its workspaces), as ' +
            "createWorkspace does; name that account in the pack's grafanaAccountIds",
        async check(resources, settings) {
            return workspaceTrustFindings(resources, settings).map(({ role, message }) => ({
                resource: role,
                message,
            }));
        },
    },
    {
        name: "grafana-role-no-write-on-wildcard",
        description:
            "The policies of a role Grafana may assume allow no Write, Permissions management or Tagging " +
            'action (IAM catalog) on Resource "*" or on a wildcard ARN (one whose wildcard stands for more ' +
            "than the last part of a named container, docs/policy-pack.md).",
        fix:
            "name the ARNs each write action applies to (the results prefix, " +
            "never *), as infra-account-b's access policy does",
        check: (resources, settings) => grantFindings(resources, settings, "write"),
    },
    {
        name: "grafana-athena-through-tagged-workgroup",
        description:
            `A role Grafana may assume runs Athena queries only in named workgroups tagged ` +
            `${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE} (StringEquals aws:ResourceTag), and a workgroup ` +
            `tagged for Grafana carries exactly "${GRAFANA_TAG_VALUE}" and enforces its settings.`,
        fix:
            `grant the Athena query actions on ` +
            `arn:<partition>:athena:<region>:<account>:workgroup/<name> with Condition ` +
            `StringEquals "aws:ResourceTag/${GRAFANA_TAG_KEY}" = "${GRAFANA_TAG_VALUE}"; tag ` +
            `the workgroup ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE} with ` +
            `enforceWorkgroupConfiguration true`,
        async check(resources, settings) {
            const findings: Finding[] = [];
            const tagKey = `aws:ResourceTag/${GRAFANA_TAG_KEY}`;
            for (const { perms } of permissionsOf(resources, settings)) {
                for (const p of perms.policies) {
                    if (p.policy.kind !== "doc") continue;
                    p.policy.statements.forEach((s, i) => {
                        if (s.Effect === "Deny") return;
                        const patterns = list(s.Action).filter((a): a is string => typeof a === "string");
                        const query = ATHENA_QUERY_ACTIONS.filter(
                            (a) => a !== "athena:GetWorkGroup" && patterns.some((x) => globMatch(x, a, true)),
                        );
                        if (query.length === 0) return;
                        const onAll =
                            list(s.Resource).some((r) => typeof r !== "string" || !isNamedWorkgroup(r)) ||
                            "NotResource" in s;
                        const c = isRecord(s.Condition) ? s.Condition.StringEquals : undefined;
                        const tag = valuesByKey(c, tagKey);
                        const tagged = tag.length === 1 && tag[0] === GRAFANA_TAG_VALUE;
                        if (!onAll && tagged) return;
                        const why = [
                            onAll ? "beyond named workgroups" : "",
                            tagged ? "" : `without StringEquals ${tagKey} = "${GRAFANA_TAG_VALUE}"`,
                        ]
                            .filter(Boolean)
                            .join(" and ");
                        findings.push({
                            resource: p.resource,
                            message:
                                `statement "${statementId(s, i)}" of ${p.label} ` +
                                `allows ${query.join(", ")} ${why}`,
                        });
                    });
                }
            }
            for (const wg of resources.filter((r) => r.type === TYPES.workgroup)) {
                const tag = tagOf(wg.props, GRAFANA_TAG_KEY);
                if (!tag.present) continue;
                if (tag.value !== GRAFANA_TAG_VALUE)
                    findings.push({
                        resource: wg,
                        message:
                            `workgroup tag ${GRAFANA_TAG_KEY} is ` +
                            `${JSON.stringify(show(tag.value, 40))}, not exactly ` +
                            `"${GRAFANA_TAG_VALUE}"`,
                    });
                // An adopted workgroup's settings are not the stack's to change (ignoreChanges): not judged.
                const adopted = (wg.ignoreChanges ?? []).includes("configuration");
                const configuration = wg.props.configuration;
                const enforced = isRecord(configuration)
                    ? configuration.enforceWorkgroupConfiguration
                    : undefined;
                if (!adopted && enforced !== true)
                    findings.push({
                        resource: wg,
                        message:
                            "workgroup tagged for Grafana does not enforce its " +
                            "configuration: a query could send its results anywhere",
                    });
            }
            return findings;
        },
    },
    {
        name: "grafana-role-s3-writes-only-to-results",
        description:
            "The policies of a role Grafana may assume allow S3 writes (Write, Permissions management or " +
            "Tagging actions) only on objects under the output location of a workgroup tagged for Grafana " +
            "that the stack configures itself, or under a location of the policy's resultsLocations " +
            "setting; none at all where those workgroups keep Athena's managed query results, or where the " +
            "stack has no such workgroup (none, or only adopted ones) and the setting names none. Judged " +
            "on named ARNs (grafana-role-no-write-on-wildcard refuses the others).",
        fix:
            "grant s3:PutObject, s3:AbortMultipartUpload only on arn:<partition>:s3:::<bucket>/<prefix>* " +
            "of the workgroup's output location; with managed query results (results: {managed: true}) " +
            "grant no S3 write; for a workgroup the stack adopts or does not hold, list its output " +
            "location in the policy's resultsLocations setting",
        check: async (resources, settings) =>
            s3WriteFindings(
                resources,
                grantedPolicies(resources, settings).map(({ docs }) => ({
                    perms: {
                        unseen: [],
                        policies: docs.map((d) => ({
                            ...d,
                            policy: { kind: "doc" as const, statements: d.statements },
                        })),
                    },
                })),
                settings,
            ),
    },
    {
        name: "athena-results-bucket-tls-only",
        description:
            "A bucket the stack creates for Athena query results has a bucket policy that denies every " +
            "request without TLS (Security Hub control S3.5), as shared/policies/resultsBucket.ts builds " +
            "it.",
        fix:
            "add an aws.s3.BucketPolicy on the bucket with the statement Deny s3:* on the bucket and its " +
            'objects to Principal AWS "*" when Bool aws:SecureTransport = "false"',
        async check(resources) {
            const findings: Finding[] = [];
            const resultBuckets = new Set<string>();
            for (const w of resources.filter((r) => r.type === TYPES.workgroup)) {
                const c = w.props.configuration;
                const rc = isRecord(c) ? c.resultConfiguration : undefined;
                const location = isRecord(rc) ? rc.outputLocation : undefined;
                const bucket = typeof location === "string" ? parseS3Url(location)?.bucket : undefined;
                if (bucket !== undefined) resultBuckets.add(bucket);
            }
            for (const bucket of resources.filter((r) =>
                (TYPES.buckets as readonly string[]).includes(r.type),
            )) {
                const name = bucket.props.bucket;
                if (typeof name !== "string" || !resultBuckets.has(name)) continue;
                const policies = resources
                    .filter((r) => r.type === TYPES.bucketPolicy && r.props.bucket === name)
                    .map((r) => parsePolicy(r.props.policy));
                const ok = policies.some(
                    (doc) =>
                        doc.kind === "doc" &&
                        denialsOf(doc.statements).some((s) =>
                            sameStatement(s, expectedDenial(name, doc.statements)),
                        ),
                );
                if (!ok)
                    findings.push({
                        resource: bucket,
                        message: `Athena results bucket ${name} does not deny requests without TLS`,
                    });
            }
            return findings;
        },
    },
    {
        name: "grafana-roles-tagged",
        description:
            `A role a Grafana workspace role may assume carries the tag ` +
            `${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}: the workspace's assume policy requires it, and ` +
            `reviews find such roles by it.`,
        fix: `tag the role ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}`,
        async check(resources, settings) {
            return grafanaRoles(resources, settings)
                .filter(({ role }) => tagOf(role.props, GRAFANA_TAG_KEY).value !== GRAFANA_TAG_VALUE)
                .map(({ role }) => ({
                    resource: role,
                    message:
                        `role ${roleName(role)} lets a Grafana workspace role in but is not ` +
                        `tagged ${GRAFANA_TAG_KEY}=${GRAFANA_TAG_VALUE}`,
                }));
        },
    },
    {
        name: "grafana-role-no-read-on-wildcard",
        description:
            'The policies of a role Grafana may assume allow Resource "*" only for List actions ' +
            "the IAM catalog says have no resource-level permissions, and no Read action on a " +
            "wildcard ARN: a data source reads only what it names.",
        fix:
            "name the ARNs each read action applies to (the data prefixes, the tables, " +
            "the workgroup), as infra-account-b's access policy does",
        check: (resources, settings) => grantFindings(resources, settings, "read"),
    },
    {
        name: "grafana-role-resource-grants",
        description:
            "What Lake Formation permissions and KMS key policies and grants give a role Grafana may " +
            "assume is as narrow as its own policies must be: SELECT and DESCRIBE on named tables (or all " +
            "tables of one named database), no grant option, no catalog-wide, tag-based or data-location " +
            "grant; kms:Decrypt, Encrypt, GenerateDataKey* and DescribeKey only.",
        fix:
            "grant the role SELECT on the named tables of its database only " +
            "(aws.lakeformation.Permissions), and only kms:Decrypt, kms:GenerateDataKey " +
            "and kms:DescribeKey on the keys of its data and results",
        async check(resources, settings) {
            const out: Finding[] = [];
            for (const { role } of permissionsOf(resources, settings))
                out.push(...(await lakeFormationAndKmsFindings(role, roleName(role), resources)));
            return out;
        },
    },
    {
        name: "grafana-role-no-role-chaining",
        description:
            "The policies of a role Grafana may assume allow no action that acts as another " +
            "principal, on any resource: sts:AssumeRole (and its SAML, web identity and root forms), " +
            "sts:GetFederationToken, iam:PassRole, iam:CreateAccessKey, iam:CreateLoginProfile, " +
            "iam:UpdateLoginProfile, iam:UpdateAssumeRolePolicy.",
        fix:
            "remove the action: Grafana assumes each data source role " +
            "directly, and the pack judges only roles it can see",
        check: (resources, settings) => grantFindings(resources, settings, "chain"),
    },
    {
        name: "grafana-role-no-not-action",
        description:
            "The policies of a role Grafana may assume have no Allow statement with " +
            "NotAction or NotResource: such a statement allows everything it does not " +
            "list, including actions and resources AWS adds later.",
        fix:
            "list the actions and resources the statement allows (Action and " +
            "Resource), never NotAction or NotResource with Allow",
        check: (resources, settings) => grantFindings(resources, settings, "not"),
    },
    {
        name: "grafana-role-policies-known",
        description:
            "Every policy of a role Grafana may assume is in the stack, readable and in the IAM catalog: " +
            "no AWS managed policy or policy from outside the stack unless its ARN is in the config's " +
            "allowedPolicyArns; no attachment the pack cannot connect to a policy; no policy text IAM " +
            "would refuse; no inline policy name kept by RolePoliciesExclusive that the stack does not " +
            "define.",
        fix:
            "define the role's permissions in the stack (aws.iam.Policy with a " +
            "RolePolicyAttachment, or a RolePolicy) with named actions and resources; allow a " +
            "policy from outside the stack by its ARN in allowedPolicyArns",
        async check(resources, settings) {
            const allowed = new Set(strings(settings.allowedPolicyArns));
            const findings: Finding[] = [];
            for (const { role, perms } of permissionsOf(resources, settings)) {
                for (const u of perms.unseen) {
                    if (u.arn !== undefined && allowed.has(u.arn)) continue;
                    const what =
                        u.arn === undefined
                            ? "a policy"
                            : u.arn.includes(":iam::aws:policy/")
                              ? `the AWS managed policy ${show(u.arn, 120)}`
                              : `the policy ${show(u.arn, 120)}`;
                    findings.push({
                        resource: u.resource,
                        message:
                            `attaches ${what} to role ${roleName(role)}: it ${u.why}, so ` +
                            `the pack cannot judge what it grants`,
                    });
                }
                for (const p of perms.policies)
                    if (p.policy.kind === "bad")
                        findings.push({ resource: p.resource, message: `the ${p.label} ${p.policy.why}` });
                for (const p of perms.policies) {
                    if (p.policy.kind !== "doc") continue;
                    for (const f of await judgeStatements(p.policy.statements)) {
                        if (f.kind === "bad")
                            findings.push({
                                resource: p.resource,
                                message: `statement ${f.message.replace(/^("[^"]*")/, `$1 of ${p.label}`)}`,
                            });
                    }
                }
                for (const x of undefinedExclusiveNames(role, resources, perms.policies)) {
                    findings.push({
                        resource: x.resource,
                        message:
                            `keeps the inline policy "${x.name}" on role ${roleName(role)}, ` +
                            `which no resource of the stack defines`,
                    });
                }
            }
            return findings;
        },
    },
];
