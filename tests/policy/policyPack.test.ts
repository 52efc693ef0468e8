/**
 * The policy pack (policy/): the example plans pass, each rule of the security model broken in a
 * plan is reported by policy, resource name and type with its fix, a hand-written role of another
 * stack is judged too, and the same policies run as @pulumi/policy stack policies (what
 * `pulumi preview --policy-pack policy` calls).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import type { Plan, PlanResource } from "../../tools/plan/format";
import { POLICIES } from "../../policy/pack";
import { RULES, grafanaRoles } from "../../policy/rules";
import { evaluatePlans, packConfigProblems, withGrafanaAccounts } from "../../policy/offline";
import { workspaceAccounts } from "../../shared/stackFiles";
import { policyMarkdown } from "../../policy/markdown";
import { main as policyCli } from "../../tools/ci/policy";
import { ROOT_DIR, plan } from "../support/program";
import { exampleRun } from "../support/sourcePlan";
import { PACK_CONFIG, withGrafana } from "../support/handWrittenStack";

const ROLE = "aws:iam/role:Role";
const clone = (p: Plan): Plan => JSON.parse(JSON.stringify(p));
const find = (p: Plan, type: string, name?: string): PlanResource => {
    const r = p.resources.find((x) => x.type === type && (name === undefined || x.name === name));
    assert.ok(r, `no ${type} ${name ?? ""} in the plan`);
    return r;
};
const editPolicy = (r: PlanResource, key: string, edit: (doc: any) => void) => {
    const doc = JSON.parse(r.inputs[key] as string);
    edit(doc);
    r.inputs[key] = JSON.stringify(doc);
};
const sourcePlan = async () => clone((await exampleRun()).plan);
let rootRun: ReturnType<typeof plan> | undefined;
const rootPlan = async () => clone((await (rootRun ??= plan(ROOT_DIR))).plan);

const only = async (p: Plan, config = {}) =>
    (await evaluatePlans([p], { ...PACK_CONFIG, ...config })).map(
        (v) => `${v.policy} ${v.resource} ${v.type}`,
    );

describe("policy pack", function () {
    this.timeout(60_000);

    it("has one mandatory policy per rule of the security model, each with a fix", () => {
        assert.deepEqual(
            POLICIES.map((p) => p.name),
            RULES.map((r) => r.name),
        );
        assert.equal(new Set(RULES.map((r) => r.name)).size, 13);
        for (const p of POLICIES) {
            assert.equal(p.enforcementLevel, "mandatory");
            assert.ok(p.remediationSteps && p.remediationSteps.length > 20);
        }
    });

    it("passes the example plans, and does judge their Grafana roles (not a vacuous pass)", async () => {
        const source = await sourcePlan();
        const root = await rootPlan();
        assert.deepEqual(await evaluatePlans([source, root], PACK_CONFIG), []);
        const view = (p: Plan) => p.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
        assert.deepEqual(
            grafanaRoles(view(source), {}).map((r) => r.role.name),
            ["grafana-athena-role"],
        );
        assert.deepEqual(
            grafanaRoles(view(root), {}).map((r) => r.role.name),
            ["source-role"],
        );
    });

    it("refuses a trust policy without an external ID, and one that lets the whole Grafana account in", async () => {
        const p = await sourcePlan();
        editPolicy(find(p, ROLE), "assumeRolePolicy", (d) => {
            delete d.Statement[0].Condition.StringEquals;
        });
        assert.deepEqual(await only(p), [`grafana-trust-requires-external-id grafana-athena-role ${ROLE}`]);
        editPolicy(find(p, ROLE), "assumeRolePolicy", (d) => {
            d.Statement[0].Condition = { StringEquals: { "sts:ExternalId": "[secret]" } };
        });
        // No aws:PrincipalArn: any principal of the Grafana account could assume it. (The tag still marks it
        // as Grafana's.)
        assert.deepEqual(await only(p), [`grafana-trust-pins-workspace-role grafana-athena-role ${ROLE}`]);
    });

    it("refuses a short external ID without echoing it", async () => {
        const p = await sourcePlan();
        editPolicy(find(p, ROLE), "assumeRolePolicy", (d) => {
            d.Statement[0].Condition.StringEquals["sts:ExternalId"] = "hunter2-short";
        });
        const v = await evaluatePlans([p], PACK_CONFIG);
        assert.deepEqual(
            v.map((x) => x.policy),
            ["grafana-trust-requires-external-id"],
        );
        assert.doesNotMatch(JSON.stringify(v), /hunter2/);
    });

    it("refuses a wildcard write grant on the role's policy, naming the policy resource", async () => {
        const p = await sourcePlan();
        editPolicy(find(p, "aws:iam/policy:Policy"), "policy", (d) => {
            d.Statement.push({ Sid: "Oops", Effect: "Allow", Action: "s3:PutObject", Resource: "*" });
        });
        const v = await evaluatePlans([p], PACK_CONFIG);
        assert.deepEqual(
            v.map((x) => `${x.policy} ${x.resource} ${x.type}`),
            ["grafana-role-no-write-on-wildcard grafana-athena-access aws:iam/policy:Policy"],
        );
        assert.match(v[0].message, /s3:PutObject/);
        assert.match(v[0].fix, /ARNs/);
    });

    it("refuses Athena queries beyond the tagged workgroup, a workgroup tag that is not exactly true, and a workgroup that does not enforce its settings", async () => {
        const p = await sourcePlan();
        editPolicy(find(p, "aws:iam/policy:Policy"), "policy", (d) => {
            const s = d.Statement.find((x: any) => x.Sid === "AthenaQueryWorkgroup");
            s.Resource = "*";
            delete s.Condition;
        });
        const wg = find(p, "aws:athena/workgroup:Workgroup");
        (wg.inputs.tags as Record<string, string>).GrafanaDataSource = "True";
        (wg.inputs.configuration as Record<string, unknown>).enforceWorkgroupConfiguration = false;
        const v = await evaluatePlans([p], PACK_CONFIG);
        assert.deepEqual(
            v.map((x) => `${x.policy} ${x.resource}`),
            [
                // StartQueryExecution and StopQueryExecution are Write actions in the IAM catalog: on "*"
                // they break that rule too.
                "grafana-role-no-write-on-wildcard grafana-athena-access",
                "grafana-athena-through-tagged-workgroup grafana-athena-access",
                "grafana-athena-through-tagged-workgroup grafana-athena-workgroup",
                "grafana-athena-through-tagged-workgroup grafana-athena-workgroup",
                // GetQueryExecution, GetQueryResults and GetWorkGroup are Read actions with resource-level
                // permissions.
                "grafana-role-no-read-on-wildcard grafana-athena-access",
            ],
        );
        assert.match(v[0].message, /athena:StartQueryExecution, athena:StopQueryExecution on "\*"/);
        assert.match(
            v[1].message,
            /beyond named workgroups and without StringEquals aws:ResourceTag\/GrafanaDataSource/,
        );
    });

    it("refuses an Athena results bucket without the TLS-only bucket policy", async () => {
        const p = await sourcePlan();
        editPolicy(find(p, "aws:s3/bucketPolicy:BucketPolicy"), "policy", (d) => {
            d.Statement[0].Condition.Bool["aws:SecureTransport"] = "true";
        });
        assert.deepEqual(await only(p), [
            "athena-results-bucket-tls-only grafana-athena-results aws:s3/bucket:Bucket",
        ]);
        p.resources = p.resources.filter((r) => r.type !== "aws:s3/bucketPolicy:BucketPolicy");
        assert.deepEqual(await only(p), [
            "athena-results-bucket-tls-only grafana-athena-results aws:s3/bucket:Bucket",
        ]);
    });

    it("refuses an untagged role that trusts the AMG workspace role", async () => {
        const p = await sourcePlan();
        delete (find(p, ROLE).inputs.tags as Record<string, string>).GrafanaDataSource;
        assert.deepEqual(await only(p), [`grafana-roles-tagged grafana-athena-role ${ROLE}`]);
    });

    it("judges a hand-written role of another project: by the workspace role it trusts, or by the Grafana account in the config", async () => {
        const handWritten: Plan = {
            project: "billing",
            stack: "prod",
            reads: [],
            outputs: {},
            secretOutputs: [],
            resources: [
                {
                    type: ROLE,
                    name: "grafana-reader",
                    parent: null,
                    provider: null,
                    options: {
                        protect: false,
                        retainOnDelete: false,
                        import: null,
                        dependsOn: [],
                        additionalSecretOutputs: [],
                        deleteBeforeReplace: false,
                        ignoreChanges: [],
                    },
                    inputs: {
                        name: "grafana-reader",
                        assumeRolePolicy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: {
                                Effect: "Allow",
                                Action: "sts:AssumeRole",
                                Principal: { AWS: "arn:aws:iam::999988887777:root" },
                            },
                        }),
                        inlinePolicies: [
                            {
                                name: "all",
                                policy: JSON.stringify({
                                    Version: "2012-10-17",
                                    Statement: [
                                        { Effect: "Allow", Action: ["athena:*", "s3:*"], Resource: "*" },
                                    ],
                                }),
                            },
                        ],
                    },
                },
            ],
        };
        // Nothing says it is Grafana's: not judged (the pack does not police every role of every stack).
        assert.deepEqual(await only(handWritten), []);
        const config = Object.fromEntries(
            RULES.map((r) => [r.name, { grafanaAccountIds: ["999988887777"] }]),
        );
        assert.deepEqual((await evaluatePlans([handWritten], config)).map((v) => v.policy).sort(), [
            "grafana-athena-through-tagged-workgroup",
            // athena:* and s3:* on "*": one finding per statement and kind (reads, writes).
            "grafana-role-no-read-on-wildcard",
            "grafana-role-no-write-on-wildcard",
            "grafana-roles-tagged",
            "grafana-trust-pins-workspace-role",
            "grafana-trust-requires-external-id",
        ]);
    });

    it("takes enforcement levels from the pack's config, and refuses a config that names no policy", async () => {
        const p = await sourcePlan();
        delete (find(p, ROLE).inputs.tags as Record<string, string>).GrafanaDataSource;
        assert.deepEqual(await only(p, { "grafana-roles-tagged": "disabled" }), []);
        assert.deepEqual(
            (await evaluatePlans([p], withGrafana({ "grafana-roles-tagged": "advisory" }))).map(
                (v) => v.level,
            ),
            ["advisory"],
        );
        assert.deepEqual(
            packConfigProblems({
                "grafana-role-tagged": "advisory",
                "grafana-roles-tagged": { enforcementLevel: "loud" },
            }),
            [
                `grafana-role-tagged: is not a policy of this pack (${RULES.map((r) => r.name).join(", ")})`,
                "grafana-roles-tagged.enforcementLevel: must be one of " +
                    "advisory, mandatory, disabled, remediate",
            ],
        );
    });

    describe("npm run policy", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
        // The pack's config as an organisation writes it: its Grafana account.
        const grafana = path.join(dir, "grafana.json");
        fs.writeFileSync(grafana, JSON.stringify(PACK_CONFIG));
        const run = async (...argv: string[]) => {
            let out = "";
            let err = "";
            const code = await policyCli(
                argv,
                (t) => (out += t),
                (t) => (err += t),
            );
            return { code, out, err };
        };

        it("prints one line per violation with the policy, resource name and type and the fix, and exits 1 on a mandatory one", async () => {
            const good = path.join(dir, "good.json");
            fs.writeFileSync(good, JSON.stringify((await exampleRun()).plan));
            assert.deepEqual(await run(good, "--config", grafana), {
                code: 0,
                out: "no violation in 1 plan\n",
                err: "",
            });
            const p = await sourcePlan();
            editPolicy(
                find(p, ROLE),
                "assumeRolePolicy",
                (d) => delete d.Statement[0].Condition.StringEquals,
            );
            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, JSON.stringify(p));
            const r = await run(good, bad, "--config", grafana);
            assert.equal(r.code, 1);
            assert.equal(
                r.out,
                `mandatory: grafana-trust-requires-external-id: grafana-athena-source/example: ` +
                    `grafana-athena-role (${ROLE}): trust statement "GrafanaWorkspaceAssumeRole" lets a ` +
                    `Grafana workspace role assume the role without an external ID. Fix: ${RULES[0].fix}\n`,
            );
            const json = await run(bad, "--json", "--config", grafana);
            assert.equal(json.code, 1);
            assert.deepEqual(
                JSON.parse(json.out).map((v: any) => [v.policy, v.resource, v.type, v.level]),
                [["grafana-trust-requires-external-id", "grafana-athena-role", ROLE, "mandatory"]],
            );
            // A folder is its *.json plans.
            const folder = fs.mkdtempSync(path.join(dir, "plans-"));
            fs.copyFileSync(good, path.join(folder, "a.json"));
            fs.copyFileSync(bad, path.join(folder, "b.json"));
            assert.equal((await run(folder, "--config", grafana)).out, r.out);
            const config = path.join(dir, "advisory.json");
            fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
            assert.equal((await run(bad, "--config", config)).code, 0);
        });

        it("--fleet: the Grafana accounts are the workspace stack files', for each policy whose config names none", async () => {
            const root = fs.mkdtempSync(path.join(dir, "checkout-"));
            const folder = path.join(root, "infra-account-a");
            fs.mkdirSync(folder);
            const file = (name: string, accounts: string) =>
                fs.writeFileSync(path.join(folder, name), `config:\n  aws:allowedAccountIds: ${accounts}\n`);
            file("Pulumi.prod.yaml", '["111122223333"]');
            file("Pulumi.eu.yaml", '["444455556666", "111122223333"]');
            file("Pulumi.example.yaml", '["999988887777"]');
            file("Pulumi.odd.yaml", '"not a list"');
            fs.writeFileSync(path.join(folder, "Pulumi.broken.yaml"), "config: [");
            assert.deepEqual(workspaceAccounts(root), ["111122223333", "444455556666"]);
            const config = withGrafanaAccounts(
                {
                    "grafana-roles-tagged": "advisory",
                    "grafana-trust-pins-workspace-role": { grafanaAccountIds: ["222233334444"] },
                },
                ["111122223333"],
            );
            assert.deepEqual(config["grafana-roles-tagged"], {
                enforcementLevel: "advisory",
                grafanaAccountIds: ["111122223333"],
            });
            assert.deepEqual(config["grafana-trust-pins-workspace-role"], {
                grafanaAccountIds: ["222233334444"],
            });
            assert.deepEqual(config["grafana-trust-requires-external-id"], {
                grafanaAccountIds: ["111122223333"],
            });
            // The example source's trust passes with them, and is refused without.
            const good = path.join(dir, "fleet-good.json");
            fs.writeFileSync(good, JSON.stringify((await exampleRun()).plan));
            const plans = [JSON.parse(fs.readFileSync(good, "utf8")) as Plan];
            assert.deepEqual(
                await evaluatePlans(plans, withGrafanaAccounts({}, workspaceAccounts(root))),
                [],
            );
            const none = await run(good);
            assert.equal(none.code, 1);
            assert.match(
                none.out,
                /grafana-trust-pins-workspace-role: .*name it in the pack's grafanaAccountIds/,
            );
        });

        it("writes the violations as an inert Markdown section", async () => {
            const p = await sourcePlan();
            const role = find(p, ROLE);
            role.name = "@octocat <img src=x>";
            delete (role.inputs.tags as Record<string, string>).GrafanaDataSource;
            const file = path.join(dir, "mention.json");
            fs.writeFileSync(file, JSON.stringify(p));
            const md = path.join(dir, "policy.md");
            assert.equal((await run(file, "--markdown", md, "--config", grafana)).code, 1);
            const text = fs.readFileSync(md, "utf8");
            assert.match(text, /^### Policy pack\n\n❌ 1 mandatory violation/);
            assert.match(
                text,
                /\| mandatory \| `grafana-roles-tagged` \| `grafana-athena-source\/example` \| `@octocat <img src=x>` \(`aws:iam\/role:Role`\)/,
            );
            // Outside code spans nothing mentions or renders.
            const outside = text.replace(/`[^`]*`/g, "");
            assert.doesNotMatch(outside, /@(?!\u200b)|<img/);
            assert.equal(
                policyMarkdown([], 3),
                "### Policy pack\n\n✅ No violation in 3 offline plans (`npm run policy`).\n",
            );
        });

        it("answers --help, and refuses no plan or an unknown flag with exit 2, an unreadable plan or config with exit 1", async () => {
            const help = await run("--help");
            assert.equal(help.code, 0);
            assert.match(help.out, /--markdown FILE/);
            assert.equal((await run()).code, 2);
            assert.equal((await run("x.json", "--bogus")).code, 2);
            const missing = await run(path.join(dir, "nope.json"));
            assert.equal(missing.code, 1);
            assert.match(missing.err, /nope\.json does not exist/);
            // Only regular files of a bounded size are read: a FIFO would block, /dev/zero would fill the
            // heap.
            const fifo = path.join(dir, "fifo.json");
            require("node:child_process").execFileSync("mkfifo", [fifo]);
            assert.deepEqual(await run(fifo), {
                code: 1,
                out: "",
                err: `${fifo} is a named pipe (FIFO), not a regular file\n`,
            });
            assert.deepEqual(await run("/dev/zero"), {
                code: 1,
                out: "",
                err: "/dev/zero is a device, not a regular file\n",
            });
            assert.deepEqual(await run(path.join(dir, "good.json"), "--config", fifo), {
                code: 1,
                out: "",
                err: `${fifo} is a named pipe (FIFO), not a regular file\n`,
            });
            const config = path.join(dir, "bad-config.json");
            fs.writeFileSync(config, JSON.stringify({ "no-such-policy": "advisory" }));
            const bad = await run(path.join(dir, "good.json"), "--config", config);
            assert.equal(bad.code, 1);
            assert.match(bad.err, /bad-config\.json: no-such-policy: is not a policy of this pack/);
        });
    });

    describe("as @pulumi/policy stack policies (pulumi preview --policy-pack policy)", () => {
        /**
         * A stack as the engine shows it to a pack: URNs, props, and the resources each property came from.
         */
        async function engineResources(edit: (p: Plan) => void): Promise<PolicyResource[]> {
            const p = await sourcePlan();
            edit(p);
            const byName = new Map<string, PolicyResource>();
            const resources = p.resources.map((r) => {
                const pr = {
                    type: r.type,
                    name: r.name,
                    urn: `urn:pulumi:example::grafana-athena-source::${r.type}::${r.name}`,
                    props: r.inputs,
                    opts: { ignoreChanges: r.options.ignoreChanges },
                    dependencies: [],
                    propertyDependencies: {},
                } as unknown as PolicyResource;
                byName.set(r.name, pr);
                return pr;
            });
            // In a first preview the policy's ARN is unknown (absent): the attachment names its policy by
            // dependency only.
            const attachment = resources.find(
                (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            )!;
            delete (attachment.props as Record<string, unknown>).policyArn;
            (attachment as { propertyDependencies: Record<string, PolicyResource[]> }).propertyDependencies =
                {
                    policyArn: [byName.get("grafana-athena-access")!],
                    role: [byName.get("grafana-athena-role")!],
                };
            return resources;
        }

        async function report(
            resources: PolicyResource[],
            policy: string,
            config: Record<string, unknown> = { grafanaAccountIds: ["111122223333"] },
        ): Promise<{ message: string; urn?: string }[]> {
            const reported: { message: string; urn?: string }[] = [];
            const args = {
                resources,
                stackTags: new Map(),
                getConfig: () => config,
                notApplicable: () => {
                    throw new Error("not applicable");
                },
            } as unknown as StackValidationArgs;
            await POLICIES.find((p) => p.name === policy)!.validateStack(args, (message, urn) =>
                reported.push({ message, urn }),
            );
            return reported;
        }

        it("report nothing on the example stack, and a wildcard write with the URN of the policy found through the engine's dependencies", async () => {
            for (const p of POLICIES)
                assert.deepEqual(await report(await engineResources(() => undefined), p.name), [], p.name);
            const resources = await engineResources((p) =>
                editPolicy(find(p, "aws:iam/policy:Policy"), "policy", (d) =>
                    d.Statement.push({
                        Sid: "Oops",
                        Effect: "Allow",
                        Action: "glue:DeleteTable",
                        Resource: "*",
                    }),
                ),
            );
            const reported = await report(resources, "grafana-role-no-write-on-wildcard");
            assert.equal(reported.length, 1);
            assert.equal(
                reported[0].urn,
                "urn:pulumi:example::grafana-athena-source::aws:iam/policy:Policy::grafana-athena-access",
            );
            assert.match(reported[0].message, /glue:DeleteTable.*Fix: /);
        });
    });
});
