/**
 * Stable names and ids. Children of list-shaped config are named by a hash of a stable key
 * (a stack name, an ARN), never by their position, so reordering a list changes nothing.
 */
import { createHash } from "crypto";

/** A short, stable hex digest of `key`. */
export function shortHash(key: string, length = 12): string {
    return createHash("sha256").update(key).digest("hex").slice(0, length);
}

/** The default human name of a source: its workgroup and account. */
export function defaultSourceLabel(accountId: string, workgroup: string): string {
    return `${workgroup} (${accountId})`;
}

/** The IAM role name in a role ARN, with any path removed. */
export function roleNameFromArn(roleArn: string): string {
    const match = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!match) {
        throw new Error(`"${roleArn}" is not an IAM role ARN`);
    }
    return match[1];
}

/** The account ID in an ARN, or undefined when the ARN carries none. */
export function accountOfArn(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

/** A Pulumi logical name made from a free-form key: readable prefix, stable hash suffix. */
export function childName(prefix: string, key: string): string {
    const readable = key
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 30);
    return `${prefix}-${readable}-${shortHash(key, 8)}`;
}
