/**
 * `fleet check`: what is wrong with the fleet's stack files, offline: each file validated by its
 * project's own config rules, then the rules over the set (chartCheck.ts), one line per problem
 * naming the file and the key.
 */
import * as fs from "fs";
import * as path from "path";
import { rootWorkspaces, stackFiles } from "../../../shared/stackFiles";
import { ConfigError, awsRegion, readSettings } from "../../../shared/config/read";
import {
    BOOTSTRAP_FOLDER,
    BOOTSTRAP_KEY_KINDS,
    BOOTSTRAP_NAMESPACE,
    bootstrapSettingsFor,
} from "../../../shared/config/bootstrap";
import { BootstrapReach, sourceReachProblems } from "../../../shared/ci/coverage";
import {
    SOURCE_KEY_KINDS,
    SOURCE_NAMESPACE,
    SourceSettings,
    sourceSettingsFor,
} from "../../../shared/config/source";
import {
    WORKSPACE_KEY_KINDS,
    WORKSPACE_NAMESPACE,
    WorkspaceSettings,
    workspaceSettings,
} from "../../../shared/config/workspace";
import {
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    sharedWorkspaceProblems,
    workspaceSummary,
} from "../../../shared/inventory";
import { Refusal } from "../../../shared/refusal";
import { DashboardFileContent, readDashboardFiles } from "../../../shared/dashboardFiles";
import { SourceDashboardFile, readSourceDashboardFiles } from "../../../shared/sourceDashboardFiles";
import { readProject, readStackConfig } from "../../plan/stackConfig";
import { chartProblems, rootProblems, sourcePolicyProblems } from "./chartCheck";
import { readRootStackConfig } from "../../../shared/rootStack";
import { StackEntry, readInventory } from "./fleetInventory";

type StackConfigOf = (entry: StackEntry) => ReturnType<typeof readStackConfig>;

/**
 * One stack file read under its project's rules: its settings, or its problems as `<key>: <message>` lines.
 */
type FileReading =
    | { problems: string[]; source?: undefined; workspace?: undefined }
    | {
          problems: [];
          source: SourceSettings & { region: string };
          account?: string;
          dashboardFiles: SourceDashboardFile[];
          workspace?: undefined;
      }
    | {
          problems: [];
          workspace: WorkspaceSettings;
          region: string;
          account?: string;
          files: DashboardFileContent[];
          source?: undefined;
      };

/** One source schema per region, made once: a fleet's thousand files are mostly of a few regions. */
const sourceSchemas = new Map<string | undefined, ReturnType<typeof sourceSettingsFor>>();
const sourceSchema = (region: string | undefined) => {
    if (!sourceSchemas.has(region)) sourceSchemas.set(region, sourceSettingsFor(region));
    return sourceSchemas.get(region)!;
};

function readFile(entry: StackEntry, configOf: StackConfigOf): FileReading {
    try {
        const { config, secretKeys } = configOf(entry);
        const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
        const region = awsRegion(config);
        const earlier = typeof region === "string" ? [] : [region];
        const accounts = parseJson(config["aws:allowedAccountIds"]);
        const account =
            Array.isArray(accounts) && accounts.length === 1 && typeof accounts[0] === "string"
                ? accounts[0]
                : undefined;
        if (entry.project === SOURCE_PROJECT) {
            const settings = readSettings(
                SOURCE_NAMESPACE,
                SOURCE_KEY_KINDS,
                sourceSchema(typeof region === "string" ? region : undefined),
                earlier,
                view,
            );
            // Its dashboard files, as its program reads them: from the stack file's folder, checked
            // against its tables (shared/sourceDashboardFiles.ts).
            const files = readSourceDashboardFiles(
                path.dirname(entry.file),
                settings.dashboardFiles,
                `${SOURCE_NAMESPACE}:dashboardFiles`,
                {
                    grant: {
                        catalog: settings.catalog,
                        database: settings.database,
                        tables: settings.tables,
                    },
                    region: region as string,
                },
            );
            if (files.problems.length > 0) throw new ConfigError(files.problems);
            const source = { ...settings, region: region as string };
            return { problems: [], source, account, dashboardFiles: files.files };
        }
        const workspace = readSettings(
            WORKSPACE_NAMESPACE,
            WORKSPACE_KEY_KINDS,
            workspaceSettings,
            earlier,
            view,
        );
        const files = readDashboardFiles(
            path.dirname(entry.file),
            workspace.dashboard.files ?? [],
            `${WORKSPACE_NAMESPACE}:dashboard.files`,
        );
        if (files.problems.length > 0) throw new ConfigError(files.problems);
        return { problems: [], workspace, region: region as string, account, files: files.contents };
    } catch (e) {
        if (e instanceof ConfigError) return { problems: e.message.split("\n") };
        if (e instanceof Refusal || e instanceof Error) return { problems: [e.message.split("\n")[0]] };
        throw e;
    }
}

