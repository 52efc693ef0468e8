/** The policy pack's violations in the plan-diff comment (--policy). */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan, PlanResource } from "../../../../tools/plan/mock/runtime";
import { MARKER } from "../../../../shared/markdown";
import { renderComment } from "../../../../tools/ci/planDiff/markdown";
import { main as planDiffCli } from "../../../../tools/ci/planDiff/cli";
import {
    DEFAULT_MAX_VIOLATIONS,
    MAX_SUMMARY_VIOLATIONS,
    PlanViolation,
    policyCommentBlocks,
} from "../../../../policy/markdown";
import { MAX_COMMENT_EVALUATION_COST, evaluatePlans, evaluationCost } from "../../../../policy/offline";
import { exampleRun } from "../../../support/sourcePlan";
import { PACK_CONFIG } from "../../../support/handWrittenStack";
import { examplesOnlyRepository } from "../../../support/repository";

// ---------------------------------------------------------------------------------------------
// The policy pack's section (--policy): the default branch's pack on the head plans, as data

describe("planDiff: the policy pack's violations in the comment (--policy)", function () {
    this.timeout(60_000);
    const ROLE = "aws:iam/role:Role";
    const POLICY = "aws:iam/policy:Policy";
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-policy-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The example source plan (infra-account-b/Pulumi.example.yaml under the mocks), a fresh copy. */
    const example = async (): Promise<Plan> => JSON.parse(JSON.stringify((await exampleRun()).plan));
    const byType = (p: Plan, type: string) => p.resources.find((r) => r.type === type)!;
    const editDoc = (r: PlanResource, key: string, edit: (doc: any) => void) => {
        const doc = JSON.parse(String(r.inputs[key]));
        edit(doc);
        r.inputs[key] = JSON.stringify(doc);
    };
    /** Trust without an external ID, and a write action on any resource. */
    const broken = async () => {
        const p = await example();
        editDoc(byType(p, ROLE), "assumeRolePolicy", (d) => delete d.Statement[0].Condition.StringEquals);
        editDoc(byType(p, POLICY), "policy", (d) =>
            d.Statement.push({ Sid: "Oops", Effect: "Allow", Action: "s3:PutObject", Resource: "*" }),
        );
        return p;
    };
    let n = 0;
    const folder = (plans: Record<string, Plan>) => {
        const d = path.join(dir, `plans-${n++}`);
        fs.mkdirSync(d);
        for (const [f, p] of Object.entries(plans)) fs.writeFileSync(path.join(d, f), JSON.stringify(p));
        return d;
    };
    /** plan-diff in this process: its exit code, the comment and the full diff. */
    const run = async (...argv: string[]) => {
        const out = path.join(dir, `comment-${n}.md`);
        const full = path.join(dir, `full-${n++}.md`);
        let err = "";
        // In a copy holding the example stack files only: a workspace stack file a user adds names
        // its Grafana account, which the pack then trusts.
        const code = await planDiffCli(
            [...argv, "--out", out, "--full", full],
            () => undefined,
            (t) => (err += t),
            examplesOnlyRepository().root,
        );
        return {
            code,
            err,
            comment: code === 0 ? fs.readFileSync(out, "utf8") : "",
            full: fs.existsSync(full) ? fs.readFileSync(full, "utf8") : "",
        };
    };
    const section = (md: string) =>
        md.split("\n").filter((l) => l.startsWith("### Policy pack") || l.startsWith("- ❌"));

    it("lists a broken trust policy and a wildcard grant with the policy, the resource's name and type, the stack, the plan file and the fix, under the title", async () => {
        const base = folder({ "infra-account-b.example.json": await example() });
        const head = folder({ "infra-account-b.example.json": await broken() });
        const r = await run(
            base,
            head,
            "--from-pull-request",
            "--policy",
            "--grafana-account",
            "111122223333",
        );
        assert.equal(r.code, 0, r.err);
        const md = r.comment;
        assert.equal(md.split("\n")[0], MARKER);
        assert.match(md, /^### Policy pack: 2 violations \(2 mandatory\)$/m);
        assert.match(
            md,
            /^> \[!CAUTION\]\n> \*\*2 mandatory violations\*\* of the default branch's policy pack/m,
        );
        assert.match(
            md,
            /^- ❌ mandatory `grafana-trust-requires-external-id`: `grafana-athena-role` \(`aws:iam\/role:Role`\) in `grafana-athena-source\/example`, `infra-account-b\.example\.json`: `trust statement "GrafanaWorkspaceAssumeRole" [^`]*`\. \*\*Fix:\*\* add Condition StringEquals "sts:ExternalId"/m,
        );
        assert.match(
            md,
            /^- ❌ mandatory `grafana-role-no-write-on-wildcard`: `grafana-athena-access` \(`aws:iam\/policy:Policy`\) in `grafana-athena-source\/example`, `infra-account-b\.example\.json`: `[^`]*s3:PutObject[^`]*`\. \*\*Fix:\*\* name the ARNs/m,
        );
        // Near the top: before the diff's summary table, which the comment keeps after it.
        assert.ok(md.indexOf("### Policy pack") < md.indexOf("| Stack | Plan file |"));
        assert.ok(md.indexOf("### Policy pack") > md.indexOf("Computed by the default branch's plan diff"));
        assert.deepEqual(section(r.full), section(md), "the job summary's full diff has the same section");
    });

    it("says there is no violation for a clean plan set, and nothing at all without --policy", async () => {
        const base = folder({ "infra-account-b.example.json": await example() });
        const p = await example();
        p.outputs = { ...p.outputs, changed: "yes" };
        const head = folder({ "infra-account-b.example.json": p });
        const r = await run(
            base,
            head,
            "--from-pull-request",
            "--policy",
            "--grafana-account",
            "111122223333",
        );
        assert.equal(r.code, 0, r.err);
        assert.match(
            r.comment,
            /^### Policy pack: no violations\n\n✅ The default branch's policy pack \(`policy\/`\) found no violation in the pull request's 1 plan\.$/m,
        );
        const without = await run(base, head, "--from-pull-request");
        assert.doesNotMatch(without.comment, /Policy pack/);
        // Identical plans still get the verdict (the "No changes" comment).
        const same = await run(
            base,
            base,
            "--from-pull-request",
            "--policy",
            "--grafana-account",
            "111122223333",
        );
        assert.match(same.comment, /### Policy pack: no violations[\s\S]*\*\*No changes\*\*/);
        // Without a Grafana account (no workspace stack file in this checkout), AMG's role of
        // another account is not known to be yours: the pack says which key to set.
        const unknown = await run(base, head, "--from-pull-request", "--policy");
        assert.match(unknown.comment, /^### Policy pack: 1 violation \(1 mandatory\)$/m);
        assert.match(unknown.comment, /grafanaAccountIds/);
        const bad = await run(base, head, "--policy", "--grafana-account", "1111");
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--grafana-account: "1111" is not 12 digits/);
    });

    it("with --failed (plans beyond the limits, not read) says the policy pack did not run", async () => {
        const r = await run(
            path.join(dir, "none"),
            path.join(dir, "none"),
            "--from-pull-request",
            "--policy",
            "--failed",
            "the plans are beyond what this comment renders",
        );
        assert.equal(r.code, 0, r.err);
        assert.match(
            r.comment,
            /\*\*The offline plan failed\*\*[\s\S]*^### Policy pack: not run\n\n> \[!WARNING\]\n> \*\*The policy pack did not run\*\* on this pull request's plans: the plans were not read/m,
        );
        assert.doesNotMatch(r.comment, /no violations/);
    });

    it("reads the head plans with the pull request's limits before judging them: a stray file is refused in one line, and no comment is written", async () => {
        const head = folder({ "a.json": await broken() });
        fs.writeFileSync(path.join(head, "evil.sh"), "echo");
        const r = await run(path.join(dir, "none"), head, "--from-pull-request", "--policy");
        assert.equal(r.code, 1);
        assert.match(r.err, /^planDiff: .*not plans: "evil\.sh" \(only \*\.json files\)\n$/);
    });

    it("makes hostile names inert in the section: resource name, project, statement ID and plan file", async () => {
        const payloads = [
            "@octocat",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "https://evil.example/a",
            "&#64;octocat",
            "a`b``c",
            "x\u2028# Heading @org",
        ];
        for (const evil of payloads) {
            const p = await example();
            p.project = `proj ${evil}`;
            const role = byType(p, ROLE);
            role.name = `role ${evil}`;
            editDoc(role, "assumeRolePolicy", (d) => {
                d.Statement[0].Sid = `sid ${evil}`;
                delete d.Statement[0].Condition.StringEquals;
            });
            const violations = await evaluatePlans([p], PACK_CONFIG);
            assert.equal(violations.length, 1);
            const blocks = policyCommentBlocks({
                ran: true,
                violations: violations.map((v) => ({ ...v, file: `file ${evil}.json` })),
                planCount: 1,
            });
            const md = renderComment([], { leadBlocks: blocks });
            const line = md.split("\n").find((l) => l.startsWith("- ❌"))!;
            assert.ok(line, md);
            // Every plan text is inside a code span; what is left outside mentions, links and renders
            // nothing.
            const outside = line.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
            assert.doesNotMatch(outside, /@[a-z]|<[a-z]|&#|\]\(|https?:\/\/|Heading/i, `${evil}: ${line}`);
            assert.match(line, /\*\*Fix:\*\* add Condition/);
            assert.doesNotMatch(md, /\u2028/);
        }
    });

    it("does not judge plans that would take too long (many roles sharing much policy): the section says so and the diff is still written; 64 real stacks are well within", async () => {
        const p = await example();
        const role = byType(p, ROLE);
        const statements = Array.from({ length: 1000 }, (_, i) => ({
            Sid: `S${i}`,
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: "*",
        }));
        byType(p, POLICY).inputs.policy = JSON.stringify({ Version: "2012-10-17", Statement: statements });
        for (let i = 0; i < 300; i++) p.resources.push({ ...role, name: `role-${i}` });
        assert.ok(evaluationCost(p) > MAX_COMMENT_EVALUATION_COST);
        assert.ok(64 * evaluationCost(await example()) < MAX_COMMENT_EVALUATION_COST / 10);
        const r = await run(
            path.join(dir, "none"),
            folder({ "infra-account-b.example.json": p }),
            "--from-pull-request",
            "--policy",
        );
        assert.equal(r.code, 0, r.err);
        assert.match(
            r.comment,
            /^### Policy pack: not run\n\n> \[!WARNING\]\n> \*\*The policy pack did not run\*\* on this pull request's plans: the plans pair too many roles with too much IAM policy to judge here \(a cost of \d+, more than 8388608\)\. Run `npm run policy` on them\.$/m,
        );
        assert.match(
            r.comment,
            /\| `grafana-athena-source\/example` \| `infra-account-b\.example\.json` \| added \|/,
        );
    });

    it("lists at most DEFAULT_MAX_VIOLATIONS in the comment and counts the rest; the job summary's rendering lists more, and the verdict is kept when the comment is cut", () => {
        const v = (i: number): PlanViolation => ({
            policy: "grafana-roles-tagged",
            level: "mandatory",
            stack: "p/s",
            resource: `role-${i}`,
            type: "aws:iam/role:Role",
            message: "m".repeat(5000),
            fix: "tag the role",
            file: "p.s.json",
        });
        const outcome = {
            ran: true as const,
            violations: Array.from({ length: DEFAULT_MAX_VIOLATIONS + 5 }, (_, i) => v(i)),
            planCount: 1,
        };
        const comment = renderComment([], { leadBlocks: policyCommentBlocks(outcome) });
        assert.equal(comment.split("\n").filter((l) => l.startsWith("- ❌")).length, DEFAULT_MAX_VIOLATIONS);
        assert.match(
            comment,
            /^- … 5 more violations: the job summary of the run that posted this comment lists them all\.$/m,
        );
        assert.ok(
            comment.split("\n").every((l) => l.length < 1000),
            "texts from the plans are cut short",
        );
        assert.equal(
            policyCommentBlocks(outcome, MAX_SUMMARY_VIOLATIONS)[1].split("\n").length,
            DEFAULT_MAX_VIOLATIONS + 5,
        );
        const many = {
            ...outcome,
            violations: Array.from({ length: MAX_SUMMARY_VIOLATIONS + 1 }, (_, i) => v(i)),
        };
        assert.match(
            policyCommentBlocks(many, MAX_SUMMARY_VIOLATIONS)[1],
            /\n- … 1 more violation: `npm run policy` on the plans lists them all\.$/,
        );
        const tiny = renderComment([], { leadBlocks: policyCommentBlocks(outcome), maxLength: 2000 });
        assert.match(tiny, /^### Policy pack: 35 violations \(35 mandatory\)$/m);
        assert.match(tiny, /\*\*Truncated\*\*/);
    });
});
