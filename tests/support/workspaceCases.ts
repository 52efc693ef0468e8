/**
 * What the workspace program's tests share: three source stacks planned once per test process, the
 * two workspace cases planned from them (and their runs, for the tests that need the same plan),
 * and how to find a source's data source and dashboards in a plan.
 */
import assert from "node:assert/strict";
import { MOCK_NOW, PlanResource, RunResult } from "../../tools/plan/mock/runtime";
import { WORKSPACE_EXAMPLE } from "./examples";
import { byType } from "./program";
import {
    DASHBOARD_TYPE,
    DATA_SOURCE_TYPE,
    GRAFANA_ACCOUNT,
    PlannedSource,
    WORKSPACE_ID,
    dashboardJson,
    planSource,
    wsKey,
} from "./workspaceSources";

/** AWS's limit for a workspace service account token's lifetime: 30 days. */
export const MAX_TOKEN_SECONDS = 2_592_000;
export const ATHENA_PLUGIN = "grafana-athena-datasource";
/** The mock's fixed clock as Unix seconds: 1767225600 for 2026-01-01T00:00:00Z. */
export const ROTATION_UNIX = String(Date.parse(MOCK_NOW) / 1000);
/** A workspace role with a path, as AMG creates it: the policy must name the role without it. */
export const WORKSPACE_ROLE_NAME = "AmazonGrafanaServiceRole-t3st42";
export const WORKSPACE_ROLE_ARN = `arn:aws:iam::${GRAFANA_ACCOUNT}:role/service-role/${WORKSPACE_ROLE_NAME}`;
export const ENDPOINT = `${WORKSPACE_ID}.grafana-workspace.${WORKSPACE_EXAMPLE.region}.amazonaws.com`;
export const WORLD = {
    workspaces: {
        [WORKSPACE_ID]: { roleArn: WORKSPACE_ROLE_ARN, endpoint: ENDPOINT, grafanaVersion: "10.4" },
    },
};
export const ORG_ID = "o-a1b2c3d4e5";
/** The tag every source role carries, as the IAM evaluator sees it on the role being assumed. */
export const TAGGED_ROLE = { "iam:ResourceTag/GrafanaDataSource": "true" };
export const OTHER_ORG_ID = "o-zz9988776655";
export const FOURTH_ACCOUNT = "999988887777";
const SALES = "organization/grafana-athena-source/sales";
const ANALYTICS = "acme/grafana-athena-source/analytics";
const FINANCE = "acme/grafana-athena-source/finance";
/** Rectangles of the 24-column grid that share a cell. */
export function overlaps(
    a: { x: number; y: number; w: number; h: number },
    b: { x: number; y: number; w: number; h: number },
): boolean {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
/** The resource of `type` whose (plan) input `key` is `value`. */
export function findBy(run: RunResult, type: string, key: string, value: unknown): PlanResource {
    const found = byType(run, type).filter((r) => r.inputs[key] === value);
    assert.equal(
        found.length,
        1,
        `expected one ${type} with ${key} = ${JSON.stringify(value)}, found ${found.length}`,
    );
    return found[0];
}
/** Everything about one source in a workspace plan, found through the stack's outputs. */
export function sourceParts(run: RunResult, source: PlannedSource) {
    const key = source.spec.stack;
    const outputs = run.rawOutputs as Record<string, Record<string, string>>;
    const uid = outputs.dataSourceUids[key];
    assert.ok(uid, `no data source uid output for ${key}`);
    const dataSource = findBy(run, DATA_SOURCE_TYPE, "uid", uid);
    const url = outputs.dashboardUrls[key];
    assert.ok(url, `no dashboard URL output for ${key}`);
    const dashboards = byType(run, DASHBOARD_TYPE).filter((d) => url.includes(`/d/${dashboardJson(d).uid}/`));
    assert.equal(dashboards.length, 1, `expected one dashboard at ${url}`);
    return { key, uid, dataSource, dashboard: dashboards[0], json: dashboardJson(dashboards[0]) };
}
/** The three source stacks the workspace tests plan against (set by `workspaceSources`). */
export let sales: PlannedSource;
export let analytics: PlannedSource;
export let finance: PlannedSource;
/** Expected data source name by stack. */
export let names: Record<string, string>;
let planned: Promise<void> | undefined;
/** Plans the three source stacks, once per test process: every workspace test file reads them. */
export function workspaceSources(): Promise<void> {
    planned ??= (async () => {
        // The example source stack, and two more data accounts with their own workgroups.
        sales = await planSource({ stack: SALES, account: "222233334444", label: "Sales" });
        analytics = await planSource({
            stack: ANALYTICS,
            account: "333344445555",
            workgroup: "analytics",
            label: "Analytics",
        });
        // No label: the source's default label, "<workgroup> (<account>)".
        finance = await planSource({ stack: FINANCE, account: "444455556666", workgroup: "finance-bi" });
        assert.equal(finance.contract.label, "finance-bi (444455556666)");
        names = { [SALES]: "Sales", [ANALYTICS]: "Analytics EU", [FINANCE]: "finance-bi (444455556666)" };
        // Three different contracts, three different secrets.
        assert.equal(new Set([sales, analytics, finance].map((s) => s.contract.externalId)).size, 3);
        assert.equal(new Set([sales, analytics, finance].map((s) => s.contract.roleArn)).size, 3);
    })();
    return planned;
}
export const cases: {
    title: string;
    sources: () => PlannedSource[];
    rotationDays: number;
    reuse: number;
    folder: string;
    set: () => Record<string, unknown>;
}[] = [
    {
        title: "one source (the example stack)",
        sources: () => [sales],
        rotationDays: 7,
        reuse: 60,
        folder: "Athena",
        set: () => ({}),
    },
    {
        title: "three sources in three accounts",
        sources: () => [sales, analytics, finance],
        rotationDays: 10,
        reuse: 90,
        folder: "Athena BI",
        set: () => ({
            [wsKey("tokenRotationDays")]: 10,
            [wsKey("dashboard")]: { folder: "Athena BI", resultReuseMinutes: 90 },
        }),
    },
];
/** The runs of `cases`, by title, for the sections below that need the same plan. */
export const runs: Record<string, RunResult> = {};
export const caseVariant = (c: (typeof cases)[number]) => ({
    names: { [ANALYTICS]: "Analytics EU" },
    set: c.set(),
    world: WORLD,
});
