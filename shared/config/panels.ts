/**
 * The panel settings, one definition for every place a panel can be given: the workspace's
 * `dashboard.panels` and `sources[].panels`, a source stack's own `panels`, the root project's
 * `source.panels` and `workspace.dashboard.panels`, and the `panels` output of the contract (a
 * source stack is another team's code: its panels meet the same rules as the workspace's own).
 */
import { z } from "zod";
import { PANEL_TYPES, PanelType, QUERY_FORMATS, QueryFormat } from "../grafana/panelSpec";
import * as r from "./rules";

/**
 * At most this many panels on one dashboard: a dashboard of 50 Athena panels is already 50
 * queries each time it opens, and a bound keeps a source's `panels` output small.
 */
export const MAX_PANELS = 50;
/** The longest panel SQL taken (Athena's own limit on a query string is 262,144 bytes). */
export const MAX_PANEL_SQL = 20_000;

export const panelSettings = z
    .object(
        {
            type: z.enum(PANEL_TYPES as [PanelType, ...PanelType[]], {
                error: (i) => `must be one of ${PANEL_TYPES.join(", ")}, got ${r.describe(i.input)}`,
            }),
            title: r.displayName("the panel title", 200),
            sql: z
                .string({ error: "is required: the Athena SQL of the panel" })
                .refine((t) => t.trim().length > 0, { error: "must not be empty" })
                .refine((t) => t.length <= MAX_PANEL_SQL, {
                    error: (i) =>
                        `must be at most ${MAX_PANEL_SQL} characters of SQL, got ${String(i.input).length}`,
                }),
            format: z
                .enum(QUERY_FORMATS as [QueryFormat, ...QueryFormat[]], {
                    error: (i) => `must be one of ${QUERY_FORMATS.join(", ")}, got ${r.describe(i.input)}`,
                })
                .optional(),
        },
        { error: r.objectOf("{type, title, sql, format?}") },
    )
    .strict();

const panelArray = z
    .array(panelSettings, {
        error: (i) => `must be a list of {type, title, sql, format?}, got ${r.describe(i.input)}`,
    })
    .max(MAX_PANELS, {
        error: (i) =>
            `lists ${(i.input as unknown[]).length} panels, more than the ${MAX_PANELS} one dashboard takes`,
    });

/** Panels that replace the sample panels: at least one (leave the key out for the samples). */
export const panelList = panelArray.min(1, {
    error: "must list at least one panel, or be left out for the sample panels",
});

/**
 * A source stack's own panels. Empty means none (Pulumi.yaml declares `[]` as the default of an
 * optional list); the workspace then falls back to its `dashboard.panels` or the samples.
 */
export const sourcePanelList = panelArray;

export type PanelSettings = z.output<typeof panelSettings>;
