/** The policy builder refuses IAM policy variables it was not given, however they are written. */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { checkedPolicyText } from "../../../shared/iam/checked";
import {
    PolicyDocument,
    PolicyError,
    PolicyJson,
    PolicyStatement,
    StatementProps,
} from "../../../shared/iam/policy";
import { identityAllows } from "../../support/simulate";

describe("the policy builder refuses IAM policy variables it was not given", () => {
    const statement = (props: Partial<StatementProps>) => () =>
        new PolicyStatement({
            sid: "S3Read",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::b/data/*"],
            ...props,
        });

    it("in a Resource, a NotResource or a Condition value, however it is written", () => {
        for (const props of [
            { resources: ["arn:aws:s3:::b/${aws:username}/*"] },
            { resources: ["arn:aws:s3:::b/${aws:PrincipalTag/team}/*"] },
            { resources: ["arn:aws:s3:::b/${*}/*"] },
            { resources: ["arn:aws:s3:::b/${unclosed/*"] },
            { notResources: ["arn:aws:s3:::b/${aws:userid}/*"], resources: [] },
            { conditions: { StringLike: { "s3:prefix": ["${aws:username}/*"] } } },
        ] as Partial<StatementProps>[]) {
            assert.throws(
                statement(props),
                (e: Error) => e instanceof PolicyError && /would be an IAM policy variable/.test(e.message),
                JSON.stringify(props),
            );
        }
    });

    it("accepts a variable the statement declares, and plain values with braces that are not one", () => {
        assert.doesNotThrow(
            statement({
                resources: ["arn:aws:s3:::b/home/${aws:username}/*"],
                policyVariables: ["${aws:username}"],
            }),
        );
        assert.throws(
            statement({
                resources: ["arn:aws:s3:::b/home/${aws:userid}/*"],
                policyVariables: ["${aws:username}"],
            }),
            PolicyError,
        );
        assert.doesNotThrow(statement({ resources: ["arn:aws:s3:::b/{ACCOUNT_ID}/*"] }));
    });

    it("checks values that were Outputs once they are resolved, before the policy is sent", async () => {
        const doc = new PolicyDocument("p", "managed", [
            new PolicyStatement({
                sid: "S3Read",
                actions: ["s3:GetObject"],
                resources: [pulumi.output("arn:aws:s3:::b/x/*")],
            }),
        ]);
        const json: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/${aws:username}/*",
                },
            ],
        };
        await assert.rejects(
            checkedPolicyText(doc, json, "none"),
            /statement "S3Read": "\$\{aws:username\}" in a Resource or Condition value would be an IAM policy variable/,
        );
        await assert.doesNotReject(
            checkedPolicyText(
                doc,
                { ...json, Statement: [{ ...json.Statement[0], Resource: "arn:aws:s3:::b/x/*" }] },
                "none",
            ),
        );
    });

    it("is right to: the evaluator expands a variable per caller (one policy, each user's own prefix)", async () => {
        const variable: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "S3Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/${aws:username}/*",
                },
            ],
        };
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/alice",
                "s3:GetObject",
                "arn:aws:s3:::b/alice/x",
                { "aws:username": "alice" },
            ),
            true,
        );
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/bob",
                "s3:GetObject",
                "arn:aws:s3:::b/bob/x",
                { "aws:username": "bob" },
            ),
            true,
        );
        assert.equal(
            await identityAllows(
                variable,
                "arn:aws:iam::222233334444:user/bob",
                "s3:GetObject",
                "arn:aws:s3:::b/alice/x",
                { "aws:username": "bob" },
            ),
            false,
        );
    });
});
