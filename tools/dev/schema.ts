/**
 * `npm run schema -- --out FILE`: the component package's schema, exactly as the engine gets it
 * from the provider (`pulumi package get-schema .`), inferred from the components' TypeScript
 * types and JSDoc (provider/host.ts). No cloud, no Pulumi CLI. Its options and --help come from
 * one table (tools/cli/options.ts), as every command's do.
 */
import * as fs from "fs";
import { packageSchema } from "../../provider/host";
import { CommandHelp, OptionTable, UsageError, helpText, parseOptions } from "../cli/options";

export const SCHEMA_OPTIONS = {
    out: { type: "string", value: "FILE", default: "stdout", help: "write the schema to FILE" },
} as const satisfies OptionTable;

const SCHEMA_HELP: CommandHelp = {
    usage: "npm run schema --",
    summary:
        "Writes the Pulumi package schema of AthenaSourceAccess and AthenaWorkspace " +
        "(what `pulumi package add` generates SDKs from).",
    examples: [
        ["npm run schema -- --out schema.json", "the schema as `pulumi package get-schema .` prints it"],
        ["npm run -s schema", "the same, on stdout"],
    ],
    exitCodes: [
        [0, "written"],
        [1, "the analyzer refused a type (its message names the component and the property)"],
        [2, "a bad command line"],
    ],
};

export async function main(
    argv: string[],
    out: (text: string) => void = (t) => process.stdout.write(t),
    err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    let values;
    try {
        const parsed = parseOptions(argv, SCHEMA_OPTIONS);
        if (parsed.help) {
            out(helpText(SCHEMA_HELP, SCHEMA_OPTIONS));
            return 0;
        }
        if (parsed.positionals.length > 0)
            throw new UsageError(
                `takes no arguments, got ${JSON.stringify(parsed.positionals[0].slice(0, 100))}`,
            );
        values = parsed.values;
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        err(`schema: ${e.message}\n`);
        return 2;
    }
    let text: string;
    try {
        text = `${JSON.stringify(await packageSchema(), null, 2)}\n`;
    } catch (e) {
        err(`schema: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}\n`);
        return 1;
    }
    if (values.out) fs.writeFileSync(values.out, text);
    else out(text);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
