/**
 * Config rules both projects share. Each rule says what is wrong and what is expected, so a
 * message built from it needs no other context than the key it is attached to.
 */
import { z } from "zod";
import { administratorRoleArnProblem, administratorRoleProblem } from "../iam/administratorRoles";
import { CONTROL, INVISIBLE, nameKey } from "../naming";
import { MAX_TEAMS } from "./bounds";
import { isKnownRegion, partitionOf } from "../partition";
import { keyPrefixProblem, normalisedPrefix, parseS3Location } from "../s3";

/** A zod message function: "is required" when absent, else the given text. */
const need = (what: string) => (issue: { input?: unknown }) =>
    issue.input === undefined ? `is required: ${what}` : `must be ${what}, got ${describe(issue.input)}`;

/** The message for a field no setting has (a typo, as a rule). */
export const UNKNOWN_SETTING = "is not a known setting (check the spelling against Pulumi.yaml)";

/** The message for a value that is not the object a setting is. */
export const objectOf = (shape: string) => (issue: { input?: unknown }) =>
    issue.input === undefined
        ? `is required: an object ${shape}`
        : `must be an object ${shape}, got ${describe(issue.input)}`;

/** How long an echoed value may be: a message names it, it does not reproduce it. */
const ECHO_LIMIT = 80;

/** Strings that are secrets while config is read (the values of secret keys): never echoed. */
let hidden: ReadonlySet<string> = new Set();

/** Runs `body` with `values` hidden from every message `describe` writes. */
export function withHiddenValues<T>(values: ReadonlySet<string>, body: () => T): T {
    const before = hidden;
    hidden = values;
    try {
        return body();
    } finally {
        hidden = before;
    }
}

/** `message` with every occurrence of a hidden value (of 4 characters or more) replaced by `[secret]`. */
export function hideValues(message: string, values: ReadonlySet<string>): string {
    let out = message;
    for (const v of [...values].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length))
        out = out.split(v).join("[secret]");
    return out;
}

/** A value as a message quotes it: cut to about 80 characters, and `[secret]` for a secret. */
export function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    if (typeof value === "string") {
        if (hidden.has(value)) return "[secret]";
        return value.length > ECHO_LIMIT
            ? `${JSON.stringify(value.slice(0, ECHO_LIMIT))}… (${value.length} characters)`
            : JSON.stringify(value);
    }
    if (Array.isArray(value)) return "a list";
    if (value === null) return "null";
    return typeof value === "object" ? "an object" : `${typeof value} ${String(value).slice(0, ECHO_LIMIT)}`;
}

export const accountId = z
    .string({ error: need("a 12-digit AWS account ID") })
    .regex(/^\d{12}$/, { error: (i) => `must be a 12-digit AWS account ID, got ${describe(i.input)}` });

/** A region the AWS provider knows (its `Region` list), of a partition this program supports. */
export const region = z
    .string({ error: need("an AWS region such as eu-west-1") })
    .regex(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, {
        error: (i) => `must be an AWS region such as eu-west-1, got ${describe(i.input)}`,
    })
    .refine(isKnownRegion, {
        error: (i) =>
            `is not an AWS region the AWS provider knows (such as eu-west-1, us-east-1, ` +
            `cn-north-1, us-gov-west-1), got ${describe(i.input)}`,
    })
    .refine((r) => partitionOf(r) !== undefined, {
        error: (i) =>
            String(i.input).startsWith("eusc-")
                ? `is in the European Sovereign Cloud (aws-eusc), which this program does not support: use ` +
                  `a region of aws, aws-cn or aws-us-gov, got ${describe(i.input)}`
                : `is in an isolated partition (aws-iso), which this program does not support: use a ` +
                  `region of aws, aws-cn or aws-us-gov, got ${describe(i.input)}`,
    });

/** An IAM role ARN (`arn:<partition>:iam::<account>:role/[path/]<name>`): its shape only. */
export const roleArn = z
    .string({ error: need("an IAM role ARN (arn:aws:iam::<account>:role/<name>)") })
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
        error: (i) =>
            `must be an IAM role ARN (arn:aws:iam::<account>:role/[path/]<name>), got ${describe(i.input)}`,
    })
    .refine((a) => !/\/\/|:role\/\/|\/$/.test(a), {
        error: (i) => `must be an IAM role ARN without empty path segments, got ${describe(i.input)}`,
    });

