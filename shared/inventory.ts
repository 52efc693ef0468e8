/**
 * The stack files are the inventory: every `infra-account-b/Pulumi.<stack>.yaml` but the example
 * is a source stack, every `infra-account-a/Pulumi.<stack>.yaml` but the example a workspace stack.
 * The naming rules, and what a workspace stack can tell from its siblings' files. Pure: callers
 * read the files (shared/stackFiles.ts).
 */
import * as path from "path";
import type { ConfigProblem } from "./config/problems";
import { SOURCE_NAMESPACE } from "./config/source";
import { DEFAULT_FOLDER, WORKSPACE_NAMESPACE, explicitCapacityProblem } from "./config/workspace";
import { teamFolderTitle } from "./grafana/permissions";
import { defaultSourceLabel, nameKey, sameName } from "./naming";

/** Each project's folder, relative to the repository root. */
export const PROJECT_FOLDERS = { source: "infra-account-b", workspace: "infra-account-a" } as const;

/** The stack whose file documents the settings; never deployed, never part of the inventory. */
export const EXAMPLE_STACK = "example";

/** The project whose stacks are the sources. */
export const SOURCE_PROJECT = SOURCE_NAMESPACE;
export const WORKSPACE_PROJECT = WORKSPACE_NAMESPACE;
/**
 * The one-stack project of the repository root: its plans are `grafana-athena.<stack>.json`. The
 * fleet deploys and destroys no stack of it (`fleet up` and `fleet destroy` run the two projects above).
 */
export const ROOT_PROJECT = "grafana-athena";

/** A fully qualified stack name, as stack references and the CLI use it. */
export function qualifiedStack(org: string, project: string, stack: string): string {
    return `${org}/${project}/${stack}`;
}

/**
 * The accounts a source stack file lets its stack deploy into (`aws:allowedAccountIds`, a list of
 * 12-digit strings); undefined when the file sets none or sets something else (that stack's own
 * run refuses it).
 */
export function allowedAccountIdsOf(config: Record<string, unknown>): string[] | undefined {
    const raw = config["aws:allowedAccountIds"];
    return Array.isArray(raw) &&
        raw.length > 0 &&
        raw.every((a) => typeof a === "string" && /^\d{12}$/.test(a))
        ? (raw as string[])
        : undefined;
}

/**
 * What a workspace stack creates that must be unique in a Grafana workspace, as far as its stack file says.
 */
export interface WorkspaceStackSummary {
    stack: string;
    /** The workspace it deploys into: `workspaceId`, or the workspace `createWorkspace.adopt` takes over. */
    workspaceId?: string;
    /** Whether it manages that workspace (`createWorkspace.adopt`): its role and settings are the stack's. */
    adopts?: boolean;
    /** The folder title (the default when the file sets none). */
    folder: string;
    /**
     * The sources it charts, fully qualified, with the name it gives each (undefined: the source's label).
     */
    sources: { stack: string; name?: string }[];
    /** The teams it creates (not those it looks up: `existing`), by name. */
    createdTeams: string[];
    /** The teams it routes alerts of (`teams[].contactPoint`): then it owns the notification policy tree. */
    routedTeams: string[];
    /** A stack of the root project (its `workspace` object), not of infra-account-a. */
    root?: true;
}

/**
 * A root stack's workspace (`grafana-athena:workspace`, charting its one `grafana-athena:source`),
 * summarised as a workspace stack's, so that workspace stacks on the same workspace are held to the
 * same rules against it. Its data source's name: `workspace.sourceName`, else the source's label,
 * else the default label. Values the root program would refuse are left out.
 */
export function rootWorkspaceSummary(stack: string, config: Record<string, unknown>): WorkspaceStackSummary {
    const object = (k: string) => {
        const v = config[`${ROOT_PROJECT}:${k}`];
        return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    };
    const [workspace, source] = [object("workspace"), object("source")];
    const summary = workspaceSummary(
        `${ROOT_PROJECT}/${stack}`,
        Object.fromEntries(
            ["workspaceId", "createWorkspace", "dashboard", "teams"].map((k) => [
                `${WORKSPACE_NAMESPACE}:${k}`,
                workspace[k],
            ]),
        ),
        [],
    );
    const workgroup = source.workgroup as { name?: unknown } | undefined;
    const name =
        typeof workspace.sourceName === "string"
            ? workspace.sourceName
            : typeof source.label === "string"
              ? source.label
              : typeof source.accountId === "string" && typeof workgroup?.name === "string"
                ? defaultSourceLabel(source.accountId, workgroup.name)
                : undefined;
    return { ...summary, sources: [{ stack: summary.stack, name }], root: true };
}

