/**
 * The two components as a Pulumi component package (`pulumi package add`): thin, typed arguments
 * that the SDK's analyzer turns into the package schema, mapped onto the very components this
 * repository's programs build (components/source/athenaSourceAccess.ts, components/workspace/athenaWorkspace.ts),
 * through the same config rules (shared/config/*), so that a Python or YAML program gets the same
 * resources, the same refusals and the same messages as `cd infra-account-b && pulumi up`.
 *
 * Why a second, package-facing class per component: the SDK's analyzer (@pulumi/pulumi
 * `provider/experimental/analyzer.js`, 3.276.0) accepts only interfaces of strings, numbers,
 * booleans, arrays, string maps, other interfaces and `Input<...>` of those; it refuses anonymous
 * object types (the components' zod-derived settings), string-literal unions that are not enums
 * (`PanelType`) and `ReadonlyArray`. And the engine asks the provider for `<package>:index:<Class>`
 * (`ComponentProvider.validateResourceType`), while the components keep the type tokens their
 * stacks' state already holds (`grafana-athena:source:AthenaSourceAccess`). So each class here
 * registers the package's token and builds the repository's component as its only child.
 *
 * Every field is documented: the analyzer copies the JSDoc into the schema, and so into the
 * docstrings of every generated SDK. The classes declare only their outputs as properties: the
 * analyzer takes every property of the class as an output.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SourceContractInputs, PUBLIC_OUTPUTS } from "../shared/contract";
import { ConfigError, ConfigProblem, parseOrThrow } from "../shared/config/problems";
import * as r from "../shared/config/rules";
import { secretKeysOf } from "../shared/config/declare";
import { SOURCE_KEYS, sourceSettingsFor } from "../shared/config/source";
import {
    WORKSPACE_COMMON_KEYS,
    sourceRef,
    workspaceCommonShape,
    workspaceCrossChecks,
} from "../shared/config/workspace";
import { plainArgs, refuseInvalid, safe, secretPlaceholders } from "./arguments";
import { AthenaSourceAccess as SourceAccessComponent } from "../components/source/athenaSourceAccess";
import {
    AthenaWorkspace as WorkspaceComponent,
    WorkspaceSource,
} from "../components/workspace/athenaWorkspace";
import { readSourceStack } from "../components/workspace/sourceStacks";

/** The package's name: the first part of every type token, and the SDKs' module name. */
export const PACKAGE_NAME: string = (require("../package.json") as { name: string }).name;

/** The Athena workgroup Grafana queries through. */
export interface Workgroup {
    /** The workgroup's name (1-128 letters, digits, `.`, `_`, `-`). */
    name: string;
    /** Create the workgroup (default true), or tag an existing one and never own it (false). */
    create?: boolean;
    /** Bytes one query may scan before Athena cancels it. Default 10737418240 (10 GiB); at least 10485760 (10 MiB). */
    bytesScannedCutoffPerQuery?: number;
}

/** Where Athena writes query results; the only place the role may write. */
export interface ResultsLocation {
    /** The results bucket's name. */
    bucket: string;
    /** The key prefix of the results. Default `grafana/`; required in an existing bucket. */
    prefix?: string;
    /** Create a private, encrypted, TLS-only bucket (default true), or use an existing one (false). */
    create?: boolean;
    /** Days before query results expire (1-3650). Default 7. */
    expirationDays?: number;
}

