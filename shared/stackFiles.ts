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
 * - a value is decoded into Go's `any` with yaml.v3 (`object.go` `UnmarshalYAML`); a number or a
 *   boolean is then printed back as JSON, so `database: 0x1F` reaches a program as "31" and
 *   `label: 1.50` as "1.5" (checked with the 3.276.0 CLI's `pulumi config --json`). Such values,
 *   tags (`!!binary` is base64-decoded) and merge keys are refused here (`cliReadingProblem`), so
 *   that what this module passes is what the CLI passes: text as written, `~` or nothing as "";
 * - a list or an object is decoded as data and passed as JSON (numbers inside it are numbers).
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { MAX_DEPTH } from "./config/bounds";
import { parseYaml, parseYamlDocument, readTextFile } from "./files";
import type { SourceRef } from "./config/workspace";
import {
    EXAMPLE_STACK,
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    WorkspaceStackSummary,
    allowedAccountIdsOf,
    qualifiedStack,
    rootWorkspaceSummary,
    workspaceSummary,
} from "./inventory";
import { PULUMI_STACK_NAME } from "./config/rules";
import { byCodeUnits } from "./order";
import { Refusal } from "./refusal";

/**
 * The stack a file holds the config of (`Pulumi.<stack>.yaml`); undefined for the example and any
 * other file. `<stack>` is a stack name as the Pulumi CLI takes one (`PULUMI_STACK_NAME`), and never
 * `.` or `..`: the CLI would take those, and a path or URL built from them reads them as folders.
 */
export function stackOfFile(fileName: string): string | undefined {
    const m = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(fileName);
    return m && PULUMI_STACK_NAME.test(m[1]) && m[1] !== EXAMPLE_STACK ? m[1] : undefined;
}

/**
 * A stack file's `config:` map; a file that is not YAML, or whose `config` is not a map, is refused naming
 * it.
 */
export function stackFileConfig(text: string, file: string): Record<string, unknown> {
    // Duplicate keys, alias bombs and nesting too deep are refused there, naming the file.
    return configOfData(parseYaml(text, file), file, () => YAML.parseDocument(text));
}

/**
 * A stack file's `config:` map (as `stackFileConfig`) and its entries as the CLI hands them over
 * (as `stackFileEntries`), from one parse of the file: a fleet of stack files is read once each.
 */
export function stackFileRead(
    text: string,
    file: string,
): { settings: Record<string, unknown>; entries: Record<string, unknown> } {
    const doc = parseYamlDocument(text, file);
    let data: unknown;
    try {
        data = doc === null ? null : doc.toJS({ maxAliasCount: 100 });
    } catch {
        // The message parseYaml gives, naming the file.
        data = parseYaml(text, file);
    }
    const settings = configOfData(data, file, () => doc!);
    try {
        return { settings, entries: doc === null ? {} : entriesOf(doc, settings) };
    } catch (e) {
        throw new Refusal(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
}

/** `config:` of a stack file's data, checked; `nodes`, the same file as a YAML document. */
function configOfData(doc: unknown, file: string, nodes: () => YAML.Document): Record<string, unknown> {
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc))
        throw new Refusal(`${file}: a stack file holds a map with a config: key`);
    const config = (doc as { config?: unknown }).config;
    if (config === undefined || config === null) return {};
    if (typeof config !== "object" || Array.isArray(config))
        throw new Refusal(`${file}: config: must be a map of settings`);
    // Bounded by parseYaml above (depth, aliases): read again as nodes, for what the CLI reads otherwise.
    const differently = cliConfigProblem(nodes());
    if (differently) throw new Refusal(`${file}: ${differently}`);
    return config as Record<string, unknown>;
}

const TOO_DEEP =
    `nests lists or objects more than ${MAX_DEPTH} levels deep, ` +
    `deeper than any setting of these projects`;

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
 * Why the Pulumi CLI would read a value of `config:` other than this module does, or undefined.
 * The CLI (3.276.0, `sdk/go/common/resource/config/object.go` `UnmarshalYAML`) decodes each value
 * into Go's `any` with yaml.v3 and prints a number or a boolean back as JSON: `0x1f` becomes "31",
 * `017` "15", `1_000` and `1e3` "1000", `1.50` "1.5", `True` "true", `2024-01-01` a Go time's text;
 * a `!!binary` value is base64-decoded (`!!binary aHI=` is "hr"), and a `<<` key merges another
 * map. This module keeps the text as written (and the `yaml` package reads YAML 1.2), so such a
 * value would plan and deploy differently: it is refused, naming the key, before either happens.
 * What both read alike passes: text, a decimal number written as JSON would print it, `true`,
 * `false`, `~`, `null`, empty.
 */
/** The config key whose keys and values are secrets (one may be set the wrong way round, in clear). */
const SECRETS_KEY = /:contactPointSecrets$/;

function cliReadingProblem(node: unknown, key: string): string | undefined {
    // Each node with the key path of its value (`createWorkspace.adopt`, `alerts[0].for`).
    const stack: [unknown, string][] = [[node, key]];
    while (stack.length > 0) {
        const [n, at] = stack.pop()!;
        if (YAML.isNode(n) && n.tag !== undefined && YAML.isAlias(n) === false)
            return (
                `${at}: uses the YAML tag ` +
                `${n.tag.replace("tag:yaml.org,2002:", "!!")}, which the Pulumi CLI ` +
                "reads its own way (it decodes !!binary from base64): write the value without a tag"
            );
        if (YAML.isScalar(n) && n.type === "PLAIN" && typeof n.source === "string") {
            const problem = plainScalarProblem(n.source, !SECRETS_KEY.test(key));
            if (problem) return `${at}: ${problem}`;
        }
        if (YAML.isMap(n)) {
            for (const pair of n.items) {
                if (YAML.isScalar(pair.key) && pair.key.type === "PLAIN" && pair.key.source === "<<")
                    return (
                        `${at}: uses a merge key (<<), which the Pulumi CLI merges and ` +
                        `this tool does not: write the keys out`
                    );
                // A setting's field by its name; never a key of the secrets (one may be a secret
                // set the wrong way round), nor one that is no identifier.
                const name = YAML.isScalar(pair.key) ? String(pair.key.value) : "";
                const shown = !SECRETS_KEY.test(key) && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name);
                const inner = shown ? `${at}.${name}` : at;
                stack.push([pair.key, at], [pair.value, inner]);
            }
        } else if (YAML.isSeq(n)) n.items.forEach((item, i) => stack.push([item, `${at}[${i}]`]));
    }
    return undefined;
}

