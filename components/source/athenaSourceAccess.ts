// One namespace module each, not the package index: a type-check then reads these services' declarations
// only.
import * as athena from "@pulumi/aws/athena";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    BucketResultsSettings,
    SourceSettings,
    isManagedResults,
    policyResults,
} from "../../shared/config/source";
import { adoptedWorkgroupProblem } from "../../shared/adoptedWorkgroup";
import { CONTRACT_VERSION, SourceContractInputs, SourceContractOutputs } from "../../shared/contract";
import { checkedPolicyJson } from "../../shared/iam/checked";
import { ResourceRefusal, refusing } from "../../shared/resourceRefusal";
import { defaultSourceLabel } from "../../shared/naming";
import {
    GRAFANA_TAG_KEY,
    GRAFANA_TAG_VALUE,
    sourceAccessPolicies,
    sourceTrustPolicy,
} from "../../shared/policies/sourceRole";
import { partitionOf } from "../../shared/partition";
import { resultsBucketPolicy } from "../../shared/policies/resultsBucket";
import { S3Location, s3Url } from "../../shared/s3";
import type { SourceDashboardFile } from "../../shared/sourceDashboardFiles";

interface AthenaSourceAccessArgs extends SourceSettings {
    /** The data account's region (the AWS provider's region): where Athena runs and the role is used. */
    region: string;
    /**
     * The files of `dashboardFiles`, read and checked by the source and root programs
     * (shared/sourceDashboardFiles.ts); the component package reads no files, and refuses `dashboardFiles`.
     */
    dashboardFileContents?: readonly SourceDashboardFile[];
    /**
     * Tags for every resource the component creates. Default: `ManagedBy=pulumi`, `Component=grafana-athena`.
     */
    tags?: Record<string, string>;
}

/** Athena's engine version 3: query result reuse needs it. */
const ATHENA_ENGINE_VERSION = "Athena engine version 3";

/**
 * Everything a data account needs so that one Grafana workspace in another account may query its
 * Athena, and nothing more: the tagged workgroup, the results bucket, and the role Grafana assumes
 * with an external ID. Steps 1-3 of the console walkthrough, as code.
 */
export class AthenaSourceAccess extends pulumi.ComponentResource {
    /** The role Grafana assumes. */
    public readonly role: iam.Role;
    /** The access policies attached to the role (more than one only for very long table lists). */
    public readonly policies: iam.Policy[];
    /** The workgroup, created or adopted; undefined never. */
    public readonly workgroup: athena.Workgroup;
    /** The results bucket, when the component created it. */
    public readonly resultsBucket?: s3.Bucket;
    /** What the workspace stack reads. */
    public readonly contract: SourceContractOutputs;

