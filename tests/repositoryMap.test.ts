/**
 * The map of the repository in docs/development.md ("Layout") is the tree: every folder of the
 * sources is on it, everything on it exists, and tests/ mirrors the folders it tests. A folder
 * added, moved or removed fails here, naming it and where to say what it holds.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "./support/repo";

const GUIDE = "docs/development.md";

/** The tracked files (a checkout without git, such as a copy, reads the files on disk instead). */
function trackedFiles(): string[] {
    try {
        return execFileSync("git", ["ls-files"], {
            cwd: REPO,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        })
            .split("\n")
            .filter((f) => f !== "");
    } catch {
        const walk = (dir: string): string[] =>
            fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
                const rel = dir === "" ? e.name : `${dir}/${e.name}`;
                if (["node_modules", ".git", "out", ".pulumi"].includes(e.name)) return [];
                return e.isDirectory() ? walk(rel) : [rel];
            });
        return walk("");
    }
}

/** Every folder holding a tracked file, up to `depth` levels. */
function folders(files: readonly string[], depth: number): Set<string> {
    const out = new Set<string>();
    for (const f of files) {
        const parts = f.split("/").slice(0, -1);
        for (let i = 1; i <= Math.min(depth, parts.length); i++) out.add(parts.slice(0, i).join("/"));
    }
    return out;
}

/**
 * The entries of the layout block: the first column of each line (a path, or a list of paths
 * ending in ","), resolved against the folders above it by indentation (two spaces a level), each
 * with the text that describes it (where a small folder may be named inline, as `name/`).
 */
function layoutEntries(guide: string): { path: string; text: string }[] {
    const block = /## Layout[\s\S]*?\n```\n([\s\S]*?)\n```/.exec(guide)?.[1];
    assert.ok(block, `${GUIDE} has no layout block`);
    const entries: { path: string; text: string }[] = [];
    const parents: string[] = [];
    let continuing: number | undefined;
    for (const line of block.split("\n")) {
        const m = /^( *)(\S(?:.*?\S)?)(?: {2,}|$)/.exec(line);
        if (!m || m[1].length >= 20) {
            // A description's continuation.
            if (entries.length > 0) entries[entries.length - 1].text += ` ${line.trim()}`;
            continue;
        }
        const level = continuing ?? m[1].length / 2;
        const names = m[2].split(/,\s*/).filter((n) => n !== "");
        continuing = m[2].endsWith(",") ? level : undefined;
        parents.length = level;
        const base = parents.join("");
        const text = line.slice(m[0].length).trim();
        for (const name of names) entries.push({ path: `${base}${name}`, text });
        const last = names[names.length - 1];
        if (last?.endsWith("/")) parents[level] = last;
    }
    return entries;
}

describe("the repository's map (docs/development.md)", () => {
    const files = trackedFiles();
    const tracked = new Set(files);
    const trackedFolders = folders(files, 3);
    const layout = layoutEntries(fs.readFileSync(path.join(REPO, GUIDE), "utf8"));
    const entries = layout.map((e) => e.path);
    const named = new Set(entries.flatMap((e) => [e.replace(/\/$/, ""), path.posix.dirname(e)]));
    /** A folder named in the description of its parent's entry (`benchFloor/`). */
    const inline = (f: string) =>
        layout.some(
            (e) => e.path === `${path.posix.dirname(f)}/` && e.text.includes(`${path.posix.basename(f)}/`),
        );

    it("names nothing that is not in the repository", () => {
        const missing = entries.filter((e) =>
            e.endsWith("/")
                ? !trackedFolders.has(e.slice(0, -1)) && !folders(files, 9).has(e.slice(0, -1))
                : !tracked.has(e),
        );
        assert.deepEqual(missing, [], `${GUIDE}'s layout names what does not exist`);
    });

    it("names every folder of the sources (tests/ mirrors them, checked below)", () => {
        const unlisted = [...trackedFolders].filter(
            (f) =>
                !f.startsWith("tests/") &&
                !/^(docs\/config|examples\/[^/]+|\.github\/.+)$/.test(f) &&
                !named.has(f) &&
                !inline(f),
        );
        assert.deepEqual(unlisted, [], `add these folders to ${GUIDE}'s layout, saying what each holds`);
    });

    it("tests/ mirrors the folders it tests: each folder of tests/ but support/, fixtures/ and engine/ (the engine tests, npm run test:engine) is a folder of the sources", () => {
        const strays = [...folders(files, 4)]
            .filter((f) => f.startsWith("tests/") && !/^tests\/(support|fixtures|engine)(\/|$)/.test(f))
            .map((f) => f.slice("tests/".length))
            .filter((f) => !folders(files, 4).has(f));
        assert.deepEqual(strays, [], "these test folders mirror no source folder");
    });
});
