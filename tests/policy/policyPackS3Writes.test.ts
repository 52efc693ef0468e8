/**
 * The policy pack's bound on a Grafana role's S3 writes (grafana-role-s3-writes-only-to-results):
 * the program's roles pass, a managed-results role passes with no S3 write, and writes elsewhere
 * are refused however they are written.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluatePlans } from "../../policy/offline";
import { synthExamples } from "../../tools/plan/synth";
import { REPO } from "../support/program";
import { Doc, READ, doc, messages, reported, role, stack } from "../support/handWrittenStack";

const RULE = "grafana-role-s3-writes-only-to-results";
const WORKGROUP = "aws:athena/workgroup:Workgroup";
const TAGS = { GrafanaDataSource: "true" };
const bucketWorkgroup = (outputLocation: string) =>
    [
        WORKGROUP,
        "wg",
        { name: "grafana", tags: TAGS, configuration: { resultConfiguration: { outputLocation } } },
    ] as [string, string, Record<string, unknown>];
const managedWorkgroup = [
    WORKGROUP,
    "wg",
    { name: "grafana", tags: TAGS, configuration: { managedQueryResultsConfiguration: { enabled: true } } },
] as [string, string, Record<string, unknown>];
const withStatements = (...s: Doc[]) =>
    role({ inlinePolicies: [{ name: "access", policy: doc(READ, ...s) }] });
const write = (Resource: unknown, Action: unknown = "s3:PutObject"): Doc => ({
    Sid: "W",
    Effect: "Allow",
    Action,
    Resource,
});

describe("policy pack: a Grafana role's S3 writes", function () {
    this.timeout(120_000);

    it("passes every example plan, the managed-results source among them @stack-files", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "s3writes-"));
        try {
            const plans = await synthExamples(out, REPO);
            assert.ok(plans.some((p) => p.stack === "managed-results"));
            assert.deepEqual(
                (await evaluatePlans(plans)).filter((v) => v.policy === RULE),
                [],
            );
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("with managed query results: passes no S3 write, refuses any S3 write", async () => {
        assert.deepEqual(await messages(stack(managedWorkgroup, withStatements()), RULE), []);
        const found = await messages(
            stack(managedWorkgroup, withStatements(write("arn:aws:s3:::results-x/grafana/*"))),
            RULE,
        );
        assert.deepEqual(found, [
            'statement "W" of inline policy "access" of role reader allows s3:PutObject on "arn:aws:s3:::results-x/grafana/*": S3 writes outside no results location (the Grafana workgroups keep Athena\'s managed query results)',
        ]);
    });

    it("with a results bucket: passes writes under its output location, refuses them elsewhere however written", async () => {
        const wg = bucketWorkgroup("s3://results-x/grafana/");
        const ok = write("arn:aws:s3:::results-x/grafana/*", ["s3:PutObject", "s3:AbortMultipartUpload"]);
        assert.deepEqual(await messages(stack(wg, withStatements(ok)), RULE), []);
        const bad: Doc[] = [
            write("arn:aws:s3:::results-x/*"),
            write("arn:aws:s3:::results-x/gra*"),
            write("arn:aws:s3:::sales-data/warehouse/*"),
            write("arn:aws:s3:::results-x", "s3:PutBucketPolicy"),
            write("arn:aws:s3:::sales-data/warehouse/*", "S3:DELETEOBJECT"),
        ];
        for (const s of bad) {
            assert.equal(
                (await messages(stack(wg, withStatements(s)), RULE)).length,
                1,
                `not refused: ${JSON.stringify(s)}`,
            );
        }
        // On * or a wildcard ARN, or with NotResource, the pack's rules P3 and P4 refuse it already.
        for (const s of [
            write("*", "s3:Put*"),
            { Sid: "W", Effect: "Allow", NotAction: "s3:GetObject", Resource: "arn:aws:s3:::sales-data/*" },
            // s3:Put* holds actions whose ARN formats leave this open: a wildcard ARN for P3.
            write("arn:aws:s3:::sales-data/warehouse/*", "s3:Put*"),
            write("arn:aws:s3:::*/grafana/*"),
            {
                Sid: "W",
                Effect: "Allow",
                Action: "s3:PutObject",
                NotResource: "arn:aws:s3:::results-x/grafana/*",
            },
        ]) {
            const found = await reported(stack(wg, withStatements(s)));
            assert.ok(
                found.some((f) => /^grafana-role-no-(write-on-wildcard|not-action) /.test(f)),
                `${JSON.stringify(s)}: ${found.join("; ")}`,
            );
        }
        // A wildcard in a workgroup's output location opens nothing.
        assert.equal(
            (
                await messages(
                    stack(
                        bucketWorkgroup("s3://results-x/*/"),
                        withStatements(write("arn:aws:s3:::results-x/*/x")),
                    ),
                    RULE,
                )
            ).length,
            1,
        );
    });

    it("does not judge while the stack's tagged workgroups' settings are not in the plan (adopted, or none)", async () => {
        const plan = stack(managedWorkgroup, withStatements(write("arn:aws:s3:::results-x/grafana/*")));
        plan.resources[0].options.ignoreChanges = ["configuration"];
        assert.deepEqual(await messages(plan, RULE), []);
        assert.deepEqual(
            await messages(stack(withStatements(write("arn:aws:s3:::results-x/grafana/*"))), RULE),
            [],
        );
    });
});
