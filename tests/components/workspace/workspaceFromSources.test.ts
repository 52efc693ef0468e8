/**
 * Source stacks with non-default settings, read by the workspace stack; and what keeps two
 * workspace stacks that share one Grafana workspace from overwriting each other.
 */
import assert from "node:assert/strict";
import type { StackRefOutputs } from "../../../tools/plan/mock/runtime";
import {
    EXAMPLE_SOURCE_STACK,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    configProblems,
    oneOf,
    plan,
    raw,
    sourceRef,
} from "../../support/program";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";

const SRC = "grafana-athena-source";

describe("source settings the workspace must accept", () => {
    it("a results location at the root of its bucket (results.prefix empty)", async () => {
        const source = await plan(SOURCE_DIR, {
            set: { [`${SRC}:results`]: { bucket: "grafana-results-222233334444", prefix: "" } },
        });
        assert.equal(source.rawOutputs.outputLocation, "s3://grafana-results-222233334444/");
        const workspace = await plan(WORKSPACE_DIR, {
            stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) },
        });
        const ds = oneOf(workspace, "grafana:oss/dataSource:DataSource");
        assert.equal(
            JSON.parse(raw(workspace, ds.name).jsonDataEncoded).outputLocation,
            "s3://grafana-results-222233334444/",
        );
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
        const workspace = await plan(WORKSPACE_DIR, {
            stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) },
        });
        const jsonData = JSON.parse(
            raw(workspace, oneOf(workspace, "grafana:oss/dataSource:DataSource").name).jsonDataEncoded,
        );
        assert.deepEqual(
            {
                region: jsonData.defaultRegion,
                catalog: jsonData.catalog,
                database: jsonData.database,
                role: jsonData.assumeRoleArn,
            },
            {
                region: "ap-northeast-1",
                catalog: "GlueCatalogB",
                database: "logs_2024",
                role: "arn:aws:iam::222233334444:role/GrafanaReader",
            },
        );
    });
});

describe("two workspace stacks on one Grafana workspace", () => {
    it("use their own inline policy, service account, folder and dashboards", async () => {
        const source = await plan(SOURCE_DIR);
        const refs = { [EXAMPLE_SOURCE_STACK]: sourceRef(source) };
        const [a, b] = [
            await plan(WORKSPACE_DIR, { stack: "team-a", stackRefs: refs }),
            await plan(WORKSPACE_DIR, { stack: "team-b", stackRefs: refs }),
        ];
        const names = (run: typeof a) => ({
            policy: raw(run, oneOf(run, "aws:iam/rolePolicy:RolePolicy").name).name,
            serviceAccount: raw(
                run,
                oneOf(run, "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount").name,
            ).name,
            folder: raw(run, oneOf(run, "grafana:oss/folder:Folder").name).uid,
            dataSources: byType(run, "grafana:oss/dataSource:DataSource")
                .map((d) => raw(run, d.name).uid)
                .sort(),
            dashboards: byType(run, "grafana:oss/dashboard:Dashboard")
                .map((d) => JSON.parse(raw(run, d.name).configJson).uid)
                .sort(),
        });
        const na = names(a);
        const nb = names(b);
        assert.match(na.policy, /^GrafanaAthenaAssumeSourceRoles-[0-9a-f]{8}$/);
        assert.notEqual(na.policy, nb.policy);
        assert.notEqual(na.serviceAccount, nb.serviceAccount);
        assert.notEqual(na.folder, nb.folder);
        assert.equal(
            na.dataSources.filter((uid: string) => nb.dataSources.includes(uid)).length,
            0,
            "data source uids are unique in a Grafana organisation",
        );
        assert.equal(na.dashboards.filter((uid: string) => nb.dashboards.includes(uid)).length, 0);
        // The same stack keeps its names from run to run.
        assert.deepEqual(names(await plan(WORKSPACE_DIR, { stack: "team-a", stackRefs: refs })), na);
    });
});

describe("two workspace stacks on one Grafana workspace: what only their stack files tell", function () {
    this.timeout(60_000);
    const WS = "grafana-athena-workspace";
    let repo: RepositoryCopy;
    let refs: Record<string, StackRefOutputs>;
    before(async () => {
        repo = copyRepository();
        refs = { [EXAMPLE_SOURCE_STACK]: sourceRef(await plan(SOURCE_DIR)) };
        // A sibling: the example stack's settings, so the same workspace, folder and source.
        repo.writeStack("infra-account-a", "team-b", exampleStackConfig("infra-account-a"));
    });
    after(() => repo.remove());

    it("refuses the folder title and the data source names a sibling on the same workspace already has", async () => {
        const problems = await configProblems(repo.workspaceDir, { stack: "team-a", stackRefs: refs });
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(
            problems[0],
            new RegExp(
                `^${WS}:dashboard\\.folder: is "Athena", the folder of workspace ` +
                    `stack "team-b" on the same workspace g-0123456789`,
            ),
        );
        assert.match(
            problems[1],
            new RegExp(
                `^${WS}:sources: gives 1 data source\\(s\\) the same name as workspace stack "team-b"`,
            ),
        );
    });

    it("accepts a folder and data source names of its own, and ignores siblings on other workspaces", async () => {
        const own = await plan(repo.workspaceDir, {
            stack: "team-a",
            stackRefs: refs,
            set: {
                [`${WS}:dashboard`]: { folder: "Athena (team A)" },
                [`${WS}:sources`]: [{ stack: EXAMPLE_SOURCE_STACK, name: "Sales (team A)" }],
            },
        });
        assert.equal(oneOf(own, "grafana:oss/folder:Folder").inputs.title, "Athena (team A)");
        const elsewhere = await plan(repo.workspaceDir, {
            stack: "team-a",
            stackRefs: refs,
            set: { [`${WS}:workspaceId`]: "g-9999999999" },
        });
        assert.equal(oneOf(elsewhere, "grafana:oss/folder:Folder").inputs.title, "Athena");
    });
});