/** Numbers both read alike: decimal, no sign but `-`, no leading zero, no exponent, at most 15 digits. */
const CANONICAL_NUMBER = /^(0|-?[1-9][0-9]*)(\.[0-9]*[1-9])?$|^-?0\.[0-9]*[1-9]$/;
/**
 * What yaml.v3 takes for a number (`resolve.go`: underscores dropped, Go's base prefixes, a YAML float, .inf,
 * .nan).
 */
const V3_NUMBER =
    /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+|(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/;
/** A date or time yaml.v3 reads as a Go time (`parseTimestamp`: it begins with a date). */
const V3_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/** `showValue` false: a secret's value, named only as "the value" (it may have been written in clear). */
function plainScalarProblem(text: string, showValue = true): string | undefined {
    const shown = !showValue ? "the value" : text.length > 40 ? `${text.slice(0, 40)}…` : text;
    const fix = showValue
        ? `quote it ("${shown}") so that the CLI and this tool read the same text`
        : "quote it so that the CLI and this tool read the same text (better: set it with --secret)";
    if (V3_TIMESTAMP.test(text))
        return `${shown} is a date to the Pulumi CLI, which passes it as a Go time's text: ${fix}`;
    if (
        V3_NUMBER.test(text.replace(/_/g, "")) &&
        !(CANONICAL_NUMBER.test(text) && text.replace(/[-.]/g, "").length <= 15)
    )
        return (
            `${shown} is a number to the Pulumi CLI, which passes it ` +
            `rewritten (0x1f as 31, 1.50 as 1.5): ${fix}`
        );
    if (/^(True|TRUE|False|FALSE)$/.test(text))
        return (
            `${shown} is a boolean to the Pulumi CLI, which passes it in lower case: ` +
            (showValue ? `write ${text.toLowerCase()}` : fix)
        );
    return undefined;
}

/**
 * The first value of `config:` in `text` that the Pulumi CLI would read otherwise (see `cliReadingProblem`).
 */
function cliConfigProblem(doc: YAML.Document): string | undefined {
    const config = doc.get("config", true);
    if (!YAML.isMap(config)) return undefined;
    for (const pair of config.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : "config";
        const problem = cliReadingProblem(pair.key, key) ?? cliReadingProblem(pair.value, key);
        if (problem) return problem;
    }
    return undefined;
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
    return entriesOf(doc);
}

/** The entries of a parsed stack file; `settings`, its `config:` as data when the caller has it. */
function entriesOf(doc: YAML.Document, settings?: Record<string, unknown>): Record<string, unknown> {
    const config = doc.get("config", true);
    if (config === undefined || config === null || (YAML.isScalar(config) && config.value === null))
        return {};
    if (!YAML.isMap(config)) throw new Error("config: must be a map of settings");
    for (const pair of config.items) {
        if (nodeDepth(pair.value) > MAX_DEPTH)
            throw new Error(`${YAML.isScalar(pair.key) ? String(pair.key.value) : "config"}: ${TOO_DEEP}`);
    }
    const differently = cliConfigProblem(doc);
    if (differently) throw new Error(differently);
    // Lists and objects as data (aliases resolved by the document), scalars from their node.
    const data =
        settings ??
        (((doc.toJS() as { config?: Record<string, unknown> }).config ?? {}) as Record<string, unknown>);
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
function sourceInventory(org: string, root = REPOSITORY): string[] {
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

/**
 * The workspace stacks of the inventory whose files can be read, summarised, and the root
 * project's stacks' workspaces (`rootWorkspaceSummary`): a root stack may deploy into the same workspace.
 */
export function workspaceInventory(org: string, root = REPOSITORY): WorkspaceStackSummary[] {
    const sources = sourceInventory(org, root);
    const workspaces = stackFiles(path.join(root, PROJECT_FOLDERS.workspace)).flatMap(({ stack, file }) => {
        try {
            // Read as every tool reads a stack file: a FIFO or device among the siblings cannot block or
            // flood the run.
            return [workspaceSummary(stack, stackFileConfig(readTextFile(file), file), sources)];
        } catch {
            // An unreadable sibling is that stack's problem (npm run fleet -- check names it).
            return [];
        }
    });
    return [...workspaces, ...rootWorkspaces(root)];
}

/** The root project's stacks whose files can be read, their workspaces summarised. */
export function rootWorkspaces(root = REPOSITORY): WorkspaceStackSummary[] {
    return stackFiles(root).flatMap(({ stack, file }) => {
        try {
            return [rootWorkspaceSummary(stack, stackFileConfig(readTextFile(file), file))];
        } catch {
            // That root stack's problem (npm run fleet -- check names it).
            return [];
        }
    });
}
/**
 * The accounts the checkout's workspace stacks deploy into (each workspace stack file's
 * `aws:allowedAccountIds`), sorted, each once: the fleet's Grafana accounts, which fleet check
 * holds every source's trust to. An unreadable file adds none (fleet check names it).
 */
export function workspaceAccounts(root = REPOSITORY): string[] {
    const out = new Set<string>();
    for (const { file } of stackFiles(path.join(root, PROJECT_FOLDERS.workspace))) {
        try {
            for (const a of allowedAccountIdsOf(stackFileConfig(readTextFile(file), file)) ?? []) out.add(a);
        } catch {
            // That stack's problem, reported by npm run fleet -- check.
        }
    }
    return [...out].sort();
}

/** The Grafana account and workspace role a source stack's role trusts, as its stack file says. */
interface SourceTrust {
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
