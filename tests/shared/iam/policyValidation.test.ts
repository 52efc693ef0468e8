import assert from "assert/strict";
import { PolicyDocument, PolicyJson, PolicyStatement, StatementJson } from "../../../shared/iam/policy";
import { validatePolicy } from "../../../shared/iam/validate";

const DATA = "222222222222";
const GRAFANA = "111111111111";
const REGION = "eu-west-1";
const WORKGROUP = `arn:aws:athena:${REGION}:${DATA}:workgroup/grafana`;

const policy = (...Statement: StatementJson[]): PolicyJson => ({ Version: "2012-10-17", Statement });

/** An access policy shaped like the source role's (shared/policies/sourceRole.ts). */
function accessPolicy(): PolicyJson {
    const glue = `arn:aws:glue:${REGION}:${DATA}`;
    return new PolicyDocument("source-access", "managed", [
        new PolicyStatement({
            sid: "AthenaMetadataRead",
            actions: [
                "athena:GetDataCatalog",
                "athena:GetDatabase",
                "athena:GetTableMetadata",
                "athena:ListDataCatalogs",
                "athena:ListWorkGroups",
            ],
            resources: ["*"],
        }),
        new PolicyStatement({
            sid: "AthenaQueryTaggedWorkgroups",
            actions: [
                "athena:GetQueryExecution",
                "athena:GetQueryResults",
                "athena:GetWorkGroup",
                "athena:StartQueryExecution",
                "athena:StopQueryExecution",
            ],
            resources: [`arn:aws:athena:${REGION}:${DATA}:workgroup/*`],
            conditions: { StringEquals: { "aws:ResourceTag/GrafanaDataSource": "true" } },
        }),
        new PolicyStatement({
            sid: "GlueCatalogRead",
            actions: ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable", "glue:GetTables"],
            resources: [`${glue}:catalog`, `${glue}:database/sales`, `${glue}:table/sales/*`],
        }),
        new PolicyStatement({
            sid: "S3DataList",
            actions: ["s3:ListBucket"],
            resources: ["arn:aws:s3:::sales-data"],
            conditions: { StringLike: { "s3:prefix": ["orders/*"] } },
        }),
        new PolicyStatement({
            sid: "S3DataRead",
            actions: ["s3:Get*"],
            resources: ["arn:aws:s3:::sales-data/orders/*"],
        }),
        new PolicyStatement({
            sid: "S3ResultsWrite",
            actions: [
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:PutObject",
            ],
            resources: ["arn:aws:s3:::athena-results", "arn:aws:s3:::athena-results/grafana/*"],
        }),
        new PolicyStatement({
            sid: "DenyOutsideTaggedWorkgroups",
            effect: "Deny",
            actions: ["athena:StartQueryExecution"],
            resources: ["*"],
            conditions: { StringNotEquals: { "aws:ResourceTag/GrafanaDataSource": "true" } },
        }),
    ]).toJSON();
}

