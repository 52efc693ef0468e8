/**
 * The repository's own lint rules (tools/dev/eslint/), run by ESLint on small repositories of
 * their own: an export no other module imports is reported, one that is imported is not; an
 * import cycle is reported on every module of it, whatever kind of import closes it; and the
 * digest that keeps ESLint's cache honest changes when an import changes anywhere.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

// CommonJS without type declarations (ESLint loads it from eslint.config.mjs).
const plugin = require("../../../tools/dev/eslint/index.js");
const { buildIndex } = require("../../../tools/dev/eslint/importIndex.js");

/** A git repository holding `files`, as the rules find a repository's modules (git ls-files). */
function repository(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "eslint-rules-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    execFileSync("git", ["init", "-q"], { cwd: root });
    return root;
}

/** Each problem the two rules find, as `file:line rule: message`. */
async function lint(root: string): Promise<string[]> {
    const eslint = new ESLint({
        cwd: root,
        overrideConfigFile: true,
        overrideConfig: [
            {
                files: ["**/*.ts", "**/*.js"],
                languageOptions: { parser: tseslint.parser },
                plugins: { "grafana-athena": plugin },
                settings: { "grafana-athena/root": root },
                rules: {
                    "grafana-athena/no-import-cycle": "error",
                    "grafana-athena/no-unused-exports": "error",
                },
            },
        ],
    });
    const results = await eslint.lintFiles(["."]);
    return results
        .flatMap((r) =>
            r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId}: ${m.message}`),
        )
        .sort();
}

const unused = (name: string) =>
    `'${name}' is exported but no other module imports it: ` +
    "un-export it if only this file uses it, delete it if nothing does";

describe("lint rules of the repository", () => {
    const roots: string[] = [];
    after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

    it("no-unused-exports reports each export no other module imports, by name, namespace or require", async () => {
        const root = repository({
            "main.ts": [
                'import { used, type Used } from "./lib/named";',
                'import * as ns from "./lib/spaced";',
                'import * as whole from "./lib/whole";',
                'const req = require("./lib/required");',
                "const v: Used = used + ns.reached;",
                "console.log(v, whole, req);",
                "",
            ].join("\n"),
            "lib/named.ts": [
                "export const used = 1;",
                "export type Used = number;",
                "export const dead = 2;",
                "export function ownUse(): number {",
                "    return dead;",
                "}",
                "",
            ].join("\n"),
            "lib/spaced.ts": "export const reached = 1;\nexport const missed = 2;\n",
            "lib/whole.ts": "export const a = 1;\nexport const b = 2;\n",
            "lib/required.ts": "export const r = 1;\n",
            "lib/reexport.ts": 'export { used } from "./named";\n',
        });
        roots.push(root);
        assert.deepEqual(await lint(root), [
            `lib/named.ts:3 grafana-athena/no-unused-exports: ${unused("dead")}`,
            `lib/named.ts:4 grafana-athena/no-unused-exports: ${unused("ownUse")}`,
            `lib/reexport.ts:1 grafana-athena/no-unused-exports: ${unused("used")}`,
            `lib/spaced.ts:2 grafana-athena/no-unused-exports: ${unused("missed")}`,
        ]);
    });

    it("no-import-cycle reports a cycle on each of its modules, type-only imports and require included", async () => {
        const cycle = (way: string) =>
            `grafana-athena/no-import-cycle: import cycle: ${way}; ` +
            "move what these modules share into a module of their own";
        const root = repository({
            "a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
            "b.ts": 'import { c } from "./c";\nexport type B = typeof c;\n',
            "c.ts": 'const a = require("./a");\nexport const c = a;\n',
            "d.ts": 'import type { A } from "./a";\nexport type D = A;\n',
        });
        roots.push(root);
        const problems = (await lint(root)).filter((p) => p.includes("no-import-cycle"));
        assert.deepEqual(problems, [
            `a.ts:1 ${cycle("a.ts -> b.ts -> c.ts -> a.ts")}`,
            `b.ts:1 ${cycle("b.ts -> c.ts -> a.ts -> b.ts")}`,
            `c.ts:1 ${cycle("c.ts -> a.ts -> b.ts -> c.ts")}`,
        ]);
    });

    it("the imports' digest changes when an import changes, not when other code does", () => {
        const root = repository({
            "a.ts": 'import { b } from "./b";\nb();\n',
            "b.ts": "export function b() {}\n",
        });
        roots.push(root);
        const before = buildIndex(root).digest;
        fs.writeFileSync(path.join(root, "b.ts"), "export function b() {\n    return 1;\n}\n");
        assert.equal(buildIndex(root).digest, before);
        fs.writeFileSync(path.join(root, "a.ts"), 'import { b, c } from "./b";\nb(c);\n');
        assert.notEqual(buildIndex(root).digest, before);
    });
});
