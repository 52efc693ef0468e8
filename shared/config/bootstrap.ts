/**
 * Settings of the bootstrap stack (`grafana-athena-bootstrap`): the CI roles of every member
 * account, deployed by one StackSet from the organisation's management or delegated administrator
 * account. The names default to the source program's own defaults and examples.
 */
import { z } from "zod";
import { REPOSITORY } from "../ci/identity";
import { partitionOf, partitionOfArn } from "../partition";
import { declareKeys, kindsOf, shapeOf } from "./declare";
import { DEFAULT_ROLE_NAME } from "./source";
import * as r from "./rules";

export const BOOTSTRAP_NAMESPACE = "grafana-athena-bootstrap";
/** The bootstrap project's folder: its stack files say what the data accounts' CI roles reach. */
export const BOOTSTRAP_FOLDER = "bootstrap";

/** The workgroups and results buckets of the source stacks, unless the stack file names others. */
const DEFAULT_WORKGROUP_NAMES = ["grafana*"];
const DEFAULT_RESULTS_BUCKET_NAMES = ["grafana-athena-*"];

/** At most this many patterns per list: every one is an ARN in several policies. */
const MAX_PATTERNS = 10;

const repository = z
    .string({
        error: (i) =>
            i.input === undefined
                ? "is required: the GitHub repository whose workflows the roles trust, owner/repo"
                : `must be owner/repo, got ${r.describe(i.input)}`,
    })
    .regex(REPOSITORY, {
        error: (i) =>
            `must be a GitHub repository owner/repo (owner: letters, digits, hyphens; ` +
            `repo: letters, digits, . _ -), got ${r.describe(i.input)}`,
    })
    .refine((s) => !s.endsWith("/.") && !s.endsWith("/.."), {
        error: (i) => `must name a repository, got ${r.describe(i.input)}`,
    });

/** An organisational unit (`ou-` root part, `-` and its own part) or the organisation's root (`r-`). */
const organizationalUnitId = z
    .string({
        error: (i) =>
            `must be an organisational unit ID such as ou-ab12-cdef3456, got ${r.describe(i.input)}`,
    })
    .regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, {
        error: (i) =>
            `must be an organisational unit ID (ou-<4-32>-<8-32> lowercase letters and ` +
            `digits) or the root (r-...), got ${r.describe(i.input)}`,
    });

/**
 * A name pattern as IAM reads it in an ARN: the name's own characters and `*` (never `?`). It must
 * begin with three characters before any `*`: a pattern such as `*` or `*a*b*c*` would give the
 * deploy role nearly every workgroup or bucket of the account.
 */
const namePattern = (what: string, chars: RegExp, example: string) =>
    z
        .string({
            error: (i) => `must be a ${what} name or pattern such as ${example}, got ${r.describe(i.input)}`,
        })
        .regex(chars, {
            error: (i) =>
                `must be a ${what} name or pattern such as ${example} (its name's ` +
                `characters, * for any), got ${r.describe(i.input)}`,
        })
        .refine((p) => /^[^*]{3}/.test(p), {
            error: (i) =>
                `must begin with at least 3 characters before any *: ` +
                `${r.describe(i.input)} would reach other ${what}s of the account`,
        });

const patternList = (what: string, item: z.ZodType<string>) =>
    z
        .array(item, {
            error: (i) => `must be a list of ${what} names or patterns, got ${r.describe(i.input)}`,
        })
        .min(1, { error: `must list at least one ${what} name or pattern` })
        .max(MAX_PATTERNS, { error: `must list at most ${MAX_PATTERNS} ${what} names or patterns` })
        .refine((xs) => new Set(xs).size === xs.length, { error: `lists a ${what} twice` });

/**
 * Every key of the bootstrap project, declared once (shared/config/declare.ts): `Pulumi.yaml`, the
 * zod shape, how the stack file holds each and docs/config/ follow.
 */
