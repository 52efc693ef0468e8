/**
 * The workspace stack (infra-account-a, example config) with many generated source stacks
 * (tools/dev/bench.ts), planned by the real program under the mocks, its assume policy evaluated by
 * the IAM evaluator (tests/support/simulate.ts). The sizes here prove the behaviour; how time and
 * the dependency chain grow up to 500 sources is measured by `npm run bench` (BENCHMARKS.md).
 */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { POLICY_QUOTAS, policySize } from "../../../shared/iam/size";
import { assumeSourceRolesPolicy, explicitModeCapacity } from "../../../shared/policies/workspaceRole";
import { longestChain } from "../../../tools/dev/bench";
import {
    BENCH_ORGANIZATION_ID,
    BENCH_SOURCE_ROLE_NAME,
    benchAccountId,
    benchSourceRef,
    benchSourceRefs,
} from "../../../tools/dev/benchSources";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { WORKSPACE_EXAMPLE } from "../../support/examples";
import { WORKSPACE_DIR, Variant, byType, oneOf, plan, refusal, raw } from "../../support/program";
import { identityAllows } from "../../support/simulate";

const WS = "grafana-athena-workspace";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const GRAFANA_ACCOUNT = WORKSPACE_EXAMPLE.grafanaAccount;
const OTHER_ORGANIZATION = "o-otherorg0002";
/** The tag every source role carries, as the IAM evaluator sees it on the role being assumed. */
const TAGGED_ROLE = { "iam:ResourceTag/GrafanaDataSource": "true" };

/** The example workspace stack with the first `n` generated sources, explicit or organisation mode. */
function scaleVariant(n: number, mode: "explicit" | "organization", refs = benchSourceRefs(n)): Variant {
    return {
        set: {
            [`${WS}:sources`]: Object.keys(refs).map((stack) => ({ stack })),
            ...(mode === "organization"
                ? {
                      [`${WS}:sourceRoleName`]: BENCH_SOURCE_ROLE_NAME,
                      [`${WS}:organizationId`]: BENCH_ORGANIZATION_ID,
                  }
                : {}),
        },
        unset: mode === "explicit" ? [`${WS}:sourceRoleName`, `${WS}:organizationId`] : [],
        stackRefs: refs,
    };
}

const planScale = (n: number, mode: "explicit" | "organization") =>
    plan(WORKSPACE_DIR, scaleVariant(n, mode));
const roleArn = (i: number) => String(benchSourceRef(i).outputs.roleArn);

/** The workspace role's inline policy, and the workspace role (with its path) as the principal. */
function assumePolicy(run: RunResult): { policy: PolicyJson; json: string; principal: string } {
    const resource = oneOf(run, ROLE_POLICY);
    const inputs = raw(run, resource.name);
    const json = String(inputs.policy);
    return {
        policy: JSON.parse(json) as PolicyJson,
        json,
        principal: `arn:aws:iam::${GRAFANA_ACCOUNT}:role/service-role/${inputs.role}`,
    };
}

