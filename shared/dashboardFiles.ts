/**
 * Reading the dashboards a stack file names (`dashboard.files`), relative to the stack file's
 * folder. A path is the stack file's author's, and so another team's input in a pull request: it
 * may name only a regular JSON file inside that folder, of at most 1 MiB (shared/files.ts reads
 * it: no FIFO, device or endless file), and is refused, naming the key, when it is absolute, climbs
 * out with `..`, or leads out of the folder through a symbolic link (the folder and the file are
 * compared as the file system resolves them).
 */
import * as fs from "fs";
import * as path from "path";
import { jsonTextDepth } from "./config/bounds";
import type { ConfigProblem } from "./config/problems";
import { displayName } from "./config/rules";
import { nameKey } from "./naming";
import { readTextFile } from "./files";
import { MAX_DASHBOARD_FILE_BYTES } from "./grafana/dashboardFile";
import { Refusal } from "./refusal";

/** A dashboard file as read: its path as the stack file gives it, and its JSON. */
export interface DashboardFileContent {
    file: string;
    json: unknown;
}

/** The deepest a dashboard file's JSON may nest before it is parsed. */
const MAX_JSON_DEPTH = 64;

/** Why `file` is not a path this program reads, or undefined. The same rule the config key checks. */
export function dashboardPathProblem(file: string): string | undefined {
    if (file.length === 0 || file.length > 255) return "must be a path of 1 to 255 characters";
    if (/[\u0000-\u001f\u007f\\]/.test(file))
        return "must be a path with / between folders, without control characters";
    if (path.posix.isAbsolute(file) || /^[A-Za-z]:/.test(file))
        return "must be relative to the stack file's folder, not absolute";
    if (file.split("/").includes("..")) return "must not climb out of the stack file's folder (..)";
    if (!file.toLowerCase().endsWith(".json"))
        return "must name a .json file (a dashboard exported from Grafana)";
    return undefined;
}

/**
 * Reads each file of `files` under `folder`; a problem is a Refusal naming the file (the caller adds the
 * key).
 */
function readDashboardFile(folder: string, file: string): DashboardFileContent {
    const problem = dashboardPathProblem(file);
    if (problem !== undefined) throw new Refusal(problem);
    const resolved = path.resolve(folder, file);
    let real: string;
    let realFolder: string;
    try {
        realFolder = fs.realpathSync(folder);
        real = fs.realpathSync(resolved);
    } catch {
        throw new Refusal(`${file} does not exist in ${folder}`);
    }
    const relative = path.relative(realFolder, real);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative))
        throw new Refusal(`${file} leads out of the stack file's folder (through a symbolic link)`);
    const text = readTextFile(real, MAX_DASHBOARD_FILE_BYTES);
    try {
        return { file, json: parseDashboardText(text) };
    } catch (e) {
        if (e instanceof Refusal) throw new Refusal(`${file} ${e.message}`);
        throw e;
    }
}

/**
 * A dashboard's JSON text parsed, within the bounds a file read has: at most 1 MiB (UTF-8) and 64
 * levels deep, both measured before it is parsed. A Refusal saying what the text is otherwise
 * (`holds 2000000 bytes, ...`: the caller names the file). The workspace parses a source stack's
 * `dashboardFiles` output with it too (shared/sourceDashboardFiles.ts).
 */
export function parseDashboardText(text: string): unknown {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > MAX_DASHBOARD_FILE_BYTES)
        throw new Refusal(`holds ${bytes} bytes, more than the ${MAX_DASHBOARD_FILE_BYTES} a dashboard may`);
    if (jsonTextDepth(text) > MAX_JSON_DEPTH) throw new Refusal(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new Refusal(`is not JSON (${e instanceof Error ? e.message.slice(0, 120) : String(e)})`);
    }
}

/** The title of a dashboard's JSON, checked as a title; a Refusal (`its title ...`) otherwise. */
export function dashboardTitleOf(json: unknown): string {
    const title = (json as { title?: unknown } | null)?.title;
    const checked = displayName("the dashboard's title", 150).safeParse(title);
    if (!checked.success) throw new Refusal(`its title ${checked.error.issues[0].message}`);
    return checked.data;
}

/**
 * Every file of `files`, read from `folder`; the problems name `key`
 * (`grafana-athena-workspace:dashboard.files`) and the index, one line each. Two files whose titles look
 * alike (`nameKey`) are refused: each source's dashboards of them would look alike in its folder.
 */
export function readDashboardFiles(
    folder: string,
    files: readonly string[],
    key: string,
): { contents: DashboardFileContent[]; problems: ConfigProblem[] } {
    const contents: DashboardFileContent[] = [];
    const problems: ConfigProblem[] = [];
    const titles = new Map<string, string>();
    files.forEach((file, i) => {
        const at = `${key}[${i}]`;
        try {
            const content = readDashboardFile(folder, file);
            let title: string;
            try {
                title = dashboardTitleOf(content.json);
            } catch (e) {
                if (e instanceof Refusal) throw new Refusal(`${file}: ${e.message}`);
                throw e;
            }
            const first = titles.get(nameKey(title));
            if (first !== undefined)
                problems.push({ key: at, message: `${file}: its title looks like the title of ${first}` });
            titles.set(nameKey(title), file);
            contents.push(content);
        } catch (e) {
            if (!(e instanceof Refusal)) throw e;
            problems.push({ key: at, message: e.message });
        }
    });
    return { contents, problems };
}
