/**
 * Settings of the workspace (Grafana account) stack: the `grafana-athena-workspace` project, and
 * the `workspace` object of the root project.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { OrganizationAssumeMode, explicitModeCapacity } from "../policies/workspaceRole";
import { nameKey } from "../naming";
import { contactPointList, contactPointProblems, contactPointSecrets } from "./contactPoints";
import { CreateWorkspaceSettings, createWorkspaceSettings } from "../grafana/workspaceResource";
import { panelList, panelSettings } from "./panels";
import { dashboardSettings } from "./dashboard";
import { DEFAULT_ALERT_RULE_QUOTA, alertRuleQuota, workspaceAlertList } from "./alerts";
import { declareKeys, kindsOf, shapeOf } from "./declare";
import * as r from "./rules";
import { DEFAULT_ROLE_NAME } from "./source";
import { teamGroupProblems, teamList } from "./teams";

export { teamList } from "./teams";

export const WORKSPACE_NAMESPACE = "grafana-athena-workspace";

/** The longest a workspace service account token may live (30 days). */
export const MAX_TOKEN_SECONDS = 2_592_000;
const DEFAULT_TOKEN_ROTATION_DAYS = 7;
export { DEFAULT_FOLDER, dashboardSettings } from "./dashboard";

export const sourceRef = z
    .object(
        {
            stack: r.sourceStackName,
            name: r.label.optional(),
            /**
             * This source's panels on its dashboard in this workspace, instead of the source stack's own and
             * dashboard.panels (docs/panels.md).
             */
            panels: panelList.optional(),
        },
        { error: r.objectOf('{stack: "org/grafana-athena-source/<stack>", name?, panels?}') },
    )
    .strict();

/** `createWorkspace` as the stack file gives it; `{}` (Pulumi.yaml's default) is unset. */
const createWorkspaceKey = z.preprocess(
    (v) =>
        v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0
            ? undefined
            : v,
    createWorkspaceSettings.optional(),
);

/**
 * The keys the workspace project shares with the root project's `workspace` object and the
 * package's `AthenaWorkspace`, declared once (shared/config/declare.ts); `WORKSPACE_KEYS` adds
 * `sources`, which each of them gives its own way.
 */
