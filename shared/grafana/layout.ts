/**
 * Where panels sit on a dashboard: Grafana's 24-column grid, filled left to right. Pure.
 */
import { Refusal } from "../refusal";
import type { PanelType } from "./panelSpec";

/** Grafana's dashboard grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
/** Source dashboard panels: three per row, fixed height. */
const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

export interface GridCell {
    x: number;
    y: number;
    w: number;
    h: number;
}

/** Width of a panel in the 24-column grid: charts over time and tables get half a row, the others a third. */
export function panelWidth(type: PanelType): number {
    return type === "timeseries" || type === "table" ? 12 : PANEL_WIDTH;
}

/**
 * Grid cells for `count` panels of `width` × `height`, left to right, wrapping onto a new row
 * when the 24-column row is full. Cells never overlap.
 */
export function gridLayout(
    count: number,
    width: number = PANEL_WIDTH,
    height: number = PANEL_HEIGHT,
): GridCell[] {
    if (!Number.isInteger(count) || count < 0) {
        throw new Refusal(`panel count must be a non-negative integer, got ${count}`);
    }
    return flowLayout(
        Array.from({ length: count }, () => width),
        height,
    );
}

/**
 * Grid cells for panels of the given widths, left to right, a panel that does not fit the row
 * starting the next.
 */
export function flowLayout(widths: readonly number[], height: number = PANEL_HEIGHT): GridCell[] {
    if (!Number.isInteger(height) || height < 1) {
        throw new Refusal(`panel height must be a positive integer, got ${height}`);
    }
    const cells: GridCell[] = [];
    let x = 0;
    let y = 0;
    for (const width of widths) {
        if (!Number.isInteger(width) || width < 1 || width > GRID_COLUMNS) {
            throw new Refusal(`panel width must be an integer in 1..${GRID_COLUMNS}, got ${width}`);
        }
        if (x + width > GRID_COLUMNS) {
            x = 0;
            y += height;
        }
        cells.push({ x, y, w: width, h: height });
        x += width;
    }
    return cells;
}
