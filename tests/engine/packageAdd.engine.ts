/**
 * `pulumi package add` of this repository from the Python and YAML examples, and a preview of
 * each, with the real CLI and its Python and YAML language hosts: the CLI runs this repository's
 * component provider (PulumiPlugin.yaml) for the schema, generates the Python SDK, and the
 * previews construct both components through it, against the stand-in providers. The CLI starts
 * the component provider through its Node.js language host and the Python program through its
 * Python host: without them (the Go module proxy serves neither, see tools/dev/pulumi-cli.sh) a
 * test prints the CLI's answer and is skipped.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { SOURCE_EXAMPLE, WORKSPACE_EXAMPLE } from "../support/examples";
import { REPO } from "../support/repo";
import { copyRepository, RepositoryCopy } from "../support/repository";
import { transcript } from "./support/cli";
import { EngineWorld } from "./support/world";

const ACCOUNT = SOURCE_EXAMPLE.dataAccount;

describe("the real Pulumi CLI: pulumi package add from the examples", function () {
    this.timeout(1_200_000);
    let world: EngineWorld;
    let pkg: RepositoryCopy;

    before(async () => {
        world = new EngineWorld({ source: ACCOUNT, workspace: ACCOUNT });
        await world.start(
            {
                workspaces: {
                    [WORKSPACE_EXAMPLE.workspaceId]: {
                        endpoint: "",
                        roleArn: SOURCE_EXAMPLE.grafanaRoleArn,
                        grafanaVersion: "10.4",
                    },
                },
            },
            { resources: {} },
        );
        // The package as a user's clone of this repository would hold it (node_modules linked).
        pkg = copyRepository({ whole: true });
        for (const example of ["python", "yaml"]) {
            fs.cpSync(path.join(REPO, "examples", example), path.join(world.repo.root, "examples", example), {
                recursive: true,
            });
            const config = {
                "aws:region": SOURCE_EXAMPLE.region,
                [`grafana-athena-${example}-example:grafanaRoleArn`]: SOURCE_EXAMPLE.grafanaRoleArn,
                [`grafana-athena-${example}-example:workspaceId`]: WORKSPACE_EXAMPLE.workspaceId,
            };
            fs.writeFileSync(
                path.join(world.repo.root, "examples", example, "Pulumi.dev.yaml"),
                YAML.stringify({ config }),
            );
        }
    });
    after(async () => {
        pkg?.remove();
        await world?.close();
    });

    for (const example of ["yaml", "python"] as const) {
        it(`adds the package to examples/${example} and previews both components`, async function () {
            const folder = `examples/${example}`;
            const added = await world.run(folder, "source", ["package", "add", pkg.root]);
            const missing = (["nodejs", example] as const).filter((l) => !world.hasLanguageHost(l));
            if (missing.length > 0) {
                const answer = `${added.stdout}\n${added.stderr}`
                    .split("\n")
                    .filter((l) => /error/i.test(l))
                    .slice(0, 3)
                    .join("\n");
                console.log(
                    `    ${added.command} (exit ${added.status}) in ${folder}, ` +
                        `no ${missing.map((l) => `pulumi-language-${l}`).join(" or ")}:\n${answer}`,
                );
                return this.skip();
            }
            assert.equal(added.status, 0, transcript(added));
            const project = YAML.parse(
                fs.readFileSync(path.join(world.repo.root, folder, "Pulumi.yaml"), "utf8"),
            );
            assert.match(
                JSON.stringify(project.packages["grafana-athena"]),
                new RegExp(path.basename(pkg.root)),
            );
            if (example === "python")
                assert.ok(
                    fs.existsSync(path.join(world.repo.root, folder, "sdks", "grafana-athena")),
                    "no Python SDK generated",
                );
            await world.ok(folder, "source", ["stack", "init", "dev"]);
            const preview = await world.ok(folder, "source", ["preview", "--stack", "dev", "--json"]);
            const steps = (JSON.parse(preview.stdout).steps ?? []) as { op: string; urn: string }[];
            const created = steps
                .filter((s) => s.op === "create")
                .map((s) => s.urn.split("::")[2].split("$").pop());
            for (const type of [
                "grafana-athena:index:AthenaSourceAccess",
                "grafana-athena:index:AthenaWorkspace",
                "aws:iam/role:Role",
            ]) {
                assert.ok(created.includes(type), `${type} not in the preview:\n${created.join("\n")}`);
            }
        });
    }
});
