/**
 * The plan diff as GitHub-flavoured Markdown for a pull-request comment. Pure (no clock, no
 * environment, sorted by code units): the same plans give byte-identical Markdown. The comment
 * starts with MARKER so a workflow can find and update it, and stays under GitHub's 65,536-character
 * comment limit: diff blocks are capped, and trailing sections dropped with a note pointing to the
 * full diff in the job summary.
 */
import type { Plan } from "../../plan/format";
import { StackDiff, ValueChange, diffPlanSets } from "./stacks";
import { MARKER, cell, code, fence, flat, neutralize } from "../../../shared/markdown";
import { capLines, plural, short, thousands } from "./text";
import { engineOnlyLine, removedStackText, resourceLabel } from "./stackNotes";

/** GitHub rejects issue/PR comment bodies longer than this. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** Default size of a rendered comment: under the limit, with room to spare. */
export const DEFAULT_MAX_LENGTH = 65000;
/** Default cap on the lines of one diff block (the job summary's rendering has none). */
const DEFAULT_MAX_DIFF_LINES = 300;
/**
 * Default cap on the rows of the summary table and the names in the "Unchanged" line: a change to
 * shared/ in a fleet of thousands of stacks changes every plan, and one row per stack would leave
 * no room for the diff itself. The job summary's rendering has no cap.
 */
export const DEFAULT_MAX_SUMMARY_ROWS = 100;

const TITLE = "## Offline plan diff";

export interface RenderOptions {
    /** Label of the base side, e.g. a short commit SHA. */
    baseLabel?: string;
    /** Label of the head side. */
    headLabel?: string;
    /** Extra lines shown under the title (e.g. "the base has no offline plan"). */
    notes?: string[];
    /** Longest comment, in UTF-16 code units (≤ GITHUB_COMMENT_LIMIT). Default DEFAULT_MAX_LENGTH. */
    maxLength?: number;
    /** Longest diff block, in lines. Default DEFAULT_MAX_DIFF_LINES; Infinity for none. */
    maxDiffLines?: number;
    /**
     * Most rows of the summary table (and names of unchanged plans). Default DEFAULT_MAX_SUMMARY_ROWS;
     * Infinity for none.
     */
    maxSummaryRows?: number;
    /**
     * Sections right under the header, before the diff (the policy pack's verdict on the head
     * plans, policy/markdown.ts): kept first when the comment is cut to fit, and made inert as
     * every block is.
     */
    leadBlocks?: readonly string[];
}

function stackName(d: StackDiff): string {
    return `${d.project}/${d.stack}`;
}

function countsCell(d: StackDiff): string {
    const parts = [`+${d.added.length}`, `−${d.removed.length}`, `~${d.changed.length}`];
    return parts.join(" ");
}

function header(options: RenderOptions): string[] {
    const lines = [MARKER, TITLE, ""];
    const sides =
        options.baseLabel || options.headLabel
            ? ` Base ${code(options.baseLabel ?? "base")} → head ${code(options.headLabel ?? "head")}.`
            : "";
    lines.push(
        `Offline plans of the stacks the change touches (\`npm run ` +
            `fleet -- synth\`, no cloud access).${sides}`,
    );
    for (const n of options.notes ?? []) lines.push("", `> [!NOTE]\n> ${flat(n)}`);
    return lines;
}

/** One line of totals over every plan: what a reviewer of a fleet-wide change reads first. */
function totalsLine(diffs: StackDiff[], changed: StackDiff[]): string {
    const count = (status: StackDiff["status"]) => changed.filter((d) => d.status === status).length;
    const sum = (pick: (d: StackDiff) => number) => changed.reduce((n, d) => n + pick(d), 0);
    const statuses = (["added", "removed", "refused", "changed"] as const)
        .filter((st) => count(st) > 0)
        .map((st) => `${thousands(count(st))} ${st}`);
    const flagged = sum((d) => d.flags.length);
    return (
        `**${thousands(changed.length)} of ${thousands(diffs.length)} ` +
        `${diffs.length === 1 ? "plan" : "plans"}** differ (${statuses.join(", ")}): ` +
        `resources +${thousands(sum((d) => d.added.length))} ` +
        `−${thousands(sum((d) => d.removed.length))} ~${thousands(sum((d) => d.changed.length))}, ` +
        `${plural(
            sum((d) => d.policies.length),
            "IAM policy",
            "IAM policies",
        )}, ${plural(
            sum((d) => d.dashboards.length),
            "dashboard",
        )}, ` +
        `${flagged ? `⚠️ ${plural(flagged, "destroy-relevant change")}` : "nothing destroy-relevant"}.`
    );
}

