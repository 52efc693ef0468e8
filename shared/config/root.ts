/**
 * Settings of the root project `grafana-athena`: both halves in one stack. The keys of the two
 * projects, under two objects, with the same rules; each side also names its AWS account access.
 */
import { z } from "zod";
import { panelGrantProblems, variableGrantProblems } from "../grafana/panels";
import { variableNames } from "./variables";
import { accountOfArn } from "../naming";
import { partitionOf } from "../partition";
import { createdWorkspaceRoleArn } from "../grafana/workspaceResource";
import { KeyDeclarations, declareKeys, kindsOf, secretKeysOf, shapeOf } from "./declare";
import * as r from "./rules";
import {
    SOURCE_KEYS,
    partitionChecks,
    crossChecks as sourceCrossChecks,
    sourceSettingsShape,
} from "./source";
import { WORKSPACE_COMMON_KEYS, workspaceCommonShape, workspaceCrossChecks } from "./workspace";

export const ROOT_NAMESPACE = "grafana-athena";

/**
 * How the program reaches one account: its region, and optionally a role to assume there (the AWS provider's
 * settings).
 */
const ACCOUNT_ACCESS_KEYS = declareKeys({
    region: {
        type: "string",
        description: "The account's AWS region (the AWS provider's region).",
        rule: r.region,
    },
    assumeRoleArn: {
        type: "string",
        optional: true,
        description: "A role of the account that the program assumes to reach it.",
        rule: r.roleArn,
    },
    accountId: {
        type: "string",
        optional: true,
        description:
            "The account this side must deploy into: the AWS provider refuses any other (allowedAccountIds).",
        rule: r.accountId,
    },
});

/** The workspace side's own key. */
const ROOT_WORKSPACE_KEYS = declareKeys({
    sourceName: {
        type: "string",
        optional: true,
        description: "The data source's name in Grafana; default the source's label.",
        rule: r.label,
    },
});

const accountAccessShape = shapeOf(ACCOUNT_ACCESS_KEYS);

const sourceObject = z
    .object(
        // grafanaRoleArn may be left out when the workspace side creates the workspace: it is then
        // that workspace's role (`createdRoleChecks`).
        {
            ...sourceSettingsShape,
            grafanaRoleArn: sourceSettingsShape.grafanaRoleArn.optional(),
            ...accountAccessShape,
        },
        {
            error: (i) =>
                i.input === undefined ? "is required: the data account's settings" : "must be an object",
        },
    )
    .strict()
    .superRefine(sourceCrossChecks, r.onAnyObject)
    .superRefine((s, ctx) => partitionChecks(s.region, "source.region")(s, ctx), r.onAnyObject);

const workspaceObject = z
    .object(
        { ...workspaceCommonShape, ...accountAccessShape, ...shapeOf(ROOT_WORKSPACE_KEYS) },
        {
            error: (i) =>
                i.input === undefined ? "is required: the Grafana account's settings" : "must be an object",
        },
    )
    .strict()
    .superRefine(workspaceCrossChecks, r.onAnyObject);

/** `{a, b?}`: the keys of declarations, those a stack may leave out marked `?`. */
const fields = (keys: KeyDeclarations) =>
    `{${Object.entries(keys)
        .map(([k, d]) => (d.optional || d.default !== undefined ? `${k}?` : k))
        .join(", ")}}`;
/** Key names, each secret one with how to set it in this object. */
const names = (side: string, keys: KeyDeclarations) =>
    Object.entries(keys)
        .map(([k, d]) => (d.secret ? `${k} (secret: pulumi config set --path --secret ${side}.${k})` : k))
        .join(", ");

/** The root project's two keys, each an object of the other projects' keys and its account access. */
export const ROOT_KEYS = declareKeys({
    source: {
        type: "object",
        description:
            `The data account: ${fields(ACCOUNT_ACCESS_KEYS)} plus every ` +
            `key of the grafana-athena-source project ` +
            `(${names("source", SOURCE_KEYS)}); source.panels replace ` +
            `workspace.dashboard.panels on the source's own dashboard. When ` +
            `workspace.createWorkspace creates the workspace, grafanaRoleArn is its role: leave it out ` +
            `(or give exactly that role).`,
        rule: sourceObject,
    },
    workspace: {
        type: "object",
        description:
            `The Grafana account: ` +
            `${fields({ ...ACCOUNT_ACCESS_KEYS, ...ROOT_WORKSPACE_KEYS })} plus the keys of the ` +
            `grafana-athena-workspace project except sources (${names("workspace", WORKSPACE_COMMON_KEYS)}).`,
        rule: workspaceObject,
    },
});

