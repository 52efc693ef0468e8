/**
 * The fleet as its stack files describe it: every source and workspace stack of a checkout (the
 * program's own reading of them, shared/stackFiles.ts), and the organisation their names are
 * qualified in. What `fleet check` finds wrong with them is check.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { stackFiles } from "../../../shared/stackFiles";
import {
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    WORKSPACE_PROJECT,
    caseTwinProblems,
    qualifiedStack,
} from "../../../shared/inventory";
import { Refusal } from "../../../shared/refusal";
import { UsageError } from "../../cli/options";

/**
 * The organisation stack names are qualified in: `--org`, else `PULUMI_ORG`, else the local
 * backend's. It lands in every stack name the fleet prints, so it is a name (letters, digits,
 * `-`, `_`, `.`: Pulumi's rule for organisations) or refused: a newline in it would forge lines.
 */
export function organization(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
    const org = flag ?? env.PULUMI_ORG ?? "organization";
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(org)) {
        const from = flag !== undefined ? "--org" : "PULUMI_ORG";
        throw new UsageError(
            `${from} takes an organisation name (letters, digits, -, _ and ., at most 100), got ` +
                `${JSON.stringify(org.slice(0, 40))}${org.length > 40 ? "…" : ""}`,
        );
    }
    return org;
}

export interface StackEntry {
    /** Fully qualified: `<org>/<project>/<stack>`. */
    name: string;
    stack: string;
    project: typeof SOURCE_PROJECT | typeof WORKSPACE_PROJECT;
    /** The project folder, relative to the repository root. */
    folder: string;
    file: string;
}

export interface Inventory {
    sources: StackEntry[];
    workspaces: StackEntry[];
}

/**
 * The stack files of the checkout at `root`. A project folder or stack file that is a symbolic
 * link leading outside the checkout is refused, naming it: the fleet reads (and may echo) what
 * a stack file holds, and a pull request must not make it read a file elsewhere on the machine.
 */
export function readInventory(root: string, org: string): Inventory {
    const realRoot = fs.realpathSync(root);
    const inside = (p: string) => {
        const rel = path.relative(realRoot, p);
        return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
    };
    const within = (p: string) => {
        let real: string;
        try {
            real = fs.realpathSync(p);
        } catch {
            // A dangling link: the reader reports it when the file is read.
            real = path.resolve(path.dirname(p), fs.readlinkSync(p));
        }
        if (!inside(real))
            throw new Refusal(
                `${path.relative(root, p)}: a symbolic link that leads ` +
                    `outside the repository (${root}); refused`,
            );
    };
    const entries = (project: StackEntry["project"], folder: string) => {
        const dir = path.join(root, folder);
        if (fs.existsSync(dir)) within(dir);
        return stackFiles(dir).map(({ stack, file }) => {
            within(file);
            return { name: qualifiedStack(org, project, stack), stack, project, folder, file };
        });
    };
    const inventory = {
        sources: entries(SOURCE_PROJECT, PROJECT_FOLDERS.source),
        workspaces: entries(WORKSPACE_PROJECT, PROJECT_FOLDERS.workspace),
    };
    // One stack to Pulumi Cloud, two files: every fleet command refuses the checkout, naming both.
    const twins = [
        ...caseTwinProblems(
            inventory.sources.map((e) => e.stack),
            PROJECT_FOLDERS.source,
        ),
        ...caseTwinProblems(
            inventory.workspaces.map((e) => e.stack),
            PROJECT_FOLDERS.workspace,
        ),
        ...caseTwinProblems(
            stackFiles(root).map((e) => e.stack),
            "",
        ),
    ];
    if (twins.length > 0) throw new Refusal(twins.join("; "));
    return inventory;
}
