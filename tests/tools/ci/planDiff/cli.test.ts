/** npm run plan-diff: the files it reads and its command line. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readPlanDir } from "../../../../tools/ci/planDiff/load";
import { MARKER } from "../../../../shared/markdown";
import { main as planDiffMain } from "../../../../tools/ci/planDiff/cli";
import { runMain, runProcess } from "../../../support/cli";
import { sourcePlan } from "../../../support/planDiffPlans";

describe("planDiff: files and command line", () => {
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        fs.mkdirSync(path.join(dir, "head"));
        fs.writeFileSync(
            path.join(dir, "head", "infra-account-b.example.json"),
            JSON.stringify(sourcePlan()),
        );
        fs.writeFileSync(path.join(dir, "head", "notes.txt"), "not a plan");
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads the *.json plans of a folder; a missing folder has none", () => {
        assert.deepEqual(Object.keys(readPlanDir(path.join(dir, "head"))), ["infra-account-b.example.json"]);
        assert.deepEqual(readPlanDir(path.join(dir, "no-such-folder")), {});
    });

    it("writes the comment for a missing base folder as an added project", async () => {
        const out = path.join(dir, "comment.md");
        const full = path.join(dir, "full.md");
        // The entry point's own test: plan-diff as a process (other tests call its main).
        const r = await runProcess("ci/planDiff/cli.ts", [
            path.join(dir, "base"),
            path.join(dir, "head"),
            "--out",
            out,
            "--full",
            full,
            "--base-label",
            "abc123",
        ]);
        assert.equal(r.code, 0, r.stderr);
        const md = fs.readFileSync(out, "utf8");
        assert.equal(md.split("\n")[0], MARKER);
        assert.match(md, /The base has no offline plans/);
        assert.match(
            md,
            /\| `grafana-athena-source\/example` \| `infra-account-b\.example\.json` \| added \|/,
        );
        assert.match(md, /Base `abc123`/);
        assert.ok(fs.existsSync(full));

        const usage = await runMain(planDiffMain, ["only-one"]);
        assert.equal(usage.code, 2);
        assert.equal(usage.stderr, "planDiff: give two folders: <base-dir> <head-dir> (see --help)\n");
    });
});
