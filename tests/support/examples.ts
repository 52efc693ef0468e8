/**
 * The values of the example stack files (`<project>/Pulumi.example.yaml`), read from the files
 * themselves, so that tests about the examples never re-declare them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { REPO } from "./repo";

function exampleConfig(dir: string): Record<string, any> {
    return (
        YAML.parse(fs.readFileSync(path.join(REPO, dir, "Pulumi.example.yaml"), "utf8")) as {
            config: Record<string, any>;
        }
    ).config;
}

const source = exampleConfig("infra-account-b");
const workspace = exampleConfig("infra-account-a");
const root = exampleConfig(".");

const s = (k: string) => source[`grafana-athena-source:${k}`];
const w = (k: string) => workspace[`grafana-athena-workspace:${k}`];

/** infra-account-b/Pulumi.example.yaml. */
export const SOURCE_EXAMPLE = {
    dataAccount: String(source["aws:allowedAccountIds"][0]),
    region: String(source["aws:region"]),
    grafanaAccount: String(s("grafanaAccountId")),
    grafanaRoleArn: String(s("grafanaRoleArn")),
    database: String(s("database")),
    tables: s("tables") as string[],
    dataLocations: s("dataLocations") as string[],
    workgroup: String(s("workgroup").name),
    resultsBucket: String(s("results").bucket),
    resultsPrefix: String(s("results").prefix),
    label: String(s("label")),
    panels: s("panels") as { type: string; title: string; sql: string }[],
};

/** infra-account-a/Pulumi.example.yaml. */
export const WORKSPACE_EXAMPLE = {
    grafanaAccount: String(workspace["aws:allowedAccountIds"][0]),
    region: String(workspace["aws:region"]),
    workspaceId: String(w("workspaceId")),
    sourceStacks: (w("sources") as { stack: string }[]).map((x) => x.stack),
};

/** Pulumi.example.yaml of the root project. */
export const ROOT_EXAMPLE = {
    source: root["grafana-athena:source"] as Record<string, any>,
    workspace: root["grafana-athena:workspace"] as Record<string, any>,
};
