/**
 * Least privilege inside Grafana: with teams, each data source may be queried by exactly its
 * source's teams (and the program's service account), each dashboard viewed by exactly the teams
 * that may query all it reads, and no role gets anything; a team no one defined is refused. The
 * pure rules first, then the workspace program planned under the mocks, read back through the
 * access table a reviewer sees.
 */
import assert from "node:assert/strict";
import { workspaceSettings } from "../../../shared/config/workspace";
import { sourceSettingsFor } from "../../../shared/config/source";
import { checkSourceOutputs } from "../../../shared/contract";
import {
    dashboardViewers,
    queryItems,
    sourcesByTeam,
    teamIdsOf,
    undefinedTeamProblems,
    viewItems,
} from "../../../shared/grafana/permissions";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { ADMINS_ONLY, EVERYONE, accessChanges, accessTable } from "../../../tools/plan/access";
import { renderComment } from "../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../tools/ci/planDiff/stacks";
import { summary } from "../../../tools/plan/synth";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { ROOT_DIR, WORKSPACE_DIR, byType, configProblems, plan, refusal } from "../../support/program";
import {
    PlannedSource,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

const DS_PERMISSION = "grafana:enterprise/dataSourcePermission:DataSourcePermission";
const FOLDER_PERMISSION = "grafana:oss/folderPermission:FolderPermission";
const DASHBOARD_PERMISSION = "grafana:oss/dashboardPermission:DashboardPermission";
const TEAM = "grafana:oss/team:Team";

describe("Grafana permissions: the rules", () => {
    it("grants Query to the teams and the service account, View to the teams, and never to a role", () => {
        assert.deepEqual(queryItems(["1:7", "1:3", "1:7"], "42"), [
            { teamId: "1:3", permission: "Query" },
            { teamId: "1:7", permission: "Query" },
            { userId: "42", permission: "Query" },
        ]);
        assert.deepEqual(queryItems([]), []);
        assert.deepEqual(viewItems(["1:3"]), [{ teamId: "1:3", permission: "View" }]);
        for (const item of [...queryItems(["1:3"], "42"), ...viewItems(["1:3"])])
            assert.ok(!("builtInRole" in item) && !("role" in item));
    });

    it("lets view a dashboard exactly the teams that may query every source it reads", () => {
        assert.deepEqual(
            dashboardViewers(
                [
                    ["a", "b"],
                    ["b", "c"],
                ],
                ["a", "b", "c"],
            ),
            ["b"],
        );
        assert.deepEqual(dashboardViewers([["a"], ["b"]], ["a", "b"]), []);
        // Links only (the home dashboard): every team.
        assert.deepEqual(dashboardViewers([], ["b", "a"]), ["a", "b"]);
    });

    it("refuses a team a source names that the workspace does not define, naming both", () => {
        assert.deepEqual(
            undefinedTeamProblems(
                ["analysts"],
                [{ key: "o/grafana-athena-source/sales", teams: ["analysts", "finance"] }],
            ),
            [
                'source stack "o/grafana-athena-source/sales" names the team "finance", which the ' +
                    "workspace stack does not define: add it to grafana-athena-workspace:teams, or " +
                    "remove it from that source's grafana-athena-source:teams",
            ],
        );
        assert.deepEqual(undefinedTeamProblems(["analysts"], [{ key: "s", teams: [] }]), []);
        assert.throws(() => teamIdsOf(["ghost"], {}), /team "ghost" has no Grafana id/);
        assert.deepEqual(
            sourcesByTeam(
                ["a", "b"],
                [
                    { key: "s1", teams: ["a"] },
                    { key: "s2", teams: ["a", "b"] },
                ],
            ),
            new Map([
                ["a", ["s1", "s2"]],
                ["b", ["s2"]],
            ]),
        );
    });

    it("validates the teams keys with one line per problem, naming the key", () => {
        const base = { workspaceId: "g-0123456789", sources: [] };
        const problems = (teams: unknown) => {
            const r = workspaceSettings.safeParse({ ...base, teams });
            return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        };
        assert.deepEqual(problems([{ name: "a" }, { name: "b", existing: true }]), []);
        assert.deepEqual(problems([{ name: "a" }, { name: "a" }]), ['teams: lists the team "a" twice']);
        assert.deepEqual(problems([{ name: "a", existing: true, members: ["x@example.com"] }]).length, 1);
        assert.match(
            problems([{ name: "a", existing: true, members: ["x@example.com"] }])[0],
            /^teams\.0\.members: must be left out for an existing team/,
        );
        assert.match(
            problems([{ name: "a", members: ["not an email"] }])[0],
            /^teams\.0\.members\.0: must be the email address of a Grafana user/,
        );
        assert.match(problems([{ name: "line\nbreak" }])[0], /^teams\.0\.name: must be one line/);
        assert.match(problems([{ name: "a", admins: [] }])[0], /^teams\.0/);
        const source = sourceSettingsFor("eu-west-1").shape.teams;
        assert.deepEqual(source.parse(undefined), []);
        assert.equal(source.safeParse(["a", "a"]).success, false);
    });

    it("reads a source stack without a teams output (an older release) as naming none, and refuses a malformed one", () => {
        const good = {
            contractVersion: 1,
            accountId: "222233334444",
            region: "eu-west-1",
            roleArn: "arn:aws:iam::222233334444:role/R",
            externalId: "x".repeat(48),
            catalog: "AwsDataCatalog",
            database: "sales",
            workgroup: "grafana",
            outputLocation: "s3://results-bucket/grafana/",
            label: "Sales",
        };
        assert.deepEqual(checkSourceOutputs("o/p/s", good).teams, []);
        assert.deepEqual(checkSourceOutputs("o/p/s", { ...good, teams: ["a"] }).teams, ["a"]);
        assert.throws(
            () => checkSourceOutputs("o/p/s", { ...good, teams: "a" }),
            /output "teams" is not a list of team names/,
        );
        assert.throws(
            () => checkSourceOutputs("o/p/s", { ...good, teams: ["a\nb"] }),
            /output "teams(\[0\])?" must be one line/,
        );
    });
});

describe("Grafana permissions: the workspace planned with teams", () => {
    let sales: PlannedSource;
    let ops: PlannedSource;
    let untagged: PlannedSource;
    let run: RunResult;
    const TEAMS = [
        { name: "analysts", members: ["ana@example.com"] },
        { name: "finance", existing: true },
        { name: "nobody" },
    ];

    before(async () => {
        [sales, ops, untagged] = await Promise.all([
            planSource({
                stack: "organization/grafana-athena-source/sales",
                account: "222233334444",
                label: "Sales",
                teams: ["analysts", "finance"],
            }),
            planSource({
                stack: "organization/grafana-athena-source/ops",
                account: "333344445555",
                label: "Ops",
                teams: ["finance"],
            }),
            planSource({
                stack: "organization/grafana-athena-source/hr",
                account: "444455556666",
                label: "HR",
            }),
        ]);
        run = await planWorkspace([sales, ops, untagged], { set: { [wsKey("teams")]: TEAMS } });
    });

    /** The Grafana id of a team, as the stack outputs it: what every grant must name. */
    const id = (team: string) => (run.plan.outputs.teams as Record<string, string>)[team];

    it("creates the teams it owns (with their members) and only looks up an existing one", () => {
        const teams = byType(run, TEAM);
        assert.deepEqual(teams.map((t) => t.inputs.name).sort(), ["analysts", "nobody"]);
        assert.deepEqual(teams.find((t) => t.inputs.name === "analysts")!.inputs.members, [
            "ana@example.com",
        ]);
        assert.equal(teams.find((t) => t.inputs.name === "nobody")!.inputs.members, undefined);
        // Every team of the config, the existing one too, by name; each id a team of its own.
        const ids = run.plan.outputs.teams as Record<string, string>;
        assert.deepEqual(Object.keys(ids).sort(), ["analysts", "finance", "nobody"]);
        assert.equal(new Set(Object.values(ids)).size, 3);
        assert.ok(Object.values(ids).every((v) => typeof v === "string" && v !== ""));
    });

    it("gives every data source exactly its source's teams and the service account, and no role", () => {
        const grants = byType(run, DS_PERMISSION);
        assert.equal(grants.length, 3);
        const byName = new Map(
            byType(run, "grafana:oss/dataSource:DataSource").map((d) => [d.inputs.uid, d.inputs.name]),
        );
        const teamsOf = (name: string) =>
            grants.find((g) => byName.get(g.inputs.datasourceUid) === name)!.inputs.permissions as {
                teamId?: string;
                userId?: string;
                permission: string;
            }[];
        assert.deepEqual(
            teamsOf("Sales")
                .filter((p) => p.teamId)
                .map((p) => p.teamId),
            [id("finance"), id("analysts")].sort(),
        );
        assert.deepEqual(
            teamsOf("Ops")
                .filter((p) => p.teamId)
                .map((p) => p.teamId),
            [id("finance")],
        );
        assert.deepEqual(
            teamsOf("HR").filter((p) => p.teamId),
            [],
        );
        for (const g of grants) {
            const items = g.inputs.permissions as Record<string, unknown>[];
            assert.ok(
                items.every((p) => p.permission === "Query" && !p.builtInRole),
                JSON.stringify(items),
            );
            assert.equal(
                items.filter((p) => p.userId).length,
                1,
                "the service account, for the health check",
            );
            assert.equal(g.inputs.datasourceType, "grafana-athena-datasource");
        }
    });

    it("empties every folder of role grants and gives each team a folder of its own", () => {
        const folders = byType(run, FOLDER_PERMISSION);
        assert.equal(folders.length, 1 + TEAMS.length);
        for (const f of folders)
            assert.ok(
                (f.inputs.permissions as Record<string, unknown>[]).every(
                    (p) => p.teamId && !p.role && p.permission === "View",
                ),
            );
        assert.equal(
            folders.filter((f) => (f.inputs.permissions as unknown[]).length === 0).length,
            1,
            "the shared folder: admins only",
        );
        for (const d of byType(run, DASHBOARD_PERMISSION))
            assert.ok((d.inputs.permissions as Record<string, unknown>[]).every((p) => p.teamId && !p.role));
    });

    it("shows in the access table exactly who may query and view what", () => {
        const rows = accessTable(run.plan)!;
        const row = (p: string) => rows.find((r) => r.principal === p);
        assert.deepEqual(row("team analysts"), {
            principal: "team analysts",
            dataSources: ["Sales"],
            dashboards: ["Athena fleet: analysts", "Athena sources", "Sales"],
        });
        assert.deepEqual(row("team finance"), {
            principal: "team finance",
            dataSources: ["Ops", "Sales"],
            // analysts' fleet reads Sales only, which finance may query too.
            dashboards: ["Athena fleet: analysts", "Athena fleet: finance", "Athena sources", "Ops", "Sales"],
        });
        assert.deepEqual(row("team nobody"), {
            principal: "team nobody",
            dataSources: [],
            dashboards: ["Athena fleet: nobody", "Athena sources"],
        });
        // HR names no team: admins, and the program's service account (its health check), only.
        assert.deepEqual(row(ADMINS_ONLY), {
            principal: ADMINS_ONLY,
            dataSources: [],
            dashboards: ["Athena fleet", "HR"],
        });
        const serviceAccount = rows.filter((r) => r.principal.startsWith("user or service account "));
        assert.deepEqual(
            serviceAccount.map((r) => [r.dataSources, r.dashboards]),
            [[["HR", "Ops", "Sales"], []]],
        );
        assert.equal(row(EVERYONE), undefined);
        assert.ok(rows.every((r) => !r.principal.startsWith("role ")));
    });

    it("names no source on the home dashboard every team views: it links each team's fleet dashboard", () => {
        const home = byType(run, "grafana:oss/dashboard:Dashboard")
            .map((d) => JSON.parse(String(d.inputs.configJson)))
            .find((j) => j.title === "Athena sources");
        const text = JSON.stringify(home);
        for (const name of ["Sales", "Ops", "HR", "222233334444"])
            assert.ok(!text.includes(name), `${name} on the home dashboard`);
        for (const team of ["analysts", "finance", "nobody"])
            assert.ok(text.includes(`Athena fleet: ${team}`), team);
        assert.equal(
            home.panels.every((p: { type: string; targets?: unknown[] }) => p.type === "text" && !p.targets),
            true,
            "links only, no data",
        );
    });

    it("offers each team's fleet dashboard only that team's data sources", () => {
        const fleet = byType(run, "grafana:oss/dashboard:Dashboard")
            .map((d) => JSON.parse(String(d.inputs.configJson)))
            .find((j) => j.title === "Athena fleet: finance");
        assert.equal(fleet.templating.list[0].regex, "/^(?:Ops|Sales)$/");
        assert.ok(
            run.plan.outputs.dashboardUrls && "fleet/finance" in (run.plan.outputs.dashboardUrls as object),
        );
    });

    it("makes a change of access a visible line of the plan diff", async () => {
        const fewer = await planWorkspace([sales, ops, untagged], {
            set: { [wsKey("teams")]: TEAMS.filter((t) => t.name !== "nobody") },
        });
        const changes = accessChanges(run.plan, fewer.plan);
        assert.ok(changes.includes('- team nobody may view "Athena fleet: nobody"'), changes.join("\n"));
        assert.ok(
            changes.every((c) => c.startsWith("- ")),
            "removing a team only takes access away",
        );
        const comment = renderComment(
            diffPlanSets(
                { "infra-account-a.example.json": run.plan },
                { "infra-account-a.example.json": fewer.plan },
            ),
        );
        assert.match(comment, /#### Grafana access \(who may query, who may view\)/);
        assert.ok(comment.includes('- team nobody may view "Athena fleet: nobody"'), comment);
    });

    it("prints the access table in synth's summary", () => {
        const text = summary([run.plan]);
        assert.match(text, /-- Grafana access: who may query which data source and view which dashboard/);
        assert.match(text, /\n   team finance\n      query: Ops, Sales\n/);
    });

    it("refuses a source that names a team the workspace does not define, in one line", async () => {
        const message = await refusal(
            WORKSPACE_DIR,
            workspaceVariant([sales], { set: { [wsKey("teams")]: [{ name: "analysts" }] } }),
        );
        assert.equal(
            message,
            'source stack "organization/grafana-athena-source/sales" names the team "finance", which ' +
                "the workspace stack does not define: add it to grafana-athena-workspace:teams, or " +
                "remove it from that source's grafana-athena-source:teams",
        );
    });

    it("refuses a bad teams key before planning, naming it", async () => {
        const problems = await configProblems(
            WORKSPACE_DIR,
            workspaceVariant([ops], { set: { [wsKey("teams")]: [{ name: "a" }, { name: "a" }] } }),
        );
        assert.deepEqual(problems, ['grafana-athena-workspace:teams: lists the team "a" twice']);
    });

    it("plans the same grants on a workspace of Grafana 10.4, 12.4 and 13", async () => {
        const grants = async (grafanaVersion: string) => {
            const r = await planWorkspace([ops], {
                set: { [wsKey("teams")]: [{ name: "finance" }] },
                world: { workspaces: { "g-0123456789": { grafanaVersion } } },
            });
            return accessTable(r.plan);
        };
        const [ten, twelve, thirteen] = await Promise.all(["10.4", "12.4", "13"].map(grants));
        assert.deepEqual(twelve, ten);
        assert.deepEqual(thirteen, ten);
        assert.deepEqual(ten!.find((r) => r.principal === "team finance")!.dataSources, ["Ops"]);
    });

    it("leaves Grafana's defaults, and says so, without teams", async () => {
        // ops names a team; without teams on the workspace it is refused rather than opened to everyone.
        assert.match(
            await refusal(WORKSPACE_DIR, workspaceVariant([ops])),
            /^source stack "organization\/grafana-athena-source\/ops" names the team "finance", which the workspace stack does not define/,
        );
        const plain = await planWorkspace([untagged]);
        for (const t of [DS_PERMISSION, FOLDER_PERMISSION, DASHBOARD_PERMISSION, TEAM])
            assert.equal(byType(plain, t).length, 0, t);
        assert.deepEqual(
            accessTable(plain.plan)!.map((r) => r.principal),
            [EVERYONE],
        );
    });
});

describe("Grafana permissions: the root project with teams", () => {
    it("grants the source's teams from its own object, and refuses an undefined one", async () => {
        const example = YAML.parse(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.example.yaml"), "utf8"))
            .config as Record<string, Record<string, unknown>>;
        const source = { ...example["grafana-athena:source"], teams: ["analysts"] };
        const workspace = { ...example["grafana-athena:workspace"], teams: [{ name: "analysts" }] };
        const run = await plan(ROOT_DIR, {
            set: { "grafana-athena:source": source, "grafana-athena:workspace": workspace },
        });
        const analysts = accessTable(run.plan)!.find((r) => r.principal === "team analysts");
        assert.deepEqual(analysts?.dataSources, ["Sales"]);
        const message = await refusal(ROOT_DIR, {
            set: {
                "grafana-athena:source": { ...source, teams: ["finance"] },
                "grafana-athena:workspace": workspace,
            },
        });
        assert.match(message, /names the team "finance", which the workspace stack does not define/);
    });
});
