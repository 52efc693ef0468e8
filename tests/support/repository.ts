/**
 * Throwaway copies of this repository, so that no test depends on the stack files users add to
 * theirs (`infra-account-b/Pulumi.marketing.yaml`, a workspace stack charting every source, a root
 * `Pulumi.<stack>.yaml`): a copy holds the projects' example stack files and no other, and a test
 * writes the stacks it needs into it. The real folders, which other tests read at the same time,
 * are never touched. `node_modules` is linked, so a copy loads the same packages (one
 * @pulumi/pulumi, whose runtime the mocks drive).
 *
 * A copy is made from the files on disk, not from git: a test must work in a checkout that is no
 * git repository (an unpacked archive, the copy in tests/userStacks.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { stackOfFile } from "../../shared/stackFiles";
import { REPO } from "./repo";

/**
 * What a program copy holds: the programs and their project files, and the example stack files of
 * examples/ that npm run synth plans (examples/<name>/Pulumi.<stack>.yaml); not the tests, tools or CI.
 */
const PROGRAM_FILES =
    /^(index\.ts|config\.ts|Pulumi(\.[\w-]+)?\.yaml|package(-lock)?\.json|tsconfig\.json|(shared|components|infra-account-a|infra-account-b|bootstrap)\/.+|examples\/[\w-]+\/Pulumi\.[\w-]+\.yaml)$/;
/** Never copied: installed packages (linked instead), git, build and plan output. */
const NEVER = new Set(["node_modules", ".git", "out", ".pulumi"]);

export type ProjectFolder = "infra-account-a" | "infra-account-b" | "bootstrap" | ".";

export interface RepositoryCopy {
    root: string;
    sourceDir: string;
    workspaceDir: string;
    bootstrapDir: string;
    /** Writes `<project folder>/Pulumi.<stack>.yaml` with this config map; returns its path. */
    writeStack(folder: ProjectFolder, stack: string, config: Record<string, unknown>): string;
    remove(): void;
}

/** Every file under `dir`, relative and `/`-separated, but what is never copied. */
function filesUnder(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (NEVER.has(e.name)) return [];
        const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
        if (e.isDirectory()) return filesUnder(path.join(dir, e.name), rel);
        return e.isFile() ? [rel] : [];
    });
}

/** A user's stack file: `Pulumi.<stack>.yaml` of a project folder, not the example. */
export function isUserStackFile(rel: string): boolean {
    const dir = path.posix.dirname(rel);
    return (
        (dir === "." || dir === "infra-account-a" || dir === "infra-account-b" || dir === "bootstrap") &&
        stackOfFile(path.posix.basename(rel)) !== undefined
    );
}

/**
 * A copy of the repository at `from` (default: this one) without any user stack file: the
 * programs only, or with `whole` everything (tests, tools, CI) but node_modules, git and out/.
 */
export function copyRepository(options: { whole?: boolean; from?: string } = {}): RepositoryCopy {
    const from = options.from ?? REPO;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "grafana-athena-repo-"));
    for (const f of filesUnder(from)) {
        if ((!options.whole && !PROGRAM_FILES.test(f)) || isUserStackFile(f)) continue;
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.copyFileSync(path.join(from, f), path.join(root, f));
    }
    fs.symlinkSync(fs.realpathSync(path.join(from, "node_modules")), path.join(root, "node_modules"), "dir");
    return {
        root,
        sourceDir: path.join(root, "infra-account-b"),
        workspaceDir: path.join(root, "infra-account-a"),
        bootstrapDir: path.join(root, "bootstrap"),
        writeStack(folder, stack, config) {
            const file = path.join(root, folder, `Pulumi.${stack}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ config }));
            return file;
        },
        remove: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}

let examples: RepositoryCopy | undefined;
/**
 * One program copy per test process holding the example stack files only, for tests that must see
 * an inventory with no stack at all; never written to. Removed when the process exits.
 */
export function examplesOnlyRepository(): RepositoryCopy {
    if (!examples) {
        const copy = copyRepository();
        examples = {
            ...copy,
            writeStack: () => {
                throw new Error("the examples-only copy is shared: copy the repository to write stacks");
            },
        };
        process.once("exit", () => copy.remove());
    }
    return examples;
}

/** A project's example stack file's config map, changed by `set`. */
export function exampleStackConfig(
    folder: ProjectFolder,
    set: Record<string, unknown> = {},
    unset: string[] = [],
): Record<string, unknown> {
    const config = {
        ...(
            YAML.parse(fs.readFileSync(path.join(REPO, folder, "Pulumi.example.yaml"), "utf8")) as {
                config: Record<string, unknown>;
            }
        ).config,
        ...set,
    };
    for (const k of unset) delete config[k];
    return config;
}
