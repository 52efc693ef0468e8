/**
 * Settings of the root project `grafana-athena`: both halves in one stack. The keys of the two
 * projects, under two objects, with the same rules; each side also names its AWS account access.
 */
import { z } from "zod";
import { panelGrantProblems } from "../grafana/panels";
import { accountOfArn } from "../naming";
import { partitionOf } from "../partition";
import * as r from "./rules";
import { partitionChecks, crossChecks as sourceCrossChecks, sourceSettingsShape } from "./source";
import { workspaceCommonShape, workspaceCrossChecks } from "./workspace";

export const ROOT_NAMESPACE = "grafana-athena";

/** How the program reaches one account: its region, and optionally a role to assume there (the AWS provider's settings). */
const accountAccessShape = {
    region: r.region,
    assumeRoleArn: r.roleArn.optional(),
    /** The account this side must deploy into: the AWS provider refuses any other (allowedAccountIds). */
    accountId: r.accountId.optional(),
};

export const rootSettings = z
    .object({
        source: z
            .object({ ...sourceSettingsShape, ...accountAccessShape }, { error: (i) => (i.input === undefined ? "is required: the data account's settings" : "must be an object") })
            .strict()
            .superRefine(sourceCrossChecks, r.onAnyObject)
            .superRefine((s, ctx) => partitionChecks(s.region, "source.region")(s, ctx), r.onAnyObject),
        workspace: z
            .object(
                { ...workspaceCommonShape, ...accountAccessShape, sourceName: r.label.optional() },
                { error: (i) => (i.input === undefined ? "is required: the Grafana account's settings" : "must be an object") },
            )
            .strict()
            .superRefine(workspaceCrossChecks, r.onAnyObject),
    })
    .strict()
    .superRefine((s, ctx) => {
        for (const side of ["source", "workspace"] as const) {
            const { assumeRoleArn, accountId } = s[side];
            const account = assumeRoleArn ? accountOfArn(assumeRoleArn) : undefined;
            if (account && accountId && account !== accountId) {
                ctx.addIssue({ code: "custom", path: [side, "assumeRoleArn"], message: `is a role of account ${account}, but ${side}.accountId is ${accountId}: the provider would refuse it` });
            }
        }
        const [sp, wp] = [partitionOf(s.source.region), partitionOf(s.workspace.region)];
        if (sp && wp && sp !== wp) {
            ctx.addIssue({ code: "custom", path: ["workspace", "region"], message: `is in the ${wp} partition, but source.region is in ${sp}: a role of one partition cannot be assumed from another` });
        }
        // Both halves are known here: workspace.dashboard.panels run on the source (its fleet row,
        // and its dashboard when source.panels is empty), so they may read only what it grants.
        const grant = { catalog: s.source.catalog, database: s.source.database, tables: s.source.tables };
        (s.workspace.dashboard.panels ?? []).forEach((panel, i) => {
            for (const problem of panelGrantProblems([panel], grant)) ctx.addIssue({ code: "custom", path: ["workspace", "dashboard", "panels", i, "sql"], message: problem });
        });
        if (s.workspace.accountId && s.workspace.accountId !== s.source.grafanaAccountId) {
            ctx.addIssue({
                code: "custom",
                path: ["source", "grafanaAccountId"],
                message: `is ${s.source.grafanaAccountId}, but workspace.accountId is ${s.workspace.accountId}; the Grafana account is the workspace's account`,
            });
        }
    })
    // The two components' arguments, by the same mappings as the two projects; each side's AWS
    // access (region, role, account) apart, for its provider.
    .transform(({ source: { region, assumeRoleArn, accountId, ...settings }, workspace: { region: wRegion, assumeRoleArn: wRole, accountId: wAccount, sourceName, ...options } }) => ({
        source: { args: { ...settings, region }, access: { region, assumeRoleArn, accountId } },
        workspace: { options, access: { region: wRegion, assumeRoleArn: wRole, accountId: wAccount }, sourceName },
    }));

export type RootSettings = z.output<typeof rootSettings>;

export const ROOT_KEY_KINDS = { source: "json", workspace: "json" } as const;

/** Fields of the root's objects that must be set as secrets (`pulumi config set --path --secret`). */
export const ROOT_SECRET_FIELDS = { workspace: ["grafanaAuth"] } as const;
