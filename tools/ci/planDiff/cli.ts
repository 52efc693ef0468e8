/**
 * The plan diff's command line: compares two folders of offline plans (`npm run synth` output)
 * and writes the pull-request comment and, with --full, the whole diff for the job summary.
 *
 *   npm run plan-diff -- <base-dir> <head-dir> [--out FILE] [--full FILE]
 *       [--base-label TEXT] [--head-label TEXT] [--note TEXT]... [--failed TEXT] [--from-pull-request]
         [--policy]
 *   npm run plan-diff -- --help     the options (PLAN_DIFF_OPTIONS), their defaults and the exit codes
 */
import * as fs from "fs";
import * as path from "path";
import { CommandHelp, OptionTable, UsageError, asksForHelp, helpText, parseOptions } from "../../cli/options";
import { JSON_LIMITS } from "./json";
import { UNTRUSTED_LIMITS, readPlanDir } from "./load";
import { RenderOptions, failureMarkdown, fitBlocks, renderBlocks, renderComment } from "./markdown";
import { diffPlanSets } from "./stacks";
import { code } from "../../../shared/markdown";
import { REPOSITORY, workspaceAccounts } from "../../../shared/stackFiles";
import type { Plan } from "../../plan/format";
import type { PlanViolation, PolicyOutcome } from "../../../policy/markdown";

interface CliArgs {
    baseDir: string;
    headDir: string;
    out?: string;
    full?: string;
    baseLabel?: string;
    headLabel?: string;
    notes: string[];
    failed?: string;
    /** The head plans are a pull request's upload: data to check, from code that did not run here. */
    fromPullRequest: boolean;
    /** Also evaluate the policy pack on the head plans and put its violations in the comment. */
    policy: boolean;
    /** Grafana accounts for the pack beside the checkout's workspace stacks'. */
    grafanaAccounts: string[];
}

/** plan-diff's options: the parser and `--help` are both made from this table. */
export const PLAN_DIFF_OPTIONS = {
    out: {
        type: "string",
        value: "FILE",
        default: "stdout",
        help: "write the comment (at most 65,000 characters) to FILE",
    },
    full: {
        type: "string",
        value: "FILE",
        help: "also write the whole diff, uncapped, to FILE (for the job summary)",
    },
    "base-label": {
        type: "string",
        value: "TEXT",
        freeText: true,
        default: "base",
        help: "the base side's name in the comment, e.g. a short commit SHA",
    },
    "head-label": {
        type: "string",
        value: "TEXT",
        freeText: true,
        default: "head",
        help: "the head side's name in the comment",
    },
    note: {
        type: "string",
        value: "TEXT",
        multiple: true,
        freeText: true,
        help: "a note under the comment's title",
    },
    failed: {
        type: "string",
        value: "TEXT",
        freeText: true,
        help: "the head could not be planned: write a comment saying so with TEXT, and no diff",
    },
    "from-pull-request": {
        type: "boolean",
        help:
            `the head plans are a pull request's upload: only *.json files, at most ` +
            `${UNTRUSTED_LIMITS.files}, ${UNTRUSTED_LIMITS.bytes} bytes each, ` +
            `${UNTRUSTED_LIMITS.totalBytes} together`,
    },
    policy: {
        type: "boolean",
        help:
            "also evaluate the policy pack (policy/, as npm run policy does) on the head plans, " +
            "as read for the diff, and list its violations under the comment's title (with " +
            "--failed: say it did not run); its Grafana accounts are this checkout's workspace " +
            "stacks' (infra-account-a, aws:allowedAccountIds)",
    },
    "grafana-account": {
        type: "string",
        value: "ACCOUNT",
        multiple: true,
        help: "with --policy: also a Grafana account of the pack (12 digits), beside the workspace stacks'",
    },
} as const satisfies OptionTable;

const PLAN_DIFF_HELP: CommandHelp = {
    usage: "npm run plan-diff -- <base-dir> <head-dir>",
    summary:
        "Compares two folders of offline plans (npm run synth output, matched by file name) and writes the " +
        "pull-request comment: resources, options that decide deletions, IAM policies, dashboards.",
    positionals: [
        ["<base-dir>", "the base side's plans (a missing folder: every head stack shows as new)"],
        ["<head-dir>", "the head side's plans"],
    ],
    notes: [
        `Every plan is read as a regular file and bounded: JSON nested at most ${JSON_LIMITS.depth} ` +
            `levels, strings of at most ${JSON_LIMITS.stringLength} characters, lists of at most ` +
            `${JSON_LIMITS.arrayLength} items; every text from a plan reaches the comment as inert text.`,
    ],
    examples: [
        [
            "npm run plan-diff -- plans/before plans/after",
            "the comment on stdout: what the change does to every stack",
        ],
        [
            "npm run plan-diff -- base head --out comment.md --full summary.md --base-label abc1234",
            "the comment and the whole diff, as CI writes them",
        ],
    ],
    exitCodes: [
        [0, "the comment was written (or --help)"],
        [1, "a plan is missing, unreadable, not a plan or out of bounds (one line naming the file)"],
        [2, "a bad command line"],
    ],
};

