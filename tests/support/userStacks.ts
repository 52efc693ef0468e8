/**
 * Stack files as users add them to their checkout of this repository, with realistic values:
 * data accounts of their own (two regions, one charting every table), a workspace stack in
 * inventory mode (no `sources`: it charts every source stack file), a second workspace stack
 * charting one source on another workspace, and a root one-stack deployment. Tests write them into
 * copies of the repository (support/repository.ts), never into the real folders.
 */
import { WORKSPACE_EXAMPLE } from "./examples";
import type { ProjectFolder } from "./repository";

export interface UserStack {
    folder: ProjectFolder;
    stack: string;
    config: Record<string, unknown>;
}

/** The Grafana account and workspace of the user's fleet. */
const USER_GRAFANA_ACCOUNT = "444455556666";
const USER_WORKSPACE_ID = "g-7f3a9c2d1e";
const USER_GRAFANA_ROLE =
    `arn:aws:iam::${USER_GRAFANA_ACCOUNT}:role/` + `service-role/AmazonGrafanaServiceRole-7f3a9c2d1`;

/** A data account's source stack: `infra-account-b/Pulumi.<stack>.yaml`. */
export function userSource(
    stack: string,
    account: string,
    region: string,
    database: string,
    tables: string[],
    label: string,
): UserStack {
    return {
        folder: "infra-account-b",
        stack,
        config: {
            "aws:region": region,
            "aws:allowedAccountIds": [account],
            "grafana-athena-source:grafanaAccountId": USER_GRAFANA_ACCOUNT,
            "grafana-athena-source:grafanaRoleArn": USER_GRAFANA_ROLE,
            "grafana-athena-source:database": database,
            "grafana-athena-source:tables": tables,
            "grafana-athena-source:dataLocations": [`s3://acme-${stack}-lake-${account}/${database}/`],
            "grafana-athena-source:workgroup": { name: `grafana-${stack}` },
            "grafana-athena-source:results": {
                bucket: `grafana-athena-query-results-${account}`,
                prefix: "grafana/",
            },
            "grafana-athena-source:label": label,
        },
    };
}

export const MARKETING = userSource(
    "marketing",
    "333344445555",
    "us-east-1",
    "campaigns",
    ["clicks", "impressions"],
    "Marketing",
);
export const FINANCE = userSource("finance", "555566667777", "eu-central-1", "ledger", ["*"], "Finance");
/** The account a pull request onboards, in tests that add one. */
export const LOGISTICS = userSource(
    "logistics",
    "777788889999",
    "us-east-1",
    "shipments",
    ["parcels"],
    "Logistics",
);

/**
 * The user's workspace stack in inventory mode: `infra-account-a/Pulumi.grafana.yaml`, charting every source
 * stack file.
 */
export const GRAFANA_WORKSPACE: UserStack = {
    folder: "infra-account-a",
    stack: "grafana",
    config: {
        "aws:region": "us-east-1",
        "aws:allowedAccountIds": [USER_GRAFANA_ACCOUNT],
        "grafana-athena-workspace:workspaceId": USER_WORKSPACE_ID,
        "grafana-athena-workspace:tokenRotationDays": 7,
        "grafana-athena-workspace:dashboard": { folder: "Athena" },
    },
};

/** A second workspace stack, on a workspace of its own, charting the finance source only. */
export const BI_WORKSPACE: UserStack = {
    folder: "infra-account-a",
    stack: "bi",
    config: {
        "aws:region": "eu-central-1",
        "aws:allowedAccountIds": [USER_GRAFANA_ACCOUNT],
        "grafana-athena-workspace:workspaceId": "g-0b1c2d3e4f",
        "grafana-athena-workspace:sources": [
            { stack: "organization/grafana-athena-source/finance", name: "Finance (BI)" },
        ],
        "grafana-athena-workspace:dashboard": { folder: "BI" },
    },
};

/**
 * A workspace stack on the example's workspace, as the README's "add an account" writes one: the
 * example's workspace ID, the default folder, every source stack file charted.
 */
const OPS_WORKSPACE: UserStack = {
    folder: "infra-account-a",
    stack: "ops",
    config: {
        "aws:region": WORKSPACE_EXAMPLE.region,
        "aws:allowedAccountIds": [WORKSPACE_EXAMPLE.grafanaAccount],
        "grafana-athena-workspace:workspaceId": WORKSPACE_EXAMPLE.workspaceId,
    },
};

/** A root one-stack deployment, `Pulumi.dev.yaml`: one account holds the data and the workspace. */
export const DEV_ROOT: UserStack = {
    folder: ".",
    stack: "dev",
    config: {
        "grafana-athena:source": {
            region: "us-east-1",
            accountId: "666677778888",
            grafanaAccountId: "666677778888",
            grafanaRoleArn: "arn:aws:iam::666677778888:role/service-role/AmazonGrafanaServiceRole-1a2b3c4d5",
            database: "analytics",
            tables: ["events"],
            dataLocations: ["s3://acme-dev-analytics-666677778888/events/"],
            workgroup: { name: "grafana" },
            results: { bucket: "grafana-athena-query-results-666677778888" },
            label: "Dev analytics",
        },
        "grafana-athena:workspace": {
            region: "us-east-1",
            accountId: "666677778888",
            workspaceId: "g-1a2b3c4d5e",
        },
    },
};

/**
 * Two source stacks, two inventory-mode workspace stacks (one on the example's workspace) and a root stack,
 * as a user's checkout holds them.
 */
export const USER_STACKS: readonly UserStack[] = [
    MARKETING,
    FINANCE,
    GRAFANA_WORKSPACE,
    OPS_WORKSPACE,
    DEV_ROOT,
];
