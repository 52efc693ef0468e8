/**
 * A source stack's own dashboard files (`grafana-athena-source:dashboardFiles`): read and checked by
 * the source program against its own tables, carried to the workspace stack as text in the
 * contract's `dashboardFiles` output, and there judged again from the start. The workspace takes
 * nothing on the source's word: a source stack is another team's, and its outputs are whatever
 * that team's state says (docs/panels.md, "A source stack's own dashboard files", lists the rules):
 * - each text is bounded (1 MiB, 64 levels) before it is parsed, the list (10 files, 2 MiB in all)
 *   before any text is read;
 * - each file is bound to that source's data source only (shared/grafana/dashboardFile.ts: any
 *   other data source, uid, name or variable refused) and every query checked against that
 *   source's `tables`;
 * - its uid is the program's, of a namespace of its own (never the file's); its title, with the
 *   source's name, must not look like the title of any other dashboard of the stack's folder.
 * Pure but for `readSourceDashboardFiles`, which reads the files.
 */
import { z } from "zod";
import type { ConfigProblem } from "./config/problems";
import * as r from "./config/rules";
import {
    dashboardPathProblem,
    dashboardTitleOf,
    parseDashboardText,
    readDashboardFiles,
} from "./dashboardFiles";
import { MAX_DASHBOARD_FILES, bindDashboardFile, fileDashboardTitle } from "./grafana/dashboardFile";
import type { TableGrant } from "./grafana/sqlTables";
import { nameKey } from "./naming";
import { Refusal } from "./refusal";

/** The most bytes (UTF-8) of dashboard JSON one source brings to the workspace's plan. */
const MAX_SOURCE_DASHBOARD_BYTES = 2 * 1024 * 1024;

/** One file of the `dashboardFiles` output: its path in the source's stack file, its JSON as text. */
export interface SourceDashboardFile {
    file: string;
    json: string;
}

/**
 * The data source uid the source program binds its files to while checking them: it knows no
 * workspace's. A file that named it literally would pass here and be refused by the workspace.
 */
const CHECK_UID = "grafana-athena-source-check";

const bytesOf = (files: readonly { json: string }[]) =>
    files.reduce((n, f) => n + Buffer.byteLength(f.json, "utf8"), 0);

/** The source's own check of one file: bound as a workspace would bind it, against its tables. */
function sourceFileProblem(
    json: unknown,
    file: string,
    grant: TableGrant,
    region: string,
): string | undefined {
    try {
        bindDashboardFile(
            json,
            {
                key: "",
                label: "",
                dataSourceUid: CHECK_UID,
                region,
                catalog: grant.catalog,
                database: grant.database,
                grant,
                fromSource: true,
            },
            "",
            file,
        );
        return undefined;
    } catch (e) {
        if (e instanceof Refusal) return `${file}: ${e.message}`;
        throw e;
    }
}

/**
 * The source program's reading of its `dashboardFiles` (and fleet check's, the same function):
 * each file read from `folder` (the stack file's) as `dashboard.files` are, then checked against
 * the source's own tables; the problems name `key` and the index, one line each.
 */
export function readSourceDashboardFiles(
    folder: string,
    files: readonly string[],
    key: string,
    source: { grant: TableGrant; region: string },
): { files: SourceDashboardFile[]; problems: ConfigProblem[] } {
    if (files.length === 0) return { files: [], problems: [] };
    const read = readDashboardFiles(folder, files, key);
    const problems = [...read.problems];
    const out: SourceDashboardFile[] = [];
    for (const content of read.contents) {
        const problem = sourceFileProblem(content.json, content.file, source.grant, source.region);
        if (problem !== undefined)
            problems.push({ key: `${key}[${files.indexOf(content.file)}]`, message: problem });
        else out.push({ file: content.file, json: JSON.stringify(content.json) });
    }
    if (bytesOf(out) > MAX_SOURCE_DASHBOARD_BYTES)
        problems.push({
            key,
            message:
                `its files hold ${bytesOf(out)} bytes of JSON, more than the ` +
                `${MAX_SOURCE_DASHBOARD_BYTES} one source may bring to a workspace's plan`,
        });
    return { files: problems.length > 0 ? [] : out, problems };
}

