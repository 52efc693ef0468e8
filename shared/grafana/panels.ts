/**
 * Which panels a source's dashboard shows, when several settings give some, and whether a
 * panel reads only what its source grants. Pure: the workspace component and the source config
 * call these; docs/panels.md explains the rules to users.
 */
import { Refusal } from "../refusal";
import type { PanelSpec } from "./panelSpec";
import { NO_VARIABLES } from "./sqlMacros";
import { TableGrant, ungrantedReads } from "./sqlTables";

/** Where a source dashboard's panels come from, most specific first. */
type PanelOrigin = "sources[].panels" | "source stack panels" | "dashboard.panels" | "sample panels";

interface PanelChoice {
    /** The panels; undefined: the sample panels (`defaultPanels`). */
    panels?: readonly PanelSpec[];
    origin: PanelOrigin;
}

/**
 * The panels of one source's own dashboard. The most specific setting wins, and the workspace
 * stack, which deploys the dashboards, has the last word over a source stack's suggestion:
 * 1. the workspace's `sources[].panels` for this source (explicit mode);
 * 2. the source stack's own `panels` (its `panels` output);
 * 3. the workspace's `dashboard.panels`, for every source;
 * 4. the sample panels.
 * An empty list counts as not given. The fleet dashboard always shows `dashboard.panels` (or its
 * own samples): a source's panels are for its own dashboard only.
 */
export function sourceDashboardPanels(given: {
    workspaceSource?: readonly PanelSpec[];
    sourceStack?: readonly PanelSpec[];
    dashboard?: readonly PanelSpec[];
}): PanelChoice {
    const some = (p?: readonly PanelSpec[]) => p !== undefined && p.length > 0;
    if (some(given.workspaceSource)) return { panels: given.workspaceSource, origin: "sources[].panels" };
    if (some(given.sourceStack)) return { panels: given.sourceStack, origin: "source stack panels" };
    if (some(given.dashboard)) return { panels: given.dashboard, origin: "dashboard.panels" };
    return { origin: "sample panels" };
}

/**
 * One line per table a panel reads that `grant` does not cover, naming the panel and the table:
 * `panel "Orders" reads table secret, which the source does not grant (its tables: orders)`;
 * `of` names the setting the panel comes from (`panel "Orders" of dashboard.panels reads ...`).
 * SQL that cannot be read reliably (an unterminated string, unbalanced parentheses) is a line too.
 * `variables`: the names of the dashboard's own variables, values where they stand.
 */
export function panelGrantProblems(
    panels: readonly Pick<PanelSpec, "title" | "sql">[],
    grant: TableGrant,
    of?: string,
    variables: ReadonlySet<string> = NO_VARIABLES,
): string[] {
    return queryGrantProblems(
        panels.map((p) => ({ name: `panel ${JSON.stringify(p.title)}`, sql: p.sql })),
        grant,
        of,
        variables,
    );
}

/** `panelGrantProblems` for the query variables of a dashboard: `variable "$region" reads ...`. */
export function variableGrantProblems(
    variables: readonly { name: string; type: string; sql?: string }[],
    grant: TableGrant,
    of?: string,
    declared: ReadonlySet<string> = NO_VARIABLES,
): string[] {
    return queryGrantProblems(
        variables.flatMap((v) =>
            v.type === "query" && v.sql !== undefined
                ? [{ name: `variable ${JSON.stringify(`$${v.name}`)}`, sql: v.sql }]
                : [],
        ),
        grant,
        of,
        declared,
    );
}

/** `panelGrantProblems` for queries named by the caller (`panel "Orders"`, `annotation "Deploys"`). */
export function queryGrantProblems(
    queries: readonly { name: string; sql: string }[],
    grant: TableGrant,
    of: string | undefined,
    variables: ReadonlySet<string>,
): string[] {
    return queries.flatMap((query) => {
        const name = `${query.name}${of === undefined ? "" : ` of ${of}`}`;
        try {
            return ungrantedReads(query.sql, grant, variables).map((p) => `${name} ${p}`);
        } catch (e) {
            if (e instanceof Refusal)
                return [`${name}: its SQL ${e.message}, so the tables it reads cannot be checked`];
            throw e;
        }
    });
}
