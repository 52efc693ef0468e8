/** The source program's resource types and checks the source project's tests share. */
import assert from "node:assert/strict";
import { CONTRACT_OUTPUTS } from "../../shared/contract";
import { RunResult } from "../../tools/plan/mock/runtime";
import { oneOf } from "./program";

export const BUCKET_TYPE = "aws:s3/bucket:Bucket";
export const BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy";
/** The one resource of `type` whose inputs are shown in the plan (secrets redacted). */
export const inputsOf = (run: RunResult, type: string) => oneOf(run, type).inputs as Record<string, any>;
export function assertNothingProtected(run: RunResult) {
    for (const r of run.plan.resources) {
        assert.equal(r.options.protect, false, `${r.name} must not be protected: destroy would stop on it`);
    }
}
/**
 * The outputs of a source with a results bucket and no dashboard files: every contract output but
 * resultsMode and dashboardFiles.
 */
export const BUCKET_OUTPUTS = CONTRACT_OUTPUTS.filter((n) => n !== "resultsMode" && n !== "dashboardFiles");