/**
 * A role ARN that Grafana's side of the trust involves (the workspace role a source trusts, the
 * role a source exports): never an administrator or service-linked role (iam/administratorRoles.ts).
 */
export const grafanaRoleArn = roleArn.superRefine((a, ctx) => {
    const problem = administratorRoleArnProblem(a);
    if (problem)
        ctx.addIssue({
            code: "custom",
            message: `${problem}, got ${describe(a)}: give the role of the Grafana workspace`,
        });
});

export const kmsKeyArn = z
    .string({ error: need("a KMS key ARN") })
    .regex(
        /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/mrk-[0-9a-f]{32}$/,
        {
            error: (i) =>
                `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got ` +
                `${describe(i.input)}; an alias ARN cannot be used in IAM policies`,
        },
    );

/** Glue database and table names: lowercase letters, digits and underscores (Athena's rule). */
const glueName = (what: string) =>
    z.string({ error: need(`a ${what} name`) }).regex(/^[a-z0-9_]{1,255}$/, {
        error: (i) =>
            `must be a ${what} name of lowercase letters, digits and ` +
            `underscores (at most 255), got ${describe(i.input)}`,
    });
export const databaseName = glueName("Glue database");
export const tableName = glueName("Glue table");

/** S3 bucket naming rules (general purpose buckets). */
export const bucketName = z
    .string({ error: need("an S3 bucket name") })
    .refine(
        (b) =>
            /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b) &&
            !b.includes("..") &&
            !/^\d+\.\d+\.\d+\.\d+$/.test(b) &&
            !b.startsWith("xn--"),
        {
            error: (i) =>
                `must be an S3 bucket name (3-63 lowercase letters, digits, ` +
                `dots and hyphens), got ${describe(i.input)}`,
        },
    );

/**
 * Prefix inside a bucket; normalised to end with "/". Everything that would make the prefix in a
 * policy mean more than it says is refused (s3.ts `keyPrefixProblem`: policy variables, wildcards,
 * empty, . and .. segments, escapes, blanks at a segment's ends, invisible characters).
 */
export const s3Prefix = z
    .string({ error: need("an S3 key prefix such as grafana/") })
    .superRefine((p, ctx) => {
        const problem = keyPrefixProblem(p);
        if (problem)
            ctx.addIssue({
                code: "custom",
                message: `must be an S3 key prefix such as grafana/, but it ${problem}, got ${describe(p)}`,
            });
    })
    .transform(normalisedPrefix);

/** `s3://bucket[/prefix]` where the bucket name is valid and the prefix passes `s3Prefix`'s rule. */
export const s3Location = z
    .string({ error: need("an S3 location s3://bucket[/prefix]") })
    .superRefine((u, ctx) => {
        const loc = parseS3Location(u);
        const problem =
            typeof loc === "string"
                ? loc
                : bucketName.safeParse(loc.bucket).success
                  ? undefined
                  : "has an invalid bucket name";
        if (problem)
            ctx.addIssue({
                code: "custom",
                message:
                    `must be an S3 location s3://bucket[/prefix] with a valid bucket ` +
                    `name, but it ${problem}, got ${describe(u)}`,
            });
    })
    .transform((u) => parseS3Location(u) as { bucket: string; prefix: string });

export const workgroupName = z
    .string({ error: need("an Athena workgroup name") })
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, {
        error: (i) =>
            `must be an Athena workgroup name (1-128 letters, digits, . _ -), got ${describe(i.input)}`,
    });

export const catalogName = z
    .string({ error: need("an Athena data catalog name") })
    .regex(/^[A-Za-z0-9_@-]{1,256}$/, {
        error: (i) => `must be an Athena data catalog name such as AwsDataCatalog, got ${describe(i.input)}`,
    });

const iamRoleName = z.string({ error: need("an IAM role name") }).regex(/^[\w+=,.@-]{1,64}$/, {
    error: (i) => `must be an IAM role name (1-64 letters, digits and +=,.@_-), got ${describe(i.input)}`,
});

