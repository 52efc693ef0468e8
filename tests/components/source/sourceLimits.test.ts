/**
 * Source-side IAM limits: the real source program (infra-account-b, example config) with a long
 * table list. The access policy is split across managed policies of at most 6,144 characters,
 * deterministically, each attached to the role, granting exactly what one policy would (checked
 * statement by statement, and by the IAM evaluator); a list that cannot fit is refused with the
 * numbers, never widened to a wildcard.
 */
import assert from "node:assert/strict";
import { PolicyDocument, PolicyJson } from "../../../shared/iam/policy";
import { MANAGED_POLICIES_PER_ROLE, POLICY_QUOTAS, policySize } from "../../../shared/iam/size";
import { validatePolicy } from "../../../shared/iam/validate";
import { sourceAccessStatements } from "../../../shared/policies/sourceRole";
import { parseS3Url } from "../../../shared/s3";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { DEFAULT_ROLE_NAME } from "../../../shared/config/source";
import { SOURCE_EXAMPLE } from "../../support/examples";
import { SOURCE_DIR, Variant, byType, oneOf, plan, refusal, raw } from "../../support/program";
import { Context, identityAllows } from "../../support/simulate";

const NS = "grafana-athena-source";
const ACCOUNT = SOURCE_EXAMPLE.dataAccount;
const REGION = SOURCE_EXAMPLE.region;
const DATABASE = SOURCE_EXAMPLE.database;
const ROLE_NAME = DEFAULT_ROLE_NAME;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/grafana-athena`;
const RESULTS_BUCKET = SOURCE_EXAMPLE.resultsBucket;
const GLUE = `arn:aws:glue:${REGION}:${ACCOUNT}`;
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

const SUBJECTS = [
    "orders",
    "returns",
    "shipments",
    "payments",
    "refunds",
    "invoices",
    "sessions",
    "pageviews",
    "inventory",
    "customers",
];
const KINDS = ["fact", "agg"];
/** Warehouse-style table names, 20-30 characters: `fact_orders_daily_2024_q1`. */
const CANDIDATE_TABLES = KINDS.flatMap((kind) =>
    SUBJECTS.flatMap((subject) =>
        [2024, 2025].flatMap((year) => [1, 2, 3, 4].map((q) => `${kind}_${subject}_daily_${year}_q${q}`)),
    ),
);
const TABLES = CANDIDATE_TABLES.slice(0, 100);
const UNLISTED_TABLE = CANDIDATE_TABLES[150];
const BUCKETS = [`example-sales-data-${ACCOUNT}`, `example-ops-data-${ACCOUNT}`];
/** 20 data locations over two buckets. */
const LOCATIONS = KINDS.flatMap((kind, k) =>
    SUBJECTS.map((subject) => `s3://${BUCKETS[k]}/warehouse/${kind}/${subject}/`),
);

// The example's own panels read its table orders, which these tables are not: no panels here.
const manyTables: Variant = {
    set: { [`${NS}:tables`]: TABLES, [`${NS}:dataLocations`]: LOCATIONS },
    unset: [`${NS}:panels`],
};

/**
 * Every (effect, action, resource, condition) a set of policies grants. glue:GetDatabase and
 * glue:GetDatabases on a table ARN are left out: those actions have no table resource type, so
 * the pair grants nothing (one unsplit policy lists it, the split drops it).
 */
function grants(policies: PolicyJson[]): string[] {
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const out = new Set<string>();
    for (const p of policies) {
        for (const s of p.Statement) {
            for (const action of list(s.Action)) {
                for (const resource of list(s.Resource)) {
                    if (/^glue:GetDatabases?$/.test(action) && resource.includes(":table/")) continue;
                    out.add(`${s.Effect} ${action} ${resource} ${JSON.stringify(s.Condition ?? {})}`);
                }
            }
        }
    }
    return [...out].sort();
}

