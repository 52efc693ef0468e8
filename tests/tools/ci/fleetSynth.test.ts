/**
 * `npm run fleet -- synth`: every stack of a checkout planned offline.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Plan } from "../../../tools/plan/mock/runtime";
import { readPlanDir } from "../../../tools/ci/planDiff/load";
import { planDiffMarkdown } from "../../../tools/ci/planDiff/markdown";
import { diffPlanSets } from "../../../tools/ci/planDiff/stacks";
import { synth, synthExamples } from "../../../tools/plan/synth";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import {
    BI_WORKSPACE,
    DEV_ROOT,
    FINANCE,
    GRAFANA_WORKSPACE,
    LOGISTICS,
    MARKETING,
    UserStack,
} from "../../support/userStacks";
import { run } from "../../support/fleetRun";

describe("fleet synth: every stack of a checkout planned offline", function () {
    this.timeout(120_000);
    let repo: RepositoryCopy;
    let base: string;
    let baseRun: Awaited<ReturnType<typeof run>>;
    const write = (s: UserStack) => repo.writeStack(s.folder, s.stack, s.config);
    const planIn = (dir: string, name: string): Plan =>
        JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
    const dataSources = (p: Plan) =>
        p.resources.filter((r) => r.type === "grafana:oss/dataSource:DataSource");
    const jsonData = (r: Plan["resources"][number]) => JSON.parse(String(r.inputs.jsonDataEncoded));

    before(async () => {
        repo = copyRepository();
        for (const s of [MARKETING, FINANCE, GRAFANA_WORKSPACE, BI_WORKSPACE, DEV_ROOT]) write(s);
        base = path.join(repo.root, "plans-base");
        baseRun = await run(["synth", "--out", base, "--root", repo.root]);
    });
    after(() => repo.remove());

    it("plans sources, then the workspaces against them, then the root stacks: one plan per stack, named as npm run synth names them", () => {
        assert.equal(baseRun.code, 0, baseRun.err);
        assert.equal(baseRun.err, "");
        assert.deepEqual(fs.readdirSync(base).sort(), [
            "grafana-athena.dev.json",
            "grafana-athena.example.json",
            "infra-account-a.bi.json",
            "infra-account-a.example.json",
            "infra-account-a.grafana.json",
            "infra-account-b.example.json",
            "infra-account-b.finance.json",
            "infra-account-b.marketing.json",
        ]);
        const order = baseRun.out
            .trimEnd()
            .split("\n")
            .map((l) => l.split(":")[0]);
        assert.deepEqual(
            order.slice(0, 3).map((f) => f.split(".")[0]),
            ["infra-account-b", "infra-account-b", "infra-account-b"],
        );
        assert.deepEqual(
            order.slice(3, 6).map((f) => f.split(".")[0]),
            ["infra-account-a", "infra-account-a", "infra-account-a"],
        );
        assert.match(baseRun.out, /fleet synth: 8 of 8 stacks planned into /);
    });

    it("chains: the inventory-mode workspace has one data source per source stack file, assuming the role and region of that source's plan", () => {
        const grafana = planIn(base, "infra-account-a.grafana.json");
        const bySource = Object.fromEntries(
            dataSources(grafana).map((d) => [jsonData(d).assumeRoleArn, jsonData(d)]),
        );
        for (const s of ["marketing", "finance"]) {
            const source = planIn(base, `infra-account-b.${s}.json`);
            assert.ok(bySource[String(source.outputs.roleArn)], `no data source for ${s}`);
            assert.equal(bySource[String(source.outputs.roleArn)].defaultRegion, source.outputs.region);
            assert.equal(bySource[String(source.outputs.roleArn)].workgroup, source.outputs.workgroup);
        }
        assert.equal(
            dataSources(grafana).length,
            2,
            "the example source is never charted by a real workspace",
        );
        const bi = planIn(base, "infra-account-a.bi.json");
        assert.deepEqual(
            dataSources(bi).map((d) => d.inputs.name),
            ["Finance (BI)"],
        );
        // Secrets stay secret through the chain: the external ID is redacted in the source's and the
        // workspace's plans.
        assert.equal(planIn(base, "infra-account-b.finance.json").outputs.externalId, "[secret]");
        assert.doesNotMatch(
            fs.readFileSync(path.join(base, "infra-account-a.grafana.json"), "utf8"),
            /"externalId":\s*"(?!\[secret\])/,
        );
    });

    it("writes for each stack the plan npm run synth writes for it (the examples, and a workspace read through --ref-dir)", async () => {
        const refDir = path.join(repo.root, "refs");
        fs.mkdirSync(refDir, { recursive: true });
        for (const s of ["marketing", "finance"])
            fs.copyFileSync(path.join(base, `infra-account-b.${s}.json`), path.join(refDir, `${s}.json`));
        const viaRefDir = await synth({ projectDir: repo.workspaceDir, stack: "grafana", refs: {}, refDir });
        assert.deepEqual(viaRefDir, planIn(base, "infra-account-a.grafana.json"));
        const examples = path.join(repo.root, "out");
        await synthExamples(examples, repo.root);
        for (const f of [
            "infra-account-b.example.json",
            "infra-account-a.example.json",
            "grafana-athena.example.json",
        ]) {
            assert.equal(
                fs.readFileSync(path.join(base, f), "utf8"),
                fs.readFileSync(path.join(examples, f), "utf8"),
                f,
            );
        }
    });

    it("inventory mode: a source whose accountId is not one its stack file allows is refused, naming the stack and the output", async () => {
        const refDir = path.join(repo.root, "refs-impersonating");
        fs.mkdirSync(refDir, { recursive: true });
        fs.copyFileSync(path.join(base, "infra-account-b.finance.json"), path.join(refDir, "finance.json"));
        // The marketing stack's outputs claim another account than its file's aws:allowedAccountIds.
        const marketing = planIn(base, "infra-account-b.marketing.json");
        const other = "999988887777";
        const outputs = {
            ...marketing.outputs,
            accountId: other,
            roleArn: String(marketing.outputs.roleArn).replace("333344445555", other),
        };
        fs.writeFileSync(path.join(refDir, "marketing.json"), JSON.stringify({ ...marketing, outputs }));
        await assert.rejects(
            synth({ projectDir: repo.workspaceDir, stack: "grafana", refs: {}, refDir }),
            (e: Error) =>
                e.message.includes(
                    `source stack "organization/grafana-athena-source/marketing": output ` +
                        `"accountId" is ${other}, but its stack file allows only ` +
                        "aws:allowedAccountIds 333344445555: the stack does not deploy where its file says",
                ),
        );
    });

    it("plan-diff of the plans before and after onboarding an account shows its role, policy, data source and dashboard", async () => {
        const file = write(LOGISTICS);
        const head = path.join(repo.root, "plans-head");
        try {
            const r = await run(["synth", "--out", head, "--root", repo.root, "--examples", "exclude"]);
            assert.equal(r.code, 0, r.err);
        } finally {
            fs.rmSync(file);
        }
        const before = readPlanDir(base);
        for (const f of Object.keys(before)) if (f.includes(".example.")) delete before[f];
        const diffs = diffPlanSets(before, readPlanDir(head));
        const added = diffs.find((d) => d.file === "infra-account-b.logistics.json")!;
        assert.equal(added.status, "added");
        const types = (d: (typeof diffs)[number]) => d.added.map((r) => r.type);
        assert.ok(
            types(added).includes("aws:iam/role:Role") && types(added).includes("aws:iam/policy:Policy"),
            JSON.stringify(types(added)),
        );
        const grafana = diffs.find((d) => d.file === "infra-account-a.grafana.json")!;
        assert.ok(
            types(grafana).includes("grafana:oss/dataSource:DataSource"),
            JSON.stringify(types(grafana)),
        );
        assert.ok(types(grafana).includes("grafana:oss/dashboard:Dashboard"), JSON.stringify(types(grafana)));
        assert.ok(
            added.policies.length >= 2,
            "the trust policy and the access policy are shown as documents",
        );
        assert.ok(grafana.dashboards.length >= 1, "the new dashboard is shown");
        const unchanged = (f: string) => diffs.find((d) => d.file === f)!.status;
        assert.equal(
            unchanged("infra-account-a.bi.json"),
            "unchanged",
            "a workspace that does not chart the new account",
        );
        assert.equal(unchanged("infra-account-b.finance.json"), "unchanged");
        const comment = planDiffMarkdown(before, readPlanDir(head));
        assert.match(comment, /infra-account-b\.logistics\.json/);
        assert.match(comment, /AmazonManagedGrafana-CrossAccountAthena/);
        // Only what the new account needs counts as changed: the resources that only gained a dependency are
        // apart.
        const changedNames = grafana.changed.map((c) => c.name);
        for (const c of grafana.changed)
            assert.ok(
                c.inputKeys.length > 0 ||
                    c.parent ||
                    c.provider ||
                    c.optionChanges.some((o) => !/^(dependsOn|additionalSecretOutputs)\b/.test(o.path)),
                `${c.name} counted with only engine-only changes`,
            );
        assert.ok(grafana.engineOnly.length > 0, "adding a source adds dependencies to shared resources");
        assert.ok(grafana.engineOnly.every((c) => !changedNames.includes(c.name)));
        assert.match(
            comment,
            /\*\*Engine-only\*\* \(not counted: only the order or the state's bookkeeping changes, nothing in the cloud\): `/,
        );
        // Each per-source Grafana resource carries its source stack and data source name beside its
        // (unchanged) name.
        assert.match(
            comment,
            /- ➕ `grafana-athena-datasource-organization-grafana-athena-so-[0-9a-f]{8}` \(`grafana:oss\/dataSource:DataSource`\) — for `organization\/grafana-athena-source\/logistics, "Logistics"`/,
        );
    });

    it("names a broken stack file on one line, still plans the others, and exits 1", async () => {
        const broken = repo.writeStack("infra-account-b", "broken", {
            ...MARKETING.config,
            "aws:allowedAccountIds": ["888899990000"],
            "grafana-athena-source:database": "Sales-DB",
        });
        const out = path.join(repo.root, "plans-broken");
        try {
            const r = await run(["synth", "--out", out, "--root", repo.root, "--examples", "exclude"]);
            assert.equal(r.code, 1);
            const lines = r.err.trimEnd().split("\n");
            assert.equal(lines.length, 2, r.err);
            assert.match(
                lines[0],
                /^infra-account-b\/Pulumi\.broken\.yaml: grafana-athena-source:database: must be a Glue database name/,
            );
            // The inventory-mode workspace reads the broken source: it cannot be planned, and says why.
            assert.equal(
                lines[1],
                "infra-account-a/Pulumi.grafana.yaml: reads the source " +
                    "infra-account-b/Pulumi.broken.yaml, which was refused",
            );
            assert.doesNotMatch(r.err, /\n\s+at /);
            // A refused stack's file is a record of the refusal, no plan: the plan diff shows it as refused,
            // not removed.
            assert.deepEqual(fs.readdirSync(out).sort(), [
                "grafana-athena.dev.json",
                "infra-account-a.bi.json",
                "infra-account-a.grafana.json",
                "infra-account-b.broken.json",
                "infra-account-b.finance.json",
                "infra-account-b.marketing.json",
            ]);
            const record = planIn(out, "infra-account-a.grafana.json");
            assert.deepEqual(
                [record.resources, record.refused],
                [[], "reads the source infra-account-b/Pulumi.broken.yaml, which was refused"],
            );
            assert.match(r.out, /fleet synth: 4 of 6 stacks planned into .*, 2 refused/);
        } finally {
            fs.rmSync(broken);
        }
    });

    it("--stacks: the named stacks, and every workspace a named source feeds", async () => {
        const out = path.join(repo.root, "plans-some");
        const r = await run([
            "synth",
            "--out",
            out,
            "--root",
            repo.root,
            "--stacks",
            "marketing,organization/grafana-athena/dev",
            "--examples",
            "exclude",
        ]);
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(fs.readdirSync(out).sort(), [
            "grafana-athena.dev.json",
            "infra-account-a.grafana.json",
            "infra-account-b.marketing.json",
        ]);
        assert.equal(
            dataSources(planIn(out, "infra-account-a.grafana.json")).length,
            2,
            "the sources it reads but that were not named are planned for their outputs",
        );
        const only = await run([
            "synth",
            "--out",
            path.join(repo.root, "plans-examples"),
            "--root",
            repo.root,
            "--examples",
            "only",
            "--stacks",
            "example",
        ]);
        assert.equal(only.code, 0, only.err);
        assert.deepEqual(fs.readdirSync(path.join(repo.root, "plans-examples")).sort(), [
            "grafana-athena.example.json",
            "infra-account-a.example.json",
            "infra-account-b.example.json",
        ]);
    });

    it("answers --help, and refuses a bad command line with exit 2 and one line", async () => {
        const help = await run(["synth", "--help"]);
        assert.equal(help.code, 0);
        assert.match(help.out, /^usage: npm run fleet -- synth --out DIR/);
        for (const argv of [
            ["synth"],
            ["synth", "--out", "x", "--examples", "all"],
            ["synth", "--out", "x", "--stacks", "nope"],
            ["synth", "--out", "x", "--bogus"],
            ["synth", "extra", "--out", "x"],
        ]) {
            const r = await run([...argv, "--root", repo.root]);
            assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
            assert.match(r.err, /^fleet synth: [^\n]+\n$/);
        }
    });
});