export const iamPolicyName = z.string({ error: need("an IAM policy name") }).regex(/^[\w+=,.@-]{1,128}$/, {
    error: (i) => `must be an IAM policy name (1-128 letters, digits and +=,.@_-), got ${describe(i.input)}`,
});

/**
 * A role name this program lets a workspace assume: never one of the administrator, automation or
 * service-linked roles of iam/administratorRoles.ts (one list, a reason per pattern).
 */
export const assumableRoleName = iamRoleName.superRefine((n, ctx) => {
    const problem = administratorRoleProblem(n);
    if (problem)
        ctx.addIssue({
            code: "custom",
            message:
                `must not be an administrator role: it ${problem}, got ${describe(n)}; ` +
                `use the role the source stacks create for Grafana`,
        });
});

/** A name people read in Grafana (a data source, a folder, a panel): one line, at most `max` characters. */
export const displayName = (what: string, max = 100) =>
    z
        .string({ error: need(what) })
        .refine((s) => s.trim().length > 0 && s.length <= max, {
            error: `must be a non-empty name of at most ${max} characters`,
        })
        .refine((s) => !CONTROL.test(s), {
            error: "must be one line of text, without control characters such as line breaks or tabs",
        })
        .refine((s) => CONTROL.test(s) || s.trim() === "" || (s.trim() === s && !/ {2}/.test(s)), {
            error:
                "must not start or end with a space, nor hold two spaces in a " +
                "row: names that look alike must be alike",
        })
        .refine((s) => CONTROL.test(s) || !INVISIBLE.test(s), {
            error:
                "must not hold invisible characters (zero-width, bidi controls, fillers, blanks " +
                "other than a plain space): names that look alike must be alike",
        });

export const label = displayName("a short human name");

/**
 * A Grafana team's name: one line, as Grafana shows it (and as source stacks name it), without
 * `{{`: it is the value of the `team` label of the team's alert rules, which Grafana expands as a
 * template at every evaluation (a name that expands to another team's would route there).
 */
export const teamName = displayName("a Grafana team name").refine((s) => !s.includes("{{"), {
    error:
        "must not hold {{: a team's name is the team label of its alert rules, which Grafana " +
        "expands as a template",
});

/**
 * The teams a source names (its config's `teams`, the contract's `teams` output): at most
 * `MAX_TEAMS`, none twice, compared as a reader compares names (`nameKey`).
 */
export const teamNameList = (item: z.ZodType<string>, notAList: (issue: { input?: unknown }) => string) =>
    z
        .array(item, { error: notAList })
        .max(MAX_TEAMS, {
            error: (i) =>
                `lists ${(i.input as unknown[]).length} teams, more than the ` +
                `${MAX_TEAMS} a workspace stack defines`,
        })
        .refine((ts) => new Set(ts.map(nameKey)).size === ts.length, {
            error:
                "lists a team twice (names are compared ignoring case, Unicode " +
                "compatibility forms and look-alike characters)",
        });

/**
 * A team member: the email address Grafana knows the user by (the Grafana provider's `Team`
 * takes members by email, and they must exist in Grafana already).
 */
export const memberEmail = z
    .string({ error: need("the email address of a Grafana user") })
    .max(254, { error: "must be an email address of at most 254 characters" })
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
        error: (i) => `must be the email address of a Grafana user, got ${describe(i.input)}`,
    });

/** An IAM Identity Center group ID (Identity Store `GroupId`: an optional 10-hex prefix, then a UUID). */
export const IDENTITY_CENTER_GROUP_ID =
    /^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A group a team is synced from: an IAM Identity Center group ID, or a SAML group name as the
 * workspace's assertion carries it. At most 190 characters: Grafana keeps it in the `group_id`
 * column of its `team_group` table, NVARCHAR(190) (grafana/grafana
 * pkg/services/sqlstore/migrations/team_mig.go, `addTeamSyncMigrations`). One line, no control or
 * invisible characters: a group that looks like another must be that other.
 */
export const teamGroup = z
    .string({ error: need("an IAM Identity Center group ID or a SAML group name") })
    .min(1, { error: "must be an IAM Identity Center group ID or a SAML group name, not empty" })
    .max(190, { error: "must be at most 190 characters (Grafana keeps a team's group in 190)" })
    .refine((s) => !CONTROL.test(s), { error: "must be one line without control characters" })
    .refine((s) => CONTROL.test(s) || !INVISIBLE.test(s), {
        error:
            "must not hold invisible characters (zero-width, bidi controls, " +
            "fillers): groups that look alike must be alike",
    })
    .refine((s) => s.trim() === s, { error: "must not start or end with a space" });

