/**
 * The benchmarks' generated sources (`npm run bench`, tests/components/workspace/scale.test.ts):
 * source stack N's name, account and contract outputs, the same in every run.
 */
import { createHash } from "crypto";
import * as path from "path";
import { DEFAULT_ROLE_NAME } from "../../shared/config/source";
import type { StackRefOutputs } from "../plan/mock/runtime";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The source project's default role name: every generated source uses it. */
export const BENCH_SOURCE_ROLE_NAME = DEFAULT_ROLE_NAME;
export const BENCH_ORGANIZATION_ID = "o-benchorg0001";

const pad = (i: number) => String(i).padStart(4, "0");

/**
 * The fully qualified name of generated source `i` (1-based): `organization/grafana-athena-source/src-0001`.
 */
export function benchSourceStack(i: number): string {
    return `organization/grafana-athena-source/src-${pad(i)}`;
}

/** A distinct 12-digit account ID per generated source. */
export function benchAccountId(i: number): string {
    return String(200_000_000_000 + i * 7919);
}

/** The contract outputs of generated source `i`, as a stack reference resolves them. */
export function benchSourceRef(i: number, region = "eu-west-1"): StackRefOutputs {
    const account = benchAccountId(i);
    // 48 characters, different per source.
    const externalId = createHash("sha256").update(`bench-external-id-${i}`).digest("hex").slice(0, 48);
    return {
        outputs: {
            contractVersion: 1,
            accountId: account,
            region,
            roleArn: `arn:aws:iam::${account}:role/${BENCH_SOURCE_ROLE_NAME}`,
            externalId,
            catalog: "AwsDataCatalog",
            database: `sales_${pad(i)}`,
            workgroup: `grafana-${pad(i)}`,
            outputLocation: `s3://grafana-athena-query-results-${account}/grafana/`,
            label: `Source ${pad(i)}`,
        },
        secretOutputs: ["externalId"],
    };
}

/** Stack references of N generated sources, by stack name. */
export function benchSourceRefs(n: number): Record<string, StackRefOutputs> {
    return Object.fromEntries(
        Array.from({ length: n }, (_, k) => [benchSourceStack(k + 1), benchSourceRef(k + 1)]),
    );
}
