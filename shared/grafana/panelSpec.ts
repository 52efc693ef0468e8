/**
 * What a panel is, as users write it (`dashboard.panels`, `sources[].panels`, a source stack's
 * `panels`): its type, title, SQL and query format, and the checks a list of them passes. Pure.
 */
import { Refusal } from "../refusal";
import type { FieldDisplay } from "./fieldConfig";

export type PanelType = "barchart" | "gauge" | "stat" | "timeseries" | "table";
export const PANEL_TYPES: readonly PanelType[] = ["barchart", "gauge", "stat", "timeseries", "table"];

/** What a panel's query returns: Athena's result as a table, or as time series (a time column and values). */
export type QueryFormat = "table" | "timeSeries";
export const QUERY_FORMATS: readonly QueryFormat[] = ["table", "timeSeries"];

/** A panel: its query, and how it shows its values (unit, decimals, thresholds, min, max: fieldConfig.ts). */
export interface PanelSpec extends FieldDisplay {
    type: PanelType;
    title: string;
    /**
     * Athena SQL; the plugin's macros (`$__timeFilter(col)`, `$__timeGroup(col, '1h')`, ...) pass
     * through as written.
     */
    sql: string;
    /** Default: `timeSeries` for a timeseries panel, `table` for the others. */
    format?: QueryFormat;
}

/**
 * The format a panel's query asks for: as given, else time series for a timeseries panel and table
 * for the others.
 */
export function queryFormat(spec: Pick<PanelSpec, "type" | "format">): QueryFormat {
    return spec.format ?? (spec.type === "timeseries" ? "timeSeries" : "table");
}

export function nonEmpty(value: unknown): value is string {
    return typeof value === "string" && value.trim().length > 0;
}

/** Refuses, naming the panel by position and title, a list that is empty or holds a panel that is not one. */
export function checkPanels(panels: readonly PanelSpec[]): void {
    if (!Array.isArray(panels) || panels.length === 0) {
        throw new Refusal("panels must be a non-empty list (omit it to get the default panels)");
    }
    panels.forEach((panel, i) => {
        const where = `panel ${i + 1}${panel && nonEmpty(panel.title) ? ` ("${panel.title}")` : ""}`;
        if (panel === null || typeof panel !== "object") {
            throw new Refusal(`${where} must be an object`);
        }
        if (!PANEL_TYPES.includes(panel.type)) {
            throw new Refusal(
                `${where}: type must be one of ${PANEL_TYPES.join(", ")}, got ${JSON.stringify(panel.type)}`,
            );
        }
        if (!nonEmpty(panel.title)) {
            throw new Refusal(`${where}: title must not be empty`);
        }
        if (!nonEmpty(panel.sql)) {
            throw new Refusal(`${where}: sql must not be empty`);
        }
        if (panel.format !== undefined && !QUERY_FORMATS.includes(panel.format)) {
            throw new Refusal(
                `${where}: format must be one of ${QUERY_FORMATS.join(", ")}, ` +
                    `got ${JSON.stringify(panel.format)}`,
            );
        }
    });
}

/** Athena's limit for query result reuse (`ResultReuseByAgeConfiguration.MaxAgeInMinutes`). */
export const RESULT_REUSE_MIN_MINUTES = 1;
export const RESULT_REUSE_MAX_MINUTES = 10080;
