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
import { main as synthMain } from "../../../tools/plan/synth";
import { runMain } from "../../support/cli";
import { ROOT_DIR, SOURCE_DIR, Variant, WORKSPACE_DIR, configProblems } from "../../support/program";
import { SRC, WS, ROOT, SECRET, rootSet } from "../../support/hostileConfig";

interface Case {
    what: string;
    dir: string;
    variant: Variant;
    /** The key (or key prefix) a problem must name. */
    key: string;
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
