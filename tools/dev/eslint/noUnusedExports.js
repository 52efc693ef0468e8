/**
 * `grafana-athena/no-unused-exports`: every export is imported by another module of the
 * repository. An export nobody imports is dead code, or a name only its own file uses that should
 * not be part of the module's surface. Modules whose exports are an interface of their own (a
 * program's stack outputs, the component package, the policy pack, the offline plan's API) are
 * entry points: eslint.config.mjs turns the rule off for them, or names what a kind of module
 * exports for its caller (`allow`: a command's `main`), never file by file in the source.
 *
 * What counts as an import is the index's (importIndex.js): a namespace import used as a whole,
 * `export *`, `require()` and `import()` use every export of their module. CommonJS
 * `module.exports` and `export =` are not checked.
 */
"use strict";
const path = require("node:path");
const { ALL, importIndex, ROOT } = require("./importIndex");

/** The names a pattern (`const { a, b: [c] } = ...`) declares. */
function patternNames(pattern, out) {
    if (!pattern) return out;
    if (pattern.type === "Identifier") out.push([pattern.name, pattern]);
    else if (pattern.type === "ObjectPattern") {
        for (const p of pattern.properties)
            patternNames(p.type === "RestElement" ? p.argument : p.value, out);
    } else if (pattern.type === "ArrayPattern") for (const e of pattern.elements) patternNames(e, out);
    else if (pattern.type === "AssignmentPattern") patternNames(pattern.left, out);
    else if (pattern.type === "RestElement") patternNames(pattern.argument, out);
    return out;
}

/** The names an export statement adds to its module, each with the node to report at. */
function exportedNames(node) {
    if (node.type === "ExportDefaultDeclaration") return [["default", node]];
    if (node.type === "ExportAllDeclaration") return node.exported ? [[nameOf(node.exported), node]] : [];
    if (node.type !== "ExportNamedDeclaration") return [];
    const declaration = node.declaration;
    if (!declaration) return node.specifiers.map((s) => [nameOf(s.exported), s]);
    if (declaration.type === "VariableDeclaration") {
        return declaration.declarations.flatMap((d) => patternNames(d.id, []));
    }
    return declaration.id ? [[nameOf(declaration.id), declaration.id]] : [];
}

function nameOf(node) {
    return node.type === "Identifier" ? node.name : String(node.value);
}

module.exports = {
    meta: {
        type: "suggestion",
        docs: { description: "Disallow exports that no other module of the repository imports" },
        schema: [
            {
                type: "object",
                properties: { allow: { type: "array", items: { type: "string" } } },
                additionalProperties: false,
            },
        ],
        messages: {
            unused:
                "'{{name}}' is exported but no other module imports it: un-export it if only this " +
                "file uses it, delete it if nothing does",
        },
    },
    create(context) {
        const root = context.settings["grafana-athena/root"] ?? ROOT;
        const index = importIndex(root);
        const file = path.relative(root, context.filename).split(path.sep).join("/");
        const used = index.used.get(file) ?? new Set();
        if (used === ALL) return {};
        const allowed = new Set(context.options[0]?.allow ?? []);
        return {
            Program(program) {
                const seen = new Set();
                for (const statement of program.body) {
                    for (const [name, node] of exportedNames(statement)) {
                        if (used.has(name) || allowed.has(name) || seen.has(name)) continue;
                        seen.add(name);
                        context.report({ node, messageId: "unused", data: { name } });
                    }
                }
            },
        };
    },
};