/**
 * Why the `dashboardFiles` output holds too much text, counted before any of it is parsed (before the
 * schema reads the list), or undefined.
 */
export function outputBytesProblem(files: unknown): string | undefined {
    if (!Array.isArray(files)) return undefined;
    const bytes = bytesOf(files.map((f) => ({ json: typeof f?.json === "string" ? f.json : "" })));
    if (bytes <= MAX_SOURCE_DASHBOARD_BYTES) return undefined;
    return (
        `holds ${bytes} bytes of JSON, more than the ${MAX_SOURCE_DASHBOARD_BYTES} ` +
        `one source may bring to the workspace's plan`
    );
}

/** One item of the output: a path as the key takes it, and text that parses to a titled dashboard. */
const outputFile = z
    .object(
        {
            file: z.string({ error: "is not a path" }).superRefine((file, ctx) => {
                const problem = dashboardPathProblem(file);
                if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
            }),
            json: z.string({ error: "is not the dashboard's JSON as text" }).superRefine((text, ctx) => {
                try {
                    const json = parseDashboardText(text);
                    if (json === null || typeof json !== "object" || Array.isArray(json))
                        throw new Refusal("is not a dashboard: a JSON object");
                    dashboardTitleOf(json);
                } catch (e) {
                    if (!(e instanceof Refusal)) throw e;
                    ctx.addIssue({ code: "custom", message: e.message });
                }
            }),
        },
        { error: (i) => `is not {file, json}, got ${r.describe(i.input)}` },
    )
    .strict();

/**
 * The `dashboardFiles` output's rule (shared/contract.ts): at most 10 files of distinct paths, each
 * text bounded before it is parsed (the 2 MiB of all is counted before the schema reads the list:
 * `checkSourceOutputs`).
 */
export const sourceDashboardFileList = z
    .array(outputFile, { error: (i) => `is not a list of {file, json}, got ${r.describe(i.input)}` })
    .max(MAX_DASHBOARD_FILES, { error: `lists more than ${MAX_DASHBOARD_FILES} files` })
    .superRefine((files, ctx) => {
        if (new Set(files.map((f) => f.file)).size !== files.length)
            ctx.addIssue({ code: "custom", message: "lists a file twice" });
    });

/** A source as the workspace charts it: its stack, its data source's name, its checked outputs. */
interface FileSource {
    key: string;
    /** The data source's name: `sources[].name`, or else its label (its dashboard's title). */
    name: string;
    outputs: {
        region: string;
        catalog: string;
        database: string;
        tables?: readonly string[];
        dashboardFiles?: readonly SourceDashboardFile[];
    };
}

/** A file's dashboard for its source, as the workspace provisions it. */
interface BoundSourceFile {
    file: string;
    uid: string;
    title: string;
    json: Record<string, unknown>;
}

/**
 * The source's own files bound to its data source `dataSourceUid` in the workspace stack `scope`:
 * each parsed within bounds, every data source reference its own, every query checked against its
 * `tables`. Throws a Refusal of one line per file refused, each naming the source stack, the output
 * and the file.
 */
export function bindSourceDashboardFiles(
    source: FileSource,
    dataSourceUid: string,
    scope: string,
    managedResults = false,
): BoundSourceFile[] {
    const { outputs } = source;
    const files = outputs.dashboardFiles ?? [];
    const problems: string[] = [];
    const bound = files.flatMap((f, i) => {
        const where = `source stack "${source.key}": output "dashboardFiles[${i}]" (${f.file.slice(0, 255)})`;
        try {
            if (outputs.tables === undefined)
                throw new Refusal("comes without the source's tables: its queries cannot be checked");
            const json = parseDashboardText(f.json);
            const built = bindDashboardFile(
                json,
                {
                    key: source.key,
                    label: source.name,
                    dataSourceUid,
                    region: outputs.region,
                    catalog: outputs.catalog,
                    database: outputs.database,
                    managedResults,
                    grant: { catalog: outputs.catalog, database: outputs.database, tables: outputs.tables },
                    fromSource: true,
                },
                scope,
                f.file,
            );
            return [{ file: f.file, ...built }];
        } catch (e) {
            if (!(e instanceof Refusal)) throw e;
            problems.push(`${where}: ${e.message}`);
            return [];
        }
    });
    if (problems.length > 0) throw new Refusal(problems.join("\n"));
    return bound;
}

