/**
 * What the statements of a Grafana role's identity policy may grant (docs/policy-pack.md, "The
 * permissions of such a role"): every action pattern expanded through the IAM catalog, every
 * resource judged as IAM matches it. `*` serves only List actions without resource-level
 * permissions; no Read (data) and no Write, Permissions management or Tagging action on `*` or
 * on a wildcard ARN; no NotAction or NotResource in an Allow. A Deny only narrows and is skipped.
 */
import { CatalogAction, expandAction, reads, writes } from "./catalog";
import { hasWildcard, literalPrefix } from "./glob";
import { Statement, isRecord, list, show, statementId, valuesByKey } from "./values";

/** Which policy of the pack a finding belongs to. */
export type GrantKind = "write" | "read" | "not" | "bad" | "chain";

export interface GrantFinding {
    kind: GrantKind;
    /** What the statement does wrong, after `statement "<id>" of <policy>`. */
    message: string;
    /** A chain finding that is only sts:AssumeRole on named roles: what a workspace role may do (rule S6). */
    namedAssume?: boolean;
}

/**
 * A role ARN without wildcard or policy variable, or organisation mode's
 * `arn:<p>:iam::*:role/<name>` held to one organisation by StringEquals aws:ResourceOrgID
 * (shared/policies/workspaceRole.ts builds both).
 */
function namedRole(r: unknown, s: Statement): boolean {
    const m = typeof r === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@/-]+$/.exec(r) : null;
    if (!m) return false;
    if (m[1] !== "*") return true;
    const org = valuesByKey(
        isRecord(s.Condition) ? s.Condition.StringEquals : undefined,
        "aws:ResourceOrgID",
    );
    return org.length > 0 && org.every((o) => typeof o === "string" && /^o-[a-z0-9]{10,32}$/.test(o));
}

const judged = new WeakMap<readonly Statement[], Promise<GrantFinding[]>>();

/** The findings of one policy's statements, judged once per document however many roles share it. */
export function judgeStatements(statements: readonly Statement[]): Promise<GrantFinding[]> {
    let p = judged.get(statements);
    if (!p) judged.set(statements, (p = judge(statements)));
    return p;
}

const allStars = (r: string) => r.length > 0 && [...r].every((c) => c === "*");

/**
 * Actions that let the role act as another principal (assume, or hand to a service, a role whose
 * policies this stack does not show) or mint credentials: a role Grafana may assume that has one
 * reaches whatever the other role may do, so the pack refuses them on any resource.
 */
export const CHAIN_ACTIONS = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoot",
    "sts:GetFederationToken",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
];
const chains = (a: CatalogAction) => CHAIN_ACTIONS.some((c) => c.toLowerCase() === a.full.toLowerCase());

/**
 * Whether a resource pattern with a wildcard reaches beyond one resource of the action's kind:
 * for some ARN format of the action's resource types, the pattern's literal start stops before it
 * has named every part but the last (the last may be open only when a container before it is
 * named: objects of one bucket, tables of one database). A pattern that cannot match the format
 * at all does not count for it.
 */
export function isWildcardArn(resource: string, formats: readonly string[]): boolean {
    const variable = resource.indexOf("${");
    if (!hasWildcard(resource) && variable < 0) return false;
    if (formats.length === 0) return true;
    // A policy variable is read as a wildcard from where it starts: IAM fills it from the request
    // (`${aws:referer}`, `${aws:userid}`, request tags), so the caller may choose what it names.
    const known = literalPrefix(variable < 0 ? resource : resource.slice(0, variable));
    return formats.some((f) => binding(known, f) === "open");
}

const ACCOUNT_PARTS = ["${Partition}", "${Region}", "${Account}"];

function binding(known: string, format: string): "mismatch" | "bound" | "open" {
    // The catalog's formats: literals between ${Placeholder}s (a constant expression on catalog data).
    const parts = format.split(/(\$\{[^}]*\})/);
    const placeholders = parts.filter((_, i) => i % 2 === 1);
    const naming = placeholders.filter((p) => !ACCOUNT_PARTS.includes(p));
    const lastMayBeOpen =
        naming.length >= 2 && naming[naming.length - 1] === placeholders[placeholders.length - 1];
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
        if (i % 2 === 0) {
            const literal = parts[i];
            const seen = known.slice(at, at + literal.length);
            if (seen.length < literal.length) {
                if (!literal.startsWith(seen)) return "mismatch";
                const unbound = (parts.length - 1 - i) / 2;
                return unbound === 0 || (unbound === 1 && lastMayBeOpen) ? "bound" : "open";
            }
            if (seen !== literal) return "mismatch";
            at += literal.length;
            continue;
        }
        const isLast = i === parts.length - 2;
        if (isLast && lastMayBeOpen) return "bound";
        const next = parts[i + 1];
        if (next.length === 0) return "open";
        const end = known.indexOf(next[0], at);
        if (end < 0) return "open";
        at = end;
    }
    return "bound";
}

