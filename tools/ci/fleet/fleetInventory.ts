/**
 * The fleet as its stack files describe it: every source and workspace stack of a checkout
 * (the program's own reading of them, shared/stackFiles.ts), and what `fleet check`
 * finds wrong with them, offline: each file validated by its project's own config rules.
 */
import * as fs from "fs";
import * as path from "path";
import { stackFiles } from "../../../shared/stackFiles";
import { ConfigError, awsRegion, readSettings } from "../../../shared/config/read";
import {
    BOOTSTRAP_FOLDER,
    BOOTSTRAP_KEY_KINDS,
    BOOTSTRAP_NAMESPACE,
    bootstrapSettingsFor,
} from "../../../shared/config/bootstrap";
import { BootstrapReach, sourceReachProblems } from "../../../shared/ci/coverage";
import {
    ChartedSourceView,
    assumePolicyProblem,
    chartedSetProblems,
    grafanaAccountProblem,
    impliedSourceOutputs,
    panelReadProblems,
} from "../../../shared/chartRules";
import type { ConfigProblem } from "../../../shared/config/problems";
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
    organizationMode,
    workspaceSettings,
} from "../../../shared/config/workspace";
import {
    PROJECT_FOLDERS,
    SOURCE_PROJECT,
    WORKSPACE_PROJECT,
    chartedSourceRefs,
    qualifiedStack,
    sharedWorkspaceProblems,
    workspaceSummary,
} from "../../../shared/inventory";
import { shortHash } from "../../../shared/naming";
import { partitionOf } from "../../../shared/partition";
import { ASSUME_POLICY_NAME } from "../../../shared/policies/workspaceRole";
import { sourceAccessPolicies } from "../../../shared/policies/sourceRole";
import { Refusal } from "../../../shared/refusal";
import { UsageError } from "../../cli/options";
import { readProject, readStackConfig } from "../../plan/stackConfig";

/**
 * The organisation stack names are qualified in: `--org`, else `PULUMI_ORG`, else the local
 * backend's. It lands in every stack name the fleet prints, so it is a name (letters, digits,
 * `-`, `_`, `.`: Pulumi's rule for organisations) or refused: a newline in it would forge lines.
 */
export function organization(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
    const org = flag ?? env.PULUMI_ORG ?? "organization";
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(org)) {
        const from = flag !== undefined ? "--org" : "PULUMI_ORG";
        throw new UsageError(
            `${from} takes an organisation name (letters, digits, -, _ and ., at most 100), got ${JSON.stringify(org.slice(0, 40))}${org.length > 40 ? "…" : ""}`,
        );
    }
    return org;
}

export interface StackEntry {
    /** Fully qualified: `<org>/<project>/<stack>`. */
    name: string;
    stack: string;
    project: typeof SOURCE_PROJECT | typeof WORKSPACE_PROJECT;
    /** The project folder, relative to the repository root. */
    folder: string;
    file: string;
}

export interface Inventory {
    sources: StackEntry[];
    workspaces: StackEntry[];
}

/**
 * The stack files of the checkout at `root`. A project folder or stack file that is a symbolic
 * link leading outside the checkout is refused, naming it: the fleet reads (and may echo) what
 * a stack file holds, and a pull request must not make it read a file elsewhere on the machine.
 */
export function readInventory(root: string, org: string): Inventory {
    const realRoot = fs.realpathSync(root);
    const inside = (p: string) => {
        const rel = path.relative(realRoot, p);
        return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
    };
    const within = (p: string) => {
        let real: string;
        try {
            real = fs.realpathSync(p);
        } catch {
            // A dangling link: the reader reports it when the file is read.
            real = path.resolve(path.dirname(p), fs.readlinkSync(p));
        }
        if (!inside(real))
            throw new Refusal(
                `${path.relative(root, p)}: a symbolic link that leads outside the repository (${root}); refused`,
            );
    };
    const entries = (project: StackEntry["project"], folder: string) => {
        const dir = path.join(root, folder);
        if (fs.existsSync(dir)) within(dir);
        return stackFiles(dir).map(({ stack, file }) => {
            within(file);
            return { name: qualifiedStack(org, project, stack), stack, project, folder, file };
        });
    };
    return {
        sources: entries(SOURCE_PROJECT, PROJECT_FOLDERS.source),
        workspaces: entries(WORKSPACE_PROJECT, PROJECT_FOLDERS.workspace),
    };
}

