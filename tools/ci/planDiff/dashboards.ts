/**
 * Grafana dashboards in the plan diff: panels added, removed and changed (by title), the SQL of
 * every changed query as a unified diff, and dashboard-level notes (a new uid breaks links).
 */
import type { PlanResource } from "../../plan/format";
import { code } from "../../../shared/markdown";
import { byCodeUnits } from "../../../shared/order";
import {
    asText,
    changedJsonInputs,
    own,
    isObject,
    same,
    short,
    sortedKeys,
    unifiedDiff,
    visibleControls,
} from "./text";

/** Inputs holding a Grafana dashboard model as a JSON string. */
export const DASHBOARD_INPUTS = ["configJson"];

interface PanelChange {
    title: string;
    status: "added" | "removed" | "changed";
    typeBefore?: string;
    typeAfter?: string;
    changedKeys: string[];
    sql: { refId: string; diff: string }[];
}

export interface DashboardDiff {
    resource: string;
    type: string;
    status: "added" | "removed" | "changed";
    title: string;
    notes: string[];
    panels: PanelChange[];
}

interface PanelInfo {
    key: string;
    title: string;
    type: string;
    raw: Record<string, unknown>;
}

function panelsOf(dashboard: unknown): PanelInfo[] {
    const flat: Record<string, unknown>[] = [];
    const walk = (list: unknown) => {
        if (!Array.isArray(list)) return;
        for (const p of list) {
            if (!isObject(p)) continue;
            flat.push(p);
            walk(p.panels); // panels inside a collapsed row
        }
    };
    walk(isObject(dashboard) ? dashboard.panels : undefined);
    const seen = new Map<string, number>();
    return flat.map((raw) => {
        const type = typeof raw.type === "string" ? raw.type : "(no type)";
        const title =
            typeof raw.title === "string" && raw.title !== ""
                ? raw.title
                : `(untitled ${type}, id ${asText(raw.id)})`;
        const n = (seen.get(title) ?? 0) + 1;
        seen.set(title, n);
        return { key: n > 1 ? `${title} #${n}` : title, title: n > 1 ? `${title} #${n}` : title, type, raw };
    });
}

const SQL_KEYS = ["rawSQL", "rawSql", "queryText", "query"];

function sqlOf(target: Record<string, unknown>): string | undefined {
    for (const k of SQL_KEYS) if (typeof target[k] === "string") return target[k] as string;
    return undefined;
}

function targetsOf(panel: Record<string, unknown>): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const list = Array.isArray(panel.targets) ? panel.targets.filter(isObject) : [];
    list.forEach((t, i) => out.set(typeof t.refId === "string" ? t.refId : `#${i + 1}`, t));
    return out;
}

function withoutSql(t: Record<string, unknown> | undefined): unknown {
    if (!t) return undefined;
    return Object.fromEntries(Object.entries(t).filter(([k]) => !SQL_KEYS.includes(k)));
}

function comparePanels(b: PanelInfo, a: PanelInfo): PanelChange | undefined {
    if (same(a.raw, b.raw)) return undefined;
    const keys = [...new Set([...Object.keys(a.raw), ...Object.keys(b.raw)])].sort(byCodeUnits);
    const changedKeys: string[] = [];
    const sql: { refId: string; diff: string }[] = [];
    for (const k of keys) {
        if (k === "type" || same(own(a.raw, k), own(b.raw, k))) continue;
        if (k !== "targets") {
            changedKeys.push(k);
            continue;
        }
        const tb = targetsOf(b.raw);
        const ta = targetsOf(a.raw);
        let otherTargetChange = false;
        for (const refId of sortedKeys(tb, ta)) {
            const sb = tb.get(refId) ? sqlOf(tb.get(refId)!) : undefined;
            const sa = ta.get(refId) ? sqlOf(ta.get(refId)!) : undefined;
            // Every control character shown: a lone CR that ends a comment must not read as a space.
            if (sb !== sa)
                sql.push({ refId, diff: unifiedDiff(visibleControls(sb ?? ""), visibleControls(sa ?? "")) });
            if (!same(withoutSql(tb.get(refId)), withoutSql(ta.get(refId)))) otherTargetChange = true;
        }
        if (otherTargetChange) changedKeys.push("targets");
    }
    return { title: a.title, status: "changed", typeBefore: b.type, typeAfter: a.type, changedKeys, sql };
}

/** Panels added / removed / changed (by title), SQL diffs per query, dashboard-level notes. */
function dashboardChanges(
    beforeJson: unknown,
    afterJson: unknown,
): { notes: string[]; panels: PanelChange[] } {
    const notes: string[] = [];
    const b = isObject(beforeJson) ? beforeJson : {};
    const a = isObject(afterJson) ? afterJson : {};
    if (beforeJson !== undefined && afterJson !== undefined) {
        if (b.uid !== a.uid)
            notes.push(
                `uid ${code(short(b.uid))} → ${code(short(a.uid))}: a new dashboard ` +
                    `URL; links and bookmarks to the old one break`,
            );
        if (b.title !== a.title) notes.push(`title ${code(short(b.title))} → ${code(short(a.title))}`);
        const other = [...new Set([...Object.keys(a), ...Object.keys(b)])]
            .filter((k) => !["uid", "title", "panels"].includes(k) && !same(own(a, k), own(b, k)))
            .sort(byCodeUnits);
        if (other.length) notes.push(`dashboard settings changed: ${other.map((k) => code(k)).join(", ")}`);
    }
    const pb = new Map(panelsOf(beforeJson).map((p) => [p.key, p]));
    const pa = new Map(panelsOf(afterJson).map((p) => [p.key, p]));
    const panels: PanelChange[] = [];
    for (const key of sortedKeys(pb, pa)) {
        const before = pb.get(key);
        const after = pa.get(key);
        if (after && !before) {
            panels.push({
                title: after.title,
                status: "added",
                typeAfter: after.type,
                changedKeys: [],
                sql: [...targetsOf(after.raw)].flatMap(([refId, t]) =>
                    sqlOf(t) !== undefined
                        ? [{ refId, diff: unifiedDiff("", visibleControls(sqlOf(t)!)) }]
                        : [],
                ),
            });
        } else if (before && !after) {
            panels.push({
                title: before.title,
                status: "removed",
                typeBefore: before.type,
                changedKeys: [],
                sql: [],
            });
        } else if (before && after) {
            const c = comparePanels(before, after);
            if (c) panels.push(c);
        }
    }
    return { notes, panels };
}

export function dashboardDiffs(
    before: PlanResource | undefined,
    after: PlanResource | undefined,
): DashboardDiff[] {
    const r = (after ?? before)!;
    const out: DashboardDiff[] = [];
    for (const { b, a, pb, pa, status } of changedJsonInputs(before, after, DASHBOARD_INPUTS)) {
        const title =
            [pa, pb]
                .map((p) =>
                    p.ok && isObject(p.value) && typeof p.value.title === "string"
                        ? p.value.title
                        : undefined,
                )
                .find((t) => t) ?? r.name;
        if ((b !== undefined && !pb.ok) || (a !== undefined && !pa.ok)) {
            out.push({
                resource: r.name,
                type: r.type,
                status,
                title,
                notes: ["the dashboard JSON is not parseable on one side; shown as changed"],
                panels: [],
            });
            continue;
        }
        const { notes, panels } = dashboardChanges(
            pb.ok ? pb.value : undefined,
            pa.ok ? pa.value : undefined,
        );
        out.push({ resource: r.name, type: r.type, status, title, notes, panels });
    }
    return out;
}
