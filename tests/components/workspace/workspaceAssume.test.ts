/** What the workspace role may assume, evaluated by the IAM simulator: each source's role, and no other. */
import assert from "node:assert/strict";
import type { PolicyJson } from "../../../shared/iam/policy";
import { WORKSPACE_DIR, refusal } from "../../support/program";
import { identityAllows } from "../../support/simulate";
import {
    GRAFANA_ACCOUNT,
    SOURCE_ROLE_NAME,
    assumePolicy,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";
import {
    WORKSPACE_ROLE_NAME,
    WORKSPACE_ROLE_ARN,
    WORLD,
    ORG_ID,
    TAGGED_ROLE,
    OTHER_ORG_ID,
    FOURTH_ACCOUNT,
    sales,
    analytics,
    finance,
    workspaceSources,
    cases,
    runs,
    caseVariant,
} from "../../support/workspaceCases";

describe("workspace program (infra-account-a) fed by real source plans", function () {
    this.timeout(120_000);

    before(() => workspaceSources());

    describe("the assume policy, evaluated by the IAM simulator", () => {
        let policy: PolicyJson;
        before(async () => {
            const three = cases[1];
            policy = assumePolicy(
                runs[three.title] ?? (await planWorkspace(three.sources(), caseVariant(three))),
            );
        });

        it("lets the workspace role assume each source role", async () => {
            for (const s of [sales, analytics, finance]) {
                assert.equal(
                    await identityAllows(
                        policy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        s.contract.roleArn,
                        TAGGED_ROLE,
                    ),
                    true,
                    s.contract.roleArn,
                );
                assert.equal(
                    await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", s.contract.roleArn),
                    false,
                    `${s.contract.roleArn} without the tag`,
                );
            }
            // A session of the workspace role, as Grafana uses it.
            const session = `arn:aws:sts::${GRAFANA_ACCOUNT}:assumed-role/${WORKSPACE_ROLE_NAME}/grafana`;
            assert.equal(
                await identityAllows(
                    policy,
                    session,
                    "sts:AssumeRole",
                    analytics.contract.roleArn,
                    TAGGED_ROLE,
                ),
                true,
            );
        });

        it("denies any other role: another name in a source account, the same name in a fourth account", async () => {
            for (const account of ["222233334444", "333344445555", "444455556666"]) {
                for (const name of ["OrganizationAccountAccessRole", `${SOURCE_ROLE_NAME}-admin`, "Admin"]) {
                    assert.equal(
                        await identityAllows(
                            policy,
                            WORKSPACE_ROLE_ARN,
                            "sts:AssumeRole",
                            `arn:aws:iam::${account}:role/${name}`,
                            TAGGED_ROLE,
                        ),
                        false,
                        `${account} ${name}`,
                    );
                }
            }
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "sts:AssumeRole",
                    `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`,
                    TAGGED_ROLE,
                ),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "sts:AssumeRole",
                    `arn:aws:iam::${GRAFANA_ACCOUNT}:role/${SOURCE_ROLE_NAME}`,
                    TAGGED_ROLE,
                ),
                false,
            );
        });

        it("grants nothing but sts:AssumeRole", async () => {
            const role = sales.contract.roleArn;
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRoleWithWebIdentity", role),
                false,
            );
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "sts:AssumeRoleWithSAML", role),
                false,
            );
            assert.equal(await identityAllows(policy, WORKSPACE_ROLE_ARN, "iam:PassRole", role), false);
            assert.equal(
                await identityAllows(policy, WORKSPACE_ROLE_ARN, "iam:UpdateAssumeRolePolicy", role),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "s3:GetObject",
                    "arn:aws:s3:::grafana-athena-query-results-222233334444/grafana/result.csv",
                ),
                false,
            );
            assert.equal(
                await identityAllows(
                    policy,
                    WORKSPACE_ROLE_ARN,
                    "athena:StartQueryExecution",
                    "arn:aws:athena:eu-west-1:222233334444:workgroup/grafana",
                ),
                false,
            );
            const actions = policy.Statement.flatMap((s: any) =>
                Array.isArray(s.Action) ? s.Action : [s.Action],
            );
            assert.deepEqual([...new Set(actions)], ["sts:AssumeRole"]);
            assert.ok(
                policy.Statement.every(
                    (s: any) =>
                        s.Effect === "Allow" && s.NotAction === undefined && s.NotResource === undefined,
                ),
            );
        });

        describe("organisation mode (sourceRoleName + organizationId)", () => {
            let orgPolicy: PolicyJson;
            before(async () => {
                const run = await planWorkspace([sales, analytics, finance], {
                    set: { [wsKey("sourceRoleName")]: SOURCE_ROLE_NAME, [wsKey("organizationId")]: ORG_ID },
                    world: WORLD,
                });
                orgPolicy = assumePolicy(run);
                assert.equal(orgPolicy.Statement.length, 1);
            });

            it("allows the role of that name in any account of the organisation", async () => {
                const inOrg = { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE };
                for (const s of [sales, analytics, finance]) {
                    assert.equal(
                        await identityAllows(
                            orgPolicy,
                            WORKSPACE_ROLE_ARN,
                            "sts:AssumeRole",
                            s.contract.roleArn,
                            inOrg,
                        ),
                        true,
                        s.contract.roleArn,
                    );
                }
                // A role of that name the source stacks did not create (no tag) is not assumable.
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        sales.contract.roleArn,
                        { "aws:ResourceOrgID": ORG_ID },
                    ),
                    false,
                );
                const newAccount = `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`;
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", newAccount, inOrg),
                    true,
                );
            });

            it("denies the same name outside the organisation, another name inside it, and other actions", async () => {
                const role = `arn:aws:iam::${FOURTH_ACCOUNT}:role/${SOURCE_ROLE_NAME}`;
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", role, {
                        "aws:ResourceOrgID": OTHER_ORG_ID,
                        ...TAGGED_ROLE,
                    }),
                    false,
                );
                assert.equal(
                    await identityAllows(orgPolicy, WORKSPACE_ROLE_ARN, "sts:AssumeRole", role),
                    false,
                    "no organisation at all",
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        "arn:aws:iam::222233334444:role/OrganizationAccountAccessRole",
                        { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE },
                    ),
                    false,
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "sts:AssumeRole",
                        `arn:aws:iam::222233334444:role/${SOURCE_ROLE_NAME}-admin`,
                        { "aws:ResourceOrgID": ORG_ID, ...TAGGED_ROLE },
                    ),
                    false,
                );
                assert.equal(
                    await identityAllows(
                        orgPolicy,
                        WORKSPACE_ROLE_ARN,
                        "iam:PassRole",
                        sales.contract.roleArn,
                        { "aws:ResourceOrgID": ORG_ID },
                    ),
                    false,
                );
            });

            it("refuses a source whose role has another name, naming it", async () => {
                const other = await planSource({
                    stack: "acme/grafana-athena-source/hr",
                    account: "555566667777",
                    workgroup: "hr",
                    label: "HR",
                    roleName: "GrafanaReader",
                });
                const message = await refusal(
                    WORKSPACE_DIR,
                    workspaceVariant([sales, other], {
                        set: {
                            [wsKey("sourceRoleName")]: SOURCE_ROLE_NAME,
                            [wsKey("organizationId")]: ORG_ID,
                        },
                        world: WORLD,
                    }),
                );
                assert.ok(message.includes(other.contract.roleArn), message);
                assert.ok(message.includes(`"${SOURCE_ROLE_NAME}"`), message);
                assert.ok(!message.includes(sales.contract.roleArn), message);
            });
        });
    });
});
