/**
 * A source stack's own dashboard files (`grafana-athena-source:dashboardFiles`) in `fleet check`
 * and `fleet synth`: the same function reads and checks them in both (shared/sourceDashboardFiles.ts,
 * the one the source program calls), and the same set rule refuses a title that would take
 * another dashboard's place; what check takes the source to export is what its plan exports.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { impliedSourceOutputs } from "../../../shared/chartRules";
import { SOURCE_KEY_KINDS, SOURCE_NAMESPACE, sourceSettingsFor } from "../../../shared/config/source";
import { readSettings } from "../../../shared/config/read";
import { readSourceDashboardFiles } from "../../../shared/sourceDashboardFiles";
import { fleet } from "../../../tools/ci/fleet/cli";
import type { Plan } from "../../../tools/plan/mock/runtime";
import { readProject, readStackConfig } from "../../../tools/plan/stackConfig";
import { REPO } from "../../support/repo";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { FINANCE, GRAFANA_WORKSPACE, MARKETING, UserStack } from "../../support/userStacks";

const SRC = (k: string) => `grafana-athena-source:${k}`;
const WS = (k: string) => `grafana-athena-workspace:${k}`;
const FILE = "dashboards/sales-overview.json";
const EXAMPLE = fs.readFileSync(path.join(REPO, "examples", "dashboards", "sales-overview.json"), "utf8");

async function run(argv: string[]) {
    let out = "";
    let err = "";
    const code = await fleet(argv, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
    return { code, out, err };
}

const withFiles = (s: UserStack): UserStack => ({
    ...s,
    config: { ...s.config, [SRC("dashboardFiles")]: [FILE] },
});

describe("fleet check and fleet synth: a source stack's own dashboard files", function () {
    this.timeout(240_000);
    let repo: RepositoryCopy;
    const written: string[] = [];
    const write = (stacks: UserStack[]) => {
        for (const f of written.splice(0)) fs.rmSync(f);
        for (const s of stacks) written.push(repo.writeStack(s.folder, s.stack, s.config));
    };
    /** Both commands on the stacks written, synth into an empty folder. */
    const both = async () => {
        const check = await run(["check", "--root", repo.root]);
        const out = path.join(repo.root, "out");
        fs.rmSync(out, { recursive: true, force: true });
        const synth = await run(["synth", "--out", out, "--root", repo.root, "--examples", "exclude"]);
        return { check, synth };
    };
    before(() => {
        repo = copyRepository();
        for (const dir of [repo.sourceDir, repo.workspaceDir]) {
            fs.mkdirSync(path.join(dir, "dashboards"), { recursive: true });
            fs.writeFileSync(path.join(dir, FILE), EXAMPLE);
        }
    });
    after(() => repo.remove());

    it("refuses a source's file reading a table the source does not grant, on the source's file, in either command", async () => {
        // Marketing grants clicks and impressions; the file reads orders.
        write([withFiles(MARKETING), FINANCE, GRAFANA_WORKSPACE]);
        const { check, synth } = await both();
        const line =
            /^infra-account-b\/Pulumi\.marketing\.yaml: grafana-athena-source:dashboardFiles\[0\]: dashboards\/sales-overview\.json: panel "Orders" reads table orders, which the source does not grant \(its tables: clicks, impressions\)/m;
        assert.equal(check.code, 1, check.out);
        assert.match(check.err, line);
        assert.equal(synth.code, 1, synth.out);
        assert.match(synth.err, line);
    });

    it("refuses a file whose dashboard would take the place of the workspace's own of the same title, in either command", async () => {
        write([
            withFiles(FINANCE),
            {
                ...GRAFANA_WORKSPACE,
                config: { ...GRAFANA_WORKSPACE.config, [WS("dashboard")]: { files: [FILE] } },
            },
        ]);
        const { check, synth } = await both();
        const line =
            /^infra-account-a\/Pulumi\.grafana\.yaml: grafana-athena-workspace:sources: source stack "organization\/grafana-athena-source\/finance": output "dashboardFiles\[0\]" \(dashboards\/sales-overview\.json\): its dashboard's title "Sales overview \(Finance\)" looks like the title of a dashboard of dashboard\.files/m;
        assert.equal(check.code, 1, check.out);
        assert.match(check.err, line);
        assert.equal(synth.code, 1, synth.out);
        assert.match(
            synth.err,
            /^infra-account-a\/Pulumi\.grafana\.yaml: .*looks like the title of a dashboard/m,
        );
    });

    it("passes a source with a file of its own; check takes it to export what its plan exports, and the workspace plans its dashboard", async () => {
        write([withFiles(FINANCE), GRAFANA_WORKSPACE]);
        const { check, synth } = await both();
        assert.equal(check.code, 0, check.err);
        assert.equal(synth.code, 0, synth.err);
        const planOf = (file: string) =>
            JSON.parse(fs.readFileSync(path.join(repo.root, "out", file), "utf8")) as Plan;
        const exported = planOf("infra-account-b.finance.json").outputs as Record<string, unknown>;
        const { config, secretKeys } = readStackConfig(
            readProject(repo.sourceDir),
            path.join(repo.sourceDir, "Pulumi.finance.yaml"),
        );
        const region = config["aws:region"];
        const settings = readSettings(SOURCE_NAMESPACE, SOURCE_KEY_KINDS, sourceSettingsFor(region), [], {
            all: config,
            isSecret: (k) => secretKeys.includes(k),
        });
        const files = readSourceDashboardFiles(repo.sourceDir, settings.dashboardFiles, "k", {
            grant: { catalog: settings.catalog, database: settings.database, tables: settings.tables },
            region,
        });
        const { externalId: _secret, ...rest } = exported;
        assert.deepEqual(impliedSourceOutputs(settings, region, "555566667777", files.files), rest);
        const titles = planOf("infra-account-a.grafana.json")
            .resources.filter((r) => r.type === "grafana:oss/dashboard:Dashboard")
            .map((r) => JSON.parse(String(r.inputs.configJson)).title);
        assert.ok(titles.includes("Sales overview (Finance)"), titles.join(", "));
    });
});
