/** Hostile values by class, each refused by the projects' readers: [what, dir, variant, key]. */
import { ROOT_DIR, SOURCE_DIR, Variant, WORKSPACE_DIR } from "./program";
import { SRC, WS, ROOT, SOURCE_RESULTS, DATA_BUCKET, rootWith } from "./hostileConfig";

/** [what, dir, variant, key] for each hostile value, grouped by class. */
export const VALUE_CASES: Record<string, [string, string, Variant, string][]> = {
    "policy variables and wildcards in what lands in a policy": [
        [
            "${aws:username} as the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "${aws:username}/" } } },
            SRC("results.prefix"),
        ],
        [
            "a principal tag inside the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana/${aws:PrincipalTag/team}/" } } },
            SRC("results.prefix"),
        ],
        [
            "a lone ${ in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana/${x/" } } },
            SRC("results.prefix"),
        ],
        [
            "braces alone",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana/{team}/" } } },
            SRC("results.prefix"),
        ],
        [
            "a ? wildcard in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafan?/" } } },
            SRC("results.prefix"),
        ],
        [
            "${aws:username} in a data location",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/home/\${aws:username}/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "$ escape of a variable in a data location",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/\${*}/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a * in a data location's prefix",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/ware*/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a policy variable in the root's data location",
            ROOT_DIR,
            { set: rootWith((c) => (c.source.dataLocations = [`${DATA_BUCKET}/\${aws:userid}/`])) },
            ROOT("source.dataLocations[0]"),
        ],
    ],
    "S3 locations read as more than they say": [
        [
            "s3://bucket// (the whole bucket, written as an empty prefix)",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}//`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "s3://bucket///",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}///`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "an empty segment inside",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/warehouse//orders/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a . segment",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/./warehouse/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a .. segment",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/warehouse/orders/../payroll/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a trailing space in a segment",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/warehouse /`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a trailing space at the end",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/warehouse/orders `] } },
            SRC("dataLocations[0]"),
        ],
        [
            "percent-encoding",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/%2e%2e/payroll/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a backslash",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/warehouse\\orders/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a zero-width space",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: [`${DATA_BUCKET}/ware\u200bhouse/`] } },
            SRC("dataLocations[0]"),
        ],
        [
            "an empty bucket",
            SOURCE_DIR,
            { set: { [SRC("dataLocations")]: ["s3:///warehouse/"] } },
            SRC("dataLocations[0]"),
        ],
        [
            "a leading / in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "/grafana/" } } },
            SRC("results.prefix"),
        ],
        [
            "a doubled / in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana//" } } },
            SRC("results.prefix"),
        ],
        [
            "a trailing space in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "grafana /" } } },
            SRC("results.prefix"),
        ],
        [
            "a bidi override in the results prefix",
            SOURCE_DIR,
            { set: { [SRC("results")]: { ...SOURCE_RESULTS, prefix: "gra\u202efana/" } } },
            SRC("results.prefix"),
        ],
        [
            "an empty segment in the root's results prefix",
            ROOT_DIR,
            {
                set: rootWith(
                    (c) =>
                        (c.source.results = {
                            bucket: "grafana-athena-query-results-222233334444",
                            prefix: "a//b/",
                        }),
                ),
            },
            ROOT("source.results.prefix"),
        ],
    ],
    "administrator, automation and service-linked roles": [
        ...[
            "AWSCloudFormationStackSetExecutionRole",
            "stacksets-exec-0123456789abcdef",
            "AWSAFTExecution",
            "AWSControlTowerExecution",
            "aws-controltower-AdministratorExecutionRole",
            "AWSReservedSSO_ReadOnly_0123456789abcdef",
            "organizationaccountaccessrole",
            "Admin",
            "Administrator",
            "PlatformAdminRole",
            "AWSServiceRoleForAmazonGrafana",
            "cdk-hnb659fds-cfn-exec-role-222233334444-eu-west-1",
        ].map((name): [string, string, Variant, string] => [
            `${name} as roleName`,
            SOURCE_DIR,
            { set: { [SRC("roleName")]: name } },
            SRC("roleName"),
        ]),
        ...["stacksets-exec-abc", "AWSAFTExecution", "AWSServiceRoleForSupport", "Admins"].map(
            (name): [string, string, Variant, string] => [
                `${name} as sourceRoleName`,
                WORKSPACE_DIR,
                { set: { [WS("sourceRoleName")]: name, [WS("organizationId")]: "o-abcdefghij" } },
                WS("sourceRoleName"),
            ],
        ),
        [
            "a service-linked role path as the trusted role",
            SOURCE_DIR,
            {
                set: {
                    [SRC("grafanaRoleArn")]:
                        "arn:aws:iam::111122223333:role/aws-service-role/" +
                        "grafana.amazonaws.com/AWSServiceRoleForAmazonGrafana",
                },
            },
            SRC("grafanaRoleArn"),
        ],
        [
            "OrganizationAccountAccessRole as the trusted role",
            SOURCE_DIR,
            {
                set: {
                    [SRC("grafanaRoleArn")]: "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
                },
            },
            SRC("grafanaRoleArn"),
        ],
        [
            "an Identity Center role path as the trusted role",
            SOURCE_DIR,
            {
                set: {
                    [SRC("grafanaRoleArn")]:
                        "arn:aws:iam::111122223333:role/aws-reserved/" +
                        "sso.amazonaws.com/eu-west-1/AWSReservedSSO_Viewer_0123",
                },
            },
            SRC("grafanaRoleArn"),
        ],
        [
            "an administrator roleName in the root",
            ROOT_DIR,
            { set: rootWith((c) => (c.source.roleName = "AWSControlTowerExecution")) },
            ROOT("source.roleName"),
        ],
    ],
    "secrets where a setting is not one": [
        ["label", SOURCE_DIR, { secretKeys: [SRC("label")] }, SRC("label")],
        ["database", SOURCE_DIR, { secretKeys: [SRC("database")] }, SRC("database")],
        [
            "roleName",
            SOURCE_DIR,
            { set: { [SRC("roleName")]: "GrafanaAthenaReader" }, secretKeys: [SRC("roleName")] },
            SRC("roleName"),
        ],
        [
            "workgroup (workgroup.name set with --path --secret)",
            SOURCE_DIR,
            { secretKeys: [SRC("workgroup")] },
            SRC("workgroup"),
        ],
        [
            "results (results.bucket set with --path --secret)",
            SOURCE_DIR,
            { secretKeys: [SRC("results")] },
            SRC("results"),
        ],
        ["aws:region", SOURCE_DIR, { secretKeys: ["aws:region"] }, "aws:region"],
        ["a valid workspaceId", WORKSPACE_DIR, { secretKeys: [WS("workspaceId")] }, WS("workspaceId")],
        [
            "dashboard (its folder or a panel's SQL set with --secret)",
            WORKSPACE_DIR,
            { secretKeys: [WS("dashboard")] },
            WS("dashboard"),
        ],
        ["sources (a name set with --secret)", WORKSPACE_DIR, { secretKeys: [WS("sources")] }, WS("sources")],
        [
            "the root's source object (source.label set with --secret)",
            ROOT_DIR,
            { secretKeys: [ROOT("source")] },
            ROOT("source"),
        ],
        [
            "the root's workspace object without grafanaAuth",
            ROOT_DIR,
            { secretKeys: [ROOT("workspace")] },
            ROOT("workspace"),
        ],
    ],
    "values too deep or too big to read": [
        [
            "a 20,000-deep list as tables",
            SOURCE_DIR,
            { set: { [SRC("tables")]: "[".repeat(20_000) + "]".repeat(20_000) } },
            SRC("tables"),
        ],
        [
            "a 20,000-deep label",
            SOURCE_DIR,
            { set: { [SRC("label")]: "[".repeat(20_000) + "]".repeat(20_000) } },
            SRC("label"),
        ],
        [
            "a 20,000-deep secret",
            SOURCE_DIR,
            {
                set: { [SRC("workgroup")]: '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000) },
                secretKeys: [SRC("workgroup")],
            },
            SRC("workgroup"),
        ],
        [
            "deep objects in sources",
            WORKSPACE_DIR,
            {
                set: {
                    [WS("sources")]:
                        `[{"stack":"organization/grafana-athena-source/sales","panels":` +
                        `${"[".repeat(5_000)}${"]".repeat(5_000)}}]`,
                },
            },
            WS("sources"),
        ],
        [
            "deep objects in panels",
            WORKSPACE_DIR,
            { set: { [WS("dashboard")]: `{"panels":[${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}]}` } },
            WS("dashboard"),
        ],
        [
            "a deep root object",
            ROOT_DIR,
            { set: { [ROOT("source")]: "[".repeat(20_000) + "]".repeat(20_000) } },
            ROOT("source"),
        ],
        [
            "a 5 MiB list",
            SOURCE_DIR,
            { set: { [SRC("tables")]: JSON.stringify(Array.from({ length: 600_000 }, () => "orders")) } },
            SRC("tables"),
        ],
    ],
    "regions that do not exist or are not supported": [
        ["a made-up region", SOURCE_DIR, { set: { "aws:region": "eu-west-9" } }, "aws:region"],
        ["a region-shaped word", WORKSPACE_DIR, { set: { "aws:region": "mars-east-1" } }, "aws:region"],
        [
            "the European Sovereign Cloud",
            SOURCE_DIR,
            { set: { "aws:region": "eusc-de-east-1" } },
            "aws:region",
        ],
        [
            "a made-up region in the root",
            ROOT_DIR,
            { set: rootWith((c) => (c.source.region = "us-east-7")) },
            ROOT("source.region"),
        ],
    ],
    "keys without the project's namespace": [
        [
            "a bare database beside the namespaced one",
            SOURCE_DIR,
            { set: { database: "payroll" } },
            SRC("database"),
        ],
        ["a bare sources in a workspace stack", WORKSPACE_DIR, { set: { sources: [] } }, WS("sources")],
        [
            "a bare key of 10,000 characters with spaces",
            SOURCE_DIR,
            { set: { ["a b".repeat(3_000)]: "x" } },
            SRC("config"),
        ],
    ],
    "invisible characters and look-alike names": [
        [
            "a zero-width space in the label",
            SOURCE_DIR,
            { set: { [SRC("label")]: "Sales\u200b" } },
            SRC("label"),
        ],
        [
            "a bidi override in a source name",
            WORKSPACE_DIR,
            {
                set: {
                    [WS("sources")]: [
                        { stack: "organization/grafana-athena-source/sales", name: "Sales \u202eselaS" },
                    ],
                },
            },
            WS("sources[0].name"),
        ],
        [
            "a Hangul filler as the folder",
            WORKSPACE_DIR,
            { set: { [WS("dashboard")]: { folder: "Athena\u3164" } } },
            WS("dashboard.folder"),
        ],
        [
            "a no-break space in a panel title",
            WORKSPACE_DIR,
            {
                set: {
                    [WS("dashboard")]: {
                        panels: [{ type: "stat", title: "Orders\u00a0today", sql: "SELECT 1" }],
                    },
                },
            },
            WS("dashboard.panels[0].title"),
        ],
        ["a trailing space in the label", SOURCE_DIR, { set: { [SRC("label")]: "Sales " } }, SRC("label")],
        [
            "two spaces in a folder title",
            WORKSPACE_DIR,
            { set: { [WS("dashboard")]: { folder: "Athena  EU" } } },
            WS("dashboard.folder"),
        ],
        [
            "a zero-width joiner in the root's sourceName",
            ROOT_DIR,
            { set: rootWith((c) => (c.workspace.sourceName = "Sa\u200dles")) },
            ROOT("workspace.sourceName"),
        ],
        [
            "two source names that differ only by case and width",
            WORKSPACE_DIR,
            {
                set: {
                    [WS("sources")]: [
                        { stack: "organization/grafana-athena-source/a", name: "Sales" },
                        { stack: "organization/grafana-athena-source/b", name: "ＳＡＬＥＳ" },
                    ],
                },
            },
            WS("sources"),
        ],
        [
            "two source names that differ only by a ligature",
            WORKSPACE_DIR,
            {
                set: {
                    [WS("sources")]: [
                        { stack: "organization/grafana-athena-source/a", name: "Office" },
                        { stack: "organization/grafana-athena-source/b", name: "Oﬃce" },
                    ],
                },
            },
            WS("sources"),
        ],
    ],
};