export const WORKSPACE_COMMON_KEYS = declareKeys({
    workspaceId: {
        type: "string",
        optional: true,
        description:
            "The Amazon Managed Grafana workspace ID, g- and 10 hex " +
            "characters; or createWorkspace, not both.",
        rule: r.workspaceId,
    },
    createWorkspace: {
        type: "object",
        default: {},
        description:
            "Create the workspace instead of naming one (exclusive with " +
            'workspaceId): {name, grafanaVersion ("12.4", the default, or ' +
            '"10.4"; an upgrade is in place and one way), authentication ' +
            "([AWS_SSO] by default, SAML, or both; a change would replace " +
            "the workspace: see docs/deploying.md), roleName (default " +
            "GrafanaAthenaWorkspace: the role the sources trust), admins and " +
            "editors (IAM Identity Center group IDs), network ({prefixListIds, " +
            "vpceIds}), adopt (the ID of an existing workspace to take over " +
            "instead: imported, updated in place, never replaced, left " +
            "standing on destroy)}. Plugin management and unified alerting " +
            "are on; the workspace's role may only assume the source roles. " +
            "The workspace is protected: no update replaces it and no destroy " +
            "deletes it until it is unprotected on purpose.",
        rule: createWorkspaceKey,
    },
    tokenRotationDays: {
        type: "integer",
        default: DEFAULT_TOKEN_ROTATION_DAYS,
        description:
            "Days between Grafana token rotations (1-29). Tokens live 30 days, so a stack " +
            "may sit untouched up to 30 days after its last rotation.",
        rule: r.integer("days between Grafana token rotations; below 30, the token's lifetime", 1, 29),
    },
    grafanaUrl: {
        type: "string",
        optional: true,
        description:
            "Use this Grafana URL (https://...) and grafanaAuth instead of minting a token. Both or neither.",
        rule: r.httpsEndpoint,
    },
    grafanaAuth: {
        type: "string",
        optional: true,
        secret: true,
        description:
            "A Grafana API token for grafanaUrl, a secret (in a stack: " +
            "pulumi config set --secret grafanaAuth).",
        /** Only its presence is validated here; the value stays a secret and never reaches a message. */
        rule: z.string({ error: "must be a Grafana API token (set it with --secret)" }).min(1),
    },
    dashboard: {
        type: "object",
        default: {},
        description:
            'The dashboards: {folder (default "Athena"), resultReuseMinutes ' +
            "(default 60, 1-10080), panels ([{type: " +
            "barchart|gauge|stat|timeseries|table, title, sql, format?: " +
            "table|timeSeries, unit?, decimals?, min?, max?, thresholds?: " +
            "[{value, color}]}], replacing the sample panels on the fleet dashboard " +
            "and on the dashboard of every source that has no " +
            "panels of its own; each may read only tables every source grants), " +
            "variables ([{name, type: query, sql} | {name, type: " +
            "custom, values} | {name, type: interval, values?}], on every dashboard " +
            "with panels, used as $name), files ([paths of " +
            "dashboards exported from Grafana for sharing externally, relative to " +
            "the stack file's folder]: each bound to every " +
            "source's data source, its queries checked like panels')}.",
        rule: dashboardSettings,
    },
    verifyDataSources: {
        type: "boolean",
        default: true,
        description:
            'Check every data source like Grafana\'s "Save & test" during pulumi up (not during preview).',
        rule: r.bool("check every data source like Grafana's Save & test during pulumi up"),
    },
    sourceRoleName: {
        type: "string",
        optional: true,
        description: "Organisation mode, with organizationId - the role name every source stack uses.",
        rule: r.assumableRoleName,
    },
    organizationId: {
        type: "string",
        optional: true,
        description:
            "Organisation mode, with sourceRoleName - the AWS " +
            "Organizations ID (o-...) of the source accounts.",
        rule: r.organizationId,
    },
    teams: {
        type: "array",
        items: "object",
        default: [],
        description:
            "The workspace's Grafana teams, [{name, existing?: true to look up a " +
            "team that exists already (never created or deleted, " +
            "members not managed), members?: [email addresses of users who have " +
            "signed in to the workspace at least once], groups?: " +
            "[IAM Identity Center group IDs or SAML group names, per the " +
            "workspace's authentication: Grafana's team sync adds " +
            "their users as they sign in]}]. None " +
            "(the default): Grafana's defaults, every user may query every data " +
            "source. Given: each data source may be queried, and " +
            "each dashboard viewed, by exactly the teams its source stacks name " +
            "(grafana-athena-source:teams), and by no role.",
        rule: teamList,
    },
    contactPoints: {
        type: "array",
        items: "object",
        default: [],
        description:
            "Where alerts go, [{name, type: sns, topicArn} | {name, type: slack, " +
            "recipient?} | {name, type: pagerduty} | {name, type: " +
            "webhook, url (https://, a path or none, no query)}]. SNS is published to with the workspace role (the stack " +
            "allows it sns:Publish on exactly these topics); " +
            "the others' secrets are in contactPointSecrets. A team's alerts go " +
            "to its contactPoint (teams[].contactPoint).",
        rule: contactPointList,
    },
    contactPointSecrets: {
        type: "object",
        default: {},
        secret: true,
        description:
            'The contact points\' secrets by name, a secret: {"<name>": "<Slack ' +
            "webhook URL | PagerDuty integration key | webhook " +
            'bearer token>"} (pulumi config set --path --secret \'contactPointSecrets["<name>"]\' <value>).',
        rule: contactPointSecrets,
    },
    alerts: {
        type: "array",
        items: "object",
        default: [],
        description:
            "Alert rules over the sources' Athena data, [{name, source: " +
            '"org/grafana-athena-source/<stack>" or "*" (every source ' +
            "this stack charts), kind: sql, sql, above?|below?|noData?: true, for?, " +
            "range?, format?, labels?, team?, noDataState?, " +
            "execErrState?} | {name, source, kind: freshness, table, column, " +
            "maxAgeHours, ...}] (at most 100). One rule per alert " +
            "and source, in the folder of its team (the alert's team, else the " +
            "source's one team; it must be one that may query " +
            "the source), labelled team=<team> so the team's contactPoint gets it. " +
            "Each SQL may read only the tables its source " +
            "grants. Source stacks add their own (grafana-athena-source:alerts). docs/alerting.md.",
        rule: workspaceAlertList,
    },
    alertRuleQuota: {
        type: "integer",
        default: DEFAULT_ALERT_RULE_QUOTA,
        description:
            "The most alert rules this stack may plan (its alerts and its sources' " +
            "together): Amazon Managed Grafana's quota of " +
            "alert rules per workspace, 100 unless AWS raised it. Over it, " +
            "the plan is refused naming the count.",
        rule: alertRuleQuota,
    },
});

