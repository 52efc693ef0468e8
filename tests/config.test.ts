/**
 * Config rules shared by the projects: every problem at once, even when one key's mistake would
 * make a validation library stop early.
 */
import assert from "node:assert/strict";
import { ConfigError, parseOrThrow } from "../shared/config/problems";
import { rootSettings } from "../shared/config/root";
import { SOURCE_NAMESPACE, sourceSettingsFor } from "../shared/config/source";

const sourceSettings = sourceSettingsFor("eu-west-1");
import { WORKSPACE_NAMESPACE, workspaceSettings } from "../shared/config/workspace";

const source = {
    grafanaAccountId: "111122223333",
    grafanaRoleArn: "arn:aws:iam::111122223333:role/service-role/AmazonGrafanaServiceRole-x",
    database: "sales",
    tables: ["orders"],
    dataLocations: ["s3://sales-data/orders/"],
    workgroup: { name: "grafana" },
    results: { bucket: "grafana-results" },
};

function problems(schema: Parameters<typeof parseOrThrow>[0], input: unknown, ns: string): string[] {
    try {
        parseOrThrow(schema, input, ns);
    } catch (e) {
        if (e instanceof ConfigError) return e.message.split("\n");
    }
    return [];
}

describe("config rules", () => {
    it("accepts a complete source config and fills the defaults", () => {
        const s = sourceSettings.parse(source);
        assert.equal(s.catalog, "AwsDataCatalog");
        assert.equal(s.results.prefix, "grafana/");
        assert.equal(s.workgroup.bytesScannedCutoffPerQuery, 10 * 1024 ** 3);
        assert.equal(s.roleName, "AmazonManagedGrafana-CrossAccountAthena");
        assert.deepEqual(s.dataLocations, [{ bucket: "sales-data", prefix: "orders/" }]);
    });

    it("reports a cross-key mistake together with a type error elsewhere", () => {
        const found = problems(
            sourceSettings,
            { ...source, lakeFormation: "yes", grafanaRoleArn: "arn:aws:iam::999988887777:role/Other" },
            SOURCE_NAMESPACE,
        );
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found.find((p) => p.startsWith("grafana-athena-source:lakeFormation:"))!, /true or false/);
        assert.match(found.find((p) => p.startsWith("grafana-athena-source:grafanaRoleArn:"))!, /belongs to account 999988887777/);
    });

    it("reports grafanaUrl without grafanaAuth together with an unknown panel type", () => {
        const found = problems(
            workspaceSettings,
            {
                workspaceId: "g-0123456789",
                sources: [{ stack: "org/grafana-athena-source/sales" }],
                grafanaUrl: "https://grafana.example.com",
                dashboard: { panels: [{ type: "piechart", title: "x", sql: "SELECT 1" }] },
            },
            WORKSPACE_NAMESPACE,
        );
        assert.ok(found.some((p) => p.startsWith("grafana-athena-workspace:grafanaAuth: is required when grafanaUrl is set")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("grafana-athena-workspace:dashboard.panels[0].type: must be one of barchart, gauge, stat")), found.join("\n"));
    });

    it("names the full path in the root project, for a cross-key mistake too", () => {
        const found = problems(
            rootSettings,
            {
                source: { ...source, region: "eu-west-1", lakeFormation: "yes", grafanaRoleArn: "arn:aws:iam::999988887777:role/Other" },
                workspace: { region: "eu-west-1", workspaceId: "g-0123456789" },
            },
            "grafana-athena",
        );
        assert.ok(found.some((p) => p.startsWith("grafana-athena:source.grafanaRoleArn: belongs to account")), found.join("\n"));
        assert.ok(found.some((p) => p.startsWith("grafana-athena:source.lakeFormation:")), found.join("\n"));
    });

    it("refuses at once more sources than an explicit assume policy could ever hold, pointing to organisation mode", () => {
        const sources = Array.from({ length: 400 }, (_, i) => ({ stack: `org/grafana-athena-source/s${i}` }));
        const found = problems(workspaceSettings, { workspaceId: "g-0123456789", sources }, WORKSPACE_NAMESPACE);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^grafana-athena-workspace:sources: lists 400 sources, more than .* \(at most \d+, .* sourceRoleName and organizationId/);
        const org = problems(workspaceSettings, { workspaceId: "g-0123456789", sources, sourceRoleName: "R", organizationId: "o-abcdefghij" }, WORKSPACE_NAMESPACE);
        assert.deepEqual(org, []);
    });

    it("never puts a secret's value in a message", () => {
        const token = "glsa_notarealtoken_0123456789abcdef";
        const found = problems(workspaceSettings, { workspaceId: "bad", sources: [], grafanaAuth: token }, WORKSPACE_NAMESPACE);
        assert.ok(found.length >= 2);
        assert.ok(!found.join("\n").includes(token));
    });
});
