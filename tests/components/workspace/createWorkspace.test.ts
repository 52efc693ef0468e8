/**
 * The workspace as code: a workspace stack with `createWorkspace` creates the Amazon Managed
 * Grafana workspace (12.4 by default, plugin management and unified alerting on, Identity Center
 * admins and editors), and its role, which only the Grafana service of this account may assume and
 * which may do nothing but assume the source roles. Planned offline; the role's policies evaluated
 * by the IAM evaluator.
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { versionChangeNote } from "../../../shared/grafana/workspaceResource";
import { planDiffMarkdown } from "../../../tools/ci/planDiff/markdown";
import { WORKSPACE_EXAMPLE } from "../../support/examples";
import { WORKSPACE_DIR, byType, configProblems, raw } from "../../support/program";
import { identityAllows, trustAllows } from "../../support/simulate";
import {
    GRAFANA_ACCOUNT,
    PlannedSource,
    ROLE_POLICY_TYPE,
    planSource,
    planWorkspace,
    wsKey,
} from "../../support/workspaceSources";
import {
    ADMINS_GROUP as ADMINS,
    CREATE_WORKSPACE as CREATE,
    EDITORS_GROUP as EDITORS,
    WORKSPACE_TYPE,
} from "../../support/createdWorkspace";

const ROLE = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/GrafanaAthenaWorkspace`;

describe("createWorkspace: the workspace itself as code", function () {
    this.timeout(60_000);
    let source: PlannedSource;
    before(async () => {
        source = await planSource({
            stack: "organization/grafana-athena-source/sales",
            account: "222233334444",
            workgroup: "grafana",
        });
    });
    const planCreated = (create: Record<string, unknown> = CREATE) =>
        planWorkspace([source], {
            set: { [wsKey("createWorkspace")]: create },
            unset: [wsKey("workspaceId")],
        });

    it("adopts an existing workspace (createWorkspace.adopt): imported by its ID, not created, retained on destroy", async () => {
        const adopted = await planCreated({ ...CREATE, adopt: "g-0123456789" });
        const [ws] = byType(adopted, WORKSPACE_TYPE);
        assert.equal(ws.options.import, "g-0123456789", "the plan shows an import of the workspace");
        assert.equal(ws.options.retainOnDelete, true, "a destroy leaves the adopted workspace standing");
        assert.equal(ws.options.protect, true, "no update replaces it");
        // The same settings as a created one: version, configuration, the stack's own role.
        const inputs = raw(adopted, ws.name);
        assert.equal(inputs.grafanaVersion, "12.4");
        assert.equal(inputs.permissionType, "CUSTOMER_MANAGED");
        assert.deepEqual(JSON.parse(inputs.configuration), {
            plugins: { pluginAdminEnabled: true },
            unifiedAlerting: { enabled: true },
        });
        // Without adopt: created, and deleted with its stack as anything the stack created.
        const [created] = byType(await planCreated(), WORKSPACE_TYPE);
        assert.equal(created.options.import, null);
        assert.equal(created.options.retainOnDelete, false);
        // The same resource name either way: adopting later does not change the workspace's URN.
        assert.equal(created.name, ws.name);
        for (const bad of ["g-12345", "0123456789", "g-0123456789\nINJECTED", 42]) {
            const problems = await configProblems(WORKSPACE_DIR, {
                set: { [wsKey("createWorkspace")]: { ...CREATE, adopt: bad } },
                unset: [wsKey("workspaceId")],
            });
            assert.ok(
                problems.some((p) =>
                    /^grafana-athena-workspace:createWorkspace.*adopt.*must be a workspace ID/.test(p),
                ),
                `${JSON.stringify(bad)}: ${problems.join("; ")}`,
            );
            assert.equal(problems.length, 1, problems.join("; "));
        }
    });

    it("creates a 12.4 workspace with plugin management and unified alerting on, customer-managed, with its own role", async () => {
        const run = await planCreated();
        const [ws] = byType(run, WORKSPACE_TYPE);
        const inputs = raw(run, ws.name);
        assert.equal(inputs.grafanaVersion, "12.4");
        assert.deepEqual(JSON.parse(inputs.configuration), {
            plugins: { pluginAdminEnabled: true },
            unifiedAlerting: { enabled: true },
        });
        assert.equal(inputs.permissionType, "CUSTOMER_MANAGED");
        assert.equal(inputs.accountAccessType, "CURRENT_ACCOUNT");
        assert.deepEqual(inputs.authenticationProviders, ["AWS_SSO"]);
        assert.equal(inputs.roleArn, ROLE);
        // The Admin and Editor groups, one association each.
        const associations = byType(run, "aws:grafana/roleAssociation:RoleAssociation").map((r) =>
            raw(run, r.name),
        );
        assert.deepEqual(associations.map((a) => [a.role, a.groupIds]).sort(), [
            ["ADMIN", [ADMINS]],
            ["EDITOR", [EDITORS]],
        ]);
        // The service account (the token of the data sources and the plugin installation) is the created
        // workspace's.
        const account = byType(run, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount").map((r) =>
            raw(run, r.name),
        )[0];
        assert.match(String(account.workspaceId), /^g-[0-9a-f]{10}$/);
        assert.notEqual(account.workspaceId, WORKSPACE_EXAMPLE.workspaceId);
    });

    it("gives the role exactly what AMG needs for Athena: assumed only by Grafana of this account, may only assume the source roles", async () => {
        const run = await planCreated();
        const roles = byType(run, "aws:iam/role:Role");
        assert.equal(roles.length, 1, "one role, the workspace's");
        const trust = JSON.parse(raw(run, roles[0].name).assumeRolePolicy) as PolicyJson;
        const region = WORKSPACE_EXAMPLE.region;
        const ours = {
            "aws:SourceAccount": GRAFANA_ACCOUNT,
            "aws:SourceArn": `arn:aws:grafana:${region}:${GRAFANA_ACCOUNT}:/workspaces/g-0123456789`,
        };
        assert.equal(await trustAllows(trust, ROLE, "grafana.amazonaws.com", ours), true);
        assert.equal(
            await trustAllows(trust, ROLE, "grafana.amazonaws.com", {
                ...ours,
                "aws:SourceAccount": "999988887777",
            }),
            false,
            "another account's workspace",
        );
        assert.equal(
            await trustAllows(trust, ROLE, "grafana.amazonaws.com", {
                ...ours,
                "aws:SourceArn": `arn:aws:grafana:${region}:999988887777:/workspaces/g-0123456789`,
            }),
            false,
        );
        assert.equal(await trustAllows(trust, ROLE, "lambda.amazonaws.com", ours), false, "another service");
        assert.equal(
            await trustAllows(trust, ROLE, `arn:aws:iam::${GRAFANA_ACCOUNT}:root`, ours),
            false,
            "the account itself",
        );
        // Its only permission: the inline assume policy, on exactly the source's role. No managed policy at
        // all.
        assert.deepEqual(byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
        const [inline] = byType(run, ROLE_POLICY_TYPE);
        assert.equal(raw(run, inline.name).role, "GrafanaAthenaWorkspace");
        const policy = JSON.parse(raw(run, inline.name).policy) as PolicyJson;
        const sourceRole = String(source.contract.roleArn);
        const tagged = { "iam:ResourceTag/GrafanaDataSource": "true" };
        assert.equal(await identityAllows([policy], ROLE, "sts:AssumeRole", sourceRole, tagged), true);
        assert.equal(
            await identityAllows(
                [policy],
                ROLE,
                "sts:AssumeRole",
                "arn:aws:iam::222233334444:role/Admin",
                tagged,
            ),
            false,
        );
        for (const [action, resource] of [
            ["athena:StartQueryExecution", "*"],
            ["s3:GetObject", "arn:aws:s3:::any/x"],
            ["iam:PassRole", sourceRole],
        ]) {
            assert.equal(await identityAllows([policy], ROLE, action, resource), false, action);
        }
    });

    it("defaults to 12.4 and Identity Center, allows 10.4, and refuses what AMG or this program would not take, naming the key", async () => {
        const run = await planCreated({ name: "observability" });
        const inputs = raw(run, byType(run, WORKSPACE_TYPE)[0].name);
        assert.equal(inputs.grafanaVersion, "12.4");
        assert.deepEqual(inputs.authenticationProviders, ["AWS_SSO"]);
        assert.deepEqual(byType(run, "aws:grafana/roleAssociation:RoleAssociation"), []);
        assert.equal(
            raw(
                await planCreated({ name: "observability", grafanaVersion: "10.4" }),
                byType(run, WORKSPACE_TYPE)[0].name,
            ).grafanaVersion,
            "10.4",
        );
        const refused = async (set: Record<string, unknown>, unset: string[], pattern: RegExp) => {
            const problems = await configProblems(WORKSPACE_DIR, { set, unset });
            assert.ok(
                problems.some((p) => pattern.test(p)),
                problems.join("\n"),
            );
        };
        await refused(
            { [wsKey("createWorkspace")]: CREATE },
            [],
            /^grafana-athena-workspace:createWorkspace: is exclusive with workspaceId/,
        );
        await refused(
            {},
            [wsKey("workspaceId")],
            /^grafana-athena-workspace:workspaceId: is required: .* or createWorkspace to create one/,
        );
        await refused(
            { [wsKey("createWorkspace")]: { ...CREATE, grafanaVersion: "9.4" } },
            [wsKey("workspaceId")],
            /^grafana-athena-workspace:createWorkspace\.grafanaVersion: must be "12\.4" or "10\.4"/,
        );
        await refused(
            { [wsKey("createWorkspace")]: { ...CREATE, authentication: ["SAML"] } },
            [wsKey("workspaceId")],
            /^grafana-athena-workspace:createWorkspace\.admins: needs AWS_SSO in authentication/,
        );
        // One provider written as a word, not a list: the key and the shape it takes.
        await refused(
            { [wsKey("createWorkspace")]: { ...CREATE, authentication: "AWS_SSO" } },
            [wsKey("workspaceId")],
            /^grafana-athena-workspace:createWorkspace\.authentication: must be a list of AWS_SSO and\/or SAML \(\[AWS_SSO\]\), got "AWS_SSO"/,
        );
        await refused(
            { [wsKey("createWorkspace")]: { ...CREATE, admins: ["not-a-group"] } },
            [wsKey("workspaceId")],
            /^grafana-athena-workspace:createWorkspace\.admins(\[0\])?: must be an IAM Identity Center group ID/,
        );
    });

    it("says in the plan diff what a version change does before it happens: an upgrade is one way and keeps the configuration, a downgrade fails", async () => {
        const old = (await planCreated({ name: "observability", grafanaVersion: "10.4" })).plan;
        const now = (await planCreated({ name: "observability" })).plan;
        const up = planDiffMarkdown(
            { "infra-account-a.grafana.json": old },
            { "infra-account-a.grafana.json": now },
        );
        assert.match(
            up,
            /`grafana-athena-managed-workspace` \(`aws:grafana\/workspace:Workspace`\): Grafana 10\.4 → 12\.4: upgraded in place, one way \(no downgrade\); the configuration \(plugin management, unified alerting\) is sent whole and kept/,
        );
        assert.doesNotMatch(up, /`configuration` changes/, "the configuration is the same JSON, never {}");
        const down = planDiffMarkdown(
            { "infra-account-a.grafana.json": now },
            { "infra-account-a.grafana.json": old },
        );
        assert.match(
            down,
            /Grafana 12\.4 → 10\.4: a downgrade, which Amazon Managed Grafana refuses: this update will fail/,
        );
        assert.match(versionChangeNote("10.4", "12.4"), /^Grafana 10\.4 → 12\.4: upgraded in place/);
        const saml = (await planCreated({ name: "observability", authentication: ["AWS_SSO", "SAML"] })).plan;
        const replaced = planDiffMarkdown(
            { "infra-account-a.grafana.json": now },
            { "infra-account-a.grafana.json": saml },
        );
        assert.match(
            replaced,
            /`authenticationProviders` changes: that REPLACES a workspace \(a new one at a new URL/,
        );
    });
});
