/**
 * The root project `grafana-athena` (both halves in one stack) plans what the two
 * projects plan together for the same settings, with the same IAM policies, one AWS provider per
 * account, and the same config rules under full paths.
 */
import assert from "node:assert/strict";
import type { PlanResource, RunResult } from "../tools/plan/mock/runtime";
import {
    EXAMPLE_SOURCE_STACK,
    ROOT_DIR,
    SOURCE_DIR,
    WORKSPACE_DIR,
    byType,
    configProblems,
    oneOf,
    plan,
    raw,
    refusal,
    sourceRef,
} from "./support/program";
import { ROOT_EXAMPLE } from "./support/examples";
import { rootVariant } from "./support/rootVariant";

const SOURCE_COMPONENT = "grafana-athena:source:AthenaSourceAccess";
const WORKSPACE_COMPONENT = "grafana-athena:workspace:AthenaWorkspace";
const AWS_PROVIDER = "pulumi:providers:aws";
const DATA_ACCOUNT = String(ROOT_EXAMPLE.source.accountId);
const GRAFANA_ACCOUNT = String(ROOT_EXAMPLE.workspace.accountId);
const EXTERNAL_ID = "{EXTERNAL_ID}";

const isManaged = (r: PlanResource) =>
    !r.type.startsWith("pulumi:providers:") && !r.type.startsWith("grafana-athena:");

/** Resource count by type, providers and components left out. */
function typeCounts(resources: readonly PlanResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of resources.filter(isManaged)) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort());
}

/** A provider input as the plan holds it: Pulumi sends provider inputs as JSON text. */
function providerInput(p: PlanResource, key: string): unknown {
    const v = p.inputs[key];
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}

function awsProviderFor(run: RunResult, account: string): PlanResource {
    const found = byType(run, AWS_PROVIDER).filter(
        (p) => JSON.stringify(providerInput(p, "allowedAccountIds")) === JSON.stringify([account]),
    );
    assert.equal(found.length, 1, `expected one AWS provider for ${account}`);
    return found[0];
}

/** The policy JSON of the one resource of `type`, from the clear inputs. */
function policyText(run: RunResult, type: string, input: string): string {
    return String(raw(run, oneOf(run, type).name)[input]);
}

/** `namespace:path: message` -> [key, message]. */
function splitProblem(line: string): [string, string] {
    const i = line.indexOf(": ");
    return [line.slice(0, i), line.slice(i + 2)];
}

function messageFor(problems: string[], key: string): string {
    const found = problems.map(splitProblem).filter(([k]) => k === key);
    assert.equal(found.length, 1, `expected one problem for ${key}:\n${problems.join("\n")}`);
    return found[0][1];
}

