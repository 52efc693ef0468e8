/**
 * The stack-output contract between a source stack (`grafana-athena-source`, one per data
 * account) and the workspace stack (`grafana-athena-workspace`). One schema defines it: the
 * producer's output type, the consumer's input type, the runtime check and the list of output
 * names all derive from `sourceContract` below. The producer exports exactly these names; the
 * consumer reads them through a StackReference and refuses a source whose `contractVersion` it
 * does not know.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_DEPTH, MAX_SOURCE_PANEL_SQL_CHARS, MAX_TEAMS, valueDepth } from "./config/bounds";
import { MAX_PANELS } from "./config/panels";
import { sourcePanelList } from "./config/panels";
import { MAX_VARIABLES, variableList } from "./config/variables";
import { MAX_ALERTS, sourceAlertList } from "./config/alerts";
import * as rules from "./config/rules";
import { tableGrant } from "./config/source";
import { administratorRoleArnProblem } from "./iam/administratorRoles";
import { accountOfArn } from "./naming";
import { partitionOf, partitionOfArn } from "./partition";
import { Refusal } from "./refusal";
import { outputBytesProblem, sourceDashboardFileList } from "./sourceDashboardFiles";
import { MAX_DASHBOARD_FILES } from "./grafana/dashboardFile";

export const CONTRACT_VERSION = 1;

/** Where a source's workgroup keeps query results: `resultsMode`. */
const RESULTS_MODES = ["bucket", "managed"] as const;
type ResultsMode = (typeof RESULTS_MODES)[number];

/**
 * A string output that must meet `rule` (a config rule: what a source stack's own config had to
 * meet): a source stack is another team's code, and its outputs are refused unless they are what
 * this program itself would have exported. The messages follow `output "<name>" `.
 */
const text = (rule?: z.ZodType<unknown>) => {
    const base = z
        .string({ error: (i) => (i.input === undefined ? "is missing" : "is not a non-empty string") })
        .min(1, { error: "is not a non-empty string" });
    return rule
        ? base.superRefine((v, ctx) => {
              const checked = rule.safeParse(v);
              if (!checked.success)
                  ctx.addIssue({ code: "custom", message: checked.error.issues[0].message });
          })
        : base;
};

/**
 * The most table names a `tables` output may list. A source's role grants each listed table in
 * its managed policies (at most 10 of 6,144 characters, one table ARN each, at least ~40
 * characters): no real source lists more than about 1,500.
 */
export const MAX_GRANTED_TABLES = 2000;

/**
 * An external ID as STS accepts it (2-1224 characters of `[\w+=,.@:/-]`), and at least 32 long: a
 * shorter one could be guessed, and the external ID is what keeps another Grafana workspace (a
 * confused deputy) from assuming the source role (docs/what-gets-created.md).
 */
export const EXTERNAL_ID = /^[\w+=,.@:/-]{32,1224}$/;

