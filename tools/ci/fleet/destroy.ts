/**
 * Removing an account: the stacks whose stack files were removed since a base commit, and the order
 * in which `npm run fleet -- destroy --base REF` destroys them. Nothing runs for a missing stack
 * file (`pulumi up` never sees it), so its role, bucket and workgroup stay until this command
 * destroys the stack. The order (docs/fleet.md, "Removing an account"):
 * - workspace stacks first, then source stacks: a workspace's data sources assume the sources' roles;
 * - a source only when no workspace stack file of the checkout still lists it in `sources` (an
 *   inventory-mode workspace stops charting it by its own update, which the deploy applies first),
 *   and only when every workspace's destroy succeeded;
 * - nothing the stacks did not create is deleted: a destroy leaves what a stack adopted or retains
 *   (`retainOnDelete`, as the plan diff lists), as any `pulumi destroy` does.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MAX_CONFIG_FILE_BYTES, readTextFile } from "../../../shared/files";
import {
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    WORKSPACE_PROJECT,
    qualifiedStack,
} from "../../../shared/inventory";
import { stackFileConfig, stackOfFile } from "../../../shared/stackFiles";
import { forkPoint, resolveBase } from "./affected";
import type { Inventory, StackEntry } from "./fleetInventory";

/**
 * A stack whose file was removed since the base: its entry (the file as it was) and that file's text at the
 * base.
 */
