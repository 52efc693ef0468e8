/**
 * A source with Athena's managed query results (`results: {managed: true, kmsKeyArn?}`): what the
 * source plans and its role may do (the IAM evaluator, both ways), an adopted workgroup, the
 * refusals, the contract, and the data source and dashboards the workspace builds from it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkSourceOutputs } from "../../../shared/contract";
import { fleetDashboard } from "../../../shared/grafana/fleetDashboard";
import { DashboardSource, sourceDashboard } from "../../../shared/grafana/sourceDashboard";
import type { PolicyJson } from "../../../shared/iam/policy";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { readStackConfig, readProject } from "../../../tools/plan/stackConfig";
import {
    EXAMPLE_SOURCE_STACK,
    REPO,
    ROOT_DIR,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    configProblems,
    oneOf,
    plan,
    raw,
    refusal,
    sourceRef,
} from "../../support/program";
import { Context, decide } from "../../support/simulate";
import { ROOT_EXAMPLE } from "../../support/examples";
import { sourceOutputs } from "../../support/sourceOutputs";
import {
    DATA_ACCOUNT,
    DATA_BUCKET,
    KMS_KEY,
    OTHER_KMS_KEY,
    REGION,
    RESULTS_BUCKET,
    ROLE_NAME,
    WORKGROUP,
    WORKGROUP_ARN,
    WORKGROUP_TYPE,
    accessPolicies,
    key,
    planSource,
} from "../../support/sourcePlan";

const SESSION = `arn:aws:sts::${DATA_ACCOUNT}:assumed-role/${ROLE_NAME}/grafana-athena`;
const TAGGED: Context = { "aws:ResourceTag/GrafanaDataSource": "true" };
const MANAGED = { [key("results")]: { managed: true } };
const MANAGED_WITH_KEY = { [key("results")]: { managed: true, kmsKeyArn: KMS_KEY } };
/** The default key policy: the account's IAM policies decide who may use the key. */
const KEY_POLICY: PolicyJson = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "EnableIamPolicies",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${DATA_ACCOUNT}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ],
};

interface Case {
    action: string;
    resource: string;
    context?: Context;
    allowed: boolean;
    why: string;
}

async function checkMatrix(policies: PolicyJson[], cases: Case[]) {
    const wrong: string[] = [];
    for (const c of cases) {
        const decision = await decide({
            identityPolicies: policies,
            resourcePolicy: c.action.startsWith("kms:") ? KEY_POLICY : undefined,
            principal: SESSION,
            action: c.action,
            resource: c.resource,
            resourceAccount: DATA_ACCOUNT,
            context: c.context,
        });
        if ((decision === "Allowed") !== c.allowed) {
            wrong.push(
                `${c.action} on ${c.resource} ${JSON.stringify(c.context ?? {})}: expected ${c.allowed}`,
            );
        }
    }
    assert.deepEqual(wrong, []);
}

const S3_WRITES = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"];
const VIA_ATHENA = { "kms:ViaService": `athena.${REGION}.amazonaws.com` };

