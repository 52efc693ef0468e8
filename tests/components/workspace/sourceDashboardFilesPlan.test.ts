/**
 * A source stack's own dashboard files (`grafana-athena-source:dashboardFiles`) in the plans: the
 * source reads and checks them against its own tables and exports them in its `dashboardFiles`
 * output; the workspace binds each to that source's data source, in the stack's folder with the
 * source dashboard's grants. And what the workspace refuses of a hostile source's output, each
 * in one line naming the source stack and the output: too large, too deep, another data source, a
 * table the source does not grant, a title that would take another dashboard's place.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../../support/repo";
import {
    SOURCE_DIR,
    byType,
    configProblems,
    exampleConfig,
    plan,
    refusal,
    sourceRef,
} from "../../support/program";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { withOutputs } from "../../support/sourceRefs";
import { planDiffMarkdown } from "../../../tools/ci/planDiff/markdown";
import { rootVariant } from "../../support/rootVariant";
import { ProgramError, runProgram } from "../../../tools/plan/mock/runtime";
import { DASHBOARD_TYPE, PlannedSource, dashboardJson, wsKey } from "../../support/workspaceSources";

const SALES = "organization/grafana-athena-source/sales";
const SHOP = "organization/grafana-athena-source/shop";
const EXAMPLE = JSON.parse(
    fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8"),
);
const FILE = "dashboards/sales-overview.json";
const KEY = "grafana-athena-source:dashboardFiles";
const PERMISSION = "grafana:oss/dashboardPermission:DashboardPermission";

describe("a source stack's own dashboard files in the plans", function () {
    this.timeout(180_000);
    let repo: RepositoryCopy;
    let sales: PlannedSource;
    let shop: PlannedSource;
    const write = (dir: string, file: string, json: unknown) => {
        const target = path.join(dir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, typeof json === "string" ? json : JSON.stringify(json, null, 2));
    };
    const sourceSet = (account: string, label: string, extra: Record<string, unknown> = {}) => ({
        "aws:allowedAccountIds": [account],
        "grafana-athena-source:label": label,
        [KEY]: [FILE],
        ...extra,
    });
    const planSourceWithFiles = async (
        stack: string,
        account: string,
        label: string,
        extra: Record<string, unknown> = {},
    ): Promise<PlannedSource> => {
        const run = await plan(repo.sourceDir, {
            set: sourceSet(account, label, extra),
            stack: stack.split("/")[2],
        });
        const spec = { stack, account, label };
        return { spec, run, ref: sourceRef(run), contract: run.rawOutputs as Record<string, any> };
    };
    const TEAMS = [{ name: "sales-analysts" }, { name: "shop-analysts" }];
    const workspace = (sources: PlannedSource[], set: Record<string, unknown> = {}) => ({
        stackRefs: Object.fromEntries(sources.map((s) => [s.spec.stack, s.ref])),
        set: {
            [wsKey("sources")]: sources.map((s) => ({ stack: s.spec.stack })),
            [wsKey("teams")]: TEAMS,
            ...set,
        },
    });
    /** The workspace's refusal of `sales` with its outputs changed, planned beside `shop`. */
    const refusedWith = (change: (o: Record<string, any>) => void) =>
        refusal(repo.workspaceDir, workspace([withOutputs(sales, change), shop]));
    const fileOf = (o: Record<string, any>) => JSON.parse(o.dashboardFiles[0].json);
    const setFile = (o: Record<string, any>, json: unknown) => {
        o.dashboardFiles = [{ file: FILE, json: typeof json === "string" ? json : JSON.stringify(json) }];
    };

    before(async () => {
        repo = copyRepository();
        write(repo.sourceDir, FILE, EXAMPLE);
        sales = await planSourceWithFiles(SALES, "222233334444", "Sales", {
            "grafana-athena-source:teams": ["sales-analysts"],
        });
        shop = await planSourceWithFiles(SHOP, "333344445555", "Shop", {
            "grafana-athena-source:workgroup": { name: "shop" },
            "grafana-athena-source:teams": ["shop-analysts"],
        });
    });
    after(() => repo.remove());

    it("the source exports each file as text once checked; a source without files exports no such output", async () => {
        assert.deepEqual(
            sales.contract.dashboardFiles.map((f: { file: string }) => f.file),
            [FILE],
        );
        assert.deepEqual(JSON.parse(sales.contract.dashboardFiles[0].json), EXAMPLE);
        const without = await plan(repo.sourceDir, { stack: "plain" });
        assert.ok(!("dashboardFiles" in without.rawOutputs), "an output for no files");
    });

    it("the source refuses a file reading a table it does not grant, and a path out of its folder, naming the key", async () => {
        const problems = await configProblems(repo.sourceDir, {
            set: sourceSet("222233334444", "Sales", {
                [KEY]: [FILE, "../infra-account-a/Pulumi.yaml.json"],
            }),
        });
        assert.deepEqual(problems, [
            `${KEY}[1]: must not climb out of the stack file's folder (..), ` +
                `got "../infra-account-a/Pulumi.yaml.json"`,
        ]);
        const tables = await configProblems(repo.sourceDir, {
            // Its own panels read no table then: the file's queries are what is refused.
            set: sourceSet("222233334444", "Sales", {
                "grafana-athena-source:tables": ["customers"],
                "grafana-athena-source:panels": [],
            }),
        });
        assert.equal(tables.length, 1, tables.join("\n"));
        assert.match(
            tables[0],
            new RegExp(
                `^${KEY}\\[0\\]: ${FILE}: panel "Orders" reads table orders, which the source does not ` +
                    `grant \\(its tables: customers\\)`,
            ),
        );
    });

    it("the workspace plans each source's files bound to that source's data source only, in the stack's folder, with its dashboard's grants", async () => {
        const run = await plan(repo.workspaceDir, workspace([sales, shop]));
        const all = byType(run, DASHBOARD_TYPE);
        const files = all.filter((d) => d.name.includes("-dashboard-source-file-"));
        assert.equal(files.length, 2);
        const byTitle = Object.fromEntries(all.map((d) => [dashboardJson(d).title as string, d]));
        const grants = byType(run, PERMISSION);
        const grantOf = (d: (typeof all)[number]) =>
            grants.find((g) => g.inputs.dashboardUid === dashboardJson(d).uid)!.inputs
                .permissions as unknown[];
        for (const label of ["Sales", "Shop"]) {
            const file = byTitle[`Sales overview (${label})`];
            assert.ok(file, `no dashboard of the source's file for ${label}`);
            const json = dashboardJson(file);
            const generated = byTitle[label];
            const uid = dashboardJson(generated).panels[0].datasource.uid;
            const uids = new Set(JSON.stringify(json).match(/"uid":"[^"]*"/g));
            assert.deepEqual(
                [...uids].sort(),
                [`"uid":"${json.uid}"`, '"uid":"-- Grafana --"', `"uid":"${uid}"`].sort(),
            );
            assert.equal(file.inputs.folder, generated.inputs.folder);
            assert.deepEqual(grantOf(file), grantOf(generated));
            assert.ok(grantOf(file).length > 0);
        }
        // Each source's own grants: the Sales file's dashboard is not the shop team's.
        assert.notDeepEqual(
            grantOf(byTitle["Sales overview (Sales)"]),
            grantOf(byTitle["Sales overview (Shop)"]),
        );
    });

    it("the root project reads its source's files from the repository's root, checks them and plans their dashboards", async () => {
        write(repo.root, FILE, EXAMPLE);
        const run = await plan(
            repo.root,
            rootVariant((c) => (c.source.dashboardFiles = [FILE])),
        );
        const files = byType(run, DASHBOARD_TYPE).filter((d) => d.name.includes("-dashboard-source-file-"));
        assert.deepEqual(
            files.map((d) => String(dashboardJson(d).title).replace(/\(.*\)$/, "(…)")),
            ["Sales overview (…)"],
        );
        const problems = await configProblems(
            repo.root,
            rootVariant((c) => {
                c.source.dashboardFiles = [FILE];
                // Only the file reads a table the source no longer grants.
                c.source.tables = ["customers"];
                c.source.panels = [];
                delete c.workspace.dashboard.panels;
            }),
        );
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(
            problems[0],
            /^grafana-athena:source\.dashboardFiles\[0\]: dashboards\/sales-overview\.json: panel "Orders" reads table orders/,
        );
    });

    it("the component package reads no files: its dashboardFiles is refused in one line", async () => {
        const { config, secretKeys } = exampleConfig(SOURCE_DIR, { set: { [KEY]: [FILE] } });
        const error = await runProgram({
            projectDir: path.join(REPO, "tests/fixtures/package-program"),
            project: "grafana-athena-source",
            stack: "example",
            config,
            secretKeys,
        }).then(
            () => assert.fail("the package took dashboardFiles"),
            (e: unknown) => e,
        );
        assert.ok(error instanceof ProgramError, String(error));
        assert.equal(error.refusal, true, error.message);
        assert.equal(
            error.message,
            "dashboardFiles: the source and root programs read the files from the stack file's folder; " +
                "the component package takes no files",
        );
    });

    it("the plan diff shows each source's file dashboard added, its panels and who may view it", async () => {
        const bare = async (s: PlannedSource, extra: Record<string, unknown>) => {
            const run = await plan(repo.sourceDir, {
                set: { ...sourceSet(s.spec.account, s.spec.label!, extra), [KEY]: [] },
                stack: s.spec.stack.split("/")[2],
            });
            return { ...s, run, ref: sourceRef(run), contract: run.rawOutputs as Record<string, any> };
        };
        const base = [
            await bare(sales, { "grafana-athena-source:teams": ["sales-analysts"] }),
            await bare(shop, {
                "grafana-athena-source:workgroup": { name: "shop" },
                "grafana-athena-source:teams": ["shop-analysts"],
            }),
        ];
        const plans = async (sources: PlannedSource[]) => ({
            "infra-account-b.sales.json": sources[0].run.plan,
            "infra-account-b.shop.json": sources[1].run.plan,
            "infra-account-a.grafana.json": (await plan(repo.workspaceDir, workspace(sources))).plan,
        });
        const md = planDiffMarkdown(await plans(base), await plans([sales, shop]), { maxLength: 1_000_000 });
        for (const label of ["Sales", "Shop"]) {
            assert.match(md, new RegExp(`##### ➕ dashboard \`Sales overview \\(${label}\\)\` — `));
        }
        assert.match(md, /- ➕ panel `Orders` \(`stat`\)/);
        assert.match(md, /^\+ team sales-analysts may view "Sales overview \(Sales\)"$/m);
        assert.match(md, /^\+ team shop-analysts may view "Sales overview \(Shop\)"$/m);
        assert.doesNotMatch(md, /team shop-analysts may view "Sales overview \(Sales\)"/);
    });

    it("takes no uid from the file: a file naming another source's dashboard's uid gets one of its own", async () => {
        const run = await plan(repo.workspaceDir, workspace([sales, shop]));
        const shopUid = dashboardJson(
            byType(run, DASHBOARD_TYPE).find((d) => dashboardJson(d).title === "Shop")!,
        ).uid;
        const hostile = withOutputs(sales, (o) => setFile(o, { ...fileOf(o), uid: shopUid }));
        const again = await plan(repo.workspaceDir, workspace([hostile, shop]));
        const uids = byType(again, DASHBOARD_TYPE).map((d) => dashboardJson(d).uid);
        assert.equal(uids.filter((u) => u === shopUid).length, 1, "two dashboards of one uid");
        const file = byType(again, DASHBOARD_TYPE).find(
            (d) => dashboardJson(d).title === "Sales overview (Sales)",
        )!;
        assert.notEqual(dashboardJson(file).uid, shopUid);
    });

    it("refuses an output too large or too deep before parsing it, naming the stack and the output", async () => {
        const big = await refusedWith((o) => setFile(o, `{"title":"x","pad":"${"a".repeat(1024 * 1024)}"}`));
        assert.match(
            big,
            /^source stack "[^"]+sales": output "dashboardFiles\[0\]\.json" holds 1048\d+ bytes, more than the 1048576 a dashboard may$/,
        );
        const total = await refusedWith((o) => {
            const pad = "a".repeat(900 * 1024);
            o.dashboardFiles = [1, 2, 3].map((n) => ({
                file: `d${n}.json`,
                json: JSON.stringify({ title: `t${n}`, pad }),
            }));
        });
        assert.match(total, /output "dashboardFiles" holds \d+ bytes of JSON, more than the 2097152/);
        const deep = await refusedWith((o) =>
            setFile(o, `{"title":"x","a":${"[".repeat(100)}${"]".repeat(100)}}`),
        );
        assert.match(deep, /output "dashboardFiles\[0\]\.json" nests deeper than 64 levels$/);
        const many = await refusedWith((o) => {
            o.dashboardFiles = Array.from({ length: 11 }, (_, n) => ({ file: `d${n}.json`, json: "{}" }));
        });
        assert.match(many, /output "dashboardFiles" lists 11 items, more than the 10 it may hold/);
    });

    it("refuses a query on another data source, on a table the source does not grant, or what the schema refuses", async () => {
        const run = await plan(repo.workspaceDir, workspace([sales, shop]));
        const shopDs = dashboardJson(
            byType(run, DASHBOARD_TYPE).find((d) => dashboardJson(d).title === "Shop")!,
        ).panels[0].datasource;
        const other = await refusedWith((o) => {
            const json = fileOf(o);
            json.panels[1].targets[0].datasource = shopDs;
            setFile(o, json);
        });
        assert.equal(
            other,
            `source stack "${SALES}": output "dashboardFiles[0]" (${FILE}): ` +
                `panels[1].targets[0].datasource is ${JSON.stringify(shopDs)}: ` +
                `every query of the file runs on its Athena data source input ("\${DS_...}")`,
        );
        const table = await refusedWith((o) => {
            const json = fileOf(o);
            json.panels[0].targets[0].rawSQL = "SELECT * FROM secrets";
            setFile(o, json);
        });
        assert.equal(
            table,
            `source stack "${SALES}": output "dashboardFiles[0]" (${FILE}): panel "Orders" reads table ` +
                `secrets, which the source does not grant (its tables: orders, customers)`,
        );
        // A key Grafana's schema does not know (here one that would name another folder) is refused.
        const placed = await refusedWith((o) => setFile(o, { ...fileOf(o), folderUid: "other-team" }));
        assert.match(
            placed,
            new RegExp(
                `^source stack "${SALES}": output "dashboardFiles\\[0\\]" \\(${FILE}\\): ` +
                    `not a dashboard Grafana 1[02]\\.4's schema accepts: .*folderUid`,
            ),
        );
        const untabled = await refusedWith((o) => delete o.tables);
        assert.match(untabled, /output "tables" is missing, but dashboardFiles are exported/);
    });

    it("refuses a file whose dashboard would take the place of another of the folder", async () => {
        // The workspace's own file of the same title, bound to the same source: one title twice.
        write(repo.workspaceDir, FILE, EXAMPLE);
        const twice = await refusal(
            repo.workspaceDir,
            workspace([sales], { [wsKey("dashboard")]: { files: [FILE] } }),
        );
        assert.equal(
            twice,
            `source stack "${SALES}": output "dashboardFiles[0]" (${FILE}): its dashboard's title ` +
                `"Sales overview (Sales)" looks like the title of a dashboard of dashboard.files ` +
                `for "${SALES}" in the stack's folder, whose place it would take in Grafana; ` +
                `retitle the file`,
        );
        // A path both name, under other titles: two dashboards, neither taking the other's uid.
        write(repo.workspaceDir, FILE, { ...EXAMPLE, title: "Sales at a glance" });
        const both = await plan(
            repo.workspaceDir,
            workspace([sales], { [wsKey("dashboard")]: { files: [FILE] } }),
        );
        const uids = byType(both, DASHBOARD_TYPE)
            .filter((d) => /Sales (overview|at a glance) \(Sales\)/.test(dashboardJson(d).title))
            .map((d) => dashboardJson(d).uid);
        assert.equal(new Set(uids).size, 2, `one uid for both: ${uids.join(", ")}`);
        // Another source's dashboard: a file titled so that with its source's name it reads as "Shop".
        const named = withOutputs(shop, (o) => (o.label = "Shop (Sales)"));
        const hostile = withOutputs(sales, (o) => setFile(o, { ...fileOf(o), title: "ＳＨＯＰ" }));
        const message = await refusal(repo.workspaceDir, workspace([hostile, named]));
        assert.match(
            message,
            /output "dashboardFiles\[0\]" \(dashboards\/sales-overview\.json\): its dashboard's title "ＳＨＯＰ \(Sales\)" looks like the title of the dashboard of source stack "[^"]+shop"/,
        );
    });
});