/**
 * A workspace stack's summary from its stack file's config; `inventory` is every source stack,
 * fully qualified, which a stack without `sources` charts. Values that are not what the program
 * would accept are left out: that stack's own run refuses them.
 */
export function workspaceSummary(
    stack: string,
    config: Record<string, unknown>,
    inventory: readonly string[],
): WorkspaceStackSummary {
    const key = (k: string) => config[`${WORKSPACE_NAMESPACE}:${k}`];
    const created = key("createWorkspace") as { adopt?: unknown } | null | undefined;
    const adopt =
        created && typeof created === "object" && typeof created.adopt === "string"
            ? created.adopt
            : undefined;
    const named = typeof key("workspaceId") === "string" ? (key("workspaceId") as string) : undefined;
    const workspaceId = named ?? adopt;
    const dashboard = key("dashboard");
    const folder =
        dashboard &&
        typeof dashboard === "object" &&
        typeof (dashboard as { folder?: unknown }).folder === "string"
            ? (dashboard as { folder: string }).folder
            : DEFAULT_FOLDER;
    const listed = Array.isArray(key("sources")) ? (key("sources") as unknown[]) : [];
    const sources = listed
        .filter(
            (s): s is { stack: string; name?: unknown } =>
                !!s && typeof s === "object" && typeof (s as { stack?: unknown }).stack === "string",
        )
        .map((s) => ({ stack: s.stack, name: typeof s.name === "string" ? s.name : undefined }));
    const teams = Array.isArray(key("teams")) ? (key("teams") as unknown[]) : [];
    const createdTeams = teams.flatMap((t) => {
        const team = t as { name?: unknown; existing?: unknown } | null;
        return team && typeof team === "object" && typeof team.name === "string" && team.existing !== true
            ? [team.name]
            : [];
    });
    const routedTeams = teams.flatMap((t) => {
        const team = t as { name?: unknown; contactPoint?: unknown } | null;
        return team &&
            typeof team === "object" &&
            typeof team.name === "string" &&
            team.contactPoint !== undefined
            ? [team.name]
            : [];
    });
    return {
        stack,
        workspaceId,
        ...(named === undefined && adopt !== undefined ? { adopts: true } : {}),
        folder,
        sources: sources.length > 0 ? sources : inventory.map((s) => ({ stack: s })),
        createdTeams,
        routedTeams,
    };
}

/**
 * The source stacks a workspace stack charts: those its `sources` lists, or else every source stack
 * of the inventory (fully qualified), which must then be some, and few enough for the explicit
 * assume policy (or organisation mode). A problem names the key.
 */
export function chartedSourceRefs<T extends { stack: string }, U extends { stack: string }>(
    listed: readonly T[],
    inventory: readonly U[],
    organizationMode: boolean,
): (T | U)[] | ConfigProblem {
    const key = `${WORKSPACE_NAMESPACE}:sources`;
    if (listed.length > 0) return [...listed];
    if (inventory.length === 0) {
        return {
            key,
            message:
                `lists no source stack, and ${PROJECT_FOLDERS.source}/ has no stack file ` +
                `(Pulumi.<stack>.yaml): add one per data account, or list sources`,
        };
    }
    const twins = caseTwinProblems(
        inventory.map((s) => s.stack.split("/").pop()!),
        PROJECT_FOLDERS.source,
    );
    if (twins.length > 0) return { key, message: `is empty, so every source stack is charted: ${twins[0]}` };
    const capacity = explicitCapacityProblem(inventory.length, organizationMode);
    if (capacity) return { key, message: `is empty, so every source stack is charted: ${capacity}` };
    return [...inventory];
}

/**
 * Stack files of one project folder whose stack names differ only in case (`Pulumi.Sales.yaml`
 * and `Pulumi.sales.yaml`): Pulumi Cloud reads stack names without case, so both are one stack,
 * which each file's deploy would turn into its own (deleting the other's resources), and a
 * workspace would chart it twice. One line per pair, naming both files (`folder`-relative names).
 */
export function caseTwinProblems(stacks: readonly string[], folder: string): string[] {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const stack of stacks) {
        const key = stack.toLowerCase();
        const first = seen.get(key);
        if (first === undefined) seen.set(key, stack);
        else
            problems.push(
                `${path.posix.join(folder, `Pulumi.${first}.yaml`)} and ` +
                    `${path.posix.join(folder, `Pulumi.${stack}.yaml`)}: stack names that differ only in ` +
                    "case are one stack to Pulumi Cloud; rename or remove one",
            );
    }
    return problems;
}

