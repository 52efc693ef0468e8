/**
 * A source's `results`: where Athena keeps Grafana's query results, a bucket of the stack's or
 * Athena's managed query results, and what the source role's policy needs of them.
 */
import { z } from "zod";
import type { SourceResults } from "../policies/sourceRole";
import { S3Location, overlaps, s3Url } from "../s3";
import * as r from "./rules";

/** The two forms of `results`, as messages name them. */
const RESULTS_SHAPES = "{bucket, prefix?, create?, expirationDays?} or {managed: true, kmsKeyArn?}";

/** Query results in a bucket of the stack's (created, or an existing one under a prefix of its own). */
export const bucketResultsSettings = z
    .object(
        {
            bucket: r.bucketName,
            prefix: r.s3Prefix.default("grafana/"),
            create: r.bool("create the results bucket, or use an existing one").default(true),
            expirationDays: r.integer("days before query results expire", 1, 3650).default(7),
        },
        { error: r.objectOf(RESULTS_SHAPES) },
    )
    .strict();

/**
 * Athena's managed query results: Athena keeps each result 24 hours in storage of its own, so the
 * stack has no results bucket and the role no S3 write at all; `kmsKeyArn` encrypts them with a
 * key of the account's instead of an AWS owned key (Athena user guide, "Managed query results").
 */
export const managedResultsSettings = z
    .object(
        {
            managed: z.literal(true, {
                error: (i) =>
                    `must be true for Athena's managed query results, got ${r.describe(i.input)}; ` +
                    `for a results bucket leave managed out and give bucket`,
            }),
            kmsKeyArn: r.kmsKeyArn.optional(),
        },
        { error: r.objectOf(RESULTS_SHAPES) },
    )
    .strict();

export type BucketResultsSettings = z.output<typeof bucketResultsSettings>;
type ManagedResultsSettings = z.output<typeof managedResultsSettings>;
export type ResultsSettings = BucketResultsSettings | ManagedResultsSettings;

/** The results are Athena's managed query results. */
export const isManagedResults = (results: ResultsSettings): results is ManagedResultsSettings =>
    "managed" in results;

/**
 * Either form, told apart by the `managed` key: its problems are those of the form the value
 * chose, each under its own key (`results.kmsKeyArn`), not a union's "invalid input".
 */
export const resultsSettings = z.unknown().transform((value, ctx): ResultsSettings => {
    const managed =
        typeof value === "object" && value !== null && !Array.isArray(value) && "managed" in value;
    const parsed = (managed ? managedResultsSettings : bucketResultsSettings).safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
});

/** What the source role's policy needs of the results: their S3 location, or Athena's managed results. */
export function policyResults(results: ResultsSettings): SourceResults {
    return isManagedResults(results)
        ? { managed: true, kmsKeyArn: results.kmsKeyArn }
        : { bucket: results.bucket, prefix: results.prefix };
}

const isLocation = (v: unknown): v is S3Location =>
    !!v &&
    typeof v === "object" &&
    typeof (v as S3Location).bucket === "string" &&
    typeof (v as S3Location).prefix === "string";

/**
 * The results location is Grafana's to write: in a bucket the stack does not create it must be a
 * prefix of its own (never the whole bucket), and it must not overlap a data location, or Grafana
 * would get write on table data and result files would land inside a table.
 */
export function resultsChecks(s: { results?: unknown; dataLocations?: unknown }, ctx: z.RefinementCtx) {
    const results = s.results as { create?: unknown } | undefined;
    if (!isLocation(results)) return;
    if (results.create === false && results.prefix === "") {
        ctx.addIssue({
            code: "custom",
            path: ["results", "prefix"],
            message:
                `must name a prefix of its own in an existing bucket (results.create false): "" would ` +
                `give Grafana write on all of ${results.bucket}; use a prefix such as grafana/`,
        });
    }
    if (!Array.isArray(s.dataLocations)) return;
    s.dataLocations.forEach((d: unknown, i) => {
        if (isLocation(d) && overlaps(results, d)) {
            ctx.addIssue({
                code: "custom",
                path: ["results"],
                message:
                    `${s3Url(results)} overlaps dataLocations[${i}] ${s3Url(d)}: Grafana ` +
                    `would get write on table data, and results would land ` +
                    `inside a table; give the results a bucket or prefix of their own`,
            });
        }
    });
}
