import assert from "assert/strict";
import { PolicyJson } from "../../../shared/iam/policy";
import { SimulationInputError, decide, identityAllows, trustAllows } from "../../support/simulate";

const GRAFANA = "111111111111";
const DATA = "222222222222";
const OTHER = "333333333333";
const REGION = "eu-west-1";
const WORKSPACE_ROLE = `arn:aws:iam::${GRAFANA}:role/grafana-workspace`;
const SOURCE_ROLE = `arn:aws:iam::${DATA}:role/grafana-athena-source`;
const WORKGROUP = `arn:aws:athena:${REGION}:${DATA}:workgroup/grafana`;

const queryPolicy: PolicyJson = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "AthenaQueryTaggedWorkgroups",
            Effect: "Allow",
            Action: ["athena:GetQueryResults", "athena:StartQueryExecution"],
            Resource: `arn:aws:athena:${REGION}:${DATA}:workgroup/*`,
            Condition: { StringEquals: { "aws:ResourceTag/GrafanaDataSource": "true" } },
        },
        { Sid: "AthenaList", Effect: "Allow", Action: "athena:ListWorkGroups", Resource: "*" },
        {
            Sid: "NoPrimary",
            Effect: "Deny",
            Action: "athena:*",
            Resource: `arn:aws:athena:${REGION}:${DATA}:workgroup/primary`,
        },
    ],
};

