/** Where panels sit on Grafana's 24-column grid: left to right, wrapping, never overlapping. */
import assert from "node:assert/strict";
import { GridCell, gridLayout } from "../../../shared/grafana/layout";
import { sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import { SOURCE, SEVEN_PANELS, panelsOf, assertNoOverlap } from "../../support/dashboardJson";

describe("dashboard: layout", () => {
    it("lays panels out left to right, wrapping, without overlap", () => {
        const three = gridLayout(3);
        assert.deepEqual(
            three.map((c) => [c.x, c.y]),
            [
                [0, 0],
                [8, 0],
                [16, 0],
            ],
        );
        assertNoOverlap(three);
        const seven = gridLayout(7);
        assert.equal(seven.length, 7);
        assert.deepEqual(seven[3], { x: 0, y: 8, w: 8, h: 8 });
        assert.deepEqual(seven[6], { x: 0, y: 16, w: 8, h: 8 });
        assertNoOverlap(seven);
    });

    it("never overlaps for any count and width", () => {
        for (const width of [1, 5, 7, 8, 12, 13, 24]) {
            for (let count = 0; count <= 30; count++) {
                const cells = gridLayout(count, width, 4);
                assert.equal(cells.length, count);
                assertNoOverlap(cells);
                assert.ok(
                    cells.every((c) => c.h === 4 && c.w === width),
                    "heights and widths are fixed",
                );
            }
        }
    });

    it("rejects impossible sizes", () => {
        assert.throws(() => gridLayout(3, 25), /width/);
        assert.throws(() => gridLayout(3, 0), /width/);
        assert.throws(() => gridLayout(3, 8, 0), /height/);
        assert.throws(() => gridLayout(-1), /count/);
    });

    it("keeps the computed grid cells in the built dashboard (3 and 7 panels)", () => {
        for (const panels of [undefined, SEVEN_PANELS]) {
            const json = sourceDashboard(SOURCE, { resultReuseMinutes: 60, panels }).json;
            const cells = panelsOf(json).map((p) => p.gridPos as GridCell);
            assert.equal(cells.length, panels ? 7 : 3);
            assert.deepEqual(
                cells.map((c) => ({ x: c.x, y: c.y, w: c.w, h: c.h })),
                gridLayout(cells.length),
            );
            assertNoOverlap(cells);
        }
    });
});
