/**
 * One declaration per config key. A project's keys are declared once, each with its name (the
 * property), what its `Pulumi.yaml` says of it (`type`, `items`, `default`, `description`),
 * whether it is a secret, and the rule its value must pass. Everything else is derived from that
 * declaration: the zod shape the programs, the fleet and the component package check values with
 * (`shapeOf`), how the stack file stores a value (`kindsOf`), the `config:` section of the
 * project's `Pulumi.yaml` (`pulumiYamlConfig`, written by `npm run config-docs` and compared by a
 * test), the pages of docs/config/ (from that `Pulumi.yaml`), and the components' argument types
 * (the shape's output; the key keeps its name from the stack file to the argument). The package's
 * argument docs (provider/sourceArgs.ts, provider/workspaceArgs.ts) are held equal to
 * `description` by a test.
 *
 * Adding a key: declare it in its project's `*_KEYS` (shared/config/<project>.ts) and use it in the
 * component; then `npm run config-docs` rewrites `Pulumi.yaml` and docs/config/.
 */
import { z } from "zod";

/** The types a `Pulumi.yaml` declaration may name (pulumi/pulumi `sdk/go/common/workspace/project.go`). */
type YamlType = "string" | "integer" | "boolean" | "array" | "object";

/**
 * How a stack file holds a value: a string as it is, anything else as JSON, a secret encrypted (a
 * secret list or object as encrypted JSON).
 */
type KeyKind = "string" | "json" | "secret" | "secretJson";

interface DeclarationBase<R extends z.ZodType> {
    /** The type `Pulumi.yaml` declares: the CLI refuses a stack value of another. */
    type: YamlType;
    /** An array's items' type. */
    items?: YamlType;
    /** What the key means, for `Pulumi.yaml`, docs/config/ and the package's argument docs. */
    description: string;
    /** The rule every value must pass (without its default). */
    rule: R;
    /**
     * Set with `pulumi config set --secret`: the value never reaches a message, a plan or an output in clear.
     */
    secret?: true;
}

/**
 * A key's declaration: required (neither `default` nor `optional`), with a `default` the program
 * applies when the stack file leaves the key out (`Pulumi.yaml` declares the same default), or
 * `optional` (a string that may be left unset: `Pulumi.yaml` declares `""`, which means unset).
 */
type KeyDeclaration<R extends z.ZodType = z.ZodType> =
    | (DeclarationBase<R> & { default?: never; optional?: never })
    | (DeclarationBase<R> & { default: z.input<R>; optional?: never })
    | (DeclarationBase<R> & { optional: true; type: "string"; default?: never });

export type KeyDeclarations = Record<string, KeyDeclaration>;

/** The declarations as written (their literal types kept, for `ShapeOf`). */
export function declareKeys<const T extends KeyDeclarations>(keys: T): T {
    return keys;
}

type FieldOf<D> = D extends { rule: infer R extends z.ZodType }
    ? D extends { optional: true }
        ? z.ZodOptional<R>
        : D extends { default: unknown }
          ? z.ZodPrefault<R>
          : R
    : never;

/** The zod shape of a project's keys. */
type ShapeOf<T extends KeyDeclarations> = { -readonly [K in keyof T]: FieldOf<T[K]> };

/**
 * The zod shape: each key's rule, optional or with its default. A default is parsed by the rule
 * (`prefault`), so an object's `{}` gets every field's own default, as the CLI's `{}` would.
 */
export function shapeOf<T extends KeyDeclarations>(keys: T): ShapeOf<T> {
    const field = (d: KeyDeclaration): z.ZodType =>
        d.optional
            ? d.rule.optional()
            : d.default !== undefined
              ? d.rule.prefault(d.default as never)
              : d.rule;
    return Object.fromEntries(Object.entries(keys).map(([k, d]) => [k, field(d)])) as ShapeOf<T>;
}

/** How the stack file holds each key. */
export function kindsOf<T extends KeyDeclarations>(keys: T): { [K in keyof T]: KeyKind } {
    const kind = (d: KeyDeclaration): KeyKind => {
        if (d.secret) return d.type === "string" ? "secret" : "secretJson";
        return d.type === "string" ? "string" : "json";
    };
    return Object.fromEntries(Object.entries(keys).map(([k, d]) => [k, kind(d)])) as {
        [K in keyof T]: KeyKind;
    };
}

/** A key's declaration as `Pulumi.yaml` writes it. */
interface PulumiYamlDeclaration {
    type: YamlType;
    items?: { type: YamlType };
    default?: unknown;
    description: string;
}

/**
 * The `config:` section of the project's `Pulumi.yaml`: the CLI refuses a stack that lacks a key
 * declared without a default, so every key the program may go without has one (`""` for an unset
 * string, as the programs read an empty string as unset).
 */
export function pulumiYamlConfig(keys: KeyDeclarations): Record<string, PulumiYamlDeclaration> {
    return Object.fromEntries(
        Object.entries(keys).map(([k, d]): [string, PulumiYamlDeclaration] => [
            k,
            {
                type: d.type,
                ...(d.items ? { items: { type: d.items } } : {}),
                ...(d.optional ? { default: "" } : d.default !== undefined ? { default: d.default } : {}),
                description: d.description,
            },
        ]),
    );
}

/** The keys that are secrets. */
export function secretKeysOf(keys: KeyDeclarations): string[] {
    return Object.entries(keys).flatMap(([k, d]) => (d.secret ? [k] : []));
}

/**
 * A key's doc as a component argument (provider/sourceArgs.ts, provider/workspaceArgs.ts, and so
 * the package schema and every generated SDK): its description and, for a scalar default, the
 * default (a list's or an object's is told by the description, which says what leaving it empty
 * means).
 */
export function argumentDoc(d: KeyDeclaration): string {
    const fallback: unknown = d.default;
    return typeof fallback === "string" || typeof fallback === "number" || typeof fallback === "boolean"
        ? `${d.description} Default \`${fallback}\`.`
        : d.description;
}