/** Keys shared by the workspace project and the root project's `workspace` object. */
export const workspaceCommonShape = shapeOf(WORKSPACE_COMMON_KEYS);

export function workspaceCrossChecks(
    s: {
        grafanaUrl?: string;
        grafanaAuth?: string;
        sourceRoleName?: string;
        organizationId?: string;
        workspaceId?: unknown;
        createWorkspace?: unknown;
    } & Parameters<typeof contactPointProblems>[0],
    ctx: z.RefinementCtx,
) {
    for (const p of contactPointProblems(s)) ctx.addIssue({ code: "custom", ...p });
    for (const p of teamGroupProblems(s.teams, s.createWorkspace)) ctx.addIssue({ code: "custom", ...p });
    // The workspace is named or created: exactly one of the two (a malformed one is reported on its own key).
    if (s.workspaceId !== undefined && s.createWorkspace !== undefined) {
        ctx.addIssue({
            code: "custom",
            path: ["createWorkspace"],
            message: "is exclusive with workspaceId: name an existing workspace, or create one, not both",
        });
    } else if (s.workspaceId === undefined && s.createWorkspace === undefined) {
        ctx.addIssue({
            code: "custom",
            path: ["workspaceId"],
            message:
                "is required: the Amazon Managed Grafana workspace ID (g- and 10 hex " +
                "characters), or createWorkspace to create one",
        });
    }
    if ((s.grafanaUrl === undefined) !== (s.grafanaAuth === undefined)) {
        ctx.addIssue({
            code: "custom",
            path: [s.grafanaUrl === undefined ? "grafanaUrl" : "grafanaAuth"],
            message:
                s.grafanaUrl === undefined
                    ? "is required when grafanaAuth is set: give both, or neither " +
                      "to let the stack mint its own token"
                    : "is required when grafanaUrl is set: give a Grafana API token with " +
                      "--secret, or neither to let the stack mint its own token",
        });
    }
    if ((s.sourceRoleName === undefined) !== (s.organizationId === undefined)) {
        ctx.addIssue({
            code: "custom",
            path: [s.sourceRoleName === undefined ? "sourceRoleName" : "organizationId"],
            message:
                "is required with the other: organisation mode needs both sourceRoleName and organizationId",
        });
    }
}

/** The settings every workspace shares, checked: the keys under their own names. */
type WorkspaceCommonSettings = z.output<z.ZodObject<typeof workspaceCommonShape>>;

/**
 * What the workspace component takes from config: every key but `sources`, under the names the
 * stack file gives them, the Grafana token as an Input (the programs keep it a secret).
 */
export type WorkspaceOptions = Omit<
    WorkspaceCommonSettings,
    "grafanaAuth" | "contactPointSecrets" | "workspaceId" | "createWorkspace"