    constructor(name: string, args: AthenaSourceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("grafana-athena:source:AthenaSourceAccess", name, {}, opts);
        const tags = args.tags ?? { ManagedBy: "pulumi", Component: "grafana-athena" };
        const partition = partitionOf(args.region) ?? "aws";
        const accountId = getCallerIdentityOutput({}, { parent: this }).accountId;
        const bucketResults = isManagedResults(args.results) ? undefined : args.results;
        const results: S3Location | undefined = bucketResults && {
            bucket: bucketResults.bucket,
            prefix: bucketResults.prefix,
        };

        // 48 characters, over the 32 the contract requires of an external ID (shared/contract.ts): too
        // long to guess, the confused-deputy guard of the trust policy. The engine keeps RandomPassword's
        // result secret in state; wrapping it here also makes everything computed from it secret in the
        // program.
        const externalIdResource = new random.RandomPassword(
            `${name}-external-id`,
            { length: 48, special: false },
            { parent: this },
        );
        const externalId = pulumi.secret(externalIdResource.result);

        // Managed query results: no bucket at all, created or adopted.
        const resultsReady = bucketResults?.create
            ? this.createResultsBucket(name, args, bucketResults, partition, tags)
            : undefined;
        this.resultsBucket = resultsReady?.bucket;
        this.workgroup = args.workgroup.create
            ? this.createWorkgroup(name, args, results, tags, resultsReady?.last)
            : this.adoptWorkgroup(name, args.workgroup.name);
        this.role = this.createRole(name, args, partition, accountId, externalId, tags);
        const attachments = this.attachAccessPolicies(name, args, partition, accountId, tags);
        this.policies = attachments.map((a) => a.policy);

        const workgroupName = this.workgroup.name;
        this.contract = {
            contractVersion: pulumi.output(CONTRACT_VERSION),
            accountId,
            region: pulumi.output(args.region),
            // Known only once the role may do its job: whatever uses the ARN (a data source, its
            // health check) then waits for the access policies to be attached.
            roleArn: pulumi
                .all([this.role.arn, ...attachments.map((a) => a.attachment.id)])
                .apply(([arn]) => arn),
            externalId,
            catalog: pulumi.output(args.catalog),
            database: pulumi.output(args.database),
            workgroup: workgroupName,
            // One of the two, by the results' form: an output location with a results bucket;
            // with Athena's managed results none (Athena refuses one then) and `resultsMode`.
            ...(results
                ? { outputLocation: this.checked(args, s3Url(results)) }
                : { resultsMode: this.checked(args, "managed" as const) }),
            label:
                args.label !== undefined
                    ? pulumi.output(args.label)
                    : pulumi.all([accountId, workgroupName]).apply(([a, w]) => defaultSourceLabel(a, w)),
            // What the role grants, so that the workspace can check every panel's SQL against it.
            tables: pulumi.output([...args.tables]),
            // Always exported, [] when the stack file sets none: an undefined stack output makes the
            // Pulumi CLI warn on every run ("Undefined value (panels) will not show as a stack
            // output", @pulumi/pulumi runtime/stack.js `massage`, checked with 3.276.0).
            panels: pulumi.output(args.panels.map((p) => ({ ...p }))),
            variables: pulumi.output((args.variables ?? []).map((v) => ({ ...v }))),
            alerts: pulumi.output(args.alerts.map((a) => ({ ...a }))),
            // Only when there are files: the example plans and every source without files keep their outputs.
            ...(args.dashboardFiles.length > 0 ? { dashboardFiles: this.dashboardFiles(args) } : {}),
            teams: pulumi.output([...args.teams]),
        };
        this.registerOutputs({ ...this.contract });
    }

