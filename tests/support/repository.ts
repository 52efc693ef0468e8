/**
 * A throwaway copy of this repository's programs, to plan with stack files of its own (an
 * inventory of many accounts, sibling workspace stacks) without touching the real folders, which
 * other tests read at the same time. `node_modules` is linked, so the copy loads the same
 * packages (one @pulumi/pulumi, whose runtime the mocks drive).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./program";

/** What a copy holds: the programs and their project files, not the tests, tools or CI. */
const PROGRAM_FILES = /^(index\.ts|config\.ts|Pulumi(\.[\w-]+)?\.yaml|package(-lock)?\.json|tsconfig\.json|(shared|infra-account-a|infra-account-b)\/.+)$/;

export interface RepositoryCopy {
    root: string;
    sourceDir: string;
    workspaceDir: string;
    /** Writes `<project folder>/Pulumi.<stack>.yaml` with this config map. */
    writeStack(folder: "infra-account-a" | "infra-account-b", stack: string, config: Record<string, unknown>): string;
    remove(): void;
}

export function copyRepository(): RepositoryCopy {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "grafana-athena-repo-"));
    const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" }).split("\n").filter((f) => PROGRAM_FILES.test(f));
    for (const f of tracked) {
        if (!fs.existsSync(path.join(REPO, f))) continue;
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.copyFileSync(path.join(REPO, f), path.join(root, f));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
    return {
        root,
        sourceDir: path.join(root, "infra-account-b"),
        workspaceDir: path.join(root, "infra-account-a"),
        writeStack(folder, stack, config) {
            const file = path.join(root, folder, `Pulumi.${stack}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ config }));
            return file;
        },
        remove: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}

/** A project's example stack file's config map, changed by `set`. */
export function exampleStackConfig(folder: "infra-account-a" | "infra-account-b", set: Record<string, unknown> = {}, unset: string[] = []): Record<string, unknown> {
    const config = { ...(YAML.parse(fs.readFileSync(path.join(REPO, folder, "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> }).config, ...set };
    for (const k of unset) delete config[k];
    return config;
}