/**
 * Grafana keeps a title once per folder (grafana/grafana pkg/services/dashboards/database, the
 * title check of a save): a new dashboard under a title its folder holds is refused ("A dashboard
 * with the same name in the folder already exists"), failing the deploy midway, and one saved with
 * `overwrite` (as the provider saves an update, athenaWorkspace.ts) takes the other's id and uid,
 * its place. So a source's file whose dashboard's title looks like (`nameKey`) another of the
 * stack's folder is refused before anything is created. The others: each source's
 * dashboard (its name), the program's own (`reserved`), every dashboard of the workspace's
 * `dashboard.files` (`workspaceFileTitles`, for each source) and every other source's files.
 */
export function sourceFileTitleProblems(
    sources: readonly FileSource[],
    reserved: readonly string[],
    workspaceFileTitles: readonly string[],
    reservedPrefixes: readonly string[] = [],
): string[] {
    const taken = new Map<string, string>();
    const take = (title: string, what: string) => {
        if (!taken.has(nameKey(title))) taken.set(nameKey(title), what);
    };
    for (const t of reserved) take(t, `the program's dashboard "${t}"`);
    const problems: string[] = [];
    // A source's name is its dashboard's title, in the same folder as the workspace's file dashboards
    // of the other sources: `Sales overview (Sales)` as a label takes the place of that file's
    // dashboard for the source named Sales (or it takes the label's).
    const fileTitles = new Map<string, { key: string; title: string }>();
    for (const s of sources)
        for (const t of workspaceFileTitles) {
            const title = fileDashboardTitle(t, s.name);
            if (!fileTitles.has(nameKey(title))) fileTitles.set(nameKey(title), { key: s.key, title });
        }
    for (const s of sources) {
        const file = fileTitles.get(nameKey(s.name));
        if (file !== undefined && file.key !== s.key)
            problems.push(
                `source stack "${s.key}": its name "${s.name}" looks like "${file.title}", the title of a ` +
                    `dashboard of dashboard.files for "${file.key}" in the stack's folder, whose place ` +
                    `it would take in Grafana; give the source another label (or a name in sources[].name)`,
            );
    }
    for (const s of sources) {
        take(s.name, `the dashboard of source stack "${s.key}"`);
        for (const t of workspaceFileTitles)
            take(fileDashboardTitle(t, s.name), `a dashboard of dashboard.files for "${s.key}"`);
    }
    for (const s of sources) {
        (s.outputs.dashboardFiles ?? []).forEach((f, i) => {
            let title: string;
            try {
                title = fileDashboardTitle(dashboardTitleOf(parseDashboardText(f.json)), s.name);
            } catch {
                return; // refused with its contract
            }
            const what = `output "dashboardFiles[${i}]" of source stack "${s.key}"`;
            // A title that reads as one of the program's own (`Athena fleet: finance (Sales)`), as a
            // source's label may not (shared/sources.ts): it would pass for that team's fleet dashboard.
            const prefix = reservedPrefixes.find((p) => nameKey(title).startsWith(nameKey(p)));
            if (prefix !== undefined)
                return void problems.push(
                    `source stack "${s.key}": output "dashboardFiles[${i}]" (${f.file.slice(0, 255)}): its ` +
                        `dashboard's title "${title}" starts like "${prefix}", the titles of this ` +
                        `workspace stack's own dashboards; retitle the file`,
                );
            const first = taken.get(nameKey(title));
            if (first === undefined) return void taken.set(nameKey(title), what);
            problems.push(
                `source stack "${s.key}": output "dashboardFiles[${i}]" (${f.file}): its dashboard's ` +
                    `title "${title}" looks like the title of ${first} in the stack's folder, ` +
                    `whose place it would take in Grafana; retitle the file`,
            );
        });
    }
    return problems;
}
