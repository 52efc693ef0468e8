/**
 * The pack's violations as a Markdown section of the pull-request comment: inert text only (the
 * plan diff's escaping: code spans for everything a plan supplies, `neutralize` for the rest), so
 * a resource name in a pull request can neither mention anyone nor render HTML.
 */
import { neutralize } from "../tools/planDiff/markdown";
import { cell, code } from "../tools/planDiff/text";
import type { Violation } from "./offline";

export const POLICY_SECTION_TITLE = "### Policy pack";

/** The section: a verdict line, then a table of violations (mandatory first); pure and deterministic. */
export function policyMarkdown(violations: readonly Violation[], planCount: number): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const lines = [POLICY_SECTION_TITLE, ""];
    if (violations.length === 0) {
        lines.push(`✅ No violation in ${planCount} offline plan${planCount === 1 ? "" : "s"} (\`npm run policy\`).`);
        return `${neutralize(lines.join("\n"))}\n`;
    }
    lines.push(
        mandatory > 0
            ? `❌ ${mandatory} mandatory violation${mandatory === 1 ? "" : "s"} (\`npm run policy\` fails), ${violations.length - mandatory} advisory.`
            : `⚠️ ${violations.length} advisory violation${violations.length === 1 ? "" : "s"}.`,
        "",
        "| Level | Policy | Stack | Resource | Problem | Fix |",
        "| --- | --- | --- | --- | --- | --- |",
    );
    const order = (v: Violation) => (v.level === "mandatory" ? 0 : 1);
    for (const v of [...violations].sort((a, b) => order(a) - order(b))) {
        lines.push(`| ${v.level} | ${cell(code(v.policy))} | ${cell(code(v.stack))} | ${cell(code(v.resource))} (${cell(code(v.type))}) | ${cell(code(v.message))} | ${cell(v.fix.replace(/[`<@]/g, ""))} |`);
    }
    return `${neutralize(lines.join("\n"))}\n`;
}