/** Arguments of `AthenaSourceAccess`: the keys of the `grafana-athena-source` project, and its region. */
export interface AthenaSourceAccessArgs {
    /** The data account's region (the AWS provider's region): where the workgroup, the bucket and Athena's queries live. */
    region: string;
    /** The Grafana account (12 digits) that hosts the Amazon Managed Grafana workspace. */
    grafanaAccountId: string;
    /**
     * The workspace's IAM role ARN (AMG console, workspace details, "IAM role"); must belong to
     * grafanaAccountId. Only this role may assume the source role.
     */
    grafanaRoleArn: string;
    /** The Glue/Athena database Grafana may read (lowercase letters, digits, underscores). */
    database: string;
    /** Tables of the database Grafana may read; ["*"] grants every table of the database. */
    tables: string[];
    /** The Athena data catalog that holds the database. Default `AwsDataCatalog`. */
    catalog?: string;
    /** The S3 locations s3://bucket[/prefix] the tables read; granted read-only. */
    dataLocations: string[];
    /**
     * The Athena workgroup: {name (required), create (default true: create it; false: tag an existing one and
     * never own it), bytesScannedCutoffPerQuery (default 10737418240 = 10 GiB, minimum 10485760 = 10 MiB)}.
     */
    workgroup: Workgroup;
    /**
     * Where Athena writes query results: {bucket (required), prefix (default "grafana/"), create (default
     * true: create a private, encrypted bucket; false: use an existing bucket), expirationDays (default 7)}.
     */
    results: ResultsLocation;
    /**
     * KMS key ARNs that encrypt the data or the results; the role may Decrypt and GenerateDataKey with them,
     * through S3 only. The first one also encrypts query results.
     */
    kmsKeyArns?: string[];
    /**
     * The KMS key that encrypts the Glue Data Catalog's metadata, when the catalog is encrypted; the role may
     * decrypt with it through Glue only.
     */
    catalogKmsKeyArn?: string;
    /** The tables are governed by Lake Formation (grants lakeformation:GetDataAccess). Default `false`. */
    lakeFormation?: boolean;
    /**
     * Name of the role Grafana assumes (the same in every data account for organisation mode). Default
     * `AmazonManagedGrafana-CrossAccountAthena`.
     */
    roleName?: string;
    /**
     * The name of a customer-managed policy of this account that bounds the role (its permissions boundary),
     * such as grafana-athena-ci-boundary where the bootstrap made the account's CI roles: their deploy role
     * may create the role only with it. Empty (the default): none.
     */
    permissionsBoundary?: string;
    /** A human name for this source in Grafana; default "<workgroup> (<account ID>)". */
    label?: string;
    /**
     * The Grafana teams that may query this source and view its dashboards, by name; each must be one the
     * workspace stack defines (grafana-athena-workspace:teams). None (the default): on a workspace that
     * defines teams, only Grafana admins may use this source.
     */
    teams?: string[];
    /**
     * This source's own panels, [{type, title, sql, format?}] (type barchart, gauge, stat, timeseries or
     * table; format timeSeries or table; at most 50): every workspace stack that charts this source shows
     * them on the source's dashboard, in place of its dashboard.panels or the sample panels, unless it lists
     * this source with panels of its own (sources[].panels). Each panel's SQL may read only the tables listed
     * in tables (docs/panels.md). Empty (the default): the workspace's panels.
     */
    panels?: Panel[];
    /** Tags for every resource the component creates. Default `ManagedBy=pulumi`, `Component=grafana-athena`. */
    tags?: Record<string, string>;
}

/**
 * The data account's side (steps 1-3 of the console walkthrough): the tagged workgroup, the
 * private results bucket, and the least-privilege role the Grafana workspace assumes with an
 * external ID. Its outputs are the stack-output contract the workspace reads (version 1).
 */
export class AthenaSourceAccess extends pulumi.ComponentResource {
    /** The contract version (1). */
    public readonly contractVersion!: pulumi.Output<number>;
    /** The data account (12 digits). */
    public readonly accountId!: pulumi.Output<string>;
    /** The data account's Athena region. */
    public readonly region!: pulumi.Output<string>;
    /** The role Grafana assumes; known once its access policies are attached. */
    public readonly roleArn!: pulumi.Output<string>;
    /** The external ID the role's trust policy requires (secret). */
    public readonly externalId!: pulumi.Output<string>;
    /** The Athena data catalog. */
    public readonly catalog!: pulumi.Output<string>;
    /** The Glue/Athena database. */
    public readonly database!: pulumi.Output<string>;
    /** The Athena workgroup, tagged `GrafanaDataSource=true`. */
    public readonly workgroup!: pulumi.Output<string>;
    /** Where Athena writes results, `s3://bucket/prefix/`. */
    public readonly outputLocation!: pulumi.Output<string>;
    /** The source's human name in Grafana. */
    public readonly label!: pulumi.Output<string>;
    /** The tables of the database the role may read, or `["*"]` for every one. */
    public readonly tables!: pulumi.Output<string[]>;
    /** The source's own panels for its dashboard. */
    public readonly panels!: pulumi.Output<Panel[]>;
    /** The Grafana teams that may use this source. */
    public readonly teams!: pulumi.Output<string[]>;

