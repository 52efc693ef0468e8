/** The home dashboard: one Markdown table linking every source's dashboard, sorted, escaped. */
import assert from "node:assert/strict";
import { homeDashboard } from "../../../shared/grafana/homeDashboard";
import { dashboardUid } from "../../../shared/grafana/uids";
import { panelsOf } from "../../support/dashboardJson";

describe("dashboard: home dashboard", () => {
    const sources = Array.from({ length: 500 }, (_, i) => ({
        label: `Source ${String(499 - i).padStart(3, "0")} | [x] (${100000000000 + i})`,
        dashboardUid: dashboardUid("athena", `acme/grafana-athena-source/s${i}`),
    }));

    it("links every source dashboard once, sorted by label", () => {
        const built = homeDashboard(sources);
        assert.equal(built.uid, dashboardUid("athena-home", "home"));
        assert.equal(built.json.uid, built.uid);
        assert.equal(built.json.schemaVersion, 39);
        const panels = panelsOf(built.json);
        assert.equal(panels.length, 1);
        const content = panels[0].options.content as string;
        for (const s of sources) {
            assert.equal(
                content.split(`](/d/${s.dashboardUid})`).length - 1,
                1,
                `one link to ${s.dashboardUid}`,
            );
        }
        const linkOrder = [...content.matchAll(/\]\(\/d\/([A-Za-z0-9_-]+)\)/g)].map((m) => m[1]);
        const expected = [...sources].sort((a, b) => (a.label < b.label ? -1 : 1)).map((s) => s.dashboardUid);
        assert.deepEqual(linkOrder, expected);
        // Every table row keeps exactly two cells: the labels' "|" are escaped.
        const rows = content.split("\n").filter((l) => l.startsWith("| ["));
        assert.equal(rows.length, 500);
        for (const row of rows) assert.equal(row.replace(/\\\|/g, "").split("|").length, 4, row);
        assert.ok(panels[0].gridPos.w === 24 && panels[0].gridPos.h <= 40);
    });

    it("is deterministic and independent of input order", () => {
        const a = JSON.stringify(homeDashboard(sources));
        const b = JSON.stringify(homeDashboard([...sources].reverse()));
        assert.equal(a, b);
    });

    it("works with no sources and with a custom title", () => {
        const built = homeDashboard([], { title: "Data accounts" });
        assert.equal(built.title, "Data accounts");
        assert.equal(built.json.title, "Data accounts");
        assert.match(panelsOf(built.json)[0].options.content, /No Athena sources/);
    });

    it("rejects broken input", () => {
        assert.throws(() => homeDashboard([{ label: "", dashboardUid: "athena-1" }]), /label/);
        assert.throws(() => homeDashboard([{ label: "A", dashboardUid: "bad uid" }]), /uid/);
        assert.throws(() => homeDashboard([{ label: "A", dashboardUid: "x".repeat(41) }]), /uid/);
        assert.throws(
            () =>
                homeDashboard([
                    { label: "A", dashboardUid: "athena-1" },
                    { label: "B", dashboardUid: "athena-1" },
                ]),
            /twice/,
        );
        assert.throws(() => homeDashboard([], { title: " " }), /title/);
    });
});
