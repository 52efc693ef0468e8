/**
 * Installs the stand-in providers under the real providers' names and versions (those the
 * installed npm packages ask the engine for: `pulumi.name` and `pulumi.version`, else the package
 * version, of package.json), with `pulumi plugin install resource NAME VERSION --file ARCHIVE`:
 * the engine then finds them exactly where it would find the real ones, and with automatic plugin
 * acquisition off, never downloads anything. Each archive holds one `pulumi-resource-<name>` script
 * that starts tools/standin/plugin.ts of this checkout with Node.js.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The npm packages whose plugins the programs load, and the stand-in for each. */
const PACKAGES = ["@pulumi/aws", "@pulumiverse/grafana", "@pulumi/random", "@pulumiverse/time"] as const;

interface PluginIdentity {
    name: string;
    version: string;
}

/** The name and version of the plugin each package asks for. */
function pluginIdentities(repo: string): PluginIdentity[] {
    return PACKAGES.map((pkg) => {
        const manifest = JSON.parse(
            fs.readFileSync(path.join(repo, "node_modules", pkg, "package.json"), "utf8"),
        );
        return {
            name: manifest.pulumi?.name ?? pkg.split("/")[1],
            version: String(manifest.pulumi?.version ?? manifest.version).replace(/^v/, ""),
        };
    });
}

/** Writes one archive per plugin into `dir`; returns their paths. */
function buildArchives(repo: string, dir: string): { plugin: PluginIdentity; archive: string }[] {
    return pluginIdentities(repo).map((plugin) => {
        const folder = path.join(dir, `${plugin.name}-${plugin.version}`);
        fs.mkdirSync(folder, { recursive: true });
        const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
        const script = [
            "#!/bin/sh",
            `# Stand-in for the ${plugin.name} provider ${plugin.version}: ` +
                `answers from the fake cloud (tools/standin/).`,
            `exec node -r ${quote(path.join(repo, "tools", "register.js"))} ` +
                `${quote(path.join(repo, "tools", "standin", "plugin.ts"))} ` +
                `${plugin.name} ${plugin.version} "$@"`,
            "",
        ].join("\n");
        fs.writeFileSync(path.join(folder, `pulumi-resource-${plugin.name}`), script, { mode: 0o755 });
        const archive = path.join(dir, `${plugin.name}-${plugin.version}.tar.gz`);
        execFileSync("tar", ["-czf", archive, "-C", folder, "."]);
        return { plugin, archive };
    });
}

/** Installs every stand-in with `pulumi` (in the environment `env`, whose PULUMI_HOME receives them). */
export function installStandIns(
    repo: string,
    dir: string,
    pulumi: string,
    env: NodeJS.ProcessEnv,
): PluginIdentity[] {
    return buildArchives(repo, dir).map(({ plugin, archive }) => {
        execFileSync(
            pulumi,
            ["plugin", "install", "resource", plugin.name, plugin.version, "--file", archive],
            { env, stdio: "pipe" },
        );
        return plugin;
    });
}
