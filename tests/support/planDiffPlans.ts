/**
 * Hand-made plans for the plan diff's tests: a source and a workspace plan in the plan format,
 * with the policy statements and dashboard panels each test changes.
 */
import type { Plan, PlanResource } from "../../tools/plan/mock/runtime";

// ---------------------------------------------------------------------------------------------
// Hand-made plans

export function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: Partial<PlanResource["options"]> = {},
): PlanResource {
    return {
        type,
        name,
        parent: null,
        provider: null,
        inputs,
        options: {
            protect: false,
            retainOnDelete: false,
            import: null,
            dependsOn: [],
            additionalSecretOutputs: [],
            deleteBeforeReplace: false,
            ignoreChanges: [],
            ...options,
        },
    };
}
export interface Stmt {
    Sid: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: unknown;
}
function accessPolicy(statements: Stmt[]): PlanResource {
    return resource("aws:iam/policy:Policy", "grafana-athena-access", {
        name: "grafana-athena-access",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    });
}
export const BASE_STATEMENTS: Stmt[] = [
    {
        Sid: "AthenaRead",
        Effect: "Allow",
        Action: ["athena:GetQueryResults", "athena:StartQueryExecution"],
        Resource: "arn:aws:athena:eu-west-1:222233334444:workgroup/grafana",
    },
    {
        Sid: "S3DataRead",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: ["arn:aws:s3:::data-bucket/orders/*"],
    },
];
export function sourcePlan(
    statements: Stmt[] = BASE_STATEMENTS,
    bucketOptions: Partial<PlanResource["options"]> = { retainOnDelete: true },
): Plan {
    return {
        project: "grafana-athena-source",
        stack: "example",
        resources: [
            resource("grafana-athena:source:AthenaSourceAccess", "grafana-athena", {}),
            accessPolicy(statements),
            resource(
                "aws:s3/bucket:Bucket",
                "grafana-athena-results",
                { bucket: "results-222233334444", tags: { Team: "data" } },
                bucketOptions,
            ),
            resource("aws:iam/role:Role", "grafana-athena-role", {
                name: "AmazonManagedGrafana-CrossAccountAthena",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "GrafanaWorkspaceAssumeRole",
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::111122223333:root" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "sts:ExternalId": "[secret]" } },
                        },
                    ],
                }),
            }),
        ],
        reads: [],
        outputs: { accountId: "222233334444", externalId: "[secret]" },
        secretOutputs: ["externalId"],
    };
}
export interface PanelSpec {
    title: string;
    type: string;
    sql: string;
}
function dashboardJson(panels: PanelSpec[]): string {
    return JSON.stringify({
        title: "Sales",
        uid: "athena-0123456789abcdef0123",
        schemaVersion: 39,
        panels: panels.map((p, i) => ({
            id: i + 1,
            type: p.type,
            title: p.title,
            gridPos: { x: 8 * i, y: 0, w: 8, h: 8 },
            targets: [
                {
                    refId: "A",
                    format: 1,
                    rawSQL: p.sql,
                    connectionArgs: { region: "eu-west-1", database: "sales" },
                },
            ],
        })),
    });
}
export const BASE_PANELS: PanelSpec[] = [
    {
        title: "Orders per day",
        type: "barchart",
        sql: "SELECT day, count(*) AS orders\nFROM orders\nGROUP BY day\nORDER BY day",
    },
    { title: "Tables", type: "stat", sql: "SELECT count(*) FROM information_schema.tables" },
];
export function workspacePlan(panels: PanelSpec[] = BASE_PANELS): Plan {
    return {
        project: "grafana-athena-workspace",
        stack: "example",
        resources: [
            resource("grafana:oss/dashboard:Dashboard", "grafana-athena-dashboard-sales", {
                configJson: dashboardJson(panels),
                folder: "f1",
            }),
            resource("grafana:oss/dataSource:DataSource", "grafana-athena-datasource-sales", {
                name: "Sales",
                type: "grafana-athena-datasource",
                jsonDataEncoded: JSON.stringify({
                    assumeRoleArn: "arn:aws:iam::222233334444:role/AmazonManagedGrafana-CrossAccountAthena",
                    defaultRegion: "eu-west-1",
                }),
            }),
        ],
        reads: [
            {
                type: "pulumi:pulumi:StackReference",
                name: "source-sales",
                id: "acme/grafana-athena-source/sales",
                parent: null,
            },
        ],
        outputs: {},
        secretOutputs: [],
    };
}
export function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}
export function plans(source: Plan, workspace: Plan): Record<string, Plan> {
    return { "infra-account-b.example.json": source, "infra-account-a.example.json": workspace };
}
/** The body of every ```diff block, in order. */
export function diffBlocks(markdown: string): string[] {
    return [...markdown.matchAll(/^```diff\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}
