/**
 * AWS partitions and regions: every ARN names one partition, and a policy whose ARNs name another
 * partition than the account's is malformed. The three partitions this program supports, and the
 * regions that belong to each (AWS General Reference, "ARN formats").
 *
 * The list of regions is the AWS provider's own (`Region` of `@pulumi/aws/types/enums`, the
 * values the provider's `region` accepts; checked with @pulumi/aws 7.48.0), not a hand-typed one:
 * a made-up region such as `eu-west-9` is refused instead of producing ARNs no account has. Of
 * those, the isolated partitions (`*-iso*`) and the European Sovereign Cloud (`eusc-*`, partition
 * `aws-eusc`) are not supported.
 */
import { Region } from "@pulumi/aws/types/enums";

type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** Every region the AWS provider knows, of any partition. */
const KNOWN_REGIONS: ReadonlySet<string> = new Set(Object.values(Region));

/** Whether `region` is a region the AWS provider knows (any partition). */
export function isKnownRegion(region: string): boolean {
    return KNOWN_REGIONS.has(region);
}

/**
 * The partition of a region: `cn-*` is aws-cn, `us-gov-*` is aws-us-gov, the rest aws; undefined
 * for the partitions this program does not support (the isolated ones, the European Sovereign
 * Cloud). Says nothing about whether the region exists: that is `isKnownRegion`.
 */
export function partitionOf(region: string): Partition | undefined {
    if (/^[a-z]{2}-iso/.test(region) || /^[a-z]{2}-[a-z]+-iso/.test(region) || region.startsWith("eusc-"))
        return undefined;
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** The regions of the supported partitions, sorted (for messages and docs). */
export const SUPPORTED_REGIONS: readonly string[] = Object.freeze(
    [...KNOWN_REGIONS].filter((r) => partitionOf(r) !== undefined).sort(),
);

/** The partition an ARN names (`arn:<partition>:...`), or undefined when it is no ARN. */
export function partitionOfArn(arn: string): string | undefined {
    const m = /^arn:([a-z-]+):/.exec(arn);
    return m ? m[1] : undefined;
}
