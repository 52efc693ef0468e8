/**
 * The policy pack on who counts as Grafana: AMG's service role is a workspace role only in an
 * account the pack knows as Grafana's (the config's, else the stack's own), an account root lets
 * a role in scope whenever that account may host Grafana, and a role the Grafana service itself
 * may assume (a workspace role) is judged: its trust pinned by aws:SourceAccount, its permissions
 * as a data source role's. The IAM evaluator shows each refused trust does let someone else in.
 */
import assert from "node:assert/strict";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { POLICIES } from "../../policy/pack";
import { evaluatePlans } from "../../policy/offline";
import type { PolicyJson } from "../../shared/iam/policy";
import { workspaceRoleTrust } from "../../shared/grafana/workspaceResource";
import { assumeOrganizationRolesPolicy, assumeSourceRolesPolicy } from "../../shared/policies/workspaceRole";
import { publishAlertsPolicy } from "../../shared/policies/alertTopics";
import { trustAllows } from "../support/simulate";
import {
    ADMIN,
    Doc,
    EXTERNAL_ID,
    GRAFANA_ACCOUNT,
    PACK_CONFIG,
    R,
    ROLE,
    doc,
    reported,
    role,
    stack,
    trustStatement,
} from "../support/handWrittenStack";

const ATTACKER = "999988887777";
const ATTACKER_AMG = `arn:aws:iam::${ATTACKER}:role/service-role/AmazonGrafanaServiceRole-x`;
const ATTACKER_SESSION = `arn:aws:sts::${ATTACKER}:assumed-role/AmazonGrafanaServiceRole-x/grafana`;
const READER_ARN = "arn:aws:iam::222233334444:role/reader";
const TRUST = ["grafana-trust-pins-workspace-role reader", "grafana-trust-requires-external-id reader"];
const provider = (name: string, allowedAccountIds: unknown): R => [
    "pulumi:providers:aws",
    name,
    { region: "eu-west-1", allowedAccountIds },
];
const json = (d: string) => JSON.parse(d) as PolicyJson;

