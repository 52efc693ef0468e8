/**
 * The source role's policies as the builder renders them (shared/policies/sourceRole.ts): who may
 * assume the role and what it may do, evaluated by a real IAM evaluator.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PolicyJson } from "../../../shared/iam/policy";
import { POLICY_QUOTAS, policySize } from "../../../shared/iam/size";
import { validatePolicy } from "../../../shared/iam/validate";
import { sourceAccessPolicies, sourceTrustPolicy } from "../../../shared/policies/sourceRole";
import { decide, identityAllows, trustAllows } from "../../support/simulate";
import {
    A,
    B,
    WORKSPACE_ROLE,
    SOURCE_ROLE,
    SESSION,
    EXTERNAL_ID,
    accessArgs,
    only,
} from "../../support/policyArgs";

describe("sourceTrustPolicy (who may assume the source role)", () => {
    const trust = sourceTrustPolicy({
        grafanaAccountId: A,
        grafanaRoleArn: WORKSPACE_ROLE,
        externalId: EXTERNAL_ID,
        roleName: "R",
    }).toJSON();
    const cases: [string, string, Record<string, string>, boolean][] = [
        ["the workspace role with the external ID", WORKSPACE_ROLE, { "sts:ExternalId": EXTERNAL_ID }, true],
        ["the workspace role with a wrong external ID", WORKSPACE_ROLE, { "sts:ExternalId": "wrong" }, false],
        ["the workspace role without an external ID", WORKSPACE_ROLE, {}, false],
        [
            "another role of the Grafana account",
            `arn:aws:iam::${A}:role/SomeOtherRole`,
            { "sts:ExternalId": EXTERNAL_ID },
            false,
        ],
        [
            "a user of the Grafana account",
            `arn:aws:iam::${A}:user/alice`,
            { "sts:ExternalId": EXTERNAL_ID },
            false,
        ],
        [
            "the same role name in a third account",
            `arn:aws:iam::333344445555:role/service-role/AmazonGrafanaServiceRole-abc123`,
            { "sts:ExternalId": EXTERNAL_ID },
            false,
        ],
    ];
    for (const [what, principal, context, allowed] of cases) {
        it(`${allowed ? "allows" : "denies"} ${what}`, async () => {
            assert.equal(await trustAllows(trust, SOURCE_ROLE, principal, context), allowed);
        });
    }

    it("is valid for the IAM catalog and within the trust policy quota", async () => {
        assert.deepEqual(await validatePolicy(trust, "trust"), []);
        assert.ok(policySize(trust) < POLICY_QUOTAS.trust);
    });
});

describe("sourceAccessStatements (what the source role may do)", () => {
    const policy = only(sourceAccessPolicies(accessArgs));
    const wg = (name: string) => `arn:aws:athena:eu-west-1:${B}:workgroup/${name}`;
    const glue = (r: string) => `arn:aws:glue:eu-west-1:${B}:${r}`;
    const tagged = { "aws:ResourceTag/GrafanaDataSource": "true" };
    const cases: [string, string, string, Record<string, string | string[]>, boolean][] = [
        [
            "list the tables of the catalog",
            "athena:ListTableMetadata",
            `arn:aws:athena:eu-west-1:${B}:datacatalog/AwsDataCatalog`,
            {},
            true,
        ],
        [
            "list the tables of another catalog",
            "athena:ListTableMetadata",
            `arn:aws:athena:eu-west-1:${B}:datacatalog/federated`,
            {},
            false,
        ],
        ["list workgroups", "athena:ListWorkGroups", "*", {}, true],
        ["query through a tagged workgroup", "athena:StartQueryExecution", wg("grafana"), tagged, true],
        ["read results through a tagged workgroup", "athena:GetQueryResults", wg("grafana"), tagged, true],
        ["query through an untagged workgroup", "athena:StartQueryExecution", wg("primary"), {}, false],
        [
            "query through another workgroup, even tagged",
            "athena:StartQueryExecution",
            wg("finance"),
            tagged,
            false,
        ],
        [
            "query its own workgroup once the tag is gone",
            "athena:StartQueryExecution",
            wg("grafana"),
            {},
            false,
        ],
        [
            "query through a workgroup tagged false",
            "athena:StartQueryExecution",
            wg("primary"),
            { "aws:ResourceTag/GrafanaDataSource": "false" },
            false,
        ],
        [
            "query a workgroup of another account",
            "athena:StartQueryExecution",
            `arn:aws:athena:eu-west-1:999988887777:workgroup/grafana`,
            tagged,
            false,
        ],
        ["change a workgroup", "athena:UpdateWorkGroup", wg("grafana"), tagged, false],
        ["read a granted table", "glue:GetTable", glue("table/sales/orders"), {}, true],
        ["read the database", "glue:GetDatabase", glue("database/sales"), {}, true],
        ["read another table", "glue:GetTable", glue("table/sales/payroll"), {}, false],
        ["read another database", "glue:GetTable", glue("table/hr/orders"), {}, false],
        ["delete a granted table", "glue:DeleteTable", glue("table/sales/orders"), {}, false],
        [
            "read data under a data location",
            "s3:GetObject",
            "arn:aws:s3:::sales-data/warehouse/orders/dt=2024-01-01/part-0.parquet",
            {},
            true,
        ],
        [
            "read data outside the data locations",
            "s3:GetObject",
            "arn:aws:s3:::sales-data/secrets/key.csv",
            {},
            false,
        ],
        [
            "list a data location",
            "s3:ListBucket",
            "arn:aws:s3:::sales-data",
            { "s3:prefix": "warehouse/orders/" },
            true,
        ],
        [
            "list outside the data locations",
            "s3:ListBucket",
            "arn:aws:s3:::sales-data",
            { "s3:prefix": "secrets/" },
            false,
        ],
        [
            "list under a data location",
            "s3:ListBucket",
            "arn:aws:s3:::sales-data",
            { "s3:prefix": "warehouse/orders/dt=2024-01-01/" },
            true,
        ],
        [
            "list a sibling of a data location (orders_pii beside orders)",
            "s3:ListBucket",
            "arn:aws:s3:::sales-data",
            { "s3:prefix": "warehouse/orders_pii/" },
            false,
        ],
        [
            "list with the bare prefix, which also matches siblings",
            "s3:ListBucket",
            "arn:aws:s3:::sales-data",
            { "s3:prefix": "warehouse/orders" },
            false,
        ],
        [
            "write to the data bucket",
            "s3:PutObject",
            "arn:aws:s3:::sales-data/warehouse/orders/x.parquet",
            {},
            false,
        ],
        [
            "delete from the data bucket",
            "s3:DeleteObject",
            "arn:aws:s3:::sales-data/warehouse/orders/x.parquet",
            {},
            false,
        ],
        [
            "write a result under the results prefix",
            "s3:PutObject",
            "arn:aws:s3:::grafana-results/grafana/abc.csv",
            {},
            true,
        ],
        [
            "read a result under the results prefix",
            "s3:GetObject",
            "arn:aws:s3:::grafana-results/grafana/abc.csv",
            {},
            true,
        ],
        [
            "write outside the results prefix",
            "s3:PutObject",
            "arn:aws:s3:::grafana-results/other/abc.csv",
            {},
            false,
        ],
        ["delete the results bucket", "s3:DeleteBucket", "arn:aws:s3:::grafana-results", {}, false],
        [
            "decrypt with a KMS key it was not given",
            "kms:Decrypt",
            `arn:aws:kms:eu-west-1:${B}:key/11111111-2222-3333-4444-555555555555`,
            {},
            false,
        ],
        ["pass a role", "iam:PassRole", `arn:aws:iam::${B}:role/Admin`, {}, false],
    ];
    for (const [what, action, resource, context, allowed] of cases) {
        it(`${allowed ? "allows" : "denies"}: ${what}`, async () => {
            assert.equal(await identityAllows(policy, SESSION, action, resource, context), allowed);
        });
    }

    it('grants every table, and only that database, with tables: ["*"]', async () => {
        const all = only(sourceAccessPolicies({ ...accessArgs, tables: ["*"] }));
        assert.equal(
            await identityAllows(all, SESSION, "glue:GetTable", glue("table/sales/anything"), {}),
            true,
        );
        assert.equal(
            await identityAllows(all, SESSION, "glue:GetTable", glue("table/hr/anything"), {}),
            false,
        );
    });

    it("grants KMS only for the listed keys and only through S3 (or Glue for the catalog's key), and Lake Formation only when asked", async () => {
        const key = `arn:aws:kms:eu-west-1:${B}:key/11111111-2222-3333-4444-555555555555`;
        const catalogKey = `arn:aws:kms:eu-west-1:${B}:key/22222222-3333-4444-5555-666666666666`;
        const withKms = only(
            sourceAccessPolicies({
                ...accessArgs,
                kmsKeyArns: [key],
                catalogKmsKeyArn: catalogKey,
                lakeFormation: true,
            }),
        );
        // A KMS key also needs its key policy to delegate to IAM, as the default key policy does.
        const defaultKeyPolicy: PolicyJson = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "EnableIamPolicies",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${B}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
            ],
        };
        const kms = (action: string, resource: string, via?: string) =>
            decide({
                identityPolicies: [withKms],
                resourcePolicy: defaultKeyPolicy,
                principal: SESSION,
                action,
                resource,
                resourceAccount: B,
                context: via ? { "kms:ViaService": via } : {},
            });
        assert.equal(
            await kms("kms:Decrypt", key, "s3.eu-west-1.amazonaws.com"),
            "Allowed",
            "S3 decrypts data on the role's behalf",
        );
        assert.equal(
            await kms("kms:GenerateDataKey", key, "s3.eu-west-1.amazonaws.com"),
            "Allowed",
            "S3 writes SSE-KMS results",
        );
        assert.equal(
            await kms("kms:Decrypt", key),
            "ImplicitlyDenied",
            "a direct Decrypt with the role's credentials",
        );
        assert.equal(
            await kms("kms:Decrypt", key, "ec2.eu-west-1.amazonaws.com"),
            "ImplicitlyDenied",
            "through another service",
        );
        assert.equal(
            await kms("kms:Decrypt", key, "s3.us-east-1.amazonaws.com"),
            "ImplicitlyDenied",
            "through S3 in another region",
        );
        assert.equal(await kms("kms:Encrypt", key, "s3.eu-west-1.amazonaws.com"), "ImplicitlyDenied");
        assert.equal(
            await kms("kms:Decrypt", catalogKey, "glue.eu-west-1.amazonaws.com"),
            "Allowed",
            "Glue decrypts the catalog's metadata",
        );
        assert.equal(
            await kms("kms:Decrypt", catalogKey, "s3.eu-west-1.amazonaws.com"),
            "ImplicitlyDenied",
            "the catalog's key through S3",
        );
        assert.equal(await kms("kms:Decrypt", catalogKey), "ImplicitlyDenied");
        assert.equal(await identityAllows(withKms, SESSION, "lakeformation:GetDataAccess", "*", {}), true);
        assert.equal(await identityAllows(policy, SESSION, "lakeformation:GetDataAccess", "*", {}), false);
    });

    it("is valid for the IAM catalog, with no write action on *", async () => {
        assert.deepEqual(await validatePolicy(policy, "managed"), []);
    });

    it("renders an Output when the account ID is not known yet, with the same policy", async () => {
        const docs = sourceAccessPolicies({ ...accessArgs, accountId: pulumi.output(B) });
        const rendered = await new Promise<string>((resolve) => docs[0].render().apply((j) => resolve(j)));
        assert.equal(rendered, JSON.stringify(policy));
    });

    it("gives byte-identical JSON for the same inputs in any order", () => {
        const shuffled = only(
            sourceAccessPolicies({
                ...accessArgs,
                tables: ["customers", "orders"],
                dataLocations: [...accessArgs.dataLocations].reverse(),
            }),
        );
        assert.equal(JSON.stringify(shuffled), JSON.stringify(policy));
    });
});
