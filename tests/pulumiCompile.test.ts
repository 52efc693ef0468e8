/**
 * Each project folder compiles the way `pulumi up` compiles it. Pulumi's Node.js runtime
 * (@pulumi/pulumi `cmd/run/run.js`, checked with 3.276.0) reads the `compilerOptions` of the
 * project folder's own tsconfig.json without following `extends` (`tsutils.loadTypeScriptCompilerOptions`),
 * lays them over its defaults for TypeScript >= 4.7 (`target` ES2020, `module` and
 * `moduleResolution` nodenext) and hands the result to ts-node, which type-checks the program
 * against the tsconfig (with `extends`) under those overrides. A program that passes `tsc` with
 * other module settings can still fail there: package subpaths resolve through `exports` under
 * nodenext only.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO } from "./support/program";
import { projectCompilerOptions } from "../shared/pulumiInternals";

/**
 * Pulumi's defaults for TypeScript >= 4.7, under the folder's own compilerOptions (its
 * `sourceMap: "true"` is left out: ts-node sets `sourceMap` itself, `TS_NODE_COMPILER_OPTIONS`).
 */
const PULUMI_DEFAULTS = { target: "ES2020", module: "nodenext", moduleResolution: "nodenext" };

function pulumiOptions(projectDir: string): ts.CompilerOptions {
    const file = path.join(projectDir, "tsconfig.json");
    const overrides = { ...PULUMI_DEFAULTS, ...projectCompilerOptions(file) };
    const read = ts.readConfigFile(file, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(
        { ...read.config, compilerOptions: { ...read.config.compilerOptions, ...overrides } },
        ts.sys,
        projectDir,
        undefined,
        file,
    );
    assert.deepEqual(parsed.errors, []);
    const { configFilePath, ...options } = parsed.options;
    void configFilePath;
    return { ...options, noEmit: true };
}

describe("the programs as Pulumi compiles them", function () {
    this.timeout(90_000);

    it("compiles every project's index.ts with the options npm test type-checks them with (tsconfig.check.json)", () => {
        const dirs = ["infra-account-b", "infra-account-a", "."].map((d) => path.join(REPO, d));
        const options = dirs.map(pulumiOptions);
        // The folders' tsconfig files add nothing of their own: one set of options for all three.
        for (const o of options.slice(1)) assert.deepEqual(o, options[0]);
        // What npm test type-checks (`tsc -b tsconfig.check.json`) has the same options and every
        // program: the same files under the same options give the same diagnostics, so the
        // type-check of npm test is the one `pulumi up` does. The check config adds only what
        // changes no diagnostic: no output, and where the incremental state is kept.
        const scripts = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts;
        assert.match(scripts.test, /^tsc -b tsconfig\.check\.json /);
        const checkFile = path.join(REPO, "tsconfig.check.json");
        const check = ts.getParsedCommandLineOfConfigFile(
            checkFile,
            {},
            { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) },
        )!;
        assert.deepEqual(check.errors, []);
        const { configFilePath, sourceMap, incremental, tsBuildInfoFile, ...rootOptions } = check.options;
        void configFilePath;
        void sourceMap;
        assert.equal(incremental, true);
        assert.match(
            String(tsBuildInfoFile),
            /node_modules\/\.cache\//,
            "the incremental state stays out of the work tree",
        );
        const { sourceMap: pulumiSourceMap, ...pulumiRest } = options[0];
        void pulumiSourceMap;
        assert.deepEqual({ ...pulumiRest, noEmit: true }, rootOptions);
        for (const d of dirs)
            assert.ok(
                check.fileNames.includes(path.join(d, "index.ts").split(path.sep).join("/")),
                `${d}/index.ts is not in what npm test type-checks`,
            );
    });

    it("Pulumi's options are nodenext modules and resolution, target ES2020, whatever the folder's tsconfig says", () => {
        const options = pulumiOptions(path.join(REPO, "infra-account-a"));
        assert.equal(options.module, ts.ModuleKind.NodeNext);
        assert.equal(options.moduleResolution, ts.ModuleResolutionKind.NodeNext);
        assert.equal(options.target, ts.ScriptTarget.ES2020);
    });
});
