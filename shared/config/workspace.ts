/**
 * Settings of the workspace (Grafana account) stack: the `grafana-athena-workspace` project, and
 * the `workspace` object of the root project.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { RESULT_REUSE_MAX_MINUTES, RESULT_REUSE_MIN_MINUTES } from "../grafana/dashboards";
import type { TeamSpec } from "../grafana/permissions";
import { OrganizationAssumeMode, explicitModeCapacity } from "../policies/workspaceRole";
import { nameKey } from "../naming";
import { panelList, panelSettings } from "./panels";
import * as r from "./rules";
import { DEFAULT_ROLE_NAME } from "./source";

export const WORKSPACE_NAMESPACE = "grafana-athena-workspace";

/** The longest a workspace service account token may live (30 days). */
export const MAX_TOKEN_SECONDS = 2_592_000;
export const DEFAULT_TOKEN_ROTATION_DAYS = 7;
export const DEFAULT_RESULT_REUSE_MINUTES = 60;
export const DEFAULT_FOLDER = "Athena";

export const dashboardSettings = z
    .object(
        {
            folder: r.displayName("a folder title").default(DEFAULT_FOLDER),
            resultReuseMinutes: r.integer("minutes Athena may reuse a query's result", RESULT_REUSE_MIN_MINUTES, RESULT_REUSE_MAX_MINUTES).default(DEFAULT_RESULT_REUSE_MINUTES),
            panels: panelList.optional(),
        },
        { error: r.objectOf("{folder?, resultReuseMinutes?, panels?}") },
    )
    .strict();

export const sourceRef = z
    .object(
        {
            stack: r.sourceStackName,
            name: r.label.optional(),
            /** This source's panels on its dashboard in this workspace, instead of the source stack's own and dashboard.panels (docs/panels.md). */
            panels: panelList.optional(),
        },
        { error: r.objectOf('{stack: "org/grafana-athena-source/<stack>", name?, panels?}') },
    )
    .strict();

export const teamSettings = z
    .object(
        {
            name: r.teamName,
            existing: r.bool("the team exists already: look it up by name, never create or delete it").default(false),
            members: z
                .array(r.memberEmail, { error: (i) => `must be a list of email addresses, got ${r.describe(i.input)}` })
                .refine((ms) => new Set(ms.map((m) => m.toLowerCase())).size === ms.length, { error: "lists a member twice" })
                .optional(),
        },
        { error: r.objectOf("{name, existing?, members?}") },
    )
    .strict()
    .superRefine((t, ctx) => {
        if (t.existing === true && t.members !== undefined) {
            ctx.addIssue({ code: "custom", path: ["members"], message: "must be left out for an existing team: its members are managed where the team is (by hand, or by team sync)" });
        }
    }, r.onAnyObject)
    .transform((t): TeamSpec => ({ name: t.name, existing: t.existing, members: t.members }));

/**
 * The workspace's teams. None (the default): Grafana's defaults (every user may query every data
 * source and view every dashboard). Some: every data source, folder and dashboard of the stack gets
 * exactly the grants its sources' teams call for, and no role-wide grant.
 */
export const teamList = z
    .array(teamSettings, { error: (i) => `must be a list of {name, existing?, members?}, got ${r.describe(i.input)}` })
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, { error: "lists a team twice" });

/** Keys shared by the workspace project and the root project's `workspace` object. */
export const workspaceCommonShape = {
    workspaceId: r.workspaceId,
    tokenRotationDays: r.integer("days between Grafana token rotations; below 30, the token's lifetime", 1, 29).default(DEFAULT_TOKEN_ROTATION_DAYS),
    grafanaUrl: r.httpsEndpoint.optional(),
    /** Only its presence is validated here; the value stays a secret and never reaches a message. */
    grafanaAuth: z.string({ error: "must be a Grafana API token (set it with --secret)" }).min(1).optional(),
    dashboard: dashboardSettings.default({ folder: DEFAULT_FOLDER, resultReuseMinutes: DEFAULT_RESULT_REUSE_MINUTES }),
    verifyDataSources: r.bool("check every data source like Grafana's Save & test during pulumi up").default(true),
    sourceRoleName: r.assumableRoleName.optional(),
    organizationId: r.organizationId.optional(),
    teams: teamList.default([]),
};

export function workspaceCrossChecks(
    s: { grafanaUrl?: string; grafanaAuth?: string; sourceRoleName?: string; organizationId?: string },
    ctx: z.RefinementCtx,
) {
    if ((s.grafanaUrl === undefined) !== (s.grafanaAuth === undefined)) {
        ctx.addIssue({
            code: "custom",
            path: [s.grafanaUrl === undefined ? "grafanaUrl" : "grafanaAuth"],
            message:
                s.grafanaUrl === undefined
                    ? "is required when grafanaAuth is set: give both, or neither to let the stack mint its own token"
                    : "is required when grafanaUrl is set: give a Grafana API token with --secret, or neither to let the stack mint its own token",
        });
    }
    if ((s.sourceRoleName === undefined) !== (s.organizationId === undefined)) {
        ctx.addIssue({
            code: "custom",
            path: [s.sourceRoleName === undefined ? "sourceRoleName" : "organizationId"],
            message: "is required with the other: organisation mode needs both sourceRoleName and organizationId",
        });
    }
}