describe("a source with Athena's managed query results", function () {
    this.timeout(120_000);
    let managed: RunResult;
    let withKey: RunResult;
    before(async () => {
        managed = await planSource({ set: MANAGED });
        withKey = await planSource({ set: MANAGED_WITH_KEY });
    });

    it("plans no results bucket, the workgroup with managed results and no output location", () => {
        for (const run of [managed, withKey]) {
            assert.deepEqual(
                run.plan.resources.filter((r) => r.type.startsWith("aws:s3/")).map((r) => r.type),
                [],
            );
        }
        const config = (run: RunResult) =>
            oneOf(run, WORKGROUP_TYPE).inputs.configuration as Record<string, unknown>;
        assert.deepEqual(config(managed).managedQueryResultsConfiguration, { enabled: true });
        assert.equal(config(managed).resultConfiguration, undefined);
        assert.equal(config(managed).enforceWorkgroupConfiguration, true);
        assert.deepEqual(config(withKey).managedQueryResultsConfiguration, {
            enabled: true,
            encryptionConfiguration: { kmsKey: KMS_KEY },
        });
    });

    it("exports resultsMode managed and no output location, and the workspace accepts it", () => {
        assert.equal(managed.rawOutputs.resultsMode, "managed");
        assert.ok(!("outputLocation" in managed.rawOutputs));
        assert.ok(!("outputLocation" in managed.plan.outputs));
        const checked = checkSourceOutputs("o/grafana-athena-source/s", managed.rawOutputs);
        assert.equal(checked.resultsMode, "managed");
        assert.equal(checked.outputLocation, undefined);
    });

    it("the role writes nowhere in S3, still reads its data and its workgroup's results", async () => {
        const results = `arn:aws:s3:::${RESULTS_BUCKET}/grafana/x.csv`;
        const data = `arn:aws:s3:::${DATA_BUCKET}/warehouse/orders/part-0.parquet`;
        await checkMatrix(accessPolicies(managed), [
            ...S3_WRITES.flatMap((action) => [
                { action, resource: results, allowed: false, why: "no results bucket" },
                { action, resource: data, allowed: false, why: "data is read-only" },
            ]),
            { action: "s3:GetObject", resource: results, allowed: false, why: "no results bucket to read" },
            {
                action: "s3:ListBucket",
                resource: `arn:aws:s3:::${RESULTS_BUCKET}`,
                allowed: false,
                why: "no results bucket",
            },
            { action: "s3:GetObject", resource: data, allowed: true, why: "the tables' data" },
            {
                action: "athena:GetQueryResults",
                resource: WORKGROUP_ARN,
                context: TAGGED,
                allowed: true,
                why: "managed results are read through the workgroup",
            },
            {
                action: "athena:StartQueryExecution",
                resource: WORKGROUP_ARN,
                context: TAGGED,
                allowed: true,
                why: "queries",
            },
            { action: "kms:Decrypt", resource: KMS_KEY, context: VIA_ATHENA, allowed: false, why: "no key" },
        ]);
    });

    it("with kmsKeyArn: Decrypt, GenerateDataKey and DescribeKey on that key, through Athena in the region only", async () => {
        await checkMatrix(accessPolicies(withKey), [
            ...["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"].flatMap((action) => [
                {
                    action,
                    resource: KMS_KEY,
                    context: VIA_ATHENA,
                    allowed: true,
                    why: "Athena on Grafana's behalf",
                },
                { action, resource: KMS_KEY, allowed: false, why: "directly with the role's credentials" },
                {
                    action,
                    resource: KMS_KEY,
                    context: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
                    allowed: false,
                    why: "through another service",
                },
                {
                    action,
                    resource: KMS_KEY,
                    context: { "kms:ViaService": "athena.us-east-1.amazonaws.com" },
                    allowed: false,
                    why: "through Athena in another region",
                },
                { action, resource: OTHER_KMS_KEY, context: VIA_ATHENA, allowed: false, why: "another key" },
            ]),
            ...["kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:ScheduleKeyDeletion"].map(
                (action) => ({
                    action,
                    resource: KMS_KEY,
                    context: VIA_ATHENA,
                    allowed: false,
                    why: "not needed",
                }),
            ),
            ...S3_WRITES.map((action) => ({
                action,
                resource: `arn:aws:s3:::${DATA_BUCKET}/any`,
                allowed: false,
                why: "no S3 write",
            })),
        ]);
    });

    describe("an adopted workgroup (workgroup.create false)", () => {
        const adopt = (configuration: Record<string, unknown>, results: unknown = { managed: true }) => ({
            set: { [key("workgroup")]: { name: WORKGROUP, create: false }, [key("results")]: results },
            world: { workgroups: { [WORKGROUP]: { configuration } } },
        });

        it("that uses managed results with the same key: tagged only, resultsMode managed", async () => {
            const run = await planSource(
                adopt(
                    {
                        managedQueryResultsConfiguration: {
                            enabled: true,
                            encryptionConfiguration: { kmsKey: KMS_KEY },
                        },
                    },
                    { managed: true, kmsKeyArn: KMS_KEY },
                ),
            );
            assert.ok(!("configuration" in oneOf(run, WORKGROUP_TYPE).inputs));
            assert.equal(run.rawOutputs.resultsMode, "managed");
            assert.deepEqual(byType(run, "aws:s3/bucket:Bucket"), []);
        });

        it("refuses one that writes to an output location, naming the workgroup, its location and results", async () => {
            const message = await refusal(
                SOURCE_DIR,
                adopt({
                    enforceWorkgroupConfiguration: true,
                    resultConfiguration: { outputLocation: "s3://old/q/" },
                }),
            );
            assert.equal(
                message,
                'workgroup "grafana" does not use Athena\'s managed query results (it writes to ' +
                    "s3://old/q/), but results is {managed: true}; turn them on in the workgroup, or give " +
                    "results a bucket",
            );
        });

        it("accepts one that names the same key by its key ID", async () => {
            const run = await planSource(
                adopt(
                    {
                        managedQueryResultsConfiguration: {
                            enabled: true,
                            encryptionConfiguration: { kmsKey: KMS_KEY.split("/")[1] },
                        },
                    },
                    { managed: true, kmsKeyArn: KMS_KEY },
                ),
            );
            assert.equal(run.rawOutputs.resultsMode, "managed");
        });

        it("refuses one whose results another key encrypts, naming results.kmsKeyArn", async () => {
            const message = await refusal(
                SOURCE_DIR,
                adopt({
                    managedQueryResultsConfiguration: {
                        enabled: true,
                        encryptionConfiguration: { kmsKey: OTHER_KMS_KEY },
                    },
                }),
            );
            assert.match(
                message,
                /encrypts managed query results with .*0000abcd.*results\.kmsKeyArn gives none/,
            );
        });

        it("refuses a results bucket for a workgroup with managed results (Athena would refuse every query)", async () => {
            const message = await refusal(
                SOURCE_DIR,
                adopt(
                    { managedQueryResultsConfiguration: { enabled: true } },
                    {
                        bucket: RESULTS_BUCKET,
                    },
                ),
            );
            assert.equal(
                message,
                'workgroup "grafana" uses Athena\'s managed query results, but results ' +
                    "gives a bucket; set results to {managed: true}",
            );
        });
    });

    it("refuses inconsistent results settings in one line each, naming the key", async () => {
        const problems = async (results: unknown, region?: string) =>
            configProblems(SOURCE_DIR, {
                set: { [key("results")]: results, ...(region ? { "aws:region": region } : {}) },
            });
        assert.deepEqual(await problems({ managed: false }), [
            `${key("results.managed")}: must be true for Athena's managed query results, got ` +
                `boolean false; for a results bucket leave managed out and give bucket`,
        ]);
        assert.deepEqual(await problems({ managed: true, bucket: RESULTS_BUCKET }), [
            `${key("results.bucket")}: is not a known setting (check the spelling against Pulumi.yaml)`,
        ]);
        const alias = await problems({
            managed: true,
            kmsKeyArn: `arn:aws:kms:${REGION}:${DATA_ACCOUNT}:alias/x`,
        });
        assert.equal(alias.length, 1);
        assert.match(alias[0], /^grafana-athena-source:results\.kmsKeyArn: must be a KMS key ARN/);
        assert.deepEqual(await problems({ managed: true, kmsKeyArn: KMS_KEY.replace(REGION, "us-east-1") }), [
            `${key("results.kmsKeyArn")}: is a key of us-east-1, but aws:region is ${REGION}: ` +
                `Athena encrypts the workgroup's results with a key of its own region`,
        ]);
        assert.deepEqual(await problems("managed"), [
            `${key("results")}: must be an object {bucket, prefix?, create?, ` +
                `expirationDays?} or {managed: true, kmsKeyArn?}, got "managed"`,
        ]);
    });
});

