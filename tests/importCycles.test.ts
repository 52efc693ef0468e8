/**
 * No import cycle anywhere in the repository: every module (programs, components, shared/, the
 * tools, the policy pack, the package, the tests) is loaded after everything it imports, whether
 * by `import`, `import type`, `export ... from` or a `require` of a relative path.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./support/repo";

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;

/** The repository's modules and the modules each imports, by path without extension. */
export function importGraph(root: string, files: readonly string[]): Map<string, Set<string>> {
    const modules = new Set(files.map((f) => f.replace(/\.(ts|js)$/, "")));
    const resolve = (from: string, spec: string): string | undefined => {
        const target = path.posix
            .normalize(path.posix.join(path.posix.dirname(from), spec))
            .replace(/\.(ts|js)$/, "");
        return modules.has(target) ? target : modules.has(`${target}/index`) ? `${target}/index` : undefined;
    };
    const graph = new Map<string, Set<string>>();
    for (const f of files) {
        const edges = new Set<string>();
        for (const m of fs.readFileSync(path.join(root, f), "utf8").matchAll(SPECIFIER)) {
            const target = resolve(f, m[1]);
            if (target !== undefined) edges.add(target);
        }
        graph.set(f.replace(/\.(ts|js)$/, ""), edges);
    }
    return graph;
}

/** The cycles of a graph: its strongly connected components of more than one module (Tarjan). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (v: string) => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return found;
}

describe("imports", () => {
    it("form no cycle anywhere in the repository", () => {
        const files = execFileSync("git", ["ls-files", "*.ts", "*.js"], { cwd: REPO, encoding: "utf8" })
            .split("\n")
            .filter((f) => f !== "" && !f.startsWith("tests/fixtures/") && fs.existsSync(path.join(REPO, f)));
        assert.deepEqual(
            cycles(importGraph(REPO, files)),
            [],
            "these modules import each other: move what they share into a module of its own",
        );
    });

    it("a cycle is found, however long", () => {
        const graph = new Map([
            ["a", new Set(["b"])],
            ["b", new Set(["c"])],
            ["c", new Set(["a"])],
            ["d", new Set(["a"])],
        ]);
        assert.deepEqual(cycles(graph), [["a", "b", "c"]]);
        assert.deepEqual(
            cycles(
                new Map([
                    ["a", new Set(["b"])],
                    ["b", new Set<string>()],
                ]),
            ),
            [],
        );
    });
});
