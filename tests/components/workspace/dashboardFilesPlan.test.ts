/**
 * Dashboards of the user's own (`dashboard.files`) in the workspace program's plan: the example
 * export (examples/dashboards/sales-overview.json) bound to each source's data source, in the
 * stack's folder with the source dashboard's grants; and what is refused, in one line naming the
 * key: a path out of the stack's folder, a query reading a table a source does not grant, another
 * data source, a file Grafana's schema refuses.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { StackRefOutputs } from "../../../tools/plan/mock/runtime";
import { REPO } from "../../support/repo";
import { byType, configProblems, plan, refusal } from "../../support/program";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import {
    DASHBOARD_TYPE,
    PlannedSource,
    dashboardJson,
    planSource,
    wsKey,
} from "../../support/workspaceSources";

const SALES = "organization/grafana-athena-source/sales";
const SHOP = "organization/grafana-athena-source/shop";
const EXAMPLE = JSON.parse(
    fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8"),
);
const FILE = "dashboards/sales-overview.json";

describe("dashboard files in the plans", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;
    let sales: PlannedSource;
    let shop: PlannedSource;
    let refs: Record<string, StackRefOutputs>;
    const write = (file: string, json: unknown) => {
        const target = path.join(repo.workspaceDir, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, typeof json === "string" ? json : JSON.stringify(json, null, 2));
    };
    const variant = (files: string[], sources = [{ stack: SALES }, { stack: SHOP }]) => ({
        stackRefs: refs,
        set: { [wsKey("sources")]: sources, [wsKey("dashboard")]: { files } },
    });
    before(async () => {
        repo = copyRepository();
        write(FILE, EXAMPLE);
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
        shop = await planSource({ stack: SHOP, account: "333344445555", workgroup: "shop", label: "Shop" });
        refs = { [SALES]: sales.ref, [SHOP]: shop.ref };
    });
    after(() => repo.remove());

    it("plans the example export once per source, bound to that source's data source, in the stack's folder", async () => {
        const run = await plan(repo.workspaceDir, variant([FILE]));
        const all = byType(run, DASHBOARD_TYPE);
        const files = all.filter((d) => d.name.includes("-dashboard-file-"));
        assert.equal(files.length, 2);
        const generated = Object.fromEntries(
            all.map((d) => [dashboardJson(d).title as string, dashboardJson(d)]),
        );
        for (const label of ["Sales", "Shop"]) {
            const json = generated[`Sales overview (${label})`];
            assert.ok(json, `no file dashboard for ${label}`);
            const uid = generated[label].panels[0].datasource.uid;
            const refs = JSON.stringify(json).match(/"uid":"[^"]*"/g)!;
            assert.ok(!JSON.stringify(json).includes("DS_ATHENA"), "an input left unbound");
            assert.deepEqual(
                [...new Set(refs)].sort(),
                [`"uid":"${json.uid}"`, '"uid":"-- Grafana --"', `"uid":"${uid}"`].sort(),
            );
            assert.equal(json.panels[0].targets[0].rawSQL, EXAMPLE.panels[0].targets[0].rawSQL);
            for (const key of ["__inputs", "__requires", "__elements", "id", "version"])
                assert.ok(!(key in json), key);
        }
        const folders = new Set(files.map((d) => d.inputs.folder));
        assert.equal(folders.size, 1);
        assert.equal([...folders][0], all.find((d) => dashboardJson(d).title === "Sales")!.inputs.folder);
    });

    it("refuses a path out of the stack's folder, absolute, missing or not a file, naming the key", async () => {
        fs.symlinkSync(
            path.join(REPO, "package.json"),
            path.join(repo.workspaceDir, "dashboards", "out.json"),
        );
        fs.mkdirSync(path.join(repo.workspaceDir, "dashboards", "dir.json"));
        const problems = await configProblems(
            repo.workspaceDir,
            variant([
                "../Pulumi.yaml.json",
                "/etc/passwd.json",
                "dashboards/none.json",
                "dashboards/out.json",
                "dashboards/dir.json",
            ]),
        );
        const key = "grafana-athena-workspace:dashboard.files";
        assert.deepEqual(
            problems.map((p) => p.replace(/ in \/.*$/, "").replace(/^(.*?: \S+ is a folder).*$/, "$1")),
            [
                `${key}[0]: must not climb out of the stack file's folder (..), got "../Pulumi.yaml.json"`,
                `${key}[1]: must be relative to the stack file's folder, ` +
                    `not absolute, got "/etc/passwd.json"`,
            ],
        );
        const read = await configProblems(
            repo.workspaceDir,
            variant(["dashboards/none.json", "dashboards/out.json", "dashboards/dir.json"]),
        );
        assert.equal(read.length, 3, read.join("\n"));
        assert.match(
            read[0],
            /^grafana-athena-workspace:dashboard\.files\[0\]: dashboards\/none\.json does not exist/,
        );
        assert.match(
            read[1],
            /^grafana-athena-workspace:dashboard\.files\[1\]: dashboards\/out\.json leads out of the stack file's folder/,
        );
        assert.match(
            read[2],
            /^grafana-athena-workspace:dashboard\.files\[2\]: .*dir\.json is a folder, not a file/,
        );
    });

    it("refuses a file whose query reads a table a source does not grant, naming the key, the file, the stack and the panel", async () => {
        const hr = await planSource({
            stack: "organization/grafana-athena-source/hr",
            account: "444455556666",
            workgroup: "hr",
            label: "HR",
            tables: ["salaries"],
        });
        const message = await refusal(repo.workspaceDir, {
            stackRefs: { ...refs, "organization/grafana-athena-source/hr": hr.ref },
            set: {
                [wsKey("sources")]: [{ stack: "organization/grafana-athena-source/hr" }],
                [wsKey("dashboard")]: { files: [FILE] },
            },
        });
        assert.equal(
            message,
            `dashboard.files[0] (${FILE}) for source stack "organization/grafana-athena-source/hr": ` +
                `panel "Orders" reads table orders, which the source does ` +
                `not grant (its tables: salaries); ` +
                `panel "Revenue per day" reads table orders, which the source ` +
                `does not grant (its tables: salaries); ` +
                `variable "$region" reads table orders, which the source ` +
                `does not grant (its tables: salaries)`,
        );
    });

    it("refuses a query on another data source, and a file Grafana's schema refuses", async () => {
        const other = structuredClone(EXAMPLE);
        other.panels[1].targets[0].datasource = {
            type: "grafana-athena-datasource",
            uid: "athena-of-another-team",
        };
        write("dashboards/other.json", other);
        assert.equal(
            await refusal(repo.workspaceDir, variant(["dashboards/other.json"], [{ stack: SALES }])),
            `dashboard.files[0] (dashboards/other.json) for source stack ` +
                `"${SALES}": panels[1].targets[0].datasource is ` +
                `{"type":"grafana-athena-datasource","uid":` +
                `"athena-of-another-team"}: every query of the file runs on its ` +
                `Athena data source input ("\${DS_...}")`,
        );
        const invalid = structuredClone(EXAMPLE);
        invalid.panels[0].gridPos = { x: 0, y: 0 };
        write("dashboards/invalid.json", invalid);
        assert.match(
            await refusal(repo.workspaceDir, variant(["dashboards/invalid.json"], [{ stack: SALES }])),
            /^dashboard\.files\[0\] \(dashboards\/invalid\.json\) for source stack "[^"]+": not a dashboard Grafana 1[02]\.4's schema accepts: .*gridPos/,
        );
    });
});
