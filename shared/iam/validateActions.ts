/**
 * The Action / NotAction check of a policy statement: every action exists in the IAM catalog (a
 * wildcard matches at least one; a misspelt name gets the nearest ones), and a trust policy grants
 * only the sts: actions a role's trust may grant.
 */
import { hasWildcard } from "./arnPattern";
import { ActionInfo, serviceInfo } from "./iamCatalog";
import type { PolicyKind } from "./policy";
import { listOf, nearest } from "./validateMessages";

/** The actions a role trust policy may grant. */
const TRUST_ACTIONS = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

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

/** An Action entry the catalog knows, as written (`value`) and what it names. */
export type KnownAction = { value: string; entry: Extract<ActionEntry, { kind: "actions" }> };

/**
 * Checks a statement's Action and NotAction entries; returns the known Action entries, the
 * distinct actions they name, and whether any action at all may be meant (NotAction, or `*`).
 */
export async function checkActions(
    actionValues: readonly string[],
    notActionValues: readonly string[],
    kind: PolicyKind,
    say: (m: string) => void,
): Promise<{ known: KnownAction[]; actions: ActionInfo[]; openEnded: boolean }> {
    const known: KnownAction[] = [];
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
    return { known, actions, openEnded };
}
