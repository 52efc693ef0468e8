/**
 * A dashboard file checked against Grafana's own JSON Schema of the classic dashboard model for the
 * workspace's version (shared/grafana/schemas/, from the Grafana Foundation SDK): 10.4's for a
 * 10.x workspace, 12.4's for 12 and later (Grafana 13 serves the same classic model through
 * `/api`). The generated dashboards are held to the same schemas by the tests. Pure: the schemas
 * are read once, with the module.
 */
import Ajv, { ValidateFunction } from "ajv";
import { Refusal } from "../refusal";
import schema104 from "./schemas/dashboard-10.4.jsonschema.json";
import schema124 from "./schemas/dashboard-12.4.jsonschema.json";

/** The schema versions there are, and the one a workspace of `grafanaVersion` is checked with. */
type DashboardSchemaVersion = "10.4" | "12.4";
function dashboardSchemaVersion(grafanaVersion: string): DashboardSchemaVersion {
    const major = Number(/^v?(\d+)/.exec(grafanaVersion.trim())?.[1] ?? "0");
    return major >= 12 ? "12.4" : "10.4";
}

/**
 * Two places where the exported JSON Schema is narrower than the CUE schema it comes from, and
 * than the dashboards Grafana itself saves; exactly these are widened, and nothing else:
 * - `Threshold.value`: 10.4's export says `number` while its own description says "Nulls currently
 *   appear here when serializing -Infinity to JSON" (the base step, which Grafana's editor saves as
 *   null); 12.4's export says `number | null`.
 * - `VariableModel.query`: CUE's open struct `string | {...}` is exported as an object whose values
 *   are objects; a data source's query object (the Athena plugin's `CustomVariableSupport` saves an
 *   AthenaQuery: `rawSQL`, `format`, ...) holds strings and numbers.
 * - `VariableModel.definition`: the text of a query variable's query, which Grafana's variable
 *   editor has saved since 7.x (public/app/features/variables/types.ts, `QueryVariableModel`) and
 *   an export of 10.4 carries; 10.4's export lacks it, 12.4's has it (a string).
 * Throws when the export is not what this says (a new schema must be looked at again).
 */
export function exportFixes<T>(schema: T): T {
    const copy = JSON.parse(JSON.stringify(schema));
    const defs = copy.definitions;
    if (defs.Threshold.properties.value.type === "number")
        defs.Threshold.properties.value = { anyOf: [{ type: "number" }, { type: "null" }] };
    const object = (
        defs.VariableModel.properties.query.oneOf as { type: string; additionalProperties?: unknown }[]
    ).find((q) => q.type === "object");
    if (
        JSON.stringify(object?.additionalProperties) !==
        JSON.stringify({ type: "object", additionalProperties: {} })
    )
        throw new Error("the dashboard schema's VariableModel.query is not what exportFixes widens");
    object!.additionalProperties = {};
    defs.VariableModel.properties.definition ??= { type: "string" };
    return copy;
}

const compiled = new Map<DashboardSchemaVersion, ValidateFunction>();
function validator(version: DashboardSchemaVersion): ValidateFunction {
    let validate = compiled.get(version);
    if (validate === undefined) {
        const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
        validate = ajv.compile(exportFixes(version === "10.4" ? schema104 : schema124));
        compiled.set(version, validate);
    }
    return validate;
}

/** How many schema problems a refusal names. */
const LISTED = 5;

/** What Grafana `version`'s dashboard schema says of `json`, one phrase per problem (at most five). */
export function dashboardSchemaProblems(json: unknown, version: DashboardSchemaVersion): string[] {
    const validate = validator(version);
    if (validate(json)) return [];
    const errors = validate.errors ?? [];
    // A oneOf's branches each report; the innermost (longest path) say most.
    const seen = new Set<string>();
    const phrases: string[] = [];
    for (const e of [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)) {
        // A key the schema does not know is named (Ajv's `params.additionalProperty`).
        const extra = (e.params as { additionalProperty?: unknown }).additionalProperty;
        const phrase =
            `${e.instancePath === "" ? "the dashboard" : e.instancePath} ` +
            `${e.message ?? "is invalid"}` +
            (typeof extra === "string" ? ` (${JSON.stringify(extra.slice(0, 60))})` : "");
        if (seen.has(phrase)) continue;
        seen.add(phrase);
        phrases.push(phrase);
    }
    const listed = phrases.slice(0, LISTED);
    return phrases.length > LISTED ? [...listed, `and ${phrases.length - LISTED} more`] : listed;
}

/**
 * The dashboard's JSON text once Grafana `grafanaVersion`'s schema accepts it; else a Refusal
 * naming `where`: the check the workspace program applies to every dashboard file it saves.
 */
export function schemaCheckedJson(
    json: Record<string, unknown>,
    grafanaVersion: string,
    where: string,
): string {
    const schema = dashboardSchemaVersion(grafanaVersion);
    const problems = dashboardSchemaProblems(json, schema);
    if (problems.length > 0)
        throw new Refusal(
            `${where}: not a dashboard Grafana ${schema}'s schema accepts: ${problems.join("; ")}`,
        );
    return JSON.stringify(json);
}

/**
 * Why the workspace program would refuse `json` on a workspace of one of `grafanaVersions` (the
 * version it creates, or, when only the cloud knows it, every version this program supports: then
 * only a dashboard no schema accepts is refused), or undefined.
 */
export function schemaProblem(
    json: Record<string, unknown>,
    grafanaVersions: readonly string[],
    where: string,
): string | undefined {
    const refusals = grafanaVersions.flatMap((v) => {
        try {
            schemaCheckedJson(json, v, where);
            return [];
        } catch (e) {
            if (e instanceof Refusal) return [e.message];
            throw e;
        }
    });
    return refusals.length === grafanaVersions.length ? refusals[0] : undefined;
}