describe("the contract's results mode", () => {
    const stack = "o/grafana-athena-source/s";
    const base = { ...sourceOutputs(DATA_ACCOUNT), externalId: "x".repeat(48) };

    it("an older source without resultsMode has a results bucket", () => {
        assert.equal(checkSourceOutputs(stack, base).resultsMode, undefined);
    });

    it("refuses managed results with an output location, or a results bucket without one, naming the output", () => {
        assert.throws(
            () => checkSourceOutputs(stack, { ...base, resultsMode: "managed" }),
            (e: Error) =>
                e.message ===
                `source stack "${stack}": output "outputLocation" is set, but resultsMode is ` +
                    `"managed": Athena refuses an output location in a workgroup with managed query ` +
                    `results; a source stack of this program exports none then`,
        );
        const { outputLocation, ...noLocation } = base;
        void outputLocation;
        for (const mode of [undefined, "bucket"]) {
            assert.throws(
                () => checkSourceOutputs(stack, { ...noLocation, resultsMode: mode }),
                /output "outputLocation" is missing: a source with a results bucket/,
            );
        }
        assert.throws(
            () => checkSourceOutputs(stack, { ...noLocation, resultsMode: "athena" }),
            (e: Error) =>
                e.message ===
                `source stack "${stack}": output "resultsMode" is "athena", not one of bucket, managed`,
        );
    });
});

