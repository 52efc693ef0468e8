import assert from "node:assert/strict";
import { EXAMPLE_SOURCE_STACK, SOURCE_DIR, WORKSPACE_DIR, configProblems, plan, sourceRef } from "./support/program";

describe("support: programs under mocks", () => {
    it("plans the source and the workspace fed by it", async () => {
        const source = await plan(SOURCE_DIR);
        const workspace = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
        assert.ok(workspace.plan.resources.some((r) => r.type === "grafana:oss/dataSource:DataSource"));
        const problems = await configProblems(SOURCE_DIR, { set: { "grafana-athena-source:grafanaAccountId": "12345" } });
        assert.ok(problems.some((p) => p.startsWith("grafana-athena-source:grafanaAccountId:")), problems.join("\n"));
    });
});
