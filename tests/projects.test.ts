/**
 * The Pulumi.yaml files agree with the programs: every key a program reads is declared with
 * a type and a description, keys the program treats as optional have a default (the CLI refuses a
 * stack that lacks a declared key without one), and each project runs from its own folder.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { z } from "zod";
import { BOOTSTRAP_KEY_KINDS, bootstrapSettingsShape } from "../shared/config/bootstrap";
import { ROOT_KEY_KINDS, rootSettings } from "../shared/config/root";
import { SOURCE_KEY_KINDS, sourceSettingsShape } from "../shared/config/source";
import { WORKSPACE_KEY_KINDS, workspaceShape } from "../shared/config/workspace";
import { pulumiYamlConfig } from "../shared/config/declare";
import { PROJECT_KEYS } from "../shared/config/projects";
import { REPO } from "./support/program";

interface Declaration {
    type?: string;
    description?: string;
    default?: unknown;
    items?: unknown;
    secret?: boolean;
}

function project(dir: string) {
    return YAML.parse(fs.readFileSync(path.join(REPO, dir, "Pulumi.yaml"), "utf8")) as {
        name: string;
        main?: string;
        runtime: { name: string; options?: { typescript?: boolean } };
        options?: { refresh?: string };
        config: Record<string, Declaration>;
    };
}

const cases = [
    {
        dir: "infra-account-b",
        name: "grafana-athena-source",
        kinds: SOURCE_KEY_KINDS,
        shape: sourceSettingsShape as Record<string, z.ZodTypeAny>,
    },
    {
        dir: "infra-account-a",
        name: "grafana-athena-workspace",
        kinds: WORKSPACE_KEY_KINDS,
        shape: workspaceShape as Record<string, z.ZodTypeAny>,
    },
    {
        dir: ".",
        name: "grafana-athena",
        kinds: ROOT_KEY_KINDS,
        shape: rootSettings.in.shape as Record<string, z.ZodTypeAny>,
    },
    {
        dir: "bootstrap",
        name: "grafana-athena-bootstrap",
        kinds: BOOTSTRAP_KEY_KINDS,
        shape: bootstrapSettingsShape as Record<string, z.ZodTypeAny>,
    },
];

describe("Pulumi projects", () => {
    for (const c of cases) {
        describe(`${c.dir} (${c.name})`, () => {
            const p = project(c.dir);

            it("has the project name other stacks and CI rely on, and runs its own index.ts with TypeScript", () => {
                assert.equal(p.name, c.name);
                assert.equal(p.runtime.name, "nodejs");
                assert.equal(p.runtime.options?.typescript, true);
                assert.equal(p.main, "index.ts");
                assert.ok(fs.existsSync(path.join(REPO, c.dir, "index.ts")));
            });

            it("declares exactly the keys the program reads, each with a type and a description", () => {
                assert.deepEqual(Object.keys(p.config).sort(), Object.keys(c.kinds).sort());
                for (const [key, d] of Object.entries(p.config)) {
                    assert.ok(d.description && d.description.length > 20, `${key} has no description`);
                    assert.ok(
                        ["string", "integer", "boolean", "array", "object"].includes(String(d.type)),
                        `${key} has no type`,
                    );
                    if (d.type === "array") assert.ok(d.items, `${key}: arrays need items`);
                    const kind = (c.kinds as Record<string, string>)[key];
                    assert.equal(
                        d.type === "string",
                        kind === "string" || kind === "secret",
                        `${key}: stored as ${kind}, declared as ${d.type}`,
                    );
                }
            });

            const keys = PROJECT_KEYS[c.dir];
            if (keys !== undefined)
                it("declares its keys as their one declaration says (shared/config/)", () => {
                    assert.deepEqual(
                        p.config,
                        pulumiYamlConfig(keys),
                        `${c.dir}/Pulumi.yaml's config: differs from its keys' ` +
                            `declarations: run npm run config-docs`,
                    );
                });

            it("gives a default to every optional key and none to a required one", () => {
                for (const [key, d] of Object.entries(p.config)) {
                    const optional = c.shape[key].safeParse(undefined).success;
                    assert.equal(
                        "default" in d,
                        optional,
                        `${key}: ${optional ? "optional, needs" : "required, must not have"} a default`,
                    );
                }
            });

            it("declares the defaults the program applies (one fact, written twice: checked here)", () => {
                for (const [key, d] of Object.entries(p.config)) {
                    if (!("default" in d)) continue;
                    const applied = c.shape[key].parse(undefined);
                    // An empty string is how Pulumi.yaml declares "unset" for an optional string.
                    const declared = d.default === "" ? undefined : d.default;
                    // And {} for an optional object without defaults of its own (createWorkspace): read as
                    // unset.
                    if (applied === undefined && d.type === "object") {
                        assert.equal(c.shape[key].parse(declared), undefined, key);
                        continue;
                    }
                    if (typeof applied === "object" && applied !== null && !Array.isArray(applied)) {
                        // Object settings: the YAML gives {} and the schema fills every field in.
                        assert.deepEqual(c.shape[key].parse(declared), applied, key);
                    } else {
                        assert.deepEqual(
                            declared,
                            applied,
                            `${key}: Pulumi.yaml says ${JSON.stringify(d.default)}, the ` +
                                `program applies ${JSON.stringify(applied)}`,
                        );
                    }
                }
            });

            it("has its own tsconfig.json extending the root one (Pulumi reads it from the project folder only)", () => {
                const tsconfig = path.join(REPO, c.dir, "tsconfig.json");
                assert.ok(fs.existsSync(tsconfig));
                if (c.dir !== ".")
                    assert.equal(JSON.parse(fs.readFileSync(tsconfig, "utf8")).extends, "../tsconfig.json");
            });

            it("has a complete example stack in the stack file shape", () => {
                const example = YAML.parse(
                    fs.readFileSync(path.join(REPO, c.dir, "Pulumi.example.yaml"), "utf8"),
                ) as { config: Record<string, unknown> };
                for (const [key, d] of Object.entries(p.config)) {
                    if (!("default" in d))
                        assert.ok(
                            `${c.name}:${key}` in example.config,
                            `the example lacks the required ${key}`,
                        );
                }
            });
        });
    }

    it("refreshes before every update where a token rotates (the Grafana-side projects)", () => {
        assert.equal(project("infra-account-a").options?.refresh, "always");
        assert.equal(project(".").options?.refresh, "always");
    });
});
