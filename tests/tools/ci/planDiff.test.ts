import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Plan, PlanResource } from "../../../tools/plan/mock/runtime";
import { normalizePlan } from "../../../tools/plan/format";
import { policySummary } from "../../../tools/ci/planDiff/iam";
import { JSON_LIMITS } from "../../../tools/ci/planDiff/json";
import { UNTRUSTED_LIMITS, readPlanDir } from "../../../tools/ci/planDiff/load";
import { MARKER } from "../../../shared/markdown";
import {
    DEFAULT_MAX_LENGTH,
    DEFAULT_MAX_SUMMARY_ROWS,
    GITHUB_COMMENT_LIMIT,
    failureMarkdown,
    fitBlocks,
    planDiffMarkdown,
    renderBlocks,
    renderComment,
} from "../../../tools/ci/planDiff/markdown";
import { main as planDiffMain } from "../../../tools/ci/planDiff/cli";
import { runMain, runProcess } from "../../support/cli";
import { diffPlanSets, diffPlans } from "../../../tools/ci/planDiff/stacks";
import { MAX_EDIT_LENGTH, unifiedDiff } from "../../../tools/ci/planDiff/text";
import { main as planDiffCli } from "../../../tools/ci/planDiff/cli";
import {
    DEFAULT_MAX_VIOLATIONS,
    MAX_SUMMARY_VIOLATIONS,
    PlanViolation,
    policyCommentBlocks,
} from "../../../policy/markdown";
import { MAX_COMMENT_EVALUATION_COST, evaluatePlans, evaluationCost } from "../../../policy/offline";
import { exampleRun } from "../../support/sourcePlan";
import { PACK_CONFIG } from "../../support/handWrittenStack";

// ---------------------------------------------------------------------------------------------
// Hand-made plans

function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: Partial<PlanResource["options"]> = {},
): PlanResource {
    return {
        type,
        name,
        parent: null,
        provider: null,
        inputs,
        options: {
            protect: false,
            retainOnDelete: false,
            import: null,
            dependsOn: [],
            additionalSecretOutputs: [],
            deleteBeforeReplace: false,
            ignoreChanges: [],
            ...options,
        },
    };
}

interface Stmt {
    Sid: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: unknown;
}

function accessPolicy(statements: Stmt[]): PlanResource {
    return resource("aws:iam/policy:Policy", "grafana-athena-access", {
        name: "grafana-athena-access",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    });
}

const BASE_STATEMENTS: Stmt[] = [
    {
        Sid: "AthenaRead",
        Effect: "Allow",
        Action: ["athena:GetQueryResults", "athena:StartQueryExecution"],
        Resource: "arn:aws:athena:eu-west-1:222233334444:workgroup/grafana",
    },
    {
        Sid: "S3DataRead",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: ["arn:aws:s3:::data-bucket/orders/*"],
    },
];

function sourcePlan(
    statements: Stmt[] = BASE_STATEMENTS,
    bucketOptions: Partial<PlanResource["options"]> = { retainOnDelete: true },
): Plan {
    return {
        project: "grafana-athena-source",
        stack: "example",
        resources: [
            resource("grafana-athena:source:AthenaSourceAccess", "grafana-athena", {}),
            accessPolicy(statements),
            resource(
                "aws:s3/bucket:Bucket",
                "grafana-athena-results",
                { bucket: "results-222233334444", tags: { Team: "data" } },
                bucketOptions,
            ),
            resource("aws:iam/role:Role", "grafana-athena-role", {
                name: "AmazonManagedGrafana-CrossAccountAthena",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "GrafanaWorkspaceAssumeRole",
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::111122223333:root" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "sts:ExternalId": "[secret]" } },
                        },
                    ],
                }),
            }),
        ],
        reads: [],
        outputs: { accountId: "222233334444", externalId: "[secret]" },
        secretOutputs: ["externalId"],
    };
}

interface PanelSpec {
    title: string;
    type: string;
    sql: string;
}

function dashboardJson(panels: PanelSpec[]): string {
    return JSON.stringify({
        title: "Sales",
        uid: "athena-0123456789abcdef0123",
        schemaVersion: 39,
        panels: panels.map((p, i) => ({
            id: i + 1,
            type: p.type,
            title: p.title,
            gridPos: { x: 8 * i, y: 0, w: 8, h: 8 },
            targets: [
                {
                    refId: "A",
                    format: 1,
                    rawSQL: p.sql,
                    connectionArgs: { region: "eu-west-1", database: "sales" },
                },
            ],
        })),
    });
}