/** Every output a source stack exports, in a fixed order, with the rule its value must meet. */
const sourceContract = z
    .object({
        /** Always `CONTRACT_VERSION` for this code. */
        contractVersion: z.custom<number>().superRefine((version, ctx) => {
            if (version === undefined || version === null) {
                ctx.addIssue({ code: "custom", message: "is missing", params: { versionMissing: true } });
            } else if (typeof version !== "number") {
                // Strict about the type: `"1"` or `true` is not what a source stack of this program
                // exports (Number(true) === 1), so it is not one whatever it coerces to.
                ctx.addIssue({
                    code: "custom",
                    message:
                        `is not a number but ${typeof version}: a source stack of this ` +
                        `program exports the number ${CONTRACT_VERSION}`,
                });
            } else if (version !== CONTRACT_VERSION) {
                ctx.addIssue({
                    code: "custom",
                    message:
                        `is ${JSON.stringify(version)}, but this workspace stack ` +
                        `understands only version ${CONTRACT_VERSION}; ` +
                        `deploy both projects from the same release`,
                });
            }
        }),
        /** The data account (12 digits). */
        accountId: text().regex(/^\d{12}$/, { error: "is not a 12-digit account ID" }),
        /** The data account's Athena region. */
        region: text(rules.region),
        /** The role Grafana assumes in the data account. */
        roleArn: text()
            .refine((v) => rules.roleArn.safeParse(v).success, { error: "is not an IAM role ARN" })
            .superRefine((v, ctx) => {
                const problem = rules.roleArn.safeParse(v).success
                    ? administratorRoleArnProblem(v)
                    : undefined;
                if (problem)
                    ctx.addIssue({
                        code: "custom",
                        message: `names a role Grafana must never assume: it ${problem}`,
                    });
            }),
        /** The external ID the role's trust policy requires (secret; never echoed). */
        externalId: text().regex(EXTERNAL_ID, {
            error:
                "is not an external ID of 32 to 1224 letters, digits and " +
                "+=,.@:/_- (its value is not shown)",
        }),
        /** Athena data catalog, e.g. `AwsDataCatalog`. */
        catalog: text(rules.catalogName),
        /** Glue/Athena database. */
        database: text(rules.databaseName),
        /** Athena workgroup tagged `GrafanaDataSource=true`. */
        workgroup: text(rules.workgroupName),
        /**
         * Where Athena writes results, `s3://bucket/prefix/`; the whole bucket (`s3://bucket/`) is valid
         * too. Exported with a results bucket only: with Athena's managed results there is none.
         */
        outputLocation: text()
            .regex(/^s3:\/\/[^/]+\/(.*\/)?$/, { error: "must look like s3://bucket/ or s3://bucket/prefix/" })
            .superRefine((v, ctx) => {
                const checked = rules.s3Location.safeParse(v);
                if (!checked.success)
                    ctx.addIssue({ code: "custom", message: checked.error.issues[0].message });
            })
            .optional(),
        /**
         * Where the workgroup keeps query results: `managed` (Athena's managed query results: no
         * output location, no result reuse) or `bucket` (at `outputLocation`). Added within version 1
         * and exported only when `managed`: a source without it (any older release) means `bucket`.
         */
        resultsMode: z
            .enum(RESULTS_MODES, {
                error: (i) => `is ${rules.describe(i.input)}, not one of ${RESULTS_MODES.join(", ")}`,
            })
            .optional(),
        /** A human name for the source, used for the data source and dashboard names. */
        label: text(rules.label),
        /**
         * The tables of `database` the role may read, or `["*"]` for every one: what the workspace
         * checks each panel's SQL against. Optional: a source of an older release does not export it,
         * and its panels are not checked (docs/panels.md).
         */
        tables: tableGrant
            .max(MAX_GRANTED_TABLES, { error: `lists more than ${MAX_GRANTED_TABLES} tables` })
            .optional(),
        /**
         * The source's own panels for its dashboard (`panels` of its stack file), at most 50; `[]`
         * when it has none. Optional: a source of an older release does not export it.
         */
        panels: sourcePanelList.optional(),
        /**
         * The source's own dashboard variables (`variables` of its stack file), at most 20; `[]` when it
         * has none. Optional: a source of an older release does not export it.
         */
        variables: variableList.optional(),
        /**
         * The source's own alert rules (`alerts` of its stack file), at most 100; `[]` when it has
         * none. Optional: a source of an older release does not export it.
         */
        alerts: sourceAlertList.optional(),
        /**
         * The source's own dashboards exported from Grafana (`dashboardFiles` of its stack file), each
         * `{file, json}` with the JSON as text, at most 10 and 2 MiB in all. Added within version 1 and
         * exported only when the stack file names files: a source without it has none. The workspace
         * binds and checks each again (shared/sourceDashboardFiles.ts).
         */
        dashboardFiles: sourceDashboardFileList.optional(),
        /**
         * The workspace's teams that may query this source and view its dashboards (where the workspace
         * defines teams; none: admins only). Added within version 1: a source stack deployed by an
         * older release has no such output, which reads as none.
         */
        teams: rules
            .teamNameList(text(rules.teamName), () => "is not a list of team names")
            .optional()
            .transform((ts) => ts ?? []),
    })
    // An output location exactly when the results are in a bucket: the data source passes it on
    // every query, and Athena refuses one in a workgroup with managed query results.
    .superRefine((o, ctx) => {
        if (o.resultsMode === "managed" && o.outputLocation !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["outputLocation"],
                message:
                    'is set, but resultsMode is "managed": Athena refuses an output location in a ' +
                    "workgroup with managed query results; a source stack of this program exports none then",
            });
        } else if (o.resultsMode !== "managed" && o.outputLocation === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["outputLocation"],
                message:
                    'is missing: a source with a results bucket (resultsMode absent or "bucket") exports it',
            });
        }
    })
    // A source's panels are checked against its tables: panels without tables would switch the
    // check off (a source of an older release exports neither).
    .superRefine((o, ctx) => {
        if (o.alerts !== undefined && o.alerts.length > 0 && o.tables === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["tables"],
                message: "is missing, but alerts are exported: a source stack of this program exports both",
            });
        }
        const unchecked = (["dashboardFiles", "panels", "variables"] as const).find((n) => o[n]);
        const message =
            `is missing, but ${unchecked} are exported: ` + "a source stack of this program exports both";
        if (unchecked && o.tables === undefined) ctx.addIssue({ code: "custom", path: ["tables"], message });
        const sql =
            (o.panels ?? []).reduce((n, p) => n + p.sql.length, 0) +
            (o.variables ?? []).reduce((n, v) => n + (v.type === "query" ? v.sql.length : 0), 0);
        if (sql > MAX_SOURCE_PANEL_SQL_CHARS) {
            ctx.addIssue({
                code: "custom",
                path: ["panels"],
                message:
                    `holds ${sql} characters of SQL, more than the ` +
                    `${MAX_SOURCE_PANEL_SQL_CHARS} one source may bring to the workspace's plan`,
            });
        }
    })
    // The role must be one of the data account, in its region's partition: anything else would make
    // the workspace assume a role of another account than the one the source claims to be.
    .superRefine((o, ctx) => {
        if (typeof o.roleArn !== "string" || !rules.roleArn.safeParse(o.roleArn).success) return;
        const account = accountOfArn(o.roleArn);
        if (typeof o.accountId === "string" && /^\d{12}$/.test(o.accountId) && account !== o.accountId) {
            ctx.addIssue({
                code: "custom",
                path: ["roleArn"],
                message: `is a role of account ${account}, not of the source's accountId ${o.accountId}`,
            });
        }
        const partition =
            typeof o.region === "string" && rules.region.safeParse(o.region).success
                ? partitionOf(o.region)
                : undefined;
        const own = partitionOfArn(o.roleArn);
        if (partition !== undefined && own !== partition) {
            ctx.addIssue({
                code: "custom",
                path: ["roleArn"],
                message: `is in the ${own} partition, but the source's region ${o.region} is in ${partition}`,
            });
        }
    });