type StackConfigOf = (entry: StackEntry) => ReturnType<typeof readStackConfig>;

/** One stack file read under its project's rules: its settings, or its problems as `<key>: <message>` lines. */
type FileReading =
    | { problems: string[]; source?: undefined; workspace?: undefined }
    | { problems: []; source: SourceSettings & { region: string }; account?: string; workspace?: undefined }
    | { problems: []; workspace: WorkspaceSettings; region: string; account?: string; source?: undefined };

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
            return { problems: [], source: { ...settings, region: region as string }, account };
        }
        return {
            problems: [],
            workspace: readSettings(
                WORKSPACE_NAMESPACE,
                WORKSPACE_KEY_KINDS,
                workspaceSettings,
                earlier,
                view,
            ),
            region: region as string,
            account,
        };
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
    /** A file that cannot be read as a stack file has its problem reported above, and no part in the checks below. */
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
                `${rel(entry.file)}: the same account and workgroup (${accounts[0]}, ${config["aws:region"]}, ${workgroup}) as ${rel(first.file)}; keep one stack per workgroup`,
            );
        } else {
            seen.set(key, entry);
        }
    }

    // A workspace stack that lists a source with no stack file, and siblings that would collide in one workspace.
    const known = new Set(inventory.sources.map((s) => s.stack));
    // Summarised from the files as read above (bounded, regular files only), not read again.
    const sourceNames = inventory.sources.map((s) => s.name);
    const summaries = inventory.workspaces.flatMap((entry) => {
        const config = readable(entry);
        return config ? [workspaceSummary(entry.stack, config.settings, sourceNames)] : [];
    });
    for (const entry of inventory.workspaces) {
        const listed = parseJson(readable(entry)?.config[`${WORKSPACE_NAMESPACE}:sources`]);
        for (const s of Array.isArray(listed) ? listed : []) {
            const stack = typeof s?.stack === "string" ? s.stack.split("/") : [];
            if (stack.length === 3 && stack[1] === SOURCE_PROJECT && !known.has(stack[2])) {
                problems.push(
                    `${rel(entry.file)}: lists the source ${s.stack}, which has no stack file ${PROJECT_FOLDERS.source}/Pulumi.${stack[2]}.yaml`,
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
                return r?.source ? { settings: r.source, account: r.account } : undefined;
            };
            const ws = {
                stack: entry.stack,
                settings: reading.workspace,
                region: reading.region,
                account: reading.account,
            };
            for (const p of chartProblems(ws, sourceNames, sourceOf))
                problems.push(`${rel(entry.file)}: ${p.key}: ${p.message}`);
        }
    }
    return problems;
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

/**
 * What the source program refuses beyond its keys: access policies that do not fit a role's
 * managed policies (shared/policies/sourceRole.ts, the function the program calls).
 */
function sourcePolicyProblems(
    entry: StackEntry,
    settings: SourceSettings & { region: string },
    account: string | undefined,
): string[] {
    try {
        sourceAccessPolicies({
            policyName: `${settings.roleName}-Athena`,
            accountId: account ?? standInAccount(entry.stack),
            region: settings.region,
            catalog: settings.catalog,
            database: settings.database,
            workgroup: settings.workgroup.name,
            tables: settings.tables,
            dataLocations: settings.dataLocations,
            results: { bucket: settings.results.bucket, prefix: settings.results.prefix },
            kmsKeyArns: settings.kmsKeyArns,
            catalogKmsKeyArn: settings.catalogKmsKeyArn,
            lakeFormation: settings.lakeFormation,
            partition: partitionOf(settings.region) ?? "aws",
        });
        return [];
    } catch (e) {
        if (e instanceof Refusal) return [`${SOURCE_NAMESPACE}:tables: ${e.message.split("\n")[0]}`];
        throw e;
    }
}

/**
 * A 12-digit stand-in for the account of a stack file that pins none (no single
 * `aws:allowedAccountIds`), its own for each stack: an account ID is always 12 digits, so every
 * size is as it will be, and two unpinned stacks are not taken for one account.
 */
function standInAccount(stack: string): string {
    return BigInt(`0x${shortHash(stack, 12)}`)
        .toString()
        .padStart(12, "0")
        .slice(-12);
}

interface WorkspaceReading {
    stack: string;
    settings: WorkspaceSettings;
    region: string;
    account?: string;
}

type SourceReading = { settings: SourceSettings & { region: string }; account?: string };

/**
 * The rules the workspace program applies to the sources it charts (shared/chartRules.ts, the
 * functions the program calls), on the outputs each source stack file implies; and the Grafana
 * account each source trusts against this stack's (`grafanaAccountRefusal`, as fleet synth applies
 * it). A source whose file has problems of its own is left out: those are reported on its file.
 */
export function chartProblems(
    ws: WorkspaceReading,
    inventory: readonly string[],
    sourceOf: (stack: string) => SourceReading | undefined,
): ConfigProblem[] {
    const key = (k: string) => `${WORKSPACE_NAMESPACE}:${k}`;
    const refs = chartedSourceRefs(
        ws.settings.sources,
        inventory.map((stack) => ({ stack })),
        ws.settings.organizationId !== undefined,
    );
    if (!Array.isArray(refs)) return [refs];
    const problems: ConfigProblem[] = [];
    const views: ChartedSourceView[] = [];
    for (const ref of refs) {
        const [, project, stack] = ref.stack.split("/");
        const source = project === SOURCE_PROJECT ? sourceOf(stack) : undefined;
        if (!source) continue;
        const account = source.account ?? standInAccount(stack);
        const listed = ref as { name?: string; panels?: ChartedSourceView["panels"] };
        const view: ChartedSourceView = {
            key: ref.stack,
            name: listed.name,
            panels: listed.panels,
            outputs: impliedSourceOutputs(source.settings, source.settings.region, account),
        };
        views.push(view);
        for (const p of panelReadProblems(view, ws.settings.dashboard.panels))
            problems.push({
                key: key(/ of dashboard\.panels /.test(p) ? "dashboard.panels" : "sources"),
                message: p,
            });
        const trust =
            ws.account === undefined
                ? undefined
                : grafanaAccountProblem(ref.stack, source.settings, ws.account);
        if (trust) problems.push({ key: key("sources"), message: trust });
    }
    for (const p of chartedSetProblems(
        views,
        (ws.settings.teams ?? []).map((t) => t.name),
        ws.settings.dashboard.folder,
    ))
        problems.push({ key: key("sources"), message: p });
    const policyName = `${ASSUME_POLICY_NAME}-${shortHash(`${WORKSPACE_PROJECT}/${ws.stack}`, 8)}`;
    const policy =
        views.length === 0
            ? undefined
            : assumePolicyProblem(
                  views.map((v) => v.outputs.roleArn),
                  policyName,
                  organizationMode(ws.settings),
                  partitionOf(ws.region) ?? "aws",
              );
    if (policy)
        problems.push({
            key: key(ws.settings.organizationId !== undefined ? "sourceRoleName" : "sources"),
            message: policy,
        });
    return problems;
}

function parseJson(v: string | undefined): unknown {
    if (v === undefined) return undefined;
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}
