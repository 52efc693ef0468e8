/**
 * `npm run config-docs`: writes each project's `Pulumi.yaml` config from its keys' declarations
 * (shared/config/), then docs/config/<project>.md from each `Pulumi.yaml` (configPages.ts); with
 * --check it writes nothing and names each stale page. Its options and --help come from one table
 * (tools/cli/options.ts), as every command's do.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandHelp, OptionTable, UsageError, helpText, parseOptions } from "../cli/options";
import { CONFIG_DOCS_COMMAND, generatedFiles, stalePages } from "./configPages";

export const CONFIG_DOCS_OPTIONS = {
    check: { type: "boolean", help: "write nothing: name each page that is stale (exit 1)" },
    root: {
        type: "string",
        value: "DIR",
        default: "the current folder",
        help: "the checkout whose projects are documented",
    },
} as const satisfies OptionTable;

const CONFIG_DOCS_HELP: CommandHelp = {
    usage: `${CONFIG_DOCS_COMMAND} --`,
    summary:
        "Writes each project's Pulumi.yaml config from its keys' declarations (shared/config/), " +
        "then docs/config/<project>.md from each Pulumi.yaml.",
    examples: [
        [CONFIG_DOCS_COMMAND, "after adding or changing a key's declaration: rewrites what differs"],
        [`${CONFIG_DOCS_COMMAND} -- --check`, "in CI: fails naming each page that is stale"],
    ],
    exitCodes: [
        [0, "written, or (--check) every page is up to date"],
        [1, "a page is stale (--check), or a Pulumi.yaml cannot be read"],
        [2, "a bad command line"],
    ],
};

export function main(argv: string[], out: (t: string) => void, err: (t: string) => void): number {
    let values;
    try {
        const parsed = parseOptions(argv, CONFIG_DOCS_OPTIONS);
        if (parsed.help) {
            out(helpText(CONFIG_DOCS_HELP, CONFIG_DOCS_OPTIONS));
            return 0;
        }
        if (parsed.positionals.length > 0)
            throw new UsageError(
                `takes no arguments, got ${JSON.stringify(parsed.positionals[0].slice(0, 100))}`,
            );
        values = parsed.values;
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        err(`config-docs: ${e.message}\n`);
        return 2;
    }
    const root = path.resolve(values.root ?? process.cwd());
    try {
        if (values.check) {
            const stale = stalePages(root);
            for (const line of stale) err(`${line}\n`);
            if (stale.length === 0) out("config-docs: every page is up to date\n");
            return stale.length === 0 ? 0 : 1;
        }
        for (const page of generatedFiles(root)) {
            fs.mkdirSync(path.dirname(path.join(root, page.file)), { recursive: true });
            fs.writeFileSync(path.join(root, page.file), page.text);
            out(`wrote ${page.file}\n`);
        }
        return 0;
    } catch (e) {
        err(`config-docs: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exitCode = main(
        process.argv.slice(2),
        (t) => process.stdout.write(t),
        (t) => process.stderr.write(t),
    );
}
