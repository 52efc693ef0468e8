/**
 * The bucket policy of a results bucket the source stack creates: every request without TLS is
 * denied, as AWS's foundational security best practices ask (Security Hub control S3.5,
 * "S3 general purpose buckets should require requests to use SSL").
 */
import { PolicyDocument, PolicyStatement } from "../iam/policy";

export function resultsBucketPolicy(
    bucket: string,
    partition: string,
    name = `${bucket}-policy`,
): PolicyDocument {
    const arn = `arn:${partition}:s3:::${bucket}`;
    return new PolicyDocument(name, "bucket", [
        new PolicyStatement({
            sid: "DenyInsecureTransport",
            effect: "Deny",
            principals: { AWS: ["*"] },
            actions: ["s3:*"],
            resources: [arn, `${arn}/*`],
            conditions: { Bool: { "aws:SecureTransport": "false" } },
        }),
    ]);
}