const MAX_LISTED = 4;
const listed = (items: readonly string[]) =>
    `${items.slice(0, MAX_LISTED).join(", ")}${
        items.length > MAX_LISTED ? ` (and ${items.length - MAX_LISTED} more)` : ""
    }`;

async function judge(statements: readonly Statement[]): Promise<GrantFinding[]> {
    const out: GrantFinding[] = [];
    for (const [i, s] of statements.entries()) {
        if (s.Effect === "Deny") continue;
        const id = `"${statementId(s, i)}"`;
        if (s.Effect !== "Allow")
            out.push({ kind: "bad", message: `${id} has Effect ${show(s.Effect)}, which IAM refuses` });
        if ("NotAction" in s)
            out.push({ kind: "not", message: `${id} allows with NotAction: every action it does not list` });
        if ("NotResource" in s)
            out.push({
                kind: "not",
                message: `${id} allows with NotResource: every resource it does not list`,
            });
        const patterns = list(s.Action);
        const resources = list(s.NotResource !== undefined && s.Resource === undefined ? "*" : s.Resource);
        if (!("Action" in s) && !("NotAction" in s))
            out.push({ kind: "bad", message: `${id} has no Action` });
        if (!("Resource" in s) && !("NotResource" in s))
            out.push({ kind: "bad", message: `${id} has no Resource` });
        const odd = [...patterns, ...resources].find((v) => typeof v !== "string");
        if (odd !== undefined)
            out.push({
                kind: "bad",
                message: `${id} has an action or resource that is ${show(odd)}, not a string`,
            });
        const actions: CatalogAction[] = [];
        const unknown: string[] = [];
        for (const p of patterns.filter((x): x is string => typeof x === "string")) {
            const found = await expandAction(p);
            if (found.length === 0) unknown.push(show(p, 60));
            actions.push(...found);
        }
        if (unknown.length > 0)
            out.push({
                kind: "bad",
                message: `${id} names ${listed(unknown)}, not an action of the IAM catalog`,
            });
        const hits: Record<"write" | "read", { actions: Set<string>; resources: Set<string> }> = {
            write: { actions: new Set(), resources: new Set() },
            read: { actions: new Set(), resources: new Set() },
        };
        const chained = [...new Set(actions.filter(chains).map((a) => a.full))];
        // sts:AssumeRole on named roles only: the chain rule judges it (a workspace role may), not the write
        // rule.
        const namedAssume =
            chained.every((a) => a.toLowerCase() === "sts:assumerole") &&
            !("NotResource" in s) &&
            resources.length > 0 &&
            resources.every((r) => namedRole(r, s));
        for (const r of resources.filter((x): x is string => typeof x === "string")) {
            const star = allStars(r);
            for (const a of actions) {
                if (namedAssume && a.full === "sts:AssumeRole") continue;
                let kind: "write" | "read" | undefined;
                if (writes(a)) kind = star || isWildcardArn(r, a.formats) ? "write" : undefined;
                else if (star) kind = !a.wildcardOnly || reads(a) ? "read" : undefined;
                // A List action with resource-level permissions lists what one resource holds
                // (s3:ListBucket: its keys), so on a wildcard ARN it reads beyond named resources.
                else if ((reads(a) || !a.wildcardOnly) && isWildcardArn(r, a.formats)) kind = "read";
                if (kind) {
                    hits[kind].actions.add(a.full);
                    hits[kind].resources.add(show(r, 100));
                }
            }
        }
        if (chained.length > 0)
            out.push({
                kind: "chain",
                message:
                    `${id} allows ${listed(chained)}: ` +
                    "the role may act as another role, whose permissions the pack does not judge",
                namedAssume,
            });
        for (const kind of ["write", "read"] as const) {
            const h = hits[kind];
            if (h.actions.size === 0) continue;
            const on = [...h.resources].map((r) => `"${r}"`);
            const what = kind === "write" ? "writes" : "reads";
            out.push({
                kind,
                message:
                    `${id} allows ${listed([...h.actions])} on ` +
                    `${listed(on)}: ${what} beyond named resources`,
            });
        }
    }
    return out;
}
