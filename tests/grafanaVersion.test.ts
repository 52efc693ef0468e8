import { strict as assert } from "node:assert";
import { grafanaVersionProblem, MIN_GRAFANA_VERSION } from "../shared/grafana/version";

describe("grafanaVersionProblem", () => {
    it("refuses 9.4 and 8.4, naming the workspace, its version and the upgrade", () => {
        for (const v of ["9.4", "8.4"]) {
            const p = grafanaVersionProblem("g-abc123", v);
            assert.ok(p, `${v} must be refused`);
            assert.match(p, /g-abc123/);
            assert.ok(p.includes(`Grafana ${v}`), p);
            assert.ok(p.includes("--workspace-id g-abc123 --grafana-version 10.4"), p);
            assert.match(p, /grafanaVersion: "10\.4"/);
        }
    });

    it("accepts 10.4, 10.4.1, 11 and 11.0", () => {
        assert.equal(MIN_GRAFANA_VERSION, "10.4");
        for (const v of ["10.4", "10.4.1", "11", "11.0", "10.10"]) {
            assert.equal(grafanaVersionProblem("g-abc123", v), undefined, v);
        }
    });

    it("refuses versions below 10.4 compared numerically", () => {
        assert.ok(grafanaVersionProblem("g-abc123", "10.3.9"));
        assert.ok(grafanaVersionProblem("g-abc123", "10"));
    });

    it("treats an unknown or empty version as a problem", () => {
        for (const v of [undefined, "", "  ", "latest"]) {
            const p = grafanaVersionProblem("g-abc123", v);
            assert.ok(p, String(v));
            assert.match(p, /Cannot verify/);
            assert.match(p, /g-abc123/);
        }
    });
});