const BASE_PANELS: PanelSpec[] = [
    {
        title: "Orders per day",
        type: "barchart",
        sql: "SELECT day, count(*) AS orders\nFROM orders\nGROUP BY day\nORDER BY day",
    },
    { title: "Tables", type: "stat", sql: "SELECT count(*) FROM information_schema.tables" },
];

function workspacePlan(panels: PanelSpec[] = BASE_PANELS): Plan {
    return {
        project: "grafana-athena-workspace",
        stack: "example",
        resources: [
            resource("grafana:oss/dashboard:Dashboard", "grafana-athena-dashboard-sales", {
                configJson: dashboardJson(panels),
                folder: "f1",
            }),
            resource("grafana:oss/dataSource:DataSource", "grafana-athena-datasource-sales", {
                name: "Sales",
                type: "grafana-athena-datasource",
                jsonDataEncoded: JSON.stringify({
                    assumeRoleArn: "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena",
                    defaultRegion: "eu-west-1",
                }),
            }),
        ],
        reads: [
            {
                type: "pulumi:pulumi:StackReference",
                name: "source-sales",
                id: "acme/grafana-athena-source/sales",
                parent: null,
            },
        ],
        outputs: {},
        secretOutputs: [],
    };
}

function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}

function plans(source: Plan, workspace: Plan): Record<string, Plan> {
    return { "infra-account-b.example.json": source, "infra-account-a.example.json": workspace };
}

