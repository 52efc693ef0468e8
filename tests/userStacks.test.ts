/**
 * Users add their own stack files to this repository; the pull request that onboards an account
 * must not turn `npm test` red. Proof: a copy of the repository with a user's stack files (two
 * source stacks, a workspace stack charting every source stack file, a root stack) runs the tests
 * that read stack files, in one child mocha, and they pass.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO } from "./support/program";
import { RepositoryCopy, copyRepository, isUserStackFile } from "./support/repository";
import { USER_STACKS } from "./support/userStacks";

/**
 * The tag in the title of every test (or describe) that reads a checkout's stack files: the fleet
 * commands, and the workspace program's inventory (the source stacks it charts when it lists none,
 * its sibling workspace stacks). Only those run again in the user's checkout: the other tests of a
 * suite read the example stack files alone, which a user does not change. (fleet synth's own
 * tests plan a copy that holds the example stack files and theirs, never the checkout's: the copy
 * is what the tagged tests prove blind to the user's files, so they are not run twice.)
 */
const TAG = "@stack-files";

/** What marks a suite as reading the checkout's stack files (or building a checkout of its own). */
const READS_STACK_FILES = /copyRepository|examplesOnlyRepository|readInventory|sourceInventory|workspaceInventory|stackFiles\(|\bfleet\(|"--root"/;

describe("tests independent of the user's stack files", function () {
    this.timeout(300_000);
    let repo: RepositoryCopy;
    before(() => {
        repo = copyRepository({ whole: true });
        for (const s of USER_STACKS) repo.writeStack(s.folder, s.stack, s.config);
    });
    after(() => repo?.remove());

    /** The suites that read stack files, each with its tests tagged. */
    const suites = fs
        .readdirSync(__dirname)
        .filter((f) => f.endsWith(".test.ts") && f !== path.basename(__filename))
        .filter((f) => READS_STACK_FILES.test(fs.readFileSync(path.join(__dirname, f), "utf8")))
        .sort();

    it(`every suite that reads stack files tags those tests ${TAG}, so that they run in a user's checkout`, () => {
        assert.ok(suites.length >= 3, suites.join(", "));
        for (const f of suites) assert.ok(fs.readFileSync(path.join(__dirname, f), "utf8").includes(TAG), `${f} reads stack files: tag the tests that do "${TAG}"`);
    });

    it("a copy of the repository holds no user stack file but the ones a test writes", () => {
        const copied = (dir: string) => fs.readdirSync(path.join(repo.root, dir)).filter((f) => isUserStackFile(dir === "." ? f : `${dir}/${f}`)).sort();
        assert.deepEqual(copied("infra-account-b"), ["Pulumi.finance.yaml", "Pulumi.marketing.yaml"]);
        assert.deepEqual(copied("infra-account-a"), ["Pulumi.grafana.yaml"]);
        assert.deepEqual(copied("."), ["Pulumi.dev.yaml"]);
        assert.ok(fs.existsSync(path.join(repo.root, "tests", "fleet.test.ts")) && !fs.existsSync(path.join(repo.root, ".git")));
    });

    it("those tests pass in a checkout holding two source stacks, an inventory-mode workspace stack and a root stack", async () => {
        const mocha = path.join(REPO, "node_modules", "mocha", "bin", "mocha.js");
        // --no-config: the repository's .mocharc.json would add every suite (and this one) to the run.
        const args = [mocha, "--no-config", "--require", "ts-node/register/transpile-only", "--extension", "ts", "--timeout", "120000", "--reporter", "dot", "--grep", TAG, ...suites.map((f) => path.join("tests", f))];
        const env = { ...process.env };
        delete env.PULUMI_ORG;
        const result = await promisify(execFile)(process.execPath, args, { cwd: repo.root, env, maxBuffer: 16 * 1024 * 1024 }).then(
            (r) => ({ code: 0, ...r }),
            (e: { code: number; stdout: string; stderr: string }) => e,
        );
        assert.equal(result.code, 0, `${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
        const passing = Number(/(\d+) passing/.exec(result.stdout)?.[1] ?? 0);
        assert.ok(passing >= 10, `only ${passing} tagged tests ran:\n${result.stdout.slice(-2000)}`);
        assert.doesNotMatch(result.stdout, /failing|pending/);
    });
});