function parseCli(argv: string[]): CliArgs {
    const { values, positionals } = parseOptions(argv, PLAN_DIFF_OPTIONS);
    if (positionals.length !== 2)
        throw new UsageError("give two folders: <base-dir> <head-dir> (see --help)");
    return {
        baseDir: positionals[0],
        headDir: positionals[1],
        out: values.out,
        full: values.full,
        baseLabel: values["base-label"],
        headLabel: values["head-label"],
        notes: values.note ?? [],
        failed: values.failed,
        fromPullRequest: values["from-pull-request"] ?? false,
        policy: values.policy ?? false,
        grafanaAccounts: (values["grafana-account"] ?? []).map((a) => {
            if (!/^\d{12}$/.test(a))
                throw new UsageError(`--grafana-account: "${a.slice(0, 40)}" is not 12 digits`);
            return a;
        }),
    };
}

function write(file: string, text: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
}

/**
 * The policy pack on the head plans, in this process: the plans are the ones the diff read (a pull
 * request's within UNTRUSTED_LIMITS), so they are judged as data, by this checkout's pack. An
 * evaluation that throws is reported in the comment as not run, not as a failed diff (whose
 * comment would blame the plans' size). The pack (policy/, and the IAM catalog it loads) is
 * required only with --policy: it would add about 0.4 s to the start of every plan diff, and a
 * plan diff without it needs nothing outside tools/ and shared/.
 */
async function policyOutcome(
    head: Record<string, Plan>,
    accounts: readonly string[],
    root: string,
): Promise<PolicyOutcome> {
    const { MAX_COMMENT_EVALUATION_COST, evaluatePlans, evaluationCost, withGrafanaAccounts } =
        require("../../../policy/offline") as typeof import("../../../policy/offline");
    // The Grafana accounts are the default branch's workspace stacks' (the checkout this runs from), as fleet
    // check's.
    const config = withGrafanaAccounts({}, [...new Set([...workspaceAccounts(root), ...accounts])]);
    const cost = Object.values(head).reduce((n, p) => n + evaluationCost(p), 0);
    if (cost > MAX_COMMENT_EVALUATION_COST) {
        return {
            ran: false,
            reason:
                `the plans pair too many roles with too much IAM policy to judge here (a cost of ` +
                `${cost}, more than ${MAX_COMMENT_EVALUATION_COST}). Run \`npm run policy\` on them.`,
        };
    }
    try {
        const violations: PlanViolation[] = [];
        for (const [file, plan] of Object.entries(head))
            violations.push(...(await evaluatePlans([plan], config)).map((v) => ({ ...v, file })));
        return { ran: true, violations, planCount: Object.keys(head).length };
    } catch (e) {
        return {
            ran: false,
            reason:
                `it stopped on the plans ` +
                `(${code((e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 200))}).`,
        };
    }
}

/**
 * The command: what it prints on stdout (`out`) and stderr (`err`), and its exit code. `root` is
 * the checkout whose workspace stack files name the Grafana accounts `--policy` trusts: this one,
 * or a copy a test made without the stack files its user added.
 */
export async function main(
    argv: string[],
    out: (t: string) => void = (t) => process.stdout.write(t),
    err: (t: string) => void = (t) => process.stderr.write(t),
    root: string = REPOSITORY,
): Promise<number> {
    try {
        if (asksForHelp(argv)) {
            out(helpText(PLAN_DIFF_HELP, PLAN_DIFF_OPTIONS));
            return 0;
        }
        const args = parseCli(argv);
        const policyMarkdown = args.policy
            ? (require("../../../policy/markdown") as typeof import("../../../policy/markdown"))
            : undefined;
        const options: RenderOptions = {
            baseLabel: args.baseLabel,
            headLabel: args.headLabel,
            notes: [...args.notes],
        };
        let comment: string;
        let full: string;
        if (args.failed !== undefined) {
            if (policyMarkdown)
                options.leadBlocks = policyMarkdown.policyCommentBlocks({
                    ran: false,
                    reason: "the plans were not read (see above), so none was checked.",
                });
            comment = full = failureMarkdown(args.failed, options);
        } else {
            if (!fs.existsSync(args.headDir))
                throw new Error(
                    `no head plans: ${args.headDir} does not exist (write plans ` +
                        `with npm run fleet -- synth --out DIR)`,
                );
            if (!fs.existsSync(args.baseDir))
                options.notes!.push("The base has no offline plans, so every stack shows as new.");
            const base = readPlanDir(args.baseDir);
            const head = readPlanDir(args.headDir, UNTRUSTED_LIMITS, args.fromPullRequest);
            if (args.fromPullRequest) {
                options.notes!.push(
                    "Computed by the default branch's plan diff from the plans the pull request's run " +
                        "uploaded (checked as data; none of the pull request's code ran here).",
                );
            }
            const diffs = diffPlanSets(base, head);
            // The section in both renderings: the comment's lists fewer violations than the summary's.
            let commentLead: string[] | undefined;
            let fullLead: string[] | undefined;
            if (policyMarkdown) {
                const outcome = await policyOutcome(head, args.grafanaAccounts, root);
                commentLead = policyMarkdown.policyCommentBlocks(
                    outcome,
                    policyMarkdown.DEFAULT_MAX_VIOLATIONS,
                );
                fullLead = policyMarkdown.policyCommentBlocks(outcome, policyMarkdown.MAX_SUMMARY_VIOLATIONS);
            }
            comment = renderComment(diffs, { ...options, leadBlocks: commentLead });
            full = fitBlocks(
                renderBlocks(diffs, {
                    ...options,
                    leadBlocks: fullLead,
                    maxDiffLines: Infinity,
                    maxSummaryRows: Infinity,
                }),
                Infinity,
            );
        }
        if (args.out) write(args.out, comment);
        else out(comment);
        if (args.full) write(args.full, full);
        return 0;
    } catch (e) {
        err(`planDiff: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return e instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
