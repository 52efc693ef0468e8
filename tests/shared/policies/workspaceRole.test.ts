/**
 * What the workspace role may assume (shared/policies/workspaceRole.ts), evaluated by a real IAM evaluator.
 */
import assert from "node:assert/strict";
import { POLICY_QUOTAS, PolicyQuotaError } from "../../../shared/iam/size";
import { validatePolicy } from "../../../shared/iam/validate";
import {
    assumeOrganizationRolesPolicy,
    assumeSourceRolesPolicy,
    checkAssumePolicySize,
    explicitModeCapacity,
} from "../../../shared/policies/workspaceRole";
import { identityAllows } from "../../support/simulate";
import { B, WORKSPACE_ROLE, SOURCE_ROLE } from "../../support/policyArgs";

describe("assume policies (what the workspace role may assume)", () => {
    const roles = [SOURCE_ROLE, `arn:aws:iam::333344445555:role/AmazonManagedGrafana-CrossAccountAthena`];
    const explicit = assumeSourceRolesPolicy(roles).toJSON();

    const tagged = { "iam:ResourceTag/GrafanaDataSource": "true" };

    it("allows assuming exactly the listed source roles, while they carry the tag", async () => {
        for (const role of roles)
            assert.equal(
                await identityAllows(explicit, WORKSPACE_ROLE, "sts:AssumeRole", role, tagged),
                true,
            );
        assert.equal(
            await identityAllows(explicit, WORKSPACE_ROLE, "sts:AssumeRole", SOURCE_ROLE, {}),
            false,
            "a listed role without the tag",
        );
        assert.equal(
            await identityAllows(explicit, WORKSPACE_ROLE, "sts:AssumeRole", SOURCE_ROLE, {
                "iam:ResourceTag/GrafanaDataSource": "false",
            }),
            false,
        );
        assert.equal(
            await identityAllows(
                explicit,
                WORKSPACE_ROLE,
                "sts:AssumeRole",
                `arn:aws:iam::${B}:role/Admin`,
                tagged,
            ),
            false,
        );
        assert.equal(
            await identityAllows(
                explicit,
                WORKSPACE_ROLE,
                "sts:AssumeRole",
                `arn:aws:iam::444455556666:role/AmazonManagedGrafana-CrossAccountAthena`,
                tagged,
            ),
            false,
        );
    });

    it("grants nothing but sts:AssumeRole", async () => {
        assert.equal(
            await identityAllows(explicit, WORKSPACE_ROLE, "sts:TagSession", SOURCE_ROLE, {}),
            false,
        );
        assert.equal(await identityAllows(explicit, WORKSPACE_ROLE, "iam:PassRole", SOURCE_ROLE, {}), false);
        assert.equal(
            await identityAllows(explicit, WORKSPACE_ROLE, "s3:GetObject", "arn:aws:s3:::sales-data/x", {}),
            false,
        );
    });

    it("organisation mode allows the named role in the organisation only", async () => {
        const org = assumeOrganizationRolesPolicy(
            "AmazonManagedGrafana-CrossAccountAthena",
            "o-abcdefghij",
        ).toJSON();
        const inOrg = { "aws:ResourceOrgID": "o-abcdefghij", ...tagged };
        assert.equal(await identityAllows(org, WORKSPACE_ROLE, "sts:AssumeRole", SOURCE_ROLE, inOrg), true);
        assert.equal(
            await identityAllows(org, WORKSPACE_ROLE, "sts:AssumeRole", SOURCE_ROLE, {
                "aws:ResourceOrgID": "o-abcdefghij",
            }),
            false,
            "a role of that name without the tag",
        );
        assert.equal(
            await identityAllows(org, WORKSPACE_ROLE, "sts:AssumeRole", SOURCE_ROLE, {
                "aws:ResourceOrgID": "o-zzzzzzzzzz",
                ...tagged,
            }),
            false,
        );
        assert.equal(
            await identityAllows(
                org,
                WORKSPACE_ROLE,
                "sts:AssumeRole",
                `arn:aws:iam::${B}:role/Admin`,
                inOrg,
            ),
            false,
        );
        assert.deepEqual(await validatePolicy(org, "inline"), []);
    });

    it("refuses an explicit list over the inline quota, saying how many fit and the way out", () => {
        const arn = (i: number) =>
            `arn:aws:iam::${String(100000000000 + i)}:role/AmazonManagedGrafana-CrossAccountAthena`;
        const fit = explicitModeCapacity(arn(0).length);
        const ok = assumeSourceRolesPolicy(Array.from({ length: fit }, (_, i) => arn(i))).toJSON();
        assert.ok(checkAssumePolicySize(JSON.stringify(ok), fit, arn(0).length) <= POLICY_QUOTAS.inline);
        const over = assumeSourceRolesPolicy(Array.from({ length: fit + 1 }, (_, i) => arn(i))).toJSON();
        assert.throws(
            () => checkAssumePolicySize(JSON.stringify(over), fit + 1, arn(0).length),
            (e: Error) =>
                e instanceof PolicyQuotaError &&
                /10240-character quota/.test(e.message) &&
                e.message.includes(`about ${fit} fit`) &&
                /organizationId/.test(e.message),
        );
    });
});
