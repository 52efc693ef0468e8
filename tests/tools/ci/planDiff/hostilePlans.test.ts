/** The plan diff on plans made to hurt it: bounded time, memory and output, one line per refusal. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { normalizePlan } from "../../../../tools/plan/format";
import { JSON_LIMITS } from "../../../../tools/ci/planDiff/json";
import { UNTRUSTED_LIMITS, readPlanDir } from "../../../../tools/ci/planDiff/load";
import { DEFAULT_MAX_LENGTH, renderComment } from "../../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../../tools/ci/planDiff/stacks";
import { resource } from "../../../support/planDiffPlans";

describe("planDiff: hostile plans, within bounds", () => {
    let dir: string;
    const write = (side: string, name: string, text: string | Buffer) => {
        fs.mkdirSync(path.join(dir, side), { recursive: true });
        fs.writeFileSync(path.join(dir, side, name), text);
    };
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-hostile-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("treats keys named constructor, toString, __proto__ and hasOwnProperty as keys, in inputs, outputs and documents", () => {
        const keys = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
        const inputs = (v: string) =>
            `{${keys
                .map((k) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
                .join(", ")}, "policy": ${JSON.stringify(
                `{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", ` +
                    `"Resource": "*", "constructor": "${v}"}], "toString": "${v}"}`,
            )}}`;
        const planText = (v: string, withKeys: boolean) =>
            `{"project": "p", "stack": "s", ` +
            `"resources": [{"type": "aws:iam/policy:Policy", "name": "r", ` +
            `"inputs": ${withKeys ? inputs(v) : "{}"}}], ` +
            `"outputs": ${withKeys ? `{"__proto__": "${v}", "constructor": "${v}"}` : "{}"}}`;
        write("base", "a.json", planText("old", false));
        write("head", "a.json", planText("new", true));
        write("base", "b.json", planText("old", true));
        write("head", "b.json", planText("new", true));
        const base = readPlanDir(path.join(dir, "base"));
        const head = readPlanDir(path.join(dir, "head"), undefined, true);
        assert.equal(
            Object.getPrototypeOf(head["a.json"].resources[0].inputs),
            null,
            "objects of a read plan have no prototype",
        );
        const [added, changed] = diffPlanSets(base, head);
        const a = added.changed[0];
        assert.deepEqual(a.inputKeys, [
            "__proto__",
            "constructor",
            "hasOwnProperty",
            "policy",
            "toString",
            "valueOf",
        ]);
        assert.deepEqual(
            a.inputChanges.map((c) => [c.path, c.before, c.after]),
            keys.map((k) => [k, undefined, "new"]).sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)),
        );
        assert.deepEqual(
            added.outputs.map((o) => o.path),
            ["__proto__", "constructor"],
        );
        assert.deepEqual(
            changed.changed[0].inputChanges.map((c) => c.path),
            ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"],
        );
        assert.match(changed.policies[0].summary.join("\n"), /!     constructor changed/);
        const md = renderComment([added, changed]);
        assert.match(md, /- `constructor`: `\(none\)` → `"new"`/);
    });

    it("refuses a plan nested deeper than its bound (a million levels) in one line, and shows a deep document inside an input as text", () => {
        write(
            "head",
            "deep.json",
            `{"project": "p", "stack": "s", "resources": [{"type": "t", "name": "n", "inputs": ` +
                `{"x": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}}]}`,
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), undefined, true),
            (e: Error) =>
                e.message ===
                `${path.join(dir, "head", "deep.json")}: out of bounds: nested more than 64 levels deep`,
        );
        fs.rmSync(path.join(dir, "head"), { recursive: true });
        const deepPolicy = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
        const base = {
            "a.json": normalizePlan({
                project: "p",
                stack: "s",
                resources: [resource("aws:iam/policy:Policy", "r", { policy: "{}" })],
            }),
        };
        const head = {
            "a.json": normalizePlan({
                project: "p",
                stack: "s",
                resources: [resource("aws:iam/policy:Policy", "r", { policy: deepPolicy })],
            }),
        };
        const [d] = diffPlanSets(base, head);
        assert.equal(d.policies[0].summary.length, 0, "not a policy document: no statements");
        assert.match(d.policies[0].diff, /^\+\[{100}/m, "shown as its text");
    });

    it("refuses strings and lists over their bounds, naming the file", () => {
        write(
            "head",
            "s.json",
            JSON.stringify({
                project: "p",
                stack: "s",
                resources: [resource("t", "n", { x: "x".repeat(4 * 1024 * 1024 + 1) })],
            }),
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            /s\.json: out of bounds: a string of 4194305 characters, more than 4194304$/,
        );
        write(
            "head",
            "s.json",
            JSON.stringify({
                project: "p",
                stack: "s",
                resources: [resource("t", "n", { x: new Array(100_001).fill(0) })],
            }),
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            /s\.json: out of bounds: a list of 100001 items, more than 100000$/,
        );
    });

    it("refuses a folder over its total budget before reading it (64 plans of 12.5 MB), and a plan that is not a regular file", () => {
        fs.mkdirSync(path.join(dir, "head"));
        for (let i = 0; i < 64; i++) {
            // Sparse files: 12.5 MB each as stat reports it, no disk used.
            const fd = fs.openSync(path.join(dir, "head", `p${i}.json`), "w");
            fs.ftruncateSync(fd, 12.5 * 1024 * 1024);
            fs.closeSync(fd);
        }
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), UNTRUSTED_LIMITS, true),
            (e: Error) =>
                e.message ===
                `${path.join(dir, "head")}: its plans hold 838860800 bytes together, more than ` +
                    `${UNTRUSTED_LIMITS.totalBytes}, the most the plan diff reads`,
        );
        fs.rmSync(path.join(dir, "head"), { recursive: true });
        fs.mkdirSync(path.join(dir, "head"));
        fs.symlinkSync("/dev/zero", path.join(dir, "head", "zero.json"));
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            (e: Error) =>
                e.message === `${path.join(dir, "head", "zero.json")} is a device, not a regular file`,
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), UNTRUSTED_LIMITS, true),
            /not plans: "zero\.json" \(only \*\.json files\)/,
        );
    });

    it("diffs two folders at the limits of their bounds: the comment stays under GitHub's limit", () => {
        // Each plan holds a list at the list bound and a document at the string bound, changed.
        const limits = { ...UNTRUSTED_LIMITS, totalBytes: 12 * 1024 * 1024 };
        const statements = (mark: string) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: Array.from({ length: 20_000 }, (_, j) => ({
                    Sid: `S${j}`,
                    Effect: "Allow",
                    Action: `s3:Get${j % 97 === 0 ? mark : ""}Object`,
                    Resource: `arn:aws:s3:::bucket-${j}/*`,
                })),
            });
        for (const [side, mark] of [
            ["base", ""],
            ["head", "X"],
        ]) {
            const policy = statements(mark);
            assert.ok(policy.length > 1_500_000 && policy.length <= JSON_LIMITS.stringLength);
            const list = Array.from({ length: JSON_LIMITS.arrayLength }, (_, j) =>
                j % 1000 === 0 ? `${mark}${j}` : j,
            );
            write(
                side,
                "p.json",
                JSON.stringify({
                    project: "p",
                    stack: "s",
                    resources: [resource("aws:iam/policy:Policy", "r", { policy, list })],
                    outputs: {},
                }),
            );
        }
        const base = readPlanDir(path.join(dir, "base"), limits);
        const head = readPlanDir(path.join(dir, "head"), limits, true);
        const md = renderComment(diffPlanSets(base, head));
        assert.ok(md.length <= DEFAULT_MAX_LENGTH);
        assert.match(md, /\| `p\/s` \| `p\.json` \| changed \|/);
    });
});