describe("scale: the workspace stack with many sources", function () {
    this.timeout(300_000);

    describe("explicit mode, 40 sources", () => {
        let run: RunResult;
        before(async () => {
            run = await planScale(40, "explicit");
        });

        it("lists every source role in one statement, within the inline quota", () => {
            const { policy, json } = assumePolicy(run);
            assert.equal(policy.Statement.length, 1);
            const resources = policy.Statement[0].Resource;
            assert.deepEqual(resources, Array.from({ length: 40 }, (_, k) => roleArn(k + 1)).sort());
            assert.ok(policySize(json) <= POLICY_QUOTAS.inline, `${policySize(json)} characters`);
        });

        it("lets the workspace role assume each of the 40 source roles (IAM evaluator)", async () => {
            const { policy, principal } = assumePolicy(run);
            for (let i = 1; i <= 40; i++) {
                assert.equal(
                    await identityAllows(policy, principal, "sts:AssumeRole", roleArn(i), TAGGED_ROLE),
                    true,
                    roleArn(i),
                );
            }
        });

        it("denies any other role: an unlisted account, another role name, a listed role's other actions", async () => {
            const { policy, principal } = assumePolicy(run);
            const denied: [string, string][] = [
                ["sts:AssumeRole", roleArn(41)],
                ["sts:AssumeRole", `arn:aws:iam::${benchAccountId(1)}:role/Admin`],
                ["sts:AssumeRole", `arn:aws:iam::${benchAccountId(20)}:role/other/${BENCH_SOURCE_ROLE_NAME}`],
                ["sts:AssumeRole", `arn:aws:iam::${GRAFANA_ACCOUNT}:role/${BENCH_SOURCE_ROLE_NAME}`],
                ["sts:TagSession", roleArn(1)],
                ["iam:PassRole", roleArn(1)],
            ];
            for (const [action, resource] of denied) {
                assert.equal(
                    await identityAllows(policy, principal, action, resource),
                    false,
                    `${action} ${resource}`,
                );
            }
        });
    });

    describe("explicit mode refuses before the inline quota is exceeded", () => {
        // Source roles with long paths (IAM allows 512 characters) tip the quota at a few dozen
        // sources instead of ~138, so the refusal goes through the real program quickly. Every
        // ARN has the same length: the capacity is exact for them.
        const longPath = `${"team-analytics-platform-".repeat(16)}`;
        const longRef = (i: number) => {
            const ref = benchSourceRef(i);
            return {
                ...ref,
                outputs: {
                    ...ref.outputs,
                    roleArn: `arn:aws:iam::${benchAccountId(i)}:role/${longPath}${BENCH_SOURCE_ROLE_NAME}`,
                },
            };
        };
        const longRefs = (n: number) =>
            Object.fromEntries(
                Object.entries(benchSourceRefs(n)).map(([stack], k) => [stack, longRef(k + 1)]),
            );
        const arnLength = String(longRef(1).outputs.roleArn).length;
        const capacity = explicitModeCapacity(arnLength);

        it("the capacity is where the policy tips over the quota", () => {
            const arns = (n: number) =>
                Array.from({ length: n }, (_, k) => String(longRef(k + 1).outputs.roleArn));
            assert.ok(capacity > 10 && capacity < 40, `capacity ${capacity}`);
            assert.ok(policySize(assumeSourceRolesPolicy(arns(capacity)).toJSON()) <= POLICY_QUOTAS.inline);
            assert.ok(
                policySize(assumeSourceRolesPolicy(arns(capacity + 1)).toJSON()) > POLICY_QUOTAS.inline,
            );
            // With the default role name and no path, about 138 sources fit.
            assert.ok(explicitModeCapacity(roleArn(1).length) > 130);
        });

        it(`plans as many sources as fit`, async () => {
            const run = await plan(WORKSPACE_DIR, scaleVariant(capacity, "explicit", longRefs(capacity)));
            const { json, policy } = assumePolicy(run);
            assert.equal(policy.Statement[0].Resource?.length, capacity);
            const size = policySize(json);
            assert.ok(
                size <= POLICY_QUOTAS.inline && size > POLICY_QUOTAS.inline - arnLength - 3,
                `${size} characters`,
            );
        });

        it("refuses one more, saying how many fit and naming organisation mode", async () => {
            const message = await refusal(
                WORKSPACE_DIR,
                scaleVariant(capacity + 1, "explicit", longRefs(capacity + 1)),
            );
            assert.match(message, /GrafanaAthenaAssumeSourceRoles/);
            assert.match(message, /10240-character quota/);
            assert.ok(
                message.includes(`It lists ${capacity + 1} source roles; about ${capacity} fit.`),
                message,
            );
            assert.match(message, /sourceRoleName and organizationId/);
        });
    });

    describe("organisation mode, 1 and 120 sources", () => {
        let one: RunResult;
        let many: RunResult;
        before(async () => {
            one = await planScale(1, "organization");
            many = await planScale(120, "organization");
        });

        it("plans all 120 sources: a data source, a health check and a dashboard each", () => {
            assert.equal(byType(many, "grafana:oss/dataSource:DataSource").length, 120);
            assert.equal(byType(many, "pulumi-nodejs:dynamic:Resource").length, 120);
            assert.equal(byType(many, DASHBOARD).length, 122, "and the home and fleet dashboards");
        });

        it("has the same assume policy, of the same size, for 1 and for 120 sources", () => {
            const a = assumePolicy(one);
            const b = assumePolicy(many);
            assert.equal(b.json, a.json);
            assert.equal(policySize(b.json), policySize(a.json));
            assert.ok(policySize(a.json) < 1_000, `${policySize(a.json)} characters`);
        });

        it("has the same longest dependency chain for 1 and for 120 sources", () => {
            assert.equal(longestChain(many.plan.resources), longestChain(one.plan.resources));
        });

        it("keeps dependencies per source: no resource depends on every source's stack reference", () => {
            const dataSources = byType(many, "grafana:oss/dataSource:DataSource");
            for (const ds of dataSources)
                assert.ok(
                    ds.options.dependsOn.length <= 3,
                    `${ds.name}: ${ds.options.dependsOn.length} dependencies`,
                );
        });

        it("lets the workspace role assume a source role of the organisation (IAM evaluator)", async () => {
            const { policy, principal } = assumePolicy(many);
            for (const i of [1, 17, 59, 120]) {
                assert.equal(
                    await identityAllows(policy, principal, "sts:AssumeRole", roleArn(i), {
                        "aws:ResourceOrgID": BENCH_ORGANIZATION_ID,
                        ...TAGGED_ROLE,
                    }),
                    true,
                    roleArn(i),
                );
            }
            // Any account of the organisation, listed as a source or not.
            assert.equal(
                await identityAllows(policy, principal, "sts:AssumeRole", roleArn(9999), {
                    "aws:ResourceOrgID": BENCH_ORGANIZATION_ID,
                    ...TAGGED_ROLE,
                }),
                true,
            );
        });

        it("denies a same-named role outside the organisation, another role name inside it, and other actions", async () => {
            const { policy, principal } = assumePolicy(many);
            const inOrg = { "aws:ResourceOrgID": BENCH_ORGANIZATION_ID, ...TAGGED_ROLE };
            assert.equal(
                await identityAllows(policy, principal, "sts:AssumeRole", roleArn(1), {
                    "aws:ResourceOrgID": OTHER_ORGANIZATION,
                    ...TAGGED_ROLE,
                }),
                false,
            );
            assert.equal(
                await identityAllows(policy, principal, "sts:AssumeRole", roleArn(1)),
                false,
                "no organisation at all",
            );
            assert.equal(
                await identityAllows(
                    policy,
                    principal,
                    "sts:AssumeRole",
                    `arn:aws:iam::${benchAccountId(1)}:role/Admin`,
                    inOrg,
                ),
                false,
            );
            assert.equal(await identityAllows(policy, principal, "sts:TagSession", roleArn(1), inOrg), false);
        });

        it("readable at scale: 120 source dashboards and one home dashboard that links all of them, under 1 MB", () => {
            const dashboards = byType(many, DASHBOARD).map((d) => ({
                name: d.name,
                json: String(raw(many, d.name).configJson),
            }));
            const home = dashboards.filter((d) => d.name === "grafana-athena-dashboard-home");
            const sources = dashboards.filter(
                (d) =>
                    d.name !== "grafana-athena-dashboard-home" && d.name !== "grafana-athena-dashboard-fleet",
            );
            assert.equal(home.length, 1);
            assert.equal(sources.length, 120);
            const uids = new Set(sources.map((d) => (JSON.parse(d.json) as { uid: string }).uid));
            assert.equal(uids.size, 120);

            const homeJson = home[0].json;
            const linked = new Set([...homeJson.matchAll(/\]\(\/d\/([A-Za-z0-9_-]+)\)/g)].map((m) => m[1]));
            assert.deepEqual([...linked].sort(), [...uids].sort());
            assert.ok(
                Buffer.byteLength(homeJson, "utf8") < 1024 * 1024,
                `${Buffer.byteLength(homeJson, "utf8")} bytes`,
            );
        });
    });
});
