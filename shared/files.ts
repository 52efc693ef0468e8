/**
 * The one way the tools (synth, fleet, plan-diff, the stack-config reader) read a file a user or a
 * pull request can name: a stack file, a `--config`, a `--ref` plan, a plan of `--ref-dir` or of
 * a plan-diff folder. Only a regular file is read, and only up to a size limit; anything else is
 * refused with one line naming the file. Without this, a FIFO named as a stack file blocks the
 * tool forever, and `/dev/zero` (or a symlink to it) is read until the heap runs out.
 *
 * How: `stat` (following symlinks) refuses what is not a regular file before it is opened, so no
 * device is ever opened; the open uses O_NONBLOCK, so a FIFO swapped in between the two cannot
 * block it, and `fstat` of the open file checks again (what is read is what was checked); the
 * read stops at the limit whatever the size said.
 */
import * as fs from "fs";
import YAML from "yaml";
import { Refusal } from "./refusal";

/** The largest stack file or project file read: a fleet's biggest stack file is a few hundred KB. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The largest plan file read (`--ref`, `--ref-dir`, a plan-diff folder): a plan of thousands of sources is a
 * few MB.
 */
export const MAX_PLAN_FILE_BYTES = 16 * 1024 * 1024;

/** A file that is not there, not a regular file, too large or not readable; the message names it. */
export class UnreadableFile extends Refusal {
    constructor(message: string) {
        super(message);
        this.name = "UnreadableFile";
    }
}

function kindOf(st: fs.Stats): string {
    if (st.isDirectory()) return "a folder, not a file";
    if (st.isFIFO()) return "a named pipe (FIFO), not a regular file";
    if (st.isCharacterDevice() || st.isBlockDevice()) return "a device, not a regular file";
    if (st.isSocket()) return "a socket, not a regular file";
    return "not a regular file";
}

function openError(file: string, e: unknown): UnreadableFile {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
        code === "ENOENT"
            ? "does not exist"
            : code === "ENOTDIR"
              ? "does not exist (a part of its path is not a folder)"
              : code === "EACCES" || code === "EPERM"
                ? "cannot be read (permission denied)"
                : code === "ELOOP"
                  ? "is a loop of symbolic links"
                  : code === "ENAMETOOLONG"
                    ? "has too long a name"
                    : `cannot be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
    return new UnreadableFile(`${file} ${why}`);
}

const tooLarge = (file: string, maxBytes: number) =>
    new UnreadableFile(`${file} is larger than ${maxBytes} bytes, the most this tool reads`);

/** The bytes of a regular file of at most `maxBytes`; anything else refused, naming `file`. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
    let st: fs.Stats;
    try {
        st = fs.statSync(file);
    } catch (e) {
        throw openError(file, e);
    }
    if (!st.isFile()) throw new UnreadableFile(`${file} is ${kindOf(st)}`);
    if (st.size > maxBytes) throw tooLarge(file, maxBytes);
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
    } catch (e) {
        throw openError(file, e);
    }
    try {
        const now = fs.fstatSync(fd);
        if (!now.isFile()) throw new UnreadableFile(`${file} is ${kindOf(now)}`);
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
            const n = fs.readSync(fd, chunk, 0, chunk.length, null);
            if (n === 0) break;
            chunks.push(chunk.subarray(0, n));
            total += n;
            // It grew after the stat: still no more than the limit is ever held.
            if (total > maxBytes) throw tooLarge(file, maxBytes);
        }
        return Buffer.concat(chunks, total);
    } catch (e) {
        if (e instanceof UnreadableFile) throw e;
        throw openError(file, e);
    } finally {
        fs.closeSync(fd);
    }
}

/** A regular file's text (UTF-8, without a byte order mark). */
export function readTextFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): string {
    return readRegularFile(file, maxBytes)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
}

/**
 * A YAML document, parsed with the library's guards: a duplicate key, an alias bomb (more than
 * 100 alias expansions, the `yaml` package's `maxAliasCount`) and nesting too deep for the parser
 * are refused, one line naming the file, as is a file with more than one document.
 */
export function parseYaml(text: string, file: string): unknown {
    const doc = parseYamlDocument(text, file);
    if (doc === null) return null;
    try {
        return doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        throw new UnreadableFile(`${file}: not YAML (${yamlProblem(e)})`);
    }
}

/**
 * The one YAML document of `text`, parsed with `parseYaml`'s guards (null for an empty file):
 * for a reader that needs the document's nodes as well as its data, without parsing it twice.
 */
export function parseYamlDocument(text: string, file: string): YAML.Document.Parsed | null {
    // The parser recurses per level: 100,000 nested brackets cost it a second before it fails.
    if (flowDepth(text) > MAX_YAML_DEPTH)
        throw new UnreadableFile(`${file}: not YAML (nested more than ${MAX_YAML_DEPTH} levels deep)`);
    let doc: YAML.Document.Parsed;
    try {
        const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
        if (!Array.isArray(docs))
            throw new UnreadableFile(
                `${file}: not YAML (${yamlProblem((docs as { errors: unknown[] }).errors[0], text)})`,
            );
        if (docs.length > 1)
            throw new UnreadableFile(`${file}: holds ${docs.length} YAML documents; a config file holds one`);
        if (docs.length === 0) return null;
        doc = docs[0];
    } catch (e) {
        if (e instanceof UnreadableFile) throw e;
        throw new UnreadableFile(`${file}: not YAML (${yamlProblem(e)})`);
    }
    const error = doc.errors[0];
    if (error) throw new UnreadableFile(`${file}: not YAML (${yamlProblem(error, text)})`);
    return doc;
}

/** Deeper than any config: a stack file's deepest value (a panel's query options) is five levels. */
const MAX_YAML_DEPTH = 1000;

/** The deepest nesting of flow brackets, counted over the whole text (a bound, not a parse). */
function flowDepth(text: string): number {
    let depth = 0;
    let max = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
        else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
    }
    return max;
}

function yamlProblem(e: unknown, text?: string): string {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    if (e instanceof RangeError || /call stack/i.test(message)) return "nested too deeply";
    if (/alias count/i.test(message)) return "too many aliases: a YAML alias bomb";
    return `${message.slice(0, 200)}${text === undefined ? "" : where(e, text)}`;
}

/**
 * `, at line L, column C` of a YAML error (the `yaml` package's YAMLError has `pos`: offsets into the text).
 */
function where(e: unknown, text: string): string {
    const offset = (e as { pos?: unknown }).pos;
    if (!Array.isArray(offset) || typeof offset[0] !== "number" || offset[0] < 0 || offset[0] > text.length)
        return "";
    const before = text.slice(0, offset[0]);
    const line = before.split("\n").length;
    return `, at line ${line}, column ${offset[0] - before.lastIndexOf("\n")}`;
}

/** A YAML file read as `readTextFile` reads it, then parsed as `parseYaml` does. */
export function readYamlFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): unknown {
    return parseYaml(readTextFile(file, maxBytes), file);
}