/** The most items of each list output, checked before anything reads the items. */
const LIST_BOUNDS: Partial<Record<ContractOutputName, number>> = {
    tables: MAX_GRANTED_TABLES,
    panels: MAX_PANELS,
    variables: MAX_VARIABLES,
    alerts: MAX_ALERTS,
    teams: MAX_TEAMS,
    dashboardFiles: MAX_DASHBOARD_FILES,
};

/** How many problems of one source a refusal lists (a hostile source can have thousands). */
const MAX_LISTED_PROBLEMS = 20;

/** What a source stack tells the workspace stack, checked. */
type SourceContract = z.output<typeof sourceContract>;

type ContractOutputName = keyof SourceContract;

/** Every output name, in the schema's order. */
export const CONTRACT_OUTPUTS = Object.keys(sourceContract.shape) as readonly ContractOutputName[];

/** Outputs that are Pulumi secrets on both sides of the contract. */
export const SECRET_CONTRACT_OUTPUTS: readonly ContractOutputName[] = ["externalId"];

/**
 * The outputs a source exports only when it has them: `outputLocation` or `resultsMode` by its
 * results, `dashboardFiles` when its stack file names files.
 */
type ModalOutputName = "outputLocation" | "resultsMode" | "dashboardFiles";

/**
 * The producer's side: one Output per name, typed by the schema; of the modal outputs only the one
 * its results need (an undefined stack output would make the Pulumi CLI warn on every run).
 */
export type SourceContractOutputs = {
    [K in Exclude<ContractOutputName, ModalOutputName>]: pulumi.Output<SourceContract[K]>;
} & { [K in ModalOutputName]?: pulumi.Output<NonNullable<SourceContract[K]>> };

/** The results' mode of checked outputs: `bucket` when the source does not say (older releases). */
export const resultsModeOf = (o: { resultsMode?: ResultsMode }): ResultsMode => o.resultsMode ?? "bucket";

/** Every output but the secret one. */
type PublicOutputName = Exclude<ContractOutputName, "externalId">;
export const PUBLIC_OUTPUTS = CONTRACT_OUTPUTS.filter(
    (n): n is PublicOutputName => !SECRET_CONTRACT_OUTPUTS.includes(n),
);

/**
 * The consumer's side, not yet checked (a StackReference's outputs, or a source component's): the
 * public outputs as one value, so that reading a source costs one Output rather than one per name,
 * and the secret one apart, so that only what holds it is secret.
 */
export interface SourceContractInputs {
    public: pulumi.Input<{ [K in PublicOutputName]?: unknown }>;
    externalId: pulumi.Input<unknown>;
    /** The names of the outputs the source marked as secrets: only `externalId` may be one. */
    secretNames?: pulumi.Input<readonly string[] | undefined>;
}

/** Everything a source tells the workspace except its secret, which travels separately. */
export type PublicSourceOutputs = Omit<SourceContract, "externalId">;

/**
 * Checks resolved outputs read from the stack `stack`. Returns the typed outputs, or throws an
 * error that names the stack and every output that is missing or malformed. `workspacePartition`,
 * when given, is the partition the role must be in to be assumable at all.
 */
