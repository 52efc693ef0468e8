/**
 * S3 locations as this program uses them: `s3://bucket[/prefix]`, with the prefix normalised to
 * end with "/" (or "" for a whole bucket), so that `prefix*` in a policy covers exactly the objects
 * under it.
 *
 * A key prefix ends up verbatim in IAM policies (`arn:aws:s3:::bucket/<prefix>*` and the
 * `s3:prefix` condition), so anything IAM or S3 reads differently from how a reviewer reads it is
 * refused here, once, for config and for source-stack outputs alike (`keyPrefixProblem`):
 * - `$`, `{`, `}`: `${aws:username}` and `${aws:PrincipalTag/...}` are policy variables that IAM
 *   expands per request (IAM user guide, "IAM policy elements: Variables and tags"; in Resource and
 *   in string and ARN conditions), so a prefix holding one grants a different prefix to each caller;
 * - `*`, `?`: wildcards in Resource and in `StringLike`;
 * - empty segments (`a//b`, a leading or doubled `/`): `s3://bucket//` would otherwise be read as
 *   the whole bucket, and S3 keys are exact strings, so `a//b` is not `a/b` either;
 * - `.` and `..` segments, `\`, `%`: S3 does not resolve them (a key is its exact bytes), but
 *   tools, consoles and people do, so `data/../pii/` reads as one prefix and grants another;
 * - spaces at either end of a segment, control and invisible characters: prefixes that look like
 *   another one.
 */
import { CONTROL, INVISIBLE } from "./naming";

/** `s3://bucket[/prefix]`, split. `prefix` is "" for a whole bucket, else ends with "/". */
export interface S3Location {
    bucket: string;
    prefix: string;
}

/** Longest prefix accepted (S3 keys are at most 1,024 bytes; a prefix leaves room for the key). */
const MAX_PREFIX_LENGTH = 512;

/** Characters that are never part of a prefix this program grants (see above). */
const FORBIDDEN = /[${}*?\\%]/;

/**
 * Why `prefix` (a key prefix, without the bucket, with or without its final "/") is not one this
 * program puts into a policy, or undefined when it is fine. "" is the whole bucket.
 */
export function keyPrefixProblem(prefix: string): string | undefined {
    if (prefix === "") return undefined;
    if (prefix.length > MAX_PREFIX_LENGTH) return `is longer than ${MAX_PREFIX_LENGTH} characters`;
    if (FORBIDDEN.test(prefix)) return "holds one of $ { } * ? \\ % (policy variables, wildcards, escapes)";
    if (CONTROL.test(prefix) || INVISIBLE.test(prefix))
        return "holds a control, invisible or non-space blank character";
    const segments = (prefix.endsWith("/") ? prefix.slice(0, -1) : prefix).split("/");
    if (segments.some((s) => s === "")) return 'has an empty segment (a leading "/" or "//")';
    if (segments.some((s) => s === "." || s === "..")) return "has a . or .. segment";
    if (segments.some((s) => s !== s.trim())) return "has a segment that starts or ends with a space";
    return undefined;
}

/** `prefix` as a policy prefix: "" or ending with "/". */
export function normalisedPrefix(prefix: string): string {
    return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/**
 * `s3://bucket[/prefix]` split, or a reason it is not one. The bucket is whatever stands between
 * `s3://` and the first "/" (its naming rules are the caller's: config/rules.ts `bucketName`); the
 * prefix must pass `keyPrefixProblem`. `s3://bucket` and `s3://bucket/` are the whole bucket.
 */
export function parseS3Location(url: string): S3Location | string {
    const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(url);
    if (!m || m[1] === "") return "is not of the form s3://bucket[/prefix]";
    const rest = m[2] ?? "";
    const problem = keyPrefixProblem(rest);
    if (problem) return `has a prefix that ${problem}`;
    return { bucket: m[1], prefix: normalisedPrefix(rest) };
}

/** `s3://bucket[/prefix]` split, or undefined when `parseS3Location` refuses it. */
export function parseS3Url(url: string): S3Location | undefined {
    const parsed = parseS3Location(url);
    return typeof parsed === "string" ? undefined : parsed;
}

export function s3Url(loc: S3Location): string {
    return `s3://${loc.bucket}/${loc.prefix}`;
}

/** Two locations share objects: the same bucket, and one prefix inside the other ("" is the whole bucket). */
export function overlaps(a: S3Location, b: S3Location): boolean {
    return a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
}