/** What the workspace component takes from config: every setting but the sources. */
export interface WorkspaceOptions {
    /** The Amazon Managed Grafana workspace ID (`g-` and 10 hex characters). */
    workspaceId: string;
    /** Days between token rotations (1-29). The token lives 30 days, so a stack may sit untouched that long after a rotation. */
    tokenRotationDays: number;
    /**
     * Use this Grafana endpoint and token instead of minting a service account token. The token
     * must be a secret: the programs wrap it in `pulumi.secret` when they read it.
     */
    grafana?: { url: string; auth: pulumi.Input<string> };
    /** Folder, result reuse and panels of the sample dashboards. */
    dashboard: DashboardSettings;
    /** Check every data source like Grafana's "Save & test" during `pulumi up`. */
    verifyDataSources: boolean;
    /** Organisation-scoped assume policy instead of the explicit list of role ARNs (the default). */
    organization?: OrganizationAssumeMode;
    /**
     * The workspace's teams; each source names its own in its stack (`teams` output). Default: none,
     * and Grafana's defaults stay (every user may query every data source and view every dashboard);
     * with one or more, only the grants this program decides remain.
     */
    teams?: readonly TeamSpec[];
}

type CommonSettings = z.output<z.ZodObject<typeof workspaceCommonShape>>;

/** The one mapping from the settings both projects share to the component's options. */
export function workspaceOptions(s: CommonSettings): WorkspaceOptions {
    return {
        workspaceId: s.workspaceId,
        tokenRotationDays: s.tokenRotationDays,
        grafana: s.grafanaUrl !== undefined && s.grafanaAuth !== undefined ? { url: s.grafanaUrl, auth: s.grafanaAuth } : undefined,
        dashboard: s.dashboard,
        verifyDataSources: s.verifyDataSources,
        organization:
            s.sourceRoleName !== undefined && s.organizationId !== undefined ? { sourceRoleName: s.sourceRoleName, organizationId: s.organizationId } : undefined,
        teams: s.teams,
    };
}

/**
 * The shortest role ARN there is (`arn:aws:iam::<12 digits>:role/x`) bounds how many sources the
 * explicit assume policy could ever hold: past that, say so at once rather than after every stack
 * reference has been read. Undefined when `count` sources may fit.
 */
export function explicitCapacityProblem(count: number, organizationMode: boolean): string | undefined {
    const most = explicitModeCapacity("arn:aws:iam::123456789012:role/x".length);
    if (organizationMode || count <= most) return undefined;
    return (
        `${count} sources, more than the explicit assume policy can hold (at most ${most}, ` +
        `about ${explicitModeCapacity(`arn:aws:iam::123456789012:role/${DEFAULT_ROLE_NAME}`.length)} with the default role name); ` +
        `set sourceRoleName and organizationId for organisation mode`
    );
}

/** Every key of the workspace project. */
export const workspaceShape = {
    ...workspaceCommonShape,
    /** The source stacks to chart; none: every source stack of the inventory (the stack files of infra-account-b). */
    sources: z
        .array(sourceRef, { error: (i) => `must be a list of {stack: "org/grafana-athena-source/stack", name?}, got ${r.describe(i.input)}` })
        .default([])
        .refine((ss) => new Set(ss.map((s) => s.stack)).size === ss.length, { error: "lists a stack twice" })
        .refine(
            (ss) => {
                // Compared as a reader compares them: "Sales" and "ＳＡＬＥＳ" are one name.
                const names = ss.map((s) => s.name).filter((n) => n !== undefined).map(nameKey);
                return new Set(names).size === names.length;
            },
            { error: "gives two sources the same name (names are compared ignoring case and Unicode compatibility forms)" },
        ),
};

export const workspaceSettings = z
    .object(workspaceShape)
    .strict()
    .superRefine(workspaceCrossChecks, r.onAnyObject)
    .superRefine((s, ctx) => {
        const problem = explicitCapacityProblem(s.sources.length, s.organizationId !== undefined);
        if (problem) ctx.addIssue({ code: "custom", path: ["sources"], message: `lists ${problem}` });
    })
    .transform((s) => ({ ...workspaceOptions(s), sources: s.sources }));

export type WorkspaceSettings = z.output<typeof workspaceSettings>;
export type SourceRef = z.output<typeof sourceRef>;
export type DashboardSettings = z.output<typeof dashboardSettings>;
export type { PanelSettings } from "./panels";
export { panelSettings };

export const WORKSPACE_KEY_KINDS = {
    workspaceId: "string",
    sources: "json",
    tokenRotationDays: "json",
    grafanaUrl: "string",
    grafanaAuth: "secret",
    dashboard: "json",
    verifyDataSources: "json",
    sourceRoleName: "string",
    organizationId: "string",
    teams: "json",
} as const;
