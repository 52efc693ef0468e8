/**
 * How the tools and the tests load TypeScript: each `.ts` file of the repository is transpiled by
 * SWC (`@swc/core`, types are checked once, by `tsc` in `npm test`) and the result kept in
 * `node_modules/.cache/grafana-athena/swc/`, keyed by the file's path and text, SWC's version and
 * the options below: a tool's second start reads its modules' JavaScript instead of transpiling
 * them again, and loads neither ts-node nor the TypeScript compiler (half of `fleet check`'s
 * start-up; BENCHMARKS.md). `pulumi up` does not use this file: the Pulumi CLI registers ts-node
 * itself from the project's tsconfig.json.
 *
 *   node -r ./tools/register.js tools/plan/synth.ts ...
 *
 * The options are the ones ts-node 10.9.2 derives for SWC from tsconfig.json
 * (`ts-node/dist/transpilers/swc.js`, `createSwcOptions`: target ES2020 keeps class names,
 * `module: nodenext` emits CommonJS without rewriting dynamic imports, esModuleInterop,
 * useDefineForClassFields false), so the code is the same as ts-node's and the dynamic providers'
 * serialized code (tools/ci/stateGuard/reviewed.txt) does not change. Each output carries an inline
 * source map: `NODE_OPTIONS=--enable-source-maps` shows TypeScript lines in a stack trace.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "grafana-athena", "swc");

const OPTIONS = {
    swcrc: false,
    sourceMaps: "inline",
    module: { type: "commonjs", noInterop: false, strictMode: true, ignoreDynamic: true },
    jsc: {
        parser: { syntax: "typescript", tsx: false, dynamicImport: true, importAssertions: true },
        target: "es2020",
        keepClassNames: true,
        transform: { legacyDecorator: true, useDefineForClassFields: false },
        experimental: { keepImportAttributes: true, emitAssertForImportAttributes: true },
    },
};

let swc;
/** SWC is loaded on the first file that is not in the cache: a warm start never loads it. */
const transpile = (source, filename) => {
    swc ??= require("@swc/core");
    return swc.transformSync(source, { ...OPTIONS, filename }).code;
};
let salt;
const saltOf = () => (salt ??= `${require("@swc/core/package.json").version}\0${JSON.stringify(OPTIONS)}\0`);

function compiled(source, filename) {
    const key = crypto.createHash("sha256").update(saltOf()).update(filename).update("\0").update(source);
    const file = path.join(CACHE, `${key.digest("hex")}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        // Not cached (or the cache cannot be read): transpile, and keep it if the cache can be written.
    }
    const code = transpile(source, filename);
    try {
        fs.mkdirSync(CACHE, { recursive: true });
        // Written whole under a name of its own, then renamed: parallel test workers never read half a file.
        const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
        fs.writeFileSync(partial, code);
        fs.renameSync(partial, file);
    } catch {
        // A read-only checkout still runs, transpiling each time.
    }
    return code;
}

require.extensions[".ts"] = function (module, filename) {
    // As ts-node: packages in node_modules are JavaScript already and never transpiled.
    if (filename.split(path.sep).includes("node_modules"))
        throw new Error(`${filename}: TypeScript in node_modules is not loaded`);
    module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};