/** The body of every ```diff block, in order. */
function diffBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^```diff\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}

// ---------------------------------------------------------------------------------------------

describe("planDiff: unified diff helper", () => {
    it("is empty for equal texts", () => {
        assert.equal(unifiedDiff("a\nb\nc", "a\nb\nc"), "");
        assert.equal(unifiedDiff("", ""), "");
    });

    it("writes hunks with line numbers and three lines of context", () => {
        const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n");
        const after = ["1", "2", "3", "4", "5", "six", "7", "8", "9", "10"].join("\n");
        assert.equal(
            unifiedDiff(before, after),
            ["@@ -3,7 +3,7 @@", " 3", " 4", " 5", "-6", "+six", " 7", " 8", " 9"].join("\n"),
        );
    });

    it("splits far-apart changes into separate hunks and shows pure additions", () => {
        const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
        const after = [...lines];
        after[1] = "changed 2";
        after[18] = "changed 19";
        assert.equal((unifiedDiff(lines.join("\n"), after.join("\n")).match(/^@@/gm) ?? []).length, 2);
        assert.equal(unifiedDiff("", "x\ny"), "@@ -0,0 +1,2 @@\n+x\n+y");
    });

    it("keeps common lines (a longest common subsequence)", () => {
        assert.equal(
            unifiedDiff("a\nb\nc\nd", "a\nx\nc\nd\ne"),
            ["@@ -1,4 +1,5 @@", " a", "-b", "+x", " c", " d", "+e"].join("\n"),
        );
    });

    it("shows texts that differ in more than MAX_EDIT_LENGTH lines as replaced entirely, at once", () => {
        const before = Array.from({ length: 1000 }, (_, i) => `old ${i}`);
        const after = Array.from({ length: 1000 }, (_, i) => `new ${i}`);
        const started = Date.now();
        const diff = unifiedDiff(before.join("\n"), after.join("\n"));
        assert.ok(Date.now() - started < 2000, "a diff of two unrelated texts took seconds");
        assert.equal(
            diff,
            ["@@ -1,1000 +1,1000 @@", ...before.map((l) => `-${l}`), ...after.map((l) => `+${l}`)].join("\n"),
        );
        // Just under the bound, the line-by-line diff is still used.
        const few = [...before];
        for (let i = 0; i < 1000; i += 10) few[i] = `changed ${i}`;
        assert.match(
            unifiedDiff(before.join("\n"), few.join("\n")),
            /^@@ -1,4 \+1,4 @@\n-old 0\n\+changed 0\n old 1\n/,
        );
        assert.ok(MAX_EDIT_LENGTH >= 200);
    });
});

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
        assert.match(removed, /^A destroy deletes 2 resources \(listed below\)\.$/m);
        assert.match(removed, /It only reads 1 resource, which a destroy never touches: `source-sales`/);
        assert.match(
            removed,
            /`grafana-athena-dashboard-sales` \(`grafana:oss\/dashboard:Dashboard`\): stack file removed: `fleet destroy` deletes it from the cloud/,
        );
        assert.doesNotMatch(removed, /`pulumi up` deletes/);
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

describe("planDiff: files and command line", () => {
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        fs.mkdirSync(path.join(dir, "head"));
        fs.writeFileSync(
            path.join(dir, "head", "infra-account-b.example.json"),
            JSON.stringify(sourcePlan()),
        );
        fs.writeFileSync(path.join(dir, "head", "notes.txt"), "not a plan");
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads the *.json plans of a folder; a missing folder has none", () => {
        assert.deepEqual(Object.keys(readPlanDir(path.join(dir, "head"))), ["infra-account-b.example.json"]);
        assert.deepEqual(readPlanDir(path.join(dir, "no-such-folder")), {});
    });

    it("writes the comment for a missing base folder as an added project", async () => {
        const out = path.join(dir, "comment.md");
        const full = path.join(dir, "full.md");
        // The entry point's own test: plan-diff as a process (other tests call its main).
        const r = await runProcess("ci/planDiff/cli.ts", [
            path.join(dir, "base"),
            path.join(dir, "head"),
            "--out",
            out,
            "--full",
            full,
            "--base-label",
            "abc123",
        ]);
        assert.equal(r.code, 0, r.stderr);
        const md = fs.readFileSync(out, "utf8");
        assert.equal(md.split("\n")[0], MARKER);
        assert.match(md, /The base has no offline plans/);
        assert.match(
            md,
            /\| `grafana-athena-source\/example` \| `infra-account-b\.example\.json` \| added \|/,
        );
        assert.match(md, /Base `abc123`/);
        assert.ok(fs.existsSync(full));

        const usage = await runMain(planDiffMain, ["only-one"]);
        assert.equal(usage.code, 2);
        assert.equal(usage.stderr, "planDiff: give two folders: <base-dir> <head-dir> (see --help)\n");
    });
});

describe("planDiff: hostile plans, within bounds", () => {
    let dir: string;
    const write = (side: string, name: string, text: string | Buffer) => {
        fs.mkdirSync(path.join(dir, side), { recursive: true });
        fs.writeFileSync(path.join(dir, side, name), text);
    };
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-hostile-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("treats keys named constructor, toString, __proto__ and hasOwnProperty as keys, in inputs, outputs and documents", () => {
        const keys = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
        const inputs = (v: string) =>
            `{${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}, "policy": ${JSON.stringify(`{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "constructor": "${v}"}], "toString": "${v}"}`)}}`;
        const planText = (v: string, withKeys: boolean) =>
            `{"project": "p", "stack": "s", "resources": [{"type": "aws:iam/policy:Policy", "name": "r", "inputs": ${withKeys ? inputs(v) : "{}"}}], "outputs": ${withKeys ? `{"__proto__": "${v}", "constructor": "${v}"}` : "{}"}}`;
        write("base", "a.json", planText("old", false));
        write("head", "a.json", planText("new", true));
        write("base", "b.json", planText("old", true));
        write("head", "b.json", planText("new", true));
        const base = readPlanDir(path.join(dir, "base"));
        const head = readPlanDir(path.join(dir, "head"), undefined, true);
        assert.equal(
            Object.getPrototypeOf(head["a.json"].resources[0].inputs),
            null,
            "objects of a read plan have no prototype",
        );
        const [added, changed] = diffPlanSets(base, head);
        const a = added.changed[0];
        assert.deepEqual(a.inputKeys, [
            "__proto__",
            "constructor",
            "hasOwnProperty",
            "policy",
            "toString",
            "valueOf",
        ]);
        assert.deepEqual(
            a.inputChanges.map((c) => [c.path, c.before, c.after]),
            keys.map((k) => [k, undefined, "new"]).sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)),
        );
        assert.deepEqual(
            added.outputs.map((o) => o.path),
            ["__proto__", "constructor"],
        );
        assert.deepEqual(
            changed.changed[0].inputChanges.map((c) => c.path),
            ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf"],
        );
        assert.match(changed.policies[0].summary.join("\n"), /!     constructor changed/);
        const md = renderComment([added, changed]);
        assert.match(md, /- `constructor`: `\(none\)` → `"new"`/);
    });

    it("refuses a plan nested deeper than its bound (a million levels) in one line, and shows a deep document inside an input as text", () => {
        write(
            "head",
            "deep.json",
            `{"project": "p", "stack": "s", "resources": [{"type": "t", "name": "n", "inputs": {"x": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}}]}`,
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), undefined, true),
            (e: Error) =>
                e.message ===
                `${path.join(dir, "head", "deep.json")}: out of bounds: nested more than 64 levels deep`,
        );
        fs.rmSync(path.join(dir, "head"), { recursive: true });
        const deepPolicy = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
        const base = {
            "a.json": normalizePlan({
                project: "p",
                stack: "s",
                resources: [resource("aws:iam/policy:Policy", "r", { policy: "{}" })],
            }),
        };
        const head = {
            "a.json": normalizePlan({
                project: "p",
                stack: "s",
                resources: [resource("aws:iam/policy:Policy", "r", { policy: deepPolicy })],
            }),
        };
        const [d] = diffPlanSets(base, head);
        assert.equal(d.policies[0].summary.length, 0, "not a policy document: no statements");
        assert.match(d.policies[0].diff, /^\+\[{100}/m, "shown as its text");
    });

    it("refuses strings and lists over their bounds, naming the file", () => {
        write(
            "head",
            "s.json",
            JSON.stringify({
                project: "p",
                stack: "s",
                resources: [resource("t", "n", { x: "x".repeat(4 * 1024 * 1024 + 1) })],
            }),
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            /s\.json: out of bounds: a string of 4194305 characters, more than 4194304$/,
        );
        write(
            "head",
            "s.json",
            JSON.stringify({
                project: "p",
                stack: "s",
                resources: [resource("t", "n", { x: new Array(100_001).fill(0) })],
            }),
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            /s\.json: out of bounds: a list of 100001 items, more than 100000$/,
        );
    });

    it("refuses a folder over its total budget before reading it (64 plans of 12.5 MB), and a plan that is not a regular file", () => {
        fs.mkdirSync(path.join(dir, "head"));
        for (let i = 0; i < 64; i++) {
            // Sparse files: 12.5 MB each as stat reports it, no disk used.
            const fd = fs.openSync(path.join(dir, "head", `p${i}.json`), "w");
            fs.ftruncateSync(fd, 12.5 * 1024 * 1024);
            fs.closeSync(fd);
        }
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), UNTRUSTED_LIMITS, true),
            (e: Error) =>
                e.message ===
                `${path.join(dir, "head")}: its plans hold 838860800 bytes together, more than ${UNTRUSTED_LIMITS.totalBytes}, the most the plan diff reads`,
        );
        fs.rmSync(path.join(dir, "head"), { recursive: true });
        fs.mkdirSync(path.join(dir, "head"));
        fs.symlinkSync("/dev/zero", path.join(dir, "head", "zero.json"));
        assert.throws(
            () => readPlanDir(path.join(dir, "head")),
            (e: Error) =>
                e.message === `${path.join(dir, "head", "zero.json")} is a device, not a regular file`,
        );
        assert.throws(
            () => readPlanDir(path.join(dir, "head"), UNTRUSTED_LIMITS, true),
            /not plans: "zero\.json" \(only \*\.json files\)/,
        );
    });

    it("diffs two folders at the limits of their bounds: the comment stays under GitHub's limit", () => {
        // Each plan holds a list at the list bound and a document at the string bound, changed.
        const limits = { ...UNTRUSTED_LIMITS, totalBytes: 12 * 1024 * 1024 };
        const statements = (mark: string) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: Array.from({ length: 20_000 }, (_, j) => ({
                    Sid: `S${j}`,
                    Effect: "Allow",
                    Action: `s3:Get${j % 97 === 0 ? mark : ""}Object`,
                    Resource: `arn:aws:s3:::bucket-${j}/*`,
                })),
            });
        for (const [side, mark] of [
            ["base", ""],
            ["head", "X"],
        ]) {
            const policy = statements(mark);
            assert.ok(policy.length > 1_500_000 && policy.length <= JSON_LIMITS.stringLength);
            const list = Array.from({ length: JSON_LIMITS.arrayLength }, (_, j) =>
                j % 1000 === 0 ? `${mark}${j}` : j,
            );
            write(
                side,
                "p.json",
                JSON.stringify({
                    project: "p",
                    stack: "s",
                    resources: [resource("aws:iam/policy:Policy", "r", { policy, list })],
                    outputs: {},
                }),
            );
        }
        const base = readPlanDir(path.join(dir, "base"), limits);
        const head = readPlanDir(path.join(dir, "head"), limits, true);
        const md = renderComment(diffPlanSets(base, head));
        assert.ok(md.length <= DEFAULT_MAX_LENGTH);
        assert.match(md, /\| `p\/s` \| `p\.json` \| changed \|/);
    });
});

describe("planDiff: text from plans is inert in the comment", () => {
    const TERMINATORS = ["\r", "\r\n", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\n"];
    const PAYLOADS = [
        "@octocat",
        "<img src=x onerror=alert(1)>",
        "# Heading",
        "<details open>",
        "[click](javascript:alert(1))",
        "![x](https://evil.example/x.png)",
        "<https://evil.example>",
        "https://evil.example/a",
        "&#64;octocat",
        "&lt;img&gt;",
        "\\`@octocat`",
    ];

    /** The comment as a renderer splits it into lines (CommonMark's line endings, and the others a browser may honour). */
    const renderedLines = (md: string) => md.split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/);

    /** What a line renders outside code spans and fences, by CommonMark's rules for backtick runs. */
    function outsideCode(md: string): string {
        let fence: string | undefined;
        const out: string[] = [];
        for (const line of renderedLines(md)) {
            const ticks = /^\s*(`{3,})/.exec(line)?.[1];
            if (fence === undefined && ticks) fence = ticks;
            else if (fence !== undefined) {
                if (ticks && ticks.length >= fence.length && line.trim() === ticks) fence = undefined;
            } else
                out.push(
                    line
                        .replace(/\\[!-/:-@[-`{-~]/g, " ")
                        .replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, ""),
                );
        }
        return out.join("\n");
    }

    function assertInert(md: string, label: string) {
        assert.equal(md.split("\n")[0], MARKER);
        for (const t of TERMINATORS.filter((x) => x !== "\n"))
            assert.ok(!md.includes(t), `${label}: no ${JSON.stringify(t)} reaches the comment`);
        const text = outsideCode(md.slice(MARKER.length));
        assert.doesNotMatch(text, /@[a-z]/i, `${label}: no mention outside code`);
        assert.doesNotMatch(text, /<[a-z!/]/i, `${label}: no HTML or autolink outside code`);
        assert.doesNotMatch(text, /&#|&[a-z]+;(?<!&lt;|&amp;)/i, `${label}: no entity outside code`);
        assert.doesNotMatch(text, /(?<!\\)\[[^\]]*(?<!\\)\]\(/, `${label}: no link or image outside code`);
        assert.doesNotMatch(text, /https?:\/\//, `${label}: no bare URL outside code`);
        assert.doesNotMatch(text, /^#+ .*(Heading|octocat)/m, `${label}: no heading made of plan text`);
    }

    it("in resource names, types, dashboard and panel titles, the project name, import IDs, labels and notes", () => {
        for (const t of TERMINATORS) {
            for (const p of PAYLOADS) {
                const evil = `x${t}${p}${t}# Heading ${p}`;
                const base = workspacePlan();
                const head = workspacePlan([{ ...BASE_PANELS[0], title: evil }, ...BASE_PANELS.slice(1)]);
                const dashboard = head.resources[0];
                const json = JSON.parse(String(dashboard.inputs.configJson));
                json.title = evil;
                dashboard.inputs.configJson = JSON.stringify(json);
                head.project = evil;
                head.resources.push(
                    resource(
                        `aws:s3/bucket:Bucket${t}${p}`,
                        evil,
                        { bucket: evil },
                        { import: evil, protect: true },
                    ),
                );
                head.outputs = { ...head.outputs, label: evil };
                head.reads.push({
                    type: "aws:athena/workgroup:Workgroup",
                    name: evil,
                    id: evil,
                    parent: null,
                });
                const md = planDiffMarkdown(
                    { "w.json": base },
                    { "w.json": head },
                    { notes: [evil], baseLabel: evil, headLabel: evil },
                );
                assertInert(md, `${JSON.stringify(t)} ${p}`);
                assertInert(failureMarkdown(evil, { notes: [evil] }), `failure ${JSON.stringify(t)} ${p}`);
            }
        }
    });

    it("keeps its own Markdown: alerts, headings, tables and fences still render", () => {
        const base = workspacePlan();
        const head = workspacePlan([{ ...BASE_PANELS[0], title: "New <b>title</b> @x" }]);
        const md = planDiffMarkdown(
            { "w.json": base },
            { "w.json": head },
            { notes: ["see [docs](https://x)"] },
        );
        assert.match(md, /^> \[!NOTE\]$/m);
        assert.match(md, /^> see \\\[docs\\\]\(https:\u200b\/\/x\)$/m);
        assert.match(md, /^## Offline plan diff$/m);
        assert.match(md, /^\| Stack \| Plan file \|/m);
        assert.match(md, /^```diff$/m);
    });
});

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
        const code = await planDiffCli(
            [...argv, "--out", out, "--full", full],
            () => undefined,
            (t) => (err += t),
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
            // Every plan text is inside a code span; what is left outside mentions, links and renders nothing.
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

describe("planDiff: a change to every stack of a large fleet", () => {
    /** 300 source stacks (three times the summary's rows), each with its policy changed; in three, a resource is removed. */
    const fleet = (side: "base" | "head"): Record<string, Plan> =>
        Object.fromEntries(
            Array.from({ length: 300 }, (_, k) => {
                const statements =
                    side === "base"
                        ? BASE_STATEMENTS
                        : [
                              ...BASE_STATEMENTS,
                              {
                                  Sid: "S3ResultsList",
                                  Effect: "Allow",
                                  Action: "s3:ListBucket",
                                  Resource: "arn:aws:s3:::results-222233334444",
                              },
                          ];
                const p = sourcePlan(statements);
                p.stack = `account-${String(k).padStart(4, "0")}`;
                if (side === "head" && k >= 297)
                    p.resources = p.resources.filter((r) => r.type !== "aws:s3/bucket:Bucket");
                return [`infra-account-b.${p.stack}.json`, p];
            }),
        );
    let diffs: ReturnType<typeof diffPlanSets>;
    before(() => {
        diffs = diffPlanSets(fleet("base"), fleet("head"));
    });

    it("opens with the totals, lists the destroy-relevant plans first and 100 in all, and still shows stack sections", () => {
        const md = renderComment(diffs);
        assert.ok(md.length <= DEFAULT_MAX_LENGTH, `${md.length} characters`);
        assert.match(
            md,
            /^\*\*300 of 300 plans\*\* differ \(300 changed\): resources \+0 −3 ~300, 300 IAM policies, 0 dashboards, ⚠️ 3 destroy-relevant changes\.$/m,
        );
        const rows = md.split("\n").filter((l) => l.startsWith("| `grafana-athena-source/"));
        assert.equal(rows.length, DEFAULT_MAX_SUMMARY_ROWS);
        assert.deepEqual(
            rows.slice(0, 3).map((r) => /account-\d+/.exec(r)![0]),
            ["account-0297", "account-0298", "account-0299"],
        );
        assert.match(
            md,
            /^… and 200 more plans that differ: the job summary of the run that posted this comment lists every one\.$/m,
        );
        const sections = md.split("\n").filter((l) => l.startsWith("### "));
        assert.match(
            sections[0],
            /grafana-athena-source\/account-0297/,
            "the destroy-relevant sections come first",
        );
        assert.ok(sections.length > 3, "and as many others as fit");
        assert.match(md, /\*\*Truncated\*\*/);
    });

    it("lists every plan in the job summary's rendering", () => {
        const full = fitBlocks(
            renderBlocks(diffs, { maxDiffLines: Infinity, maxSummaryRows: Infinity }),
            Infinity,
        );
        assert.equal(full.split("\n").filter((l) => l.startsWith("| `grafana-athena-source/")).length, 300);
        assert.doesNotMatch(full, /more plans that differ|Truncated/);
    });

    it("reads up to 4,096 plans of 64 MiB of a pull request, and refuses more in one line", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-count-"));
        try {
            assert.equal(UNTRUSTED_LIMITS.files, 4096);
            assert.equal(UNTRUSTED_LIMITS.totalBytes, 64 * 1024 * 1024);
            // The count is checked before any file is read; shown with a small count (the same check).
            for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, `p${i}.json`), "{}");
            assert.throws(
                () => readPlanDir(dir, { ...UNTRUSTED_LIMITS, files: 4 }, true),
                (e: Error) => e.message === `${dir}: 5 plans, more than 4`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
