/**
 * `npm run policy -- PLAN.json... [--config FILE] [--json] [--markdown FILE]`: the policy pack
 * (policy/) on offline plans (`npm run synth`, `npm run fleet -- synth`): one line per violation
 * with the policy, the resource's name and type, and the fix. Exit 0 no mandatory violation, 1 a
 * mandatory violation (or a plan or config that cannot be read), 2 bad command line.
 */
import * as fs from "fs";
import * as path from "path";
import {
    CommandHelp,
    OptionTable,
    OptionValues,
    UsageError,
    asksForHelp,
    helpText,
    parseOptions,
} from "../cli/options";
import { Plan, readPlanFile } from "../plan/format";
import {
    MAX_CONFIG_FILE_BYTES,
    MAX_PLAN_FILE_BYTES,
    UnreadableFile,
    readRegularFile,
} from "../../shared/files";
import {
    PackConfig,
    evaluatePlans,
    packConfigProblems,
    violationLine,
    withGrafanaAccounts,
} from "../../policy/offline";
import { workspaceAccounts } from "../../shared/stackFiles";
import { policyMarkdown } from "../../policy/markdown";

/** The command's options: the parser and `--help` are both made from this table. */
const POLICY_OPTIONS = {
    config: {
        type: "string",
        value: "FILE",
        help:
            'the pack\'s config, as for pulumi preview --policy-pack-config: {"<policy>": ' +
            '"advisory"|"disabled"|{enforcementLevel, workspaceRoleArns, grafanaAccountIds}}',
    },
    fleet: {
        type: "boolean",
        help:
            "take the accounts of this checkout's workspace stacks (infra-account-a, " +
            "aws:allowedAccountIds) as the Grafana accounts of every policy whose config names none, as " +
            "fleet check does",
    },
    json: { type: "boolean", help: "print the violations as a JSON array instead of lines" },
    markdown: {
        type: "string",
        value: "FILE",
        help: "write the violations as a Markdown section for a pull-request comment",
    },
} as const satisfies OptionTable;

const POLICY_HELP: CommandHelp = {
    usage: "npm run policy -- PLAN.json|DIR...",
    summary:
        "Evaluates the grafana-athena policy pack (policy/) on offline plans, as " +
        "`pulumi preview --policy-pack policy` does on real stacks.",
    positionals: [
        [
            "PLAN.json|DIR",
            "plans written by npm run synth or npm run fleet -- synth (files, or folders of *.json plans)",
        ],
    ],
    examples: [
        ["npm run synth && npm run policy -- out", "the example plans, judged by every policy of the pack"],
        [
            "npm run policy -- plans --config pack.json --markdown policy.md",
            "a fleet's plans with the pack's config, and the pull request's section",
        ],
    ],
    exitCodes: [
        [0, "no mandatory violation (or --help)"],
        [1, "a mandatory violation, or a plan or config that cannot be read"],
        [2, "a bad command line"],
    ],
};

export async function main(
    argv: string[],
    out: (t: string) => void = (t) => process.stdout.write(t),
    err: (t: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    if (asksForHelp(argv)) {
        out(helpText(POLICY_HELP, POLICY_OPTIONS));
        return 0;
    }
    let values: OptionValues<typeof POLICY_OPTIONS>;
    let positionals: string[];
    try {
        ({ values, positionals } = parseOptions(argv, POLICY_OPTIONS));
        if (positionals.length === 0)
            throw new UsageError("no plan given: name plan files or folders of plans");
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        err(`${e.message}\n${helpText(POLICY_HELP, POLICY_OPTIONS).split("\n")[0]}\n`);
        return 2;
    }
    let config: PackConfig = {};
    if (values.config) {
        try {
            config = JSON.parse(readRegularFile(values.config, MAX_CONFIG_FILE_BYTES).toString("utf8"));
        } catch (e) {
            err(`${e instanceof UnreadableFile ? e.message : `${values.config}: is not JSON`}\n`);
            return 1;
        }
        const problems = packConfigProblems(config);
        if (problems.length > 0) {
            err(problems.map((p) => `${values.config}: ${p}\n`).join(""));
            return 1;
        }
    }
    const plans: Plan[] = [];
    // A folder stands for its *.json plans (npm run fleet -- synth --out DIR): thousands of file
    // names would not fit the command line npm run hands to sh -c (128 KiB on Linux).
    const files = positionals.flatMap((p) =>
        isDirectory(p)
            ? fs
                  .readdirSync(p)
                  .filter((f) => f.endsWith(".json"))
                  .sort()
                  .map((f) => path.join(p, f))
            : [p],
    );
    for (const file of files) {
        try {
            // Regular files of a bounded size only: a FIFO or /dev/zero named as a plan would hang or exhaust
            // the heap.
            const text = readRegularFile(file, MAX_PLAN_FILE_BYTES).toString("utf8");
            plans.push(readPlanFile(file, () => text));
        } catch (e) {
            err(`${(e as Error).message.split("\n")[0].slice(0, 300)}\n`);
            return 1;
        }
    }
    if (values.fleet) config = withGrafanaAccounts(config, workspaceAccounts());
    const violations = await evaluatePlans(plans, config);
    if (values.markdown) fs.writeFileSync(values.markdown, policyMarkdown(violations, plans.length));
    if (values.json) out(`${JSON.stringify(violations, null, 2)}\n`);
    else if (violations.length === 0)
        out(`no violation in ${plans.length} plan${plans.length === 1 ? "" : "s"}\n`);
    else out(violations.map((v) => `${violationLine(v)}\n`).join(""));
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

function isDirectory(p: string): boolean {
    try {
        return fs.statSync(p).isDirectory();
    } catch {
        return false;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
