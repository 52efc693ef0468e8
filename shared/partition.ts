/**
 * AWS partitions: every ARN names one, and a policy whose ARNs name another partition than the
 * account's is malformed. The three this program supports, and the region names that belong to
 * each (AWS General Reference, "ARN formats"; the isolated partitions are not supported).
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** The partition of a region: `cn-*` is aws-cn, `us-gov-*` is aws-us-gov, the rest aws; undefined for the isolated partitions. */
export function partitionOf(region: string): Partition | undefined {
    if (/^[a-z]{2}-iso/.test(region) || /^[a-z]{2}-[a-z]+-iso/.test(region)) return undefined;
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** The partition an ARN names (`arn:<partition>:...`), or undefined when it is no ARN. */
export function partitionOfArn(arn: string): string | undefined {
    const m = /^arn:([a-z-]+):/.exec(arn);
    return m ? m[1] : undefined;
}