describe("policy pack: who counts as Grafana", function () {
    this.timeout(60_000);

    describe("AMG's service role and account roots (rule S4)", () => {
        const pinned = trustStatement({
            Principal: { AWS: `arn:aws:iam::${ATTACKER}:root` },
            Condition: {
                ArnEquals: { "aws:PrincipalArn": ATTACKER_AMG },
                StringEquals: { "sts:ExternalId": EXTERNAL_ID },
            },
        });
        const direct = trustStatement({
            Principal: { AWS: ATTACKER_AMG },
            Condition: { StringEquals: { "sts:ExternalId": EXTERNAL_ID } },
        });

        it("without Grafana accounts in the config, refuses AMG's role of an account that is not the stack's own, naming the key to set", async () => {
            for (const s of [pinned, direct]) {
                // The trust does let the other account's Grafana in.
                assert.equal(
                    await trustAllows(json(doc(s)), READER_ARN, ATTACKER_SESSION, {
                        "sts:ExternalId": EXTERNAL_ID,
                        "aws:PrincipalArn": ATTACKER_AMG,
                    }),
                    true,
                );
                const v = await evaluatePlans([stack(role({ assumeRolePolicy: doc(s) }))], {});
                assert.deepEqual(
                    v.map((x) => `${x.policy} ${x.resource}`),
                    ["grafana-trust-pins-workspace-role reader"],
                );
                assert.match(
                    v[0].message,
                    /AMG's service role of account 999988887777, which the pack does not know as your Grafana account .*grafanaAccountIds/,
                );
                assert.ok(!v[0].message.includes("\n"));
            }
            // Untagged, and by its session's ARN: still a Grafana role, still refused.
            const session = trustStatement({ Principal: { AWS: ATTACKER_SESSION } });
            assert.deepEqual(await reported(stack(role({ assumeRolePolicy: doc(session), tags: {} })), {}), [
                "grafana-roles-tagged reader",
                "grafana-trust-pins-workspace-role reader",
            ]);
            // IAM's role names ignore case: a lower-case spelling is AMG's role too.
            const lower = trustStatement({
                Principal: { AWS: ATTACKER_AMG.toLowerCase() },
            });
            assert.deepEqual(await reported(stack(role({ assumeRolePolicy: doc(lower), tags: {} })), {}), [
                "grafana-roles-tagged reader",
                "grafana-trust-pins-workspace-role reader",
            ]);
            // With the config naming the Grafana account, the other account's AMG role is refused too.
            const v = await evaluatePlans([stack(role({ assumeRolePolicy: doc(direct) }))], PACK_CONFIG);
            assert.match(v[0].message, /not a Grafana account of the pack's config \(grafanaAccountIds\)/);
        });

        it("passes AMG's role of the role's own account: its provider pinned to exactly that one account", async () => {
            const plan = (p: R, use = true) => {
                const planned = stack(role({ assumeRolePolicy: doc(pinned) }), p);
                if (use) planned.resources[0].provider = p[1];
                return planned;
            };
            assert.deepEqual(await reported(plan(provider("own", JSON.stringify([ATTACKER]))), {}), []);
            assert.deepEqual(await reported(plan(provider("own", [ATTACKER])), {}), []);
            // A provider that allows several accounts, or something else, names none.
            for (const ids of [[ATTACKER, GRAFANA_ACCOUNT], "not json", [1], null, "[".repeat(5000)])
                assert.deepEqual(
                    await reported(plan(provider("loose", ids)), {}),
                    ["grafana-trust-pins-workspace-role reader"],
                    JSON.stringify(ids).slice(0, 40),
                );
            // Another provider of the stack pinned to that account, not the role's: any stack may add one.
            assert.deepEqual(await reported(plan(provider("own", [ATTACKER]), false), {}), [
                "grafana-trust-pins-workspace-role reader",
            ]);
            // Under the engine, the role's own provider says its account.
            const resource = (p: Record<string, unknown>) =>
                ({
                    type: ROLE,
                    name: "reader",
                    urn: `urn:pulumi:prod::billing::${ROLE}::reader`,
                    props: role({ assumeRolePolicy: doc(pinned) })[2],
                    provider: { type: "pulumi:providers:aws", name: "default", urn: "urn:p", props: p },
                    opts: {},
                    dependencies: [],
                    propertyDependencies: {},
                }) as unknown as PolicyResource;
            const pins = POLICIES.find((p) => p.name === "grafana-trust-pins-workspace-role")!;
            const engine = async (p: Record<string, unknown>) => {
                const out: string[] = [];
                const args = {
                    resources: [resource(p)],
                    getConfig: () => ({}),
                } as unknown as StackValidationArgs;
                await pins.validateStack(args, (m) => out.push(m));
                return out.length;
            };
            assert.equal(await engine({ allowedAccountIds: [ATTACKER] }), 0);
            assert.equal(await engine({ allowedAccountIds: [GRAFANA_ACCOUNT] }), 1);
            assert.equal(await engine({}), 1);
        });

        it("takes in a role trusting an account root, which lets in every role of that account, when the account may host Grafana", async () => {
            const root = {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ATTACKER}:root` },
                Action: "sts:AssumeRole",
            };
            // Any role of the account, AMG's included, may assume it when its own policy allows.
            assert.equal(await trustAllows(json(doc(root)), READER_ARN, ATTACKER_SESSION), true);
            const untagged = { tags: { Team: "billing" }, inlinePolicies: [] };
            for (const principal of [`arn:aws:iam::${ATTACKER}:root`, ATTACKER, [READER_ARN, ATTACKER]]) {
                const s = { ...root, Principal: { AWS: principal } };
                const plan = stack(role({ assumeRolePolicy: doc(s), ...untagged }));
                assert.deepEqual(await reported(plan, {}), ["grafana-roles-tagged reader", ...TRUST]);
                // The config names the Grafana accounts: another account's root is not Grafana's.
                assert.deepEqual(await reported(plan, PACK_CONFIG), []);
            }
        });
    });

    describe("a role the Grafana service may assume (rules S6, T3)", () => {
        const WORKSPACE_ROLE_NAME = "grafana-workspace";
        const SOURCE_ROLE = "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena";
        const ours = () =>
            json(JSON.stringify(workspaceRoleTrust(GRAFANA_ACCOUNT, "eu-west-1", "aws").toJSON()));
        const workspaceRole = (trust: unknown, policies: unknown[] = []): R => [
            ROLE,
            "workspace",
            { name: WORKSPACE_ROLE_NAME, assumeRolePolicy: JSON.stringify(trust), inlinePolicies: policies },
        ];
        const inline = (name: string, d: unknown) => ({ name, policy: JSON.stringify(d) });
        const assume = inline("assume", assumeSourceRolesPolicy([SOURCE_ROLE]).toJSON());
        const org = inline(
            "org",
            assumeOrganizationRolesPolicy("AmazonManagedGrafana-CrossAccountAthena", "o-abcdef0123"),
        );
        const publish = inline(
            "publish",
            publishAlertsPolicy(["arn:aws:sns:eu-west-1:111122223333:alerts"]).toJSON(),
        );
        const withStatement = (extra: Doc) => {
            const t = ours();
            Object.assign(t.Statement[0], extra);
            return t;
        };
        const problems = async (trust: unknown, config = PACK_CONFIG, ...more: R[]) => {
            const planned = stack(workspaceRole(trust, [assume]), ...more);
            // The workspace role is created with the stack's provider, when it has one.
            if (more.length > 0) planned.resources[0].provider = more[0][1];
            return reported(planned, config);
        };
        const WS_TRUST = ["grafana-workspace-role-trust workspace"];

        it("passes the workspace role createWorkspace builds: the Grafana service of the Grafana account, assuming the source roles", async () => {
            assert.deepEqual(await reported(stack(workspaceRole(ours(), [assume, org, publish]))), []);
            // Without config: the role's provider pinned to the Grafana account makes it the role's own.
            assert.deepEqual(await problems(ours(), {}, provider("aws", [GRAFANA_ACCOUNT])), []);
            assert.deepEqual(await problems(ours(), {}), WS_TRUST);
        });

        it("refuses a trust that lets the Grafana service in for another account's workspaces", async () => {
            const region = "eu-west-1";
            const attacker = {
                "aws:SourceAccount": ATTACKER,
                "aws:SourceArn": `arn:aws:grafana:${region}:${ATTACKER}:/workspaces/g-1`,
            };
            const open = withStatement({ Condition: undefined });
            delete open.Statement[0].Condition;
            // No aws:SourceAccount: any account's workspace may have AMG assume the role.
            assert.equal(
                await trustAllows(
                    open,
                    `arn:aws:iam::${GRAFANA_ACCOUNT}:role/x`,
                    "grafana.amazonaws.com",
                    attacker,
                ),
                true,
            );
            assert.deepEqual(await problems(open), WS_TRUST);
            const variants: Doc[] = [
                { Condition: { StringEquals: { "aws:SourceAccount": ATTACKER } } },
                { Condition: { StringEquals: { "aws:SourceAccount": [GRAFANA_ACCOUNT, ATTACKER] } } },
                { Condition: { StringEqualsIfExists: { "aws:SourceAccount": GRAFANA_ACCOUNT } } },
                { Condition: { "ForAnyValue:StringEquals": { "aws:SourceAccount": GRAFANA_ACCOUNT } } },
                { Condition: { StringLike: { "aws:SourceAccount": "*" } } },
                { Condition: { StringEquals: { "aws:SourceAccount": 111122223333 } } },
                { Action: "sts:*" },
                { Action: ["sts:AssumeRole", "sts:TagSession"] },
                { Action: undefined, NotAction: "iam:*" },
                { Principal: { Service: ["grafana.amazonaws.com", "lambda.amazonaws.com"] } },
                { Principal: { Service: "grafana.*" } },
                { Principal: { Service: "GRAFANA.amazonaws.com" } },
                { Principal: { Service: "grafana.amazonaws.com", AWS: `arn:aws:iam::${ATTACKER}:root` } },
                { Effect: "allow" },
            ];
            for (const v of variants) {
                const t = withStatement(v);
                const got = (await problems(t)).filter((x) => x.startsWith("grafana-workspace-role-trust"));
                assert.deepEqual(got, WS_TRUST, JSON.stringify(v));
            }
            // A second statement for another principal: refused too.
            const extra = ours();
            extra.Statement.push({
                Sid: "Lambda",
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
            });
            assert.deepEqual(await problems(extra), WS_TRUST);
            // A lambda's role is not a workspace role.
            const lambda = {
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
            };
            assert.deepEqual(await reported(stack(workspaceRole({ Statement: [lambda] }, []))), []);
        });

        it("judges its permissions as a data source role's, but for sts:AssumeRole on the roles it names", async () => {
            const withPolicy = (...s: Doc[]) =>
                stack(workspaceRole(ours(), [assume, { name: "p", policy: doc(...s) }]));
            const allow = (Action: unknown, Resource: unknown, extra: Doc = {}) => ({
                Effect: "Allow",
                Action,
                Resource,
                ...extra,
            });
            assert.deepEqual(await reported(withPolicy(allow("s3:GetObject", "*"))), [
                "grafana-role-no-read-on-wildcard workspace",
            ]);
            assert.deepEqual(await reported(withPolicy(allow("s3:PutObject", "arn:aws:s3:::*"))), [
                "grafana-role-no-write-on-wildcard workspace",
            ]);
            for (const r of [
                "arn:aws:iam::*:role/*",
                "*",
                "arn:aws:iam::222233334444:role/*",
                "arn:aws:iam::*:role/x",
            ])
                assert.deepEqual(
                    await reported(withPolicy(allow("sts:AssumeRole", r))),
                    [
                        "grafana-role-no-role-chaining workspace",
                        "grafana-role-no-write-on-wildcard workspace",
                    ],
                    r,
                );
            assert.deepEqual(
                await reported(
                    withPolicy(
                        allow("sts:AssumeRole", "arn:aws:iam::*:role/x", {
                            Condition: { StringLike: { "aws:ResourceOrgID": "*" } },
                        }),
                    ),
                ),
                ["grafana-role-no-role-chaining workspace", "grafana-role-no-write-on-wildcard workspace"],
            );
            for (const a of ["iam:PassRole", "sts:AssumeRole*", ["sts:AssumeRole", "sts:GetFederationToken"]])
                assert.deepEqual(
                    await reported(withPolicy(allow(a, SOURCE_ROLE))),
                    ["grafana-role-no-role-chaining workspace"],
                    String(a),
                );
            const admin = stack([
                ROLE,
                "workspace",
                { ...workspaceRole(ours())[2], managedPolicyArns: [ADMIN] },
            ]);
            assert.deepEqual(await reported(admin), ["grafana-role-policies-known workspace"]);
        });

        it("judges what a stack gives AMG's service role of another stack: a workspace role", async () => {
            const rolePolicy = (policy: unknown): R => [
                "aws:iam/rolePolicy:RolePolicy",
                "extra",
                { role: "AmazonGrafanaServiceRole-ba0ee73bc", policy: JSON.stringify(policy) },
            ];
            assert.deepEqual(
                await reported(stack(rolePolicy(assumeSourceRolesPolicy([SOURCE_ROLE]).toJSON()))),
                [],
            );
            const wide = {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
            };
            assert.deepEqual(await reported(stack(rolePolicy(wide))), [
                "grafana-role-no-read-on-wildcard extra",
                "grafana-role-no-write-on-wildcard extra",
            ]);
        });
    });
});