/** Every inconsistency of the fleet's stack files, one line each, naming the file. */
export function checkInventory(root: string, org: string): string[] {
    const inventory = readInventory(root, org);
    const problems: string[] = [];
    const rel = (f: string) => path.relative(root, f);
    // Each project file and stack file is read once, however many checks look at it.
    const projects = new Map<string, ReturnType<typeof readProject>>();
    const configs = new Map<string, ReturnType<typeof readStackConfig>>();
    const configOf: StackConfigOf = (entry) => {
        if (!projects.has(entry.folder))
            projects.set(entry.folder, readProject(path.join(root, entry.folder)));
        if (!configs.has(entry.file))
            configs.set(entry.file, readStackConfig(projects.get(entry.folder)!, entry.file));
        return configs.get(entry.file)!;
    };
    /**
     * A file that cannot be read as a stack file has its problem reported above, and no part in the checks
     * below.
     */
    const readable = (entry: StackEntry) => {
        try {
            return configOf(entry);
        } catch {
            return undefined;
        }
    };
    const readings = new Map<StackEntry, FileReading>();
    for (const entry of [...inventory.sources, ...inventory.workspaces]) {
        // The line names the file once, relative to the root, even when the reader named it too.
        const own = (p: string) =>
            p.startsWith(entry.file) ? p.slice(entry.file.length).replace(/^:? */, "") : p;
        const reading = readFile(entry, configOf);
        readings.set(entry, reading);
        for (const p of reading.problems) problems.push(`${rel(entry.file)}: ${own(p)}`);
    }
    for (const entry of inventory.sources) {
        const reading = readings.get(entry)!;
        if (reading.source)
            for (const p of sourcePolicyProblems(entry, reading.source, reading.account))
                problems.push(`${rel(entry.file)}: ${p}`);
    }

    // Where the bootstrap makes the data accounts' CI roles, every source stack must be within
    // their reach: one line per setting they would not reach, naming the source's key.
    const reaches = bootstrapReaches(root, problems);
    for (const entry of reaches.length > 0 ? inventory.sources : []) {
        const source = validSourceSettings(readable(entry));
        if (source === undefined) continue;
        const per = reaches.map((r) => sourceReachProblems(r, source, SOURCE_NAMESPACE));
        if (per.some((p) => p.length === 0)) continue;
        for (const p of per[0]) problems.push(`${rel(entry.file)}: ${p.key}: ${p.message}`);
    }

    // Two stacks for one account and workgroup would be one data source twice.
    const seen = new Map<string, StackEntry>();
    for (const entry of inventory.sources) {
        const config = readable(entry)?.config;
        if (config === undefined) continue;
        const accounts = parseJson(config["aws:allowedAccountIds"]);
        const workgroup = (
            parseJson(config[`${SOURCE_NAMESPACE}:workgroup`]) as { name?: unknown } | undefined
        )?.name;
        if (!Array.isArray(accounts) || accounts.length !== 1 || typeof workgroup !== "string") continue;
        const key = `${accounts[0]}/${config["aws:region"]}/${workgroup}`;
        const first = seen.get(key);
        if (first) {
            problems.push(
                `${rel(entry.file)}: ${SOURCE_NAMESPACE}:workgroup: the same account and workgroup ` +
                    `(${accounts[0]}, ${config["aws:region"]}, ${workgroup}) as ` +
                    `${rel(first.file)}; keep one stack per workgroup`,
            );
        } else {
            seen.set(key, entry);
        }
    }

    // A workspace stack that lists a source with no stack file, and siblings that would collide in one
    // workspace.
    const known = new Set(inventory.sources.map((s) => s.stack));
    // Summarised from the files as read above (bounded, regular files only), not read again.
    const sourceNames = inventory.sources.map((s) => s.name);
    const summaries = [
        ...inventory.workspaces.flatMap((entry) => {
            const config = readable(entry);
            return config ? [workspaceSummary(entry.stack, config.settings, sourceNames)] : [];
        }),
        // Root stacks may deploy into the same workspace: held to the same rules (as the program holds them).
        ...rootWorkspaces(root),
    ];
    for (const entry of inventory.workspaces) {
        const listed = parseJson(readable(entry)?.config[`${WORKSPACE_NAMESPACE}:sources`]);
        for (const s of Array.isArray(listed) ? listed : []) {
            const stack = typeof s?.stack === "string" ? s.stack.split("/") : [];
            if (stack.length === 3 && stack[1] === SOURCE_PROJECT && !known.has(stack[2])) {
                problems.push(
                    `${rel(entry.file)}: ${WORKSPACE_NAMESPACE}:sources: lists the source ${s.stack}, ` +
                        `which has no stack file ` +
                        `${PROJECT_FOLDERS.source}/Pulumi.${stack[2]}.yaml`,
                );
            }
        }
        const me = summaries.find((w) => w.stack === entry.stack);
        if (me)
            for (const p of sharedWorkspaceProblems(me, summaries))
                problems.push(`${rel(entry.file)}: ${p.key}: ${p.message}`);
        const reading = readings.get(entry)!;
        if (reading.workspace) {
            const sourceOf = (stack: string) => {
                const e = inventory.sources.find((s) => s.stack === stack);
                const r = e && readings.get(e);
                return r?.source
                    ? { settings: r.source, account: r.account, dashboardFiles: r.dashboardFiles }
                    : undefined;
            };
            const ws = {
                stack: entry.stack,
                settings: reading.workspace,
                region: reading.region,
                account: reading.account,
                files: reading.files,
            };
            for (const p of chartProblems(ws, sourceNames, sourceOf))
                problems.push(`${rel(entry.file)}: ${p.key}: ${p.message}`);
        }
    }
    problems.push(...rootStackProblems(root));
    return problems;
}

