/**
 * The policy-builder library (shared/): what each of the design's policies allows and denies,
 * evaluated by a real IAM evaluator; the builder's refusals; determinism; size accounting.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyError, PolicyJson, PolicyStatement } from "../../../shared/iam/policy";
import {
    POLICY_QUOTAS,
    PolicyQuotaError,
    checkPolicySize,
    packManagedPolicies,
    policySize,
} from "../../../shared/iam/size";
import { validatePolicy } from "../../../shared/iam/validate";
import {
    sourceAccessPolicies,
    sourceAccessStatements,
    sourceTrustPolicy,
} from "../../../shared/policies/sourceRole";
import {
    assumeOrganizationRolesPolicy,
    assumeSourceRolesPolicy,
    checkAssumePolicySize,
    explicitModeCapacity,
} from "../../../shared/policies/workspaceRole";
import { parseS3Url } from "../../../shared/s3";
import { decide, identityAllows, trustAllows } from "../../support/simulate";

const A = "111122223333"; // Grafana account
const B = "222233334444"; // data account
const WORKSPACE_ROLE = `arn:aws:iam::${A}:role/service-role/AmazonGrafanaServiceRole-abc123`;
const SOURCE_ROLE = `arn:aws:iam::${B}:role/AmazonManagedGrafana-CrossAccountAthena`;
const SESSION = `arn:aws:sts::${B}:assumed-role/AmazonManagedGrafana-CrossAccountAthena/grafana`;
const EXTERNAL_ID = "Zt7yq2WcV9kR4mP8sN3xL6bH1dF5gJ0aQeUoIiYtRwEr";

const accessArgs = {
    policyName: "AthenaAccess",
    accountId: B,
    region: "eu-west-1",
    catalog: "AwsDataCatalog",
    database: "sales",
    workgroup: "grafana",
    tables: ["orders", "customers"],
    dataLocations: [
        parseS3Url("s3://sales-data/warehouse/orders/")!,
        parseS3Url("s3://sales-data/warehouse/customers")!,
    ],
    results: { bucket: "grafana-results", prefix: "grafana/" },
};

const only = (docs: PolicyDocument[]): PolicyJson => {
    assert.equal(docs.length, 1);
    return docs[0].toJSON();
};

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
            '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["x/*","y/*"]}}},' +
                '{"Sid":"B","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}',
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
