/**
 * The root project creating its workspace (`workspace.createWorkspace`): the same workspace, role
 * and associations the workspace project creates, in the Grafana account, and the source in the data
 * account trusting exactly that created role (its `grafanaRoleArn` left out, or given as that role).
 * Planned offline; the policies evaluated by the IAM evaluator.
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../shared/iam/policy";
import type { RunResult } from "../tools/plan/mock/runtime";
import { DEFAULT_ACCOUNT_ID } from "../tools/plan/mock/fakeCloud";
import {
    ROOT_DIR,
    WORKSPACE_DIR,
    byType,
    configProblems,
    oneOf,
    plan,
    raw,
    refusal,
} from "./support/program";
import { ROOT_EXAMPLE } from "./support/examples";
import { rootVariant } from "./support/rootVariant";
import { identityAllows, trustAllows } from "./support/simulate";
import { PACK_CONFIG } from "./support/handWrittenStack";
import { evaluatePlans } from "../policy/offline";
import { RULES } from "../policy/rules";
import {
    ADMINS_GROUP as ADMINS,
    CREATE_WORKSPACE as CREATE,
    EDITORS_GROUP as EDITORS,
    WORKSPACE_TYPE,
} from "./support/createdWorkspace";

const DATA_ACCOUNT = String(ROOT_EXAMPLE.source.accountId);
const GRAFANA_ACCOUNT = String(ROOT_EXAMPLE.workspace.accountId);
const CREATED_ROLE = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaAthenaWorkspace`;
const ROLE_TYPE = "aws:iam/role:Role";
const AWS_PROVIDER = "pulumi:providers:aws";
const ELSEWHERE = DEFAULT_ACCOUNT_ID;

/** The root example with the workspace created instead of named; `source` changes the source side. */
const creating = (
    create: Record<string, unknown> = CREATE,
    source: (s: Record<string, any>) => void = (s) => delete s.grafanaRoleArn,
) =>
    rootVariant((c) => {
        delete c.workspace.workspaceId;
        c.workspace.createWorkspace = create;
        source(c.source);
    });

/** The AWS provider whose allowedAccountIds is exactly `account`. */
function providerOf(run: RunResult, account: string): string {
    const found = byType(run, AWS_PROVIDER).filter(
        (p) => String(p.inputs.allowedAccountIds) === JSON.stringify([account]),
    );
    assert.equal(found.length, 1, `one AWS provider for ${account}`);
    return found[0].name;
}

/** The one resource of `type` whose clear input `key` matches `pattern`. */
function roleWith(run: RunResult, pattern: RegExp): Record<string, any> {
    const found = byType(run, ROLE_TYPE)
        .map((r) => raw(run, r.name))
        .filter((inputs) => pattern.test(String(inputs.assumeRolePolicy)));
    assert.equal(found.length, 1, `one role whose trust matches ${pattern}`);
    return found[0];
}

