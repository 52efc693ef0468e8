/**
 * Which stacks `fleet synth` plans, in order: the stack files of the three projects (each
 * project's example as --examples says), narrowed by --stacks or --base, and every workspace a
 * selected source feeds.
 */
import * as fs from "fs";
import * as path from "path";
import { WORKSPACE_NAMESPACE } from "../../../shared/config/workspace";
import { readTextFile } from "../../../shared/files";
import {
    EXAMPLE_STACK,
    PROJECT_FOLDERS,
    ROOT_PROJECT,
    SOURCE_PROJECT,
    qualifiedStack,
} from "../../../shared/inventory";
import { stackFileConfig, stackFiles } from "../../../shared/stackFiles";
import { affectedStacks, changedFiles, touchesEveryStack } from "./affected";
import { Inventory, StackEntry, readInventory } from "./fleetInventory";

/** The root project's name: its plans are `grafana-athena.<stack>.json`, as in `npm run synth`'s out/. */
export { ROOT_PROJECT };

/** Which of the projects' example stack files are planned besides the real stacks. */
export type ExamplesMode = "include" | "exclude" | "only";

export class SynthUsageError extends Error {}

/** One stack to plan: a source, a workspace or a root stack, from its stack file. */
export interface SynthStack {
    kind: "source" | "workspace" | "root";
    /** The stack name (`example` for an example file). */
    stack: string;
    /** The project folder, relative to the root (`.` for the root project). */
    folder: string;
    /** Absolute path of the stack file. */
    file: string;
    /** The plan's file name in the out folder: `<folder>.<stack>.json`. */
    planName: string;
}

const PLAN_PREFIX = {
    source: PROJECT_FOLDERS.source,
    workspace: PROJECT_FOLDERS.workspace,
    root: ROOT_PROJECT,
} as const;

export function synthStack(kind: SynthStack["kind"], root: string, stack: string, file: string): SynthStack {
    const folder = kind === "root" ? "." : PLAN_PREFIX[kind];
    return { kind, stack, folder, file, planName: `${PLAN_PREFIX[kind]}.${stack}.json` };
}

/** A project folder's example stack, when it has one. */
export function exampleOf(kind: SynthStack["kind"], root: string): SynthStack[] {
    const file = path.join(root, kind === "root" ? "." : PLAN_PREFIX[kind], `Pulumi.${EXAMPLE_STACK}.yaml`);
    return fs.existsSync(file) ? [synthStack(kind, root, EXAMPLE_STACK, file)] : [];
}

export interface SynthSelection {
    sources: SynthStack[];
    workspaces: SynthStack[];
    roots: SynthStack[];
}

/**
 * The stack names a workspace stack file lists in `sources` (the last part of each fully qualified
 * name of a source stack); undefined when it lists none (it charts the whole inventory) or its
 * file cannot be read (then its own run refuses it, and nothing is gained by guessing).
 */
export function listedSources(file: string): string[] | undefined {
    try {
        const listed = stackFileConfig(readTextFile(file), file)[`${WORKSPACE_NAMESPACE}:sources`];
        if (!Array.isArray(listed) || listed.length === 0) return undefined;
        return listed.flatMap((s) => {
            const parts = typeof s?.stack === "string" ? (s.stack as string).split("/") : [];
            return parts.length === 3 && parts[1] === SOURCE_PROJECT ? [parts[2]] : [];
        });
    } catch {
        return undefined;
    }
}

/**
 * What a synth run plans, in order: the selected sources, every workspace that is selected or that
 * a selected source feeds, and the selected root stacks. `inventory` is the (selected) real
 * inventory; `all` the whole one, to tell which workspaces a source feeds.
 */
export function selectStacks(
    root: string,
    org: string,
    options: { stacks?: string; base?: string; examples: ExamplesMode },
): SynthSelection {
    const all = readInventory(root, org);
    const toSynth = (kind: "source" | "workspace", entries: StackEntry[]) =>
        entries.map((e) => synthStack(kind, root, e.stack, e.file));
    const real =
        options.examples === "only"
            ? { sources: [], workspaces: [], roots: [] }
            : {
                  sources: toSynth("source", all.sources),
                  workspaces: toSynth("workspace", all.workspaces),
                  roots: stackFiles(root).map(({ stack, file }) => synthStack("root", root, stack, file)),
              };
    const examples =
        options.examples === "exclude"
            ? { sources: [], workspaces: [], roots: [] }
            : {
                  sources: exampleOf("source", root),
                  workspaces: exampleOf("workspace", root),
                  roots: exampleOf("root", root),
              };
    const candidates: SynthSelection = {
        sources: [...examples.sources, ...real.sources],
        workspaces: [...examples.workspaces, ...real.workspaces],
        roots: [...examples.roots, ...real.roots],
    };
    const qualified = (s: SynthStack) =>
        qualifiedStack(
            org,
            s.kind === "source"
                ? SOURCE_PROJECT
                : s.kind === "workspace"
                  ? WORKSPACE_NAMESPACE
                  : ROOT_PROJECT,
            s.stack,
        );

    let picked: (s: SynthStack) => boolean = () => true;
    if (options.stacks !== undefined) {
        const wanted = options.stacks
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "");
        const matches = (s: SynthStack) => wanted.includes(s.stack) || wanted.includes(qualified(s));
        const everything = [...candidates.sources, ...candidates.workspaces, ...candidates.roots];
        const unknown = wanted.filter((w) => !everything.some((s) => s.stack === w || qualified(s) === w));
        if (unknown.length > 0)
            throw new SynthUsageError(`--stacks names stacks with no stack file: ${unknown.join(", ")}`);
        picked = matches;
    } else if (options.base !== undefined) {
        let files: string[];
        try {
            files = changedFiles(root, options.base);
        } catch (e) {
            throw new SynthUsageError(
                `--base ${options.base}: ` +
                    `${(e instanceof Error ? e.message : String(e)).trim().split("\n").pop()}`,
            );
        }
        const touched: Inventory = affectedStacks(all, files);
        const names = new Set([...touched.sources, ...touched.workspaces].map((e) => e.file));
        const everything = files.some(touchesEveryStack);
        // Example and root stack files are not part of the inventory: each is touched by its own file or by
        // what every stack is built from.
        const changed = new Set(files.map((f) => path.resolve(root, f)));
        picked = (s) =>
            everything ||
            names.has(s.file) ||
            ((s.stack === EXAMPLE_STACK || s.kind === "root") && changed.has(s.file));
    }

    const sources = candidates.sources.filter(picked);
    // A workspace is planned whenever a selected source feeds it: its plan changes with the source's.
    const feeds = (w: SynthStack) => {
        if (w.stack === EXAMPLE_STACK) return sources.some((s) => s.stack === EXAMPLE_STACK);
        const listed = listedSources(w.file);
        return sources.some(
            (s) => s.stack !== EXAMPLE_STACK && (listed === undefined || listed.includes(s.stack)),
        );
    };
    const workspaces = candidates.workspaces.filter((w) => picked(w) || feeds(w));
    const roots = candidates.roots.filter(picked);
    return { sources, workspaces, roots };
}
