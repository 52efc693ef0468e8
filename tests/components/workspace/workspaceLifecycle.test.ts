/**
 * A workspace the stack creates or adopts (`createWorkspace`) is never replaced or deleted by
 * surprise: it is protected (an adopted one also imported and retained), an adoption whose sign-in
 * differs from the workspace's (a replacement) or whose version is lower (a downgrade) is refused
 * in one line naming the key, and the plan diff says a sign-in change will be refused. Planned
 * offline, the adopted workspace as the mocked cloud says it is.
 */
import assert from "node:assert/strict";
import type { MockWorld, Plan } from "../../../tools/plan/mock/runtime";
import { planDiffMarkdown } from "../../../tools/ci/planDiff/markdown";
import { ROOT_DIR, WORKSPACE_DIR, byType, plan, raw, refusal } from "../../support/program";
import { rootVariant } from "../../support/rootVariant";
import {
    PlannedSource,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";
import { WORKSPACE_TYPE } from "../../support/createdWorkspace";

const ADOPTED = "g-0123456789";
const CREATE = { name: "observability", grafanaVersion: "12.4", authentication: ["AWS_SSO"] };

describe("createWorkspace: the workspace is never replaced or deleted by surprise", function () {
    this.timeout(60_000);
    let source: PlannedSource;
    before(async () => {
        source = await planSource({
            stack: "organization/grafana-athena-source/sales",
            account: "222233334444",
            workgroup: "grafana",
        });
    });
    const variant = (create: Record<string, unknown>, world?: MockWorld) =>
        workspaceVariant([source], {
            set: { [wsKey("createWorkspace")]: create },
            unset: [wsKey("workspaceId")],
            world,
        });
    const planned = (create: Record<string, unknown>, world?: MockWorld) =>
        planWorkspace([source], variant(create, world));
    /** The workspace as it exists before the stack adopts it. */
    const existing = (w: { authenticationProviders?: string[]; grafanaVersion?: string }): MockWorld => ({
        workspaces: { [ADOPTED]: w },
    });

    it("protects the workspace it creates, and protects, imports and retains the one it adopts; nothing else", async () => {
        const created = await planned(CREATE);
        const [ws] = byType(created, WORKSPACE_TYPE);
        assert.equal(ws.options.protect, true, "no update replaces it and no destroy deletes it");
        assert.equal(ws.options.retainOnDelete, false, "once unprotected on purpose, destroy deletes it");
        assert.equal(ws.options.import, null);
        const others = created.plan.resources.filter((r) => r.options.protect);
        assert.deepEqual(
            others.map((r) => r.name),
            [ws.name],
            "only the workspace is protected: its role, data sources and dashboards are not",
        );
        const adopted = await planned({ ...CREATE, adopt: ADOPTED });
        const [aws] = byType(adopted, WORKSPACE_TYPE);
        assert.deepEqual(
            [aws.options.protect, aws.options.retainOnDelete, aws.options.import],
            [true, true, ADOPTED],
        );
    });

    it("refuses to adopt a workspace whose sign-in differs (a replacement), in one line naming createWorkspace.authentication", async () => {
        const message = await refusal(
            WORKSPACE_DIR,
            variant({ ...CREATE, adopt: ADOPTED }, existing({ authenticationProviders: ["SAML"] })),
        );
        assert.match(
            message,
            /^createWorkspace\.authentication: \[AWS_SSO\] is not the sign-in of the adopted workspace g-0123456789 \(\[SAML\]\), and a change of it replaces the workspace, .*set \[SAML\], or change the sign-in in place first \(aws grafana update-workspace-authentication\) and then run pulumi up --refresh$/,
        );
        assert.doesNotMatch(message, /\n/, "one line");
        // One provider more is a difference too.
        await refusal(
            WORKSPACE_DIR,
            variant(
                { ...CREATE, adopt: ADOPTED, authentication: ["AWS_SSO", "SAML"] },
                existing({ authenticationProviders: ["AWS_SSO"] }),
            ),
        );
        // The same providers in another order: the workspace's own order, so no difference.
        const same = await planned(
            { ...CREATE, adopt: ADOPTED, authentication: ["AWS_SSO", "SAML"] },
            existing({ authenticationProviders: ["SAML", "AWS_SSO"] }),
        );
        const inputs = raw(same, byType(same, WORKSPACE_TYPE)[0].name);
        assert.deepEqual(inputs.authenticationProviders, ["SAML", "AWS_SSO"]);
    });

    it("refuses to adopt a workspace on a newer Grafana than the stack file's (a downgrade AMG refuses), naming createWorkspace.grafanaVersion; an upgrade plans", async () => {
        const message = await refusal(
            WORKSPACE_DIR,
            variant(
                { ...CREATE, grafanaVersion: "10.4", adopt: ADOPTED },
                existing({ grafanaVersion: "12.4" }),
            ),
        );
        assert.match(
            message,
            /^createWorkspace\.grafanaVersion: "10\.4" would downgrade the adopted workspace g-0123456789 from Grafana 12\.4, which Amazon Managed Grafana refuses .*set "12\.4"/,
        );
        assert.doesNotMatch(message, /\n/, "one line");
        const upgraded = await planned({ ...CREATE, adopt: ADOPTED }, existing({ grafanaVersion: "10.4" }));
        assert.equal(raw(upgraded, byType(upgraded, WORKSPACE_TYPE)[0].name).grafanaVersion, "12.4");
    });

    it("plans an adoption offline as the stack file describes the workspace (only AWS knows it), as fleet synth does", async () => {
        // No world: the mocked cloud knows nothing of g-0123456789 but what the stack file says.
        const run = await planned({
            ...CREATE,
            grafanaVersion: "10.4",
            authentication: ["SAML"],
            adopt: ADOPTED,
        });
        const inputs = raw(run, byType(run, WORKSPACE_TYPE)[0].name);
        assert.deepEqual([inputs.grafanaVersion, inputs.authenticationProviders], ["10.4", ["SAML"]]);
    });

    it("guards the root project's workspace.createWorkspace the same way: protected, an adoption checked, planned offline as its stack file says", async () => {
        const rootAdopting = (create: Record<string, unknown>, world?: MockWorld) => ({
            ...rootVariant((c) => {
                delete c.workspace.workspaceId;
                c.workspace.createWorkspace = create;
                delete c.source.grafanaRoleArn;
            }),
            world,
        });
        const run = await plan(
            ROOT_DIR,
            rootAdopting({ ...CREATE, authentication: ["SAML"], adopt: ADOPTED }),
        );
        const [ws] = byType(run, WORKSPACE_TYPE);
        assert.deepEqual([ws.options.protect, ws.options.retainOnDelete], [true, true]);
        assert.deepEqual(raw(run, ws.name).authenticationProviders, ["SAML"]);
        const message = await refusal(
            ROOT_DIR,
            rootAdopting({ ...CREATE, adopt: ADOPTED }, existing({ authenticationProviders: ["SAML"] })),
        );
        assert.match(
            message,
            /^createWorkspace\.authentication: \[AWS_SSO\] is not the sign-in of the adopted workspace/,
        );
    });

    it("says in the plan diff that a sign-in change of the protected workspace will be refused, and that one of an unprotected workspace replaces it", async () => {
        const now = (await planned(CREATE)).plan;
        const saml = (await planned({ ...CREATE, authentication: ["AWS_SSO", "SAML"] })).plan;
        const diff = (before: Plan, after: Plan) =>
            planDiffMarkdown(
                { "infra-account-a.grafana.json": before },
                { "infra-account-a.grafana.json": after },
            );
        assert.match(
            diff(now, saml),
            /`authenticationProviders` changes: that REPLACES a workspace \(a new one at a new URL, the old one deleted with its users' dashboards\), so `pulumi up` will refuse it: the workspace is protected/,
        );
        // A workspace deployed before it was protected (its base plan without protect): replaced.
        const unprotected: Plan = {
            ...now,
            resources: now.resources.map((r) =>
                r.type === WORKSPACE_TYPE ? { ...r, options: { ...r.options, protect: false } } : r,
            ),
        };
        // The workspace stack's file removed: its destroy would fail on the workspace, said before.
        const removed = planDiffMarkdown({ "infra-account-a.grafana.json": now }, {});
        assert.match(
            removed,
            /A destroy fails on 1 protected resource until unprotected: `grafana-athena-managed-workspace`/,
        );
        assert.doesNotMatch(removed, /Once unprotected/);
        // An adopted workspace is retained too: once unprotected, a destroy leaves it standing.
        const adopted = (await planned({ ...CREATE, adopt: ADOPTED })).plan;
        const removedAdopted = planDiffMarkdown({ "infra-account-a.grafana.json": adopted }, {});
        assert.match(
            removedAdopted,
            /A destroy fails on 1 protected resource until unprotected: `grafana-athena-managed-workspace` \(`aws:grafana\/workspace:Workspace`\)\. Once unprotected, a destroy still leaves in the cloud \(`retainOnDelete`: adopted or kept on purpose\): `grafana-athena-managed-workspace`/,
        );
        assert.match(
            removedAdopted,
            /`grafana-athena-managed-workspace` \(`aws:grafana\/workspace:Workspace`\): stack file removed; `protect: true`: `fleet destroy` fails on it until it is unprotected; `retainOnDelete: true`: then it leaves it in the cloud/,
        );
        const replaced = diff(unprotected, saml);
        assert.match(
            replaced,
            /`authenticationProviders` changes: the workspace is REPLACED, a new workspace/,
        );
        assert.doesNotMatch(replaced, /will refuse it/);
    });
});