    constructor(name: string, args: AthenaSourceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${PACKAGE_NAME}:index:AthenaSourceAccess`, name, {}, opts);
        const { region, tags, ...settings } = refuseInvalid(this, "AthenaSourceAccess", () => {
            const plain = plainArgs(args as unknown as Record<string, unknown>, []);
            const {
                region: reg,
                tags: t,
                ...rest
            } = plain as { region?: unknown; tags?: unknown } & Record<string, unknown>;
            const regionProblem = r.region.safeParse(reg);
            const earlier: ConfigProblem[] = regionProblem.success
                ? []
                : [{ key: "AthenaSourceAccess:region", message: regionProblem.error.issues[0].message }];
            const tagsChecked = z
                .record(z.string(), z.string(), { error: "must be a map of tag names to strings" })
                .optional()
                .safeParse(t);
            if (!tagsChecked.success)
                earlier.push({
                    key: "AthenaSourceAccess:tags",
                    message: tagsChecked.error.issues[0].message,
                });
            const parsed = parseOrThrow(
                sourceSettingsFor(regionProblem.success ? regionProblem.data : undefined),
                rest,
                "AthenaSourceAccess",
                [],
                earlier,
            );
            return { ...parsed, region: reg as string, tags: tagsChecked.data };
        });
        // A name of its own: plans (npm run synth, the plan diff, the policy pack offline) name resources uniquely.
        const source = new SourceAccessComponent(
            `${name}-source`,
            { ...settings, region, tags },
            { parent: this },
        );
        Object.assign(this, source.contract);
        this.registerOutputs({ ...source.contract });
    }
}

/** A panel of the dashboards. */
export interface Panel {
    /** The panel type: one of barchart, gauge, stat, timeseries, table. */
    type: string;
    /** The panel's title (at most 200 characters). */
    title: string;
    /** The panel's Athena SQL; the plugin's macros (`$__timeFilter(col)`, ...) pass through. */
    sql: string;
    /** The query format: timeSeries or table. Default timeSeries for a timeseries panel, table for the others. */
    format?: string;
}

/** The sample dashboards' settings. */
export interface Dashboard {
    /** The folder's title. Default `Athena`; a second stack on the same workspace needs a title of its own. */
    folder?: string;
    /** Minutes Athena may reuse a query's result (1-10080). Default 60. */
    resultReuseMinutes?: number;
    /** Panels that replace the sample panels on every source's dashboard and on the fleet dashboard. */
    panels?: Panel[];
}

/** The stack-output contract of a source (what `AthenaSourceAccess` outputs), for a source in the same program. */
export interface SourceContract {
    /** The contract version (1). */
    contractVersion: pulumi.Input<number>;
    /** The data account (12 digits). */
    accountId: pulumi.Input<string>;
    /** The data account's Athena region. */
    region: pulumi.Input<string>;
    /** The role Grafana assumes. */
    roleArn: pulumi.Input<string>;
    /** The external ID the role's trust policy requires (kept secret). */
    externalId: pulumi.Input<string>;
    /** The Athena data catalog. */
    catalog: pulumi.Input<string>;
    /** The Glue/Athena database. */
    database: pulumi.Input<string>;
    /** The Athena workgroup. */
    workgroup: pulumi.Input<string>;
    /** Where Athena writes results, `s3://bucket/prefix/`. */
    outputLocation: pulumi.Input<string>;
    /** The source's human name. */
    label: pulumi.Input<string>;
    /** The tables the role may read, or `["*"]`. */
    tables?: pulumi.Input<string[]>;
    /** The source's own panels. */
    panels?: pulumi.Input<Panel[]>;
    /** The Grafana teams that may use this source. */
    teams?: pulumi.Input<string[]>;
}

/** A Grafana team of the workspace. */
export interface Team {
    /** The team's name in Grafana, unique in the workspace. */
    name: string;
    /** The team exists already: looked up by name, never created, changed or deleted. Default false. */
    existing?: boolean;
    /** Email addresses of the team's members (created teams only), the whole set; each user must have signed in once. Default: members not managed. */
    members?: string[];
    /** IAM Identity Center group IDs or SAML group names the team is synced from (created teams only). Default: no team sync managed. */
    groups?: string[];
    /** The contact point (contactPoints) this team's alerts go to. */
    contactPoint?: string;
}

/** Where alerts go: an SNS topic, a Slack channel, PagerDuty or a webhook. */
export interface ContactPoint {
    /** The contact point's name in Grafana, unique in the workspace. */
    name: string;
    /** sns, slack, pagerduty or webhook. */
    type: string;
    /** sns: the topic ARN. */
    topicArn?: string;
    /** slack: the channel. */
    recipient?: string;
    /** webhook: the https URL. */
    url?: string;
}

/** One data account the workspace charts: a source stack, or a source of the same program. */
export interface Source {
    /** The source stack, `<org>/grafana-athena-source/<stack>`, read through a stack reference. Give this, or `key` and `contract`. */
    stack?: string;
    /** A stable name of a source given by `contract` (it names the data source's uid and the children); unique among the sources. */
    key?: string;
    /** The outputs of an `AthenaSourceAccess` in the same program. */
    contract?: SourceContract;
    /** The data source's name in Grafana. Default the source's label. */
    name?: string;
    /** This source's own panels on its dashboard, instead of `dashboard.panels`. */
    panels?: Panel[];
}

/** Arguments of `AthenaWorkspace`: the keys of the `grafana-athena-workspace` project. */
export interface AthenaWorkspaceArgs {
    /** The Amazon Managed Grafana workspace ID, g- and 10 hex characters. */
    workspaceId: string;
    /** The data accounts to chart; at least one. */
    sources: Source[];
    /**
     * Days between Grafana token rotations (1-29). Tokens live 30 days, so a stack may sit untouched up to 30
     * days after its last rotation. Default `7`.
     */
    tokenRotationDays?: number;
    /** Use this Grafana URL (https://...) and grafanaAuth instead of minting a token. Both or neither. */
    grafanaUrl?: string;
    /** A Grafana API token for grafanaUrl, a secret (in a stack: pulumi config set --secret grafanaAuth). */
    grafanaAuth?: pulumi.Input<string>;
    /**
     * The dashboards: {folder (default "Athena"), resultReuseMinutes (default 60, 1-10080), panels ([{type:
     * barchart|gauge|stat|timeseries|table, title, sql, format?: table|timeSeries}], replacing the sample
     * panels on the fleet dashboard and on the dashboard of every source that has no panels of its own; each
     * may read only tables every source grants)}.
     */
    dashboard?: Dashboard;
    /**
     * Check every data source like Grafana's "Save & test" during pulumi up (not during preview). Default
     * `true`.
     */
    verifyDataSources?: boolean;
    /** Organisation mode, with organizationId - the role name every source stack uses. */
    sourceRoleName?: string;
    /** Organisation mode, with sourceRoleName - the AWS Organizations ID (o-...) of the source accounts. */
    organizationId?: string;
    /**
     * The workspace's Grafana teams, [{name, existing?: true to look up a team that exists already (never
     * created or deleted, members not managed), members?: [email addresses of users who have signed in to the
     * workspace at least once], groups?: [IAM Identity Center group IDs or SAML group names, per the
     * workspace's authentication: Grafana's team sync adds their users as they sign in]}]. None (the
     * default): Grafana's defaults, every user may query every data source. Given: each data source may be
     * queried, and each dashboard viewed, by exactly the teams its source stacks name
     * (grafana-athena-source:teams), and by no role.
     */
    teams?: Team[];
    /**
     * Where alerts go, [{name, type: sns, topicArn} | {name, type: slack, recipient?} | {name, type: pagerduty} | {name, type:
     * webhook, url}]. SNS is published to with the workspace role (the stack allows it sns:Publish on exactly these topics); the
     * others' secrets are in contactPointSecrets. A team's alerts go to its contactPoint (teams[].contactPoint).
     */
    contactPoints?: ContactPoint[];
    /**
     * The contact points' secrets by name, a secret: {"<name>": "<Slack webhook URL | PagerDuty integration key | webhook bearer
     * token>"} (pulumi config set --path --secret 'contactPointSecrets["<name>"]' <value>).
     */
    contactPointSecrets?: pulumi.Input<Record<string, string>>;
}

/** Inputs the package marks secret in its schema, by component: the SDKs then wrap them as secrets. */
export const SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
    AthenaSourceAccess: secretKeysOf(SOURCE_KEYS),
    AthenaWorkspace: secretKeysOf(WORKSPACE_COMMON_KEYS),
};

