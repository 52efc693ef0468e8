/**
 * The component package: the schema the engine gets (`npm run schema`, inferred by the SDK's
 * analyzer from provider/components.ts) is typed and described throughout, covers every setting
 * the projects accept, marks the secrets; and the package's components plan exactly what the
 * projects plan (the same code path).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { CONTRACT_OUTPUTS, SECRET_CONTRACT_OUTPUTS } from "../../shared/contract";
import { argumentDoc } from "../../shared/config/declare";
import {
    SOURCE_KEYS,
    bucketResultsSettings,
    managedResultsSettings,
    sourceSettingsShape,
    workgroupSettings,
} from "../../shared/config/source";
import {
    WORKSPACE_COMMON_KEYS,
    dashboardSettings,
    panelSettings,
    sourceRef as sourceRefShape,
    workspaceCommonShape,
} from "../../shared/config/workspace";
import { PANEL_TYPES, QUERY_FORMATS } from "../../shared/grafana/panelSpec";
import { createWorkspaceSettings } from "../../shared/grafana/workspaceResource";
import * as pulumi from "@pulumi/pulumi";
import { PackageSchema, SchemaProperty, packageSchema } from "../../provider/host";
import { main as schemaCli } from "../../tools/dev/schema";
import { ProgramError, runProgram } from "../../tools/plan/mock/runtime";
import { argumentProblems, planViaPackage } from "../support/packageWorkspace";
import {
    EXAMPLE_SOURCE_STACK,
    REPO,
    SOURCE_DIR,
    WORKSPACE_DIR,
    exampleConfig,
    plan,
    sourceRef,
} from "../support/program";
import { exampleRun } from "../support/sourcePlan";

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));

// The analyzer builds a TypeScript program of the whole repository (several seconds): once per run.
let cached: Promise<PackageSchema> | undefined;
const schema = () => (cached ??= packageSchema());

const token = (name: string) => `${pkg.name}:index:${name}`;

/**
 * Every property of an object (a component's inputs or outputs, or a type), recursively: typed, described,
 * never Any.
 */
function untypedOrUndescribed(
    s: PackageSchema,
    where: string,
    properties: Record<string, SchemaProperty>,
    seen = new Set<string>(),
): string[] {
    const problems: string[] = [];
    const check = (p: SchemaProperty, at: string, needsDescription: boolean) => {
        if (needsDescription && !(p.description && p.description.trim().length > 10))
            problems.push(`${at} has no description`);
        if (p.$ref) {
            if (p.$ref.startsWith("pulumi.json#")) return void problems.push(`${at} is ${p.$ref}`);
            const name = p.$ref.replace("#/types/", "");
            const t = s.types[name];
            if (!t) return void problems.push(`${at} refers to ${name}, which the schema does not define`);
            if (seen.has(name)) return;
            seen.add(name);
            if (t.type !== "object" || !t.properties || Object.keys(t.properties).length === 0)
                return void problems.push(`${name} is not an object type with properties`);
            problems.push(...untypedOrUndescribed(s, name, t.properties, seen));
            return;
        }
        if (!["string", "number", "integer", "boolean", "array", "object"].includes(String(p.type)))
            return void problems.push(`${at} has no type`);
        if (p.type === "array") {
            if (p.items) check(p.items, `${at}[]`, false);
            else problems.push(`${at} is a list of no type`);
        }
        if (p.type === "object") {
            if (p.additionalProperties) check(p.additionalProperties, `${at} values`, false);
            else problems.push(`${at} is a map of no type`);
        }
    };
    for (const [name, p] of Object.entries(properties)) check(p, `${where}.${name}`, true);
    return problems;
}

const typeOf = (s: PackageSchema, name: string) => {
    const t = s.types[token(name)];
    assert.ok(t?.properties, `the schema has no type ${name}`);
    return t as { properties: Record<string, SchemaProperty>; required: string[] };
};

/** A zod shape's keys, and which of them may be left out. */
function keysOf(shape: Record<string, z.ZodTypeAny>): { all: string[]; optional: string[] } {
    const all = Object.keys(shape);
    return { all, optional: all.filter((k) => shape[k].safeParse(undefined).success) };
}

/**
 * The schema object covers every setting of `shape` (extra properties allowed), and requires exactly the ones
 * without a default.
 */
