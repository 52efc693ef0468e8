/**
 * Config rules shared by the projects: every problem at once, even when one key's mistake would
 * make a validation library stop early.
 */
import assert from "node:assert/strict";
import { MAX_DEPTH, jsonTextDepth, rawValueProblem, valueDepth } from "../../../shared/config/bounds";
import { ConfigError, parseOrThrow } from "../../../shared/config/problems";
import {
    ADMINISTRATOR_ROLE_PATTERNS,
    administratorRoleArnProblem,
    administratorRoleProblem,
} from "../../../shared/iam/administratorRoles";
import { INVISIBLE, sameName } from "../../../shared/naming";
import { SUPPORTED_REGIONS, isKnownRegion } from "../../../shared/partition";
import { keyPrefixProblem, parseS3Location } from "../../../shared/s3";
import { rootSettings } from "../../../shared/config/root";
import { SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";

const sourceSettings = sourceSettingsFor("eu-west-1");
import { WORKSPACE_NAMESPACE, workspaceSettings } from "../../../shared/config/workspace";

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
        assert.equal((s.results as { prefix: string }).prefix, "grafana/");
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
        assert.match(
            found.find((p) => p.startsWith("grafana-athena-source:lakeFormation:"))!,
            /true or false/,
        );
        assert.match(
            found.find((p) => p.startsWith("grafana-athena-source:grafanaRoleArn:"))!,
            /belongs to account 999988887777/,
        );
    });

    it("says once that a list is not one: a text where a list goes is not also counted as too many items", () => {
        const path = "dashboards/sales-overview.json";
        const notList = `must be a list of paths of dashboard JSON files, got "${path}"`;
        assert.deepEqual(problems(sourceSettings, { ...source, dashboardFiles: path }, SOURCE_NAMESPACE), [
            `grafana-athena-source:dashboardFiles: ${notList}`,
        ]);
        assert.deepEqual(
            problems(
                workspaceSettings,
                { workspaceId: "g-0123456789", dashboard: { files: path } },
                WORKSPACE_NAMESPACE,
            ),
            [`grafana-athena-workspace:dashboard.files: ${notList}`],
        );
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
        assert.ok(
            found.some((p) =>
                p.startsWith("grafana-athena-workspace:grafanaAuth: is required when grafanaUrl is set"),
            ),
            found.join("\n"),
        );
        assert.ok(
            found.some((p) =>
                p.startsWith(
                    "grafana-athena-workspace:dashboard.panels[0].type: must be one of barchart, gauge, stat",
                ),
            ),
            found.join("\n"),
        );
    });

    it("names the full path in the root project, for a cross-key mistake too", () => {
        const found = problems(
            rootSettings,
            {
                source: {
                    ...source,
                    region: "eu-west-1",
                    lakeFormation: "yes",
                    grafanaRoleArn: "arn:aws:iam::999988887777:role/Other",
                },
                workspace: { region: "eu-west-1", workspaceId: "g-0123456789" },
            },
            "grafana-athena",
        );
        assert.ok(
            found.some((p) => p.startsWith("grafana-athena:source.grafanaRoleArn: belongs to account")),
            found.join("\n"),
        );
        assert.ok(
            found.some((p) => p.startsWith("grafana-athena:source.lakeFormation:")),
            found.join("\n"),
        );
    });

    it("refuses at once more sources than an explicit assume policy could ever hold, pointing to organisation mode", () => {
        const sources = Array.from({ length: 400 }, (_, i) => ({ stack: `org/grafana-athena-source/s${i}` }));
        const found = problems(
            workspaceSettings,
            { workspaceId: "g-0123456789", sources },
            WORKSPACE_NAMESPACE,
        );
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /^grafana-athena-workspace:sources: lists 400 sources, more than .* \(at most \d+, .* sourceRoleName and organizationId/,
        );
        const org = problems(
            workspaceSettings,
            { workspaceId: "g-0123456789", sources, sourceRoleName: "R", organizationId: "o-abcdefghij" },
            WORKSPACE_NAMESPACE,
        );
        assert.deepEqual(org, []);
    });

    it("never puts a secret's value in a message", () => {
        const token = "glsa_notarealtoken_0123456789abcdef";
        const found = problems(
            workspaceSettings,
            { workspaceId: "bad", sources: [], grafanaAuth: token },
            WORKSPACE_NAMESPACE,
        );
        assert.ok(found.length >= 2);
        assert.ok(!found.join("\n").includes(token));
    });
});

