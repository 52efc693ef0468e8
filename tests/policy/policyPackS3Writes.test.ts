/**
 * The policy pack's bound on a Grafana role's S3 writes (grafana-role-s3-writes-only-to-results):
 * the program's roles pass, a managed-results role passes with no S3 write, and writes elsewhere
 * are refused however they are written.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { evaluatePlans, packConfigProblems } from "../../policy/offline";
import { POLICIES } from "../../policy/pack";
import { synth, synthExamples } from "../../tools/plan/synth";
import { REPO } from "../support/program";
import { Doc, READ, doc, messages, reported, role, stack, withGrafana } from "../support/handWrittenStack";

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

    it("this program's source stack adopting its workgroup passes with its results location in resultsLocations", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3writes-adopt-"));
        try {
            const example = fs.readFileSync(
                path.join(REPO, "infra-account-b", "Pulumi.example.yaml"),
                "utf8",
            );
            const adopting = example.replace(
                /(grafana-athena-source:workgroup:\n {4}name: grafana\n)/,
                "$1    create: false\n",
            );
            assert.notEqual(adopting, example);
            const configFile = path.join(dir, "Pulumi.adopt.yaml");
            fs.writeFileSync(configFile, adopting);
            const plan = await synth({
                projectDir: path.join(REPO, "infra-account-b"),
                stack: "adopt",
                configFile,
                refs: {},
            });
            assert.ok(plan.resources.some((r) => r.options.ignoreChanges.includes("configuration")));
            const without = (await evaluatePlans([plan])).filter((v) => v.policy === RULE);
            assert.equal(without.length, 1);
            assert.match(without[0].message, /resultsLocations/);
            const config = {
                [RULE]: { resultsLocations: ["s3://grafana-athena-query-results-222233334444/grafana/"] },
            };
            assert.deepEqual(
                (await evaluatePlans([plan], config)).filter((v) => v.policy === RULE),
                [],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("with managed query results: passes no S3 write, refuses any S3 write", async () => {
        assert.deepEqual(await messages(stack(managedWorkgroup, withStatements()), RULE), []);
        const found = await messages(
            stack(managedWorkgroup, withStatements(write("arn:aws:s3:::results-x/grafana/*"))),
            RULE,
        );
        assert.deepEqual(found, [
            'statement "W" of inline policy "access" of role reader allows s3:PutObject on ' +
                '"arn:aws:s3:::results-x/grafana/*": S3 writes outside no results location (the ' +
                "Grafana workgroups keep Athena's managed query results)",
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

    it("without a workgroup of the stack's own: refuses every S3 write, naming the resultsLocations setting", async () => {
        const found = await messages(stack(withStatements(write("arn:aws:s3:::some-data-bucket/*"))), RULE);
        assert.deepEqual(found, [
            'statement "W" of inline policy "access" of role reader allows ' +
                's3:PutObject on "arn:aws:s3:::some-data-bucket/*": ' +
                "S3 writes outside no results location (the stack configures no " +
                "workgroup tagged GrafanaDataSource of its own; " +
                "an adopted one's settings are not in the plan); if Athena writes Grafana's results there, " +
                "allow that location in the policy's resultsLocations setting",
        ]);
        // Reading and no write at all passes.
        assert.deepEqual(await messages(stack(withStatements()), RULE), []);
    });

    it("a decoy adopted workgroup never widens what a role may write, whatever its inputs show", async () => {
        const decoy = (ignoreChanges: string[], location = "s3://some-data-bucket/") => {
            const r = bucketWorkgroup(location);
            return { r: [r[0], "decoy", r[2]] as typeof r, ignoreChanges };
        };
        const data = write("arn:aws:s3:::some-data-bucket/*");
        for (const ignore of [
            ["configuration"],
            ["configuration.resultConfiguration.outputLocation"],
            ["configuration.resultConfiguration"],
            ["*"],
            ['["configuration"]'],
        ]) {
            const d = decoy(ignore);
            // Alone, beside a managed-results workgroup and beside a results bucket's workgroup.
            for (const others of [[], [managedWorkgroup], [bucketWorkgroup("s3://results-x/grafana/")]]) {
                const plan = stack(d.r, ...others, withStatements(data));
                plan.resources[0].options.ignoreChanges = d.ignoreChanges;
                const found = await messages(plan, RULE);
                assert.equal(
                    found.length,
                    1,
                    `${JSON.stringify(ignore)} ${others.length}: ${found.join("; ")}`,
                );
                assert.match(found[0], /"arn:aws:s3:::some-data-bucket\/\*"/);
            }
        }
    });

    it("writes under a location of the resultsLocations setting pass; elsewhere they are refused", async () => {
        const config = withGrafana({ [RULE]: { resultsLocations: ["s3://results-x/grafana/"] } });
        const adoptedWorkgroup = () => {
            const plan = stack(bucketWorkgroup("s3://some-data-bucket/"), withStatements(ok));
            plan.resources[0].options.ignoreChanges = ["configuration"];
            return plan;
        };
        const ok = write("arn:aws:s3:::results-x/grafana/*", ["s3:PutObject", "s3:AbortMultipartUpload"]);
        assert.deepEqual(await messages(stack(withStatements(ok)), RULE, config), []);
        assert.deepEqual(await messages(adoptedWorkgroup(), RULE, config), []);
        // The setting adds to an own workgroup's location.
        assert.deepEqual(
            await messages(stack(bucketWorkgroup("s3://results-y/"), withStatements(ok)), RULE, config),
            [],
        );
        // Without the setting, the same adopted stack is refused.
        assert.equal((await messages(adoptedWorkgroup(), RULE)).length, 1);
        for (const r of [
            "arn:aws:s3:::results-x/grafanax/x",
            "arn:aws:s3:::results-x/other/*",
            "arn:aws:s3:::results-x",
            "arn:aws:s3:::some-data-bucket/grafana/*",
        ]) {
            const found = await messages(stack(withStatements(write(r))), RULE, config);
            assert.equal(found.length, 1, r);
            assert.match(found[0], /outside the results locations s3:\/\/results-x\/grafana\/;/);
        }
        // A whole bucket, by the setting; a prefix without its "/" means the folder.
        const folder = withGrafana({ [RULE]: { resultsLocations: ["s3://results-x/grafana"] } });
        assert.equal(
            (await messages(stack(withStatements(write("arn:aws:s3:::results-x/grafanax/x"))), RULE, folder))
                .length,
            1,
        );
    });

    it("with managed query results, an adopted decoy and the setting elsewhere open nothing more", async () => {
        const config = withGrafana({ [RULE]: { resultsLocations: ["s3://results-x/grafana/"] } });
        const plan = stack(
            managedWorkgroup,
            bucketWorkgroup("s3://some-data-bucket/"),
            withStatements(write("arn:aws:s3:::some-data-bucket/x")),
        );
        plan.resources[1].options.ignoreChanges = ["configuration"];
        assert.equal((await messages(plan, RULE, config)).length, 1);
        assert.deepEqual(await messages(stack(managedWorkgroup, withStatements()), RULE, config), []);
    });

    it("counts no output location of a workgroup with managed query results: Athena writes none there", async () => {
        const both = (enabled: unknown) =>
            [
                WORKGROUP,
                "wg",
                {
                    name: "grafana",
                    tags: TAGS,
                    configuration: {
                        managedQueryResultsConfiguration: { enabled },
                        resultConfiguration: { outputLocation: "s3://some-data-bucket/" },
                    },
                },
            ] as [string, string, Record<string, unknown>];
        for (const enabled of [true, "true", 1]) {
            const found = await messages(
                stack(both(enabled), withStatements(write("arn:aws:s3:::some-data-bucket/x"))),
                RULE,
            );
            assert.equal(found.length, 1, `${String(enabled)}: ${found.join("\n")}`);
            assert.match(found[0], /S3 writes outside no results location \(the Grafana workgroups keep/);
        }
        assert.deepEqual(
            await messages(
                stack(both(false), withStatements(write("arn:aws:s3:::some-data-bucket/x"))),
                RULE,
            ),
            [],
        );
    });

    it("refuses a resultsLocations setting that is not a literal S3 location, in one line naming the key", () => {
        const problems = (v: unknown) => packConfigProblems({ [RULE]: { resultsLocations: v } as never });
        assert.deepEqual(problems(["s3://results-x/grafana/", "s3://results-y"]), []);
        for (const [v, why] of [
            ["s3://results-x/grafana/", /must be a list/],
            [["s3://*/grafana/"], /\[0\] must be an S3 location .*invalid bucket name/],
            [["s3://results-x/${aws:username}/"], /\[0\] must be an S3 location .*policy variables/],
            [["s3://results-x/gra*"], /wildcards/],
            [["arn:aws:s3:::results-x/*"], /not of the form/],
            [[42], /not a string/],
        ] as [unknown, RegExp][]) {
            const found = problems(v);
            assert.equal(found.length, 1, JSON.stringify(v));
            assert.match(found[0], new RegExp(`^${RULE}\\.resultsLocations`));
            assert.match(found[0], why);
            assert.ok(!found[0].includes("\n"));
        }
    });

    describe("under the engine (pulumi preview --policy-pack policy)", () => {
        // @pulumi/policy 1.21.0 hands props behind this proxy, with unknown values as its sentinels
        // (proxy.js).
        const proxy = require("@pulumi/policy/proxy") as {
            unknownCheckingProxy: (o: unknown) => Record<string, unknown>;
            unknownStringValue: string;
        };
        const policy = POLICIES.find((p) => p.name === RULE)!;
        async function report(resources: [string, string, Record<string, unknown>][], config = {}) {
            const out: string[] = [];
            const args = {
                resources: resources.map(([type, name, inputs]) => ({
                    type,
                    name,
                    urn: `urn:pulumi:prod::billing::${type}::${name}`,
                    props: proxy.unknownCheckingProxy(inputs),
                    opts: {},
                    dependencies: [],
                    propertyDependencies: {},
                })) as unknown as PolicyResource[],
                stackTags: new Map(),
                getConfig: () => config,
                notApplicable: () => undefined,
            } as unknown as StackValidationArgs;
            await policy.validateStack(args, (message) => out.push(message.split(". Fix: ")[0]));
            return out;
        }

        it("an output location unknown in a preview proves nothing: a known write elsewhere is refused", async () => {
            const wg = bucketWorkgroup(proxy.unknownStringValue);
            const found = await report([wg, withStatements(write("arn:aws:s3:::some-data-bucket/*"))]);
            assert.equal(found.length, 1);
            assert.match(
                found[0],
                /"arn:aws:s3:::some-data-bucket\/\*": S3 writes outside no results location/,
            );
            // A policy text unknown in the preview is judged when known.
            assert.deepEqual(
                await report([
                    wg,
                    role({ inlinePolicies: [{ name: "access", policy: proxy.unknownStringValue }] }),
                ]),
                [],
            );
        });

        it("reads resultsLocations from the pack's config, and fails the policy in one line on a bad one", async () => {
            const stackWrites = [withStatements(write("arn:aws:s3:::results-x/grafana/*"))];
            assert.equal((await report(stackWrites)).length, 1);
            assert.deepEqual(
                await report(stackWrites, { resultsLocations: ["s3://results-x/grafana/"] }),
                [],
            );
            const bad = await report(stackWrites, { resultsLocations: ["s3://results-x/*"] });
            assert.equal(bad.length, 1);
            assert.match(
                bad[0],
                /^the policy could not judge the stack: resultsLocations\[0\] must be an S3 location/,
            );
        });
    });
});