/** The source role's trust policy, as shared/policies/sourceRole.ts writes it. */
const trustPolicy: PolicyJson = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "GrafanaWorkspaceAssumeRole",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${GRAFANA}:root` },
            Action: "sts:AssumeRole",
            Condition: {
                ArnEquals: { "aws:PrincipalArn": WORKSPACE_ROLE },
                StringEquals: { "sts:ExternalId": "ext-123" },
            },
        },
    ],
};

const tagged = { "aws:ResourceTag/GrafanaDataSource": "true" };

describe("simulate harness", function () {
    this.timeout(20_000);

    it("allows what the identity policy grants", async () => {
        assert.equal(
            await identityAllows(queryPolicy, SOURCE_ROLE, "athena:StartQueryExecution", WORKGROUP, tagged),
            true,
        );
        assert.equal(await identityAllows(queryPolicy, SOURCE_ROLE, "athena:ListWorkGroups", "*"), true);
        // A session of the role is evaluated like the role.
        const session = `arn:aws:sts::${DATA}:assumed-role/grafana-athena-source/grafana`;
        assert.equal(
            await identityAllows(queryPolicy, session, "athena:GetQueryResults", WORKGROUP, tagged),
            true,
        );
    });

    it("denies implicitly what nothing grants, explicitly what a Deny names", async () => {
        assert.equal(
            await decide({
                identityPolicies: [queryPolicy],
                principal: SOURCE_ROLE,
                action: "athena:DeleteWorkGroup",
                resource: WORKGROUP,
                resourceAccount: DATA,
                context: tagged,
            }),
            "ImplicitlyDenied",
        );
        assert.equal(
            await decide({
                identityPolicies: [queryPolicy],
                principal: SOURCE_ROLE,
                action: "athena:StartQueryExecution",
                resource: `arn:aws:athena:${REGION}:${DATA}:workgroup/primary`,
                resourceAccount: DATA,
                context: tagged,
            }),
            "ExplicitlyDenied",
        );
    });

    it("denies when a condition fails", async () => {
        assert.equal(
            await identityAllows(queryPolicy, SOURCE_ROLE, "athena:StartQueryExecution", WORKGROUP, {
                "aws:ResourceTag/GrafanaDataSource": "false",
            }),
            false,
        );
        assert.equal(
            await identityAllows(queryPolicy, SOURCE_ROLE, "athena:StartQueryExecution", WORKGROUP),
            false,
        );
    });

    it("decides cross-account trust by the trust policy (aws:PrincipalArn filled in)", async () => {
        const ext = { "sts:ExternalId": "ext-123" };
        assert.equal(await trustAllows(trustPolicy, SOURCE_ROLE, WORKSPACE_ROLE, ext), true);
        assert.equal(
            await trustAllows(
                trustPolicy,
                SOURCE_ROLE,
                `arn:aws:sts::${GRAFANA}:assumed-role/grafana-workspace/s1`,
                ext,
            ),
            true,
        );
        assert.equal(
            await trustAllows(trustPolicy, SOURCE_ROLE, WORKSPACE_ROLE, { "sts:ExternalId": "wrong" }),
            false,
        );
        assert.equal(await trustAllows(trustPolicy, SOURCE_ROLE, WORKSPACE_ROLE), false);
        assert.equal(
            await trustAllows(trustPolicy, SOURCE_ROLE, `arn:aws:iam::${GRAFANA}:role/someone-else`, ext),
            false,
        );
        assert.equal(
            await trustAllows(trustPolicy, SOURCE_ROLE, `arn:aws:iam::${OTHER}:role/grafana-workspace`, ext),
            false,
        );
        assert.equal(await trustAllows(trustPolicy, SOURCE_ROLE, "grafana.amazonaws.com", ext), false);
    });

    it("needs the caller's identity policy as well for a cross-account AssumeRole", async () => {
        const request = {
            resourcePolicy: trustPolicy,
            principal: WORKSPACE_ROLE,
            action: "sts:AssumeRole",
            resource: SOURCE_ROLE,
            resourceAccount: DATA,
            context: { "sts:ExternalId": "ext-123" },
        };
        assert.equal(await decide(request), "ImplicitlyDenied");
        const callerPolicy: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Assume",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: `arn:aws:iam::${DATA}:role/grafana-*`,
                },
            ],
        };
        assert.equal(await decide({ ...request, identityPolicies: [callerPolicy] }), "Allowed");
    });

    it("throws the simulator's validation errors instead of deciding", async () => {
        // Unknown action in the request.
        await assert.rejects(
            identityAllows(queryPolicy, SOURCE_ROLE, "athena:StartQuerry", WORKGROUP),
            (e: unknown) => e instanceof SimulationInputError && /invalid\.action/.test(e.message),
        );
        // A malformed policy.
        const broken = {
            Version: "2012-10-17",
            Statement: [{ Sid: "X", Effect: "Alow", Action: "athena:GetWorkGroup", Resource: WORKGROUP }],
        } as unknown as PolicyJson;
        await assert.rejects(
            identityAllows(broken, SOURCE_ROLE, "athena:GetWorkGroup", WORKGROUP),
            /Effect must be present and exactly "Allow" or "Deny"/,
        );
        // An ARN that is no resource type of the action; a wildcard-only action on an ARN.
        await assert.rejects(
            identityAllows(queryPolicy, SOURCE_ROLE, "athena:StartQueryExecution", "arn:aws:s3:::bucket"),
            /no\.resource\.types/,
        );
        await assert.rejects(
            identityAllows(queryPolicy, SOURCE_ROLE, "athena:ListWorkGroups", WORKGROUP),
            /must\.use\.wildcard/,
        );
    });

    it("throws on typos the simulator would silently treat as no match", async () => {
        // A context key that does not apply (misspelt): the simulator would drop it.
        await assert.rejects(
            trustAllows(trustPolicy, SOURCE_ROLE, WORKSPACE_ROLE, { "sts:ExternalIdd": "ext-123" }),
            /context key\(s\) sts:ExternalIdd do not apply/,
        );
        // Unknown action, operator and condition key inside a policy.
        const typos: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Typos",
                    Effect: "Allow",
                    Action: ["athena:StartQuerry", "athena:GetWorkGroup"],
                    Resource: WORKGROUP,
                    Condition: {
                        StringEqualz: { "aws:ResourceTag/GrafanaDataSource": "true" },
                        StringEquals: { "athena:Foo": "x" },
                    } as never,
                },
            ],
        };
        await assert.rejects(
            identityAllows(typos, SOURCE_ROLE, "athena:GetWorkGroup", WORKGROUP),
            (e: unknown) => {
                assert.ok(e instanceof SimulationInputError);
                assert.match(e.message, /unknown action "athena:StartQuerry"/);
                assert.match(e.message, /unknown condition operator "StringEqualz"/);
                assert.match(e.message, /unknown condition key "athena:Foo"/);
                return true;
            },
        );
        // S3 resource tags only exist for the simulator when the bucket has ABAC on.
        const s3: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Get",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/*",
                    Condition: { StringEquals: { "aws:ResourceTag/team": "bi" } },
                },
            ],
        };
        const request = {
            identityPolicies: [s3],
            principal: SOURCE_ROLE,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            resourceAccount: DATA,
            context: { "aws:ResourceTag/team": "bi" },
        };
        await assert.rejects(decide(request), /s3BucketAbac: true/);
        assert.equal(await decide({ ...request, s3BucketAbac: true }), "Allowed");
        // A principal that is not one.
        await assert.rejects(
            decide({ ...request, principal: "grafana-workspace" }),
            /neither an IAM\/STS ARN nor a service principal/,
        );
    });
});
