/**
 * Who may assume the source role: the workspace role (and its sessions) with the external ID, and no one
 * else.
 */
import assert from "node:assert/strict";
import { PolicyJson } from "../../../shared/iam/policy";
import type { RunResult } from "../../../tools/plan/mock/runtime";
import { trustAllows } from "../../support/simulate";
import {
    DATA_ACCOUNT,
    GRAFANA_ACCOUNT,
    ROLE_ARN,
    WORKSPACE_ROLE_ARN,
    exampleRun,
    trustPolicy,
} from "../../support/sourcePlan";

describe("source role policies (planned by infra-account-b), evaluated", function () {
    this.timeout(60_000);
    let example: RunResult;
    before(async () => {
        example = await exampleRun();
    });

    describe("trust policy", () => {
        let trust: PolicyJson;
        let externalId: string;
        before(() => {
            trust = trustPolicy(example);
            externalId = example.rawOutputs.externalId as string;
        });

        it("lets the workspace role assume the source role with the external ID", async () => {
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, { "sts:ExternalId": externalId }),
                true,
            );
        });

        it("lets a session of the workspace role (how AMG calls) assume it with the external ID", async () => {
            // AWS sets aws:PrincipalArn of a role session to the role's ARN, path included.
            const session =
                `arn:aws:sts::${GRAFANA_ACCOUNT}:assumed-role/` +
                `AmazonGrafanaServiceRole-ba0ee73bc/grafana`;
            assert.equal(
                await trustAllows(trust, ROLE_ARN, session, {
                    "sts:ExternalId": externalId,
                    "aws:PrincipalArn": WORKSPACE_ROLE_ARN,
                }),
                true,
            );
        });

        it("refuses a wrong or missing external ID", async () => {
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, {
                    "sts:ExternalId": "not-the-external-id",
                }),
                false,
            );
            assert.equal(
                await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN, {
                    "sts:ExternalId": externalId.slice(0, -1),
                }),
                false,
            );
            assert.equal(await trustAllows(trust, ROLE_ARN, WORKSPACE_ROLE_ARN), false);
        });

        it("refuses any other principal of the Grafana account, even with the external ID", async () => {
            for (const other of [
                `arn:aws:iam::${GRAFANA_ACCOUNT}:role/SomeOtherRole`,
                // same name, no path: another role
                `arn:aws:iam::${GRAFANA_ACCOUNT}:role/AmazonGrafanaServiceRole-ba0ee73bc`,
                `arn:aws:iam::${GRAFANA_ACCOUNT}:user/alice`,
                `arn:aws:iam::${GRAFANA_ACCOUNT}:root`,
            ]) {
                assert.equal(
                    await trustAllows(trust, ROLE_ARN, other, { "sts:ExternalId": externalId }),
                    false,
                    other,
                );
            }
        });

        it("refuses principals of other accounts, even with the external ID", async () => {
            for (const other of [
                `arn:aws:iam::444455556666:role/service-role/AmazonGrafanaServiceRole-ba0ee73bc`,
                `arn:aws:iam::${DATA_ACCOUNT}:role/SomeRoleInTheDataAccount`,
            ]) {
                assert.equal(
                    await trustAllows(trust, ROLE_ARN, other, { "sts:ExternalId": externalId }),
                    false,
                    other,
                );
            }
            assert.equal(
                await trustAllows(trust, ROLE_ARN, "grafana.amazonaws.com", { "sts:ExternalId": externalId }),
                false,
                "the Grafana service itself",
            );
        });
    });
});
