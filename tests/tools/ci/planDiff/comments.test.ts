/** The plan diff's pull-request comment: what it shows for each kind of change, and its limits. */
import { strict as assert } from "node:assert";
import type { Plan } from "../../../../tools/plan/mock/runtime";
import { normalizePlan } from "../../../../tools/plan/format";
import { policySummary } from "../../../../tools/ci/planDiff/iam";
import { MARKER } from "../../../../shared/markdown";
import {
    DEFAULT_MAX_LENGTH,
    GITHUB_COMMENT_LIMIT,
    failureMarkdown,
    planDiffMarkdown,
    renderComment,
} from "../../../../tools/ci/planDiff/markdown";
import { diffPlanSets, diffPlans } from "../../../../tools/ci/planDiff/stacks";
import {
    Stmt,
    BASE_STATEMENTS,
    sourcePlan,
    PanelSpec,
    BASE_PANELS,
    workspacePlan,
    clone,
    plans,
    diffBlocks,
} from "../../../support/planDiffPlans";

describe("planDiff: comments", () => {
    it("says No changes for identical plans, after the marker line", () => {
        const md = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(), workspacePlan()),
        );
        assert.equal(md.split("\n")[0], MARKER);
        assert.match(md, /\*\*No changes\*\*/);
        assert.match(md, /2 plan files compared/);
        assert.doesNotMatch(md, /```diff/);
    });

    it("starts every comment with the stable marker line", () => {
        const changed = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan([BASE_STATEMENTS[0]]), workspacePlan()),
        );
        assert.equal(changed.split("\n")[0], "<!-- grafana-athena-plan-diff -->");
        assert.equal(failureMarkdown("synth failed").split("\n")[0], MARKER);
        assert.equal(planDiffMarkdown({}, {}).split("\n")[0], MARKER);
    });

    it("shows an added statement, action and resource of an IAM policy", () => {
        const head = clone(BASE_STATEMENTS);
        head[1].Action = ["s3:GetObject", "s3:GetObjectVersion"];
        head[1].Resource = ["arn:aws:s3:::data-bucket/orders/*", "arn:aws:s3:::data-bucket/customers/*"];
        head.push({
            Sid: "KmsDecrypt",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: "arn:aws:kms:eu-west-1:222233334444:key/abc",
        });
        const md = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(head), workspacePlan()),
        );

        assert.match(md, /policy — `grafana-athena-access` \(`aws:iam\/policy:Policy`\), input `policy`/);
        assert.match(
            md,
            /^\+ statement KmsDecrypt: Allow action kms:Decrypt; resource arn:aws:kms:eu-west-1:222233334444:key\/abc$/m,
        );
        assert.match(md, /^! statement S3DataRead:$/m);
        assert.match(md, /^\+ {5}action s3:GetObjectVersion$/m);
        assert.match(md, /^\+ {5}resource arn:aws:s3:::data-bucket\/customers\/\*$/m);
        assert.doesNotMatch(md, /statement AthenaRead/, "unchanged statements are not listed");

        // The pretty-printed JSON diff, in a ```diff block.
        const jsonDiff = diffBlocks(md).find((b) => b.startsWith("@@"));
        assert.ok(jsonDiff, "a unified diff of the policy JSON");
        assert.match(jsonDiff!, /^-\s+"Action": "s3:GetObject",$/m);
        assert.match(jsonDiff!, /^\+\s+"s3:GetObjectVersion"$/m);
        assert.match(jsonDiff!, /^\+\s+"Sid": "KmsDecrypt",$/m);
        assert.match(md, /`grafana-athena-access` \(`aws:iam\/policy:Policy`\): inputs `policy`/);
    });

    it("summarises removed statements, removed actions and wildcards", () => {
        const after = { Statement: [{ Sid: "A", Effect: "Allow", Action: ["s3:*"], Resource: "*" }] };
        const before = {
            Statement: [
                { Sid: "A", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
                { Sid: "Gone", Effect: "Allow", Action: "glue:GetTable", Resource: "*" },
            ],
        };
        assert.deepEqual(policySummary(before, after), [
            "! statement A:",
            "+     action s3:* (wildcard)",
            "-     action s3:GetObject",
            "+     resource * (wildcard)",
            "-     resource arn:aws:s3:::b/*",
            "- statement Gone: Allow action glue:GetTable; resource *",
        ]);
    });

    it("shows a trust policy change (principal and condition)", () => {
        const head = sourcePlan();
        const role = head.resources.find((r) => r.type === "aws:iam/role:Role")!;
        const doc = JSON.parse(role.inputs.assumeRolePolicy as string);
        doc.Statement[0].Principal.AWS = "arn:aws:iam::999999999999:root";
        role.inputs.assumeRolePolicy = JSON.stringify(doc);
        const md = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), plans(head, workspacePlan()));
        assert.match(md, /trust policy — `grafana-athena-role`/);
        assert.match(md, /^\+ {5}principal AWS:arn:aws:iam::999999999999:root$/m);
        assert.match(md, /^- {5}principal AWS:arn:aws:iam::111122223333:root$/m);
    });

    it("shows a changed panel SQL, and panels added, removed and retyped", () => {
        const head: PanelSpec[] = [
            {
                ...BASE_PANELS[0],
                sql: BASE_PANELS[0].sql.replace("count(*) AS orders", "sum(amount) AS revenue"),
            },
            { title: "Tables", type: "gauge", sql: BASE_PANELS[1].sql },
            { title: "Customers", type: "stat", sql: "SELECT count(*) FROM customers" },
        ];
        const md = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(), workspacePlan(head)),
        );
        assert.match(md, /dashboard `Sales` — `grafana-athena-dashboard-sales`/);
        assert.match(md, /- ✏️ panel `Orders per day` \(`barchart`\): SQL/);
        assert.match(md, /- ✏️ panel `Tables` \(`gauge`\): type `stat` → `gauge`/);
        assert.match(md, /- ➕ panel `Customers` \(`stat`\)/);
        assert.match(md, /SQL of panel `Orders per day`, query `A`:/);
        const sql = diffBlocks(md).find((b) => b.includes("revenue"));
        assert.ok(sql, "a diff block for the SQL");
        assert.match(sql!, /^-SELECT day, count\(\*\) AS orders$/m);
        assert.match(sql!, /^\+SELECT day, sum\(amount\) AS revenue$/m);
        assert.match(sql!, /^ FROM orders$/m);

        const removed = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(), workspacePlan([BASE_PANELS[0]])),
        );
        assert.match(removed, /- ➖ panel `Tables` \(`stat`\)/);
    });

    it("shows every control character of panel SQL: a CR that ends a comment reads as one", () => {
        const head: PanelSpec[] = [
            {
                ...BASE_PANELS[0],
                sql: "SELECT * FROM orders -- monthly\rCROSS JOIN hr.salaries\u000b\u202e\t",
            },
            BASE_PANELS[1],
        ];
        const md = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(), workspacePlan(head)),
        );
        const sql = diffBlocks(md).find((b) => b.includes("monthly"));
        assert.ok(sql, "a diff block for the SQL");
        assert.match(sql!, /^\+SELECT \* FROM orders -- monthly␍$/m);
        assert.match(sql!, /^\+CROSS JOIN hr\.salaries␋⟨U\+202E⟩␉$/m);
        assert.doesNotMatch(sql!, /[\r\u000b\u202e\t]/);
    });

    it("makes what the plans carry inert: no @ mention, no raw HTML, outside code as inside", () => {
        const head = workspacePlan();
        const dashboard = head.resources[0];
        const json = JSON.parse(String(dashboard.inputs.configJson));
        json.title = '<img src=x onerror="alert(1)"> @octocat @org/team';
        dashboard.inputs.configJson = JSON.stringify(json);
        const md = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), plans(sourcePlan(), head));
        assert.equal(md.split("\n")[0], MARKER, "the marker stays");
        const outsideCode = md.replace(/^`{3,}[\s\S]*?^`{3,}$/gm, "").replace(/(`+)[\s\S]*?\1/g, "");
        assert.doesNotMatch(outsideCode.split("\n").slice(1).join("\n"), /<img|@octocat|@org/);
        assert.ok(
            md.includes('- title `"Sales"` → `"<img src=x onerror=\\"alert(1)\\"> @octocat @org/team"`'),
            "the title change is shown as code",
        );
    });

    it("diffs data source JSON settings", () => {
        const head = workspacePlan();
        const ds = head.resources.find((r) => r.type === "grafana:oss/dataSource:DataSource")!;
        ds.inputs.jsonDataEncoded = JSON.stringify({
            assumeRoleArn: "arn:aws:iam::222233334444:role/Other",
            defaultRegion: "eu-west-1",
        });
        const md = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), plans(sourcePlan(), head));
        assert.match(md, /#### Data source settings/);
        assert.match(md, /^\+\s+"assumeRoleArn": "arn:aws:iam::222233334444:role\/Other",$/m);
    });

    it("flags a retainOnDelete flip prominently, before the resource details", () => {
        const md = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(sourcePlan(BASE_STATEMENTS, { retainOnDelete: false }), workspacePlan()),
        );
        assert.match(md, /> \[!CAUTION\]/);
        assert.match(md, /> \[!WARNING\]\n> \*\*Resource options and deletions\*\*/);
        assert.match(
            md,
            /`grafana-athena-results` \(`aws:s3\/bucket:Bucket`\): `retainOnDelete`: `true` → `false` \(`destroy` will now DELETE it from the cloud\)/,
        );
        assert.ok(md.indexOf("[!WARNING]") < md.indexOf("**Resources:**"));
        assert.match(md, /\| ⚠️ 1 \|/);
        assert.match(md, /options `retainOnDelete`/);
    });

    it("flags protect and import changes and removed resources", () => {
        const base = sourcePlan(BASE_STATEMENTS, { protect: false });
        const head = sourcePlan(BASE_STATEMENTS, { protect: true, import: "results-222233334444" });
        head.resources = head.resources.filter((r) => r.type !== "aws:iam/role:Role");
        const d = diffPlans("infra-account-b.example.json", base, head);
        const texts = d.flags.map((f) => `${f.resource}: ${f.text}`);
        assert.ok(
            texts.some((t) => t.startsWith("grafana-athena-results: `protect`: `false` → `true`")),
            texts.join("\n"),
        );
        assert.ok(
            texts.some((t) =>
                t.startsWith("grafana-athena-results: `import`: `null` → `results-222233334444`"),
            ),
            texts.join("\n"),
        );
        assert.ok(
            texts.includes("grafana-athena-role: removed: `pulumi up` deletes it from the cloud"),
            texts.join("\n"),
        );
        const md = planDiffMarkdown({ "b.json": base }, { "b.json": head });
        assert.match(md, /➖ trust policy — `grafana-athena-role`/);
    });

    it("lists changed input keys of a changed resource with old and new values", () => {
        const head = sourcePlan();
        head.resources.find((r) => r.name === "grafana-athena-results")!.inputs.tags = { Team: "analytics" };
        const md = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), plans(head, workspacePlan()));
        assert.match(md, /- ✏️ `grafana-athena-results` \(`aws:s3\/bucket:Bucket`\): inputs `tags`/);
        assert.match(md, / {2}- `tags\.Team`: `"data"` → `"analytics"`/);
        assert.match(md, /\*\*Resources:\*\* 0 added, 0 removed, 1 changed/);
    });

    it("treats a plan missing in the base as a whole project added, and missing in the head as removed", () => {
        const md = planDiffMarkdown(
            { "infra-account-b.example.json": sourcePlan() },
            plans(sourcePlan(), workspacePlan()),
        );
        assert.match(
            md,
            /\| `grafana-athena-workspace\/example` \| `infra-account-a\.example\.json` \| added \| \+2 −0 ~0 \|/,
        );
        assert.match(md, /\*\*New stack:\*\* not in the base — 2 resources, all new\./);
        assert.match(md, /- ➕ `grafana-athena-dashboard-sales`/);
        assert.match(md, /- ➕ panel `Orders per day` \(`barchart`\)/);
        assert.match(md, /Unchanged: `infra-account-b\.example\.json`\./);

        const fromNothing = planDiffMarkdown({}, plans(sourcePlan(), workspacePlan()));
        assert.match(fromNothing, /➕ policy — `grafana-athena-access`/);
        assert.match(
            fromNothing,
            /^\+ statement S3DataRead: Allow action s3:GetObject; resource arn:aws:s3:::data-bucket\/orders\/\*$/m,
        );
        assert.match(fromNothing, /^@@ -0,0 \+1,\d+ @@$/m);

        // A stack file removed: nothing runs for it until it is destroyed, and the comment says so.
        const removed = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), {
            "infra-account-b.example.json": sourcePlan(),
        });
        assert.match(
            removed,
            /\*\*Stack file removed:\*\* its resources stay until it is destroyed\. Nothing runs for a missing stack file; `npm run fleet -- destroy --base REF` destroys the stack/,
        );
        assert.match(
            removed,
            /^A destroy deletes 2 resources \(listed below\), as the offline plan knows the stack; anything else its state holds goes too \(the deploy's destroy preview lists every resource in its job's log, before the approval\)\.$/m,
        );
        assert.match(removed, /It only reads 1 resource, which a destroy never touches: `source-sales`/);
        assert.match(
            removed,
            /`grafana-athena-dashboard-sales` \(`grafana:oss\/dashboard:Dashboard`\): stack file removed: `fleet destroy` deletes it from the cloud/,
        );
        assert.doesNotMatch(removed, /`pulumi up` deletes/);
    });

    it("says that a removed root stack is destroyed by hand: neither the deploy nor fleet destroy runs one", () => {
        const root = { ...sourcePlan(), project: "grafana-athena", stack: "dev" };
        const md = planDiffMarkdown({ "grafana-athena.dev.json": root }, {});
        assert.match(
            md,
            /\*\*Stack file removed:\*\* its resources stay until it is destroyed\. Nothing runs for a missing stack file, and neither the deploy nor `fleet destroy` runs a stack of the root project: destroy it by hand \(`pulumi destroy --stack dev` in the repository root/,
        );
        assert.match(md, /stack file removed: `pulumi destroy` deletes it from the cloud/);
        assert.doesNotMatch(md, /fleet -- destroy --base|`fleet destroy` deletes|the deploy runs it/);
    });

    it("shows a removed stack whose base plan was refused as removed and destroy-relevant, never as new", () => {
        const md = planDiffMarkdown(
            {
                "infra-account-b.finance.json": {
                    ...sourcePlan(),
                    stack: "finance",
                    resources: [],
                    refused: "infra-account-b/Pulumi.finance.yaml: grafana-athena-source:database: bad",
                },
            },
            {},
        );
        assert.match(
            md,
            /\| `grafana-athena-source\/finance` \| `infra-account-b\.finance\.json` \| removed \| \+0 −0 ~0 \| — \| — \| ⚠️ 1 \|/,
        );
        assert.match(md, /^\*\*Stack file removed:\*\*/m);
        assert.match(
            md,
            /^The base's offline plan refused this stack \(`infra-account-b\/Pulumi\.finance\.yaml: grafana-athena-source:database: bad`\), so what a destroy deletes is not known here: every resource its state holds/m,
        );
        assert.doesNotMatch(md, /New stack|nothing destroy-relevant/);
    });

    it("says that a stack file renamed only in case is one stack to Pulumi Cloud, held rather than destroyed", () => {
        const md = planDiffMarkdown(
            { "infra-account-b.Finance.json": { ...sourcePlan(), stack: "Finance" } },
            { "infra-account-b.finance.json": { ...sourcePlan(), stack: "finance" } },
        );
        assert.match(
            md,
            /^Its name differs from `finance`, still planned, only in case: one stack to Pulumi Cloud, which reads stack names without case, so `fleet destroy` holds it/m,
        );
        const renamed = planDiffMarkdown(
            { "infra-account-b.finance.json": { ...sourcePlan(), stack: "finance" } },
            { "infra-account-b.ledger.json": { ...sourcePlan(), stack: "ledger" } },
        );
        assert.doesNotMatch(renamed, /only in case/);
    });

    it("says what destroying a removed source stack leaves (retainOnDelete) and where it fails (protect)", () => {
        const source = sourcePlan();
        source.resources.find((r) => r.name === "grafana-athena-role")!.options.protect = true;
        const md = planDiffMarkdown(plans(source, workspacePlan()), {
            "infra-account-a.example.json": workspacePlan(),
        });
        assert.match(
            md,
            /^A destroy leaves 1 resource in the cloud \(`retainOnDelete`: adopted or kept on purpose\): `grafana-athena-results` \(`aws:s3\/bucket:Bucket`\)\.$/m,
        );
        assert.match(
            md,
            /^A destroy fails on 1 protected resource until unprotected: `grafana-athena-role`/m,
        );
        assert.match(
            md,
            /`grafana-athena-results` \(`aws:s3\/bucket:Bucket`\): stack file removed; `retainOnDelete: true`: `fleet destroy` leaves it in the cloud/,
        );
    });

    it("shows a stack fleet synth refused as refused, with its reason, and neither removed nor changed", () => {
        const refused: Plan = {
            project: "grafana-athena-workspace",
            stack: "example",
            resources: [],
            reads: [],
            outputs: {},
            secretOutputs: [],
            refused: "grafana-athena-workspace:teams: must be a list",
        };
        const md = planDiffMarkdown(plans(sourcePlan(), workspacePlan()), {
            ...plans(sourcePlan(), workspacePlan()),
            "infra-account-a.example.json": refused,
        });
        assert.match(
            md,
            /\| `grafana-athena-workspace\/example` \| `infra-account-a\.example\.json` \| refused \| — \|/,
        );
        assert.match(
            md,
            /\*\*Refused:\*\* `fleet synth` refused this stack: `grafana-athena-workspace:teams: must be a list`\. Nothing of it is planned, and nothing of it changes, until it plans\./,
        );
        assert.match(md, /\(1 refused\): resources \+0 −0 ~0/);
        assert.doesNotMatch(md, /removed|deletes/);
    });

    it("is deterministic: same output for the same plans, whatever their order", () => {
        const head = sourcePlan(
            [
                ...BASE_STATEMENTS,
                { Sid: "X", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::data-bucket" },
            ],
            {},
        );
        const a = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(head, workspacePlan(BASE_PANELS.slice(1))),
        );
        const b = planDiffMarkdown(
            plans(sourcePlan(), workspacePlan()),
            plans(head, workspacePlan(BASE_PANELS.slice(1))),
        );
        assert.equal(a, b);

        const shuffled = clone(head);
        shuffled.resources.reverse();
        const reordered = {
            "infra-account-a.example.json": workspacePlan(BASE_PANELS.slice(1)),
            "infra-account-b.example.json": shuffled,
        };
        const baseReordered = {
            "infra-account-a.example.json": workspacePlan(),
            "infra-account-b.example.json": sourcePlan(),
        };
        assert.equal(planDiffMarkdown(baseReordered, reordered), a);
    });

    it("stays under GitHub's comment limit, truncating whole sections with a note", () => {
        const bigStatements = (variant: string): Stmt[] =>
            Array.from({ length: 40 }, (_, i) => ({
                Sid: `Statement${i}`,
                Effect: "Allow",
                Action: Array.from({ length: 10 }, (_, j) => `s3:Action${variant}${j}`),
                Resource: Array.from(
                    { length: 10 },
                    (_, j) => `arn:aws:s3:::bucket-${variant}-${i}/prefix-${j}/*`,
                ),
            }));
        const many = (variant: string): Record<string, Plan> =>
            Object.fromEntries(
                Array.from({ length: 40 }, (_, k) => {
                    const p = sourcePlan(bigStatements(variant));
                    p.stack = `stack${String(k).padStart(2, "0")}`;
                    return [`source-${String(k).padStart(2, "0")}.json`, p];
                }),
            );
        const diffs = diffPlanSets(many("a"), many("b"));
        const md = renderComment(diffs);
        assert.ok(md.length <= DEFAULT_MAX_LENGTH, `${md.length} characters`);
        assert.ok(md.length < GITHUB_COMMENT_LIMIT);
        assert.equal(md.split("\n")[0], MARKER);
        assert.match(md, /^… \d+ more lines not shown here/m, "long diff blocks are capped");
        assert.match(md, /\| `grafana-athena-source\/stack39` \|/, "every stack is in the summary table");
        assert.match(
            md,
            /\*\*Truncated\*\* to fit a GitHub comment/,
            "sections that do not fit are dropped with a note",
        );
        const fences = (text: string) => text.split("\n").filter((l) => /^`{3,}/.test(l)).length;
        assert.equal(fences(md) % 2, 0, "no code block is left open");
        assert.equal(renderComment(diffPlanSets(many("a"), many("b"))), md);

        // When shortening is not enough, trailing sections go, with a note; the summary stays.
        const cut = renderComment(diffs, { maxLength: 20000 });
        assert.ok(cut.length <= 20000, `${cut.length} characters`);
        assert.equal(cut.split("\n")[0], MARKER);
        assert.match(
            cut,
            /\*\*Truncated\*\* to fit a GitHub comment \(20,000 characters; the whole diff has [\d,]+\): \d+ more sections not shown/,
        );
        assert.match(cut, /\| `grafana-athena-source\/stack39` \|/, "the summary table survives truncation");
        assert.equal(fences(cut) % 2, 0, "no code block is left open");
        assert.ok(
            renderComment(diffs, { maxLength: 1_000_000 }).length <= GITHUB_COMMENT_LIMIT,
            "never above GitHub's limit",
        );

        const capped = planDiffMarkdown(
            { "s.json": sourcePlan(bigStatements("a")) },
            { "s.json": sourcePlan(bigStatements("b")) },
            { maxDiffLines: 20 },
        );
        assert.match(capped, /^… \d+ more lines not shown here/m);
    });

    it("normalises plans from an older synth and rejects files that are not plans", () => {
        const old = normalizePlan({
            project: "p",
            stack: "s",
            resources: [{ type: "t", name: "n", inputs: {} }],
        });
        assert.deepEqual(old.resources[0].options, {
            protect: false,
            retainOnDelete: false,
            import: null,
            dependsOn: [],
            additionalSecretOutputs: [],
            deleteBeforeReplace: false,
            ignoreChanges: [],
        });
        assert.deepEqual(old.reads, []);
        assert.throws(() => normalizePlan({ hello: 1 }, "x.json"), /x\.json: not a plan/);
    });
});
