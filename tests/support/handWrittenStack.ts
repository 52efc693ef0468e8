/**
 * Hand-written stacks for the policy pack's tests: a role Grafana may assume as a careful team
 * writes it (tagged, a pinned trust with an external ID, one named read), and the helpers that
 * plan a list of resources and list what the pack reports on it.
 */
import type { Plan } from "../../tools/plan/format";
import { PackConfig, evaluatePlans } from "../../policy/offline";
import { RULES } from "../../policy/rules";

export const ROLE = "aws:iam/role:Role";
export const GRAFANA_ACCOUNT = "111122223333";
export const WORKSPACE_ROLE =
    "arn:aws:iam::111122223333:role/service-role/AmazonGrafanaServiceRole-ba0ee73bc";
export const EXTERNAL_ID = "f".repeat(40);
export const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
export const S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

export type Doc = Record<string, unknown>;
export const doc = (...Statement: Doc[]) => JSON.stringify({ Version: "2012-10-17", Statement });
export const trustStatement = (extra: Doc = {}): Doc => ({
    Sid: "Grafana",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111122223333:root" },
    Action: "sts:AssumeRole",
    Condition: {
        ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE },
        StringEquals: { "sts:ExternalId": EXTERNAL_ID },
    },
    ...extra,
});
export const READ = {
    Sid: "Read",
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::sales-data/warehouse/*",
};

export type R = [type: string, name: string, inputs: Record<string, unknown>];
/** A role Grafana may assume, as a careful team writes it: tagged, pinned trust, one named read. */
export const role = (inputs: Record<string, unknown> = {}): R => [
    ROLE,
    "reader",
    {
        name: "reader",
        assumeRolePolicy: doc(trustStatement()),
        tags: { GrafanaDataSource: "true" },
        inlinePolicies: [{ name: "read", policy: doc(READ) }],
        ...inputs,
    },
];

export function stack(...resources: R[]): Plan {
    return {
        project: "billing",
        stack: "prod",
        reads: [],
        outputs: {},
        secretOutputs: [],
        resources: resources.map(([type, name, inputs]) => ({
            type,
            name,
            parent: null,
            provider: null,
            inputs,
            options: {
                protect: false,
                retainOnDelete: false,
                import: null,
                dependsOn: [],
                additionalSecretOutputs: [],
                deleteBeforeReplace: false,
                ignoreChanges: [],
            },
        })),
    };
}
/**
 * The pack's config as an organisation gives it: every policy knows the Grafana account of WORKSPACE_ROLE.
 */
export const PACK_CONFIG: PackConfig = Object.fromEntries(
    RULES.map((r) => [r.name, { grafanaAccountIds: [GRAFANA_ACCOUNT] }]),
);
/** A config with the Grafana account added to each policy's settings (a level becomes {enforcementLevel}). */
export const withGrafana = (config: PackConfig): PackConfig => ({
    ...PACK_CONFIG,
    ...Object.fromEntries(
        Object.entries(config).map(([k, v]) => [
            k,
            k === "all"
                ? v
                : {
                      grafanaAccountIds: [GRAFANA_ACCOUNT],
                      ...(typeof v === "string" ? { enforcementLevel: v } : v),
                  },
        ]),
    ),
});
/** `policy resource` per violation, sorted. */
export const reported = async (p: Plan, config: PackConfig = PACK_CONFIG) =>
    (await evaluatePlans([p], config)).map((v) => `${v.policy} ${v.resource}`).sort();
export const messages = async (p: Plan, policy: string, config: PackConfig = PACK_CONFIG) =>
    (await evaluatePlans([p], config)).filter((v) => v.policy === policy).map((v) => v.message);