> & {
    grafanaAuth?: pulumi.Input<string>;
    contactPointSecrets?: pulumi.Input<Record<string, string>>;
    /** Undefined when `createWorkspace` is given. */
    workspaceId?: string;
    /** The workspace this stack creates (shared/grafana/workspaceResource.ts), instead of `workspaceId`. */
    createWorkspace?: CreateWorkspaceSettings;
};

/** Organisation mode: both keys given (the cross-checks refuse one without the other). */
export function organizationMode(s: {
    sourceRoleName?: string;
    organizationId?: string;
}): OrganizationAssumeMode | undefined {
    return s.sourceRoleName !== undefined && s.organizationId !== undefined
        ? { sourceRoleName: s.sourceRoleName, organizationId: s.organizationId }
        : undefined;
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
        `about ${explicitModeCapacity(
            (`arn:aws:iam::123456789012:role/` + `${DEFAULT_ROLE_NAME}`).length,
        )} with the default role name); ` +
        `set sourceRoleName and organizationId for organisation mode`
    );
}

/**
 * The source stacks to chart; none: every source stack of the inventory (the stack files of infra-account-b).
 */
const sourceRefList = z
    .array(sourceRef, {
        error: (i) =>
            `must be a list of {stack: "org/grafana-athena-source/stack", name?}, got ${r.describe(i.input)}`,
    })
    // Compared ignoring case, as Pulumi Cloud reads stack names: "Sales" and "sales" are one stack.
    .refine((ss) => new Set(ss.map((s) => s.stack.toLowerCase())).size === ss.length, {
        error: "lists a stack twice (stack names are compared ignoring case, as Pulumi Cloud reads them)",
    })
    .refine(
        (ss) => {
            // Compared as a reader compares them: "Sales" and "ＳＡＬＥＳ" are one name.
            const names = ss
                .map((s) => s.name)
                .filter((n) => n !== undefined)
                .map(nameKey);
            return new Set(names).size === names.length;
        },
        {
            error:
                "gives two sources the same name (names are compared ignoring case, " +
                "Unicode compatibility forms and look-alike characters)",
        },
    );

const { workspaceId, createWorkspace, ...afterCreateWorkspace } = WORKSPACE_COMMON_KEYS;

/** Every key of the workspace project. */
export const WORKSPACE_KEYS = declareKeys({
    workspaceId,
    createWorkspace,
    sources: {
        type: "array",
        items: "object",
        default: [],
        description:
            "The source stacks to chart, [{stack: " +
            '"org/grafana-athena-source/<stack>", name?: "...", panels?: [...]}]; ' +
            "name overrides " +
            "the source's label as the data source name, panels replace the source " +
            "stack's own panels and dashboard.panels on that " +
            "source's own dashboard (each panel may read only the tables the source " +
            "grants). Empty (the default): every source stack " +
            "of the inventory, the files infra-account-b/Pulumi.<stack>.yaml, in this stack's organisation.",
        rule: sourceRefList,
    },
    ...afterCreateWorkspace,
});

/** Every key of the workspace project. */
export const workspaceShape = shapeOf(WORKSPACE_KEYS);

export const workspaceSettings = z
    .object(workspaceShape)
    .strict()
    .superRefine(workspaceCrossChecks, r.onAnyObject)
    .superRefine((s, ctx) => {
        const problem = explicitCapacityProblem(s.sources.length, s.organizationId !== undefined);
        if (problem) ctx.addIssue({ code: "custom", path: ["sources"], message: `lists ${problem}` });
    });

export type SourceRef = z.output<typeof sourceRef> & {
    /**
     * The accounts the source's stack file lets it deploy into (`aws:allowedAccountIds`), when the
     * source comes from the inventory and its file sets them: its `accountId` output must be one.
     */
    allowedAccountIds?: readonly string[];
};
export type WorkspaceSettings = Omit<z.output<typeof workspaceSettings>, "sources"> & {
    sources: SourceRef[];
};
export { panelSettings };

/** How each key is stored in Pulumi config: plain text, JSON, or a secret. */
export const WORKSPACE_KEY_KINDS = kindsOf(WORKSPACE_KEYS);
