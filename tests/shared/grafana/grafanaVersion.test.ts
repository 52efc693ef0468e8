import { strict as assert } from "node:assert";
import {
    RECOMMENDED_GRAFANA_VERSION,
    TESTED_GRAFANA_VERSIONS,
    grafanaVersionNotes,
    grafanaVersionProblem,
    MIN_GRAFANA_VERSION,
} from "../../../shared/grafana/version";

describe("grafanaVersionProblem", () => {
    it("refuses 9.4 and 8.4, naming the workspace, its version and the upgrade", () => {
        for (const v of ["9.4", "8.4"]) {
            const p = grafanaVersionProblem("g-abc123", v);
            assert.ok(p, `${v} must be refused`);
            assert.match(p, /g-abc123/);
            assert.ok(p.includes(`Grafana ${v}`), p);
            // New and upgraded workspaces: 12.4, the newest AMG offers.
            assert.ok(p.includes("--workspace-id g-abc123 --grafana-version 12.4"), p);
            // The upgrade sends the workspace's current configuration, never '{}', which would turn
            // plugin management and unified alerting off.
            assert.ok(
                p.includes(
                    '--configuration "$(aws grafana describe-workspace-configuration ' +
                        '--workspace-id g-abc123 --query configuration --output text)"',
                ),
                p,
            );
            assert.doesNotMatch(p, /'\{\}'/);
            assert.match(p, /grafanaVersion: "12\.4"/);
            assert.match(p, /cannot be undone, and installed plugins keep their version/);
        }
    });

    it("accepts every version AMG offers from 10.4 on: 10.4, 12.4 and 13", () => {
        assert.equal(RECOMMENDED_GRAFANA_VERSION, "12.4");
        for (const v of [...TESTED_GRAFANA_VERSIONS, "12.4.1", "13.0"])
            assert.equal(grafanaVersionProblem("g-abc123", v), undefined, v);
    });

    it("says which behaviours differ on 10.4, 12.4 and 13", () => {
        assert.match(grafanaVersionNotes("10.4").join("\n"), /API keys still work/);
        assert.match(grafanaVersionNotes("12.4").join("\n"), /no API keys/);
        assert.doesNotMatch(grafanaVersionNotes("12.4").join("\n"), /schema v2/);
        const thirteen = grafanaVersionNotes("13").join("\n");
        assert.match(thirteen, /no API keys/);
        assert.match(thirteen, /classic model \(schemaVersion 39/);
        assert.deepEqual(grafanaVersionNotes("latest"), []);
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
