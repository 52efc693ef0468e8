/**
 * The config reference: one Markdown page per project, generated from the keys its `Pulumi.yaml`
 * declares (the descriptions there are the one definition; the pages are derived from them), and
 * each `Pulumi.yaml`'s config written from its keys' declarations in shared/config/. The command
 * is configDocs.ts (`npm run config-docs`).
 *
 * What a declaration means follows the Pulumi CLI (pulumi/pulumi `sdk/go/common/workspace`,
 * `project.go` and its tests, read for this tool):
 * - `config` is a map of key to a declaration `{type, items, description, secret, default, value}`
 *   or a shorthand value (string, integer, boolean or array). A shorthand of a key in the
 *   project's namespace is its default; of another namespace (`aws:region: eu-west-1`) it is a
 *   value set for every stack (`RewriteShorthandConfigValues`). A `config` that is a string is the
 *   old spelling of `stackConfigDir` and declares no keys.
 * - A key of the project's namespace with neither `default` nor `value` is required: the CLI
 *   refuses a stack without it ("Stack 'dev' is missing configuration value '...'").
 * - Only a key with a `type` is checked against it (`IsExplicitlyTyped`); the CLI names types as
 *   `array<string>`. `secret: true` makes the CLI refuse a stack value that is not encrypted.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { pulumiYamlConfig } from "../../shared/config/declare";
import { PROJECT_KEYS } from "../../shared/config/projects";
import { proseCell as cell } from "../../shared/markdown";

/** The projects, by folder, in the order a reader meets them. */
export const PROJECT_FOLDERS = ["infra-account-b", "infra-account-a", ".", "bootstrap"] as const;

/** The command that regenerates the pages (named in every stale-page message). */
export const CONFIG_DOCS_COMMAND = "npm run config-docs";

/** `items` of an array declaration, as the project schema allows them (nested arrays included). */
interface ItemsDeclaration {
    type?: unknown;
    items?: ItemsDeclaration;
}

/** One declared key, as the CLI reads it. */
interface ConfigKey {
    /** The key as written in `Pulumi.yaml` (`tables`, `aws:region`). */
    key: string;
    /** The namespaced key a stack file uses (`grafana-athena-source:tables`). */
    fullKey: string;
    /**
     * The CLI's name of the declared type, items included (`array<string>`,
     * `array<array<integer>>`), or undefined when untyped (then the CLI checks no type).
     */
    type?: string;
    description?: string;
    secret: boolean;
    /** A default the CLI applies when the stack does not set the key. */
    default?: unknown;
    /** A value the CLI sets for every stack that does not set the key itself. */
    value?: unknown;
    required: boolean;
}