export function checkSourceOutputs(
    stack: string,
    values: Record<string, unknown>,
    workspacePartition?: string,
): SourceContract {
    // Bounded before the schema recurses into any output (lists and objects among them).
    const deep = Object.entries(values).filter(([, v]) => valueDepth(v) > MAX_DEPTH);
    if (deep.length > 0) {
        throw new Refusal(
            `source stack "${stack}": ${deep
                .map(([n]) => `output "${n}" nests lists or objects more than ${MAX_DEPTH} levels deep`)
                .join("; ")}`,
        );
    }
    // Lists bounded before the schema reads them item by item: 200,000 teams are one line, not
    // 200,000 problems (nor a workspace plan too large to review).
    const long = (Object.entries(LIST_BOUNDS) as [ContractOutputName, number][]).filter(
        ([n, max]) => Array.isArray(values[n]) && (values[n] as unknown[]).length > max,
    );
    if (long.length > 0) {
        throw new Refusal(
            `source stack "${stack}": ${long
                .map(
                    ([n, max]) =>
                        `output "${n}" lists ${(values[n] as unknown[]).length} ` +
                        `items, more than the ${max} it may hold`,
                )
                .join("; ")}`,
        );
    }
    // The dashboards' text counted before any of it is parsed.
    const bytes = outputBytesProblem(values.dashboardFiles);
    if (bytes) throw new Refusal(`source stack "${stack}": output "dashboardFiles" ${bytes}`);
    const result = sourceContract.safeParse(values);
    const problems = result.success
        ? []
        : result.error.issues.map((issue) => {
              const name = String(issue.path[0]);
              if (
                  name === "contractVersion" &&
                  (issue as { params?: { versionMissing?: boolean } }).params?.versionMissing
              ) {
                  return (
                      `output "contractVersion" is missing (is "${stack}" a ` +
                      `grafana-athena-source stack, and has it been deployed?)`
                  );
              }
              // Where in a list output the problem is: `output "panels[0].sql"`.
              const where = issue.path
                  .slice(1)
                  .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
                  .join("");
              if (issue.code === "unrecognized_keys") {
                  return issue.keys
                      .map((k) => `output "${name}${where}.${k}" is not a known field`)
                      .join("; ");
              }
              return `output "${name}${where}" ${issue.message}`;
          });
    const rolePartition = typeof values.roleArn === "string" ? partitionOfArn(values.roleArn) : undefined;
    if (
        workspacePartition !== undefined &&
        rolePartition !== undefined &&
        rolePartition !== workspacePartition
    ) {
        problems.push(
            `output "roleArn" is in the ${rolePartition} partition, but the workspace is in ` +
                `${workspacePartition}: a role of another partition cannot be assumed`,
        );
    }
    if (problems.length > 0 || !result.success) {
        const shown = problems.slice(0, MAX_LISTED_PROBLEMS);
        if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more`);
        throw new Refusal(`source stack "${stack}": ${shown.join("; ")}`);
    }
    return result.data;
}

/** What the workspace may know of a source's secret external ID: whether it is there, and well formed. */
type ExternalIdState = "missing" | "malformed" | "valid";

export function externalIdState(value: unknown): ExternalIdState {
    return value === undefined || value === null || value === ""
        ? "missing"
        : typeof value === "string" && EXTERNAL_ID.test(value)
          ? "valid"
          : "malformed";
}

/**
 * Checks a source's outputs without handling its secret: `externalId` says only whether the
 * (secret) external ID is there and well formed. Keeps every other value out of the secret's
 * reach, so policies and dashboards built from them stay readable in previews.
 */
export function checkPublicSourceOutputs(
    stack: string,
    values: Record<string, unknown>,
    externalId: ExternalIdState,
    workspacePartition?: string,
    secretNames?: readonly string[],
): PublicSourceOutputs {
    // A public output the source made a secret would be revealed in the workspace's plans: refuse it.
    const secretPublic = PUBLIC_OUTPUTS.filter((n) => secretNames?.includes(n));
    const problems = secretPublic.map((n) => `output "${n}" is a secret, but only externalId may be one`);
    // Read from a stack (`secretNames` known): an external ID that is not a secret is in that
    // stack's state and outputs in clear, for anyone who may read them.
    if (secretNames !== undefined && externalId !== "missing" && !secretNames.includes("externalId")) {
        problems.push(
            `output "externalId" is not a secret: a source stack of this ` +
                `program exports it as one (its value is not shown)`,
        );
    }
    if (problems.length > 0) throw new Refusal(`source stack "${stack}": ${problems.join("; ")}`);
    const standIn = externalId === "missing" ? undefined : externalId === "valid" ? "x".repeat(32) : "?";
    const { externalId: checked, ...rest } = checkSourceOutputs(
        stack,
        { ...values, externalId: standIn },
        workspacePartition,
    );
    void checked;
    return rest;
}
