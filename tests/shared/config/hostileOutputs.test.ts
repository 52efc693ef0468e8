/** Hostile source-stack outputs, refused by the contract check a workspace runs on each source. */
import assert from "node:assert/strict";
import { checkSourceOutputs } from "../../../shared/contract";

/** A source stack's outputs as the source program exports them (public values in clear). */
const OUTPUTS = {
    contractVersion: 1,
    accountId: "222233334444",
    region: "eu-west-1",
    roleArn: "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena",
    externalId: "x".repeat(48),
    catalog: "AwsDataCatalog",
    database: "sales",
    workgroup: "grafana",
    outputLocation: "s3://grafana-athena-query-results-222233334444/grafana/",
    label: "Sales",
};

describe("hostile source-stack outputs (the contract check)", () => {
    const refusedFor = (change: Record<string, unknown>): string => {
        try {
            checkSourceOutputs("organization/grafana-athena-source/x", { ...OUTPUTS, ...change });
        } catch (e) {
            return (e as Error).message;
        }
        return "";
    };

    it("accepts what the source program exports", () => assert.equal(refusedFor({}), ""));

    it('is strict about the type of every output: contractVersion true or "1" is not the number 1', () => {
        for (const v of [true, "1", " 1", [1]])
            assert.match(
                refusedFor({ contractVersion: v }),
                /output "contractVersion" is not a number/,
                JSON.stringify(v),
            );
        for (const name of [
            "accountId",
            "region",
            "roleArn",
            "catalog",
            "database",
            "workgroup",
            "outputLocation",
            "label",
        ]) {
            assert.match(
                refusedFor({ [name]: 42 }),
                new RegExp(`output "${name}" is not a non-empty string`),
                name,
            );
        }
    });

    it("refuses administrator and service roles, by name and by path", () => {
        for (const role of [
            "role/OrganizationAccountAccessRole",
            "role/stacksets-exec-1234",
            "role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
            "role/team/AWSAFTExecution",
            "role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x_1",
        ]) {
            assert.match(
                refusedFor({ roleArn: `arn:aws:iam::222233334444:${role}` }),
                /output "roleArn" names a role Grafana must never assume/,
                role,
            );
        }
    });

    it("refuses an output location read as more than it says, and invisible characters in the label", () => {
        for (const loc of [
            "s3://grafana-athena-query-results-222233334444//",
            "s3://b-results/${aws:username}/",
            "s3://b-results/a/../b/",
            "s3://b-results/a%2f/",
        ]) {
            assert.match(refusedFor({ outputLocation: loc }), /output "outputLocation"/, loc);
        }
        assert.match(
            refusedFor({ label: "Sales\u200b" }),
            /output "label" must not hold invisible characters/,
        );
        assert.match(refusedFor({ region: "eu-west-9" }), /output "region" is not an AWS region/);
        let deep: unknown = "Sales";
        for (let i = 0; i < 50_000; i++) deep = [deep];
        assert.match(
            refusedFor({ label: deep }),
            /output "label" nests lists or objects more than 16 levels deep/,
        );
    });
});
