/**
 * The source project (`infra-account-b`) planned under the mocks, and the policies read back out
 * of that plan: what tests/components/source/source.test.ts and tests/components/source/sourcePolicy.test.ts
 * check.
 */
import { DEFAULT_ROLE_NAME } from "../../shared/config/source";
import type { PolicyJson } from "../../shared/iam/policy";
import { parseS3Url } from "../../shared/s3";
import type { RunResult } from "../../tools/plan/mock/runtime";
import { SOURCE_EXAMPLE } from "./examples";
import { SOURCE_DIR, Variant, byType, oneOf, plan, raw } from "./program";

const NS = "grafana-athena-source";
/** Full config key of the source project. */
export const key = (k: string) => `${NS}:${k}`;

// The values of infra-account-b/Pulumi.example.yaml that the assertions mention.
export const DATA_ACCOUNT = SOURCE_EXAMPLE.dataAccount;
export const GRAFANA_ACCOUNT = SOURCE_EXAMPLE.grafanaAccount;
export const REGION = SOURCE_EXAMPLE.region;
export const WORKSPACE_ROLE_ARN = SOURCE_EXAMPLE.grafanaRoleArn;
export const ROLE_NAME = DEFAULT_ROLE_NAME;
export const ROLE_ARN = `arn:aws:iam::${DATA_ACCOUNT}:role/${ROLE_NAME}`;
export const DATABASE = SOURCE_EXAMPLE.database;
export const WORKGROUP = SOURCE_EXAMPLE.workgroup;
export const WORKGROUP_ARN = `arn:aws:athena:${REGION}:${DATA_ACCOUNT}:workgroup/${WORKGROUP}`;
export const DATA_BUCKET = parseS3Url(SOURCE_EXAMPLE.dataLocations[0])!.bucket;
export const RESULTS_BUCKET = SOURCE_EXAMPLE.resultsBucket;
export const RESULTS_PREFIX = SOURCE_EXAMPLE.resultsPrefix;
export const OUTPUT_LOCATION = `s3://${RESULTS_BUCKET}/${RESULTS_PREFIX}`;
export const GLUE = `arn:aws:glue:${REGION}:${DATA_ACCOUNT}`;
export const KMS_KEY = `arn:aws:kms:${REGION}:${DATA_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KMS_KEY = `arn:aws:kms:${REGION}:${DATA_ACCOUNT}:key/0000abcd-12ab-34cd-56ef-1234567890ab`;

export const WORKGROUP_TYPE = "aws:athena/workgroup:Workgroup";
export const ROLE_TYPE = "aws:iam/role:Role";
export const POLICY_TYPE = "aws:iam/policy:Policy";
export const ATTACHMENT_TYPE = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";

/** Plans the source project with its example config changed by `variant`. */
export const planSource = (variant: Variant = {}) => plan(SOURCE_DIR, variant);

let example: Promise<RunResult> | undefined;
/** The example stack, planned once for every test file that asks. */
export function exampleRun(): Promise<RunResult> {
    example ??= planSource();
    return example;
}

/** The role's access policies (every aws:iam/policy:Policy), parsed from the clear inputs. */
export function accessPolicies(run: RunResult): PolicyJson[] {
    const policies = byType(run, POLICY_TYPE);
    if (policies.length === 0) throw new Error("no aws:iam/policy:Policy planned");
    return policies.map((p) => JSON.parse(raw(run, p.name).policy as string) as PolicyJson);
}

/** The role's trust policy, parsed from the clear inputs (the external ID in clear). */
export function trustPolicy(run: RunResult): PolicyJson {
    return JSON.parse(raw(run, oneOf(run, ROLE_TYPE).name).assumeRolePolicy as string) as PolicyJson;
}

type Statement = PolicyJson["Statement"][number];

/** Every statement of the access policies. */
export function statements(run: RunResult): Statement[] {
    return accessPolicies(run).flatMap((p) => p.Statement);
}

export function statementBySid(run: RunResult, sid: string): Statement | undefined {
    return statements(run).find((s) => s.Sid === sid);
}

export const list = (v: string | string[] | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];