function splitPolicies(
    run: RunResult,
): { name: string; policyName: string; json: string; policy: PolicyJson }[] {
    return byType(run, POLICY).map((p) => {
        const inputs = raw(run, p.name);
        return {
            name: p.name,
            policyName: String(inputs.name),
            json: String(inputs.policy),
            policy: JSON.parse(String(inputs.policy)) as PolicyJson,
        };
    });
}

/** The access policy as one document, unsplit, from the same settings (what "one policy" would grant). */
const onePolicy = (): PolicyJson =>
    new PolicyDocument(
        "one",
        "managed",
        sourceAccessStatements({
            policyName: "one",
            accountId: ACCOUNT,
            region: REGION,
            catalog: "AwsDataCatalog",
            database: DATABASE,
            workgroup: SOURCE_EXAMPLE.workgroup,
            tables: TABLES,
            dataLocations: LOCATIONS.map((l) => parseS3Url(l)!),
            results: { bucket: RESULTS_BUCKET, prefix: "grafana/" },
        }),
    ).toJSON();

describe("source limits: 100 tables and 20 data locations", function () {
    this.timeout(60_000);

    let run: RunResult;
    before(async () => {
        run = await plan(SOURCE_DIR, manyTables);
    });

    it("uses realistic table names of 20-30 characters", () => {
        assert.equal(new Set(TABLES).size, 100);
        for (const t of TABLES) assert.ok(t.length >= 20 && t.length <= 30, t);
        assert.equal(new Set(LOCATIONS).size, 20);
    });

    it("splits the access policy into several managed policies, each within 6,144 characters", () => {
        const policies = splitPolicies(run);
        assert.ok(
            policies.length >= 2 && policies.length <= MANAGED_POLICIES_PER_ROLE,
            `${policies.length} policies`,
        );
        for (const p of policies)
            assert.ok(
                policySize(p.json) <= POLICY_QUOTAS.managed,
                `${p.policyName}: ${policySize(p.json)} characters`,
            );
        assert.deepEqual(
            policies.map((p) => p.policyName),
            policies.map((_, i) => (i === 0 ? `${ROLE_NAME}-Athena` : `${ROLE_NAME}-Athena-${i + 1}`)),
        );
        // One policy would not fit: the split is needed.
        assert.ok(policySize(onePolicy()) > POLICY_QUOTAS.managed);
    });

    it("gives every split policy only valid statements (IAM catalog)", async () => {
        for (const p of splitPolicies(run))
            assert.deepEqual(await validatePolicy(p.policy, "managed"), [], p.policyName);
    });

    it("attaches every one of them to the role", () => {
        const role = oneOf(run, "aws:iam/role:Role");
        const attachments = byType(run, ATTACHMENT).map((a) => raw(run, a.name));
        const policies = splitPolicies(run);
        assert.equal(attachments.length, policies.length);
        for (const p of policies) {
            const arn = `arn:aws:iam::${ACCOUNT}:policy/${p.policyName}`;
            const found = attachments.filter((a) => a.policyArn === arn);
            assert.equal(found.length, 1, `${arn} is attached ${found.length} times`);
            assert.equal(found[0].role, raw(run, role.name).name);
        }
    });

    it("together grants exactly what one policy would, statement by statement", () => {
        assert.deepEqual(grants(splitPolicies(run).map((p) => p.policy)), grants([onePolicy()]));
    });

    it("together allows and denies what one policy would (IAM evaluator)", async () => {
        const split = splitPolicies(run).map((p) => p.policy);
        const one = onePolicy();
        const table = (db: string, t: string) => `${GLUE}:table/${db}/${t}`;
        const tagged: Context = { "aws:ResourceTag/GrafanaDataSource": "true" };
        const requests: [boolean, string, string, Context?][] = [
            [true, "glue:GetTable", table(DATABASE, TABLES[0])],
            [true, "glue:GetPartitions", table(DATABASE, TABLES[49])],
            [true, "glue:GetTable", table(DATABASE, TABLES[99])],
            [true, "glue:GetDatabase", `${GLUE}:database/${DATABASE}`],
            [true, "s3:GetObject", `arn:aws:s3:::${BUCKETS[0]}/warehouse/fact/orders/part-00000.parquet`],
            [
                true,
                "s3:GetObject",
                `arn:aws:s3:::${BUCKETS[1]}/warehouse/agg/customers/year=2025/part-00001.parquet`,
            ],
            [
                true,
                "s3:ListBucket",
                `arn:aws:s3:::${BUCKETS[1]}`,
                { "s3:prefix": "warehouse/agg/inventory/" },
            ],
            [
                true,
                "athena:StartQueryExecution",
                `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/grafana`,
                tagged,
            ],
            [true, "s3:PutObject", `arn:aws:s3:::${RESULTS_BUCKET}/grafana/query-1.csv`],
            [false, "glue:GetTable", table(DATABASE, UNLISTED_TABLE)],
            [false, "glue:GetTable", table("finance", TABLES[0])],
            [false, "glue:DeleteTable", table(DATABASE, TABLES[0])],
            [false, "s3:GetObject", `arn:aws:s3:::${BUCKETS[0]}/warehouse/secret/payroll.csv`],
            [false, "s3:PutObject", `arn:aws:s3:::${BUCKETS[0]}/warehouse/fact/orders/part-00000.parquet`],
            [false, "s3:ListBucket", `arn:aws:s3:::${BUCKETS[0]}`, { "s3:prefix": "warehouse/secret/" }],
        ];
        for (const [allowed, action, resource, context] of requests) {
            for (const principal of [ROLE_ARN, SESSION]) {
                const bySplit = await identityAllows(split, principal, action, resource, context);
                assert.equal(bySplit, allowed, `${principal} ${action} ${resource}`);
                assert.equal(
                    await identityAllows(one, principal, action, resource, context),
                    bySplit,
                    `one policy differs: ${action} ${resource}`,
                );
            }
        }
    });

    it("never widens the table list to a wildcard", () => {
        for (const p of splitPolicies(run)) {
            assert.ok(!p.json.includes(`table/${DATABASE}/*`), `${p.policyName} grants table/${DATABASE}/*`);
            assert.ok(!/:table\/[^"]*\*/.test(p.json), `${p.policyName} has a wildcard table`);
        }
        const listed = splitPolicies(run)
            .flatMap((p) => grants([p.policy]))
            .filter((g) => g.startsWith("Allow glue:GetTable ") && g.includes(":table/"));
        assert.equal(listed.length, 100);
    });

    it("splits the same way on a second run", async () => {
        const again = await plan(SOURCE_DIR, manyTables);
        const shape = (r: RunResult) =>
            splitPolicies(r).map((p) => ({ name: p.name, policyName: p.policyName, json: p.json }));
        assert.deepEqual(shape(again), shape(run));
        assert.deepEqual(byType(again, ATTACHMENT), byType(run, ATTACHMENT));
    });

    it("refuses a table list that cannot fit the role's managed policies, with the numbers", async () => {
        const tables = Array.from(
            { length: 2000 },
            (_, i) => `fact_customer_lifetime_value_by_region_daily_${String(i).padStart(4, "0")}`,
        );
        const message = await refusal(SOURCE_DIR, {
            set: { [`${NS}:tables`]: tables, [`${NS}:dataLocations`]: LOCATIONS },
            unset: [`${NS}:panels`],
        });
        const needed = /needs (\d+) managed policies/.exec(message);
        assert.ok(needed, message);
        assert.ok(Number(needed[1]) > MANAGED_POLICIES_PER_ROLE, message);
        assert.ok(
            message.includes(`more than the ${MANAGED_POLICIES_PER_ROLE} a role may have attached`),
            message,
        );
        assert.ok(message.includes(`quota ${POLICY_QUOTAS.managed} characters each`), message);
        assert.match(message, /tables: \["\*"\]/, "names the way out");
    });
});
