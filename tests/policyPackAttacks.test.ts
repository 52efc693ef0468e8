/**
 * The policy pack as an attacker tries it: every way a role gets permissions and every way it may
 * be assumed, written by hand as another team's stack would, is reported; the safe shapes pass;
 * any value of any type in any property is a violation or nothing, never an exception or a hang.
 */
import assert from "node:assert/strict";
import type { Plan } from "../tools/plan/format";
import { evaluatePlans } from "../policy/offline";
import { globMatch } from "../policy/glob";
import { POLICIES } from "../policy/pack";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";

const ROLE = "aws:iam/role:Role";
const WORKSPACE_ROLE = "arn:aws:iam::111122223333:role/service-role/AmazonGrafanaServiceRole-ba0ee73bc";
const EXTERNAL_ID = "f".repeat(40);
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

type Doc = Record<string, unknown>;
const doc = (...Statement: Doc[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const trustStatement = (extra: Doc = {}): Doc => ({
    Sid: "Grafana",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111122223333:root" },
    Action: "sts:AssumeRole",
    Condition: { ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE }, StringEquals: { "sts:ExternalId": EXTERNAL_ID } },
    ...extra,
});
const READ = { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::sales-data/warehouse/*" };

type R = [type: string, name: string, inputs: Record<string, unknown>];
/** A role Grafana may assume, as a careful team writes it: tagged, pinned trust, one named read. */
const role = (inputs: Record<string, unknown> = {}): R => [ROLE, "reader", { name: "reader", assumeRolePolicy: doc(trustStatement()), tags: { GrafanaDataSource: "true" }, inlinePolicies: [{ name: "read", policy: doc(READ) }], ...inputs }];

function stack(...resources: R[]): Plan {
    return {
        project: "billing",
        stack: "prod",
        reads: [],
        outputs: {},
        secretOutputs: [],
        resources: resources.map(([type, name, inputs]) => ({
            type,
            name,
            parent: null,
            provider: null,
            inputs,
            options: { protect: false, retainOnDelete: false, import: null, dependsOn: [], additionalSecretOutputs: [], deleteBeforeReplace: false, ignoreChanges: [] },
        })),
    };
}
/** `policy resource` per violation, sorted. */
const reported = async (p: Plan, config = {}) => (await evaluatePlans([p], config)).map((v) => `${v.policy} ${v.resource}`).sort();
const messages = async (p: Plan, policy: string) => (await evaluatePlans([p])).filter((v) => v.policy === policy).map((v) => v.message);

describe("policy pack against hand-written stacks", function () {
    this.timeout(60_000);

    it("passes a careful team's role, and does not judge a role Grafana cannot assume", async () => {
        assert.deepEqual(await reported(stack(role())), []);
        const lambda = doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
        const github = doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::222233334444:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } } });
        const otherAccount = doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:role/ci" }, Action: "sts:AssumeRole" });
        for (const trust of [lambda, github, otherAccount]) {
            assert.deepEqual(await reported(stack([ROLE, "deployer", { name: "deployer", assumeRolePolicy: trust, managedPolicyArns: [ADMIN] }])), []);
        }
    });

    describe("every way a role gets permissions", () => {
        it("refuses AWS managed policies by managedPolicyArns, RolePolicyAttachment, PolicyAttachment and RolePolicyAttachmentsExclusive, unless the config allows the ARN", async () => {
            const plan = stack(
                role({ managedPolicyArns: [ADMIN] }),
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3-read", { role: "reader", policyArn: S3_READ_ONLY }],
                ["aws:iam/policyAttachment:PolicyAttachment", "admin-too", { name: "x", roles: ["arn:aws:iam::222233334444:role/reader"], policyArn: ADMIN }],
                ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "READER", policyArns: [ADMIN] }],
            );
            assert.deepEqual(await reported(plan), [
                "grafana-role-policies-known admin-too",
                "grafana-role-policies-known exclusive",
                "grafana-role-policies-known reader",
                "grafana-role-policies-known s3-read",
            ]);
            assert.match((await messages(plan, "grafana-role-policies-known"))[0], /attaches the AWS managed policy arn:aws:iam::aws:policy\/AdministratorAccess to role reader/);
            const allow = { "grafana-role-policies-known": { allowedPolicyArns: [ADMIN, S3_READ_ONLY] } };
            assert.deepEqual(await reported(plan, allow), []);
        });

        it("judges customer managed policies attached by ARN, name, URN or dependency, role policies, and aws-native roles and policies", async () => {
            const wide = doc({ Sid: "Wide", Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
            const plan = stack(
                role(),
                ["aws:iam/policy:Policy", "wide", { name: "Wide", path: "/team/", policy: wide }],
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "by-arn", { role: "arn:aws:iam::222233334444:role/reader", policyArn: "arn:aws:iam::222233334444:policy/team/wide" }],
                ["aws:iam/rolePolicy:RolePolicy", "inline", { role: "reader", name: "more", policy: doc({ Effect: "Allow", Action: "glue:GetTable", Resource: "*" }) }],
                ["aws-native:iam:RolePolicy", "native-inline", { roleName: "reader", policyName: "n", policyDocument: { Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] } }],
                ["aws-native:iam:ManagedPolicy", "native-managed", { roles: ["urn:pulumi:prod::billing::aws:iam/role:Role::reader"], policyDocument: { Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::*" }] } }],
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
                { roleName: "native", assumeRolePolicyDocument: { Statement: [trustStatement()] }, tags: [{ key: "GrafanaDataSource", value: "true" }], policies: [{ policyName: "p", policyDocument: { Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] } }], managedPolicyArns: [ADMIN] },
            ]);
            assert.deepEqual(await reported(native), ["grafana-role-no-write-on-wildcard native-role", "grafana-role-policies-known native-role"]);
        });

        it("connects an attachment to a role named by namePrefix, and to every Grafana role when its role is unknown", async () => {
            const prefixed = role({ name: undefined, namePrefix: "grafana-" });
            assert.deepEqual(await reported(stack(prefixed, ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "grafana-20261207", policyArn: ADMIN }])), ["grafana-role-policies-known admin"]);
            // In an offline plan a role name the provider picks is absent: the attachment may be for any role.
            assert.deepEqual(await reported(stack(prefixed, ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { policyArn: ADMIN }])), ["grafana-role-policies-known admin"]);
            assert.deepEqual(await reported(stack(role(), ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "other", { role: "someone-else", policyArn: ADMIN }])), []);
        });

        it("refuses a RolePoliciesExclusive that keeps an inline policy the stack does not define, and never passes because of a permissions boundary", async () => {
            const plan = stack(role(), ["aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "keep", { roleName: "reader", policyNames: ["read", "legacy-admin"] }]);
            assert.deepEqual(await reported(plan), ["grafana-role-policies-known keep"]);
            assert.match((await messages(plan, "grafana-role-policies-known"))[0], /keeps the inline policy "legacy-admin" on role reader/);
            const bounded = role({ permissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess", inlinePolicies: [{ name: "all", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }] });
            assert.deepEqual(await reported(stack(bounded)), [
                "grafana-athena-through-tagged-workgroup reader",
                "grafana-role-no-read-on-wildcard reader",
                "grafana-role-no-write-on-wildcard reader",
            ]);
        });
    });

    describe("what such a role may be granted", () => {
        const grants = async (...statements: Doc[]) => reported(stack(role({ inlinePolicies: [{ name: "p", policy: doc(...statements) }] })));

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
                assert.deepEqual(await grants({ Effect: "Allow", Action: action, Resource: resource }), ["grafana-role-no-read-on-wildcard reader"], `${action} on ${resource}`);
            }
            assert.deepEqual(await grants({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::*" }), ["grafana-role-no-read-on-wildcard reader", "grafana-role-no-write-on-wildcard reader"]);
            assert.deepEqual(await grants({ Effect: "Allow", Action: "S3:PUTOBJECT", Resource: "arn:aws:s3:::results-bucket*" }), ["grafana-role-no-write-on-wildcard reader"]);
        });

        it("allows what names its resources, List actions without resource-level permissions on *, and any Deny", async () => {
            assert.deepEqual(
                await grants(
                    { Effect: "Allow", Action: ["athena:ListWorkGroups", "athena:ListDataCatalogs"], Resource: "*" },
                    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::sales-data/warehouse/*" },
                    { Effect: "Allow", Action: "glue:GetTable", Resource: "arn:aws:glue:eu-west-1:222233334444:table/sales/*" },
                    { Effect: "Deny", NotAction: "s3:GetObject", NotResource: "arn:aws:s3:::sales-data/*" },
                ),
                [],
            );
        });

        it("refuses NotAction and NotResource allows, Effects IAM refuses, and actions that are not in the IAM catalog", async () => {
            assert.deepEqual(await grants({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::sales-data/x" }), ["grafana-role-no-not-action reader"]);
            assert.deepEqual(await grants({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }), ["grafana-role-no-not-action reader", "grafana-role-no-read-on-wildcard reader"]);
            assert.deepEqual(await grants({ Effect: "allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::sales-data/x" }), ["grafana-role-policies-known reader"]);
            assert.deepEqual(await grants({ Effect: "Allow", Action: "s3:GetObjekt", Resource: "arn:aws:s3:::sales-data/x" }), ["grafana-role-policies-known reader"]);
        });
    });

    describe("every way it may be assumed", () => {
        const trusted = async (statements: Doc[], inputs: Record<string, unknown> = {}, config = {}) =>
            reported(stack(role({ assumeRolePolicy: doc(...statements), ...inputs })), config);
        const untagged = { tags: { Team: "billing" } };
        const TRUST = ["grafana-trust-pins-workspace-role reader", "grafana-trust-requires-external-id reader"];

        it("takes in a role anyone or a Grafana account may assume, tagged or not", async () => {
            // Principal * held only by aws:PrincipalAccount: every principal of that account, the workspace role included.
            const anyone = { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } } };
            assert.deepEqual(await trusted([anyone], untagged), ["grafana-roles-tagged reader", ...TRUST]);
            assert.deepEqual(await trusted([{ ...anyone, Principal: { AWS: "*" } }], untagged), ["grafana-roles-tagged reader", ...TRUST]);
            assert.deepEqual(await trusted([{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "sts:*" }], untagged), ["grafana-roles-tagged reader", ...TRUST]);
            const grafanaAccount = { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" };
            assert.deepEqual(await trusted([grafanaAccount], untagged, { all: "mandatory" }), []);
            const config = Object.fromEntries(["grafana-trust-pins-workspace-role", "grafana-trust-requires-external-id", "grafana-roles-tagged"].map((p) => [p, { grafanaAccountIds: ["111122223333"] }]));
            assert.deepEqual(await trusted([grafanaAccount], untagged, config), ["grafana-roles-tagged reader", ...TRUST]);
            // A trust with NotAction lets the AMG role in with sts:AssumeRole.
            assert.deepEqual(await trusted([trustStatement({ Action: undefined, NotAction: "iam:*" })], untagged), ["grafana-roles-tagged reader", "grafana-trust-pins-workspace-role reader"]);
        });

        it("refuses IfExists, set operators and wildcards in the pin and the external ID", async () => {
            const c = (Condition: Doc) => [trustStatement({ Condition })];
            assert.deepEqual(await trusted(c({ ArnEqualsIfExists: { "aws:PrincipalArn": WORKSPACE_ROLE }, StringEqualsIfExists: { "sts:ExternalId": EXTERNAL_ID } })), TRUST);
            assert.deepEqual(await trusted(c({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" }, StringEquals: { "sts:ExternalId": EXTERNAL_ID } })), ["grafana-trust-pins-workspace-role reader"]);
            assert.deepEqual(await trusted(c({ ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE }, "ForAllValues:StringEquals": { "sts:ExternalId": EXTERNAL_ID } })), ["grafana-trust-requires-external-id reader"]);
            assert.deepEqual(await trusted(c({ ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE }, StringLike: { "sts:ExternalId": "*" } })), ["grafana-trust-requires-external-id reader"]);
            assert.deepEqual(await trusted(c({ ArnEquals: { "aws:PrincipalArn": "${aws:PrincipalArn}" }, StringEquals: { "sts:ExternalId": EXTERNAL_ID } })), ["grafana-trust-pins-workspace-role reader"]);
        });

        it("refuses a policy text with a key twice in one object, however it is spelled (readers disagree on which wins)", async () => {
            const good = JSON.stringify(trustStatement().Condition);
            const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{},"Cond\\u0069tion":${good}}]}`;
            assert.equal(JSON.parse(text).Statement[0].Condition.StringEquals["sts:ExternalId"], EXTERNAL_ID);
            const v = await evaluatePlans([stack(role({ assumeRolePolicy: text }))]);
            assert.deepEqual(v.map((x) => x.policy), ["grafana-trust-pins-workspace-role"]);
            assert.match(v[0].message, /the trust policy of role reader has the key "Condition" twice in one object/);
            const policy = '{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Effect":"Allow"}]}';
            assert.deepEqual(await reported(stack(role({ inlinePolicies: [{ name: "p", policy }] }))), ["grafana-role-policies-known reader"]);
        });

        it("refuses any other statement or principal beside the workspace role: GitHub OIDC, a role of another account, a service, NotAction", async () => {
            const github = { Sid: "GitHub", Effect: "Allow", Principal: { Federated: "arn:aws:iam::222233334444:oidc-provider/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" } } };
            assert.deepEqual(await trusted([trustStatement(), github]), TRUST);
            const messages = (await evaluatePlans([stack(role({ assumeRolePolicy: doc(trustStatement(), github) }))])).map((v) => v.message);
            assert.ok(messages.some((m) => /trust statement "GitHub" of role reader allows sts:AssumeRoleWithWebIdentity, not exactly sts:AssumeRole/.test(m)), messages.join("\n"));
            const other = trustStatement({ Principal: { AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::999988887777:role/intruder"] } });
            assert.deepEqual(await trusted([other]), ["grafana-trust-pins-workspace-role reader"]);
            assert.deepEqual(await trusted([trustStatement({ Principal: { AWS: "arn:aws:iam::111122223333:root", Service: "ec2.amazonaws.com" } })]), ["grafana-trust-pins-workspace-role reader"]);
            assert.deepEqual(await trusted([trustStatement({ Action: ["sts:AssumeRole", "sts:TagSession"] })]), ["grafana-trust-pins-workspace-role reader"]);
            // The workspace role named directly needs no pin; a role the config names is one too.
            assert.deepEqual(await trusted([trustStatement({ Principal: { AWS: WORKSPACE_ROLE }, Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } } })]), []);
        });
    });

    describe("any value of any type, in bounded time", () => {
        const weird: unknown[] = [null, 0, -1.5, true, "", "x", "*", [], [null], {}, { Statement: null }, "{", "[1]", ["*"], { a: { b: [1, { c: null }] } }];

        it("never throws on any value in any property of any resource the pack reads", async () => {
            const types = [
                ROLE, "aws-native:iam:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
                "aws-native:iam:RolePolicy", "aws-native:iam:ManagedPolicy", "aws:athena/workgroup:Workgroup", "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy",
            ];
            const keys = ["name", "namePrefix", "roleName", "role", "roles", "policy", "policyArn", "policyArns", "policyNames", "policyDocument", "policies", "assumeRolePolicy", "assumeRolePolicyDocument", "inlinePolicies", "managedPolicyArns", "tags", "configuration", "bucket", "path"];
            for (const value of weird) {
                const resources: R[] = [role()];
                for (const type of types) resources.push([type, `w-${resources.length}`, Object.fromEntries(keys.map((k) => [k, value]))]);
                // A tagged role whose every property is that value.
                resources.push([ROLE, "odd", { ...Object.fromEntries(keys.map((k) => [k, value])), tags: { GrafanaDataSource: value } }]);
                const v = await evaluatePlans([stack(...resources)]);
                assert.ok(v.every((x) => !/could not judge/.test(x.message)), `${JSON.stringify(value)}: ${v.map((x) => x.message).join("\n")}`);
            }
            // tags as a string, and a trust statement whose every part is odd: reported, no TypeError.
            const odd = stack(role({ tags: "GrafanaDataSource", assumeRolePolicy: doc({ Effect: 1, Principal: 2, Action: [3], Condition: "x" }) }));
            assert.ok((await reported(odd)).includes("grafana-trust-pins-workspace-role reader"));
        });

        it("reads a cyclic or very deep document and a huge list without hanging", async () => {
            const cyclic: Record<string, unknown> = { Statement: [] };
            (cyclic.Statement as unknown[]).push(cyclic);
            let deep: unknown = "x";
            for (let i = 0; i < 100_000; i++) deep = [deep];
            const huge = Array.from({ length: 200_000 }, (_, i) => `arn:aws:iam::111122223333:role/r${i}`);
            const plan = stack(
                ["aws-native:iam:Role", "cyclic", { roleName: "c", assumeRolePolicyDocument: cyclic, tags: [{ key: "GrafanaDataSource", value: "true" }], policies: [{ policyName: "d", policyDocument: deep }] }],
                role({ assumeRolePolicy: doc(trustStatement({ Principal: { AWS: huge } })) }),
            );
            const v = (await reported(plan)).filter((x) => x.startsWith("grafana-trust-pins-workspace-role") || x.startsWith("grafana-role-policies-known"));
            assert.deepEqual(v, ["grafana-role-policies-known cyclic", "grafana-trust-pins-workspace-role cyclic", "grafana-trust-pins-workspace-role reader"]);
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
            assert.deepEqual(await reported(stack(role({ inlinePolicies: [{ name: "p", policy: doc({ Effect: "Allow", Action: pattern, Resource: pattern }) }] }))), ["grafana-role-policies-known reader"]);
        });
    });

    describe("under the engine (pulumi preview --policy-pack policy)", () => {
        // @pulumi/policy 1.21.0 hands props behind this proxy, with unknown values as these sentinels (proxy.js).
        const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy: (o: unknown) => Record<string, unknown>; unknownStringValue: string; unknownArrayValue: string };
        const engine = (resources: R[], deps: Record<string, Record<string, string[]>> = {}): PolicyResource[] => {
            const out = resources.map(([type, name, inputs]) => ({ type, name, urn: `urn:pulumi:prod::billing::${type}::${name}`, props: proxy.unknownCheckingProxy(inputs), opts: {}, dependencies: [], propertyDependencies: {} }) as unknown as PolicyResource);
            for (const r of out) {
                for (const [prop, names] of Object.entries(deps[r.name] ?? {})) (r.propertyDependencies as Record<string, PolicyResource[]>)[prop] = names.map((n) => out.find((x) => x.name === n)!);
            }
            return out;
        };
        async function report(resources: PolicyResource[], config = {}): Promise<string[]> {
            const out: string[] = [];
            for (const p of POLICIES) {
                const args = { resources, stackTags: new Map(), getConfig: () => config, notApplicable: () => undefined } as unknown as StackValidationArgs;
                await p.validateStack(args, (message, urn) => out.push(`${p.name} ${urn?.split("::").pop()} ${message.split(". Fix: ")[0]}`));
            }
            return out.sort();
        }

        it("judges a stack whose values are unknown in the preview instead of letting the engine switch the policy off", async () => {
            const unknown = proxy.unknownStringValue;
            const resources = engine(
                [
                    role({ assumeRolePolicy: unknown }),
                    ["aws:iam/policy:Policy", "wide", { name: unknown, policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) }],
                    ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: unknown, policyArn: unknown }],
                ],
                { attach: { role: ["reader"], policyArn: ["wide"] } },
            );
            const names = (await report(resources)).map((l) => l.split(" ").slice(0, 2).join(" "));
            // The trust is unknown (judged when known); the attached policy is judged through the engine's dependencies.
            assert.deepEqual(names, ["grafana-role-no-read-on-wildcard wide", "grafana-role-no-write-on-wildcard wide"]);
        });

        it("connects a role and a policy by URN, and refuses an attachment whose policy is unknown and comes from no policy", async () => {
            const resources = engine([
                role(),
                ["aws:iam/policy:Policy", "wide", { name: "wide", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }],
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "by-urn", { role: "urn:pulumi:prod::billing::aws:iam/role:Role::reader", policyArn: "urn:pulumi:prod::billing::aws:iam/policy:Policy::wide" }],
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mystery", { role: "reader", policyArn: proxy.unknownStringValue }],
            ]);
            assert.deepEqual(await report(resources), [
                'grafana-role-no-read-on-wildcard wide statement "#1" of policy wide of role reader allows s3:GetObject on "*": reads beyond named resources',
                "grafana-role-policies-known mystery attaches a policy to role reader: it is not known and comes from no policy of this stack, so the pack cannot judge what it grants",
            ]);
        });
    });
});
