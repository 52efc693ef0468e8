/**
 * The pack's violations as a Markdown section of the pull-request comment: inert text only (the
 * plan diff's escaping: code spans for everything a plan supplies, `neutralize` for the rest), so
 * a resource name in a pull request can neither mention anyone nor render HTML.
 */
import { cell, code, neutralize } from "../shared/markdown";
import type { Violation } from "./offline";

export const POLICY_SECTION_TITLE = "### Policy pack";

/** The section: a verdict line, then a table of violations (mandatory first); pure and deterministic. */
export function policyMarkdown(violations: readonly Violation[], planCount: number): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const lines = [POLICY_SECTION_TITLE, ""];
    if (violations.length === 0) {
        lines.push(
            `✅ No violation in ${planCount} offline plan${planCount === 1 ? "" : "s"} (\`npm run policy\`).`,
        );
        return `${neutralize(lines.join("\n"))}\n`;
    }
    lines.push(
        mandatory > 0
            ? `❌ ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"} (\`npm run ` +
                  `policy\` fails), ${violations.length - mandatory} advisory.`
            : `⚠️ ${violations.length} advisory violation${violations.length === 1 ? "" : "s"}.`,
        "",
        "| Level | Policy | Stack | Resource | Problem | Fix |",
        "| --- | --- | --- | --- | --- | --- |",
    );
    const order = (v: Violation) => (v.level === "mandatory" ? 0 : 1);
    for (const v of [...violations].sort((a, b) => order(a) - order(b))) {
        lines.push(
            `| ${v.level} | ${cell(code(v.policy))} | ${cell(code(v.stack))} | ${cell(code(v.resource))} (${cell(code(v.type))}) | ${cell(code(v.message))} | ${cell(v.fix.replace(/[`<@]/g, ""))} |`,
        );
    }
    return `${neutralize(lines.join("\n"))}\n`;
}

/** A violation of one plan file of the comment (the pull request's head plans, by file name). */
export interface PlanViolation extends Violation {
    /** The plan's file name, e.g. `infra-account-b.prod.json`. */
    file: string;
}

/** What the comment says about the pack: its violations on the head plans, or why it did not run. */
export type PolicyOutcome =
    { ran: true; violations: readonly PlanViolation[]; planCount: number } | { ran: false; reason: string };

/** Most violations listed in the comment. */
export const DEFAULT_MAX_VIOLATIONS = 30;
/** Most listed in the full diff (the render job's summary, which GitHub caps at 1 MiB). */
export const MAX_SUMMARY_VIOLATIONS = 1000;
/**
 * Longest name or type from a plan, and longest message (which quotes the plan), in one violation line of the
 * comment.
 */
const MAX_NAME = 160;
const MAX_MESSAGE = 400;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * The pack's section of the plan-diff comment, as blocks for its fitting (tools/ci/planDiff/markdown.ts
 * `fitBlocks`, which makes every block inert: code spans for everything a plan supplies): a
 * heading with the verdict, an alert when a mandatory violation is there, then one line per
 * violation (mandatory first, then by plan file) with the policy, the resource's name and type,
 * the stack and plan file, what is wrong and the fix. At most `maxViolations` lines, each text cut
 * short, so the verdict and the diff after it fit the comment; the rest is counted.
 */
export function policyCommentBlocks(
    outcome: PolicyOutcome,
    maxViolations = DEFAULT_MAX_VIOLATIONS,
): string[] {
    if (!outcome.ran) {
        return [
            `### Policy pack: not run\n\n> [!WARNING]\n> **The policy pack did not ` +
                `run** on this pull request's plans: ${outcome.reason}`,
        ];
    }
    const { violations, planCount } = outcome;
    if (violations.length === 0) {
        return [
            `### Policy pack: no violations\n\n✅ The default branch's policy pack (\`policy/\`) ` +
                `found no violation in the pull request's ${count(planCount, "plan")}.`,
        ];
    }
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const head = [
        `### Policy pack: ${count(violations.length, "violation")}${
            mandatory ? ` (${mandatory} mandatory)` : ""
        }`,
        "",
    ];
    if (mandatory) {
        head.push(
            "> [!CAUTION]",
            `> **${count(mandatory, "mandatory violation")}** of the default branch's policy pack ` +
                `(\`policy/\`) in the pull request's plans: \`npm run policy\` fails on them.`,
        );
    } else
        head.push(
            `⚠️ ${count(violations.length, "advisory violation")} of the default branch's ` +
                `policy pack (\`policy/\`) in the pull request's plans.`,
        );
    const order = (v: Violation) => (v.level === "mandatory" ? 0 : 1);
    const sorted = [...violations].sort((a, b) => order(a) - order(b));
    const shown = sorted.slice(0, maxViolations);
    const lines = shown.map((v) => {
        const icon = v.level === "mandatory" ? "❌" : "⚠️";
        const what = (t: string) => code(clip(t, MAX_NAME));
        return (
            `- ${icon} ${v.level} ${what(v.policy)}: ${what(v.resource)} (${what(v.type)}) in ` +
            `${what(v.stack)}, ${what(v.file)}: ${code(clip(v.message, MAX_MESSAGE))}. **Fix:** ${v.fix}`
        );
    });
    if (sorted.length > shown.length) {
        const where =
            maxViolations < MAX_SUMMARY_VIOLATIONS && sorted.length <= MAX_SUMMARY_VIOLATIONS
                ? "the job summary of the run that posted this comment lists them all"
                : "`npm run policy` on the plans lists them all";
        lines.push(`- … ${count(sorted.length - shown.length, "more violation")}: ${where}.`);
    }
    return [head.join("\n"), lines.join("\n")];
}
