/**
 * The repository's imports, read once per ESLint run: which module imports which of another's
 * exports. ESLint lints one file at a time, and the two rules of this plugin need every other
 * file's view of it (who imports an export; whether an import comes back). Each file is parsed by
 * TypeScript's own parser (no type checker, no program: a few hundred milliseconds for the
 * repository), so the index sees `import type`, `export ... from`, `import()`, `require()` and
 * `import("./x").T` alike.
 *
 * A relative specifier (`./`, `../`) names a module of the repository; a package's module is never
 * an edge. `require()`, `import()`, `export *` and a namespace import used as a whole count as
 * using every export of the module; a namespace import used only as `ns.name` uses those names.
 */
"use strict";
const { createHash } = require("node:crypto");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

/** Every export of a module is used. */
const ALL = "*";
const SOURCE = /\.(ts|js|mjs|cjs)$/;

/** The repository's source files, tracked or new (not ignored), relative and with `/`. */
function sourceFiles(root) {
    const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return listed
        .split("\n")
        .filter(
            (f) => SOURCE.test(f) && !f.startsWith("tests/fixtures/") && fs.existsSync(path.join(root, f)),
        )
        .sort();
}

/** The module a relative specifier names, as a file of the repository, or undefined. */
function resolver(files) {
    const known = new Set(files);
    return (from, spec) => {
        if (!spec.startsWith("./") && !spec.startsWith("../")) return undefined;
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
        const stem = base.replace(/\.(js|ts)$/, "");
        const candidates = [base, `${stem}.ts`, `${stem}.js`, `${base}/index.ts`, `${base}/index.js`];
        return candidates.find((c) => known.has(c));
    };
}

function specifierOf(node) {
    return node && ts.isStringLiteralLike(node) ? node.text : undefined;
}

/** What one file imports: [{ target, names: Set | ALL, line }], and its namespace imports. */
function importsOf(file, text, resolve) {
    const kind = file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    const imports = [];
    const namespaces = new Map();
    const add = (node, spec, names) => {
        const target = spec === undefined ? undefined : resolve(file, spec);
        if (target === undefined) return undefined;
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const entry = { target, names, line };
        imports.push(entry);
        return entry;
    };
    const visit = (node) => {
        if (ts.isImportDeclaration(node)) {
            const clause = node.importClause;
            const names = new Set();
            if (clause?.name) names.add("default");
            const bindings = clause?.namedBindings;
            if (bindings && ts.isNamedImports(bindings)) {
                for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
            }
            const entry = add(node, specifierOf(node.moduleSpecifier), names);
            if (entry && bindings && ts.isNamespaceImport(bindings))
                namespaces.set(bindings.name.text, entry);
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
            const clause = node.exportClause;
            const names =
                clause && ts.isNamedExports(clause)
                    ? new Set(clause.elements.map((e) => (e.propertyName ?? e.name).text))
                    : ALL;
            add(node, specifierOf(node.moduleSpecifier), names);
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
            add(node, specifierOf(node.moduleReference.expression), ALL);
        } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
            const callee = node.expression;
            const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
            const isRequire = ts.isIdentifier(callee) && callee.text === "require";
            if (isImport || isRequire) add(node, specifierOf(node.arguments[0]), ALL);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
            add(node, specifierOf(node.argument.literal), ALL);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    if (namespaces.size > 0) namespaceUses(source, namespaces);
    return imports;
}

/** A namespace import used as `ns.name` (or `ns.Type`) uses those names; used otherwise, all. */
function namespaceUses(source, namespaces) {
    const visit = (node) => {
        if (ts.isIdentifier(node) && namespaces.has(node.text)) {
            const entry = namespaces.get(node.text);
            const parent = node.parent;
            if (ts.isNamespaceImport(parent)) {
                // the declaration itself
            } else if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
                if (entry.names !== ALL) entry.names.add(parent.name.text);
            } else if (ts.isQualifiedName(parent) && parent.left === node) {
                if (entry.names !== ALL) entry.names.add(parent.right.text);
            } else {
                entry.names = ALL;
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
}

/**
 * The index of a repository: `files`, `imports` (file -> its imports), `used` (file -> the names
 * other modules import from it, or ALL) and `digest`, which changes whenever any file's imports
 * change, so that ESLint's cache of an unchanged file is not trusted after an edit elsewhere.
 */
function buildIndex(root) {
    const files = sourceFiles(root);
    const resolve = resolver(files);
    const imports = new Map();
    const used = new Map();
    for (const file of files) {
        const own = importsOf(file, fs.readFileSync(path.join(root, file), "utf8"), resolve);
        imports.set(file, own);
        for (const { target, names } of own) {
            if (target === file) continue;
            const before = used.get(target) ?? new Set();
            if (before === ALL || names === ALL) used.set(target, ALL);
            else used.set(target, new Set([...before, ...names]));
        }
    }
    const hash = createHash("sha256");
    for (const file of ["importIndex.js", "noUnusedExports.js", "noImportCycle.js", "index.js"]) {
        hash.update(fs.readFileSync(path.join(__dirname, file)));
    }
    for (const [file, own] of imports) {
        const edges = own.map(({ target, names }) => [target, names === ALL ? ALL : [...names].sort()]);
        hash.update(JSON.stringify([file, edges]));
    }
    return { root, files, imports, used, digest: hash.digest("hex").slice(0, 16) };
}

/** The repository this plugin is part of. */
const ROOT = path.resolve(__dirname, "../../..");

const indexes = new Map();

/** The index of the repository at `root`, built once per process. */
function importIndex(root) {
    const key = path.resolve(root);
    if (!indexes.has(key)) indexes.set(key, buildIndex(key));
    return indexes.get(key);
}

module.exports = { ALL, ROOT, importIndex, buildIndex };
