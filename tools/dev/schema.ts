/**
 * `npm run schema -- --out FILE`: the component package's schema, exactly as the engine gets it
 * from the provider (`pulumi package get-schema .`), inferred from the components' TypeScript
 * types and JSDoc (provider/host.ts). No cloud, no Pulumi CLI. Exit 0 written, 1 the analyzer
 * refused a type (its message names the component and the property), 2 bad command line.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { packageSchema } from "../../provider/host";

const USAGE = "usage: npm run schema -- [--out FILE]   (without --out the schema goes to stdout)";

export async function main(
    argv: string[],
    out: (text: string) => void = (t) => process.stdout.write(t),
    err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    let values: { out?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
            allowPositionals: false,
        }));
    } catch (e) {
        err(`${(e as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (values.help) {
        out(
            `${USAGE}\nWrites the Pulumi package schema of AthenaSourceAccess and AthenaWorkspace (what \`pulumi package add\` generates SDKs from).\n`,
        );
        return 0;
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
