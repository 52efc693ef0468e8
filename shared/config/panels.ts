/**
 * The panel settings, one definition for every place a panel can be given: the workspace's
 * `dashboard.panels` and `sources[].panels`, a source stack's own `panels`, the root project's
 * `source.panels` and `workspace.dashboard.panels`, and the `panels` output of the contract (a
 * source stack is another team's code: its panels meet the same rules as the workspace's own).
 */
import { z } from "zod";
import { PANEL_TYPES, PanelType, QUERY_FORMATS, QueryFormat } from "../grafana/panelSpec";
import { COLOR, MAX_DECIMALS, MAX_THRESHOLDS, UNIT_IDS } from "../grafana/fieldConfig";
import * as r from "./rules";

/** A finite number (YAML's .inf and .nan are not thresholds). */
const finite = (what: string) =>
    z
        .number({ error: (i) => `must be a number (${what}), got ${r.describe(i.input)}` })
        .refine(Number.isFinite, {
            error: `must be a finite number (${what})`,
        });

const thresholdStep = z
    .object(
        {
            value: finite("the value from which the colour applies").optional(),
            color: z
                .string({ error: "is required: a colour such as green, semi-dark-red or #ff8800" })
                .regex(COLOR, {
                    error: (i) =>
                        `must be a colour of Grafana's palette (red, orange, yellow, green, ` +
                        `blue, purple, each also light-, super-light-, ` +
                        `semi-dark-, dark-), text, transparent or #rrggbb, got ${r.describe(i.input)}`,
                }),
        },
        { error: r.objectOf("{value, color}") },
    )
    .strict();

/**
 * Threshold steps in ascending order; the first may leave out `value` (the colour below every
 * threshold, green when no step gives it).
 */
const thresholdList = z
    .array(thresholdStep, { error: (i) => `must be a list of {value, color}, got ${r.describe(i.input)}` })
    .min(1, { error: "must list at least one {value, color}, or be left out" })
    .max(MAX_THRESHOLDS, { error: `must list at most ${MAX_THRESHOLDS} steps` })
    .superRefine((steps, ctx) => {
        steps.forEach((s, i) => {
            if (s.value === undefined && i > 0)
                ctx.addIssue({
                    code: "custom",
                    path: [i, "value"],
                    message:
                        "is required: only the first step may leave it out " +
                        "(the colour below every threshold)",
                });
            const before = steps[i - 1]?.value;
            if (s.value !== undefined && before !== undefined && s.value <= before)
                ctx.addIssue({
                    code: "custom",
                    path: [i, "value"],
                    message:
                        `must be greater than the step before it ` +
                        `(${before}): steps go in ascending order`,
                });
        });
    });

/** How a panel shows its values, in its fieldConfig.defaults (shared/grafana/fieldConfig.ts). */
const displayFields = {
    unit: z
        .string({
            error: (i) =>
                `must be a Grafana unit id such as bytes, percent, short, got ${r.describe(i.input)}`,
        })
        .refine((u) => UNIT_IDS.has(u), {
            error: (i) =>
                `must be one of Grafana's unit ids (bytes, decbytes, percent, percentunit, ` +
                `short, s, ms, currencyUSD, ...), got ${r.describe(i.input)}`,
        })
        .optional(),
    decimals: r.integer("decimals shown", 0, MAX_DECIMALS).optional(),
    min: finite("the lowest value of the axis or gauge").optional(),
    max: finite("the highest value of the axis or gauge").optional(),
    thresholds: thresholdList.optional(),
};

/** The shape of a panel, as messages name it. */
const PANEL_SHAPE = "{type, title, sql, format?, unit?, decimals?, min?, max?, thresholds?}";

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
            ...displayFields,
        },
        { error: r.objectOf(PANEL_SHAPE) },
    )
    .strict()
    .superRefine((p, ctx) => {
        if (typeof p.min === "number" && typeof p.max === "number" && p.min >= p.max)
            ctx.addIssue({ code: "custom", path: ["max"], message: `must be greater than min (${p.min})` });
    }, r.onAnyObject);

const panelArray = z
    .array(panelSettings, {
        error: (i) => `must be a list of ${PANEL_SHAPE}, got ${r.describe(i.input)}`,
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
