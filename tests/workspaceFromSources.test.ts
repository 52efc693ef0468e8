/**
 * Source stacks with non-default settings, read by the workspace stack; and what keeps two
 * workspace stacks that share one Grafana workspace from overwriting each other.
 */
import assert from "node:assert/strict";
import { EXAMPLE_SOURCE_STACK, SOURCE_DIR, WORKSPACE_DIR, byType, oneOf, plan, raw, sourceRef } from "./support/program";

const SRC = "grafana-athena-source";

describe("source settings the workspace must accept", () => {
    it("a results location at the root of its bucket (results.prefix empty)", async () => {
        const source = await plan(SOURCE_DIR, { set: { [`${SRC}:results`]: { bucket: "grafana-results-222233334444", prefix: "" } } });
        assert.equal(source.rawOutputs.outputLocation, "s3://grafana-results-222233334444/");
        const workspace = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
        const ds = oneOf(workspace, "grafana:oss/dataSource:DataSource");
        assert.equal(JSON.parse(raw(workspace, ds.name).jsonDataEncoded).outputLocation, "s3://grafana-results-222233334444/");
    });

    it("another catalog, database, region and role name", async () => {
        const source = await plan(SOURCE_DIR, {
            set: {
                "aws:region": "ap-northeast-1",
                [`${SRC}:catalog`]: "GlueCatalogB",
                [`${SRC}:database`]: "logs_2024",
                [`${SRC}:roleName`]: "GrafanaReader",
                [`${SRC}:tables`]: ["*"],
            },
        });
        const workspace = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
        const jsonData = JSON.parse(raw(workspace, oneOf(workspace, "grafana:oss/dataSource:DataSource").name).jsonDataEncoded);
        assert.deepEqual(
            { region: jsonData.defaultRegion, catalog: jsonData.catalog, database: jsonData.database, role: jsonData.assumeRoleArn },
            { region: "ap-northeast-1", catalog: "GlueCatalogB", database: "logs_2024", role: "arn:aws:iam::222233334444:role/GrafanaReader" },
        );
    });
});

describe("two workspace stacks on one Grafana workspace", () => {
    it("use their own inline policy, service account, folder and dashboards", async () => {
        const source = await plan(SOURCE_DIR);
        const refs = { [EXAMPLE_SOURCE_STACK]: sourceRef(source) };
        const [a, b] = [await plan(WORKSPACE_DIR, { stack: "team-a", stackRefs: refs }), await plan(WORKSPACE_DIR, { stack: "team-b", stackRefs: refs })];
        const names = (run: typeof a) => ({
            policy: raw(run, oneOf(run, "aws:iam/rolePolicy:RolePolicy").name).name,
            serviceAccount: raw(run, oneOf(run, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount").name).name,
            folder: raw(run, oneOf(run, "grafana:oss/folder:Folder").name).uid,
            dashboards: byType(run, "grafana:oss/dashboard:Dashboard").map((d) => JSON.parse(raw(run, d.name).configJson).uid).sort(),
        });
        const na = names(a);
        const nb = names(b);
        assert.match(na.policy, /^GrafanaAthenaAssumeSourceRoles-[0-9a-f]{8}$/);
        assert.notEqual(na.policy, nb.policy);
        assert.notEqual(na.serviceAccount, nb.serviceAccount);
        assert.notEqual(na.folder, nb.folder);
        assert.equal(na.dashboards.filter((uid: string) => nb.dashboards.includes(uid)).length, 0);
        // The same stack keeps its names from run to run.
        assert.deepEqual(names(await plan(WORKSPACE_DIR, { stack: "team-a", stackRefs: refs })), na);
    });
});
