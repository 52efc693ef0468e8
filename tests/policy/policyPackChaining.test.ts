/**
 * The policy pack as an attacker tries it, a second round: a Grafana role that reaches further
 * through another role, a resource name the caller picks through a policy variable, the keys of
 * every bucket, and a trust pinned to a principal through a policy variable.
 */
import assert from "node:assert/strict";
import { ADMIN, Doc, READ, ROLE, doc, reported, role, stack } from "../support/handWrittenStack";

const withStatement = (s: Doc) => stack(role({ inlinePolicies: [{ name: "read", policy: doc(READ, s) }] }));

describe("policy pack against hand-written stacks: reaching further", function () {
    this.timeout(60_000);

    it("reports a Grafana role that may assume, pass or mint credentials of another role, on a named ARN too", async () => {
        for (const [action, resource] of [
            ["sts:AssumeRole", "arn:aws:iam::999988887777:role/Admin"],
            ["STS:assumerole*", "arn:aws:iam::999988887777:role/Admin"],
            ["iam:PassRole", "arn:aws:iam::111122223333:role/Admin"],
            ["iam:CreateAccessKey", "arn:aws:iam::111122223333:user/deployer"],
        ])
            assert.deepEqual(
                await reported(withStatement({ Effect: "Allow", Action: action, Resource: resource })),
                ["grafana-role-no-role-chaining reader"],
                action,
            );
    });

    it("reports a read on a resource named by a policy variable (the caller picks the name)", async () => {
        for (const resource of [
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:${aws:referer}",
            "arn:aws:s3:::${aws:referer}/data.csv",
        ])
            assert.deepEqual(
                await reported(
                    withStatement({
                        Effect: "Allow",
                        Action: ["secretsmanager:GetSecretValue", "s3:GetObject"],
                        Resource: resource,
                    }),
                ),
                ["grafana-role-no-read-on-wildcard reader"],
                resource,
            );
    });

    it("reports a List action with resource-level permissions on a wildcard ARN (the keys of every bucket)", async () => {
        assert.deepEqual(
            await reported(
                withStatement({ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::*" }),
            ),
            ["grafana-role-no-read-on-wildcard reader"],
        );
        // One bucket's keys stay allowed.
        assert.deepEqual(
            await reported(
                withStatement({
                    Effect: "Allow",
                    Action: "s3:ListBucket",
                    Resource: "arn:aws:s3:::sales-data",
                }),
            ),
            [],
        );
    });

    it("judges a role whose aws:PrincipalArn condition holds a policy variable", async () => {
        const trust = doc({
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::999988887777:root" },
            Action: "sts:AssumeRole",
            Condition: {
                ArnLike: { "aws:PrincipalArn": "arn:aws:iam::999988887777:role/${aws:PrincipalTag/r}" },
            },
        });
        const found = await reported(
            stack([ROLE, "r", { name: "r", assumeRolePolicy: trust, managedPolicyArns: [ADMIN] }]),
            { "grafana-trust-pins-workspace-role": { grafanaAccountIds: ["111122223333"] } },
        );
        assert.ok(found.includes("grafana-trust-pins-workspace-role r"), found.join(", "));
    });
});