export const BOOTSTRAP_KEYS = declareKeys({
    repository: {
        type: "string",
        description:
            "The GitHub repository whose workflows the roles trust, owner/repo (its OIDC subjects must " +
            "be customised to include job_workflow_ref and event_name: docs/ci.md).",
        rule: repository,
    },
    organizationalUnitIds: {
        type: "array",
        items: "string",
        description:
            "The organisational units (ou-...) or the root (r-...) whose accounts get the CI roles; an " +
            "account moved into one gets them automatically, one moved out loses them.",
        rule: z
            .array(organizationalUnitId, {
                error: (i) =>
                    i.input === undefined
                        ? "is required: the organisational units whose accounts get the " +
                          'CI roles, such as ["ou-ab12-cdef3456"]'
                        : `must be a list of organisational unit IDs, got ${r.describe(i.input)}`,
            })
            .min(1, { error: "must list at least one organisational unit" })
            .max(100, {
                error:
                    "must list at most 100 organisational units (a StackSet " +
                    "instance each): list their parent instead",
            })
            .refine((xs) => new Set(xs).size === xs.length, { error: "lists an organisational unit twice" }),
    },
    delegatedAdministrator: {
        type: "boolean",
        default: false,
        description:
            "The stack runs in a delegated administrator account of CloudFormation StackSets " +
            "(CallAs DELEGATED_ADMIN), not in the management account.",
        rule: r.bool("the stack runs in a delegated administrator account, not the management account"),
    },
    createOidcProvider: {
        type: "boolean",
        default: true,
        description:
            "Create GitHub's OIDC provider (token.actions.githubusercontent.com) in every account; false " +
            "where the accounts already have it (an account has at most one per URL).",
        rule: r.bool("create GitHub's OIDC provider in every account; false where the accounts have it"),
    },
    regions: {
        type: "array",
        items: "string",
        default: [],
        description:
            "The regions the source stacks deploy to (their aws:region); the roles reach " +
            "workgroups only there. Empty (the default): this stack's aws:region.",
        rule: z
            .array(r.region, { error: (i) => `must be a list of AWS regions, got ${r.describe(i.input)}` })
            .max(MAX_PATTERNS, { error: `must list at most ${MAX_PATTERNS} regions` })
            .refine((xs) => new Set(xs).size === xs.length, { error: "lists a region twice" }),
    },
    sourceRoleName: {
        type: "string",
        default: DEFAULT_ROLE_NAME,
        description:
            "The role the source stacks create (grafana-athena-source:roleName): the only role the " +
            "deploy role may create, always with the permissions boundary.",
        rule: r.assumableRoleName,
    },
    workgroupNames: {
        type: "array",
        items: "string",
        default: DEFAULT_WORKGROUP_NAMES,
        description:
            "The source stacks' workgroup names (grafana-athena-source:workgroup.name), as names or " +
            "patterns with * after at least 3 characters; the roles reach no other workgroup.",
        rule: patternList("workgroup", namePattern("workgroup", /^[a-zA-Z0-9._*-]{1,128}$/, "grafana*")),
    },
    resultsBucketNames: {
        type: "array",
        items: "string",
        default: DEFAULT_RESULTS_BUCKET_NAMES,
        description:
            "The source stacks' results bucket names (grafana-athena-source:results.bucket), as names or " +
            "patterns with * after at least 3 characters; the roles reach no other bucket.",
        rule: patternList("bucket", namePattern("bucket", /^[a-z0-9.*-]{1,63}$/, "grafana-athena-*")),
    },
    stateBucket: {
        type: "string",
        optional: true,
        description:
            "The bucket of a self-managed S3 backend (pulumi login s3://<bucket>): the plan role may read " +
            "state and take a stack's lock, only the deploy role may write state. Empty: Pulumi Cloud.",
        rule: r.bucketName,
    },
    stateKmsKeyArn: {
        type: "string",
        optional: true,
        description:
            "The KMS key of the stacks' secrets provider (awskms://...): the plan role " +
            "may decrypt with it, the deploy role also encrypt.",
        rule: r.kmsKeyArn,
    },
    organizationId: {
        type: "string",
        optional: true,
        description:
            "The organisation's ID (o-...), required with stateBucket: the state bucket's policy (the " +
            "stack output stateBucketPolicy) lets only the organisation's CI roles in.",
        rule: r.organizationId,
    },
});

export const bootstrapSettingsShape = shapeOf(BOOTSTRAP_KEYS);
/** How each top-level key is stored in Pulumi config. */
export const BOOTSTRAP_KEY_KINDS = kindsOf(BOOTSTRAP_KEYS);

/** Keys that only mean something together, and ARNs of the stack's partition. */
function crossChecks(region: string | undefined) {
    return (s: Record<string, unknown>, ctx: z.RefinementCtx) => {
        if (s.stateBucket !== undefined && s.organizationId === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["organizationId"],
                message:
                    "is required with stateBucket: the state bucket's policy lets only the " +
                    "organisation's CI roles in (aws:PrincipalOrgID), e.g. o-a1b2c3d4e5",
            });
        }
        if (s.stateKmsKeyArn !== undefined && s.stateBucket === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["stateKmsKeyArn"],
                message:
                    "is the key of a self-managed backend's secrets: set stateBucket too, or leave it out",
            });
        }
        const partition = region && r.region.safeParse(region).success ? partitionOf(region) : undefined;
        if (partition === undefined) return;
        if (Array.isArray(s.regions)) {
            s.regions.forEach((other, i) => {
                if (
                    typeof other === "string" &&
                    r.region.safeParse(other).success &&
                    partitionOf(other) !== partition
                ) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["regions", i],
                        message:
                            `is in ${partitionOf(other)}, but aws:region ${region} is in ` +
                            `${partition}: one organisation is one partition`,
                    });
                }
            });
        }
        const key = typeof s.stateKmsKeyArn === "string" ? partitionOfArn(s.stateKmsKeyArn) : undefined;
        if (key !== undefined && key !== partition) {
            ctx.addIssue({
                code: "custom",
                path: ["stateKmsKeyArn"],
                message:
                    `is in the ${key} partition, but aws:region ${region} is in ` +
                    `${partition}: give a key of the ${partition} partition`,
            });
        }
    };
}

/** The bootstrap project's settings, for a stack in `region` (its `aws:region`). */
export function bootstrapSettingsFor(region: string | undefined) {
    return z.object(bootstrapSettingsShape).strict().superRefine(crossChecks(region), r.onAnyObject);
}

export type BootstrapSettings = z.output<ReturnType<typeof bootstrapSettingsFor>>;
