/**
 * Users add their own stack files to this repository; the pull request that onboards an account
 * must not turn `npm test` red. How the suite stays blind to them:
 * - every test that plans a program plans the programs of a copy of the checkout holding the
 *   example stack files only (support/program.ts), and every test that needs stack files writes
 *   them into a copy of its own (support/repository.ts);
 * - the few tests that read the checkout itself (`npm run synth` of the examples, the fleet
 *   commands' refusals on this checkout) are tagged, and run again here in a copy of the whole
 *   repository holding a user's stack files: two source stacks, an inventory-mode workspace stack,
 *   a workspace stack on the example's workspace (as the README's "add an account" writes it) and a
 *   root stack.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { REPO, SOURCE_DIR, WORKSPACE_DIR } from "./support/program";
import { RepositoryCopy, copyRepository, isUserStackFile } from "./support/repository";
import { USER_STACKS } from "./support/userStacks";

/** The tag in the title of every test (or describe) that reads this checkout's stack files. */
const TAG = "@stack-files";

/**
 * What marks a suite as reading this checkout's stack files rather than a copy's: an inventory
 * reader or the examples' synth given this checkout, a fleet command run on it.
 */
const READS_CHECKOUT =
    /(readInventory|sourceInventory|workspaceInventory|stackFiles|synthExamples)\([^)]*\bREPO\b|"--root", REPO\b/;

describe("tests independent of the user's stack files", function () {
    this.timeout(300_000);
    let repo: RepositoryCopy;
    before(() => {
        repo = copyRepository({ whole: true });
        for (const s of USER_STACKS) repo.writeStack(s.folder, s.stack, s.config);
    });
    after(() => repo?.remove());

    /** The suites that read this checkout's stack files; each tags the tests that do. */
    const suites = (fs.readdirSync(__dirname, { recursive: true }) as string[])
        .filter((f) => f.endsWith(".test.ts") && f !== path.basename(__filename))
        .filter((f) => READS_CHECKOUT.test(fs.readFileSync(path.join(__dirname, f), "utf8")))
        .sort();

    it(`every suite that reads this checkout's stack files tags those tests ${TAG}, so that they run in a user's checkout`, () => {
        assert.ok(suites.length >= 2, suites.join(", "));
        for (const f of suites)
            assert.ok(
                fs.readFileSync(path.join(__dirname, f), "utf8").includes(TAG),
                `${f} reads this checkout's stack files: tag the tests that do "${TAG}"`,
            );
    });

    it("a copy made from a user's checkout holds the example stack files only; the user's are where the test wrote them", () => {
        const userFiles = (root: string, dir: string) =>
            fs
                .readdirSync(path.join(root, dir))
                .filter((f) => isUserStackFile(dir === "." ? f : `${dir}/${f}`))
                .sort();
        assert.deepEqual(userFiles(repo.root, "infra-account-b"), [
            "Pulumi.finance.yaml",
            "Pulumi.marketing.yaml",
        ]);
        assert.deepEqual(userFiles(repo.root, "infra-account-a"), ["Pulumi.grafana.yaml", "Pulumi.ops.yaml"]);
        assert.deepEqual(userFiles(repo.root, "."), ["Pulumi.dev.yaml"]);
        assert.ok(
            fs.existsSync(path.join(repo.root, "tests", "tools", "ci", "fleet.test.ts")) &&
                !fs.existsSync(path.join(repo.root, ".git")),
        );
        const copy = copyRepository({ from: repo.root });
        try {
            for (const dir of ["infra-account-b", "infra-account-a", "."]) {
                assert.deepEqual(userFiles(copy.root, dir), [], `${dir} of a copy`);
                assert.ok(
                    fs.existsSync(path.join(copy.root, dir, "Pulumi.example.yaml")),
                    `${dir}/Pulumi.example.yaml is copied`,
                );
            }
        } finally {
            copy.remove();
        }
    });

    it("the programs the tests plan are a copy's, beside the example stack files only", () => {
        for (const dir of [SOURCE_DIR, WORKSPACE_DIR]) {
            assert.ok(!path.resolve(dir).startsWith(`${REPO}${path.sep}`), `${dir} is inside this checkout`);
            assert.deepEqual(
                fs
                    .readdirSync(dir)
                    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
                    .sort(),
                ["Pulumi.example.yaml"],
            );
        }
    });

    it("those tests pass in a checkout holding a user's source, workspace and root stacks", async () => {
        const mocha = path.join(REPO, "node_modules", "mocha", "bin", "mocha.js");
        // --no-config: the repository's .mocharc.json would add every suite (and this one) to the run.
        const args = [
            mocha,
            "--no-config",
            "--require",
            path.join(repo.root, "tools", "register.js"),
            "--extension",
            "ts",
            "--timeout",
            "120000",
            "--reporter",
            "dot",
            "--grep",
            TAG,
            ...suites.map((f) => path.join("tests", f)),
        ];
        const env = { ...process.env };
        delete env.PULUMI_ORG;
        const result = await promisify(execFile)(process.execPath, args, {
            cwd: repo.root,
            env,
            maxBuffer: 16 * 1024 * 1024,
        }).then(
            (r) => ({ code: 0, ...r }),
            (e: { code: number; stdout: string; stderr: string }) => e,
        );
        assert.equal(result.code, 0, `${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`);
        const passing = Number(/(\d+) passing/.exec(result.stdout)?.[1] ?? 0);
        assert.ok(passing >= 3, `only ${passing} tagged tests ran:\n${result.stdout.slice(-2000)}`);
        assert.doesNotMatch(result.stdout, /failing|pending/);
    });
});
