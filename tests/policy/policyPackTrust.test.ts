/**
 * The policy pack as an attacker tries it, who may assume a role: every principal form and
 * condition operator; and any value of any type in any property, unknown values behind the
 * engine's proxy: a violation or nothing, never an exception or a hang.
 */
import assert from "node:assert/strict";
import { PackConfig, evaluatePlans } from "../../policy/offline";
import { POLICIES } from "../../policy/pack";
import { GRANT_TYPES } from "../../policy/resourceGrants";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import {
    Doc,
    EXTERNAL_ID,
    PACK_CONFIG,
    R,
    ROLE,
    WORKSPACE_ROLE,
    doc,
    reported,
    role,
    stack,
    trustStatement,
    withGrafana,
} from "../support/handWrittenStack";

describe("policy pack against hand-written stacks: trust and any input", function () {
    this.timeout(60_000);

    describe("every way it may be assumed", () => {
        const trusted = async (
            statements: Doc[],
            inputs: Record<string, unknown> = {},
            config: PackConfig = PACK_CONFIG,
        ) => reported(stack(role({ assumeRolePolicy: doc(...statements), ...inputs })), config);
        const untagged = { tags: { Team: "billing" } };
        const TRUST = [
            "grafana-trust-pins-workspace-role reader",
            "grafana-trust-requires-external-id reader",
        ];

        it("takes in a role anyone or a Grafana account may assume, tagged or not", async () => {
            // Principal * held only by aws:PrincipalAccount: every principal of that account, the workspace
            // role included.
            const anyone = {
                Effect: "Allow",
                Principal: "*",
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } },
            };
            assert.deepEqual(await trusted([anyone], untagged), ["grafana-roles-tagged reader", ...TRUST]);
            assert.deepEqual(await trusted([{ ...anyone, Principal: { AWS: "*" } }], untagged), [
                "grafana-roles-tagged reader",
                ...TRUST,
            ]);
            assert.deepEqual(
                await trusted(
                    [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:*" }],
                    untagged,
                ),
                ["grafana-roles-tagged reader", ...TRUST],
            );
            const grafanaAccount = {
                Effect: "Allow",
                Principal: { AWS: "111122223333" },
                Action: "sts:AssumeRole",
            };
            // An account root lets in every role of the account: without Grafana accounts in the
            // config, any account may host a workspace; with them, another account's root is out.
            assert.deepEqual(await trusted([grafanaAccount], untagged, { all: "mandatory" }), [
                "grafana-roles-tagged reader",
                ...TRUST,
            ]);
            const elsewhere = withGrafana({});
            for (const k of Object.keys(elsewhere))
                if (k !== "all") elsewhere[k] = { grafanaAccountIds: ["444455556666"] };
            assert.deepEqual(await trusted([grafanaAccount], untagged, elsewhere), []);
            const config = Object.fromEntries(
                [
                    "grafana-trust-pins-workspace-role",
                    "grafana-trust-requires-external-id",
                    "grafana-roles-tagged",
                ].map((p) => [p, { grafanaAccountIds: ["111122223333"] }]),
            );
            assert.deepEqual(await trusted([grafanaAccount], untagged, config), [
                "grafana-roles-tagged reader",
                ...TRUST,
            ]);
            // A trust with NotAction lets the AMG role in with sts:AssumeRole.
            assert.deepEqual(
                await trusted([trustStatement({ Action: undefined, NotAction: "iam:*" })], untagged),
                ["grafana-roles-tagged reader", "grafana-trust-pins-workspace-role reader"],
            );
        });

        it("refuses IfExists, set operators and wildcards in the pin and the external ID", async () => {
            const c = (Condition: Doc) => [trustStatement({ Condition })];
            assert.deepEqual(
                await trusted(
                    c({
                        ArnEqualsIfExists: { "aws:PrincipalArn": WORKSPACE_ROLE },
                        StringEqualsIfExists: { "sts:ExternalId": EXTERNAL_ID },
                    }),
                ),
                TRUST,
            );
            assert.deepEqual(
                await trusted(
                    c({
                        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" },
                        StringEquals: { "sts:ExternalId": EXTERNAL_ID },
                    }),
                ),
                ["grafana-trust-pins-workspace-role reader"],
            );
            assert.deepEqual(
                await trusted(
                    c({
                        ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE },
                        "ForAllValues:StringEquals": { "sts:ExternalId": EXTERNAL_ID },
                    }),
                ),
                ["grafana-trust-requires-external-id reader"],
            );
            assert.deepEqual(
                await trusted(
                    c({
                        ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE },
                        StringLike: { "sts:ExternalId": "*" },
                    }),
                ),
                ["grafana-trust-requires-external-id reader"],
            );
            assert.deepEqual(
                await trusted(
                    c({
                        ArnEquals: { "aws:PrincipalArn": "${aws:PrincipalArn}" },
                        StringEquals: { "sts:ExternalId": EXTERNAL_ID },
                    }),
                ),
                ["grafana-trust-pins-workspace-role reader"],
            );
        });

        it("refuses a policy text with a key twice in one object, however it is spelled (readers disagree on which wins)", async () => {
            const good = JSON.stringify(trustStatement().Condition);
            const text =
                `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` +
                `{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",` +
                `"Condition":{},"Cond\\u0069tion":${good}}]}`;
            assert.equal(JSON.parse(text).Statement[0].Condition.StringEquals["sts:ExternalId"], EXTERNAL_ID);
            const v = await evaluatePlans([stack(role({ assumeRolePolicy: text }))], PACK_CONFIG);
            assert.deepEqual(
                v.map((x) => x.policy),
                ["grafana-trust-pins-workspace-role"],
            );
            assert.match(
                v[0].message,
                /the trust policy of role reader has the key "Condition" twice in one object/,
            );
            const policy =
                '{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Effect":"Allow"}]}';
            assert.deepEqual(await reported(stack(role({ inlinePolicies: [{ name: "p", policy }] }))), [
                "grafana-role-policies-known reader",
            ]);
        });

        it("refuses any other statement or principal beside the workspace role: GitHub OIDC, a role of another account, a service, NotAction", async () => {
            const github = {
                Sid: "GitHub",
                Effect: "Allow",
                Principal: {
                    Federated: "arn:aws:iam::222233334444:oidc-provider/token.actions.githubusercontent.com",
                },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } },
            };
            assert.deepEqual(await trusted([trustStatement(), github]), TRUST);
            const messages = (
                await evaluatePlans(
                    [stack(role({ assumeRolePolicy: doc(trustStatement(), github) }))],
                    PACK_CONFIG,
                )
            ).map((v) => v.message);
            assert.ok(
                messages.some((m) =>
                    /trust statement "GitHub" of role reader allows sts:AssumeRoleWithWebIdentity, not exactly sts:AssumeRole/.test(
                        m,
                    ),
                ),
                messages.join("\n"),
            );
            const other = trustStatement({
                Principal: {
                    AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::999988887777:role/intruder"],
                },
            });
            assert.deepEqual(await trusted([other]), ["grafana-trust-pins-workspace-role reader"]);
            assert.deepEqual(
                await trusted([
                    trustStatement({
                        Principal: { AWS: "arn:aws:iam::111122223333:root", Service: "ec2.amazonaws.com" },
                    }),
                ]),
                ["grafana-trust-pins-workspace-role reader"],
            );
            assert.deepEqual(
                await trusted([trustStatement({ Action: ["sts:AssumeRole", "sts:TagSession"] })]),
                ["grafana-trust-pins-workspace-role reader"],
            );
            // The workspace role named directly needs no pin; a role the config names is one too.
            assert.deepEqual(
                await trusted([
                    trustStatement({
                        Principal: { AWS: WORKSPACE_ROLE },
                        Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } },
                    }),
                ]),
                [],
            );
        });
    });

    describe("any value of any type, in bounded time", () => {
        const weird: unknown[] = [
            null,
            0,
            -1.5,
            true,
            "",
            "x",
            "*",
            [],
            [null],
            {},
            { Statement: null },
            "{",
            "[1]",
            ["*"],
            { a: { b: [1, { c: null }] } },
        ];

        it("never throws on any value in any property of any resource the pack reads", async () => {
            const types = [
                ROLE,
                "aws-native:iam:Role",
                "aws:iam/rolePolicy:RolePolicy",
                "aws:iam/policy:Policy",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws:iam/policyAttachment:PolicyAttachment",
                "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
                "aws-native:iam:RolePolicy",
                "aws-native:iam:ManagedPolicy",
                "aws:athena/workgroup:Workgroup",
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketPolicy:BucketPolicy",
                ...Object.values(GRANT_TYPES),
                "pulumi:providers:aws",
            ];
            const keys = [
                "name",
                "namePrefix",
                "roleName",
                "role",
                "roles",
                "policy",
                "policyArn",
                "policyArns",
                "policyNames",
                "policyDocument",
                "policies",
                "assumeRolePolicy",
                "assumeRolePolicyDocument",
                "inlinePolicies",
                "managedPolicyArns",
                "tags",
                "configuration",
                "bucket",
                "path",
                "principal",
                "permissions",
                "permissionsWithGrantOptions",
                "table",
                "database",
                "catalogResource",
                "resource",
                "dataLakePrincipal",
                "granteePrincipal",
                "operations",
                "keyPolicy",
                "allowedAccountIds",
            ];
            for (const value of weird) {
                const resources: R[] = [role()];
                for (const type of types)
                    resources.push([
                        type,
                        `w-${resources.length}`,
                        Object.fromEntries(keys.map((k) => [k, value])),
                    ]);
                // A tagged role whose every property is that value.
                resources.push([
                    ROLE,
                    "odd",
                    {
                        ...Object.fromEntries(keys.map((k) => [k, value])),
                        tags: { GrafanaDataSource: value },
                    },
                ]);
                const v = await evaluatePlans([stack(...resources)], PACK_CONFIG);
                assert.ok(
                    v.every((x) => !/could not judge/.test(x.message)),
                    `${JSON.stringify(value)}: ${v.map((x) => x.message).join("\n")}`,
                );
            }
            // tags as a string, and a trust statement whose every part is odd: reported, no TypeError.
            const odd = stack(
                role({
                    tags: "GrafanaDataSource",
                    assumeRolePolicy: doc({ Effect: 1, Principal: 2, Action: [3], Condition: "x" }),
                }),
            );
            assert.ok((await reported(odd)).includes("grafana-trust-pins-workspace-role reader"));
        });

        it("reads a cyclic or very deep document and a huge list without hanging", async () => {
            const cyclic: Record<string, unknown> = { Statement: [] };
            (cyclic.Statement as unknown[]).push(cyclic);
            let deep: unknown = "x";
            for (let i = 0; i < 100_000; i++) deep = [deep];
            const huge = Array.from({ length: 200_000 }, (_, i) => `arn:aws:iam::111122223333:role/r${i}`);
            const plan = stack(
                [
                    "aws-native:iam:Role",
                    "cyclic",
                    {
                        roleName: "c",
                        assumeRolePolicyDocument: cyclic,
                        tags: [{ key: "GrafanaDataSource", value: "true" }],
                        policies: [{ policyName: "d", policyDocument: deep }],
                    },
                ],
                role({ assumeRolePolicy: doc(trustStatement({ Principal: { AWS: huge } })) }),
            );
            const v = (await reported(plan)).filter(
                (x) =>
                    x.startsWith("grafana-trust-pins-workspace-role") ||
                    x.startsWith("grafana-role-policies-known"),
            );
            assert.deepEqual(v, [
                "grafana-role-policies-known cyclic",
                "grafana-trust-pins-workspace-role cyclic",
                "grafana-trust-pins-workspace-role reader",
            ]);
        });
    });

    describe("under the engine (pulumi preview --policy-pack policy)", () => {
        // @pulumi/policy 1.21.0 hands props behind this proxy, with unknown values as these sentinels
        // (proxy.js).
        const proxy = require("@pulumi/policy/proxy") as {
            unknownCheckingProxy: (o: unknown) => Record<string, unknown>;
            unknownStringValue: string;
            unknownArrayValue: string;
        };
        const engine = (
            resources: R[],
            deps: Record<string, Record<string, string[]>> = {},
        ): PolicyResource[] => {
            const out = resources.map(
                ([type, name, inputs]) =>
                    ({
                        type,
                        name,
                        urn: `urn:pulumi:prod::billing::${type}::${name}`,
                        props: proxy.unknownCheckingProxy(inputs),
                        opts: {},
                        dependencies: [],
                        propertyDependencies: {},
                    }) as unknown as PolicyResource,
            );
            for (const r of out) {
                for (const [prop, names] of Object.entries(deps[r.name] ?? {}))
                    (r.propertyDependencies as Record<string, PolicyResource[]>)[prop] = names.map((n) =>
                        out.find((x) => x.name === n)!,
                    );
            }
            return out;
        };
        async function report(resources: PolicyResource[], config = {}): Promise<string[]> {
            const out: string[] = [];
            for (const p of POLICIES) {
                const args = {
                    resources,
                    stackTags: new Map(),
                    getConfig: () => config,
                    notApplicable: () => undefined,
                } as unknown as StackValidationArgs;
                await p.validateStack(args, (message, urn) =>
                    out.push(`${p.name} ${urn?.split("::").pop()} ${message.split(". Fix: ")[0]}`),
                );
            }
            return out.sort();
        }

        it("judges a stack whose values are unknown in the preview instead of letting the engine switch the policy off", async () => {
            const unknown = proxy.unknownStringValue;
            const resources = engine(
                [
                    role({ assumeRolePolicy: unknown }),
                    [
                        "aws:iam/policy:Policy",
                        "wide",
                        { name: unknown, policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) },
                    ],
                    [
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "attach",
                        { role: unknown, policyArn: unknown },
                    ],
                ],
                { attach: { role: ["reader"], policyArn: ["wide"] } },
            );
            const names = (await report(resources)).map((l) => l.split(" ").slice(0, 2).join(" "));
            // The trust is unknown (judged when known); the attached policy is judged through the engine's
            // dependencies.
            assert.deepEqual(names, [
                "grafana-role-no-read-on-wildcard wide",
                "grafana-role-no-write-on-wildcard wide",
            ]);
        });

        it("connects a role and a policy by URN, and refuses an attachment whose policy is unknown and comes from no policy", async () => {
            const resources = engine([
                role(),
                [
                    "aws:iam/policy:Policy",
                    "wide",
                    { name: "wide", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
                ],
                [
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "by-urn",
                    {
                        role: "urn:pulumi:prod::billing::aws:iam/role:Role::reader",
                        policyArn: "urn:pulumi:prod::billing::aws:iam/policy:Policy::wide",
                    },
                ],
                [
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "mystery",
                    { role: "reader", policyArn: proxy.unknownStringValue },
                ],
            ]);
            assert.deepEqual(await report(resources, { grafanaAccountIds: ["111122223333"] }), [
                'grafana-role-no-read-on-wildcard wide statement "#1" of policy wide of role ' +
                    'reader allows s3:GetObject on "*": reads beyond named resources',
                "grafana-role-policies-known mystery attaches a policy to role reader: it is not known and " +
                    "comes from no policy of this stack, so the pack cannot judge what it grants",
            ]);
        });
    });
});
