/**
 * Reads a project's `Pulumi.yaml` and a stack file the way the Pulumi CLI hands config to a
 * program: `namespace:key` -> string (lists and objects as JSON), with the project's declared
 * defaults applied. Secure values cannot be decrypted offline: they get a stand-in and stay secret.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";

export interface ProjectFile {
    name: string;
    main?: string;
    config?: Record<string, unknown>;
}

export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

export function readProject(projectDir: string): ProjectFile {
    const file = path.join(projectDir, "Pulumi.yaml");
    const project = YAML.parse(fs.readFileSync(file, "utf8")) as ProjectFile;
    if (!project || typeof project.name !== "string") {
        throw new Error(`${file}: no project name`);
    }
    return project;
}

const asConfigString = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Stack config from a `Pulumi.<stack>.yaml`-shaped file plus the project's defaults. */
export function readStackConfig(project: ProjectFile, stackFile: string): StackConfig {
    const doc = (YAML.parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            config[full] = `offline-secret-${createHash("sha256").update(String((value as { secure: unknown }).secure)).digest("hex").slice(0, 16)}`;
            secretKeys.push(full);
        } else {
            config[full] = asConfigString(value);
        }
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
    return { config, secretKeys };
}
