/**
 * A source's dashboard: its panels and their Athena queries, the default panels' SQL, its uid, and
 * the refusal of bad input in one line.
 */
import assert from "node:assert/strict";
import { defaultPanels, sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import { ATHENA_PLUGIN_ID } from "../../../shared/grafana/dataSource";
import { dashboardUid, homeDashboardUid } from "../../../shared/grafana/uids";
import {
    Json,
    SOURCE,
    SEVEN_PANELS,
    panelsOf,
    targetsOf,
    SQL_WORDS,
    INFORMATION_SCHEMA_WORDS,
    identifiersOutsideStrings,
} from "../../support/dashboardJson";

describe("dashboard: source dashboards", () => {
    it("default panels include a bar chart, a gauge and a stat", () => {
        const types = panelsOf(sourceDashboard(SOURCE, { resultReuseMinutes: 60 }).json).map((p) => p.type);
        for (const t of ["barchart", "gauge", "stat"]) {
            assert.ok(types.includes(t), `default panels include a ${t}`);
        }
    });

    it("custom panels replace the defaults", () => {
        const json = sourceDashboard(SOURCE, { resultReuseMinutes: 60, panels: SEVEN_PANELS }).json;
        const panels = panelsOf(json);
        assert.deepEqual(
            panels.map((p) => [p.type, p.title, p.targets[0].rawSQL]),
            SEVEN_PANELS.map((p) => [p.type, p.title, p.sql]),
        );
        assert.ok(
            !targetsOf(json).some((t) => /information_schema/.test(t.rawSQL)),
            "no default query remains",
        );
    });

    it("every target is table format with result reuse on, the given max age and the source's connection", () => {
        for (const minutes of [1, 60, 10080]) {
            for (const panels of [undefined, SEVEN_PANELS]) {
                const targets = targetsOf(
                    sourceDashboard(SOURCE, { resultReuseMinutes: minutes, panels }).json,
                );
                assert.ok(targets.length > 0);
                for (const t of targets) {
                    assert.equal(t.format, 1);
                    assert.equal(t.refId, "A");
                    assert.equal(typeof t.rawSQL, "string");
                    assert.deepEqual(t.connectionArgs, {
                        region: SOURCE.region,
                        catalog: SOURCE.catalog,
                        database: SOURCE.database,
                        resultReuseEnabled: true,
                        resultReuseMaxAgeInMinutes: minutes,
                    });
                }
            }
        }
    });

    it("every panel uses the source's Athena data source", () => {
        for (const panel of panelsOf(
            sourceDashboard(SOURCE, { resultReuseMinutes: 60, panels: SEVEN_PANELS }).json,
        )) {
            assert.deepEqual(panel.datasource, { type: ATHENA_PLUGIN_ID, uid: SOURCE.dataSourceUid });
            for (const t of panel.targets as Json[]) {
                assert.deepEqual(t.datasource, { type: ATHENA_PLUGIN_ID, uid: SOURCE.dataSourceUid });
            }
        }
    });

    it("gauge starts at 0 and gauge/stat reduce to one value", () => {
        const panels = panelsOf(sourceDashboard(SOURCE, { resultReuseMinutes: 60 }).json);
        const g = panels.find((p) => p.type === "gauge")!;
        assert.equal(g.fieldConfig.defaults.min, 0);
        for (const p of panels.filter((x) => x.type === "gauge" || x.type === "stat")) {
            assert.deepEqual(p.options.reduceOptions.calcs, ["lastNotNull"]);
        }
    });

    it("has a fixed uid, the label as title, the tags, schemaVersion 39 and a time range", () => {
        const built = sourceDashboard(SOURCE, { resultReuseMinutes: 60 });
        assert.equal(built.uid, dashboardUid("athena", SOURCE.key));
        assert.equal(built.title, SOURCE.label);
        assert.equal(built.json.uid, built.uid);
        assert.equal(built.json.title, SOURCE.label);
        assert.deepEqual(built.json.tags, ["athena", "grafana-athena"]);
        assert.equal(built.json.schemaVersion, 39);
        assert.equal(built.json.editable, true);
        assert.deepEqual(built.json.time, { from: "now-7d", to: "now" });
        const links = built.json.links as Json[];
        assert.ok(
            links.some((l) => l.url === `/d/${homeDashboardUid()}`),
            "links back to the home dashboard",
        );
    });

    it("has the structure a Grafana 10.4 dashboard needs", () => {
        for (const built of [
            sourceDashboard(SOURCE, { resultReuseMinutes: 60 }),
            sourceDashboard(SOURCE, { resultReuseMinutes: 60, panels: SEVEN_PANELS }),
        ]) {
            const json = built.json as Json;
            assert.equal(typeof json.uid, "string");
            assert.equal(typeof json.title, "string");
            assert.equal(json.schemaVersion, 39);
            assert.equal(typeof json.templating, "object");
            assert.equal(typeof json.annotations, "object");
            const ids = new Set<number>();
            for (const p of panelsOf(json)) {
                assert.ok(["barchart", "gauge", "stat"].includes(p.type), `panel type ${p.type}`);
                assert.ok(Number.isInteger(p.id) && !ids.has(p.id), "panel ids are unique integers");
                ids.add(p.id);
                assert.equal(typeof p.title, "string");
                for (const k of ["x", "y", "w", "h"])
                    assert.ok(Number.isInteger(p.gridPos[k]), `gridPos.${k}`);
                assert.equal(p.datasource.type, ATHENA_PLUGIN_ID);
                assert.equal(typeof p.datasource.uid, "string");
                assert.ok(Array.isArray(p.targets) && p.targets.length === 1);
                assert.equal(typeof p.options, "object");
                for (const t of p.targets as Json[]) {
                    for (const k of ["refId", "rawSQL", "format", "connectionArgs"])
                        assert.ok(k in t, `target has ${k}`);
                    assert.ok(!("_implementsDataqueryVariant" in t));
                }
            }
        }
    });

    it("produces byte-identical JSON for the same input", () => {
        const a = JSON.stringify(sourceDashboard(SOURCE, { resultReuseMinutes: 60, panels: SEVEN_PANELS }));
        const b = JSON.stringify(
            sourceDashboard(
                { ...SOURCE },
                { resultReuseMinutes: 60, panels: SEVEN_PANELS.map((p) => ({ ...p })) },
            ),
        );
        assert.equal(a, b);
        assert.equal(
            JSON.stringify(sourceDashboard(SOURCE, { resultReuseMinutes: 60 })),
            JSON.stringify(sourceDashboard(SOURCE, { resultReuseMinutes: 60 })),
        );
    });
});

describe("dashboard: default panel SQL", () => {
    it("uses only information_schema's own names and filters on the source's database", () => {
        for (const spec of defaultPanels(SOURCE)) {
            assert.match(spec.sql, /\binformation_schema\.(columns|tables)\b/);
            assert.ok(
                spec.sql.includes("WHERE table_schema = 'sales_db'"),
                `${spec.title} filters on the database`,
            );
            const aliases = new Set(
                [...spec.sql.matchAll(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)/gi)].map((m) => m[1].toLowerCase()),
            );
            for (const word of identifiersOutsideStrings(spec.sql)) {
                assert.ok(
                    SQL_WORDS.has(word) || INFORMATION_SCHEMA_WORDS.has(word) || aliases.has(word),
                    `${spec.title}: "${word}" is not an information_schema name`,
                );
            }
        }
    });

    it("escapes single quotes in the database name", () => {
        const sqls = defaultPanels({ ...SOURCE, database: "o'brien" }).map((p) => p.sql);
        for (const sql of sqls) {
            assert.ok(sql.includes("table_schema = 'o''brien'"), sql);
            assert.equal((sql.match(/'/g) ?? []).length % 2, 0, "quotes are balanced");
        }
    });

    it("refuses the __default database, which the filter cannot name", () => {
        assert.throws(() => defaultPanels({ ...SOURCE, database: "__default" }), /explicit name/);
    });
});

describe("dashboard: uids", () => {
    it("are at most 40 characters of [A-Za-z0-9-_], stable and distinct", () => {
        const uid = dashboardUid("athena", SOURCE.key);
        assert.equal(uid, "athena-2dbaf50fcff5227ccf53", "uids must not change between releases");
        assert.equal(dashboardUid("athena", SOURCE.key), uid);
        const seen = new Set<string>();
        for (let i = 0; i < 1000; i++) {
            const u = dashboardUid("athena", `acme/grafana-athena-source/s${i}`);
            assert.ok(u.length <= 40 && /^[A-Za-z0-9_-]+$/.test(u), u);
            seen.add(u);
        }
        assert.equal(seen.size, 1000);
        assert.notEqual(dashboardUid("athena-x", SOURCE.key), uid);
        const longest = dashboardUid("p".repeat(19), "k");
        assert.equal(longest.length, 40);
        assert.equal(homeDashboardUid(), dashboardUid("athena-home", "home"));
        assert.ok(homeDashboardUid().length <= 40);
    });

    it("rejects bad prefixes and keys", () => {
        assert.throws(() => dashboardUid("", "k"), /prefix/);
        assert.throws(() => dashboardUid("has space", "k"), /prefix/);
        assert.throws(() => dashboardUid("p".repeat(20), "k"), /prefix/);
        assert.throws(() => dashboardUid("athena", ""), /key/);
    });
});

describe("dashboard: input validation", () => {
    const ok = { resultReuseMinutes: 60 };

    it("rejects result reuse outside 1..10080 minutes", () => {
        for (const minutes of [0, -1, 10081, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
            assert.throws(
                () => sourceDashboard(SOURCE, { resultReuseMinutes: minutes }),
                /resultReuseMinutes/,
                String(minutes),
            );
        }
        assert.doesNotThrow(() => sourceDashboard(SOURCE, { resultReuseMinutes: 1 }));
        assert.doesNotThrow(() => sourceDashboard(SOURCE, { resultReuseMinutes: 10080 }));
    });

    it("rejects empty titles, empty SQL, unknown panel types and an empty panel list", () => {
        assert.throws(
            () => sourceDashboard(SOURCE, { ...ok, panels: [{ type: "stat", title: "", sql: "SELECT 1" }] }),
            /title/,
        );
        assert.throws(
            () =>
                sourceDashboard(SOURCE, { ...ok, panels: [{ type: "stat", title: "  ", sql: "SELECT 1" }] }),
            /title/,
        );
        assert.throws(
            () => sourceDashboard(SOURCE, { ...ok, panels: [{ type: "stat", title: "T", sql: "" }] }),
            /sql/,
        );
        assert.throws(
            () => sourceDashboard(SOURCE, { ...ok, panels: [{ type: "stat", title: "T", sql: " \n" }] }),
            /sql/,
        );
        assert.throws(
            () =>
                sourceDashboard(SOURCE, {
                    ...ok,
                    panels: [{ type: "piechart" as unknown as "stat", title: "T", sql: "SELECT 1" }],
                }),
            /type/,
        );
        assert.throws(
            () =>
                sourceDashboard(SOURCE, {
                    ...ok,
                    panels: [
                        { type: "stat", title: "T", sql: "SELECT 1", format: "logs" as unknown as "table" },
                    ],
                }),
            /format/,
        );
        assert.throws(() => sourceDashboard(SOURCE, { ...ok, panels: [] }), /non-empty/);
    });

    it("rejects a source with an empty label, data source uid or connection field", () => {
        for (const field of ["key", "label", "dataSourceUid", "region", "catalog", "database"] as const) {
            assert.throws(() => sourceDashboard({ ...SOURCE, [field]: "" }, ok), new RegExp(field));
        }
    });
});