    /**
     * A workgroup of the stack's own: enforced settings, engine v3 (query result reuse), a scan
     * cutoff, results encrypted where the role may write. `forceDestroy` is Athena's
     * `RecursiveDeleteOption`: without it Athena refuses to delete a workgroup that has query
     * history or saved queries ("WorkGroup is not empty"), and the health check runs a query
     * there; it removes only that history and those saved queries, never data or result files.
     */
    private createWorkgroup(
        name: string,
        args: AthenaSourceAccessArgs,
        results: S3Location | undefined,
        tags: Record<string, string>,
        resultsReady: pulumi.Resource | undefined,
    ): athena.Workgroup {
        const resultsKmsKey = args.kmsKeyArns[0];
        const managedKey = isManagedResults(args.results) ? args.results.kmsKeyArn : undefined;
        return new athena.Workgroup(
            `${name}-workgroup`,
            {
                name: args.workgroup.name,
                description: "Athena workgroup for Amazon Managed Grafana (managed by Pulumi)",
                forceDestroy: true,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: args.workgroup.bytesScannedCutoffPerQuery,
                    engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
                    // Exclusive: Athena refuses a workgroup with managed query results and an output
                    // location (ManagedQueryResultsConfiguration, Athena API reference).
                    ...(results
                        ? {
                              resultConfiguration: {
                                  outputLocation: s3Url(results),
                                  encryptionConfiguration: resultsKmsKey
                                      ? { encryptionOption: "SSE_KMS", kmsKeyArn: resultsKmsKey }
                                      : { encryptionOption: "SSE_S3" },
                              },
                          }
                        : {
                              managedQueryResultsConfiguration: {
                                  enabled: true,
                                  encryptionConfiguration: managedKey ? { kmsKey: managedKey } : undefined,
                              },
                          }),
                },
                tags: { ...tags, [GRAFANA_TAG_KEY]: GRAFANA_TAG_VALUE },
            },
            // No query can write results before the results bucket is private, encrypted and TLS-only.
            { parent: this, dependsOn: resultsReady ? [resultsReady] : [] },
        );
    }

    /** The role Grafana assumes: only the workspace role, with the external ID. */
    private createRole(
        name: string,
        args: AthenaSourceAccessArgs,
        partition: string,
        accountId: pulumi.Output<string>,
        externalId: pulumi.Output<string>,
        tags: Record<string, string>,
    ): iam.Role {
        const trust = sourceTrustPolicy({
            grafanaAccountId: args.grafanaAccountId,
            grafanaRoleArn: args.grafanaRoleArn,
            externalId,
            roleName: args.roleName,
            partition,
        });
        return new iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                description:
                    `Assumed by the Amazon Managed Grafana workspace role ` +
                    `${args.grafanaRoleArn} to query Athena`,
                assumeRolePolicy: checkedPolicyJson(
                    trust,
                    "Shorten the workspace role ARN, or raise the trust policy quota.",
                    this,
                ),
                maxSessionDuration: 3600,
                // Set when the role is created: a deploy role made by the bootstrap may create it
                // only with the boundary, and may never add or remove one later.
                permissionsBoundary: args.permissionsBoundary
                    ? pulumi.interpolate`arn:${partition}:iam::${accountId}:policy/${
                          args.permissionsBoundary
                      }`
                    : undefined,
                // The workspace may assume only roles that carry the tag (its assume policy's condition).
                tags: { ...tags, [GRAFANA_TAG_KEY]: GRAFANA_TAG_VALUE },
            },
            { parent: this },
        );
    }

    /** The role's access policies (more than one only for very long table lists), each attached. */
    private attachAccessPolicies(
        name: string,
        args: AthenaSourceAccessArgs,
        partition: string,
        accountId: pulumi.Output<string>,
        tags: Record<string, string>,
    ): { policy: iam.Policy; attachment: iam.RolePolicyAttachment }[] {
        const documents = refusing(this, () =>
            sourceAccessPolicies({
                policyName: `${args.roleName}-Athena`,
                accountId,
                region: args.region,
                catalog: args.catalog,
                database: args.database,
                workgroup: args.workgroup.name,
                tables: args.tables,
                dataLocations: args.dataLocations,
                results: policyResults(args.results),
                kmsKeyArns: args.kmsKeyArns,
                catalogKmsKeyArn: args.catalogKmsKeyArn,
                lakeFormation: args.lakeFormation,
                partition,
            }),
        );
        return documents.map((doc, i) => {
            const suffix = i === 0 ? "access" : `access-${i + 1}`;
            const policy = new iam.Policy(
                `${name}-${suffix}`,
                {
                    name: doc.name,
                    description: `Least-privilege Athena, Glue and S3 access for Grafana (${args.database})`,
                    policy: checkedPolicyJson(doc, "List fewer tables or data locations.", this),
                    tags,
                },
                { parent: this },
            );
            const attachment = new iam.RolePolicyAttachment(
                `${name}-${suffix}-attachment`,
                { role: this.role.name, policyArn: policy.arn },
                { parent: this },
            );
            return { policy, attachment };
        });
    }

    /** `value`, once an adopted workgroup is known to fit the stack's `results`. */
    private checked<T extends string>(args: AthenaSourceAccessArgs, value: T): pulumi.Output<T> {
        return args.workgroup.create
            ? (pulumi.output(value) as pulumi.Output<T>)
            : this.checkAdoptedWorkgroup(args, value);
    }

    /** The contract as a workspace in the same program reads it (the root project's). */
    public contractInputs(): SourceContractInputs {
        const { externalId, ...rest } = this.contract;
        return { public: pulumi.all(rest as Record<string, pulumi.Input<unknown>>), externalId };
    }

    private existingWorkgroup?: athena.Workgroup;

    /** The files of `dashboardFiles` as the programs read them; refused where nothing read them. */
    private dashboardFiles(args: AthenaSourceAccessArgs): pulumi.Output<SourceDashboardFile[]> {
        const files = args.dashboardFileContents;
        if (files === undefined || files.length !== args.dashboardFiles.length)
            throw new ResourceRefusal(
                "dashboardFiles: the source and root programs read the files from the stack file's " +
                    "folder; the component package takes no files",
                this,
            );
        return pulumi.output(files.map((f) => ({ ...f })));
    }

    /**
     * An existing workgroup gets the tag, and nothing else: it is imported (so the tag can be
     * applied without creating anything), every setting but the tags is ignored (so the stack never
     * reconfigures it, and `forceDestroy` stays unset), its other tags are kept (read first, merged),
     * and `retainOnDelete` means `pulumi destroy` only forgets it. The tag itself stays after
     * destroy; without the role it grants nothing.
     */
    private adoptWorkgroup(name: string, workgroupName: string): athena.Workgroup {
        this.existingWorkgroup = athena.Workgroup.get(
            `${name}-workgroup-existing`,
            workgroupName,
            undefined,
            { parent: this },
        );
        const mergedTags = this.existingWorkgroup.tags.apply((t) => ({
            ...(t ?? {}),
            [GRAFANA_TAG_KEY]: GRAFANA_TAG_VALUE,
        }));
        return new athena.Workgroup(
            `${name}-workgroup`,
            { name: workgroupName, tags: mergedTags },
            {
                parent: this,
                import: workgroupName,
                retainOnDelete: true,
                ignoreChanges: ["configuration", "description", "state", "forceDestroy"],
            },
        );
    }

    /**
     * The adopted workgroup's settings fit the stack's `results` (shared/adoptedWorkgroup.ts), or
     * the run is refused rather than deploy a data source that cannot query.
     */
    private checkAdoptedWorkgroup<T extends string>(
        args: AthenaSourceAccessArgs,
        value: T,
    ): pulumi.Output<T> {
        return this.existingWorkgroup!.configuration.apply((c): string => {
            const problem = adoptedWorkgroupProblem(args.workgroup.name, c, args.results);
            if (problem) throw new ResourceRefusal(problem, this);
            return value;
        }) as pulumi.Output<T>;
    }

    /**
     * A private, encrypted, TLS-only results bucket whose results expire. Its settings are applied
     * one after another: S3 answers settings applied in parallel to a fresh bucket intermittently
     * with "OperationAborted: A conflicting conditional operation is currently in progress"
     * (hashicorp/terraform-provider-aws#7628). `last` is the final step: whatever writes to the
     * bucket waits for it.
     */
    private createResultsBucket(
        name: string,
        args: AthenaSourceAccessArgs,
        results: BucketResultsSettings,
        partition: string,
        tags: Record<string, string>,
    ): { bucket: s3.Bucket; last: pulumi.Resource } {
        const bucket = new s3.Bucket(
            `${name}-results`,
            { bucket: results.bucket, forceDestroy: false, tags },
            { parent: this },
        );
        const after = (previous: pulumi.Resource): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn: [previous],
        });
        const ownership = new s3.BucketOwnershipControls(
            `${name}-results-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            after(bucket),
        );
        const publicAccess = new s3.BucketPublicAccessBlock(
            `${name}-results-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            after(ownership),
        );
        const encryption = new s3.BucketServerSideEncryptionConfiguration(
            `${name}-results-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    args.kmsKeyArns[0]
                        ? {
                              applyServerSideEncryptionByDefault: {
                                  sseAlgorithm: "aws:kms",
                                  kmsMasterKeyId: args.kmsKeyArns[0],
                              },
                              bucketKeyEnabled: true,
                          }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            after(publicAccess),
        );
        const lifecycle = new s3.BucketLifecycleConfiguration(
            `${name}-results-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-grafana-query-results",
                        status: "Enabled",
                        filter: { prefix: results.prefix },
                        expiration: { days: results.expirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            after(encryption),
        );
        const tlsOnly = new s3.BucketPolicy(
            `${name}-results-policy`,
            {
                bucket: bucket.id,
                policy: checkedPolicyJson(
                    resultsBucketPolicy(results.bucket, partition),
                    "The bucket policy has one statement.",
                    this,
                ),
            },
            after(lifecycle),
        );
        return { bucket, last: tlsOnly };
    }
}
