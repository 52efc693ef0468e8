/**
 * The stack files, read: the one module that reads `Pulumi.<stack>.yaml` files. Which files are
 * stacks (`stackOfFile`), a file's `config:` map as the programs and tools check it
 * (`stackFileConfig`), its entries as the Pulumi CLI hands them to a program (`stackFileEntries`),
 * and the repository's stack files as the workspace program reads them when it runs: the source
 * stacks it charts when its config lists none, and its sibling workspace stacks
 * (shared/inventory.ts holds the rules over them). The files are those beside the programs:
 * `pulumi up` runs from a checkout of this repository.
 *
 * How the CLI reads a stack file (pulumi/pulumi `sdk/go/common/resource/config`):
 * - a key is `namespace:name` (`Key.UnmarshalYAML` -> `ParseKey`); a key without a namespace
 *   makes the CLI refuse the file. Here such a key is kept as it is (never given the project's
 *   namespace), so that the program refuses it by its name (config/read.ts) instead of letting it
 *   stand in for, or win over, the namespaced key;
 * - a value is first decoded into a Go string (`Value.unmarshalValue`). yaml decodes any plain
 *   scalar into a string as its text as written, so `database: 0x1F` reaches the program as
 *   "0x1F", `label: 1.50` as "1.50", `create: true` as "true" (a YAML 1.2 reader would give
 *   31, 1.5 and true); `~` or nothing decodes to "". Quoted and block scalars are their string;
 * - a list or an object is decoded as data and passed as JSON (numbers inside it are numbers).
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { MAX_DEPTH } from "./config/bounds";
import { parseYaml, readTextFile } from "./files";
import type { SourceRef } from "./config/workspace";
import {
    EXAMPLE_STACK,
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    WorkspaceStackSummary,
    allowedAccountIdsOf,
    qualifiedStack,
    workspaceSummary,
} from "./inventory";
import { byCodeUnits } from "./order";
import { Refusal } from "./refusal";

/** The stack a file holds the config of (`Pulumi.<stack>.yaml`); undefined for the example and any other file. */
export function stackOfFile(fileName: string): string | undefined {
    const m = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(fileName);
    return m && m[1] !== EXAMPLE_STACK ? m[1] : undefined;
}

/** A stack file's `config:` map; a file that is not YAML, or whose `config` is not a map, is refused naming it. */
export function stackFileConfig(text: string, file: string): Record<string, unknown> {
    // Duplicate keys, alias bombs and nesting too deep are refused there, naming the file.
    const doc = parseYaml(text, file);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc))
        throw new Refusal(`${file}: a stack file holds a map with a config: key`);
    const config = (doc as { config?: unknown }).config;
    if (config === undefined || config === null) return {};
    if (typeof config !== "object" || Array.isArray(config))
        throw new Refusal(`${file}: config: must be a map of settings`);
    return config as Record<string, unknown>;
}

const TOO_DEEP = `nests lists or objects more than ${MAX_DEPTH} levels deep, deeper than any setting of these projects`;

/** How deeply a YAML node nests, iteratively (the document is only turned into data once it is bounded). */
function nodeDepth(node: unknown): number {
    let deepest = 0;
    const stack: [unknown, number][] = [[node, 0]];
    while (stack.length > 0) {
        const [n, d] = stack.pop()!;
        if (!YAML.isCollection(n)) continue;
        deepest = Math.max(deepest, d + 1);
        if (deepest > MAX_DEPTH) return deepest;
        for (const item of n.items) stack.push([YAML.isPair(item) ? item.value : item, d + 1]);
    }
    return deepest;
}

/**
 * Each top-level `config:` entry of a stack file: a scalar as the string the CLI passes (see
 * above), a list or object as parsed data (with `{secure: ...}` entries as they are written).
 * Throws when the text is not YAML or `config:` is not a map, like `YAML.parse` does.
 */
