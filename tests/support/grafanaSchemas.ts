/**
 * A dashboard as a schema-checking Grafana would take it: the classic dashboard model, each panel's
 * options and each Athena query, against Grafana's own JSON Schemas of the version
 * (tests/fixtures/grafana-<10.4|12.4>-jsonschema; 13 serves the same classic model through `/api`,
 * so 12.4's stand for it). Options a panel leaves out take the schema's default first, as Grafana's
 * panel migration fills them when it loads the panel. A panel type without a schema in the fixtures
 * (10.4's text panel) is checked by the dashboard's schema only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { ValidateFunction } from "ajv";
import { exportFixes } from "../../shared/grafana/dashboardSchema";
import { ATHENA_PLUGIN_ID } from "../../shared/grafana/dataSource";
import { REPO } from "./repo";

type Json = Record<string, unknown>;

interface SchemaSet {
    dashboard: ValidateFunction;
    options: Map<string, { validate: ValidateFunction; defaults: Json }>;
    query: ValidateFunction;
}

const sets = new Map<string, SchemaSet>();

function schemaSet(version: "10.4" | "12.4"): SchemaSet {
    const found = sets.get(version);
    if (found) return found;
    const dir = path.join(REPO, "tests", "fixtures", `grafana-${version}-jsonschema`);
    const read = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(dir, `${name}.jsonschema.json`), "utf8")) as Json & {
            definitions: Record<string, Json>;
        };
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const options = new Map<string, { validate: ValidateFunction; defaults: Json }>();
    for (const file of fs.readdirSync(dir)) {
        const type = file.replace(/\.jsonschema\.json$/, "");
        if (type === file || ["dashboard", "common", "athena"].includes(type)) continue;
        const schema = read(type);
        const props = (schema.definitions.Options?.properties ?? {}) as Record<string, { default?: unknown }>;
        const defaults = Object.fromEntries(
            Object.entries(props).flatMap(([k, p]) => ("default" in p ? [[k, p.default]] : [])),
        );
        options.set(type, { validate: ajv.compile({ ...schema, $ref: "#/definitions/Options" }), defaults });
    }
    const set = {
        dashboard: ajv.compile(exportFixes(read("dashboard"))),
        options,
        query: ajv.compile(read("athena")),
    };
    sets.set(version, set);
    return set;
}

const say = (where: string, v: ValidateFunction) =>
    (v.errors ?? []).slice(0, 3).map((e) => `${where}${e.instancePath} ${e.message ?? "is invalid"}`);

/** What Grafana `version`'s schemas say of a dashboard model: empty when it is valid. */
export function dashboardModelProblems(model: unknown, version: string): string[] {
    const set = schemaSet(Number(/^(\d+)/.exec(version)?.[1] ?? "0") >= 12 ? "12.4" : "10.4");
    if (!set.dashboard(model)) return say("dashboard", set.dashboard);
    const problems: string[] = [];
    const panels = ((model as Json).panels ?? []) as Json[];
    panels.forEach((panel, i) => {
        const schema = set.options.get(String(panel.type));
        if (schema) {
            const options = { ...schema.defaults, ...((panel.options ?? {}) as Json) };
            if (!schema.validate(options)) problems.push(...say(`panels[${i}].options`, schema.validate));
        }
        const targets = (panel.targets ?? []) as Json[];
        targets.forEach((t, j) => {
            const ds = (t.datasource ?? panel.datasource) as Json | undefined;
            if (ds?.type === ATHENA_PLUGIN_ID && !set.query(t))
                problems.push(...say(`panels[${i}].targets[${j}]`, set.query));
        });
    });
    return problems;
}
