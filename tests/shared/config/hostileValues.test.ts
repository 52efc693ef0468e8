/**
 * Hostile values by class (policy variables, wildcards, control characters, look-alikes, sizes),
 * each refused by the projects' readers in one line naming its key.
 */
import assert from "node:assert/strict";
import { ROOT_DIR, SOURCE_DIR, WORKSPACE_DIR, configProblems } from "../../support/program";
import {
    SRC,
    WS,
    ROOT,
    SECRET,
    rootSet,
    readerProblems,
    assertRefused,
    SOURCE_RESULTS,
    DATA_BUCKET,
    rootWith,
} from "../../support/hostileConfig";
import { VALUE_CASES } from "../../support/hostileValues";

describe("hostile values, by class (the projects' readers)", () => {
    for (const [group, cases] of Object.entries(VALUE_CASES)) {
        it(`${group}: every form refused, naming its key`, () => {
            for (const [what, dir, variant, key] of cases)
                assertRefused(readerProblems(dir, variant), key, what);
        });
    }

    it("a secret is refused without its value, and accepted where a setting is one", () => {
        const found = readerProblems(SOURCE_DIR, {
            set: { [SRC("label")]: SECRET },
            secretKeys: [SRC("label")],
        });
        assertRefused(found, SRC("label"), "a secret label");
        assert.match(found.join("\n"), /is a secret, but it is not a secret setting/);
        const withToken = rootSet((c) =>
            Object.assign(c.workspace, {
                grafanaUrl: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                grafanaAuth: SECRET,
            }),
        );
        assert.deepEqual(readerProblems(ROOT_DIR, { set: withToken, secretKeys: [ROOT("workspace")] }), []);
        assert.deepEqual(
            readerProblems(WORKSPACE_DIR, {
                set: {
                    [WS("grafanaUrl")]: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                    [WS("grafanaAuth")]: SECRET,
                },
                secretKeys: [WS("grafanaAuth")],
            }),
            [],
        );
    });

    it("accepts what these rules must not refuse: prefixes with dots and dashes, names with accents, every supported region", () => {
        assert.deepEqual(
            readerProblems(SOURCE_DIR, {
                set: {
                    [SRC("dataLocations")]: [`${DATA_BUCKET}/ware.house/v1.2/`, `${DATA_BUCKET}`],
                    [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana-results/2026_q1" },
                },
            }),
            [],
        );
        assert.deepEqual(
            readerProblems(SOURCE_DIR, { set: { [SRC("label")]: "Ventes Île-de-France (équipe données)" } }),
            [],
        );
        for (const region of [
            "us-east-1",
            "ap-southeast-7",
            "mx-central-1",
            "cn-northwest-1",
            "us-gov-east-1",
        ]) {
            assert.deepEqual(readerProblems(WORKSPACE_DIR, { set: { "aws:region": region } }), [], region);
        }
        assert.deepEqual(
            readerProblems(SOURCE_DIR, { set: { [SRC("roleName")]: "GrafanaAthenaReader" } }),
            [],
        );
    });

    it("each program refuses them too (the wiring): one run per project", async function () {
        this.timeout(60_000);
        assertRefused(
            await configProblems(SOURCE_DIR, {
                set: { [SRC("dataLocations")]: [`${DATA_BUCKET}//`], database: "payroll" },
                secretKeys: [SRC("label")],
            }),
            SRC("dataLocations[0]"),
            "source",
        );
        assertRefused(
            await configProblems(WORKSPACE_DIR, {
                set: {
                    [WS("sourceRoleName")]: "stacksets-exec-1",
                    [WS("organizationId")]: "o-abcdefghij",
                    "aws:region": "eu-west-9",
                },
            }),
            WS("sourceRoleName"),
            "workspace",
        );
        assertRefused(
            await configProblems(ROOT_DIR, {
                set: rootWith(
                    (c) =>
                        (c.source.results = {
                            bucket: "grafana-athena-query-results-222233334444",
                            prefix: "${aws:username}/",
                        }),
                ),
                secretKeys: [ROOT("source")],
            }),
            ROOT("source"),
            "root",
        );
    });
});