describe("root project (grafana-athena): workspace.createWorkspace", function () {
    this.timeout(120_000);

    let run: RunResult;
    before(async () => {
        run = await plan(ROOT_DIR, creating());
    });

    it("creates a 12.4 workspace with plugin management, Identity Center admins and editors, in the Grafana account", () => {
        const ws = oneOf(run, WORKSPACE_TYPE);
        const inputs = raw(run, ws.name);
        assert.equal(inputs.grafanaVersion, "12.4");
        assert.deepEqual(JSON.parse(inputs.configuration), {
            plugins: { pluginAdminEnabled: true },
            unifiedAlerting: { enabled: true },
        });
        assert.equal(inputs.permissionType, "CUSTOMER_MANAGED");
        assert.deepEqual(inputs.authenticationProviders, ["AWS_SSO"]);
        assert.equal(inputs.roleArn, CREATED_ROLE);
        const grafanaAws = providerOf(run, GRAFANA_ACCOUNT);
        assert.equal(ws.provider, grafanaAws, "the workspace is created with the Grafana account's provider");
        const associations = byType(run, "aws:grafana/roleAssociation:RoleAssociation");
        assert.deepEqual(associations.map((a) => [raw(run, a.name).role, raw(run, a.name).groupIds]).sort(), [
            ["ADMIN", [ADMINS]],
            ["EDITOR", [EDITORS]],
        ]);
        for (const a of associations) assert.equal(a.provider, grafanaAws, a.name);
        // The token and the data source are the created workspace's, not the example's named one.
        const account = oneOf(run, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount");
        assert.match(String(raw(run, account.name).workspaceId), /^g-[0-9a-f]{10}$/);
        assert.notEqual(raw(run, account.name).workspaceId, ROOT_EXAMPLE.workspace.workspaceId);
        assert.equal(byType(run, "aws:grafana/workspace:Workspace").length, 1);
    });

    it("the source role trusts exactly the created role, with the external ID; nothing else of the Grafana account", async () => {
        const sourceRoleArn = String(run.rawOutputs.sourceRoleArn);
        assert.match(sourceRoleArn, new RegExp(`^arn:aws:iam::${DATA_ACCOUNT}:role/`));
        const trust = JSON.parse(roleWith(run, /sts:ExternalId/).assumeRolePolicy) as PolicyJson;
        const dataSource = oneOf(run, "grafana:oss/dataSource:DataSource");
        const externalId = String(JSON.parse(raw(run, dataSource.name).jsonDataEncoded).externalId);
        const withId = { "sts:ExternalId": externalId };
        assert.equal(await trustAllows(trust, sourceRoleArn, CREATED_ROLE, withId), true);
        for (const other of [
            String(ROOT_EXAMPLE.source.grafanaRoleArn),
            `arn:aws:iam::${GRAFANA_ACCOUNT}:role/Admin`,
            `arn:aws:iam::999988887777:role/GrafanaAthenaWorkspace`,
        ])
            assert.equal(await trustAllows(trust, sourceRoleArn, other, withId), false, other);
        assert.equal(
            await trustAllows(trust, sourceRoleArn, CREATED_ROLE, { "sts:ExternalId": "x".repeat(40) }),
            false,
            "another external ID",
        );
    });

    it("gives the created role only its Grafana trust and sts:AssumeRole on the source role", async () => {
        const role = roleWith(run, /grafana\.amazonaws\.com/);
        assert.equal(role.name, "GrafanaAthenaWorkspace");
        const trust = JSON.parse(role.assumeRolePolicy) as PolicyJson;
        const ours = {
            "aws:SourceAccount": GRAFANA_ACCOUNT,
            "aws:SourceArn": `arn:aws:grafana:eu-west-1:${GRAFANA_ACCOUNT}:/workspaces/g-0123456789`,
        };
        assert.equal(await trustAllows(trust, CREATED_ROLE, "grafana.amazonaws.com", ours), true);
        assert.equal(
            await trustAllows(trust, CREATED_ROLE, "grafana.amazonaws.com", {
                ...ours,
                "aws:SourceAccount": DATA_ACCOUNT,
            }),
            false,
        );
        assert.equal(
            await trustAllows(trust, CREATED_ROLE, `arn:aws:iam::${GRAFANA_ACCOUNT}:root`, ours),
            false,
        );
        // No managed policy on it: the one attachment of the plan is the source role's access policy.
        for (const a of byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
            assert.notEqual(raw(run, a.name).role, "GrafanaAthenaWorkspace", a.name);
        const inline = oneOf(run, "aws:iam/rolePolicy:RolePolicy");
        assert.equal(raw(run, inline.name).role, "GrafanaAthenaWorkspace");
        assert.equal(inline.provider, providerOf(run, GRAFANA_ACCOUNT));
        const policy = JSON.parse(raw(run, inline.name).policy) as PolicyJson;
        const sourceRoleArn = String(run.rawOutputs.sourceRoleArn);
        const tagged = { "iam:ResourceTag/GrafanaDataSource": "true" };
        assert.equal(
            await identityAllows([policy], CREATED_ROLE, "sts:AssumeRole", sourceRoleArn, tagged),
            true,
        );
        for (const [action, resource] of [
            ["sts:AssumeRole", `arn:aws:iam::${DATA_ACCOUNT}:role/Admin`],
            ["athena:StartQueryExecution", "*"],
            ["iam:PassRole", sourceRoleArn],
        ])
            assert.equal(
                await identityAllows([policy], CREATED_ROLE, action, resource, tagged),
                false,
                action,
            );
    });

    it("passes the policy pack configured with the created role; unconfigured, the source's trust is named", async () => {
        const config = Object.fromEntries(
            RULES.map((r) => [
                r.name,
                { grafanaAccountIds: [GRAFANA_ACCOUNT], workspaceRoleArns: [CREATED_ROLE] },
            ]),
        );
        assert.deepEqual(await evaluatePlans([run.plan], config), []);
        // Knowing only the Grafana account, the pack cannot tell the created role from any other role of
        // it (docs/policy-pack.md): the source's trust is flagged until the config names the role.
        const unknown = await evaluatePlans([run.plan], PACK_CONFIG);
        assert.deepEqual(
            unknown.map((v) => [v.policy, v.resource]),
            [["grafana-trust-pins-workspace-role", "source-role"]],
        );
    });

    it("takes grafanaRoleArn when it is the created role (also with roleName), and refuses another in one line", async () => {
        const given = await plan(
            ROOT_DIR,
            creating(CREATE, (s) => (s.grafanaRoleArn = CREATED_ROLE)),
        );
        assert.equal(
            raw(given, oneOf(given, WORKSPACE_TYPE).name).roleArn,
            CREATED_ROLE,
            "the same workspace with the role given",
        );
        const ops = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaOps`;
        const named = await plan(ROOT_DIR, creating({ ...CREATE, roleName: "GrafanaOps" }));
        const trust = JSON.parse(roleWith(named, /sts:ExternalId/).assumeRolePolicy) as PolicyJson;
        assert.deepEqual(trust.Statement[0].Condition?.ArnEquals, { "aws:PrincipalArn": ops });
        assert.equal(raw(named, oneOf(named, WORKSPACE_TYPE).name).roleArn, ops);

        const other = String(ROOT_EXAMPLE.source.grafanaRoleArn);
        const problems = await configProblems(
            ROOT_DIR,
            creating(CREATE, (s) => (s.grafanaRoleArn = other)),
        );
        assert.deepEqual(problems, [
            `grafana-athena:source.grafanaRoleArn: is ${other}, but this stack creates its workspace with ` +
                `the role ${CREATED_ROLE} (workspace.createWorkspace.roleName in source.grafanaAccountId): ` +
                `leave grafanaRoleArn out, or give that role`,
        ]);
        const missing = await configProblems(
            ROOT_DIR,
            rootVariant((c) => delete c.source.grafanaRoleArn),
        );
        assert.deepEqual(missing, [
            "grafana-athena:source.grafanaRoleArn: is required: the workspace's IAM role ARN " +
                "(AMG console, workspace details), unless workspace.createWorkspace " +
                "creates the workspace and its role",
        ]);
    });

    it("refuses what the workspace project refuses, with its messages, naming workspace.createWorkspace.<key>", async () => {
        const cases: [string, (w: Record<string, any>) => void, Record<string, unknown>, string[], string][] =
            [
                [
                    "both",
                    (w) => (w.createWorkspace = CREATE),
                    { "grafana-athena-workspace:createWorkspace": CREATE },
                    [],
                    "createWorkspace",
                ],
                [
                    "neither",
                    (w) => delete w.workspaceId,
                    {},
                    ["grafana-athena-workspace:workspaceId"],
                    "workspaceId",
                ],
                [
                    "version",
                    (w) => {
                        delete w.workspaceId;
                        w.createWorkspace = { ...CREATE, grafanaVersion: "9.4" };
                    },
                    { "grafana-athena-workspace:createWorkspace": { ...CREATE, grafanaVersion: "9.4" } },
                    ["grafana-athena-workspace:workspaceId"],
                    "createWorkspace.grafanaVersion",
                ],
                [
                    "SAML with groups",
                    (w) => {
                        delete w.workspaceId;
                        w.createWorkspace = { ...CREATE, authentication: ["SAML"] };
                    },
                    { "grafana-athena-workspace:createWorkspace": { ...CREATE, authentication: ["SAML"] } },
                    ["grafana-athena-workspace:workspaceId"],
                    "createWorkspace.admins",
                ],
            ];
        for (const [what, change, set, unset, key] of cases) {
            const rootProblems = await configProblems(
                ROOT_DIR,
                rootVariant((c) => {
                    change(c.workspace);
                    // The role follows from createWorkspace when there is one; the example's is another.
                    if (c.workspace.createWorkspace) delete c.source.grafanaRoleArn;
                }),
            );
            const projectProblems = await configProblems(WORKSPACE_DIR, { set, unset });
            const project = projectProblems.filter((p) => p.startsWith(`grafana-athena-workspace:${key}: `));
            assert.equal(project.length, 1, `${what}: ${projectProblems.join("\n")}`);
            assert.deepEqual(
                rootProblems,
                [project[0].replace("grafana-athena-workspace:", "grafana-athena:workspace.")],
                what,
            );
        }
    });

    it("refuses, before the role is declared, a workspace side that deploys into another account than the source trusts", async () => {
        // Without workspace.accountId, the credentials decide the account: here the mocked cloud's
        // default one.
        const elsewhere = await refusal(
            ROOT_DIR,
            rootVariant((c) => {
                delete c.workspace.workspaceId;
                delete c.workspace.accountId;
                c.workspace.createWorkspace = CREATE;
                delete c.source.grafanaRoleArn;
            }),
        );
        assert.equal(
            elsewhere,
            `the workspace this stack creates gets the role ` +
                `arn:aws:iam::${ELSEWHERE}:role/GrafanaAthenaWorkspace (createWorkspace.roleName ` +
                `in account ${ELSEWHERE}, where the stack deploys it), but the source ` +
                `trusts ${CREATED_ROLE}; deploy the workspace into the source's grafanaAccountId`,
        );
    });
});
