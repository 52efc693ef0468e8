/**
 * The TLS-only statement a results bucket's policy must hold (rule athena-results-bucket-tls-only):
 * the one shared/policies/resultsBucket.ts builds, compared as a set (Sid aside), so that a
 * reordered or re-cased copy counts and a weaker one does not.
 */
import { resultsBucketPolicy } from "../shared/policies/resultsBucket";
import { Statement, isRecord, strings } from "./values";

export const denialsOf = (statements: readonly Statement[]) => statements.filter((s) => s.Effect === "Deny");

/** The TLS-only statement shared/policies/resultsBucket.ts builds, in the partition the policy's ARNs use. */
export function expectedDenial(bucket: string, statements: readonly Statement[]): Statement {
    const partition =
        /^arn:(aws[a-z-]*):s3:::/.exec(statements.flatMap((s) => strings(s.Resource))[0] ?? "")?.[1] ?? "aws";
    return resultsBucketPolicy(bucket, partition).toJSON().Statement[0] as unknown as Statement;
}

/** The same statement, Sid aside, lists compared as sets (condition keys and values case-insensitively). */
export function sameStatement(a: Statement, b: Statement): boolean {
    const entries = (v: unknown) => (isRecord(v) ? Object.entries(v) : []);
    const sorted = (v: unknown, fold = false) =>
        strings(v)
            .map((x) => (fold ? x.toLowerCase() : x))
            .sort();
    const norm = (s: Statement) =>
        JSON.stringify({
            Effect: s.Effect,
            Principal: entries(s.Principal === "*" ? { AWS: "*" } : s.Principal).map(([k, v]) => [
                k,
                sorted(v),
            ]),
            Action: sorted(s.Action),
            Resource: sorted(s.Resource),
            Condition: entries(s.Condition).map(([op, e]) => [
                op,
                entries(e).map(([k, v]) => [k.toLowerCase(), sorted(v, true)]),
            ]),
        });
    return norm(a) === norm(b);
}