/**
 * The summary table of the plans that differ, the destroy-relevant first; past `maxRows`, one
 * line says how many more (the job summary lists them all).
 */
function summaryTable(changed: StackDiff[], maxRows: number): string {
    const rows = [
        "| Stack | Plan file | Status | Resources (+ − ~) | IAM policies | Dashboards | Destroy-relevant |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ];
    const ordered = [
        ...changed.filter((d) => d.flags.length > 0),
        ...changed.filter((d) => d.flags.length === 0),
    ];
    for (const d of ordered.slice(0, maxRows)) {
        rows.push(
            `| ${cell(code(stackName(d)))} | ${cell(code(d.file))} | ${d.status} | ` +
                `${d.status === "unchanged" || d.status === "refused" ? "—" : countsCell(d)} | ` +
                `${d.policies.length || "—"} | ${d.dashboards.length || "—"} | ` +
                `${d.flags.length ? `⚠️ ${d.flags.length}` : "—"} |`,
        );
    }
    if (ordered.length > maxRows)
        rows.push(
            "",
            `… and ${plural(ordered.length - maxRows, "more plan that differs", "more plans that differ")}:` +
                ` the job summary of the run that posted this comment lists every one.`,
        );
    return rows.join("\n");
}

function renderStack(d: StackDiff, maxDiffLines: number): string[] {
    const blocks: string[] = [];
    const head = [`### ${code(stackName(d))} — ${code(d.file)}`];
    if (d.status === "added")
        head.push("", `**New stack:** not in the base — ${plural(d.added.length, "resource")}, all new.`);
    if (d.status === "removed") head.push("", removedStackText(d));
    if (d.status === "refused") {
        head.push(
            "",
            `**Refused:** \`fleet synth\` refused this stack: ${code(d.refused ?? "")}. Nothing ` +
                `of it is planned, and nothing of it changes, until it plans.`,
        );
    }
    blocks.push(head.join("\n"));

    if (d.flags.length) {
        const lines = [
            "> [!WARNING]",
            "> **Resource options and deletions** — these decide what " +
                "`pulumi up` / `pulumi destroy` deletes:",
        ];
        for (const f of d.flags)
            lines.push(`> - ${resourceLabel({ name: f.resource, type: f.type }, d)}: ${f.text}`);
        blocks.push(lines.join("\n"));
    }

    const res: string[] = [];
    if (d.added.length || d.removed.length || d.changed.length) {
        res.push(
            `**Resources:** ${d.added.length} added, ${d.removed.length} ` +
                `removed, ${d.changed.length} changed`,
            "",
        );
        for (const r of d.added) res.push(`- ➕ ${resourceLabel(r, d)}`);
        for (const r of d.removed) res.push(`- ➖ ${resourceLabel(r, d)}`);
        for (const c of d.changed) {
            const what: string[] = [];
            if (c.inputKeys.length) what.push(`inputs ${c.inputKeys.map(code).join(", ")}`);
            const opts = [...new Set(c.optionChanges.map((o) => o.path.replace(/\[\d+\]$/, "")))];
            if (opts.length) what.push(`options ${opts.map(code).join(", ")}`);
            if (c.parent) what.push("parent");
            if (c.provider) what.push("provider");
            res.push(`- ✏️ ${resourceLabel(c, d)}: ${what.join("; ")}`);
            const details: ValueChange[] = [
                ...c.inputChanges,
                ...c.optionChanges.map((o) => ({ ...o, path: `options.${o.path}` })),
            ];
            if (c.provider)
                details.push({ path: "provider", before: c.provider.before, after: c.provider.after });
            const shown = details.slice(0, 12);
            for (const v of shown)
                res.push(`  - ${code(v.path)}: ${code(short(v.before))} → ${code(short(v.after))}`);
            if (details.length > shown.length) res.push(`  - … ${details.length - shown.length} more`);
        }
    }
    if (d.engineOnly.length) {
        if (res.length) res.push("");
        res.push(engineOnlyLine(d));
    }
    if (d.reads.added.length || d.reads.removed.length || d.reads.changed.length) {
        if (res.length) res.push("");
        res.push("**Read (not managed) resources:**", "");
        for (const r of d.reads.added) res.push(`- ➕ read ${resourceLabel(r)} id ${code(r.id)}`);
        for (const r of d.reads.removed) res.push(`- ➖ read ${resourceLabel(r)} id ${code(r.id)}`);
        for (const { before, after } of d.reads.changed)
            res.push(`- ✏️ read ${resourceLabel(after)}: id ${code(before.id)} → ${code(after.id)}`);
    }
    if (d.outputs.length && d.status === "changed") {
        if (res.length) res.push("");
        res.push("**Stack outputs** (what other stacks read):", "");
        for (const o of d.outputs)
            res.push(`- ${code(o.path)}: ${code(short(o.before))} → ${code(short(o.after))}`);
    }
    if (res.length) blocks.push(res.join("\n"));

    if (d.policies.length) {
        blocks.push("#### IAM policies");
        for (const p of d.policies) {
            const what = p.input === "assumeRolePolicy" ? "trust policy" : "policy";
            const icon = p.status === "added" ? "➕" : p.status === "removed" ? "➖" : "✏️";
            const lines = [
                `##### ${icon} ${what} — ` +
                    `${resourceLabel({ name: p.resource, type: p.type }, d)}, input ${code(p.input)}`,
            ];
            if (p.summary.length) lines.push("", fence(capLines(p.summary.join("\n"), maxDiffLines), "diff"));
            lines.push(
                "",
                p.diff ? fence(capLines(p.diff, maxDiffLines), "diff") : "_(no textual difference)_",
            );
            blocks.push(lines.join("\n"));
        }
    }

    if (d.dashboards.length) {
        blocks.push("#### Dashboards");
        for (const g of d.dashboards) {
            const icon = g.status === "added" ? "➕" : g.status === "removed" ? "➖" : "✏️";
            const lines = [
                `##### ${icon} dashboard ${code(g.title)} — ` +
                    `${resourceLabel({ name: g.resource, type: g.type }, d)}`,
                "",
            ];
            for (const n of g.notes) lines.push(`- ${n}`);
            const added = g.panels.filter((p) => p.status === "added");
            const removed = g.panels.filter((p) => p.status === "removed");
            const changed = g.panels.filter((p) => p.status === "changed");
            if (g.status === "removed")
                lines.push(`- dashboard removed (${plural(removed.length, "panel")})`);
            for (const p of added) lines.push(`- ➕ panel ${code(p.title)} (${code(p.typeAfter ?? "?")})`);
            if (g.status !== "removed")
                for (const p of removed)
                    lines.push(`- ➖ panel ${code(p.title)} (${code(p.typeBefore ?? "?")})`);
            for (const p of changed) {
                const what: string[] = [];
                if (p.typeBefore !== p.typeAfter)
                    what.push(`type ${code(p.typeBefore ?? "?")} → ${code(p.typeAfter ?? "?")}`);
                if (p.sql.length) what.push("SQL");
                if (p.changedKeys.length) what.push(p.changedKeys.map(code).join(", "));
                lines.push(`- ✏️ panel ${code(p.title)} (${code(p.typeAfter ?? "?")}): ${what.join("; ")}`);
            }
            if (lines[lines.length - 1] === "") lines.pop();
            // SQL of new panels in a new dashboard is long and not a change to review line by line.
            const sqlPanels = g.panels.filter(
                (p) => p.sql.length && (p.status === "changed" || g.status !== "added"),
            );
            for (const p of sqlPanels) {
                for (const s of p.sql) {
                    lines.push(
                        "",
                        `SQL of panel ${code(p.title)}, query ${code(s.refId)}:`,
                        "",
                        fence(capLines(s.diff, maxDiffLines), "diff"),
                    );
                }
            }
            blocks.push(lines.join("\n"));
        }
    }

    for (const [lines, title] of [
        [d.access, "Grafana access (who may query, who may view)"],
        [d.alertRules, "Alert rules (per team: folder, data source, condition, where it is sent, SQL)"],
        [d.alerting, "Where alerts go (contact points and the notification policy's routes)"],
        [d.variables, "Dashboard variables (what each offers; a query's SQL runs when the dashboard opens)"],
    ] as const)
        if (lines.length)
            blocks.push(
                [`#### ${title}`, "", fence(capLines(lines.join("\n"), maxDiffLines), "diff")].join("\n"),
            );

    if (d.jsonDocs.length) {
        blocks.push("#### Data source settings");
        for (const j of d.jsonDocs) {
            const icon = j.status === "added" ? "➕" : j.status === "removed" ? "➖" : "✏️";
            blocks.push(
                [
                    `##### ${icon} ` +
                        `${resourceLabel({ name: j.resource, type: j.type }, d)}, input ${code(j.input)}`,
                    "",
                    fence(capLines(j.diff, maxDiffLines), "diff"),
                ].join("\n"),
            );
        }
    }
    return blocks;
}

/** The whole comment as blocks (the unit of truncation), before any truncation. */
export function renderBlocks(diffs: StackDiff[], options: RenderOptions = {}): string[] {
    const maxDiffLines = options.maxDiffLines ?? DEFAULT_MAX_DIFF_LINES;
    const blocks = [header(options).join("\n"), ...(options.leadBlocks ?? [])];
    const changed = diffs.filter((d) => d.status !== "unchanged");
    if (changed.length === 0) {
        blocks.push(
            diffs.length === 0
                ? "**No changes**: there are no plans on either side."
                : `**No changes**: the offline plans are identical ` +
                      `(${plural(diffs.length, "plan file")} compared: ` +
                      `${diffs.map((d) => code(d.file)).join(", ")}).`,
        );
        return blocks;
    }
    const maxRows = options.maxSummaryRows ?? DEFAULT_MAX_SUMMARY_ROWS;
    blocks.push(totalsLine(diffs, changed), summaryTable(changed, maxRows));
    const flagged = changed.filter((d) => d.flags.length);
    if (flagged.length) {
        blocks.push(
            `> [!CAUTION]\n> ${plural(
                flagged.reduce((n, d) => n + d.flags.length, 0),
                "resource deletion or option change",
                "resource deletions or option changes",
            )} ` +
                `(protect / retainOnDelete / import / removals) in ` +
                `${flagged.map((d) => code(stackName(d))).join(", ")}: see the warnings below.`,
        );
    }
    const unchanged = diffs.filter((d) => d.status === "unchanged");
    if (unchanged.length) {
        const named = unchanged
            .slice(0, maxRows)
            .map(
                (d) =>
                    `${code(d.file)}${
                        d.engineOnly.length
                            ? ` (${plural(d.engineOnly.length, "engine-only option change")})`
                            : ""
                    }`,
            );
        blocks.push(
            `Unchanged: ${named.join(", ")}${
                unchanged.length > maxRows ? `, and ${thousands(unchanged.length - maxRows)} more` : ""
            }.`,
        );
    }
    // Destroy-relevant stacks first: when the comment is cut to fit, theirs are the sections kept.
    for (const d of [...flagged, ...changed.filter((d) => d.flags.length === 0)])
        blocks.push(...renderStack(d, maxDiffLines));
    return blocks;
}

/**
 * Joins blocks, dropping the tail once the next block would not fit in `maxLength` (with a
 * note saying so). Whole blocks only, so no code fence or alert is ever left open. `Infinity`
 * keeps everything (the job summary); a comment needs at most GITHUB_COMMENT_LIMIT.
 */
export function fitBlocks(rendered: string[], maxLength = DEFAULT_MAX_LENGTH): string {
    const blocks = rendered.map(neutralize);
    const limit = maxLength;
    const full = `${blocks.join("\n\n")}\n`;
    if (full.length <= limit) return full;
    const note = (left: number) =>
        `> [!IMPORTANT]\n> **Truncated** to fit a GitHub comment ` +
        `(${thousands(limit)} characters; the whole diff has ` +
        `${thousands(full.length)}): ${plural(left, "more section")} not shown. ` +
        "The full diff is in the job summary of the run that posted this comment.";
    const kept: string[] = [];
    let length = 0;
    for (let i = 0; i < blocks.length; i++) {
        const add = (kept.length ? 2 : 0) + blocks[i].length;
        const tail = 2 + note(blocks.length - i - 1).length + 1;
        if (length + add + tail > limit) break;
        kept.push(blocks[i]);
        length += add;
    }
    if (kept.length === 0) {
        // Even the header does not fit (absurdly small limit): keep the marker and the note.
        return `${MARKER}\n${note(blocks.length)}\n`.slice(0, limit);
    }
    return `${kept.join("\n\n")}\n\n${note(blocks.length - kept.length)}\n`;
}

/**
 * The comment for computed diffs, at most `maxLength`: diff blocks capped at `maxDiffLines`, and
 * trailing sections dropped (with a note) when that is still too long. The job summary gets the
 * whole rendering, so the comment needs no finer ladder.
 */
export function renderComment(diffs: StackDiff[], options: RenderOptions = {}): string {
    const maxLength = Math.min(options.maxLength ?? DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT);
    return fitBlocks(renderBlocks(diffs, options), maxLength);
}

/** The pull-request comment for two sets of plans (by file name). */
export function planDiffMarkdown(
    base: Record<string, Plan>,
    head: Record<string, Plan>,
    options: RenderOptions = {},
): string {
    return renderComment(diffPlanSets(base, head), options);
}

/** The comment when the head could not be planned: says so instead of a misleading diff. */
export function failureMarkdown(message: string, options: RenderOptions = {}): string {
    const blocks = [
        header(options).join("\n"),
        `> [!CAUTION]\n> **The offline plan failed**, so there is no diff: ${flat(message)}`,
        ...(options.leadBlocks ?? []),
    ];
    return fitBlocks(blocks, Math.min(options.maxLength ?? DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT));
}