describe("root project (grafana-athena): both halves in one stack", function () {
    this.timeout(120_000);

    let root: RunResult;
    let source: RunResult;
    let workspace: RunResult;
    before(async () => {
        root = await plan(ROOT_DIR);
        source = await plan(SOURCE_DIR);
        workspace = await plan(WORKSPACE_DIR, { stackRefs: { [EXAMPLE_SOURCE_STACK]: sourceRef(source) } });
    });

    it("plans the same resources, by type, as the source and workspace projects together", () => {
        assert.equal(root.plan.project, "grafana-athena");
        const both = typeCounts([...source.plan.resources, ...workspace.plan.resources]);
        assert.deepEqual(typeCounts(root.plan.resources), both);
        assert.deepEqual(new Set(Object.keys(typeCounts(root.plan.resources))), new Set(Object.keys(both)));
        assert.equal(byType(root, SOURCE_COMPONENT).length, 1);
        assert.equal(byType(root, WORKSPACE_COMPONENT).length, 1);
    });

    it("plans the source side with the source project's inputs (the examples hold the same settings)", () => {
        const sourceSide = source.plan.resources.filter(isManaged);
        for (const r of sourceSide) {
            const twin = byType(root, r.type);
            assert.equal(twin.length, 1, r.type);
            assert.deepEqual(twin[0].inputs, r.inputs, `${r.type}: inputs differ`);
        }
    });

    it("has the same access policy and assume policy as the two projects", () => {
        assert.equal(
            policyText(root, "aws:iam/policy:Policy", "policy"),
            policyText(source, "aws:iam/policy:Policy", "policy"),
        );
        assert.equal(
            policyText(root, "aws:iam/rolePolicy:RolePolicy", "policy"),
            policyText(workspace, "aws:iam/rolePolicy:RolePolicy", "policy"),
        );
        const rootAssume = JSON.parse(policyText(root, "aws:iam/rolePolicy:RolePolicy", "policy"));
        assert.equal(rootAssume.Statement[0].Resource, root.rawOutputs.sourceRoleArn);
        assert.equal(
            oneOf(root, "aws:iam/rolePolicy:RolePolicy").inputs.role,
            oneOf(workspace, "aws:iam/rolePolicy:RolePolicy").inputs.role,
        );
    });

    it("has the same trust policy, once the external ID is replaced by a placeholder, and hands the same ID to the data source", () => {
        const sourceId = String(source.rawOutputs.externalId);
        const rootDataSource = oneOf(root, "grafana:oss/dataSource:DataSource");
        const rootId = String(JSON.parse(String(raw(root, rootDataSource.name).jsonDataEncoded)).externalId);
        assert.ok(sourceId.length >= 32 && rootId.length >= 32);
        const rootTrust = policyText(root, "aws:iam/role:Role", "assumeRolePolicy");
        const sourceTrust = policyText(source, "aws:iam/role:Role", "assumeRolePolicy");
        assert.ok(
            rootTrust.includes(rootId),
            "the root's data source carries another external ID than its trust policy",
        );
        assert.equal(
            rootTrust.split(rootId).join(EXTERNAL_ID),
            sourceTrust.split(sourceId).join(EXTERNAL_ID),
        );
        assert.ok(!JSON.stringify(root.plan).includes(rootId), "the external ID is visible in the root plan");
    });

    it("has one AWS provider per account, and each side uses its own", () => {
        const providers = byType(root, AWS_PROVIDER);
        assert.equal(providers.length, 2);
        const sourceAws = awsProviderFor(root, DATA_ACCOUNT);
        const workspaceAws = awsProviderFor(root, GRAFANA_ACCOUNT);
        assert.deepEqual(providerInput(sourceAws, "assumeRoles"), [
            {
                roleArn: "arn:aws:iam::222233334444:role/OrganizationAccountAccessRole",
                sessionName: "grafana-athena",
            },
        ]);
        assert.equal(providerInput(workspaceAws, "assumeRoles"), undefined);
        assert.equal(sourceAws.inputs.region, "eu-west-1");
        assert.equal(workspaceAws.inputs.region, "eu-west-1");

        const sourceComponent = oneOf(root, SOURCE_COMPONENT).name;
        const workspaceComponent = oneOf(root, WORKSPACE_COMPONENT).name;
        const awsChildren = (parent: string) =>
            root.plan.resources.filter((r) => r.parent === parent && r.type.startsWith("aws:"));
        assert.ok(awsChildren(sourceComponent).length >= 8);
        for (const r of awsChildren(sourceComponent))
            assert.equal(r.provider, sourceAws.name, `${r.name} (${r.type})`);
        // The workspace side: the assume policy, the service account and its token.
        assert.deepEqual(
            awsChildren(workspaceComponent)
                .map((r) => r.type)
                .sort(),
            [
                "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount",
                "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken",
                "aws:iam/rolePolicy:RolePolicy",
            ],
        );
        for (const r of awsChildren(workspaceComponent))
            assert.equal(r.provider, workspaceAws.name, `${r.name} (${r.type})`);
        // Nothing uses the stack's default AWS provider.
        for (const r of root.plan.resources.filter((r) => r.type.startsWith("aws:")))
            assert.notEqual(r.provider, null, r.name);
        // The source role lives in the data account: the caller identity came through the source provider.
        assert.match(String(root.rawOutputs.sourceRoleArn), /^arn:aws:iam::222233334444:role\//);
    });

    it("assumes workspace.assumeRoleArn in the Grafana account when it is set", async () => {
        const roleArn = "arn:aws:iam::111122223333:role/GrafanaDeployer";
        const run = await plan(
            ROOT_DIR,
            rootVariant((c) => (c.workspace.assumeRoleArn = roleArn)),
        );
        assert.deepEqual(providerInput(awsProviderFor(run, GRAFANA_ACCOUNT), "assumeRoles"), [
            { roleArn, sessionName: "grafana-athena" },
        ]);
    });

    describe("bad config", () => {
        it("names full paths, reports every problem at once, with the projects' rule texts", async () => {
            const problems = await configProblems(
                ROOT_DIR,
                rootVariant((c) => {
                    c.source.tables = ["Orders", "customers"];
                    c.workspace.workspaceId = "g-XYZ";
                    c.workspace.grafanaUrl = "https://grafana.example.com";
                    c.workspace.dashboard = {
                        panels: [{ type: "piechart", title: "Share", sql: "SELECT 1" }],
                    };
                }),
            );
            for (const p of problems) assert.match(p, /^grafana-athena:(source|workspace)[.[]/, p);
            const sourceProblems = await configProblems(SOURCE_DIR, {
                set: { "grafana-athena-source:tables": ["Orders", "customers"] },
            });
            const workspaceProblems = await configProblems(WORKSPACE_DIR, {
                set: {
                    "grafana-athena-workspace:workspaceId": "g-XYZ",
                    "grafana-athena-workspace:grafanaUrl": "https://grafana.example.com",
                    "grafana-athena-workspace:dashboard": {
                        panels: [{ type: "piechart", title: "Share", sql: "SELECT 1" }],
                    },
                },
            });
            const pairs: [string, string, string[]][] = [
                ["grafana-athena:source.tables[0]", "grafana-athena-source:tables[0]", sourceProblems],
                [
                    "grafana-athena:workspace.workspaceId",
                    "grafana-athena-workspace:workspaceId",
                    workspaceProblems,
                ],
                [
                    "grafana-athena:workspace.grafanaAuth",
                    "grafana-athena-workspace:grafanaAuth",
                    workspaceProblems,
                ],
                [
                    "grafana-athena:workspace.dashboard.panels[0].type",
                    "grafana-athena-workspace:dashboard.panels[0].type",
                    workspaceProblems,
                ],
            ];
            for (const [rootKey, projectKey, projectProblems] of pairs) {
                assert.equal(messageFor(problems, rootKey), messageFor(projectProblems, projectKey), rootKey);
            }
            assert.equal(problems.length, pairs.length, problems.join("\n"));
            assert.match(messageFor(problems, "grafana-athena:source.tables[0]"), /"Orders"/);
        });

        it("reports a missing source object", async () => {
            const problems = await configProblems(ROOT_DIR, { unset: ["grafana-athena:source"] });
            assert.ok(
                problems.some((p) => p.startsWith("grafana-athena:source: ") && /required/.test(p)),
                problems.join("\n"),
            );
        });

        it("names the full path of a nested source key", async () => {
            const problems = await configProblems(
                ROOT_DIR,
                rootVariant(
                    (c) => (c.source.workgroup = { name: "grafana", bytesScannedCutoffPerQuery: 1000 }),
                ),
            );
            const sourceProblems = await configProblems(SOURCE_DIR, {
                set: {
                    "grafana-athena-source:workgroup": { name: "grafana", bytesScannedCutoffPerQuery: 1000 },
                },
            });
            assert.equal(
                messageFor(problems, "grafana-athena:source.workgroup.bytesScannedCutoffPerQuery"),
                messageFor(sourceProblems, "grafana-athena-source:workgroup.bytesScannedCutoffPerQuery"),
            );
        });
    });
});

describe("root project (grafana-athena): the workspace's role", function () {
    this.timeout(60_000);

    it("refuses a workspace whose role is not the one the source trusts, before anything is created", async () => {
        const other =
            `arn:aws:iam::${String(ROOT_EXAMPLE.workspace.accountId)}:role/` +
            `service-role/AmazonGrafanaServiceRole-other`;
        const message = await refusal(
            ROOT_DIR,
            rootVariant((c) => (c.source.grafanaRoleArn = other)),
        );
        assert.match(
            message,
            new RegExp(
                `uses the role arn:aws:iam::\\d{12}:role/service-role/AmazonGrafanaServiceRole-\\w+, but ` +
                    `the source trusts ${other.replace(/[/.]/g, "\\$&")}; set grafanaRoleArn`,
            ),
        );
    });
});

describe("root project (grafana-athena): alert rules", function () {
    this.timeout(60_000);

    it("refuses an alert reading a table the source does not grant, naming the root's key", async () => {
        const message = await refusal(
            ROOT_DIR,
            rootVariant(
                (c) =>
                    (c.workspace.alerts = [
                        {
                            name: "payroll",
                            source: "*",
                            kind: "sql",
                            sql: "SELECT count(*) FROM payroll",
                            above: 1,
                        },
                    ]),
            ),
        );
        assert.match(
            message,
            /^grafana-athena:workspace\.alerts\[0\]: "payroll" on source stack "grafana-athena\/example" reads table payroll, which the source does not grant/m,
        );
    });
});
