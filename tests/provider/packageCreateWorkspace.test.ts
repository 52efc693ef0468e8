/**
 * The component package's AthenaWorkspace creating its workspace (`createWorkspace`): a program
 * using the package plans the same created workspace as the workspace project, and the package
 * refuses what the project refuses, with the same messages, naming the argument. The schema's
 * CreateWorkspace type is held to the settings in componentPackage.test.ts (one schema build).
 */
import assert from "node:assert/strict";
import type { PlanResource } from "../../tools/plan/mock/runtime";
import { EXAMPLE_SOURCE_STACK, WORKSPACE_DIR, configProblems, plan, sourceRef } from "../support/program";
import { exampleRun } from "../support/sourcePlan";
import { ADMINS_GROUP as ADMINS, WORKSPACE_TYPE } from "../support/createdWorkspace";
import { argumentProblems, planViaPackage } from "../support/packageWorkspace";

const PACKAGE = "grafana-athena";
const CREATE = { name: "observability", admins: [ADMINS] };
const CREATED = {
    set: { "grafana-athena-workspace:createWorkspace": CREATE },
    unset: ["grafana-athena-workspace:workspaceId"],
};

/** The package's argument problems, one line each, for a workspace charting the sales source. */
const problems = (args: Record<string, unknown>) =>
    argumentProblems({ sources: [{ stack: "organization/grafana-athena-source/sales" }], ...args });

/** Type and the inputs a user chooses, of every managed AWS resource: what both paths must agree on. */
const awsResources = (rs: readonly PlanResource[]) =>
    rs
        .filter((r) => r.type.startsWith("aws:"))
        .map((r) => JSON.stringify([r.type, r.inputs]))
        .sort();

describe("component package: AthenaWorkspace.createWorkspace", function () {
    this.timeout(120_000);

    it("a program using the package gets the created workspace: the same AWS resources and inputs as the workspace project", async () => {
        const stackRefs = { [EXAMPLE_SOURCE_STACK]: sourceRef(await exampleRun()) };
        const project = (await plan(WORKSPACE_DIR, { ...CREATED, stackRefs })).plan;
        const viaPackage = (await planViaPackage({ ...CREATED, stackRefs })).plan;
        const created = viaPackage.resources.filter((r) => r.type === WORKSPACE_TYPE);
        assert.equal(created.length, 1, "the package creates the workspace");
        assert.equal(created[0].inputs.grafanaVersion, "12.4");
        assert.equal(created[0].inputs.permissionType, "CUSTOMER_MANAGED");
        const admins = viaPackage.resources.filter(
            (r) => r.type === "aws:grafana/roleAssociation:RoleAssociation",
        );
        assert.deepEqual(
            admins.map((a) => [a.inputs.role, a.inputs.groupIds]),
            [["ADMIN", [ADMINS]]],
        );
        // Everything in the package component's tree.
        const wrapper = viaPackage.resources.find((r) => r.type === `${PACKAGE}:index:AthenaWorkspace`);
        assert.ok(wrapper);
        const byName = new Map(viaPackage.resources.map((r) => [r.name, r]));
        const root = (r: PlanResource): PlanResource => (r.parent ? root(byName.get(r.parent)!) : r);
        assert.equal(root(created[0]).name, wrapper.name);
        // The token and the associations are the created workspace's (one ID, not the example's named one).
        const ids = new Set(
            viaPackage.resources
                .filter((r) => r.type.startsWith("aws:grafana/"))
                .map((r) => r.inputs.workspaceId),
        );
        ids.delete(undefined);
        assert.equal(ids.size, 1, [...ids].join(", "));
        assert.match(String([...ids][0]), /^g-[0-9a-f]{10}$/);
        assert.notEqual([...ids][0], "g-0123456789");
        // The same AWS resources with the same inputs as the project plans (the fake cloud derives the
        // workspace's and the service account's IDs from the resources' names, which the package prefixes).
        const canonical = (rs: readonly PlanResource[]) =>
            awsResources(rs).map((x) =>
                x
                    .replace(/"serviceAccountId":"\d+"/, '"serviceAccountId":"<id>"')
                    .replace(/"workspaceId":"g-[0-9a-f]{10}"/, '"workspaceId":"<created>"'),
            );
        assert.deepEqual(canonical(viaPackage.resources), canonical(project.resources));
    });

    it("refuses what the workspace project refuses, with its messages, naming AthenaWorkspace:<argument>", async () => {
        assert.deepEqual(problems({ createWorkspace: CREATE }), []);
        const cases: [Record<string, unknown>, Record<string, unknown>, string[], string][] = [
            [
                { workspaceId: "g-0123456789", createWorkspace: CREATE },
                { "grafana-athena-workspace:createWorkspace": CREATE },
                [],
                "createWorkspace",
            ],
            [{}, {}, ["grafana-athena-workspace:workspaceId"], "workspaceId"],
            [
                { createWorkspace: { ...CREATE, grafanaVersion: "9.4" } },
                { "grafana-athena-workspace:createWorkspace": { ...CREATE, grafanaVersion: "9.4" } },
                ["grafana-athena-workspace:workspaceId"],
                "createWorkspace.grafanaVersion",
            ],
            [
                { createWorkspace: { ...CREATE, network: {} } },
                { "grafana-athena-workspace:createWorkspace": { ...CREATE, network: {} } },
                ["grafana-athena-workspace:workspaceId"],
                "createWorkspace.network",
            ],
        ];
        for (const [args, set, unset, key] of cases) {
            const projectProblems = (await configProblems(WORKSPACE_DIR, { set, unset })).filter((p) =>
                p.startsWith(`grafana-athena-workspace:${key}: `),
            );
            assert.equal(projectProblems.length, 1, key);
            assert.deepEqual(
                problems(args),
                [projectProblems[0].replace("grafana-athena-workspace:", "AthenaWorkspace:")],
                key,
            );
        }
    });
});