export function stackFileEntries(text: string): Record<string, unknown> {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        // The YAML parser recurses: a value nested thousands deep overflows its stack.
        if (/Maximum call stack/.test(e.message))
            throw new Error(`line ${e.linePos?.[0].line ?? "?"}: ${TOO_DEEP}`);
        throw e;
    }
    const config = doc.get("config", true);
    if (config === undefined || config === null || (YAML.isScalar(config) && config.value === null))
        return {};
    if (!YAML.isMap(config)) throw new Error("config: must be a map of settings");
    for (const pair of config.items) {
        if (nodeDepth(pair.value) > MAX_DEPTH)
            throw new Error(`${YAML.isScalar(pair.key) ? String(pair.key.value) : "config"}: ${TOO_DEEP}`);
    }
    // Lists and objects as data (aliases resolved by the document), scalars from their node.
    const data = ((doc.toJS() as { config?: Record<string, unknown> }).config ?? {}) as Record<
        string,
        unknown
    >;
    const entries: Record<string, unknown> = {};
    for (const pair of config.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        entries[key] = YAML.isScalar(pair.value) || pair.value === null ? scalarText(pair.value) : data[key];
    }
    return entries;
}

/** A scalar as the CLI's string: its text as written when plain, "" for null. */
function scalarText(node: YAML.Scalar | null): string {
    if (node === null || node.value === null || node.value === undefined) return "";
    if (typeof node.value === "string") return node.value;
    return node.type === "PLAIN" && typeof node.source === "string" ? node.source : String(node.value);
}

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
        .sort((a, b) => byCodeUnits(a.stack, b.stack));
}

/** Every source stack of the inventory, fully qualified in the organisation `org`. */
export function sourceInventory(org: string, root = REPOSITORY): string[] {
    return stackFiles(path.join(root, PROJECT_FOLDERS.source)).map(({ stack }) =>
        qualifiedStack(org, SOURCE_PROJECT, stack),
    );
}

/**
 * Every source stack of the inventory as a workspace in inventory mode charts it: with the
 * accounts its stack file allows (`aws:allowedAccountIds`), which its `accountId` output must be
 * one of. A file that cannot be read gives none: that stack's own run refuses it.
 */
export function inventorySources(org: string, root = REPOSITORY): SourceRef[] {
    return stackFiles(path.join(root, PROJECT_FOLDERS.source)).map(({ stack, file }) => {
        let allowedAccountIds: string[] | undefined;
        try {
            allowedAccountIds = allowedAccountIdsOf(stackFileConfig(readTextFile(file), file));
        } catch {
            allowedAccountIds = undefined;
        }
        const ref: SourceRef = { stack: qualifiedStack(org, SOURCE_PROJECT, stack) };
        return allowedAccountIds === undefined ? ref : { ...ref, allowedAccountIds };
    });
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
/** The Grafana account and workspace role a source stack's role trusts, as its stack file says. */
export interface SourceTrust {
    grafanaAccountId: string;
    grafanaRoleArn: string;
}

/**
 * What each of these source stacks (fully qualified) trusts, for those of this organisation whose
 * stack file in the checkout names both; a stack without one here is left out (a source stack of
 * another repository is checked by its own health check during `pulumi up`).
 */
export function sourceTrusts(
    stacks: readonly string[],
    org: string,
    root = REPOSITORY,
): Map<string, SourceTrust> {
    const trusts = new Map<string, SourceTrust>();
    const files = new Map(
        stackFiles(path.join(root, PROJECT_FOLDERS.source)).map(({ stack, file }) => [
            qualifiedStack(org, SOURCE_PROJECT, stack),
            file,
        ]),
    );
    for (const stack of stacks) {
        const file = files.get(stack);
        if (file === undefined) continue;
        try {
            const config = stackFileConfig(readTextFile(file), file);
            const [grafanaAccountId, grafanaRoleArn] = [
                config[`${SOURCE_PROJECT}:grafanaAccountId`],
                config[`${SOURCE_PROJECT}:grafanaRoleArn`],
            ];
            if (typeof grafanaAccountId === "string" && typeof grafanaRoleArn === "string")
                trusts.set(stack, { grafanaAccountId, grafanaRoleArn });
        } catch {
            // An unreadable source stack file is that stack's problem (its own run refuses it).
        }
    }
    return trusts;
}
