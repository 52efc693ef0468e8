/**
 * The provider code the state guard accepts: what this checkout serializes for each dynamic
 * resource class (serialize.js, as the Pulumi CLI would), and the code of earlier commits that a
 * code owner recorded as reviewed (reviewed.txt).
 *
 * Why the record: a dynamic resource keeps the code it was created or last updated with (the
 * provider's `diff` decides when it is updated), so a state written by an earlier, reviewed commit
 * holds that commit's code, and a deploy after any change to a provider (or to a helper it
 * captures, such as components/workspace/grafanaHttp.ts) would otherwise stop. Every version a commit
 * of this repository serializes must be in the record (tests/stateGuard.test.ts fails otherwise,
 * printing the line to add), so by induction every version ever deployed from the default branch
 * is accepted, and nothing else is: code written into a state by anyone else stops the deploy.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AcceptedCode, sha256 } from "./state";

/**
 * Every class of this repository that extends pulumi.dynamic.Resource (a test scans the sources for others).
 */
export const DYNAMIC_RESOURCES = [
    { module: "components/workspace/dataSourceHealthCheck.ts", className: "DataSourceHealthCheck" },
    { module: "components/workspace/athenaPluginInstallation.ts", className: "AthenaPluginInstallation" },
] as const;

/** The project folder whose tsconfig.json the classes are compiled with, as `pulumi up` there would. */
const PROJECT_DIR = "infra-account-a";

export const RECORD_FILE = "tools/ci/stateGuard/reviewed.txt";

export interface SerializedProvider {
    type: string;
    sha256: string;
    /** The `__provider` text itself (this checkout's only). */
    code?: string;
}

const serialized = new Map<string, Promise<SerializedProvider[]>>();

/**
 * What this checkout's dynamic resources put in `__provider`, by type; a child process (serialize.js says
 * why), once per checkout.
 */
export function currentProviders(root: string): Promise<SerializedProvider[]> {
    const key = path.resolve(root);
    if (!serialized.has(key)) serialized.set(key, serializeProviders(key));
    return serialized.get(key)!;
}

function serializeProviders(root: string): Promise<SerializedProvider[]> {
    const table = DYNAMIC_RESOURCES.map((d) => ({
        module: path.join(root, d.module),
        className: d.className,
    }));
    const script = path.join(root, "tools", "ci", "stateGuard", "serialize.js");
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            [script, path.join(root, PROJECT_DIR), JSON.stringify(table)],
            { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
            (e, stdout, stderr) => {
                if (e)
                    return reject(
                        new Error(
                            `serializing the dynamic providers failed: ` +
                                `${(stderr || e.message).trim().split("\n")[0]}`,
                        ),
                    );
                const found = JSON.parse(stdout) as { type: string; code: unknown }[];
                const bad = found.find((f) => typeof f.code !== "string");
                if (bad)
                    return reject(
                        new Error(
                            `serializing the dynamic providers failed: ${bad.type} has no __provider text`,
                        ),
                    );
                resolve(
                    found.map((f) => ({
                        type: f.type,
                        sha256: sha256(f.code as string),
                        code: f.code as string,
                    })),
                );
            },
        );
    });
}

/** One line of the record: `<sha256> <type>`. */
export const recordLine = (p: SerializedProvider) => `${p.sha256} ${p.type}`;

/**
 * The reviewed versions: lines `<64 hex> <type>`, `#` comments and blank lines ignored; anything else
 * refused.
 */
export function readRecord(text: string, file = RECORD_FILE): SerializedProvider[] {
    return text.split("\n").flatMap((line, i) => {
        const l = line.replace(/#.*$/, "").trim();
        if (l === "") return [];
        const m = /^([0-9a-f]{64})\s+(pulumi-nodejs:[\w/.-]+:\w+)$/.exec(l);
        if (!m) throw new Error(`${file}:${i + 1}: not "<sha256> <type>"`);
        return [{ sha256: m[1], type: m[2] }];
    });
}

/** The accepted code by type: this checkout's and the record's. */
export function acceptedCode(
    current: readonly SerializedProvider[],
    record: readonly SerializedProvider[],
): AcceptedCode {
    const accepted = new Map<string, Set<string>>();
    for (const p of [...current, ...record]) {
        if (!accepted.has(p.type)) accepted.set(p.type, new Set());
        accepted.get(p.type)!.add(p.sha256);
    }
    return accepted;
}

export const readRecordFile = (root: string) =>
    readRecord(fs.readFileSync(path.join(root, RECORD_FILE), "utf8"));
