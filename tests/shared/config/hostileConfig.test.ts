/**
 * Hostile and broken config, as an attacker or a careless copy would write it, across the three
 * projects. Every case must be refused before anything is planned, each problem one line naming
 * its key, with the rule's own message (never a validation library's default), no value longer
 * than an echo, and no secret's value anywhere.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { checkSourceOutputs } from "../../../shared/contract";
import { ConfigError, formatProblem } from "../../../shared/config/problems";
import { awsRegion, readSettings } from "../../../shared/config/read";
import {
    ROOT_KEY_KINDS,
    ROOT_NAMESPACE,
    ROOT_SECRET_FIELDS,
    rootSettings,
} from "../../../shared/config/root";
import { SOURCE_KEY_KINDS, SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { stackFileConfig, stackFileEntries } from "../../../shared/stackFiles";
import {
    WORKSPACE_KEY_KINDS,
    WORKSPACE_NAMESPACE,
    workspaceSettings,
} from "../../../shared/config/workspace";
import { readProject, readStackConfig } from "../../../tools/plan/stackConfig";
import { main as synthMain } from "../../../tools/plan/synth";
import { runMain } from "../../support/cli";
import {
    ROOT_DIR,
    SOURCE_DIR,
    Variant,
    WORKSPACE_DIR,
    configProblems,
    exampleConfig,
} from "../../support/program";

const SRC = (k: string) => `grafana-athena-source:${k}`;
const WS = (k: string) => `grafana-athena-workspace:${k}`;
const ROOT = (k: string) => `grafana-athena:${k}`;
const SECRET = "s3cr3t-value-that-must-never-be-printed-0123456789";

interface Case {
    what: string;
    dir: string;
    variant: Variant;
    /** The key (or key prefix) a problem must name. */
    key: string;
}

/** The root project's example objects, changed. */
function rootSet(
    change: (c: { source: Record<string, unknown>; workspace: Record<string, unknown> }) => void,
): Record<string, unknown> {
    const { config } = exampleConfig(ROOT_DIR);
    const c = {
        source: JSON.parse(config[ROOT("source")]),
        workspace: JSON.parse(config[ROOT("workspace")]),
    };
    change(c);
    return { [ROOT("source")]: c.source, [ROOT("workspace")]: c.workspace };
}

