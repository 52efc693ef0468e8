import { strict as assert } from "node:assert";
import { ATHENA_PLUGIN_VERSION } from "../../../shared/grafana/dataSource";
import {
    ATHENA_PLUGIN_MIN_VERSION,
    meetsPluginFloor,
    pluginVersionProblem,
} from "../../../shared/grafana/pluginVersion";

describe("the Athena plugin's version floor (the external ID of ec2_iam_role)", () => {
    it("is 3.1.6, and the pinned version meets it", () => {
        assert.equal(ATHENA_PLUGIN_MIN_VERSION, "3.1.6");
        assert.equal(
            pluginVersionProblem("version", ATHENA_PLUGIN_VERSION, 3, ATHENA_PLUGIN_MIN_VERSION),
            undefined,
        );
    });

    it("refuses 3.1.4, 3.1.5 and anything below the floor in one line naming the key", () => {
        for (const v of ["3.1.4", "3.1.5", "3.0.0", "3.1.6-beta.1", "v3.1.5"]) {
            const problem = pluginVersionProblem("version", v, 3, "3.1.6");
            assert.ok(problem?.startsWith(`version: ${v} is below 3.1.6`), `${v}: ${problem}`);
            assert.ok(!problem?.includes("\n"));
        }
    });

    it("accepts the floor and later releases, numerically rather than as text", () => {
        for (const v of ["3.1.6", "3.1.10", "3.2.0", "3.10.0", "v3.3.3", "3.1.7+build.1"]) {
            assert.equal(pluginVersionProblem("version", v, 3, "3.1.6"), undefined, v);
        }
        assert.equal(meetsPluginFloor("3.1.10", "3.1.6"), true);
        assert.equal(meetsPluginFloor("3.1.5", "3.1.6"), false);
    });

    it("refuses another major and what is not a version, bounded", () => {
        assert.match(
            pluginVersionProblem("version", "4.0.0", 3, "3.1.6") ?? "",
            /^version: 4\.0\.0 is not of the supported major version 3$/,
        );
        for (const v of ["latest", "3.1", "", "3.1.6; rm -rf /", "9".repeat(10_000)]) {
            const problem = pluginVersionProblem("version", v, 3, "3.1.6") ?? "";
            assert.match(problem, /^version: ".*" is not a version such as 3\.1\.6$/);
            assert.ok(problem.length < 200);
        }
        assert.equal(meetsPluginFloor("latest", "3.1.6"), false);
    });
});