/**
 * Every problem of the root stack files (the one-stack project `grafana-athena`), as its program
 * refuses them: its keys and dashboard files (shared/rootStack.ts, the function the program calls),
 * then the rules over its one source (chartCheck.ts), one line each naming the file and the key.
 */
function rootStackProblems(root: string): string[] {
    if (!fs.existsSync(path.join(root, "Pulumi.yaml"))) return [];
    const realRoot = fs.realpathSync(root);
    return stackFiles(root).flatMap(({ stack, file }) => {
        const rel = path.relative(root, file);
        const own = (p: string) => (p.startsWith(file) ? p.slice(file.length).replace(/^:? */, "") : p);
        try {
            if (path.relative(realRoot, fs.realpathSync(file)).startsWith("..")) {
                throw new Refusal(`a symbolic link that leads outside the repository (${root}); refused`);
            }
            const { config, secretKeys } = readStackConfig(readProject(root), file);
            const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
            return rootProblems(stack, readRootStackConfig(root, view, stack)).map((p) => `${rel}: ${p}`);
        } catch (e) {
            if (e instanceof ConfigError) return e.message.split("\n").map((l) => `${rel}: ${own(l)}`);
            if (e instanceof Error) return [`${rel}: ${own(e.message.split("\n")[0])}`];
            throw e;
        }
    });
}

/**
 * What each bootstrap stack file of the checkout lets the CI roles reach; its own problems (a bad
 * setting, a link leading outside the checkout) are added to `problems`, and it reaches nothing.
 */
function bootstrapReaches(root: string, problems: string[]): BootstrapReach[] {
    const folder = path.join(root, BOOTSTRAP_FOLDER);
    if (!fs.existsSync(path.join(folder, "Pulumi.yaml"))) return [];
    const realRoot = fs.realpathSync(root);
    return stackFiles(folder).flatMap(({ file }) => {
        const rel = path.relative(root, file);
        try {
            if (path.relative(realRoot, fs.realpathSync(file)).startsWith("..")) {
                throw new Refusal(`a symbolic link that leads outside the repository (${root}); refused`);
            }
            const { config, secretKeys } = readStackConfig(readProject(folder), file);
            const region = awsRegion(config);
            const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
            const earlier = typeof region === "string" ? [] : [region];
            const s = readSettings(
                BOOTSTRAP_NAMESPACE,
                BOOTSTRAP_KEY_KINDS,
                bootstrapSettingsFor(typeof region === "string" ? region : undefined),
                earlier,
                view,
            );
            const regions = s.regions.length > 0 ? s.regions : [region as string];
            return [
                {
                    file: rel,
                    sourceRoleName: s.sourceRoleName,
                    workgroupNames: s.workgroupNames,
                    resultsBucketNames: s.resultsBucketNames,
                    regions,
                },
            ];
        } catch (e) {
            if (e instanceof ConfigError) problems.push(...e.message.split("\n").map((l) => `${rel}: ${l}`));
            else if (e instanceof Error)
                problems.push(`${rel}: ${e.message.split("\n")[0].replace(`${file}: `, "")}`);
            else throw e;
            return [];
        }
    });
}

/** A source stack file's settings when they are valid (an invalid file is reported by itself). */
function validSourceSettings(stackConfig: ReturnType<typeof readStackConfig> | undefined) {
    if (stackConfig === undefined) return undefined;
    const { config, secretKeys } = stackConfig;
    const region = awsRegion(config);
    if (typeof region !== "string") return undefined;
    try {
        const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
        return {
            ...readSettings(SOURCE_NAMESPACE, SOURCE_KEY_KINDS, sourceSettingsFor(region), [], view),
            region,
        };
    } catch {
        return undefined;
    }
}

function parseJson(v: string | undefined): unknown {
    if (v === undefined) return undefined;
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}
