/** The policy-builder library (shared/iam/): its refusals of contradictions, and size accounting. */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyError, PolicyStatement } from "../../../shared/iam/policy";
import { POLICY_QUOTAS, checkPolicySize, packManagedPolicies, policySize } from "../../../shared/iam/size";
import { sourceAccessPolicies, sourceAccessStatements } from "../../../shared/policies/sourceRole";
import { assumeSourceRolesPolicy } from "../../../shared/policies/workspaceRole";
import { A, B, SOURCE_ROLE, accessArgs } from "../../support/policyArgs";

describe("PolicyStatement and PolicyDocument refuse contradictions", () => {
    it("needs exactly one of actions and notActions", () => {
        assert.throws(
            () => new PolicyStatement({ sid: "X", resources: ["*"] }),
            /exactly one of actions or notActions/,
        );
        assert.throws(
            () =>
                new PolicyStatement({
                    sid: "X",
                    actions: ["s3:GetObject"],
                    notActions: ["s3:PutObject"],
                    resources: ["*"],
                }),
            /exactly one/,
        );
    });
    it("refuses resources with notResources, unknown operators and bad Sids", () => {
        assert.throws(
            () =>
                new PolicyStatement({
                    sid: "X",
                    actions: ["s3:GetObject"],
                    resources: ["a"],
                    notResources: ["b"],
                }),
            /mutually exclusive/,
        );
        assert.throws(
            () =>
                new PolicyStatement({
                    sid: "X",
                    actions: ["s3:GetObject"],
                    resources: ["*"],
                    conditions: { StringEqual: {} } as never,
                }),
            /unknown condition operator "StringEqual"/,
        );
        assert.throws(
            () => new PolicyStatement({ sid: "has space", actions: ["s3:GetObject"], resources: ["*"] }),
            /Sid/,
        );
    });
    it("keeps principals out of identity policies and requires them in trust policies", () => {
        const s = new PolicyStatement({
            sid: "X",
            actions: ["sts:AssumeRole"],
            principals: { AWS: [`arn:aws:iam::${A}:root`] },
        });
        assert.throws(() => new PolicyDocument("p", "inline", [s]), /identity policy has no principals/);
        const t = new PolicyStatement({ sid: "X", actions: ["sts:AssumeRole"], resources: ["*"] });
        assert.throws(() => new PolicyDocument("p", "trust", [t]), /needs a principal/);
    });
    it("is immutable", () => {
        const s = new PolicyStatement({
            sid: "X",
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::b/*"],
        });
        assert.throws(() => (s.actions as string[]).push("s3:PutObject"));
        assert.throws(() => ((s as unknown as { sid: string }).sid = "Y"));
    });
    it("renders canonical JSON: sorted, deduplicated, single values unwrapped", () => {
        const doc = new PolicyDocument("p", "inline", [
            new PolicyStatement({
                sid: "B",
                actions: ["s3:PutObject", "s3:GetObject", "s3:GetObject"],
                resources: ["arn:aws:s3:::b/*"],
            }),
            new PolicyStatement({
                sid: "A",
                actions: ["s3:ListBucket"],
                resources: ["arn:aws:s3:::b"],
                conditions: { StringLike: { "s3:prefix": ["y/*", "x/*"] } },
            }),
        ]);
        assert.equal(
            JSON.stringify(doc.toJSON()),
            '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:ListBucket",' +
                '"Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["x/*","y/*"]}}},' +
                '{"Sid":"B","Effect":"Allow","Action":["s3:GetObject","s3:' +
                'PutObject"],"Resource":"arn:aws:s3:::b/*"}]}',
        );
    });
    it("refuses toJSON() of a document holding an Output", () => {
        const doc = assumeSourceRolesPolicy([pulumi.output(SOURCE_ROLE)]);
        assert.throws(() => doc.toJSON(), PolicyError);
    });
});

describe("size accounting", () => {
    it("counts characters without whitespace", () => {
        assert.equal(policySize('{ "a" : "b c" }'), '{"a":"bc"}'.length);
    });
    it("refuses a policy over its quota, naming it, its size, the quota and the way out", () => {
        const big = assumeSourceRolesPolicy(
            Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/R`),
        ).toJSON();
        assert.throws(
            () => checkPolicySize("TrustMe", "trust", big, "Do less."),
            (e: Error) =>
                /"TrustMe"/.test(e.message) &&
                new RegExp(`${policySize(big)} characters`).test(e.message) &&
                /2048/.test(e.message) &&
                /Do less\./.test(e.message),
        );
    });
    it("splits a long table list into several managed policies, deterministically and without wildcards", () => {
        const tables = Array.from(
            { length: 150 },
            (_, i) => `fact_orders_region_${String(i).padStart(3, "0")}_daily`,
        );
        const docs = sourceAccessPolicies({ ...accessArgs, tables });
        assert.ok(docs.length > 1);
        for (const d of docs) assert.ok(policySize(d.toJSON()) <= POLICY_QUOTAS.managed);
        const granted = docs.flatMap((d) => d.toJSON().Statement.flatMap((s) => [s.Resource ?? []].flat()));
        for (const t of tables) assert.ok(granted.includes(`arn:aws:glue:eu-west-1:${B}:table/sales/${t}`));
        assert.ok(!granted.some((r) => r.endsWith("table/sales/*")));
        assert.equal(
            JSON.stringify(
                sourceAccessPolicies({ ...accessArgs, tables: [...tables].reverse() }).map((d) => d.toJSON()),
            ),
            JSON.stringify(docs.map((d) => d.toJSON())),
        );
    });
    it("refuses a statement set that cannot fit the managed policies a role may have", () => {
        const statements = sourceAccessStatements({
            ...accessArgs,
            tables: Array.from({ length: 3000 }, (_, i) => `t${i}_${"x".repeat(40)}`),
        });
        assert.throws(
            () => packManagedPolicies("Big", statements, 10, "List fewer tables."),
            /needs \d+ managed policies .* more than the 10 .* List fewer tables\./,
        );
    });
});