describe("the workspace's data source and dashboards for a managed-results source", function () {
    this.timeout(120_000);

    it("a data source without an output location, and panels without result reuse", async () => {
        const source = await plan(SOURCE_DIR, { set: MANAGED });
        const workspace = await plan(WORKSPACE_DIR, {
            stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) },
        });
        const ds = oneOf(workspace, "grafana:oss/dataSource:DataSource");
        const json = JSON.parse(raw(workspace, ds.name).jsonDataEncoded);
        assert.ok(!("outputLocation" in json), JSON.stringify(Object.keys(json)));
        assert.equal(json.workgroup, WORKGROUP);
        const targets = byType(workspace, "grafana:oss/dashboard:Dashboard").flatMap((d) =>
            (
                JSON.parse(d.inputs.configJson as string).panels as {
                    targets?: { connectionArgs?: { resultReuseEnabled?: boolean } }[];
                }[]
            ).flatMap((p) => p.targets ?? []),
        );
        assert.ok(targets.length > 0);
        // Off in every query (the SDK's default connection arguments say false): managed results
        // do not support result reuse.
        for (const t of targets) assert.equal(t.connectionArgs?.resultReuseEnabled, false, JSON.stringify(t));
        // The example source (a results bucket) keeps both: an output location and result reuse.
        const bucket = await plan(WORKSPACE_DIR, {
            stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(await plan(SOURCE_DIR)) },
        });
        const bucketJson = JSON.parse(
            raw(bucket, oneOf(bucket, "grafana:oss/dataSource:DataSource").name).jsonDataEncoded,
        );
        assert.match(bucketJson.outputLocation, /^s3:\/\//);
        assert.match(
            byType(bucket, "grafana:oss/dashboard:Dashboard")
                .map((d) => d.inputs.configJson)
                .join(""),
            /"resultReuseEnabled":true/,
        );
    });
});

describe("the managed-results example (examples/managed-results)", function () {
    this.timeout(60_000);

    it("plans without a results bucket and without any S3 write for the role", async () => {
        const dir = path.join(REPO, "examples", "managed-results");
        const file = path.join(dir, "Pulumi.managed-results.yaml");
        assert.ok(fs.existsSync(file));
        const { config } = readStackConfig(readProject(SOURCE_DIR), file);
        const run = await planSource({ set: config });
        assert.deepEqual(
            run.plan.resources.filter((r) => r.type.startsWith("aws:s3/")),
            [],
            "no results bucket, created or referenced",
        );
        assert.equal(run.rawOutputs.resultsMode, "managed");
        const writes = accessPolicies(run)
            .flatMap((p) => p.Statement)
            .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
            .filter((a) => /^s3:(Put|Delete|Abort)/.test(String(a)));
        assert.deepEqual(writes, []);
    });
});

describe("dashboards of a managed-results source: no result reuse in any query", () => {
    const source: DashboardSource = {
        key: "organization/grafana-athena-source/sales",
        label: "Sales",
        dataSourceUid: "athena-sales",
        region: REGION,
        catalog: "AwsDataCatalog",
        database: "sales",
    };
    const variables = [{ name: "region", type: "query" as const, sql: "SELECT DISTINCT region FROM orders" }];
    /** The connection arguments of every panel query and query variable of a dashboard. */
    const queries = (json: any): { resultReuseEnabled: boolean }[] => [
        ...(json.panels as any[]).flatMap((p) => (p.targets ?? []).map((t: any) => t.connectionArgs)),
        ...(json.templating.list as any[])
            .filter((v) => v.type === "query")
            .map((v) => v.query.connectionArgs),
    ];
    const reuse = (json: unknown) => queries(json).map((q) => q.resultReuseEnabled);

    it("a source's dashboard: off with managed results, on without", () => {
        const options = { resultReuseMinutes: 60, variables };
        const managed = reuse(sourceDashboard({ ...source, managedResults: true }, options).json);
        assert.ok(managed.length >= 2);
        assert.deepEqual([...new Set(managed)], [false]);
        assert.deepEqual([...new Set(reuse(sourceDashboard(source, options).json))], [true]);
    });

    it("a fleet dashboard that may show a managed-results source: off on every row", () => {
        const options = { dataSourceNames: ["Sales"], resultReuseMinutes: 60, variables };
        assert.deepEqual(
            [...new Set(reuse(fleetDashboard({ ...options, managedResults: true }).json))],
            [false],
        );
        assert.deepEqual([...new Set(reuse(fleetDashboard(options).json))], [true]);
    });
});

describe("the root project with a managed-results source (both halves in one stack)", function () {
    this.timeout(120_000);

    it("plans no results bucket, and its data source names no output location", async () => {
        const run = await plan(ROOT_DIR, {
            set: { "grafana-athena:source": { ...ROOT_EXAMPLE.source, results: { managed: true } } },
        });
        assert.deepEqual(
            run.plan.resources.filter((r) => r.type.startsWith("aws:s3/")).map((r) => r.name),
            [],
        );
        const ds = oneOf(run, "grafana:oss/dataSource:DataSource");
        const json = JSON.parse(raw(run, ds.name).jsonDataEncoded);
        assert.ok(!("outputLocation" in json), JSON.stringify(Object.keys(json)));
        const configuration = oneOf(run, WORKGROUP_TYPE).inputs.configuration as Record<string, unknown>;
        assert.deepEqual(configuration.managedQueryResultsConfiguration, { enabled: true });
    });
});
