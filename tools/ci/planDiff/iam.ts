/**
 * IAM policies in the plan diff: a statement-level summary (added, removed and changed
 * statements; wildcards marked) and a unified diff of the pretty-printed JSON.
 */
import type { PlanResource } from "../../plan/format";
import { byCodeUnits } from "../../../shared/order";
import {
    asList,
    asText,
    own,
    canonicalJson,
    changedJsonInputs,
    isObject,
    pretty,
    same,
    short,
    unifiedDiff,
} from "./text";

/** Inputs holding an IAM policy document as a JSON string. */
export const POLICY_INPUTS = ["assumeRolePolicy", "policy"];

export interface PolicyDiff {
    resource: string;
    type: string;
    input: string;
    status: "added" | "removed" | "changed";
    summary: string[];
    diff: string;
}

interface Statement {
    key: string;
    label: string;
    raw: Record<string, unknown>;
}

function statementsOf(doc: unknown): Statement[] {
    if (!isObject(doc)) return [];
    const list = Array.isArray(doc.Statement)
        ? doc.Statement
        : doc.Statement === undefined
          ? []
          : [doc.Statement];
    const seen = new Map<string, number>();
    return list.filter(isObject).map((raw, i) => {
        const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
        let key = sid ?? `\u0000${canonicalJson(raw)}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        if (n > 1) key = `${key}\u0000${n}`;
        return { key, label: sid ?? `#${i + 1} (no Sid)`, raw };
    });
}

function principals(v: unknown): string[] {
    if (v === undefined) return [];
    if (typeof v === "string") return [v];
    if (!isObject(v)) return [canonicalJson(v)];
    return Object.keys(v)
        .sort(byCodeUnits)
        .flatMap((kind) => asList(v[kind]).map((p) => `${kind}:${p}`));
}

function conditions(v: unknown): string[] {
    if (!isObject(v)) return v === undefined ? [] : [canonicalJson(v)];
    const out: string[] = [];
    for (const op of Object.keys(v).sort(byCodeUnits)) {
        const keys = v[op];
        if (!isObject(keys)) {
            out.push(`${op} ${canonicalJson(keys)}`);
            continue;
        }
        for (const k of Object.keys(keys).sort(byCodeUnits))
            out.push(`${op} ${k} = ${asList(keys[k]).join(" | ")}`);
    }
    return out;
}

const STATEMENT_FIELDS: { field: string; label: string; list: (v: unknown) => string[] }[] = [
    { field: "Principal", label: "principal", list: principals },
    { field: "NotPrincipal", label: "not-principal", list: principals },
    { field: "Action", label: "action", list: asList },
    { field: "NotAction", label: "not-action", list: asList },
    { field: "Resource", label: "resource", list: asList },
    { field: "NotResource", label: "not-resource", list: asList },
    { field: "Condition", label: "condition", list: conditions },
];

/** Marks the grants a reviewer should look at twice: wildcard actions, `*` resources and principals. */
function wildcard(label: string, item: string): string {
    const broad =
        ((label === "action" || label === "not-action") && item.includes("*")) ||
        ((label === "resource" || label === "not-resource") && item === "*") ||
        ((label === "principal" || label === "not-principal") && (item === "*" || item.endsWith(":*")));
    return broad ? " (wildcard)" : "";
}

function describeStatement(s: Statement): string {
    const parts: string[] = [];
    for (const { field, label, list } of STATEMENT_FIELDS) {
        const items = list(own(s.raw, field));
        if (items.length === 0) continue;
        parts.push(`${items.length === 1 ? label : `${label}s`} ${items.join(", ")}`);
    }
    const effect = typeof s.raw.Effect === "string" ? s.raw.Effect : "(no Effect)";
    return `statement ${s.label}: ${effect} ${parts.join("; ")}`;
}

/** Statement-level summary: `+ statement X: …`, `- statement Y: …`, `! statement Z:` with item lines. */
export function policySummary(beforeDoc: unknown, afterDoc: unknown): string[] {
    const before = new Map(statementsOf(beforeDoc).map((s) => [s.key, s]));
    const after = new Map(statementsOf(afterDoc).map((s) => [s.key, s]));
    const out: string[] = [];
    const order = [...new Set([...after.keys(), ...before.keys()])];
    for (const key of order) {
        const b = before.get(key);
        const a = after.get(key);
        if (a && !b) out.push(`+ ${describeStatement(a)}`);
        else if (b && !a) out.push(`- ${describeStatement(b)}`);
        else if (a && b && !same(a.raw, b.raw)) {
            out.push(`! statement ${a.label}:`);
            if (a.raw.Effect !== b.raw.Effect)
                out.push(`!     effect ${asText(b.raw.Effect)} → ${asText(a.raw.Effect)}`);
            for (const { field, label, list } of STATEMENT_FIELDS) {
                const l1 = list(own(b.raw, field));
                const l2 = list(own(a.raw, field));
                for (const item of l2.filter((x) => !l1.includes(x)))
                    out.push(`+     ${label} ${item}${wildcard(label, item)}`);
                for (const item of l1.filter((x) => !l2.includes(x))) out.push(`-     ${label} ${item}`);
            }
            const known = new Set(["Sid", "Effect", ...STATEMENT_FIELDS.map((f) => f.field)]);
            const other = [...new Set([...Object.keys(a.raw), ...Object.keys(b.raw)])].filter(
                (k) => !known.has(k) && !same(own(a.raw, k), own(b.raw, k)),
            );
            for (const k of other.sort(byCodeUnits)) out.push(`!     ${k} changed`);
        }
    }
    if (!isObject(beforeDoc) || !isObject(afterDoc)) return out;
    const docChanges = [
        ...new Set([
            ...Object.keys(isObject(beforeDoc) ? beforeDoc : {}),
            ...Object.keys(isObject(afterDoc) ? afterDoc : {}),
        ]),
    ]
        .filter((k) => k !== "Statement")
        .sort(byCodeUnits)
        .filter(
            (k) =>
                !same(
                    isObject(beforeDoc) ? own(beforeDoc, k) : undefined,
                    isObject(afterDoc) ? own(afterDoc, k) : undefined,
                ),
        );
    for (const k of docChanges) {
        out.push(
            `! ${k}: ${short(isObject(beforeDoc) ? own(beforeDoc, k) : undefined)} → ` +
                `${short(isObject(afterDoc) ? own(afterDoc, k) : undefined)}`,
        );
    }
    return out;
}

export function policyDiffs(before: PlanResource | undefined, after: PlanResource | undefined): PolicyDiff[] {
    const r = (after ?? before)!;
    const out: PolicyDiff[] = [];
    for (const { input, b, a, pb, pa, status } of changedJsonInputs(before, after, POLICY_INPUTS)) {
        out.push({
            resource: r.name,
            type: r.type,
            input,
            status,
            summary: policySummary(pb.ok ? pb.value : undefined, pa.ok ? pa.value : undefined),
            diff: unifiedDiff(pretty(b), pretty(a)),
        });
    }
    return out;
}