function trustPolicy(): PolicyJson {
    return new PolicyDocument("source-trust", "trust", [
        new PolicyStatement({
            sid: "GrafanaWorkspaceAssumeRole",
            principals: { AWS: [`arn:aws:iam::${GRAFANA}:root`] },
            actions: ["sts:AssumeRole"],
            conditions: {
                StringEquals: { "sts:ExternalId": "external-id" },
                ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${GRAFANA}:role/grafana-workspace` },
            },
        }),
    ]).toJSON();
}

/** The one problem of a policy (fails, listing them, if there is not exactly one). */
async function onlyProblem(
    doc: PolicyJson,
    kind: "inline" | "managed" | "trust" = "inline",
): Promise<string> {
    const problems = await validatePolicy(doc, kind);
    assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join("\n")}`);
    return problems[0];
}

describe("validatePolicy", function () {
    this.timeout(20_000);

    before(async () => {
        // Warm the catalog (first reads come from disk).
        await validatePolicy(accessPolicy(), "managed");
    });

    it("passes a valid access policy and a valid trust policy with no problems", async () => {
        assert.deepEqual(await validatePolicy(accessPolicy(), "managed"), []);
        assert.deepEqual(await validatePolicy(trustPolicy(), "trust"), []);
    });

    it("reports an invented action with the Sid, and suggests the real one", async () => {
        const p = await onlyProblem(
            policy({
                Sid: "RunQueries",
                Effect: "Allow",
                Action: ["athena:GetQueryResults", "athena:StartQuerry"],
                Resource: WORKGROUP,
            }),
        );
        assert.match(p, /^policy statement "RunQueries": /);
        assert.match(p, /"athena:StartQuerry" does not exist/);
        assert.match(p, /athena:StartQueryExecution/);
    });

    it("accepts a wildcard action only when it matches an action", async () => {
        const p = await onlyProblem(
            policy({
                Sid: "Read",
                Effect: "Allow",
                Action: ["s3:Get*", "s3:Gett*"],
                Resource: "arn:aws:s3:::b/*",
            }),
        );
        assert.match(p, /^policy statement "Read": action pattern "s3:Gett\*" matches no action/);
    });

    it("reports an unknown service and a NotAction that does not exist", async () => {
        const problems = await validatePolicy(
            policy({
                Sid: "Deny",
                Effect: "Deny",
                NotAction: ["athena:GetQueryResultz", "grafanna:DescribeWorkspace"],
                Resource: "*",
            }),
            "inline",
        );
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(problems[0], /"athena:GetQueryResultz" does not exist/);
        assert.match(problems[1], /unknown service "grafanna"/);
    });

    it("reports a condition key that is not valid for the statement's actions", async () => {
        const p = await onlyProblem(
            policy({
                Sid: "Query",
                Effect: "Allow",
                Action: "athena:StartQueryExecution",
                Resource: WORKGROUP,
                Condition: {
                    StringEquals: { "athena:Foo": "x", "aws:ResourceTag/GrafanaDataSource": "true" },
                },
            }),
        );
        assert.match(
            p,
            /^policy statement "Query": condition key "athena:Foo" is not valid for athena:StartQueryExecution/,
        );
        assert.match(p, /expected a global aws: key/);
    });

    it("checks service keys per action and global keys by name", async () => {
        // s3:prefix belongs to s3:ListBucket, not to s3:GetObject.
        const p = await onlyProblem(
            policy({
                Sid: "Get",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::b/*",
                Condition: { StringLike: { "s3:prefix": "x/*" } },
            }),
        );
        assert.match(
            p,
            /condition key "s3:prefix" is not valid for s3:GetObject \(expected a global aws: key or one of .*s3:ExistingObjectTag/,
        );
        // Keys with a tag suffix, the role's own iam: key, and a misspelt global key.
        const problems = await validatePolicy(
            policy({
                Sid: "Tags",
                Effect: "Allow",
                Action: ["s3:GetObject", "sts:AssumeRole"],
                Resource: ["arn:aws:s3:::b/*", `arn:aws:iam::${DATA}:role/reader`],
                Condition: {
                    StringEquals: {
                        "s3:ExistingObjectTag/team": "bi",
                        "iam:ResourceTag/team": "bi",
                        "aws:RequestTag/team": "bi",
                        "aws:PrincipalTag/team": "bi",
                        "aws:ResourceTagg/team": "bi",
                    },
                },
            }),
            "inline",
        );
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(
            problems[0],
            /"aws:ResourceTagg\/team" is not a global condition key \(expected aws:ResourceTag\/team/,
        );
    });

    it("reports a malformed ARN", async () => {
        const p = await onlyProblem(
            policy({
                Sid: "Bucket",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: "arn:aws:s3::bucket",
            }),
        );
        assert.match(p, /^policy statement "Bucket": Resource "arn:aws:s3::bucket" is not a well-formed ARN/);
        assert.match(p, /expected arn:partition:service:region:account:resource/);
        const account = await onlyProblem(
            policy({
                Sid: "Role",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: "arn:aws:iam::12345:role/x",
            }),
        );
        assert.match(account, /account "12345" is not a 12-digit account id/);
    });

    it("reports an ARN of a resource type the action does not accept", async () => {
        const table = `arn:aws:glue:${REGION}:${DATA}:table/sales/orders`;
        const p = await onlyProblem(
            policy({ Sid: "Objects", Effect: "Allow", Action: "s3:GetObject", Resource: table }),
        );
        assert.match(
            p,
            /^policy statement "Objects": Resource "arn:aws:glue:[^"]+" matches no resource type of s3:GetObject/,
        );
        assert.match(p, /object arn:\$\{Partition\}:s3:::\$\{BucketName\}\/\$\{ObjectName\}/);

        // A bucket-level action on object ARNs only.
        const list = await onlyProblem(
            policy({ Sid: "List", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::b/*" }),
        );
        assert.match(
            list,
            /Resource "arn:aws:s3:::b\/\*" matches no resource type of s3:ListBucket \(expected .*bucket arn:\$\{Partition\}:s3:::\$\{BucketName\}/,
        );

        // Each ARN fits some action, but one action fits no ARN: it grants nothing.
        const mixed = await onlyProblem(
            policy({
                Sid: "Mixed",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: "arn:aws:s3:::b/*",
            }),
        );
        assert.match(mixed, /action s3:ListBucket applies to none of the statement's resources/);

        // A wildcard-only action needs Resource "*".
        const listOnly = await onlyProblem(
            policy({ Sid: "ListWg", Effect: "Allow", Action: "athena:ListWorkGroups", Resource: WORKGROUP }),
        );
        assert.match(listOnly, /athena:ListWorkGroups only work\(s\) with Resource "\*"/);
    });

    it("reports a Write, Permissions management or Tagging action allowed on *", async () => {
        const p = await onlyProblem(
            policy({
                Sid: "Anything",
                Effect: "Allow",
                Action: ["athena:ListWorkGroups", "athena:GetQueryExecution", "athena:StartQueryExecution"],
                Resource: "*",
            }),
        );
        assert.match(
            p,
            /^policy statement "Anything": action athena:StartQueryExecution \(Write\) must not be allowed on Resource "\*"/,
        );
        assert.match(p, /workgroup arn:\$\{Partition\}:athena:/);

        const levels = await validatePolicy(
            policy({
                Sid: "Admin",
                Effect: "Allow",
                Action: ["iam:PutRolePolicy", "athena:TagResource"],
                Resource: "*",
            }),
            "inline",
        );
        assert.equal(levels.length, 2, levels.join("\n"));
        assert.match(levels[0], /iam:PutRolePolicy \(Permissions management\)/);
        assert.match(levels[1], /athena:TagResource \(Tagging\)/);

        const pattern = await onlyProblem(
            policy({ Sid: "All", Effect: "Allow", Action: "athena:*", Resource: "*" }),
        );
        assert.match(pattern, /action pattern "athena:\*" includes \d+ Write/);

        // A Deny on "*" narrows access: fine.
        assert.deepEqual(
            await validatePolicy(
                policy({ Sid: "No", Effect: "Deny", Action: "athena:StartQueryExecution", Resource: "*" }),
                "inline",
            ),
            [],
        );
    });

    it("requires a Principal and no Resource in trust policies, and the reverse elsewhere", async () => {
        const trust = await validatePolicy(
            policy({
                Sid: "Trust",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: `arn:aws:iam::${DATA}:role/r`,
            }),
            "trust",
        );
        assert.deepEqual(trust, [
            'policy statement "Trust": a trust policy statement needs a Principal',
            'policy statement "Trust": a trust policy statement must not have a Resource',
        ]);
        const identity = await onlyProblem(
            policy({
                Sid: "Ident",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${GRAFANA}:root` },
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::b/k",
            }),
            "managed",
        );
        assert.equal(
            identity,
            'policy statement "Ident": an identity (managed) policy statement must not have a Principal',
        );
        const sts = await onlyProblem(
            policy({
                Sid: "Trust",
                Effect: "Allow",
                Principal: { Service: "grafana.amazonaws.com" },
                Action: ["sts:AssumeRole", "s3:GetObject"],
            }),
            "trust",
        );
        assert.match(sts, /action s3:GetObject cannot be granted by a trust policy/);
    });

    it("reports every problem at once", async () => {
        const problems = await validatePolicy(
            policy(
                {
                    Sid: "One",
                    Effect: "Allow",
                    Action: ["athena:StartQuerry", "athena:StartQueryExecution"],
                    Resource: "*",
                }, // 2: invented action, Write on *
                {
                    Sid: "Two",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: [
                        "arn:aws:s3::bucket",
                        `arn:aws:glue:${REGION}:${DATA}:table/db/t`,
                        "arn:aws:s3:::ok/*",
                    ], // 2: malformed, wrong type
                    Condition: { StringEquals: { "athena:Foo": "x" } }, // 1: wrong key
                },
                {
                    Sid: "Three",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: "s3:ListBucket",
                    Resource: "arn:aws:s3:::ok",
                }, // 1: principal
                {
                    Sid: "Four",
                    Effect: "Allow",
                    Action: "glue:GetTable",
                    Resource: `arn:aws:glue:${REGION}:${DATA}:table/db/t`,
                }, // 0
            ),
            "inline",
        );
        assert.equal(problems.length, 6, problems.join("\n"));
        assert.deepEqual(
            problems.map((p) => /^policy statement "(\w+)": /.exec(p)?.[1]),
            ["One", "One", "Two", "Two", "Two", "Three"],
        );
    });

    it("validates a 100-statement policy well under a second once warm", async () => {
        const statements: StatementJson[] = [];
        for (let i = 0; i < 100; i++) {
            statements.push({
                Sid: `S${i}`,
                Effect: "Allow",
                Action: [
                    "athena:GetWorkGroup",
                    "athena:StartQueryExecution",
                    "glue:GetTable",
                    "s3:GetObject",
                    "s3:ListBucket",
                ],
                Resource: [
                    `arn:aws:athena:${REGION}:${DATA}:workgroup/wg${i}`,
                    `arn:aws:glue:${REGION}:${DATA}:table/db/t${i}`,
                    `arn:aws:s3:::bucket${i}`,
                    `arn:aws:s3:::bucket${i}/prefix/*`,
                ],
                Condition: {
                    StringEquals: { "aws:ResourceTag/GrafanaDataSource": "true", "s3:prefix": "prefix/" },
                },
            });
        }
        const doc = policy(...statements);
        await validatePolicy(doc, "managed");
        const started = process.hrtime.bigint();
        const problems = await validatePolicy(doc, "managed");
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        assert.deepEqual(problems, []);
        assert.ok(ms < 1000, `took ${ms.toFixed(1)} ms`);
    });
});
