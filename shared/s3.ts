/**
 * S3 locations as this program uses them: `s3://bucket[/prefix]`, with the prefix normalised to
 * end with "/" (or "" for a whole bucket), so that `prefix*` in a policy covers exactly the objects
 * under it.
 */

/** `s3://bucket[/prefix]`, split. `prefix` is "" for a whole bucket, else ends with "/". */
export interface S3Location {
    bucket: string;
    prefix: string;
}

export function parseS3Url(url: string): S3Location | undefined {
    const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
    if (!m) return undefined;
    const rest = (m[2] ?? "").replace(/\/+$/, "");
    return { bucket: m[1], prefix: rest ? `${rest}/` : "" };
}

export function s3Url(loc: S3Location): string {
    return `s3://${loc.bucket}/${loc.prefix}`;
}

/** Two locations share objects: the same bucket, and one prefix inside the other ("" is the whole bucket). */
export function overlaps(a: S3Location, b: S3Location): boolean {
    return a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
}