const CASES: Case[] = [
    // Shapes that are not what a key holds.
    {
        what: "an object where a string belongs",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("database")]: { name: "sales" } } },
        key: SRC("database"),
    },
    {
        what: "a word where an object belongs",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("workgroup")]: "grafana" } },
        key: SRC("workgroup"),
    },
    {
        what: "a list where an object belongs",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("results")]: ["a"] } },
        key: SRC("results"),
    },
    {
        what: "null for a list",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("tables")]: null } },
        key: SRC("tables"),
    },
    {
        what: "a prototype-polluting key",
        dir: SOURCE_DIR,
        variant: {
            set: { [SRC("workgroup")]: JSON.parse('{"name":"grafana","__proto__":{"create":false}}') },
        },
        key: SRC("workgroup"),
    },
    {
        what: "a float cutoff",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("workgroup")]: { name: "grafana", bytesScannedCutoffPerQuery: 1e12 + 0.5 } } },
        key: SRC("workgroup.bytesScannedCutoffPerQuery"),
    },
    // Names that would widen a grant or break out of one.
    {
        what: "a wildcard table",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("tables")]: ["orders*"] } },
        key: SRC("tables[0]"),
    },
    {
        what: "a wildcard in a data location",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("dataLocations")]: ["s3://example-sales-data-222233334444/*"] } },
        key: SRC("dataLocations[0]"),
    },
    {
        what: "a .. segment in a results prefix",
        dir: SOURCE_DIR,
        variant: {
            set: {
                [SRC("results")]: {
                    bucket: "grafana-athena-query-results-222233334444",
                    prefix: "grafana/../",
                },
            },
        },
        key: SRC("results.prefix"),
    },
    {
        what: "a wildcard role as the trusted principal",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("grafanaRoleArn")]: "arn:aws:iam::111122223333:role/*" } },
        key: SRC("grafanaRoleArn"),
    },
    {
        what: "a KMS alias instead of a key",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("kmsKeyArns")]: ["arn:aws:kms:eu-west-1:222233334444:alias/data"] } },
        key: SRC("kmsKeyArns[0]"),
    },
    {
        what: "an administrator role to create",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("roleName")]: "OrganizationAccountAccessRole" } },
        key: SRC("roleName"),
    },
    {
        what: "creating the primary workgroup",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("workgroup")]: { name: "primary" } } },
        key: SRC("workgroup.create"),
    },
    {
        what: "results inside the data",
        dir: SOURCE_DIR,
        variant: {
            set: {
                [SRC("results")]: {
                    bucket: "example-sales-data-222233334444",
                    prefix: "warehouse/",
                    create: false,
                },
            },
        },
        key: SRC("results"),
    },
    {
        what: "a label with a line break",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("label")]: "Sales\n<script>alert(1)</script>" } },
        key: SRC("label"),
    },
    {
        what: "a label of 10,000 characters",
        dir: SOURCE_DIR,
        variant: { set: { [SRC("label")]: "x".repeat(10_000) } },
        key: SRC("label"),
    },
    // Keys that are not this project's.
    {
        what: "a workspace key in a source stack",
        dir: SOURCE_DIR,
        variant: { set: { [WS("workspaceId")]: "g-0123456789" } },
        key: WS("workspaceId"),
    },
    {
        what: "a source key in a workspace stack",
        dir: WORKSPACE_DIR,
        variant: { set: { [SRC("database")]: "sales" } },
        key: SRC("database"),
    },
    {
        what: "a root key in a source stack",
        dir: SOURCE_DIR,
        variant: { set: { [ROOT("source")]: {} } },
        key: ROOT("source"),
    },
    { what: "a typo", dir: WORKSPACE_DIR, variant: { set: { [WS("sourcess")]: [] } }, key: WS("sourcess") },
    // The account guard and the region.
    {
        what: "a malformed allowedAccountIds",
        dir: SOURCE_DIR,
        variant: { set: { "aws:allowedAccountIds": "2222" } },
        key: "aws:allowedAccountIds",
    },
    {
        what: "allowedAccountIds as numbers",
        dir: WORKSPACE_DIR,
        variant: { set: { "aws:allowedAccountIds": [111122223333] } },
        key: "aws:allowedAccountIds",
    },
    {
        what: "an isolated region",
        dir: WORKSPACE_DIR,
        variant: { set: { "aws:region": "us-isob-east-1" } },
        key: "aws:region",
    },
    // The workspace's reach.
    {
        what: "a source stack of another project",
        dir: WORKSPACE_DIR,
        variant: { set: { [WS("sources")]: [{ stack: "organization/grafana-athena-workspace/other" }] } },
        key: WS("sources[0].stack"),
    },
    {
        what: "a Grafana URL elsewhere with credentials",
        dir: WORKSPACE_DIR,
        variant: {
            set: { [WS("grafanaUrl")]: "https://admin:pw@evil.example.com", [WS("grafanaAuth")]: SECRET },
            secretKeys: [WS("grafanaAuth")],
        },
        key: WS("grafanaUrl"),
    },
    {
        what: "a plain-text token",
        dir: WORKSPACE_DIR,
        variant: {
            set: {
                [WS("grafanaUrl")]: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                [WS("grafanaAuth")]: SECRET,
            },
        },
        key: WS("grafanaAuth"),
    },
    {
        what: "an administrator role for organisation mode",
        dir: WORKSPACE_DIR,
        variant: {
            set: {
                [WS("sourceRoleName")]: "AWSReservedSSO_AdministratorAccess_1a2b",
                [WS("organizationId")]: "o-abcdefghij",
            },
        },
        key: WS("sourceRoleName"),
    },
    {
        what: "a panel title with a line break",
        dir: WORKSPACE_DIR,
        variant: {
            set: { [WS("dashboard")]: { panels: [{ type: "stat", title: "a\nb", sql: "SELECT 1" }] } },
        },
        key: WS("dashboard.panels[0].title"),
    },
    {
        what: "a secret where a name belongs",
        dir: WORKSPACE_DIR,
        variant: { set: { [WS("workspaceId")]: SECRET }, secretKeys: [WS("workspaceId")] },
        key: WS("workspaceId"),
    },
    // The root project's two sides.
    {
        what: "a plain-text token in the root",
        dir: ROOT_DIR,
        variant: {
            set: rootSet((c) =>
                Object.assign(c.workspace, {
                    grafanaUrl: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                    grafanaAuth: SECRET,
                }),
            ),
        },
        key: ROOT("workspace.grafanaAuth"),
    },
    {
        what: "a deploy role of another account",
        dir: ROOT_DIR,
        variant: {
            set: rootSet((c) => (c.source.assumeRoleArn = "arn:aws:iam::999988887777:role/Deployer")),
        },
        key: ROOT("source.assumeRoleArn"),
    },
    {
        what: "two partitions",
        dir: ROOT_DIR,
        variant: { set: rootSet((c) => (c.workspace.region = "cn-north-1")) },
        key: ROOT("workspace.region"),
    },
    {
        what: "a secret root object with a bad workspace ID",
        dir: ROOT_DIR,
        variant: {
            set: rootSet((c) =>
                Object.assign(c.workspace, {
                    workspaceId: SECRET,
                    grafanaUrl: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                    grafanaAuth: SECRET,
                }),
            ),
            secretKeys: [ROOT("workspace")],
        },
        key: ROOT("workspace.workspaceId"),
    },
];

