/**
 * The stack-output contract between a source stack (`grafana-athena-source`, one per data
 * account) and the workspace stack (`grafana-athena-workspace`). One schema defines it: the
 * producer's output type, the consumer's input type, the runtime check and the list of output
 * names all derive from `sourceContract` below. The producer exports exactly these names; the
 * consumer reads them through a StackReference and refuses a source whose `contractVersion` it
 * does not know.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { roleArn as roleArnRule } from "./config/rules";
import { Refusal } from "./refusal";

export const CONTRACT_VERSION = 1;

/** A non-empty string output; the messages follow `output "<name>" `. */
const text = z
    .string({ error: (i) => (i.input === undefined ? "is missing" : "is not a non-empty string") })
    .min(1, { error: "is not a non-empty string" });

/** Every output a source stack exports, in a fixed order, with the rule its value must meet. */
export const sourceContract = z.object({
    /** Always `CONTRACT_VERSION` for this code. */
    contractVersion: z
        .custom<number>()
        .superRefine((version, ctx) => {
            if (version === undefined || version === null) {
                ctx.addIssue({ code: "custom", message: "is missing", params: { versionMissing: true } });
            } else if (Number(version) !== CONTRACT_VERSION) {
                ctx.addIssue({
                    code: "custom",
                    message:
                        `is ${JSON.stringify(version)}, but this workspace stack understands only version ${CONTRACT_VERSION}; ` +
                        `deploy both projects from the same release`,
                });
            }
        })
        .transform((v) => Number(v)),
    /** The data account (12 digits). */
    accountId: text.regex(/^\d{12}$/, { error: "is not a 12-digit account ID" }),
    /** The data account's Athena region. */
    region: text,
    /** The role Grafana assumes in the data account. */
    roleArn: text.refine((v) => roleArnRule.safeParse(v).success, { error: "is not an IAM role ARN" }),
    /** The external ID the role's trust policy requires (secret). */
    externalId: text,
    /** Athena data catalog, e.g. `AwsDataCatalog`. */
    catalog: text,
    /** Glue/Athena database. */
    database: text,
    /** Athena workgroup tagged `GrafanaDataSource=true`. */
    workgroup: text,
    /** Where Athena writes results, `s3://bucket/prefix/`; the whole bucket (`s3://bucket/`) is valid too. */
    outputLocation: text.regex(/^s3:\/\/[^/]+\/(.*\/)?$/, { error: "must look like s3://bucket/ or s3://bucket/prefix/" }),
    /** A human name for the source, used for the data source and dashboard names. */
    label: text,
});

/** What a source stack tells the workspace stack, checked. */
export type SourceContract = z.output<typeof sourceContract>;

export type ContractOutputName = keyof SourceContract;

/** Every output name, in the schema's order. */
export const CONTRACT_OUTPUTS = Object.keys(sourceContract.shape) as readonly ContractOutputName[];

/** Outputs that are Pulumi secrets on both sides of the contract. */
export const SECRET_CONTRACT_OUTPUTS: readonly ContractOutputName[] = ["externalId"];

/** The producer's side: one Output per name, typed by the schema. */
export type SourceContractOutputs = { [K in ContractOutputName]: pulumi.Output<SourceContract[K]> };

/** The consumer's side: one Input per name, not yet checked (a StackReference's outputs, or a source component's). */
export type SourceContractInputs = { [K in ContractOutputName]: pulumi.Input<unknown> };

/** Everything a source tells the workspace except its secret, which travels separately. */
export type PublicSourceOutputs = Omit<SourceContract, "externalId">;

/**
 * Checks resolved outputs read from the stack `stack`. Returns the typed outputs, or throws an
 * error that names the stack and every output that is missing or malformed.
 */
export function checkSourceOutputs(stack: string, values: Record<string, unknown>): SourceContract {
    const result = sourceContract.safeParse(values);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        if (name === "contractVersion" && (issue as { params?: { versionMissing?: boolean } }).params?.versionMissing) {
            return `output "contractVersion" is missing (is "${stack}" a grafana-athena-source stack, and has it been deployed?)`;
        }
        return `output "${name}" ${issue.message}`;
    });
    throw new Refusal(`source stack "${stack}": ${problems.join("; ")}`);
}

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