export interface RemovedStack {
    entry: StackEntry;
    /** The stack file as the base commit holds it: its secrets provider and salt are what the state needs. */
    baseText: string;
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
 * Whether anything is at `file` in the checkout: a regular file, a folder, or a symbolic link,
 * dangling or not (never followed). Only a path with nothing at it was removed; a stack file that a
 * link replaced is still there, and fleet check judges what it leads to.
 */
function present(file: string): boolean {
    try {
        fs.lstatSync(file);
        return true;
    } catch {
        return false;
    }
}

/**
 * The source and workspace stacks whose stack file the base (where the branch left `base`) holds
 * and the checkout does not: nothing is at its path any more (see `present`). Names come from
 * git's tree and pass the stack file rule (`Pulumi.<stack>.yaml`, the example never); each base
 * file is read within the stack file bound.
 */
export function removedStacks(
    root: string,
    base: string,
    org: string,
): { sources: RemovedStack[]; workspaces: RemovedStack[] } {
    const from = forkPoint(root, base);
    const removed = (project: StackEntry["project"], folder: string): RemovedStack[] =>
        git(root, "ls-tree", "--name-only", "--end-of-options", from, `${folder}/`)
            .split("\n")
            .map((f) => path.posix.basename(f))
            .flatMap((name) => {
                const stack = stackOfFile(name);
                const file = path.join(root, folder, name);
                if (stack === undefined || present(file)) return [];
                const size = Number(git(root, "cat-file", "-s", `${from}:${folder}/${name}`).trim());
                if (size > MAX_CONFIG_FILE_BYTES)
                    throw new Error(
                        `${folder}/${name} at ${from.slice(0, 12)}: ${size} ` +
                            `bytes, more than a stack file may hold`,
                    );
                const baseText = git(root, "cat-file", "blob", `${from}:${folder}/${name}`);
                return [
                    {
                        entry: { name: qualifiedStack(org, project, stack), stack, project, folder, file },
                        baseText,
                    },
                ];
            })
            .sort((a, b) => (a.entry.stack < b.entry.stack ? -1 : a.entry.stack > b.entry.stack ? 1 : 0));
    return {
        sources: removed(SOURCE_PROJECT, PROJECT_FOLDERS.source),
        workspaces: removed(WORKSPACE_PROJECT, PROJECT_FOLDERS.workspace),
    };
}

/** Why a removed source is not destroyed in this run, by its fully qualified name. */
export type Held = Map<string, string>;

/**
 * The removed sources that a workspace stack file of the checkout still lists in `sources`, with
 * the file that lists each: destroying them would leave that workspace's data source assuming a
 * deleted role. An unreadable workspace file holds every removed source (it might list any). Names
 * are compared ignoring case, as Pulumi Cloud resolves a stack reference.
 */
export function stillCharted(removed: readonly RemovedStack[], inventory: Inventory, root: string): Held {
    const held: Held = new Map();
    const names = new Set(removed.map((r) => r.entry.stack.toLowerCase()));
    for (const w of inventory.workspaces) {
        const rel = path.relative(root, w.file);
        let listed: unknown;
        try {
            listed = stackFileConfig(readTextFile(w.file), rel)[`${WORKSPACE_PROJECT}:sources`];
        } catch {
            for (const r of removed)
                if (!held.has(r.entry.name))
                    held.set(r.entry.name, `${rel} cannot be read, and may chart it: fix that file first`);
            continue;
        }
        for (const s of Array.isArray(listed) ? listed : []) {
            const parts = typeof s?.stack === "string" ? (s.stack as string).toLowerCase().split("/") : [];
            if (parts.length === 3 && parts[1] === SOURCE_PROJECT && names.has(parts[2])) {
                const entry = removed.find((r) => r.entry.stack.toLowerCase() === parts[2])!.entry;
                if (!held.has(entry.name))
                    held.set(entry.name, `${rel} still lists it in sources: remove it there first`);
            }
        }
    }
    return held;
}

/**
 * The removed stacks that a stack file of the checkout, in the same project folder, names the
 * same stack ignoring case (`Pulumi.Sales.yaml` renamed `Pulumi.sales.yaml`): Pulumi Cloud reads
 * stack names without case, so destroying the removed one would destroy the stack that file
 * deploys. Held, naming the file; a backend that tells them apart destroys it by hand.
 */
export function sameStackIgnoringCase(
    removed: readonly RemovedStack[],
    inventory: Inventory,
    root: string,
): Held {
    const held: Held = new Map();
    const kept = [...inventory.sources, ...inventory.workspaces];
    for (const r of removed) {
        const other = kept.find(
            (k) => k.project === r.entry.project && k.stack.toLowerCase() === r.entry.stack.toLowerCase(),
        );
        if (other !== undefined)
            held.set(
                r.entry.name,
                `${path.relative(root, other.file)} is the same stack to Pulumi Cloud, whose stack ` +
                    "names ignore case: not destroyed (on a backend that tells them apart, " +
                    "destroy it by hand)",
            );
    }
    return held;
}

/**
 * The removed stacks whose stack file `tip` (the branch's current tip, such as `origin/main`) holds
 * again, ignoring case: a file removed and then added back. A deploy run again after the branch
 * moved on (a re-run of its failed job) still has its old destroy plans; applying one would
 * destroy the stack the file added back deploys. Held, naming the commit.
 */
export function backAtTip(removed: readonly RemovedStack[], root: string, tip: string): Held {
    const commit = resolveBase(root, tip, "--tip");
    const held: Held = new Map();
    const names = new Map<string, Set<string>>();
    for (const r of removed) {
        if (!names.has(r.entry.folder))
            names.set(
                r.entry.folder,
                new Set(
                    git(root, "ls-tree", "--name-only", "--end-of-options", commit, `${r.entry.folder}/`)
                        .split("\n")
                        .map((f) => stackOfFile(path.posix.basename(f))?.toLowerCase())
                        .filter((s): s is string => s !== undefined),
                ),
            );
        if (names.get(r.entry.folder)!.has(r.entry.stack.toLowerCase()))
            held.set(
                r.entry.name,
                `${tip} (${commit.slice(0, 12)}) holds its stack file again: not destroyed`,
            );
    }
    return held;
}

/**
 * Where the saved destroy plan of a stack is kept in `planDir` (beside the update plans, never the same
 * name).
 */
export function destroyPlanFile(planDir: string, entry: StackEntry): string {
    return path.join(planDir, `${entry.project}.${entry.stack}.destroy-plan.json`);
}