/**
 * What Grafana would refuse when `me` and another workspace stack deploy into one workspace (its
 * `workspaceId`, or the one its `createWorkspace.adopt` takes over): a second folder of the same
 * title, a second data source of the same name; and two stacks adopting it. Detectable from the
 * stack files: the same folder title, the same explicit data source name, or the same source
 * stack charted by both under its label. Each problem names the key of `me` to change.
 */
export function sharedWorkspaceProblems(
    me: WorkspaceStackSummary,
    others: readonly WorkspaceStackSummary[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const key = (k: string) => `${WORKSPACE_NAMESPACE}:${k}`;
    for (const other of others) {
        if (other.stack === me.stack || me.workspaceId === undefined || other.workspaceId !== me.workspaceId)
            continue;
        const whose = other.root
            ? `root stack "${other.stack.split("/")[1]}"`
            : `workspace stack "${other.stack}"`;
        const where = `${whose} on the same workspace ${me.workspaceId}`;
        // Each would set the workspace's role, name, version and network to its own: one manages it.
        if (me.adopts && other.adopts)
            problems.push({
                key: key("createWorkspace.adopt"),
                message:
                    `adopts the workspace ${me.workspaceId}, which workspace stack "${other.stack}" adopts ` +
                    `too; each would make its role and settings the workspace's: let one stack adopt it, ` +
                    `and name it by workspaceId in the others`,
            });
        // The folders each creates: its own, and one per team it defines (teamFolderTitle).
        const folders = (w: WorkspaceStackSummary) => [
            w.folder,
            ...w.createdTeams.map((t) => teamFolderTitle(w.folder, t)),
        ];
        const theirs = folders(other);
        const sharedFolder = folders(me).find((f) => theirs.some((o) => sameName(o, f)));
        if (sharedFolder !== undefined) {
            problems.push({
                key: key("dashboard.folder"),
                message:
                    `is "${me.folder}", ${
                        sameName(sharedFolder, me.folder)
                            ? ""
                            : `so this stack creates the folder "${sharedFolder}", `
                    }the folder of ${where}; ` +
                    `Grafana refuses a second folder of that title: give this stack a folder of its own`,
            });
        }
        const sharedTeams = me.createdTeams.filter((t) => other.createdTeams.some((o) => sameName(o, t)));
        if (sharedTeams.length > 0) {
            problems.push({
                key: key("teams"),
                message:
                    `creates the team(s) ${sharedTeams
                        .slice(0, 3)
                        .map((t) => `"${t}"`)
                        .join(", ")}${sharedTeams.length > 3 ? ", ..." : ""}, which ${where} creates too; ` +
                    `Grafana refuses a second team of one name: create it in one stack ` +
                    `and set existing: true for it in this one`,
            });
        }
        // Grafana keeps one notification policy tree per organisation and each stack's replaces the
        // whole of it: the last `pulumi up` would send the other stack's teams' alerts (team names
        // are one per organisation) where its own tree says, or to the default contact point.
        if (me.routedTeams.length > 0 && other.routedTeams.length > 0) {
            problems.push({
                key: key("teams"),
                message:
                    `routes alerts (teams[].contactPoint of "${me.routedTeams[0]}"), and so does ${where} ` +
                    `("${other.routedTeams[0]}"): Grafana keeps one notification policy tree per ` +
                    `organisation, and each stack's would replace the other's, sending the other's ` +
                    `teams' alerts elsewhere; route every team's alerts from one of the two stacks`,
            });
        }
        const named = new Set(other.sources.flatMap((s) => (s.name === undefined ? [] : [nameKey(s.name)])));
        const byLabel = new Set(other.sources.filter((s) => s.name === undefined).map((s) => s.stack));
        const clashes = me.sources.filter((s) =>
            s.name !== undefined ? named.has(nameKey(s.name)) : byLabel.has(s.stack),
        );
        if (clashes.length > 0) {
            const shown = clashes
                .slice(0, 3)
                .map((s) => (s.name !== undefined ? `"${s.name}"` : `the label of ${s.stack}`));
            problems.push({
                key: key("sources"),
                message:
                    `gives ${clashes.length} data source(s) the same name as ${where} does ` +
                    `(${shown.join(", ")}${clashes.length > 3 ? ", ..." : ""}); ` +
                    `data source names are unique in a Grafana workspace: give this ` +
                    `stack's sources names of their own (sources[].name)`,
            });
        }
    }
    return problems;
}
