import assert from "node:assert/strict";
import { GRID_COLUMNS, GridCell, gridLayout } from "../../../shared/grafana/layout";
import type { PanelSpec } from "../../../shared/grafana/panelSpec";
import { homeDashboard } from "../../../shared/grafana/homeDashboard";
import { DashboardSource, defaultPanels, sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import { ATHENA_PLUGIN_ID } from "../../../shared/grafana/dataSource";
import { dashboardUid, homeDashboardUid } from "../../../shared/grafana/uids";

type Json = Record<string, any>;

const SOURCE: DashboardSource = {
    key: "acme/grafana-athena-source/sales",
    label: "Sales (111122223333)",
    dataSourceUid: "athena-0123456789abcdef0123",
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales_db",
};

const SEVEN_PANELS: PanelSpec[] = [
    { type: "barchart", title: "Orders per day", sql: "SELECT day, count(*) AS n FROM orders GROUP BY day" },
    { type: "gauge", title: "Refund rate", sql: "SELECT avg(refunded) FROM orders" },
    { type: "stat", title: "Orders", sql: "SELECT count(*) FROM orders" },
    { type: "stat", title: "Customers", sql: "SELECT count(DISTINCT customer) FROM orders" },
    {
        type: "barchart",
        title: "Orders per region",
        sql: "SELECT region, count(*) FROM orders GROUP BY region",
    },
    { type: "gauge", title: "Fill", sql: "SELECT 0.5" },
    { type: "stat", title: "Revenue", sql: "SELECT sum(amount) FROM orders" },
];

function panelsOf(json: Json): Json[] {
    assert.ok(Array.isArray(json.panels), "dashboard has a panels array");
    return json.panels as Json[];
}

function targetsOf(json: Json): Json[] {
    return panelsOf(json).flatMap((p) => p.targets as Json[]);
}

function overlaps(a: GridCell, b: GridCell): boolean {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function assertNoOverlap(cells: GridCell[]): void {
    for (const c of cells) {
        assert.ok(
            Number.isInteger(c.x) && Number.isInteger(c.y) && Number.isInteger(c.w) && Number.isInteger(c.h),
        );
        assert.ok(c.x >= 0 && c.y >= 0 && c.w > 0 && c.h > 0, `cell ${JSON.stringify(c)} is positive`);
        assert.ok(c.x + c.w <= GRID_COLUMNS, `cell ${JSON.stringify(c)} fits in ${GRID_COLUMNS} columns`);
    }
    for (let i = 0; i < cells.length; i++) {
        for (let j = i + 1; j < cells.length; j++) {
            assert.ok(
                !overlaps(cells[i], cells[j]),
                `cells ${i} ${JSON.stringify(cells[i])} and ${j} ${JSON.stringify(cells[j])} overlap`,
            );
        }
    }
}

// Words that may appear in the default SQL: SQL keywords and functions, information_schema's own
// tables and columns. Aliases the query itself introduces (`AS x`) are allowed as well.
const SQL_WORDS = new Set([
    "select",
    "from",
    "where",
    "group",
    "by",
    "order",
    "desc",
    "asc",
    "limit",
    "as",
    "and",
    "count",
    "distinct",
]);
const INFORMATION_SCHEMA_WORDS = new Set([
    "information_schema",
    "columns",
    "tables",
    "table_catalog",
    "table_schema",
    "table_name",
    "table_type",
    "column_name",
    "ordinal_position",
    "column_default",
    "is_nullable",
    "data_type",
    "comment",
    "extra_info",
]);

function identifiersOutsideStrings(sql: string): string[] {
    const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, " ");
    return (withoutStrings.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase());
}

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