function assertCovers(
    what: string,
    properties: Record<string, SchemaProperty>,
    required: readonly string[],
    shape: Record<string, z.ZodTypeAny>,
    except: string[] = [],
) {
    const { all, optional } = keysOf(shape);
    const missing = all.filter((k) => !(k in properties) && !except.includes(k));
    assert.deepEqual(
        missing,
        [],
        `${what} lacks settings the projects accept: ${missing.join(", ")} (add them ` +
            `to provider/sourceArgs.ts or provider/workspaceArgs.ts)`,
    );
    for (const k of all.filter((x) => x in properties)) {
        assert.equal(
            required.includes(k),
            !optional.includes(k),
            `${what}.${k}: required in the schema ${required.includes(k)}, ` +
                `in the projects ${!optional.includes(k)}`,
        );
    }
}

/**
 * Where a value breaks a schema property: unknown or missing keys, wrong types, an output where a plain value
 * is needed.
 */
function valueProblems(
    s: PackageSchema,
    at: string,
    p: SchemaProperty,
    value: unknown,
    isOutput: (v: unknown) => boolean,
): string[] {
    if (isOutput(value)) return p.plain ? [`${at} must be a plain value, not another resource's output`] : [];
    if (p.$ref) {
        const t = s.types[p.$ref.replace("#/types/", "")];
        if (!value || typeof value !== "object" || Array.isArray(value)) return [`${at} must be an object`];
        return objectProblems(
            s,
            at,
            t.properties ?? {},
            t.required ?? [],
            value as Record<string, unknown>,
            isOutput,
        );
    }
    switch (p.type) {
        case "string":
            return typeof value === "string" ? [] : [`${at} must be a string`];
        case "number":
        case "integer":
            return typeof value === "number" ? [] : [`${at} must be a number`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at} must be a boolean`];
        case "array":
            return Array.isArray(value)
                ? value.flatMap((v, i) => valueProblems(s, `${at}[${i}]`, p.items!, v, isOutput))
                : [`${at} must be a list`];
        case "object":
            return value && typeof value === "object"
                ? Object.entries(value).flatMap(([k, v]) =>
                      valueProblems(s, `${at}.${k}`, p.additionalProperties!, v, isOutput),
                  )
                : [`${at} must be a map`];
    }
    return [`${at}: the schema gives no type`];
}

function objectProblems(
    s: PackageSchema,
    at: string,
    properties: Record<string, SchemaProperty>,
    required: readonly string[],
    value: Record<string, unknown>,
    isOutput: (v: unknown) => boolean,
): string[] {
    return [
        ...Object.keys(value)
            .filter((k) => !(k in properties))
            .map((k) => `${at}.${k} is not an input of the schema`),
        ...required.filter((k) => !(k in value)).map((k) => `${at}.${k} is required`),
        ...Object.entries(value)
            .filter(([k]) => k in properties)
            .flatMap(([k, v]) => valueProblems(s, `${at}.${k}`, properties[k], v, isOutput)),
    ];
}

/**
 * `name(` calls of a Python source with their keyword names at the call's own depth (a small scanner:
 * strings, brackets).
 */
function pythonCalls(source: string, names: readonly string[]): { name: string; keywords: string[] }[] {
    const calls: { name: string; keywords: string[] }[] = [];
    const re = new RegExp(`\\bgrafana_athena\\.(${names.join("|")})\\(`, "g");
    for (let m = re.exec(source); m; m = re.exec(source)) {
        let depth = 1;
        let i = re.lastIndex;
        const keywords: string[] = [];
        while (i < source.length && depth > 0) {
            const c = source[i];
            if (c === '"' || c === "'") {
                const end = source.indexOf(c, i + 1);
                i = end + 1;
                continue;
            }
            if (c === "#") {
                i = source.indexOf("\n", i);
                continue;
            }
            if ("([{".includes(c)) depth++;
            else if (")]}".includes(c)) depth--;
            else if (depth === 1) {
                const kw = /^([a-z_][a-z0-9_]*)\s*=(?!=)/.exec(source.slice(i));
                if (kw && /[\s(,]/.test(source[i - 1])) {
                    keywords.push(kw[1]);
                    i += kw[1].length;
                    continue;
                }
            }
            i++;
        }
        calls.push({ name: m[1], keywords });
    }
    return calls;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe("component package", function () {
    this.timeout(120_000);

    describe("schema (npm run schema)", () => {
        it("names the package and version of package.json, and has both components", async () => {
            const s = await schema();
            assert.equal(s.name, pkg.name);
            assert.equal(s.version, pkg.version);
            assert.deepEqual(Object.keys(s.resources).sort(), [
                token("AthenaSourceAccess"),
                token("AthenaWorkspace"),
            ]);
            for (const r of Object.values(s.resources)) {
                assert.equal(r.isComponent, true);
                assert.ok(r.description && r.description.length > 40);
            }
        });

        it("types and describes every input and output, nested ones included, with no Any", async () => {
            const s = await schema();
            const problems = Object.entries(s.resources).flatMap(([name, r]) => [
                ...untypedOrUndescribed(s, `${name} input`, r.inputProperties),
                ...untypedOrUndescribed(s, `${name} output`, r.properties),
            ]);
            assert.deepEqual(problems, []);
        });

        it("the source takes every key of the source project, plus its region, with the same required keys", async () => {
            const r = (await schema()).resources[token("AthenaSourceAccess")];
            assertCovers("AthenaSourceAccess", r.inputProperties, r.requiredInputs, sourceSettingsShape);
            assert.ok(r.requiredInputs.includes("region"));
            const wg = typeOf(await schema(), "Workgroup");
            assertCovers("Workgroup", wg.properties, wg.required, workgroupSettings.shape);
            // Both forms of results in one type: its form (bucket or managed) decides what is required.
            const res = typeOf(await schema(), "ResultsLocation");
            const forms = [bucketResultsSettings.shape, managedResultsSettings.shape];
            const fields = forms.flatMap((f) => Object.keys(f));
            assert.deepEqual(
                fields.filter((k) => !(k in res.properties)),
                [],
            );
            assert.deepEqual(res.required ?? [], []);
            assert.equal(r.inputProperties.tables.type, "array");
            assert.equal(r.inputProperties.tables.items?.type, "string");
        });

        it("the workspace takes every key the workspace project and the root's workspace share, and sources like the project's", async () => {
            const s = await schema();
            const r = s.resources[token("AthenaWorkspace")];
            assertCovers("AthenaWorkspace", r.inputProperties, r.requiredInputs, workspaceCommonShape);
            assert.deepEqual(r.inputProperties.sources.items?.$ref, `#/types/${token("Source")}`);
            const source = typeOf(s, "Source");
            // The stack is optional in the package: a source is a stack or a key with a contract.
            assertCovers("Source", source.properties, [...source.required, "stack"], sourceRefShape.shape);
            const dashboard = typeOf(s, "Dashboard");
            assertCovers("Dashboard", dashboard.properties, dashboard.required, dashboardSettings.shape);
            // createWorkspace: every setting of the workspace it creates, name alone required.
            const create = typeOf(s, "CreateWorkspace");
            const createShape = createWorkspaceSettings.shape;
            assertCovers("CreateWorkspace", create.properties, create.required, createShape);
            const net = typeOf(s, "NetworkAccess");
            assertCovers(
                "NetworkAccess",
                net.properties,
                net.required ?? [],
                createShape.network.unwrap().shape,
            );
            const panel = typeOf(s, "Panel");
            assertCovers("Panel", panel.properties, panel.required, panelSettings.shape);
            for (const t of PANEL_TYPES)
                assert.match(
                    panel.properties.type.description!,
                    new RegExp(`\\b${t}\\b`),
                    `Panel.type does not mention ${t}`,
                );
            for (const f of QUERY_FORMATS)
                assert.match(
                    panel.properties.format.description!,
                    new RegExp(`\\b${f}\\b`),
                    `Panel.format does not mention ${f}`,
                );
            assert.deepEqual(
                Object.keys(typeOf(s, "SourceContract").properties).sort(),
                [...CONTRACT_OUTPUTS].sort(),
            );
        });

        it("documents each argument that is a config key with the key's one declaration (its description and default)", async () => {
            const s = await schema();
            const differing: string[] = [];
            for (const [component, keys] of [
                ["AthenaSourceAccess", SOURCE_KEYS],
                ["AthenaWorkspace", WORKSPACE_COMMON_KEYS],
            ] as const) {
                const inputs = s.resources[token(component)].inputProperties;
                for (const [key, declaration] of Object.entries(keys)) {
                    const doc = (inputs[key]?.description ?? "").replace(/\s+/g, " ").trim();
                    if (doc !== argumentDoc(declaration))
                        differing.push(
                            `${component}.${key}: "${doc}" (declared: "${argumentDoc(declaration)}")`,
                        );
                }
            }
            assert.deepEqual(
                differing,
                [],
                "provider/sourceArgs.ts and workspaceArgs.ts document these " +
                    "arguments otherwise than shared/config/ declares them",
            );
        });

        it("outputs the contract from the source, and marks its secrets and the Grafana token secret", async () => {
            const s = await schema();
            const source = s.resources[token("AthenaSourceAccess")];
            assert.deepEqual(Object.keys(source.properties).sort(), [...CONTRACT_OUTPUTS].sort());
            const secrets = (props: Record<string, SchemaProperty>) =>
                Object.keys(props)
                    .filter((k) => props[k].secret)
                    .sort();
            assert.deepEqual(secrets(source.properties), [...SECRET_CONTRACT_OUTPUTS].sort());
            assert.deepEqual(secrets(source.inputProperties), []);
            const ws = s.resources[token("AthenaWorkspace")];
            assert.deepEqual(secrets(ws.inputProperties), ["contactPointSecrets", "grafanaAuth"]);
            // An Input, not plain: a secret arrives as an Output.
            assert.notEqual(ws.inputProperties.grafanaAuth.plain, true);
        });

        it("the command answers --help and refuses an unknown flag with exit 2", async () => {
            let out = "";
            let err = "";
            assert.equal(
                await schemaCli(
                    ["--help"],
                    (t) => (out += t),
                    (t) => (err += t),
                ),
                0,
            );
            assert.match(out, /--out FILE/);
            assert.equal(
                await schemaCli(
                    ["--bogus"],
                    (t) => (out += t),
                    (t) => (err += t),
                ),
                2,
            );
            assert.equal(err, "schema: Unknown option '--bogus'\n");
        });
    });

    describe("examples in other Pulumi languages", () => {
        it("YAML: records the package, and every component's inputs validate against the schema", async () => {
            const s = await schema();
            const program = YAML.parse(fs.readFileSync(path.join(REPO, "examples/yaml/Pulumi.yaml"), "utf8"));
            assert.match(
                program.packages[s.name],
                /@v\d+\.\d+\.\d+$/,
                "the package is pinned to a release tag",
            );
            const used = Object.entries(
                program.resources as Record<string, { type: string; properties: Record<string, unknown> }>,
            ).filter(([, r]) => r.type.startsWith(`${s.name}:`));
            assert.deepEqual(
                used.map(([, r]) => r.type).sort(),
                Object.keys(s.resources).sort(),
                "the example uses both components",
            );
            // A reference to another resource is an output; one to a (plain) config value is known when the
            // program runs.
            const isOutput = (v: unknown) =>
                typeof v === "string" &&
                [...v.matchAll(/\$\{([^}.[]+)[^}]*\}/g)].some((m) => m[1] in program.resources);
            const problems = used.flatMap(([name, r]) => {
                const res = s.resources[r.type];
                return objectProblems(
                    s,
                    name,
                    res.inputProperties,
                    res.requiredInputs,
                    r.properties,
                    isOutput,
                );
            });
            assert.deepEqual(problems, []);
            // And the check can fail: a misspelt key, a missing required one, and an output where a plain
            // value is needed.
            const res = s.resources[token("AthenaSourceAccess")];
            const bad = {
                ...(used[0][1].properties as Record<string, unknown>),
                tabels: ["x"],
                region: "${grafana.region}",
            };
            delete (bad as Record<string, unknown>).database;
            assert.deepEqual(
                objectProblems(s, "x", res.inputProperties, res.requiredInputs, bad, isOutput).sort(),
                [
                    "x.database is required",
                    "x.region must be a plain value, not another resource's output",
                    "x.tabels is not an input of the schema",
                ],
            );
        });

        it("Python: records the package, and every keyword of the components and of their argument types is an input of the schema, the required ones given", async () => {
            const s = await schema();
            const program = YAML.parse(
                fs.readFileSync(path.join(REPO, "examples/python/Pulumi.yaml"), "utf8"),
            );
            assert.match(program.packages[s.name], /@v\d+\.\d+\.\d+$/);
            // The Python SDK names a component by its class and an input type `<Type>Args`, with snake_case
            // keywords.
            const objects: Record<
                string,
                { properties: Record<string, SchemaProperty>; required: readonly string[] }
            > = {};
            for (const [t, r] of Object.entries(s.resources))
                objects[t.split(":")[2]] = { properties: r.inputProperties, required: r.requiredInputs };
            for (const [t, ty] of Object.entries(s.types))
                objects[`${t.split(":")[2]}Args`] = {
                    properties: ty.properties ?? {},
                    required: ty.required ?? [],
                };
            const calls = pythonCalls(
                fs.readFileSync(path.join(REPO, "examples/python/__main__.py"), "utf8"),
                Object.keys(objects),
            );
            assert.deepEqual(
                [
                    ...new Set(
                        calls
                            .map((c) => c.name)
                            .filter((n) => n in s.resources || `${s.name}:index:${n}` in s.resources),
                    ),
                ].sort(),
                ["AthenaSourceAccess", "AthenaWorkspace"],
            );
            const problems = calls.flatMap((c) => {
                const o = objects[c.name];
                const given = c.keywords.map(camel);
                return [
                    ...given
                        .filter((k) => !(k in o.properties))
                        .map((k) => `${c.name}(${k}=...) is not an input of the schema`),
                    ...o.required
                        .filter((k) => !given.includes(k))
                        .map((k) => `${c.name} misses the required ${k}`),
                ];
            });
            // SourceArgs: a stack, or a key and a contract (the component's own rule, not the schema's).
            assert.deepEqual(problems, []);
            assert.ok(
                calls.length >= 8,
                `found only ${calls.length} calls: is the scanner still reading the example?`,
            );
        });
    });

    describe("AthenaWorkspace arguments", () => {
        const problems = (args: Record<string, unknown>) =>
            argumentProblems({ workspaceId: "g-0123456789", ...args });
        const contract = {
            contractVersion: 1,
            accountId: "222233334444",
            region: "eu-west-1",
            roleArn: "arn:aws:iam::222233334444:role/r",
            externalId: pulumi.secret("x".repeat(40)),
            catalog: "AwsDataCatalog",
            database: "sales",
            workgroup: "grafana",
            outputLocation: "s3://b/grafana/",
            label: "Sales",
        };

        it("takes a source stack or a source of the same program, and refuses every mistake at once, naming the argument", () => {
            assert.deepEqual(
                problems({
                    sources: [
                        { stack: "organization/grafana-athena-source/sales" },
                        { key: "local", contract },
                    ],
                }),
                [],
            );
            assert.deepEqual(problems({ sources: [] }), [
                "AthenaWorkspace:sources: must list at least one source: {stack} for a source " +
                    "stack, or {key, contract} for a source of this program",
            ]);
            const all = problems({
                tokenRotationDays: 40,
                sources: [
                    { stack: "organization/grafana-athena-source/sales", contract },
                    { key: "local", contract },
                    { key: "local", contract },
                    { stack: "sales" },
                ],
            });
            assert.equal(all.length, 4, all.join("\n"));
            assert.match(all[0], /^AthenaWorkspace:tokenRotationDays: /);
            assert.match(all[1], /^AthenaWorkspace:sources\[0\]\.stack: must not be given with contract/);
            assert.match(all[2], /^AthenaWorkspace:sources\[3\]\.stack: /);
            assert.match(all[3], /^AthenaWorkspace:sources\[2\]: repeats the source "local"/);
        });

        it("checks the Grafana token's presence only, never its value, and refuses an output where a plain value is needed", () => {
            const token = pulumi.secret("glsa_TOKEN-VALUE-1234");
            assert.deepEqual(problems({ grafanaAuth: token, sources: [{ key: "local", contract }] }), [
                "AthenaWorkspace:grafanaUrl: is required when grafanaAuth is set: give " +
                    "both, or neither to let the stack mint its own token",
            ]);
            assert.deepEqual(
                problems({
                    grafanaUrl: "https://g-0123456789.grafana-workspace.eu-west-1.amazonaws.com",
                    grafanaAuth: token,
                    sources: [{ key: "local", contract }],
                }),
                [],
            );
            assert.deepEqual(
                problems({
                    dashboard: { folder: pulumi.output("Athena") },
                    sources: [{ key: "local", contract }],
                }),
                [
                    "dashboard.folder: must be a plain value known when the program " +
                        "runs, not the output of another resource",
                ],
            );
        });
    });

    describe("the same code path as the projects", () => {
        it("AthenaSourceAccess from the package plans exactly the source project's resources, under one package component", async () => {
            const { config, secretKeys } = exampleConfig(SOURCE_DIR);
            const project = (await plan(SOURCE_DIR)).plan;
            const viaPackage = (
                await runProgram({
                    projectDir: path.join(REPO, "tests/fixtures/package-program"),
                    project: "grafana-athena-source",
                    stack: "example",
                    config,
                    secretKeys,
                })
            ).plan;
            const wrapper = viaPackage.resources.filter((r) => r.type === token("AthenaSourceAccess"));
            assert.equal(wrapper.length, 1);
            const inner = viaPackage.resources.find(
                (r) => r.type === "grafana-athena:source:AthenaSourceAccess",
            );
            assert.ok(
                inner && inner.parent !== null,
                "the repository's component is the package component's child",
            );
            // The repository's component is "<name>-source" under the package's "<name>": its children are
            // named after it.
            const renamed = (n: string | null) =>
                n === null ? null : n.replace(/^grafana-athena/, "grafana-athena-source");
            const expected = project.resources.map((r) => ({
                ...r,
                name: renamed(r.name),
                parent: r.parent === null ? wrapper[0].name : renamed(r.parent),
                options: { ...r.options, dependsOn: r.options.dependsOn.map((d) => renamed(d)) },
            }));
            const canonical = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).sort();
            assert.deepEqual(
                canonical(viaPackage.resources.filter((r) => r !== wrapper[0])),
                canonical(expected),
            );
            assert.deepEqual(viaPackage.secretOutputs, ["externalId"]);
        });

        it("AthenaWorkspace from the package plans exactly the workspace project's resources, under one package component", async () => {
            const stackRefs = { [EXAMPLE_SOURCE_STACK]: sourceRef(await exampleRun()) };
            const project = (await plan(WORKSPACE_DIR, { stackRefs })).plan;
            const viaPackage = (await planViaPackage({ stackRefs })).plan;
            const wrapper = viaPackage.resources.filter((r) => r.type === token("AthenaWorkspace"));
            assert.equal(wrapper.length, 1);
            // Resource names that carry the component's name; the stack reference's does not (the same in
            // both).
            const renamed = (n: string | null) =>
                n === null || n.startsWith("source-")
                    ? n
                    : n.replace(/^grafana-athena/, "grafana-athena-workspace");
            const mapped = (r: (typeof project.resources)[number]) => ({
                ...r,
                name: renamed(r.name),
                parent:
                    r.parent === null && r.type === "grafana-athena:workspace:AthenaWorkspace"
                        ? wrapper[0].name
                        : renamed(r.parent),
                provider: renamed(r.provider),
                options: { ...r.options, dependsOn: r.options.dependsOn.map((d) => renamed(d)) },
            });
            // The fake cloud derives a service account's id from the resource's name: not an input the
            // component chose.
            const canonical = (rs: unknown[]) =>
                rs
                    .map((x) =>
                        JSON.stringify(x).replace(/"serviceAccountId":"\d+"/, '"serviceAccountId":"<id>"'),
                    )
                    .sort();
            assert.deepEqual(
                canonical(viaPackage.resources.filter((r) => r !== wrapper[0])),
                canonical(project.resources.map(mapped)),
            );
            // The stack reference is the package component's child; the project's is top-level: the same
            // read.
            assert.deepEqual(
                viaPackage.reads.map((r) => [r.type, r.id]),
                project.reads.map((r) => [r.type, r.id]),
            );
        });

        it("refuses bad arguments in one line each, naming the argument, before creating anything", async () => {
            const { config, secretKeys } = exampleConfig(SOURCE_DIR, {
                set: {
                    "grafana-athena-source:tables": [],
                    "grafana-athena-source:workgroup": { name: "bad name!" },
                },
            });
            try {
                await runProgram({
                    projectDir: path.join(REPO, "tests/fixtures/package-program"),
                    project: "grafana-athena-source",
                    stack: "example",
                    config,
                    secretKeys,
                });
                assert.fail("expected a refusal");
            } catch (e) {
                assert.ok(e instanceof ProgramError, String(e));
                assert.equal(e.refusal, true, e.message);
                assert.match(e.message, /^AthenaSourceAccess:tables: must list at least one table/m);
                assert.match(
                    e.message,
                    /^AthenaSourceAccess:workgroup\.name: must be an Athena workgroup name/m,
                );
                assert.doesNotMatch(e.message, /\n\s+at /);
            }
        });
    });
});