interface ProjectReference {
    name: string;
    description?: string;
    keys: ConfigKey[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** The CLI's type name: `array<...>` with the item type inside, the simple type otherwise. */
function typeName(type: unknown, items: ItemsDeclaration | undefined): string | undefined {
    if (isObject(type)) return typeName((type as ItemsDeclaration).type, (type as ItemsDeclaration).items);
    if (typeof type !== "string") return undefined;
    if (type !== "array") return type;
    const inner = items === undefined ? undefined : typeName(items.type, items.items);
    return `array<${inner ?? "?"}>`;
}

/** The project's config keys, in the order `Pulumi.yaml` declares them. */
export function readProjectReference(projectYaml: string, file = "Pulumi.yaml"): ProjectReference {
    let doc: unknown;
    try {
        doc = YAML.parse(projectYaml);
    } catch (e) {
        throw new Error(`${file}: not YAML (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
    }
    if (!isObject(doc) || typeof doc.name !== "string" || doc.name === "")
        throw new Error(`${file}: no project name`);
    const name = doc.name;
    const config = isObject(doc.config) ? doc.config : {};
    const keys: ConfigKey[] = [];
    for (const [key, raw] of Object.entries(config)) {
        const colon = key.indexOf(":");
        const namespace = colon < 0 ? name : key.slice(0, colon);
        const fullKey = colon < 0 ? `${name}:${key}` : key;
        const ownNamespace = namespace === name;
        let decl: {
            type?: unknown;
            items?: ItemsDeclaration;
            description?: unknown;
            secret?: unknown;
            default?: unknown;
            value?: unknown;
        };
        if (isObject(raw)) decl = raw;
        else if (raw === null || raw === undefined) decl = {};
        else decl = ownNamespace ? { default: raw } : { value: raw };
        const items = isObject(decl.items) ? (decl.items as ItemsDeclaration) : undefined;
        const present = (v: unknown) => v !== undefined && v !== null;
        keys.push({
            key,
            fullKey,
            type: typeName(decl.type, items),
            description: typeof decl.description === "string" ? decl.description.trim() : undefined,
            secret: decl.secret === true,
            default: present(decl.default) ? decl.default : undefined,
            value: present(decl.value) ? decl.value : undefined,
            required: ownNamespace && !present(decl.default) && !present(decl.value),
        });
    }
    return {
        name,
        description: typeof doc.description === "string" ? doc.description.trim() : undefined,
        keys,
    };
}

/**
 * A value as a code span (JSON for anything but a plain string), long enough a fence for any backticks in it.
 */
function code(value: unknown): string {
    const text = typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value);
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
    const fence = "`".repeat(longest + 1);
    const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return `${fence}${pad}${text}${pad}${fence}`;
}

function defaultCell(k: ConfigKey): string {
    if (k.value !== undefined) return `${code(k.value)} (set for every stack)`;
    if (k.default !== undefined) return code(k.default);
    return "";
}

function descriptionCell(k: ConfigKey): string {
    const parts: string[] = [];
    if (k.description) parts.push(cell(k.description));
    if (k.secret)
        parts.push(
            "**Secret**: the CLI refuses a value that is not encrypted (`pulumi config set --secret`).",
        );
    if (k.type === undefined) parts.push("Not type-checked by the CLI (no `type` declared).");
    return parts.join(" ");
}

/** The Markdown page of one project. `source` names its `Pulumi.yaml` in the page. */
export function renderConfigReference(ref: ProjectReference, source: string): string {
    const lines = [
        `# Config reference: \`${ref.name}\``,
        "",
        `<!-- Generated by \`${CONFIG_DOCS_COMMAND}\` from ${source}. Do not edit: ` +
            `change the descriptions there and run it again. -->`,
        "",
    ];
    if (ref.description) lines.push(cell(ref.description), "");
    lines.push(
        `Every key declared in [\`${source}\`](../../${source}).`,
        `In a stack file (\`Pulumi.<stack>.yaml\`) a key of this project is ` +
            `written \`${ref.name}:<key>\`; set lists and objects with`,
        "`pulumi config set --path` or in the file. A required key has " +
            "no default: the Pulumi CLI refuses a stack",
        "that does not set it. `type: object` keys need Pulumi CLI v3.186.0 or newer (pulumi/pulumi#20129).",
        "",
    );
    if (ref.keys.length === 0) {
        lines.push("This project declares no config keys.", "");
        return `${lines.join("\n")}`;
    }
    lines.push("| key | type | default | required | description |", "| --- | --- | --- | --- | --- |");
    for (const k of ref.keys) {
        lines.push(
            `| \`${k.fullKey}\` | ${k.type ? code(k.type) : "(any)"} | ${defaultCell(k)} | ` +
                `${k.required ? "yes" : "no"} | ${descriptionCell(k)} |`,
        );
    }
    lines.push("");
    return lines.join("\n");
}

/** Folded descriptions wrap at this width; one that fits a line of `MAX_LINE` stays on it. */
const YAML_WIDTH = 100;
const MAX_LINE = 110;

/**
 * `projectYaml` with its `config:` section replaced by the declarations' (the rest of the file kept
 * byte for byte): what the Pulumi CLI checks a stack's config against.
 */
function withDeclaredConfig(
    projectYaml: string,
    keys: Parameters<typeof pulumiYamlConfig>[0],
    file = "Pulumi.yaml",
): string {
    const doc = new YAML.Document({ config: pulumiYamlConfig(keys) });
    const config = doc.get("config") as YAML.YAMLMap;
    for (const pair of config.items) {
        const declaration = pair.value as YAML.YAMLMap;
        const description = declaration.get("description", true) as YAML.Scalar;
        if (`    description: ${String(description.value)}`.length > MAX_LINE)
            description.type = "BLOCK_FOLDED";
        for (const item of declaration.items) {
            if (YAML.isCollection(item.value) && item.value.items.length === 0) item.value.flow = true;
        }
    }
    const section = doc.toString({ lineWidth: YAML_WIDTH, minContentWidth: 0 });
    const lines = projectYaml.split("\n");
    const start = lines.findIndex((l) => /^config:/.test(l));
    if (start < 0) return `${projectYaml.replace(/\n*$/, "\n")}${section}`;
    const next = lines.findIndex((l, i) => i > start && /^[^\s#]/.test(l));
    const end = next < 0 ? lines.length : next;
    const after = lines.slice(end).join("\n");
    if (!YAML.parseDocument(projectYaml).get("config")) throw new Error(`${file}: config: is not a map`);
    return `${lines.slice(0, start).join("\n")}\n${section}${after === "" ? "" : after}`.replace(/^\n/, "");
}

/** Each project's `Pulumi.yaml` as the declarations write it (the projects whose keys are declared). */
function projectFiles(root: string): ConfigPage[] {
    return Object.entries(PROJECT_KEYS).map(([folder, keys]) => {
        const file = path.posix.join(folder, "Pulumi.yaml");
        return {
            file,
            text: withDeclaredConfig(
                fs.readFileSync(path.join(root, folder, "Pulumi.yaml"), "utf8"),
                keys,
                file,
            ),
        };
    });
}

interface ConfigPage {
    /** Relative to the repository root, with `/` separators. */
    file: string;
    text: string;
}

/** The page of every project of the repository at `root`. */
export function configPages(root: string): ConfigPage[] {
    const declared = new Map(projectFiles(root).map((p) => [p.file, p.text]));
    return PROJECT_FOLDERS.map((folder) => {
        const source = path.posix.join(folder, "Pulumi.yaml");
        const ref = readProjectReference(
            declared.get(source) ?? fs.readFileSync(path.join(root, folder, "Pulumi.yaml"), "utf8"),
            source,
        );
        return {
            file: path.posix.join("docs", "config", `${ref.name}.md`),
            text: renderConfigReference(ref, source),
        };
    });
}

/** Every file the command writes: the declared projects' Pulumi.yaml, then the pages. */
export function generatedFiles(root: string): ConfigPage[] {
    return [...projectFiles(root), ...configPages(root)];
}

/** One line per file that differs from what the generator writes (missing included), naming the fix. */
export function stalePages(root: string): string[] {
    return generatedFiles(root)
        .map((p) => {
            const file = path.join(root, p.file);
            if (!fs.existsSync(file)) return `${p.file} is missing: run ${CONFIG_DOCS_COMMAND}`;
            const why = p.file.endsWith(".md")
                ? "its Pulumi.yaml changed"
                : "it differs from its keys' declarations in shared/config/";
            return fs.readFileSync(file, "utf8") === p.text
                ? undefined
                : `${p.file} is stale (${why}): run ${CONFIG_DOCS_COMMAND}`;
        })
        .filter((line): line is string => line !== undefined);
}