describe("hostile and broken config, refused", function () {
    this.timeout(120_000);

    for (const c of CASES) {
        it(`${c.dir === ROOT_DIR ? "root" : path.basename(c.dir)}: ${c.what}`, async () => {
            const problems = await configProblems(c.dir, c.variant);
            const keys = problems.map((p) => p.slice(0, p.indexOf(": ")));
            assert.ok(
                keys.some((k) => k === c.key || k.startsWith(`${c.key}.`) || k.startsWith(`${c.key}[`)),
                `no problem names ${c.key}:\n${problems.join("\n")}`,
            );
            for (const p of problems) {
                assert.match(p, /^(grafana-athena(-source|-workspace)?|aws):[\w.[\]-]+: \S/, p);
                assert.ok(!p.includes(SECRET), `a secret's value in: ${p}`);
                assert.doesNotMatch(
                    p,
                    /\[object Object\]|undefined|Invalid input|expected (string|object|array), received/,
                    p,
                );
                assert.ok(p.length <= 400, `${p.length} characters: ${p.slice(0, 120)}…`);
            }
        });
    }

    it("as commands: exit 1, one line per problem on stderr naming its key, nothing on stdout, no stack trace", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-"));
        try {
            const write = (name: string, config: Record<string, unknown>) => {
                const file = path.join(dir, name);
                fs.writeFileSync(file, YAML.stringify({ config }));
                return file;
            };
            const runs = [
                [
                    SOURCE_DIR,
                    write("source.yaml", {
                        "aws:region": "eu-west-1",
                        "aws:allowedAccountIds": "x",
                        [SRC("tables")]: ["*", "orders"],
                        [WS("workspaceId")]: "g-0123456789",
                    }),
                ],
                [
                    WORKSPACE_DIR,
                    write("workspace.yaml", {
                        "aws:region": "eu-west-1",
                        [WS("workspaceId")]: "g-XYZ",
                        [WS("grafanaAuth")]: { secure: "AAABAB0123456789" },
                        [WS("grafanaUrl")]: "http://x",
                    }),
                ],
                [
                    ROOT_DIR,
                    write("root.yaml", {
                        [ROOT("source")]: "nope",
                        [ROOT("workspace")]: { region: "mars-1" },
                    }),
                ],
            ];
            // The command's main, as its entry point runs it (the entry point itself: source.test.ts).
            const results = [];
            for (const [project, file] of runs)
                results.push(await runMain(synthMain, [project, "--config", file]));
            for (const r of results) {
                assert.equal(r.code, 1, r.stderr);
                assert.equal(r.stdout, "");
                const lines = r.stderr.trimEnd().split("\n");
                assert.ok(lines.length >= 2, r.stderr);
                for (const line of lines)
                    assert.match(line, /^(grafana-athena(-source|-workspace)?|aws):[\w.[\]-]+: \S/, line);
                assert.doesNotMatch(r.stderr, /\n\s+at /);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/**
 * The projects' readers (shared/config/read.ts `readSettings` with each project's keys, schema and
 * secret fields, as the three components/rootConfig.ts files call it) on a project's example stack config changed
 * by `variant`: the same rules as a program run, without the mock runtime, so that every class of
 * hostile value can be tried in several forms and the suite stays fast. One program run per project
 * (the cases at the end) proves the wiring.
 */
function readerProblems(dir: string, variant: Variant): string[] {
    const { config, secretKeys } = exampleConfig(dir, variant);
    const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
    const region = awsRegion(config);
    const earlier = typeof region === "string" ? [] : [region];
    try {
        if (dir === SOURCE_DIR)
            readSettings(
                SOURCE_NAMESPACE,
                SOURCE_KEY_KINDS,
                sourceSettingsFor(typeof region === "string" ? region : undefined),
                earlier,
                view,
            );
        else if (dir === WORKSPACE_DIR)
            readSettings(WORKSPACE_NAMESPACE, WORKSPACE_KEY_KINDS, workspaceSettings, earlier, view);
        else readSettings(ROOT_NAMESPACE, ROOT_KEY_KINDS, rootSettings, [], view, ROOT_SECRET_FIELDS);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems.map(formatProblem);
        throw e;
    }
    return [];
}

/** Every problem one line that names its key, with no secret, no library default and no long echo. */
function assertRefused(problems: string[], key: string, what: string, secret = SECRET) {
    const keys = problems.map((p) => p.slice(0, p.indexOf(": ")));
    assert.ok(
        keys.some((k) => k === key || k.startsWith(`${key}.`) || k.startsWith(`${key}[`)),
        `${what}: no problem names ${key}:\n${problems.join("\n")}`,
    );
    for (const p of problems) {
        assert.match(p, /^(grafana-athena(-source|-workspace)?|aws):[\w.[\]-]+: \S/, `${what}: ${p}`);
        assert.ok(!p.includes(secret), `${what}: a secret's value in: ${p}`);
        assert.doesNotMatch(
            p,
            /\[object Object\]|undefined|Invalid input|expected (string|object|array), received/,
            `${what}: ${p}`,
        );
        assert.ok(
            !p.includes("\n") && p.length <= 400,
            `${what}: ${p.length} characters: ${p.slice(0, 120)}…`,
        );
    }
}

const SOURCE_RESULTS = { bucket: "grafana-athena-query-results-222233334444", prefix: "grafana/" };
const DATA_BUCKET = "s3://example-sales-data-222233334444";
const rootWith = (
    change: (c: { source: Record<string, unknown>; workspace: Record<string, unknown> }) => void,
) => rootSet(change);

/** [what, dir, variant, key] for each hostile value, grouped by class. */
const VALUE_CASES: Record<string, [string, string, Variant, string][]> = {
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
                        "arn:aws:iam::111122223333:role/aws-service-role/grafana.amazonaws.com/AWSServiceRoleForAmazonGrafana",
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
                        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Viewer_0123",
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
                        `[{"stack":"organization/grafana-athena-source/sales","panels":${"[".repeat(5_000)}${"]".repeat(5_000)}}]`,
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

describe("stack files read as the Pulumi CLI reads them", () => {
    it("passes text, decimal numbers and booleans as written, and keeps keys without a namespace as they are", () => {
        const entries = stackFileEntries(
            [
                "config:",
                "  grafana-athena-source:database: sales_01",
                "  grafana-athena-source:label: '1.50'",
                '  grafana-athena-source:catalog: "AwsDataCatalog"',
                "  database: payroll",
                "  grafana-athena-source:lakeFormation: true",
                "  grafana-athena-source:catalogKmsKeyArn: ~",
                "  grafana-athena-source:bytesScannedCutoff: 10737418240",
                "  grafana-athena-source:tables: [orders, 31, '0x1F']",
            ].join("\n"),
        );
        assert.deepEqual(entries, {
            "grafana-athena-source:database": "sales_01",
            "grafana-athena-source:label": "1.50",
            "grafana-athena-source:catalog": "AwsDataCatalog",
            database: "payroll",
            "grafana-athena-source:lakeFormation": "true",
            "grafana-athena-source:catalogKmsKeyArn": "",
            "grafana-athena-source:bytesScannedCutoff": "10737418240",
            "grafana-athena-source:tables": ["orders", 31, "0x1F"],
        });
    });

    it("refuses what the Pulumi CLI reads otherwise than written: numbers it rewrites, dates, tags, merge keys", () => {
        // What the 3.276.0 CLI's `pulumi config --json` printed for each: the plan would show one
        // database and the deployment grant another (`!!binary aHI=` is "hr").
        for (const [value, said] of [
            [
                "0x1f",
                /^grafana-athena-source:database: 0x1f is a number to the Pulumi CLI, which passes it rewritten/,
            ],
            ["017", /017 is a number to the Pulumi CLI/],
            ["1_000", /1_000 is a number to the Pulumi CLI/],
            ["1e3", /1e3 is a number to the Pulumi CLI/],
            ["1.50", /1\.50 is a number to the Pulumi CLI/],
            ["-0", /-0 is a number to the Pulumi CLI/],
            ["True", /True is a boolean to the Pulumi CLI, which passes it as true: write true$/],
            ["2024-01-01", /2024-01-01 is a date to the Pulumi CLI/],
            ["!!binary aHI=", /uses the YAML tag !!binary, which the Pulumi CLI reads its own way/],
            ["[orders, !!binary aHI=]", /uses the YAML tag !!binary/],
            ["[orders, 0x1F]", /0x1F is a number to the Pulumi CLI/],
            [
                "{a: 1, <<: {b: 2}}",
                /uses a merge key \(<<\), which the Pulumi CLI merges and this tool does not/,
            ],
        ] as const) {
            assert.throws(
                () => stackFileEntries(`config:\n  grafana-athena-source:database: ${value}\n`),
                (e: Error) => said.test(e.message) && e.message.split("\n").length === 1,
                value,
            );
        }
        // Every tool that reads a stack file (fleet check, the inventory) refuses it too, naming the file.
        assert.throws(
            () => stackFileConfig("config:\n  grafana-athena-source:database: 0x1f\n", "Pulumi.x.yaml"),
            /^Refusal: Pulumi\.x\.yaml: grafana-athena-source:database: 0x1f is a number to the Pulumi CLI/,
        );
    });

    it("refuses a value nested too deep before turning it into data, naming the key (or the line, when the YAML parser itself overflows)", () => {
        const deep = (n: number) =>
            `config:\n  grafana-athena-source:label: ok\n  grafana-athena-source:tables: ${"[".repeat(n)}${"]".repeat(n)}\n`;
        assert.throws(
            () => stackFileEntries(deep(20)),
            /^Error: grafana-athena-source:tables: nests lists or objects more than 16 levels deep/,
        );
        assert.throws(
            () => stackFileEntries(deep(20_000)),
            /^Error: line 3: nests lists or objects more than 16 levels deep/,
        );
        assert.doesNotThrow(() => stackFileEntries(deep(16)));
    });

    it("so that the offline plan refuses database: 0x1F, naming the file and the key, and a bare key by its name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-yaml-"));
        try {
            const example = fs.readFileSync(path.join(SOURCE_DIR, "Pulumi.example.yaml"), "utf8");
            const file = path.join(dir, "Pulumi.x.yaml");
            fs.writeFileSync(
                file,
                example.replace(
                    "grafana-athena-source:database: sales",
                    "grafana-athena-source:database: 0x1F",
                ),
            );
            // The reader synth and the tests use (tools/plan/stackConfig.ts).
            assert.throws(
                () => readStackConfig(readProject(SOURCE_DIR), file),
                (e: Error) =>
                    e.message.startsWith(
                        `${file}: grafana-athena-source:database: 0x1F is a number to the Pulumi CLI`,
                    ),
            );
            fs.writeFileSync(
                file,
                example.replace(
                    "grafana-athena-source:database: sales",
                    "grafana-athena-source:database: sales\n  label: Payroll",
                ),
            );
            const { config, secretKeys } = readStackConfig(readProject(SOURCE_DIR), file);
            assert.equal(config.label, "Payroll");
            const found = readerProblems(SOURCE_DIR, { set: { ...config }, secretKeys });
            assert.ok(
                found.some((p) => p.startsWith("grafana-athena-source:label: is set without a namespace")),
                found.join("\n"),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

/** A source stack's outputs as the source program exports them (public values in clear). */
const OUTPUTS = {
    contractVersion: 1,
    accountId: "222233334444",
    region: "eu-west-1",
    roleArn: "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena",
    externalId: "x".repeat(48),
    catalog: "AwsDataCatalog",
    database: "sales",
    workgroup: "grafana",
    outputLocation: "s3://grafana-athena-query-results-222233334444/grafana/",
    label: "Sales",
};

describe("hostile source-stack outputs (the contract check)", () => {
    const refusedFor = (change: Record<string, unknown>): string => {
        try {
            checkSourceOutputs("organization/grafana-athena-source/x", { ...OUTPUTS, ...change });
        } catch (e) {
            return (e as Error).message;
        }
        return "";
    };

    it("accepts what the source program exports", () => assert.equal(refusedFor({}), ""));

    it('is strict about the type of every output: contractVersion true or "1" is not the number 1', () => {
        for (const v of [true, "1", " 1", [1]])
            assert.match(
                refusedFor({ contractVersion: v }),
                /output "contractVersion" is not a number/,
                JSON.stringify(v),
            );
        for (const name of [
            "accountId",
            "region",
            "roleArn",
            "catalog",
            "database",
            "workgroup",
            "outputLocation",
            "label",
        ]) {
            assert.match(
                refusedFor({ [name]: 42 }),
                new RegExp(`output "${name}" is not a non-empty string`),
                name,
            );
        }
    });

    it("refuses administrator and service roles, by name and by path", () => {
        for (const role of [
            "role/OrganizationAccountAccessRole",
            "role/stacksets-exec-1234",
            "role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
            "role/team/AWSAFTExecution",
            "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_1",
        ]) {
            assert.match(
                refusedFor({ roleArn: `arn:aws:iam::222233334444:${role}` }),
                /output "roleArn" names a role Grafana must never assume/,
                role,
            );
        }
    });

    it("refuses an output location read as more than it says, and invisible characters in the label", () => {
        for (const loc of [
            "s3://grafana-athena-query-results-222233334444//",
            "s3://b-results/${aws:username}/",
            "s3://b-results/a/../b/",
            "s3://b-results/a%2f/",
        ]) {
            assert.match(refusedFor({ outputLocation: loc }), /output "outputLocation"/, loc);
        }
        assert.match(
            refusedFor({ label: "Sales\u200b" }),
            /output "label" must not hold invisible characters/,
        );
        assert.match(refusedFor({ region: "eu-west-9" }), /output "region" is not an AWS region/);
        let deep: unknown = "Sales";
        for (let i = 0; i < 50_000; i++) deep = [deep];
        assert.match(
            refusedFor({ label: deep }),
            /output "label" nests lists or objects more than 16 levels deep/,
        );
    });
});