/**
 * A stack name as the Pulumi CLI takes one (pulumi/pulumi sdk/go/common/tokens/stack_name.go
 * `ParseStackName`: letters, digits, `_`, `.`, `-`, at most 100 characters), but never `.` or `..`,
 * which a path or a URL built from the name (a backend's state file, the service's API) reads as a
 * folder.
 */
export const PULUMI_STACK_NAME = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,100}$/;

/** A Pulumi stack reference, fully qualified. */
const stackName = z
    .string({ error: need('a fully qualified stack name "org/project/stack"') })
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, {
        error: (i) =>
            `must be a fully qualified stack name "org/project/stack" (use "organization" as ` +
            `the org with a self-managed backend), got ${describe(i.input)}`,
    })
    .refine(
        (s) =>
            s.split("/").length !== 3 ||
            (s.split("/").every((part) => !/^\.{1,2}$/.test(part)) &&
                PULUMI_STACK_NAME.test(s.split("/")[2])),
        {
            error: (i) =>
                `must be a fully qualified stack name "org/project/stack" without . or .. as a part, its ` +
                `stack name at most 100 characters (the Pulumi CLI's limit), got ${describe(i.input)}`,
        },
    );

/** A source stack: a stack of the grafana-athena-source project, whose outputs are the contract. */
export const sourceStackName = stackName.refine(
    (s) => s.split("/").length !== 3 || s.split("/")[1] === "grafana-athena-source",
    {
        error: (i) =>
            `must be a stack of the grafana-athena-source project ` +
            `("org/grafana-athena-source/stack"), got ${describe(i.input)}`,
    },
);

export const workspaceId = z
    .string({ error: need("an Amazon Managed Grafana workspace ID (g- and 10 hex characters)") })
    .regex(/^g-[0-9a-f]{10}$/, {
        error: (i) =>
            `must be an Amazon Managed Grafana workspace ID (g- and 10 hex ` +
            `characters), got ${describe(i.input)}`,
    });

export const organizationId = z
    .string({ error: need("an AWS Organizations ID (o-...)") })
    .regex(/^o-[a-z0-9]{10,32}$/, {
        error: (i) =>
            `must be an AWS Organizations ID (o- and 10-32 lowercase ` +
            `letters or digits), got ${describe(i.input)}`,
    });

/** The root of an https endpoint, `https://<host>`: no credentials, port, path, query or fragment. */
export const httpsEndpoint = z
    .string({
        error: need(
            "an https:// endpoint such as https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
        ),
    })
    .refine(
        (u) => {
            try {
                const url = new URL(u);
                return (
                    url.protocol === "https:" &&
                    /^https:\/\/[^/?#@\s]+\/?$/.test(u) &&
                    url.port === "" &&
                    url.username === "" &&
                    url.password === ""
                );
            } catch {
                return false;
            }
        },
        {
            error: (i) =>
                `must be https://<host> with nothing after the host (no credentials, port, ` +
                `path, query or fragment), got ${describe(i.input)}`,
        },
    )
    .transform((u) => new URL(u).origin);

export const integer = (what: string, min: number, max: number) =>
    z
        .number({ error: need(`${what}, a whole number from ${min} to ${max}`) })
        .int({ error: (i) => `must be a whole number, got ${describe(i.input)}` })
        .min(min, { error: (i) => `must be at least ${min} (${what}), got ${describe(i.input)}` })
        .max(max, { error: (i) => `must be at most ${max} (${what}), got ${describe(i.input)}` });

export const bool = (what: string) => z.boolean({ error: need(`true or false (${what})`) });

/**
 * Zod skips refinements of an object once one of its keys has an aborting problem (a list where a
 * number belongs); cross-key checks that read their keys defensively run on any object with this
 * option, so that every problem is reported at once.
 */
export const onAnyObject = {
    when: (p: { value: unknown }) =>
        typeof p.value === "object" && p.value !== null && !Array.isArray(p.value),
};
