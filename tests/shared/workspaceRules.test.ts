/**
 * The workspace component's pure rules, without mocks: the contract check, the rules over the set
 * of sources, the assume policy per mode, and the data source's settings.
 */
import assert from "node:assert/strict";
import { CONTRACT_OUTPUTS, PublicSourceOutputs, checkSourceOutputs } from "../../shared/contract";
import { athenaJsonData, dataSourceFingerprint } from "../../shared/grafana/dataSource";
import { DEFAULT_ROLE_NAME } from "../../shared/config/source";
import { sourceOutputs } from "../support/sourceOutputs";
import { organizationRoleProblem, workspaceAssumePolicy } from "../../shared/policies/workspaceRole";
import { sourceSetProblems } from "../../shared/sources";

const outputs = (account: string, workgroup = "grafana", label = "Sales"): PublicSourceOutputs =>
    sourceOutputs(account, { workgroup, label });

describe("the contract check", () => {
    const good = {
        ...outputs("222233334444"),
        externalId: "x".repeat(48),
        tables: ["orders"],
        panels: [
            {
                type: "stat" as const,
                title: "Orders",
                sql: "SELECT count(*) FROM orders WHERE region = '$region'",
            },
        ],
        variables: [{ name: "region", type: "query" as const, sql: "SELECT DISTINCT region FROM orders" }],
        alerts: [
            {
                name: "orders-fresh",
                kind: "freshness" as const,
                table: "orders",
                column: "at",
                maxAgeHours: 6,
            },
        ],
    };

    it("accepts a complete contract and types it", () => {
        assert.deepEqual(checkSourceOutputs("o/grafana-athena-source/s", good), good);
        // Every output but resultsMode, which a source with a results bucket leaves out, and
        // dashboardFiles, which a source without files leaves out.
        assert.deepEqual(
            CONTRACT_OUTPUTS.filter((n) => n !== "resultsMode" && n !== "dashboardFiles"),
            Object.keys(good).sort(
                (a, b) => CONTRACT_OUTPUTS.indexOf(a as never) - CONTRACT_OUTPUTS.indexOf(b as never),
            ),
        );
    });

    it("names the stack and every missing or malformed output at once", () => {
        const broken = {
            ...good,
            database: undefined,
            accountId: "12",
            roleArn: "arn:aws:iam::222233334444:user/x",
            outputLocation: "s3://b",
        };
        assert.throws(
            () => checkSourceOutputs("o/grafana-athena-source/s", broken),
            (e: Error) =>
                e.message.startsWith('source stack "o/grafana-athena-source/s": ') &&
                [
                    'output "database" is missing',
                    'output "accountId" is not a 12-digit account ID',
                    'output "roleArn" is not an IAM role ARN',
                    'output "outputLocation" must look like',
                ].every((p) => e.message.includes(p)),
        );
    });

    it("refuses an unknown contract version, and says what a missing one means", () => {
        assert.throws(
            () => checkSourceOutputs("o/p/s", { ...good, contractVersion: 2 }),
            /output "contractVersion" is 2, but this workspace stack understands only version 1/,
        );
        assert.throws(
            () => checkSourceOutputs("o/p/s", { ...good, contractVersion: undefined }),
            /is "o\/p\/s" a grafana-athena-source stack/,
        );
    });
});

describe("the set of sources", () => {
    it("refuses the same account twice, whatever the workgroup, naming both stacks", () => {
        const problems = sourceSetProblems([
            { stack: "o/p/a", name: "A", outputs: outputs("222233334444") },
            { stack: "o/p/b", name: "B", outputs: outputs("222233334444") },
            { stack: "o/p/c", name: "C", outputs: outputs("222233334444", "other") },
            { stack: "o/p/d", name: "D", outputs: outputs("333344445555") },
        ]);
        const claim = (b: string) =>
            `source stacks "o/p/a" and "${b}" both claim the account 222233334444 (output ` +
            `"accountId"): one data account is one source stack; list it once`;
        assert.deepEqual(problems, [claim("o/p/b"), claim("o/p/c")]);
    });

    it("refuses two sources with one data source name", () => {
        const problems = sourceSetProblems([
            { stack: "o/p/a", name: "Sales", outputs: outputs("222233334444") },
            { stack: "o/p/b", name: "Sales", outputs: outputs("333344445555") },
        ]);
        assert.deepEqual(problems, [
            'source stacks "o/p/a" and "o/p/b" would both be called "Sales" in ' +
                "Grafana; give one a name (sources[].name)",
        ]);
        assert.deepEqual(
            sourceSetProblems([{ stack: "o/p/a", name: "Sales", outputs: outputs("222233334444") }]),
            [],
        );
    });
});

describe("the assume policy per mode", () => {
    const arn = (account: string, name = DEFAULT_ROLE_NAME) => `arn:aws:iam::${account}:role/${name}`;
    const organization = { sourceRoleName: DEFAULT_ROLE_NAME, organizationId: "o-abcdefghij" };

    it("lists exactly the role ARNs in explicit mode", () => {
        const doc = workspaceAssumePolicy([arn("222233334444"), arn("333344445555")], "P").toJSON();
        assert.deepEqual(doc.Statement[0].Resource, [arn("222233334444"), arn("333344445555")]);
    });

    it("names the role in the organisation in organisation mode, and refuses a source with another role name", () => {
        const doc = workspaceAssumePolicy([arn("222233334444")], "P", organization).toJSON();
        assert.equal(doc.Statement[0].Resource, `arn:aws:iam::*:role/${DEFAULT_ROLE_NAME}`);
        const other = arn("333344445555", "Other");
        assert.match(
            organizationRoleProblem(organization, [arn("222233334444"), other]) ?? "",
            new RegExp(`other roles: ${other}; set roleName`),
        );
        assert.throws(
            () => workspaceAssumePolicy([other], "P", organization),
            /organisation mode allows only roles named/,
        );
    });

    it("names the role in the workspace's partition", () => {
        const doc = workspaceAssumePolicy(
            [arn("222233334444").replace("arn:aws:", "arn:aws-us-gov:")],
            "P",
            organization,
            "aws-us-gov",
        ).toJSON();
        assert.equal(doc.Statement[0].Resource, `arn:aws-us-gov:iam::*:role/${DEFAULT_ROLE_NAME}`);
    });

    it("refuses an explicit list over the inline quota, saying how many fit", () => {
        const many = Array.from({ length: 200 }, (_, i) => arn(String(200_000_000_000 + i)));
        assert.throws(() => workspaceAssumePolicy(many, "P"), /It lists 200 source roles; about \d+ fit/);
    });
});

describe("the Athena data source's settings", () => {
    it("assume the source's role with its external ID, with its catalog, database, workgroup and results as defaults", () => {
        const o = outputs("222233334444");
        assert.deepEqual(JSON.parse(athenaJsonData(o, "the-external-id")), {
            authType: "ec2_iam_role",
            assumeRoleArn: o.roleArn,
            externalId: "the-external-id",
            defaultRegion: "eu-west-1",
            catalog: "AwsDataCatalog",
            database: "sales",
            workgroup: "grafana",
            outputLocation: o.outputLocation,
        });
    });

    it("fingerprint changes with the uid and with any setting", () => {
        const json = athenaJsonData(outputs("222233334444"), "id");
        assert.equal(dataSourceFingerprint("u", json), dataSourceFingerprint("u", json));
        assert.notEqual(dataSourceFingerprint("u", json), dataSourceFingerprint("v", json));
        assert.notEqual(
            dataSourceFingerprint("u", json),
            dataSourceFingerprint("u", athenaJsonData(outputs("222233334444"), "id2")),
        );
    });
});
