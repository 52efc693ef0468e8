/**
 * The policy pack on what other resources give a Grafana role (rules R1-R3): Lake Formation
 * permissions, KMS key policies and grants, S3 bucket policies and the Glue Data Catalog's policy.
 * Each is read for every grant whose principal may be the role, and must be as narrow as the
 * role's own policies must be. The IAM evaluator shows a bucket policy alone lets the role read.
 */
import assert from "node:assert/strict";
import { decide } from "../support/simulate";
import { Doc, R, ROLE, doc, messages, reported, role, stack } from "../support/handWrittenStack";

const READER = "arn:aws:iam::222233334444:role/reader";
const LF = "aws:lakeformation/permissions:Permissions";
const GRANTS = "grafana-role-resource-grants";
const lf = (inputs: Record<string, unknown>): R => [
    LF,
    "grant",
    {
        principal: READER,
        permissions: ["SELECT"],
        table: { databaseName: "sales", name: "orders" },
        ...inputs,
    },
];
const keyPolicy = (...statements: Doc[]): R => [
    "aws:kms/keyPolicy:KeyPolicy",
    "key-policy",
    { keyId: "k", policy: doc(...statements) },
];
const bucketPolicy = (...statements: Doc[]): R => [
    "aws:s3/bucketPolicy:BucketPolicy",
    "data-policy",
    { bucket: "sales-data", policy: doc(...statements) },
];
const lambda: R = [
    ROLE,
    "lambda",
    {
        name: "lambda",
        assumeRolePolicy: doc({
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
        }),
    },
];

