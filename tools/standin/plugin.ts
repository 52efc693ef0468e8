/**
 * The entry point of a stand-in provider plugin: `plugin.ts <aws|grafana|random|time> <version>
 * [engine flags...] <engine address>`, started by the Pulumi engine through the
 * `pulumi-resource-<name>` script of the installed plugin (tools/standin/install.ts). It prints the
 * port it serves on, then serves until the engine ends it.
 */
import { AwsStandIn, StandIn, StateOnlyStandIn } from "./cloud";
import { GrafanaStandIn } from "./grafana";
import { serve } from "./server";
import { Store, worldDir } from "./store";

function standIn(name: string): StandIn {
    const dir = worldDir();
    switch (name) {
        case "aws":
            return new AwsStandIn(new Store(dir, "aws"));
        case "grafana":
            return new GrafanaStandIn();
        case "random":
        case "time":
            return new StateOnlyStandIn(name, dir);
        default:
            throw new Error(`stand-in provider: no stand-in named "${name}"`);
    }
}

async function main(argv: string[]): Promise<void> {
    const [name, version] = argv;
    const port = await serve(version, standIn(name));
    process.stdout.write(`${port}\n`);
}

main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
});
