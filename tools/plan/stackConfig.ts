/**
 * Reads a project's `Pulumi.yaml` and a stack file the way the Pulumi CLI hands config to a
 * program: `namespace:key` -> string (lists and objects as JSON), with the project's declared
 * defaults applied. Secure values cannot be decrypted offline: they get a stand-in and stay secret.
 */
import { offlineSecretStandIn } from "../../shared/offlineSecret";
import * as path from "path";
import { readTextFile, readYamlFile } from "../../shared/files";
import { stackFileRead } from "../../shared/stackFiles";

export interface ProjectFile {
    name: string;
    main?: string;
    config?: Record<string, unknown>;
}

export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
    /** The file's `config:` map as written (no defaults, values not stringified). */
    settings: Record<string, unknown>;
}

export function readProject(projectDir: string): ProjectFile {
    const file = path.join(projectDir, "Pulumi.yaml");
    const project = readYamlFile(file) as ProjectFile | null;
    if (
        !project ||
        typeof project !== "object" ||
        Array.isArray(project) ||
        typeof project.name !== "string"
    ) {
        throw new Error(`${file}: no project name`);
    }
    if (
        project.config !== undefined &&
        (project.config === null || typeof project.config !== "object" || Array.isArray(project.config))
    ) {
        throw new Error(`${file}: config: must be a map of declarations`);
    }
    return project;
}

/** `{secure: ...}` values (at any depth) become a stand-in that is never the real secret. */
function standInSecrets(value: unknown, found: { secret: boolean }): unknown {
    if (Array.isArray(value)) return value.map((v) => standInSecrets(v, found));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (Object.keys(o).length === 1 && "secure" in o) {
            found.secret = true;
            return offlineSecretStandIn(String(o.secure));
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, standInSecrets(v, found)]));
    }
    return value;
}

const asConfigString = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * Stack config from a `Pulumi.<stack>.yaml`-shaped file plus the project's defaults. The file is
 * read as every tool reads one (shared/files.ts: a regular file, bounded) and its shape checked
 * by the rule the programs use (shared/inventory.ts): a file that is not YAML, or whose `config:`
 * is not a map, is refused naming the file. `text`, when given, is the file's text (a stack file as a
 * commit held it: `fleet destroy`'s removed stacks).
 */
export function readStackConfig(
    project: ProjectFile,
    stackFile: string,
    text: string = readTextFile(stackFile),
): StackConfig {
    // The shape and the YAML's bounds checked as every tool checks them (naming the file), then the
    // entries as the CLI passes them: scalars as written, keys as written (shared/stackFiles.ts).
    const { settings, entries } = stackFileRead(text, stackFile);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(entries)) {
        const full = key;
        const found = { secret: false };
        const plain = standInSecrets(value, found);
        config[full] = asConfigString(plain);
        if (found.secret) secretKeys.push(full);
    }
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (full in config) continue;
        if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
            const d = decl as { default?: unknown; value?: unknown };
            const v = d.value ?? d.default;
            if (v !== undefined) config[full] = asConfigString(v);
        } else if (decl !== null && decl !== undefined) {
            config[full] = asConfigString(decl);
        }
    }
    return { config, secretKeys, settings };
}
