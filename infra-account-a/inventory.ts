/**
 * The repository's stack files as the workspace program reads them when it runs: the source
 * stacks it charts when its config lists none, and its sibling workspace stacks (shared/inventory.ts).
 * The files are those beside the programs: `pulumi up` runs from a checkout of this repository.
 */
import * as fs from "fs";
import * as path from "path";
import { readTextFile } from "../shared/files";
import { PROJECT_FOLDERS, SOURCE_PROJECT, WorkspaceStackSummary, qualifiedStack, stackFileConfig, stackOfFile, workspaceSummary } from "../shared/inventory";

/** The repository this program runs from. */
export const REPOSITORY = path.resolve(__dirname, "..");

/** The stack files of a project folder, sorted by stack. */
export function stackFiles(projectFolder: string): { stack: string; file: string }[] {
    if (!fs.existsSync(projectFolder)) return [];
    return fs
        .readdirSync(projectFolder)
        .flatMap((f) => {
            const stack = stackOfFile(f);
            return stack === undefined ? [] : [{ stack, file: path.join(projectFolder, f) }];
        })
        .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
}

/** Every source stack of the inventory, fully qualified in the organisation `org`. */
export function sourceInventory(org: string, root = REPOSITORY): string[] {
    return stackFiles(path.join(root, PROJECT_FOLDERS.source)).map(({ stack }) => qualifiedStack(org, SOURCE_PROJECT, stack));
}

/** The workspace stacks of the inventory whose files can be read, summarised. */
export function workspaceInventory(org: string, root = REPOSITORY): WorkspaceStackSummary[] {
    const sources = sourceInventory(org, root);
    return stackFiles(path.join(root, PROJECT_FOLDERS.workspace)).flatMap(({ stack, file }) => {
        try {
            // Read as every tool reads a stack file: a FIFO or device among the siblings cannot block or flood the run.
            return [workspaceSummary(stack, stackFileConfig(readTextFile(file), file), sources)];
        } catch {
            // An unreadable sibling is that stack's problem (npm run fleet -- check names it).
            return [];
        }
    });
}
