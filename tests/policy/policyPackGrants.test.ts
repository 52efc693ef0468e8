/**
 * The policy pack as an attacker tries it, what a role gets: every way a role gets permissions
 * (aws and aws-native, by ARN, name, URN or namePrefix) and what they may grant, written by hand
 * as another team's stack would, is reported; the safe shapes pass.
 */
import assert from "node:assert/strict";
import { globMatch } from "../../policy/glob";
import {
    ADMIN,
    Doc,
    ROLE,
    S3_READ_ONLY,
    doc,
    messages,
    reported,
    role,
    stack,
    trustStatement,
    withGrafana,
} from "../support/handWrittenStack";

describe("policy pack against hand-written stacks", function () {
    this.timeout(60_000);

    it("passes a careful team's role, and does not judge a role Grafana cannot assume", async () => {
        assert.deepEqual(await reported(stack(role())), []);
        const lambda = doc({
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
        });
        const github = doc({
            Effect: "Allow",
            Principal: {
                Federated: "arn:aws:iam::222233334444:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } },
        });
        const otherAccount = doc({
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::999988887777:role/ci" },
            Action: "sts:AssumeRole",
        });
        for (const trust of [lambda, github, otherAccount]) {
            assert.deepEqual(
                await reported(
                    stack([
                        ROLE,
                        "deployer",
                        { name: "deployer", assumeRolePolicy: trust, managedPolicyArns: [ADMIN] },
                    ]),
                ),
                [],
            );
        }
    });

    describe("every way a role gets permissions", () => {
        it("refuses AWS managed policies by managedPolicyArns, RolePolicyAttachment, PolicyAttachment and RolePolicyAttachmentsExclusive, unless the config allows the ARN", async () => {
            const plan = stack(
                role({ managedPolicyArns: [ADMIN] }),
                [
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "s3-read",
                    { role: "reader", policyArn: S3_READ_ONLY },
                ],
                [
                    "aws:iam/policyAttachment:PolicyAttachment",
                    "admin-too",
                    { name: "x", roles: ["arn:aws:iam::222233334444:role/reader"], policyArn: ADMIN },
                ],
                [
                    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                    "exclusive",
                    { roleName: "READER", policyArns: [ADMIN] },
                ],
            );
            assert.deepEqual(await reported(plan), [
                "grafana-role-policies-known admin-too",
                "grafana-role-policies-known exclusive",
                "grafana-role-policies-known reader",
                "grafana-role-policies-known s3-read",
            ]);
            assert.match(
                (await messages(plan, "grafana-role-policies-known"))[0],
                /attaches the AWS managed policy arn:aws:iam::aws:policy\/AdministratorAccess to role reader/,
            );
            const allow = { "grafana-role-policies-known": { allowedPolicyArns: [ADMIN, S3_READ_ONLY] } };
            assert.deepEqual(await reported(plan, withGrafana(allow)), []);
        });

        it("judges customer managed policies attached by ARN, name, URN or dependency, role policies, and aws-native roles and policies", async () => {
            const wide = doc({ Sid: "Wide", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
            const plan = stack(
                role(),
                ["aws:iam/policy:Policy", "wide", { name: "Wide", path: "/team/", policy: wide }],
                [
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "by-arn",
                    {
                        role: "arn:aws:iam::222233334444:role/reader",
                        policyArn: "arn:aws:iam::222233334444:policy/team/wide",
                    },
                ],
                [
                    "aws:iam/rolePolicy:RolePolicy",
                    "inline",
                    {
                        role: "reader",
                        name: "more",
                        policy: doc({ Effect: "Allow", Action: "glue:GetTable", Resource: "*" }),
                    },
                ],
                [
                    "aws-native:iam:RolePolicy",
                    "native-inline",
                    {
                        roleName: "reader",
                        policyName: "n",
                        policyDocument: {
                            Statement: [
                                { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" },
                            ],
                        },
                    },
                ],
                [
                    "aws-native:iam:ManagedPolicy",
                    "native-managed",
                    {
                        roles: ["urn:pulumi:prod::billing::aws:iam/role:Role::reader"],
                        policyDocument: {
                            Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::*" }],
                        },
                    },
                ],
            );
            assert.deepEqual(await reported(plan), [
                "grafana-role-no-read-on-wildcard inline",
                "grafana-role-no-read-on-wildcard native-inline",
                "grafana-role-no-read-on-wildcard native-managed",
                "grafana-role-no-read-on-wildcard wide",
                "grafana-role-no-write-on-wildcard native-managed",
            ]);
            const native = stack([
                "aws-native:iam:Role",
                "native-role",
                {
                    roleName: "native",
                    assumeRolePolicyDocument: { Statement: [trustStatement()] },
                    tags: [{ key: "GrafanaDataSource", value: "true" }],
                    policies: [
                        {
                            policyName: "p",
                            policyDocument: {
                                Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }],
                            },
                        },
                    ],
                    managedPolicyArns: [ADMIN],
                },
            ]);
            assert.deepEqual(await reported(native), [
                "grafana-role-no-write-on-wildcard native-role",
                "grafana-role-policies-known native-role",
            ]);
        });

        it("connects an attachment to a role named by namePrefix, and to every Grafana role when its role is unknown", async () => {
            const prefixed = role({ name: undefined, namePrefix: "grafana-" });
            assert.deepEqual(
                await reported(
                    stack(prefixed, [
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "admin",
                        { role: "grafana-20261207", policyArn: ADMIN },
                    ]),
                ),
                ["grafana-role-policies-known admin"],
            );
            // In an offline plan a role name the provider picks is absent: the attachment may be for any
            // role.
            assert.deepEqual(
                await reported(
                    stack(prefixed, [
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "admin",
                        { policyArn: ADMIN },
                    ]),
                ),
                ["grafana-role-policies-known admin"],
            );
            assert.deepEqual(
                await reported(
                    stack(role(), [
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "other",
                        { role: "someone-else", policyArn: ADMIN },
                    ]),
                ),
                [],
            );
        });

        it("judges what a stack gives the source role of another stack (the default name, or a name of the config)", async () => {
            const plan = stack(
                [
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "admin",
                    { role: "amazonmanagedgrafana-crossaccountathena", policyArn: ADMIN },
                ],
                [
                    "aws:iam/rolePolicy:RolePolicy",
                    "more",
                    {
                        role: "arn:aws:iam::222233334444:role/analytics-reader",
                        policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
                    },
                ],
            );
            assert.deepEqual(await reported(plan), ["grafana-role-policies-known admin"]);
            const names = { grafanaRoleNames: ["analytics-reader"] };
            const config = {
                "grafana-role-no-read-on-wildcard": names,
                "grafana-role-policies-known": names,
            };
            assert.deepEqual(await reported(plan, config), [
                "grafana-role-no-read-on-wildcard more",
                "grafana-role-policies-known admin",
            ]);
        });

        it("refuses a RolePoliciesExclusive that keeps an inline policy the stack does not define, and never passes because of a permissions boundary", async () => {
            const plan = stack(role(), [
                "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
                "keep",
                { roleName: "reader", policyNames: ["read", "legacy-admin"] },
            ]);
            assert.deepEqual(await reported(plan), ["grafana-role-policies-known keep"]);
            assert.match(
                (await messages(plan, "grafana-role-policies-known"))[0],
                /keeps the inline policy "legacy-admin" on role reader/,
            );
            const bounded = role({
                permissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                inlinePolicies: [
                    { name: "all", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) },
                ],
            });
            assert.deepEqual(await reported(stack(bounded)), [
                "grafana-athena-through-tagged-workgroup reader",
                "grafana-role-no-read-on-wildcard reader",
                "grafana-role-no-role-chaining reader",
                "grafana-role-no-write-on-wildcard reader",
            ]);
        });
    });

    describe("what such a role may be granted", () => {
        const grants = async (...statements: Doc[]) =>
            reported(stack(role({ inlinePolicies: [{ name: "p", policy: doc(...statements) }] })));

        it("refuses data reads and writes on * or a wildcard ARN, and * for actions with resource-level permissions", async () => {
            for (const [action, resource] of [
                ["s3:GetObject", "*"],
                ["glue:GetTable", "*"],
                ["secretsmanager:GetSecretValue", "*"],
                ["s3:ListBucket", "*"],
                ["s3:GetObject", "arn:aws:s3:::*/*"],
                ["s3:Get*", "arn:aws:s3:::data-*/x"],
                ["glue:GetTable", "arn:aws:glue:eu-west-1:222233334444:table/*"],
                ["glue:GetTable", "arn:aws:glue:*:222233334444:table/sales/orders"],
                ["secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:222233334444:secret:*"],
            ]) {
                assert.deepEqual(
                    await grants({ Effect: "Allow", Action: action, Resource: resource }),
                    ["grafana-role-no-read-on-wildcard reader"],
                    `${action} on ${resource}`,
                );
            }
            assert.deepEqual(await grants({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::*" }), [
                "grafana-role-no-read-on-wildcard reader",
                "grafana-role-no-write-on-wildcard reader",
            ]);
            assert.deepEqual(
                await grants({
                    Effect: "Allow",
                    Action: "S3:PUTOBJECT",
                    Resource: "arn:aws:s3:::results-bucket*",
                }),
                ["grafana-role-no-write-on-wildcard reader"],
            );
        });

        it("allows what names its resources, List actions without resource-level permissions on *, and any Deny", async () => {
            assert.deepEqual(
                await grants(
                    {
                        Effect: "Allow",
                        Action: ["athena:ListWorkGroups", "athena:ListDataCatalogs"],
                        Resource: "*",
                    },
                    {
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::sales-data/warehouse/*",
                    },
                    {
                        Effect: "Allow",
                        Action: "glue:GetTable",
                        Resource: "arn:aws:glue:eu-west-1:222233334444:table/sales/*",
                    },
                    { Effect: "Deny", NotAction: "s3:GetObject", NotResource: "arn:aws:s3:::sales-data/*" },
                ),
                [],
            );
        });

        it("refuses NotAction and NotResource allows, Effects IAM refuses, and actions that are not in the IAM catalog", async () => {
            assert.deepEqual(
                await grants({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::sales-data/x" }),
                // It allows S3 writes on a data object too, where no results location is.
                ["grafana-role-no-not-action reader", "grafana-role-s3-writes-only-to-results reader"],
            );
            assert.deepEqual(
                await grants({
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    NotResource: "arn:aws:s3:::secret/*",
                }),
                ["grafana-role-no-not-action reader", "grafana-role-no-read-on-wildcard reader"],
            );
            assert.deepEqual(
                await grants({
                    Effect: "allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::sales-data/x",
                }),
                ["grafana-role-policies-known reader"],
            );
            assert.deepEqual(
                await grants({
                    Effect: "Allow",
                    Action: "s3:GetObjekt",
                    Resource: "arn:aws:s3:::sales-data/x",
                }),
                ["grafana-role-policies-known reader"],
            );
        });
    });

    it("matches 40 wildcards against a text they do not match at once (no backtracking), and matches as IAM does", async () => {
        const pattern = `${"*".repeat(40)}b`;
        assert.equal(globMatch(pattern, "a".repeat(5000)), false);
        assert.equal(globMatch(`s3:${"*?".repeat(40)}x`, `s3:${"Get".repeat(30)}`, true), false);
        assert.equal(globMatch("s3:Get*Tag?ing", "s3:GetObjectTagging"), true);
        assert.equal(globMatch("s3:Get*", "S3:GETOBJECT", true), true);
        assert.equal(globMatch("s3:Get*", "S3:GETOBJECT"), false);
        assert.equal(globMatch("a*b*c", "abxbc"), true);
        assert.equal(globMatch("a*b*c", "acb"), false);
        assert.deepEqual(
            await reported(
                stack(
                    role({
                        inlinePolicies: [
                            {
                                name: "p",
                                policy: doc({ Effect: "Allow", Action: pattern, Resource: pattern }),
                            },
                        ],
                    }),
                ),
            ),
            ["grafana-role-policies-known reader"],
        );
    });
});
