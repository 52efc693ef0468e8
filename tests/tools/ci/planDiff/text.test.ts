/** The plan diff's unified diff of two texts: what a reviewer reads in each ```diff block. */
import { strict as assert } from "node:assert";
import { MAX_EDIT_LENGTH, unifiedDiff } from "../../../../tools/ci/planDiff/text";

// ---------------------------------------------------------------------------------------------

describe("planDiff: unified diff helper", () => {
    it("is empty for equal texts", () => {
        assert.equal(unifiedDiff("a\nb\nc", "a\nb\nc"), "");
        assert.equal(unifiedDiff("", ""), "");
    });

    it("writes hunks with line numbers and three lines of context", () => {
        const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n");
        const after = ["1", "2", "3", "4", "5", "six", "7", "8", "9", "10"].join("\n");
        assert.equal(
            unifiedDiff(before, after),
            ["@@ -3,7 +3,7 @@", " 3", " 4", " 5", "-6", "+six", " 7", " 8", " 9"].join("\n"),
        );
    });

    it("splits far-apart changes into separate hunks and shows pure additions", () => {
        const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
        const after = [...lines];
        after[1] = "changed 2";
        after[18] = "changed 19";
        assert.equal((unifiedDiff(lines.join("\n"), after.join("\n")).match(/^@@/gm) ?? []).length, 2);
        assert.equal(unifiedDiff("", "x\ny"), "@@ -0,0 +1,2 @@\n+x\n+y");
    });

    it("keeps common lines (a longest common subsequence)", () => {
        assert.equal(
            unifiedDiff("a\nb\nc\nd", "a\nx\nc\nd\ne"),
            ["@@ -1,4 +1,5 @@", " a", "-b", "+x", " c", " d", "+e"].join("\n"),
        );
    });

    it("shows texts that differ in more than MAX_EDIT_LENGTH lines as replaced entirely, at once", () => {
        const before = Array.from({ length: 1000 }, (_, i) => `old ${i}`);
        const after = Array.from({ length: 1000 }, (_, i) => `new ${i}`);
        const started = Date.now();
        const diff = unifiedDiff(before.join("\n"), after.join("\n"));
        assert.ok(Date.now() - started < 2000, "a diff of two unrelated texts took seconds");
        assert.equal(
            diff,
            ["@@ -1,1000 +1,1000 @@", ...before.map((l) => `-${l}`), ...after.map((l) => `+${l}`)].join("\n"),
        );
        // Just under the bound, the line-by-line diff is still used.
        const few = [...before];
        for (let i = 0; i < 1000; i += 10) few[i] = `changed ${i}`;
        assert.match(
            unifiedDiff(before.join("\n"), few.join("\n")),
            /^@@ -1,4 \+1,4 @@\n-old 0\n\+changed 0\n old 1\n/,
        );
        assert.ok(MAX_EDIT_LENGTH >= 200);
    });
});
