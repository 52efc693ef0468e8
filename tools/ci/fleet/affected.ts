/**
 * The stacks a change touches, from the files it changed: a stack whose file changed; every stack
 * when a program, `components/`, `shared/`, the lockfile or a `Pulumi.yaml` changed; and the workspace stacks
 * whenever a source is affected or a source stack file went away (they chart the inventory and
 * read the sources' outputs).
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { PROJECT_FOLDERS } from "../../../shared/inventory";
import { stackOfFile } from "../../../shared/stackFiles";
import { UsageError, plainText } from "../../cli/options";
import type { Inventory, StackEntry } from "./fleetInventory";

/** Files that every stack is built from: a change to one may change any plan. */
export function touchesEveryStack(file: string): boolean {
    const f = file.split(path.sep).join("/");
    if (/^(package(-lock)?\.json|tsconfig\.json|index\.ts|config\.ts|Pulumi\.yaml)$/.test(f)) return true;
    if (f.startsWith("shared/") || f.startsWith("components/")) return true;
    for (const folder of Object.values(PROJECT_FOLDERS)) {
        if (
            f.startsWith(`${folder}/`) &&
            path.posix.dirname(f) === folder &&
            stackOfFile(path.posix.basename(f)) === undefined &&
            !/^Pulumi\.example\.yaml$/.test(path.posix.basename(f))
        ) {
            return true;
        }
    }
    return false;
}

/**
 * The affected stacks of `inventory`, given the changed files (relative to the repository root,
 * `/`-separated).
 */
export function affectedStacks(inventory: Inventory, changed: readonly string[]): Inventory {
    const files = changed.map((f) => f.split(path.sep).join("/"));
    if (files.some(touchesEveryStack)) return inventory;
    const changedIn = (folder: string) =>
        new Set(
            files
                .filter((f) => path.posix.dirname(f) === folder)
                .map((f) => stackOfFile(path.posix.basename(f)))
                .filter((s): s is string => s !== undefined),
        );
    const sourceFiles = changedIn(PROJECT_FOLDERS.source);
    const workspaceFiles = changedIn(PROJECT_FOLDERS.workspace);
    const sources = inventory.sources.filter((s) => sourceFiles.has(s.stack));
    // A source stack file that changed but is no longer in the inventory was removed.
    const sourceGone = [...sourceFiles].some((s) => !inventory.sources.some((x) => x.stack === s));
    const workspaces: StackEntry[] =
        sources.length > 0 || sourceGone
            ? inventory.workspaces
            : inventory.workspaces.filter((w) => workspaceFiles.has(w.stack));
    return { sources, workspaces };
}

/**
 * The commit `base` names in the checkout at `root`, checked before git sees it as anything but a
 * revision: a value starting with `-` would be read as an option (`--base=--output=FILE`), so it is
 * refused, as is one git cannot resolve to a commit (exit 2, one line naming it, as `option`).
 */
export function resolveBase(root: string, base: string, option = "--base"): string {
    const shown = JSON.stringify(base.slice(0, 100));
    if (base === "" || base.startsWith("-"))
        throw new UsageError(
            `${option} ${shown} is not a commit, branch or tag (a ref cannot start with "-")`,
        );
    plainText(option, base);
    try {
        // --end-of-options: whatever base holds, git reads it as a revision (git >= 2.30).
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", `${base}^{commit}`).trim();
    } catch {
        throw new UsageError(
            `${option} ${shown} is not a commit, branch or tag of the repository at ${root}`,
        );
    }
}

/**
 * Where the branch at `root` left `base`: the merge base of the commit `base` names and HEAD. A base
 * that shares no history with HEAD has none, and is refused as a bad command line naming it.
 */
export function forkPoint(root: string, base: string, option = "--base"): string {
    const commit = resolveBase(root, base, option);
    try {
        return git(root, "merge-base", "--end-of-options", commit, "HEAD").trim();
    } catch {
        throw new UsageError(
            `${option} ${JSON.stringify(base.slice(0, 100))} shares no history with HEAD ` +
                "(no merge base): give a commit of this branch's history",
        );
    }
}

function git(root: string, ...args: string[]): string {
    return execFileSync("git", args, {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
    });
}

/**
 * The files changed since `base` (from where the branch left it), committed or not, plus new untracked ones.
 */
export function changedFiles(root: string, base: string): string[] {
    const from = forkPoint(root, base);
    const diff = git(root, "diff", "--name-only", "--no-renames", from, "--");
    const untracked = git(root, "ls-files", "--others", "--exclude-standard");
    return [
        ...new Set([...diff.split("\n"), ...untracked.split("\n")].filter((l) => l.trim() !== "")),
    ].sort();
}