describe("the rules behind the hostile-value refusals (pure)", () => {
    it("an S3 key prefix: only what a policy reads as the reviewer does", () => {
        for (const ok of ["", "grafana/", "grafana", "a.b/v1.2/", "teams/grafana-results_2026/", "données/"])
            assert.equal(keyPrefixProblem(ok), undefined, ok);
        const refused: [string, RegExp][] = [
            ["${aws:username}/", /policy variables/],
            ["a/{b}/", /policy variables/],
            ["a*/", /wildcards/],
            ["a?/", /wildcards/],
            ["a\\b/", /escapes/],
            ["%2e%2e/", /escapes/],
            ["/a/", /empty segment/],
            ["a//b/", /empty segment/],
            ["a//", /empty segment/],
            ["./a/", /\. or \.\. segment/],
            ["a/../b/", /\. or \.\. segment/],
            ["a /", /starts or ends with a space/],
            [" a/", /starts or ends with a space/],
            ["a\u200b/", /invisible/],
            ["a\u00a0b/", /invisible/],
            ["a\tb/", /control/],
            ["x".repeat(513), /longer than 512/],
        ];
        for (const [prefix, why] of refused)
            assert.match(keyPrefixProblem(prefix) ?? "accepted", why, JSON.stringify(prefix));
        assert.deepEqual(parseS3Location("s3://b"), { bucket: "b", prefix: "" });
        assert.deepEqual(parseS3Location("s3://b/"), { bucket: "b", prefix: "" });
        assert.deepEqual(parseS3Location("s3://b/p"), { bucket: "b", prefix: "p/" });
        for (const bad of ["s3://b//", "s3://b///", "s3:///p/", "https://b/p/", "s3://b/p//"])
            assert.equal(typeof parseS3Location(bad), "string", bad);
    });

    it("one list of administrator and service roles, each pattern with its reason, matched ignoring case, paths included", () => {
        for (const p of ADMINISTRATOR_ROLE_PATTERNS) assert.ok(p.reason.length > 20, p.name);
        const refused = [
            "OrganizationAccountAccessRole",
            "ORGANIZATIONACCOUNTACCESSROLE",
            "AWSControlTowerExecution",
            "aws-controltower-ReadOnlyExecutionRole",
            "AWSAFTService",
            "AWSCloudFormationStackSetExecutionRole",
            "stacksets-exec-1a2b",
            "cdk-hnb659fds-cfn-exec-role-1-eu-west-1",
            "AWSReservedSSO_Admin_1",
            "AWSServiceRoleForSupport",
            "Admin",
            "sysadmin",
            "Administrator",
        ];
        for (const name of refused) assert.ok(administratorRoleProblem(name), name);
        for (const name of [
            "AmazonManagedGrafana-CrossAccountAthena",
            "GrafanaAthenaReader",
            "athena-readonly",
        ])
            assert.equal(administratorRoleProblem(name), undefined, name);
        assert.match(
            administratorRoleArnProblem(
                "arn:aws:iam::123456789012:role/aws-service-role/x.amazonaws.com/SomeRole",
            ) ?? "",
            /service-linked/,
        );
        assert.match(
            administratorRoleArnProblem("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/R") ??
                "",
            /Identity Center/,
        );
        assert.equal(
            administratorRoleArnProblem(
                "arn:aws:iam::123456789012:role/service-role/AmazonGrafanaServiceRole-abc",
            ),
            undefined,
        );
    });

    it("names compared as a reader compares them; invisible characters found", () => {
        assert.ok(
            sameName("Sales", "SALES") &&
                sameName("Sales", "Ｓａｌｅｓ") &&
                sameName("Straße", "STRASSE") &&
                sameName("Oﬃce", "office"),
        );
        assert.ok(sameName("Sales EU", " sales  eu"));
        assert.ok(!sameName("Sales", "Sales EU"));
        for (const s of [
            "a\u200bb",
            "a\u202eb",
            "a\u2066b",
            "a\u3164",
            "a\ufe0f",
            "a\u00adb",
            "a\u00a0b",
            "a\u2028b",
            "\ue000",
        ])
            assert.ok(INVISIBLE.test(s), JSON.stringify(s));
        for (const s of ["Sales (EU)", "Ventes équipe", "営業", "Продажи"]) assert.ok(!INVISIBLE.test(s), s);
    });

    it("regions: the AWS provider's list, in the supported partitions", () => {
        assert.ok(
            SUPPORTED_REGIONS.includes("eu-west-1") &&
                SUPPORTED_REGIONS.includes("cn-north-1") &&
                SUPPORTED_REGIONS.includes("us-gov-west-1"),
        );
        assert.ok(!SUPPORTED_REGIONS.some((r) => /iso|eusc/.test(r)));
        for (const r of ["eu-west-9", "us-east-0", "xx-west-1"]) assert.equal(isKnownRegion(r), false, r);
    });

    it("depth and size are measured without recursion, strings skipped", () => {
        assert.equal(jsonTextDepth('[[1], {"a": "[[[["}]'), 2);
        assert.equal(jsonTextDepth('"\\"[["'), 0);
        assert.equal(jsonTextDepth("[".repeat(100_000)), 100_000);
        let deep: unknown = 1;
        for (let i = 0; i < 100_000; i++) deep = [deep];
        assert.ok(valueDepth(deep) > MAX_DEPTH);
        assert.equal(valueDepth({ a: [{ b: 1 }] }), 3);
        assert.match(rawValueProblem("[".repeat(MAX_DEPTH + 1)) ?? "", /levels deep/);
        assert.equal(rawValueProblem("[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH)), undefined);
    });
});
