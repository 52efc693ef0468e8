/**
 * The component provider that hosts the package's components: the SDK's own host
 * (`ComponentProvider` of @pulumi/pulumi `provider/experimental`, checked with 3.276.0), whose
 * analyzer infers the schema from the components' argument and output types and their JSDoc, plus
 * the one thing it cannot infer: which properties are secrets (its `PropertyDefinition` has no
 * `secret`, in 3.248.0 and 3.276.0). A property marked `secret: true`
 * in the schema is wrapped as a secret by every generated SDK.
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { secretKeysOf } from "../shared/config/declare";
import { SOURCE_KEYS } from "../shared/config/source";
import { WORKSPACE_COMMON_KEYS } from "../shared/config/workspace";
import { SECRET_CONTRACT_OUTPUTS } from "../shared/contract";
import { AthenaSourceAccess, AthenaWorkspace } from "./components";
import { PACKAGE_NAME } from "./packageName";

/**
 * The repository root: where package.json (name, version, `main`) and the tsconfig.json the analyzer reads
 * are.
 */
export const PACKAGE_DIR = path.resolve(__dirname, "..");

/** Inputs the package marks secret in its schema, by component: the SDKs then wrap them as secrets. */
export const SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
    AthenaSourceAccess: secretKeysOf(SOURCE_KEYS),
    AthenaWorkspace: secretKeysOf(WORKSPACE_COMMON_KEYS),
};

/** Outputs the package marks secret, by component. */
export const SECRET_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
    AthenaSourceAccess: SECRET_CONTRACT_OUTPUTS,
    AthenaWorkspace: [],
};

interface SchemaResource {
    inputProperties?: Record<string, { secret?: boolean }>;
    properties?: Record<string, { secret?: boolean }>;
}

/**
 * The schema with the secret inputs and outputs marked; a listed property the schema lacks is a bug, not a
 * silent no-op.
 */
export function markSecrets(schema: { name: string; resources: Record<string, SchemaResource> }): void {
    for (const [component, names] of Object.entries(SECRET_INPUTS))
        mark(schema, component, "inputProperties", names);
    for (const [component, names] of Object.entries(SECRET_OUTPUTS))
        mark(schema, component, "properties", names);
}

function mark(
    schema: { name: string; resources: Record<string, SchemaResource> },
    component: string,
    where: "inputProperties" | "properties",
    names: readonly string[],
) {
    const resource = schema.resources[`${schema.name}:index:${component}`];
    for (const n of names) {
        const property = resource?.[where]?.[n];
        if (!property)
            throw new Error(
                `${component}.${n} is listed as a secret but the schema has no such ` +
                    `${where === "properties" ? "output" : "input"}`,
            );
        property.secret = true;
    }
}

/** The package's provider: the SDK's component host, with the secrets marked in the schema it serves. */
export class GrafanaAthenaProvider extends ComponentProvider {
    constructor() {
        const version = (
            JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as { version: string }
        ).version;
        super({
            name: PACKAGE_NAME,
            version,
            dirname: PACKAGE_DIR,
            components: [AthenaSourceAccess, AthenaWorkspace],
        });
    }

    async getSchema(): Promise<string> {
        const schema = JSON.parse(await super.getSchema());
        markSecrets(schema);
        return JSON.stringify(schema);
    }
}

/** The schema the engine gets from the provider (`pulumi package get-schema`), as an object. */
export async function packageSchema(): Promise<PackageSchema> {
    return JSON.parse(await new GrafanaAthenaProvider().getSchema()) as PackageSchema;
}

/** The parts of a Pulumi package schema this repository reads. */
export interface PackageSchema {
    name: string;
    version: string;
    description?: string;
    resources: Record<
        string,
        {
            description?: string;
            isComponent?: boolean;
            inputProperties: Record<string, SchemaProperty>;
            requiredInputs: string[];
            properties: Record<string, SchemaProperty>;
            required: string[];
        }
    >;
    types: Record<
        string,
        {
            type: string;
            description?: string;
            properties?: Record<string, SchemaProperty>;
            required?: string[];
        }
    >;
}

export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    plain?: boolean;
    secret?: boolean;
}
