/**
 * Whether the bootstrap's CI roles reach what a source stack makes: its role name, its workgroup,
 * its results bucket, its region, and the boundary its role must carry. `fleet check` reports a
 * source stack file they would not reach, before a deploy fails on it with AccessDenied. Pure.
 */
import { CI_BOUNDARY_POLICY_NAME } from "./identity";

/**
 * IAM's matching of a name pattern in an ARN's resource part: `*` any run of characters, `?` any
 * one character, every other character itself, case-sensitively (IAM user guide, "IAM JSON policy
 * elements: Resource", wildcards).
 */
export function iamNameMatches(pattern: string, name: string): boolean {
    // Iterative glob match with backtracking to the last `*`: linear in practice, never exponential.
    let p = 0;
    let n = 0;
    let star = -1;
    let mark = 0;
    while (n < name.length) {
        if (p < pattern.length && (pattern[p] === "?" || pattern[p] === name[n])) {
            p += 1;
            n += 1;
        } else if (p < pattern.length && pattern[p] === "*") {
            star = p;
            mark = n;
            p += 1;
        } else if (star >= 0) {
            p = star + 1;
            mark += 1;
            n = mark;
        } else {
            return false;
        }
    }
    while (p < pattern.length && pattern[p] === "*") p += 1;
    return p === pattern.length;
}

/** What one bootstrap stack lets its CI roles reach. */
export interface BootstrapReach {
    /** The bootstrap stack file, as problems name it. */
    file: string;
    sourceRoleName: string;
    workgroupNames: readonly string[];
    resultsBucketNames: readonly string[];
    /** Its `regions`, or its own `aws:region` when it lists none. */
    regions: readonly string[];
}

/** What a source stack makes that its account's CI roles must reach. */
interface SourceNeeds {
    region: string;
    roleName: string;
    permissionsBoundary?: string;
    workgroup: { name: string };
    /** A results bucket, or Athena's managed query results (no bucket). */
    results: { bucket: string; create: boolean } | { managed: true };
}

/**
 * The settings of a source stack that the bootstrap's roles would not reach, as problems naming
 * the source's key: empty when every one is within reach.
 */
export function sourceReachProblems(
    reach: BootstrapReach,
    source: SourceNeeds,
    namespace: string,
): { key: string; message: string }[] {
    const problems: { key: string; message: string }[] = [];
    const where = `the CI roles of ${reach.file}`;
    if (source.roleName !== reach.sourceRoleName) {
        problems.push({
            key: `${namespace}:roleName`,
            message:
                `is ${JSON.stringify(source.roleName)}, but ${where} may create only ` +
                `${JSON.stringify(reach.sourceRoleName)} (its sourceRoleName)`,
        });
    }
    if (source.permissionsBoundary !== CI_BOUNDARY_POLICY_NAME) {
        problems.push({
            key: `${namespace}:permissionsBoundary`,
            message:
                `must be ${CI_BOUNDARY_POLICY_NAME}: ${where} create the ` +
                `role only with that permissions boundary`,
        });
    }
    if (!reach.regions.includes(source.region)) {
        problems.push({
            key: "aws:region",
            message:
                `is ${source.region}, which ${where} do not reach (its ` +
                `regions: ${reach.regions.join(", ")})`,
        });
    }
    if (!reach.workgroupNames.some((p) => iamNameMatches(p, source.workgroup.name))) {
        problems.push({
            key: `${namespace}:workgroup.name`,
            message:
                `${JSON.stringify(source.workgroup.name)} matches none of the workgroupNames of ` +
                `${reach.file} (${reach.workgroupNames.join(", ")}): rename it or add a pattern there`,
        });
    }
    // Managed query results: no bucket for the deploy role to create.
    const results = source.results;
    if (
        !("managed" in results) &&
        results.create &&
        !reach.resultsBucketNames.some((p) => iamNameMatches(p, results.bucket))
    ) {
        problems.push({
            key: `${namespace}:results.bucket`,
            message:
                `${JSON.stringify(results.bucket)} matches none of the resultsBucketNames of ` +
                `${reach.file} (${reach.resultsBucketNames.join(", ")}): rename it or add a pattern there`,
        });
    }
    return problems;
}
