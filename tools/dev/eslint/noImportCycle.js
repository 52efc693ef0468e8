/**
 * `grafana-athena/no-import-cycle`: no module imports, however indirectly, a module that imports
 * it back. A cycle makes one of its modules load half-initialised (its imports are `undefined`
 * until the other finishes) and ties the modules' jobs together; what they share belongs in a
 * module of its own. Every edge counts, `import type` too (a type-only cycle still ties the
 * modules' jobs), and `export ... from`, `require()` and `import()`.
 *
 * Reported once per import of the file that starts a way back to it, with that way.
 */
"use strict";
const path = require("node:path");
const { importIndex, ROOT } = require("./importIndex");

/** The strongly connected components of more than one module (or a module importing itself). */
function cyclicComponents(graph) {
    let next = 0;
    const index = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const component = new Map();
    const visit = (v) => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        }
        if (low.get(v) === index.get(v)) {
            const members = new Set();
            let w;
            do {
                w = stack.pop();
                onStack.delete(w);
                members.add(w);
            } while (w !== v);
            if (members.size > 1 || graph.get(v)?.has(v)) for (const m of members) component.set(m, members);
        }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    return component;
}

/** The shortest way from `from` back to `to` within one component, as a list of modules. */
function wayBack(graph, members, from, to) {
    const previous = new Map([[from, undefined]]);
    const queue = [from];
    while (queue.length > 0) {
        const v = queue.shift();
        if (v === to) break;
        for (const w of graph.get(v) ?? []) {
            if (members.has(w) && !previous.has(w)) {
                previous.set(w, v);
                queue.push(w);
            }
        }
    }
    const way = [];
    for (let v = to; v !== undefined; v = previous.get(v)) way.unshift(v);
    return way;
}

const components = new WeakMap();

function cyclesOf(index) {
    if (!components.has(index)) {
        const graph = new Map([...index.imports].map(([f, own]) => [f, new Set(own.map((i) => i.target))]));
        components.set(index, { graph, component: cyclicComponents(graph) });
    }
    return components.get(index);
}

module.exports = {
    meta: {
        type: "problem",
        docs: { description: "Disallow import cycles between the repository's modules" },
        schema: [],
        messages: {
            cycle: "import cycle: {{way}}; move what these modules share into a module of their own",
        },
    },
    create(context) {
        const root = context.settings["grafana-athena/root"] ?? ROOT;
        const index = importIndex(root);
        const file = path.relative(root, context.filename).split(path.sep).join("/");
        const { graph, component } = cyclesOf(index);
        const members = component.get(file);
        if (members === undefined) return {};
        return {
            Program() {
                const reported = new Set();
                for (const { target, line } of index.imports.get(file) ?? []) {
                    if (!members.has(target) || reported.has(target)) continue;
                    reported.add(target);
                    const way = [file, ...wayBack(graph, members, target, file)];
                    context.report({
                        loc: { start: { line, column: 0 }, end: { line, column: 0 } },
                        messageId: "cycle",
                        data: { way: way.join(" -> ") },
                    });
                }
            },
        };
    },
};
