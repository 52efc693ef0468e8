/**
 * The stack-output contract between a source stack (`grafana-athena-source`, one per data
 * account) and the workspace stack (`grafana-athena-workspace`). The producer exports exactly
 * these names; the consumer reads them through a StackReference and refuses a source whose
 * `contractVersion` it does not know.
 */

import { roleArn as roleArnRule } from "./config/rules";

export const CONTRACT_VERSION = 1;

/** Every output a source stack exports, in a fixed order. */
export const CONTRACT_OUTPUTS = [
    "contractVersion",
    "accountId",
    "region",
    "roleArn",
    "externalId",
    "catalog",
    "database",
    "workgroup",
    "outputLocation",
    "label",
] as const;

export type ContractOutputName = (typeof CONTRACT_OUTPUTS)[number];

/** Outputs that are Pulumi secrets on both sides of the contract. */
export const SECRET_CONTRACT_OUTPUTS: readonly ContractOutputName[] = ["externalId"];

/** What a source stack tells the workspace stack, resolved. */
export interface SourceStackOutputs {
    /** Always `CONTRACT_VERSION` for this code. */
    contractVersion: number;
    /** The data account (12 digits). */
    accountId: string;
    /** The data account's Athena region. */
    region: string;
    /** The role Grafana assumes in the data account. */
    roleArn: string;
    /** The external ID the role's trust policy requires (secret). */
    externalId: string;
    /** Athena data catalog, e.g. `AwsDataCatalog`. */
    catalog: string;
    /** Glue/Athena database. */
    database: string;
    /** Athena workgroup tagged `GrafanaDataSource=true`. */
    workgroup: string;
    /** Where Athena writes results, `s3://bucket/prefix/`. */
    outputLocation: string;
    /** A human name for the source, used for the data source and dashboard names. */
    label: string;
}

/**
 * Checks resolved outputs read from the stack `stack`. Returns the typed outputs, or throws an
 * error that names the stack and every output that is missing or malformed.
 */
export function checkSourceOutputs(stack: string, values: Record<string, unknown>): SourceStackOutputs {
    const problems: string[] = [];
    const version = values.contractVersion;
    if (version === undefined || version === null) {
        problems.push(`output "contractVersion" is missing (is "${stack}" a grafana-athena-source stack, and has it been deployed?)`);
    } else if (Number(version) !== CONTRACT_VERSION) {
        problems.push(
            `output "contractVersion" is ${JSON.stringify(version)}, but this workspace stack understands only version ${CONTRACT_VERSION}; ` +
                `deploy both projects from the same release`,
        );
    }
    for (const name of CONTRACT_OUTPUTS) {
        if (name === "contractVersion") continue;
        const v = values[name];
        if (typeof v !== "string" || v.length === 0) {
            problems.push(`output "${name}" is ${v === undefined ? "missing" : "not a non-empty string"}`);
        }
    }
    if (typeof values.accountId === "string" && !/^\d{12}$/.test(values.accountId)) {
        problems.push(`output "accountId" is not a 12-digit account ID`);
    }
    if (typeof values.roleArn === "string" && !roleArnRule.safeParse(values.roleArn).success) {
        problems.push(`output "roleArn" is not an IAM role ARN`);
    }
    // The whole bucket (`s3://bucket/`) is a valid results location too.
    if (typeof values.outputLocation === "string" && !/^s3:\/\/[^/]+\/(.*\/)?$/.test(values.outputLocation)) {
        problems.push(`output "outputLocation" must look like s3://bucket/ or s3://bucket/prefix/`);
    }
    if (problems.length > 0) {
        throw new Error(`source stack "${stack}": ${problems.join("; ")}`);
    }
    const v = values as Record<ContractOutputName, string>;
    return {
        contractVersion: Number(version),
        accountId: v.accountId,
        region: v.region,
        roleArn: v.roleArn,
        externalId: v.externalId,
        catalog: v.catalog,
        database: v.database,
        workgroup: v.workgroup,
        outputLocation: v.outputLocation,
        label: v.label,
    };
}

/** Everything a source tells the workspace except its secret, which travels separately. */
export type PublicSourceOutputs = Omit<SourceStackOutputs, "externalId">;

/**
 * Checks a source's outputs without handling its secret: `externalIdPresent` says whether the
 * (secret) external ID is a non-empty string. Keeps every other value out of the secret's reach,
 * so policies and dashboards built from them stay readable in previews.
 */
export function checkPublicSourceOutputs(stack: string, values: Record<string, unknown>, externalIdPresent: boolean): PublicSourceOutputs {
    const { externalId, ...rest } = checkSourceOutputs(stack, { ...values, externalId: externalIdPresent ? "present" : undefined });
    void externalId;
    return rest;
}

/** Two sources that are the same account and workgroup would be one data source twice. */
export function duplicateSourceProblems(sources: readonly { stack: string; outputs: PublicSourceOutputs }[]): string[] {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const { stack, outputs } of sources) {
        const key = `${outputs.accountId}/${outputs.region}/${outputs.workgroup}`;
        const first = seen.get(key);
        if (first) {
            problems.push(
                `source stacks "${first}" and "${stack}" are the same account and workgroup (${outputs.accountId}, ${outputs.workgroup}); list it once`,
            );
        } else {
            seen.set(key, stack);
        }
    }
    return problems;
}