export const rootSettings = z
    .object(shapeOf(ROOT_KEYS))
    .strict()
    .superRefine((s, ctx) => {
        for (const side of ["source", "workspace"] as const) {
            const { assumeRoleArn, accountId } = s[side];
            const account = assumeRoleArn ? accountOfArn(assumeRoleArn) : undefined;
            if (account && accountId && account !== accountId) {
                ctx.addIssue({
                    code: "custom",
                    path: [side, "assumeRoleArn"],
                    message:
                        `is a role of account ${account}, but ${side}.accountId is ` +
                        `${accountId}: the provider would refuse it`,
                });
            }
        }
        const [sp, wp] = [partitionOf(s.source.region), partitionOf(s.workspace.region)];
        if (sp && wp && sp !== wp) {
            ctx.addIssue({
                code: "custom",
                path: ["workspace", "region"],
                message:
                    `is in the ${wp} partition, but source.region is in ${sp}: a role of ` +
                    `one partition cannot be assumed from another`,
            });
        }
        // Both halves are known here: workspace.dashboard.panels run on the source (its fleet row,
        // and its dashboard when source.panels is empty), so they may read only what it grants.
        const grant = { catalog: s.source.catalog, database: s.source.database, tables: s.source.tables };
        const variables = s.workspace.dashboard.variables ?? [];
        const names = variableNames(variables, s.source.variables);
        (s.workspace.dashboard.panels ?? []).forEach((panel, i) => {
            for (const problem of panelGrantProblems([panel], grant, undefined, names))
                ctx.addIssue({
                    code: "custom",
                    path: ["workspace", "dashboard", "panels", i, "sql"],
                    message: problem,
                });
        });
        variables.forEach((variable, i) => {
            for (const problem of variableGrantProblems([variable], grant, undefined, names))
                ctx.addIssue({
                    code: "custom",
                    path: ["workspace", "dashboard", "variables", i, "sql"],
                    message: problem,
                });
        });
        createdRoleChecks(s, ctx);
        if (s.workspace.accountId && s.workspace.accountId !== s.source.grafanaAccountId) {
            ctx.addIssue({
                code: "custom",
                path: ["source", "grafanaAccountId"],
                message:
                    `is ${s.source.grafanaAccountId}, but workspace.accountId is ` +
                    `${s.workspace.accountId}; the Grafana account is the workspace's account`,
            });
        }
    })
    // The two components' arguments, by the same mappings as the two projects; each side's AWS
    // access (region, role, account) apart, for its provider.
    .transform(
        ({
            source: { region, assumeRoleArn, accountId, grafanaRoleArn, ...settings },
            workspace: { region: wRegion, assumeRoleArn: wRole, accountId: wAccount, sourceName, ...options },
        }) => ({
            source: {
                // Given, or else the created workspace's role (createdRoleChecks refused any other case).
                args: {
                    ...settings,
                    grafanaRoleArn: grafanaRoleArn ?? createdRoleArn(wRegion, settings, options)!,
                    region,
                },
                access: { region, assumeRoleArn, accountId },
            },
            workspace: {
                options,
                access: { region: wRegion, assumeRoleArn: wRole, accountId: wAccount },
                sourceName,
            },
        }),
    );

/**
 * The role the workspace side creates its workspace with (`workspace.createWorkspace.roleName`, in
 * the Grafana account `source.grafanaAccountId`); undefined when it names an existing workspace.
 */
function createdRoleArn(
    workspaceRegion: string,
    source: { grafanaAccountId: string },
    workspace: { createWorkspace?: { roleName: string } },
): string | undefined {
    const created = workspace.createWorkspace;
    if (created === undefined) return undefined;
    return createdWorkspaceRoleArn(
        partitionOf(workspaceRegion) ?? "aws",
        source.grafanaAccountId,
        created.roleName,
    );
}

/**
 * In one stack the source trusts the role of the workspace the stack uses: with
 * `workspace.createWorkspace` that role is the one the stack creates, a name known from config, so
 * `source.grafanaRoleArn` may be left out (and any other role is refused: no query could ever assume
 * the source's role). Naming an existing workspace, the source must be told its role.
 */
function createdRoleChecks(
    s: {
        source: { grafanaAccountId: string; grafanaRoleArn?: string };
        workspace: { region: string; createWorkspace?: { roleName: string } };
    },
    ctx: z.RefinementCtx,
) {
    const created = createdRoleArn(s.workspace.region, s.source, s.workspace);
    if (created === undefined && s.source.grafanaRoleArn === undefined) {
        ctx.addIssue({
            code: "custom",
            path: ["source", "grafanaRoleArn"],
            message:
                "is required: the workspace's IAM role ARN (AMG console, workspace details), " +
                "unless workspace.createWorkspace creates the workspace and its role",
        });
    } else if (
        created !== undefined &&
        s.source.grafanaRoleArn !== undefined &&
        s.source.grafanaRoleArn !== created
    ) {
        ctx.addIssue({
            code: "custom",
            path: ["source", "grafanaRoleArn"],
            message:
                `is ${s.source.grafanaRoleArn}, but this stack creates its workspace with the role ` +
                `${created} (workspace.createWorkspace.roleName in source.grafanaAccountId): ` +
                `leave grafanaRoleArn out, or give that role`,
        });
    }
}

export type RootSettings = z.output<typeof rootSettings>;

export const ROOT_KEY_KINDS = kindsOf(ROOT_KEYS);

/** Fields of the root's objects that must be set as secrets (`pulumi config set --path --secret`). */
export const ROOT_SECRET_FIELDS = {
    source: secretKeysOf(SOURCE_KEYS),
    workspace: secretKeysOf(WORKSPACE_COMMON_KEYS),
};
