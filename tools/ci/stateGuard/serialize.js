/**
 * Prints, as JSON, the `__provider` text of each dynamic resource class named on the command line,
 * exactly as `pulumi up` would put it in the state: one Node.js process that loads the program's
 * TypeScript the way the Pulumi CLI's Node.js language host does, and lets the SDK serialize.
 *
 *   node tools/ci/stateGuard/serialize.js <project dir> '[{"module": "<file>.ts", "className": "<class>"}]'
 *
 * Why not under tools/register.js: the serialized text is the transpiled JavaScript of the provider's
 * functions (Function.prototype.toString), so it depends on the transpiler. The language host
 * (`@pulumi/pulumi` 3.276.0, `cmd/run/run.js`) registers ts-node with TypeScript's own compiler,
 * the project's tsconfig.json (`project`), and compilerOptions `{target: "ES2020", module:
 * "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...the tsconfig's}`; SWC (the
 * tools' transpiler) prints other text. Type checking does not change the emitted code, so this
 * process transpiles only. The SDK's own `dynamic.Resource` constructor serializes the provider
 * (`serializeFunction(() => provider, {allowSecrets: true})`), under mocks: no engine, no network.
 * Plain JavaScript, started with plain `node`, so nothing registers SWC first.
 */
"use strict";
const path = require("path");

const [projectDir, tableText] = process.argv.slice(2);
const table = JSON.parse(tableText);
process.chdir(projectDir);
const from = (id) => require.resolve(id, { paths: [projectDir] });
const ts = require(from("typescript"));
// As the SDK's tsutils.loadTypeScriptCompilerOptions: the file's own compilerOptions, raw (no `extends`).
const raw =
    ts.parseConfigFileTextToJson("tsconfig.json", require("fs").readFileSync("tsconfig.json", "utf8"))
        .config || {};
require(from("ts-node")).register({
    compiler: from("typescript"),
    transpileOnly: true,
    project: "tsconfig.json",
    skipProject: false,
    compilerOptions: {
        target: "ES2020",
        module: "nodenext",
        moduleResolution: "nodenext",
        sourceMap: "true",
        ...(raw.compilerOptions || {}),
    },
});

const pulumi = require(from("@pulumi/pulumi"));
const found = [];
const pending = [];
pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            found.push({ type: args.type, code: args.inputs.__provider });
            return { id: `${args.name}-id`, state: {} };
        },
        call: () => ({}),
    },
    "state-guard",
    "state-guard",
    true,
);
for (const { module, className } of table) {
    const Class = require(path.resolve(module))[className];
    if (typeof Class !== "function") throw new Error(`${module} exports no class ${className}`);
    // The constructor's inputs do not reach the provider's text: the provider is a module-level object.
    const r = new Class(`state-guard-${className}`, {});
    pending.push(new Promise((resolve) => r.urn.apply(resolve)));
}
Promise.all(pending).then(() => {
    // The mocks register each resource after its inputs resolved: wait until every one was seen.
    const wait = () =>
        found.length < table.length ? setTimeout(wait, 10) : process.stdout.write(JSON.stringify(found));
    wait();
});