describe("policy pack: what other resources grant a Grafana role", function () {
    this.timeout(60_000);

    it("Lake Formation: SELECT and DESCRIBE on named tables, or all tables of one named database, and nothing else", async () => {
        for (const inputs of [
            {},
            { permissions: ["DESCRIBE", "select"] },
            { table: { databaseName: "sales", wildcard: true } },
            {
                table: undefined,
                tableWithColumns: { databaseName: "sales", name: "orders", columnNames: ["id"] },
            },
            { table: undefined, database: { name: "sales" }, permissions: ["DESCRIBE"] },
        ])
            assert.deepEqual(await reported(stack(role(), lf(inputs))), [], JSON.stringify(inputs));
        const refused: [Record<string, unknown>, RegExp][] = [
            [{ permissions: ["ALL"] }, /grants ALL: more than SELECT and DESCRIBE/],
            [
                { table: undefined, database: { name: "sales" }, permissions: ["CREATE_TABLE"] },
                /CREATE_TABLE/,
            ],
            [{ permissions: ["SELECT", "INSERT", "DELETE", "DROP", "ALTER"] }, /INSERT, DELETE, DROP, ALTER/],
            [
                {
                    permissions: ["DATA_LOCATION_ACCESS"],
                    table: undefined,
                    dataLocation: { arn: "arn:aws:s3:::d" },
                },
                /DATA_LOCATION_ACCESS/,
            ],
            [{ permissionsWithGrantOptions: ["SELECT"] }, /grant option/],
            [{ table: undefined, catalogResource: true, permissions: ["DESCRIBE"] }, /whole Data Catalog/],
            // The provider reads a bool from its text ("true"), as it reads a stack file's value.
            [{ table: undefined, catalogResource: "true", permissions: ["DESCRIBE"] }, /whole Data Catalog/],
            [{ table: undefined, catalogResource: 1, permissions: ["DESCRIBE"] }, /whole Data Catalog/],
            [
                {
                    table: undefined,
                    lfTagPolicy: { resourceType: "TABLE", expressions: [{ key: "team", values: ["*"] }] },
                },
                /by lfTagPolicy \(tags, not table names\)/,
            ],
            [{ table: { databaseName: "*", wildcard: true } }, /not a named database/],
            [{ table: { databaseName: "sales", name: "ord*" } }, /not a named table/],
            [{ table: "sales.orders" }, /not a named database/],
            [{ permissions: [7] }, /more than SELECT and DESCRIBE/],
        ];
        for (const [inputs, why] of refused) {
            const plan = stack(role(), lf(inputs));
            assert.deepEqual(await reported(plan), [`${GRANTS} grant`], JSON.stringify(inputs));
            const [m] = await messages(plan, GRANTS);
            assert.match(m, /^Lake Formation permission to role reader /);
            assert.match(m, why);
        }
        // aws-native's shapes of the same grants.
        const native = (type: string, permissions: string[], resource: unknown): R => [
            `aws-native:lakeformation:${type}`,
            "native-grant",
            type === "PrincipalPermissions"
                ? {
                      principal: { dataLakePrincipalIdentifier: READER },
                      permissions,
                      permissionsWithGrantOption: [],
                      resource,
                  }
                : { dataLakePrincipal: { dataLakePrincipalIdentifier: READER }, permissions, resource },
        ];
        const wildcard = { table: { catalogId: "222233334444", databaseName: "sales", tableWildcard: {} } };
        assert.deepEqual(
            await reported(stack(role(), native("PrincipalPermissions", ["SELECT"], wildcard))),
            [],
        );
        for (const [type, permissions, resource] of [
            ["PrincipalPermissions", ["ALL"], wildcard],
            ["PrincipalPermissions", ["DESCRIBE"], { catalog: {} }],
            ["PrincipalPermissions", ["SELECT"], { lfTagPolicy: { resourceType: "TABLE", expression: [] } }],
            ["Permissions", ["SELECT"], { tableResource: { databaseName: "*", tableWildcard: {} } }],
            [
                "Permissions",
                ["DATA_LOCATION_ACCESS"],
                { dataLocationResource: { s3Resource: "arn:aws:s3:::d" } },
            ],
        ] as [string, string[], unknown][])
            assert.deepEqual(
                await reported(stack(role(), native(type, permissions, resource))),
                [`${GRANTS} native-grant`],
                `${type} ${JSON.stringify(resource)}`,
            );
        // The role named any way: by name, by URN, by its session; an unknown principal may be it.
        for (const principal of [
            "reader",
            "urn:pulumi:prod::billing::aws:iam/role:Role::reader",
            "arn:aws:sts::222233334444:assumed-role/reader/grafana",
            "arn:aws:iam::222233334444:role/*",
        ])
            assert.deepEqual(
                await reported(stack(role(), lf({ principal, permissions: ["ALL"] }))),
                [`${GRANTS} grant`],
                principal,
            );
        // Another role, an account, IAM_ALLOWED_PRINCIPALS, a role the pack does not judge: not this rule's.
        for (const principal of [
            "arn:aws:iam::222233334444:role/etl",
            "222233334444",
            "IAM_ALLOWED_PRINCIPALS",
        ])
            assert.deepEqual(
                await reported(stack(role(), lf({ principal, permissions: ["ALL"] }))),
                [],
                principal,
            );
        assert.deepEqual(
            await reported(
                stack(
                    lambda,
                    lf({ principal: "arn:aws:iam::222233334444:role/lambda", permissions: ["ALL"] }),
                ),
            ),
            [],
        );
    });

    it("Lake Formation settings: the role is no data lake administrator and has no default permissions", async () => {
        const settings = (inputs: Record<string, unknown>): R => [
            "aws:lakeformation/dataLakeSettings:DataLakeSettings",
            "settings",
            { admins: ["arn:aws:iam::222233334444:role/lake-admin"], ...inputs },
        ];
        const IAM_ONLY = [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }];
        assert.deepEqual(
            await reported(
                stack(
                    role(),
                    settings({
                        createDatabaseDefaultPermissions: IAM_ONLY,
                        createTableDefaultPermissions: IAM_ONLY,
                    }),
                ),
            ),
            [],
        );
        for (const [inputs, why] of [
            [{ admins: [READER] }, /make role reader a data lake administrator \(admins\)/],
            [
                { readOnlyAdmins: ["arn:aws:sts::222233334444:assumed-role/reader/s"] },
                /read-only data lake administrator/,
            ],
            [{ admins: ["arn:aws:iam::222233334444:role/*"] }, /data lake administrator/],
            [
                { createTableDefaultPermissions: [{ principal: READER, permissions: ["SELECT"] }] },
                /every table created later/,
            ],
            [
                { createDatabaseDefaultPermissions: [{ principal: "reader", permissions: ["ALL"] }] },
                /every database created later/,
            ],
        ] as [Record<string, unknown>, RegExp][]) {
            const plan = stack(role(), settings(inputs));
            assert.deepEqual(await reported(plan), [`${GRANTS} settings`], JSON.stringify(inputs));
            assert.match((await messages(plan, GRANTS))[0], why);
        }
    });

    it("KMS: a key policy statement or a grant may let the role decrypt, encrypt and describe, nothing more", async () => {
        const toReader = (Action: unknown, extra: Doc = {}) => ({
            Sid: "Reader",
            Effect: "Allow",
            Principal: { AWS: READER },
            Action,
            Resource: "*",
            ...extra,
        });
        const admin = {
            Sid: "Admin",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::222233334444:root" },
            Action: "kms:*",
            Resource: "*",
        };
        assert.deepEqual(
            await reported(
                stack(
                    role(),
                    keyPolicy(admin, toReader(["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"])),
                ),
            ),
            [],
        );
        for (const [statement, why] of [
            [toReader("kms:*"), /kms:CancelKeyDeletion|kms:CreateGrant/],
            [toReader(["kms:Decrypt", "kms:CreateGrant"]), /allows kms:CreateGrant: more than/],
            [toReader("kms:ReEncrypt*"), /kms:ReEncryptFrom/],
            [{ ...toReader("kms:PutKeyPolicy"), Principal: "*" }, /kms:PutKeyPolicy/],
            [{ ...toReader(undefined), NotAction: "kms:Decrypt" }, /NotAction/],
            [
                {
                    ...toReader("kms:ScheduleKeyDeletion"),
                    Principal: { AWS: "arn:aws:sts::222233334444:assumed-role/reader/s" },
                },
                /ScheduleKeyDeletion/,
            ],
        ] as [Doc, RegExp][]) {
            for (const plan of [
                stack(role(), keyPolicy(admin, statement)),
                stack(role(), ["aws:kms/key:Key", "key-policy", { policy: doc(admin, statement) }]),
                // A replica or an imported key has a key policy of its own.
                ...[
                    "aws:kms/replicaKey:ReplicaKey",
                    "aws:kms/externalKey:ExternalKey",
                    "aws:kms/replicaExternalKey:ReplicaExternalKey",
                ].map((type) => stack(role(), [type, "key-policy", { policy: doc(admin, statement) }])),
                stack(role(), [
                    "aws-native:kms:ReplicaKey",
                    "key-policy",
                    { primaryKeyArn: "k", keyPolicy: JSON.parse(doc(admin, statement)) },
                ]),
            ]) {
                assert.deepEqual(await reported(plan), [`${GRANTS} key-policy`], JSON.stringify(statement));
                assert.match((await messages(plan, GRANTS))[0], why);
            }
        }
        const grant = (operations: unknown, granteePrincipal = READER): R => [
            "aws:kms/grant:Grant",
            "grant",
            { keyId: "k", granteePrincipal, operations },
        ];
        assert.deepEqual(await reported(stack(role(), grant(["Decrypt", "GenerateDataKey"]))), []);
        for (const ops of [["Decrypt", "CreateGrant"], ["ReEncryptFrom"], ["RetireGrant"], [null]])
            assert.deepEqual(
                await reported(stack(role(), grant(ops))),
                [`${GRANTS} grant`],
                JSON.stringify(ops),
            );
        assert.deepEqual(
            await reported(stack(role(), grant(["CreateGrant"], "arn:aws:iam::222233334444:role/etl"))),
            [],
        );
    });

    it("S3 bucket and Glue catalog policies: a statement that may grant the role is judged as its own policies are", async () => {
        const toReader = (Action: unknown, Resource: unknown, Principal: unknown = { AWS: READER }) => ({
            Sid: "Reader",
            Effect: "Allow",
            Principal,
            Action,
            Resource,
        });
        const wide = toReader("s3:GetObject", "arn:aws:s3:::sales-data*/*");
        // The bucket policy alone lets the role read every bucket of that prefix it names.
        assert.equal(
            await decide({
                resourcePolicy: JSON.parse(doc(wide)),
                principal: "arn:aws:sts::222233334444:assumed-role/reader/grafana",
                action: "s3:GetObject",
                resource: "arn:aws:s3:::sales-data/hr/salaries.csv",
                resourceAccount: "222233334444",
                context: { "aws:PrincipalArn": READER },
            }),
            "Allowed",
        );
        assert.deepEqual(await reported(stack(role(), bucketPolicy(wide))), [
            "grafana-role-no-read-on-wildcard data-policy",
        ]);
        assert.match(
            (await messages(stack(role(), bucketPolicy(wide)), "grafana-role-no-read-on-wildcard"))[0],
            /^statement "Reader" of bucket policy of sales-data granting role reader allows s3:GetObject/,
        );
        const put = bucketPolicy(toReader("s3:PutObject", "arn:aws:s3:::sales-*/*", "*"));
        assert.deepEqual(await reported(stack(role(), put)), [
            "grafana-role-no-write-on-wildcard data-policy",
        ]);
        const not = bucketPolicy({
            ...toReader(undefined, "arn:aws:s3:::sales-data/*", { AWS: READER }),
            Action: undefined,
            NotAction: "s3:GetObject",
        });
        assert.ok((await reported(stack(role(), not))).includes("grafana-role-no-not-action data-policy"));
        assert.deepEqual(
            await reported(
                stack(
                    role(),
                    bucketPolicy(
                        toReader("s3:*", "arn:aws:s3:::sales-*", {
                            AWS: "arn:aws:sts::222233334444:assumed-role/reader/x",
                        }),
                    ),
                ),
            ),
            ["grafana-role-no-read-on-wildcard data-policy", "grafana-role-no-write-on-wildcard data-policy"],
        );
        // Named data, a Deny, another principal, the account root: nothing to report.
        assert.deepEqual(
            await reported(
                stack(
                    role(),
                    bucketPolicy(
                        toReader("s3:GetObject", "arn:aws:s3:::sales-data/warehouse/*"),
                        { ...toReader("s3:*", "arn:aws:s3:::sales-data/*", "*"), Effect: "Deny" },
                        toReader("s3:*", "arn:aws:s3:::sales-data/*", {
                            AWS: "arn:aws:iam::222233334444:root",
                        }),
                        toReader("s3:*", "arn:aws:s3:::sales-data/*", {
                            Service: "logging.s3.amazonaws.com",
                        }),
                    ),
                ),
            ),
            [],
        );
        const glue: R = [
            "aws:glue/resourcePolicy:ResourcePolicy",
            "catalog-policy",
            { policy: doc(toReader("glue:GetTable", "arn:aws:glue:eu-west-1:222233334444:table/*")) },
        ];
        assert.deepEqual(await reported(stack(role(), glue)), [
            "grafana-role-no-read-on-wildcard catalog-policy",
        ]);
        // A write on the data bucket's objects through the bucket policy: outside the results location (P6).
        const results: R = [
            "aws:athena/workgroup:Workgroup",
            "grafana",
            {
                name: "grafana",
                tags: { GrafanaDataSource: "true" },
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    resultConfiguration: { outputLocation: "s3://query-results/grafana/" },
                },
            },
        ];
        const overwrite = bucketPolicy(toReader("s3:PutObject", "arn:aws:s3:::sales-data/*"));
        assert.deepEqual(await reported(stack(role(), overwrite, results)), [
            "grafana-role-s3-writes-only-to-results data-policy",
        ]);
        assert.match(
            (await messages(stack(role(), overwrite, results), "grafana-role-s3-writes-only-to-results"))[0],
            /of bucket policy of sales-data granting role reader allows s3:PutObject/,
        );
        // An access point's policy grants as a bucket policy does (the bucket delegating to access
        // points), and so does an S3 on Outposts bucket's.
        const viaAccessPoint = toReader("s3:*", "arn:aws:s3:eu-west-1:222233334444:accesspoint/*");
        for (const [r, label] of [
            [
                [
                    "aws:s3/accessPoint:AccessPoint",
                    "ap",
                    { bucket: "sales-data", name: "sales", policy: doc(viaAccessPoint) },
                ],
                /access point policy of sales granting/,
            ],
            [
                [
                    "aws:s3control/accessPointPolicy:AccessPointPolicy",
                    "ap",
                    {
                        accessPointArn: "arn:aws:s3:eu-west-1:222233334444:accesspoint/sales",
                        policy: doc(viaAccessPoint),
                    },
                ],
                /access point policy of arn:aws:s3:eu-west-1:222233334444:accesspoint\/sales granting/,
            ],
            [
                [
                    "aws-native:s3:AccessPoint",
                    "ap",
                    { bucket: "sales-data", name: "sales", policy: JSON.parse(doc(viaAccessPoint)) },
                ],
                /access point policy of sales granting/,
            ],
            [
                [
                    "aws-native:s3:MultiRegionAccessPointPolicy",
                    "ap",
                    { mrapName: "sales", policy: JSON.parse(doc(viaAccessPoint)) },
                ],
                /Multi-Region Access Point policy of sales granting/,
            ],
            [
                [
                    "aws:s3control/bucketPolicy:BucketPolicy",
                    "ap",
                    {
                        bucket: "arn:aws:s3-outposts:eu-west-1:222233334444:outpost/op-1/bucket/sales",
                        policy: doc(toReader("s3-outposts:*", "*")),
                    },
                ],
                /bucket policy of arn:aws:s3-outposts:.* granting/,
            ],
        ] as [R, RegExp][]) {
            const found = await reported(stack(role(), r));
            assert.ok(found.includes("grafana-role-no-read-on-wildcard ap"), `${r[0]}: ${found.join(", ")}`);
            assert.match((await messages(stack(role(), r), "grafana-role-no-read-on-wildcard"))[0], label);
        }
        // Not a Grafana role: not judged.
        assert.deepEqual(
            await reported(
                stack(
                    lambda,
                    bucketPolicy(toReader("s3:*", "*", { AWS: "arn:aws:iam::222233334444:role/lambda" })),
                ),
            ),
            [],
        );
    });
});