/**
 * The Grafana account's side (steps 4-7): the workspace role may assume the sources' roles, and
 * Grafana gets the Athena plugin, one data source per source, and the dashboards.
 */
export class AthenaWorkspace extends pulumi.ComponentResource {
    /** Data source uid by source key. */
    public readonly dataSourceUids!: pulumi.Output<Record<string, string>>;
    /** Data source name by source key. */
    public readonly dataSourceNames!: pulumi.Output<Record<string, string>>;
    /** Dashboard URL by source key, plus `home` (the dashboard that lists every source) and `fleet` (every source on one). */
    public readonly dashboardUrls!: pulumi.Output<Record<string, string>>;
    /** When the current Grafana token expires (none when grafanaUrl and grafanaAuth are given). */
    public readonly tokenExpiresAt!: pulumi.Output<string | undefined>;
    /** The Grafana id of each team, by name (empty without teams). */
    public readonly teams!: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: AthenaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${PACKAGE_NAME}:index:AthenaWorkspace`, name, {}, opts);
        const { options, sources } = refuseInvalid(this, "AthenaWorkspace", () => workspaceArguments(args));
        const auth = args.grafanaAuth;
        const workspace = new WorkspaceComponent(
            `${name}-workspace`,
            {
                ...options,
                // Only its presence was validated: the token itself never leaves a secret.
                grafanaAuth:
                    options.grafanaAuth !== undefined && auth !== undefined ? pulumi.secret(auth) : undefined,
                // The real secrets (the check may have seen stand-ins): the component wraps them as secrets.
                contactPointSecrets: args.contactPointSecrets ?? {},
                sources: sources.map((s) => ({
                    ...s,
                    outputs: s.outputs ?? readSourceStack(s.key, { parent: this }),
                })),
            },
            { parent: this },
        );
        this.dataSourceUids = workspace.dataSourceUids;
        this.dataSourceNames = workspace.dataSourceNames;
        this.dashboardUrls = workspace.dashboardUrls;
        this.tokenExpiresAt = workspace.tokenExpiresAt;
        this.teams = workspace.teams;
        this.registerOutputs({
            teams: this.teams,
            dataSourceUids: this.dataSourceUids,
            dataSourceNames: this.dataSourceNames,
            dashboardUrls: this.dashboardUrls,
            tokenExpiresAt: this.tokenExpiresAt,
        });
    }
}

/** The workspace keys the package shares with the projects, with the same rules and cross-checks. */
const workspaceCommon = z
    .object(workspaceCommonShape)
    .strict()
    .superRefine(workspaceCrossChecks, r.onAnyObject);

/** A source of the same program: a stable key, and the other per-source settings of a stack source. */
const contractSource = z
    .object(
        {
            key: r.displayName("a stable key of the source"),
            name: sourceRef.shape.name,
            panels: sourceRef.shape.panels,
        },
        { error: r.objectOf("{key, contract, name?, panels?}") },
    )
    .strict();

type ResolvedSource = Omit<WorkspaceSource, "outputs"> & { outputs?: SourceContractInputs };

/**
 * The workspace arguments, checked: the shared keys as the projects check them (with the token's
 * value kept out of it), and each source either a stack (the project's `sources[]` rule) or a key
 * with a contract. Throws ConfigError with every problem.
 */
export function workspaceArguments(args: AthenaWorkspaceArgs): {
    options: z.output<typeof workspaceCommon>;
    sources: ResolvedSource[];
} {
    const ns = "AthenaWorkspace";
    const { sources, grafanaAuth, contactPointSecrets, ...rest } = args as AthenaWorkspaceArgs &
        Record<string, unknown>;
    const plain = plainArgs(rest, []);
    const problems: ConfigProblem[] = [];
    // The token may be an Output (a secret): only whether it is there counts here. So may the
    // contact points' secrets: then the component checks their names once they are known.
    const secrets = pulumi.Output.isInstance(contactPointSecrets)
        ? secretPlaceholders(plain.contactPoints)
        : contactPointSecrets;
    const parsed = {
        ...plain,
        grafanaAuth: grafanaAuth === undefined ? undefined : "[secret]",
        contactPointSecrets: secrets,
    };
    const options = safe(problems, () => parseOrThrow(workspaceCommon, parsed, ns));
    if (pulumi.Output.isInstance(sources)) {
        problems.push({
            key: `${ns}:sources`,
            message:
                "must be a list written in the program (its contracts may be outputs, the list itself not)",
        });
    } else if (!Array.isArray(sources) || sources.length === 0) {
        problems.push({
            key: `${ns}:sources`,
            message:
                "must list at least one source: {stack} for a source stack, or {key, contract} for a source of this program",
        });
    }
    const resolved: ResolvedSource[] = [];
    /** The index in `sources` of each resolved source, for messages. */
    const indices: number[] = [];
    (Array.isArray(sources) ? sources : []).forEach((s, i) => {
        const { contract, ...settings } = (s ?? {}) as Source;
        const at: (string | number)[] = ["sources", i];
        if (contract === undefined) {
            const ref = safe(problems, () =>
                parseOrThrow(sourceRef, plainArgs(settings as Record<string, unknown>, at), ns, at),
            );
            if (ref) {
                indices.push(i);
                resolved.push({ key: ref.stack, name: ref.name, panels: ref.panels });
            }
            return;
        }
        if (settings.stack !== undefined) {
            problems.push({
                key: `${ns}:sources[${i}].stack`,
                message:
                    "must not be given with contract: a source is a stack or a source of this program, not both",
            });
            return;
        }
        const own = safe(problems, () =>
            parseOrThrow(contractSource, plainArgs(settings as Record<string, unknown>, at), ns, at),
        );
        if (own) {
            indices.push(i);
            resolved.push({
                key: own.key,
                name: own.name,
                panels: own.panels,
                outputs: contractInputs(contract),
            });
        }
    });
    const keys = resolved.map((s) => s.key);
    keys.forEach((k, i) => {
        if (keys.indexOf(k) !== i)
            problems.push({
                key: `${ns}:sources[${indices[i]}]`,
                message: `repeats the source ${JSON.stringify(k)}: each source once`,
            });
    });
    if (problems.length > 0 || !options) throw new ConfigError(problems);
    return { options, sources: resolved };
}

/** A contract given as Inputs, split as the component reads it: the public outputs in one value, the external ID apart and secret. */
function contractInputs(contract: SourceContract): SourceContractInputs {
    const all = pulumi.output(contract);
    return {
        public: pulumi.unsecret(
            all.apply((c) =>
                Object.fromEntries(PUBLIC_OUTPUTS.map((n) => [n, (c as Record<string, unknown>)[n]])),
            ),
        ),
        externalId: pulumi.secret(all.apply((c) => c.externalId)),
    };
}
