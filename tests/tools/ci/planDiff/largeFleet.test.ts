/** The plan diff of a change to every stack of a large fleet: the comment stays within GitHub's limit. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan } from "../../../../tools/plan/mock/runtime";
import { UNTRUSTED_LIMITS, readPlanDir } from "../../../../tools/ci/planDiff/load";
import {
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_SUMMARY_ROWS,
    fitBlocks,
    renderBlocks,
    renderComment,
} from "../../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../../tools/ci/planDiff/stacks";
import { BASE_STATEMENTS, sourcePlan } from "../../../support/planDiffPlans";

describe("planDiff: a change to every stack of a large fleet", () => {
    /**
     * 300 source stacks (three times the summary's rows), each with its policy changed; in three, a resource
     * is removed.
     */
    const fleet = (side: "base" | "head"): Record<string, Plan> =>
        Object.fromEntries(
            Array.from({ length: 300 }, (_, k) => {
                const statements =
                    side === "base"
                        ? BASE_STATEMENTS
                        : [
                              ...BASE_STATEMENTS,
                              {
                                  Sid: "S3ResultsList",
                                  Effect: "Allow",
                                  Action: "s3:ListBucket",
                                  Resource: "arn:aws:s3:::results-222233334444",
                              },
                          ];
                const p = sourcePlan(statements);
                p.stack = `account-${String(k).padStart(4, "0")}`;
                if (side === "head" && k >= 297)
                    p.resources = p.resources.filter((r) => r.type !== "aws:s3/bucket:Bucket");
                return [`infra-account-b.${p.stack}.json`, p];
            }),
        );
    let diffs: ReturnType<typeof diffPlanSets>;
    before(() => {
        diffs = diffPlanSets(fleet("base"), fleet("head"));
    });

    it("opens with the totals, lists the destroy-relevant plans first and 100 in all, and still shows stack sections", () => {
        const md = renderComment(diffs);
        assert.ok(md.length <= DEFAULT_MAX_LENGTH, `${md.length} characters`);
        assert.match(
            md,
            /^\*\*300 of 300 plans\*\* differ \(300 changed\): resources \+0 −3 ~300, 300 IAM policies, 0 dashboards, ⚠️ 3 destroy-relevant changes\.$/m,
        );
        const rows = md.split("\n").filter((l) => l.startsWith("| `grafana-athena-source/"));
        assert.equal(rows.length, DEFAULT_MAX_SUMMARY_ROWS);
        assert.deepEqual(
            rows.slice(0, 3).map((r) => /account-\d+/.exec(r)![0]),
            ["account-0297", "account-0298", "account-0299"],
        );
        assert.match(
            md,
            /^… and 200 more plans that differ: the job summary of the run that posted this comment lists every one\.$/m,
        );
        const sections = md.split("\n").filter((l) => l.startsWith("### "));
        assert.match(
            sections[0],
            /grafana-athena-source\/account-0297/,
            "the destroy-relevant sections come first",
        );
        assert.ok(sections.length > 3, "and as many others as fit");
        assert.match(md, /\*\*Truncated\*\*/);
    });

    it("lists every plan in the job summary's rendering", () => {
        const full = fitBlocks(
            renderBlocks(diffs, { maxDiffLines: Infinity, maxSummaryRows: Infinity }),
            Infinity,
        );
        assert.equal(full.split("\n").filter((l) => l.startsWith("| `grafana-athena-source/")).length, 300);
        assert.doesNotMatch(full, /more plans that differ|Truncated/);
    });

    it("reads up to 4,096 plans of 64 MiB of a pull request, and refuses more in one line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-count-"));
        try {
            assert.equal(UNTRUSTED_LIMITS.files, 4096);
            assert.equal(UNTRUSTED_LIMITS.totalBytes, 64 * 1024 * 1024);
            // The count is checked before any file is read; shown with a small count (the same check).
            for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, `p${i}.json`), "{}");
            assert.throws(
                () => readPlanDir(dir, { ...UNTRUSTED_LIMITS, files: 4 }, true),
                (e: Error) => e.message === `${dir}: 5 plans, more than 4`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
