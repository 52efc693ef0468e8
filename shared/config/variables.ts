/**
 * Dashboard variables, one definition for every place they can be given: the workspace's
 * `dashboard.variables`, a source stack's own `variables`, the root project's, and the contract's
 * `variables` output (another team's input: the same rules). Three kinds, as Grafana has them:
 * an Athena query's values (`query`, its SQL checked like a panel's), a fixed list (`custom`), and
 * time intervals (`interval`). docs/panels.md says how panels use them.
 */
import { z } from "zod";
import { FLEET_VARIABLE } from "../grafana/dashboardTitles";
import { MAX_PANEL_SQL } from "./panels";
import * as r from "./rules";

/** At most this many variables on one dashboard: each query variable is a query when it opens. */
export const MAX_VARIABLES = 20;
/** At most this many values in a custom or interval variable's list. */
const MAX_VARIABLE_VALUES = 100;
/** The intervals an interval variable offers when it lists none. */
const DEFAULT_INTERVALS: readonly string[] = ["1h", "6h", "1d", "7d"];

/**
 * A variable's name as Grafana's syntax finds it (`$name`, `${name}`: word characters), starting
 * with a letter; names starting `__` are Grafana's built-ins, and the fleet dashboard's data source
 * variable is the program's own.
 */
const variableName = z
    .string({ error: "is required: the variable's name, as panels write it after $" })
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, {
        error: (i) =>
            `must be a letter then up to 49 letters, digits or _ (panels ` +
            `write it as $name), got ${r.describe(i.input)}`,
    })
    .refine((n) => n.toLowerCase() !== FLEET_VARIABLE, {
        error: `must not be "${FLEET_VARIABLE}": the fleet dashboard's data source variable has that name`,
    });

/**
 * A value of a custom variable: Grafana keeps the list as one comma-separated text and reads
 * `text : value` pairs in it (grafana/grafana public/app/features/variables/custom/reducer.ts), so
 * a value holds neither a comma nor " : ", and is one line without blanks around it.
 */
const customValue = z
    .string({ error: "must be a text value" })
    .min(1, { error: "must not be empty" })
    .max(200, { error: "must be at most 200 characters" })
    .refine((v) => !/[\u0000-\u001f\u007f,]/.test(v) && !v.includes(" : ") && v.trim() === v, {
        error: (i) =>
            `must be one line without commas or " : " and without blanks around it (Grafana reads ` +
            `the list as comma-separated text), got ${r.describe(i.input)}`,
    });

/** A duration Grafana's interval variable takes: a whole number and one of its units. */
const interval = z
    .string({ error: "must be an interval such as 1h" })
    .regex(/^[1-9]\d{0,4}(ms|s|m|h|d|w|M|y)$/, {
        error: (i) =>
            `must be an interval such as 30m, 1h, 1d (a number and ms, s, m, ` +
            `h, d, w, M or y), got ${r.describe(i.input)}`,
    });

const listOf = <T extends z.ZodType>(item: T, what: string) =>
    z
        .array(item, { error: (i) => `must be a list of ${what}, got ${r.describe(i.input)}` })
        .min(1, { error: `must list at least one ${what.replace(/s$/, "")}` })
        .max(MAX_VARIABLE_VALUES, { error: `must list at most ${MAX_VARIABLE_VALUES} ${what}` })
        .refine((vs) => new Set(vs).size === vs.length, { error: "lists a value twice" });

const common = {
    name: variableName,
    label: r.displayName("the variable's label on the dashboard", 50).optional(),
};
const choice = {
    multi: r.bool("whether several values may be chosen at once").optional(),
    includeAll: r.bool('whether the list offers "All"').optional(),
};

const queryVariable = z
    .object(
        {
            ...common,
            type: z.literal("query"),
            sql: z
                .string({ error: "is required: the Athena SQL whose first column gives the values" })
                .refine((t) => t.trim().length > 0, { error: "must not be empty" })
                .refine((t) => t.length <= MAX_PANEL_SQL, {
                    error: (i) =>
                        `must be at most ${MAX_PANEL_SQL} characters of SQL, got ${String(i.input).length}`,
                }),
            ...choice,
        },
        { error: r.objectOf("{name, type: query, sql, label?, multi?, includeAll?}") },
    )
    .strict();

const customVariable = z
    .object(
        { ...common, type: z.literal("custom"), values: listOf(customValue, "values"), ...choice },
        { error: r.objectOf("{name, type: custom, values, label?, multi?, includeAll?}") },
    )
    .strict();

const intervalVariable = z
    .object(
        {
            ...common,
            type: z.literal("interval"),
            values: listOf(interval, "intervals").default([...DEFAULT_INTERVALS]),
        },
        { error: r.objectOf("{name, type: interval, values?, label?}") },
    )
    .strict();

const TYPES = ["query", "custom", "interval"] as const;

const variableSettings = z.discriminatedUnion("type", [queryVariable, customVariable, intervalVariable], {
    error: (i) => {
        const v = i.input as { type?: unknown } | undefined;
        if (v === null || typeof v !== "object" || Array.isArray(v))
            return `must be an object {name, type: ${TYPES.join("|")}, ...}, got ${r.describe(v)}`;
        // Reported at the discriminator's own key (`variables[0].type`).
        return `must be one of ${TYPES.join(", ")}, got ${r.describe(v.type)}`;
    },
});

export type VariableSettings = z.output<typeof variableSettings>;

/** A dashboard's variables: at most 20, no name twice (compared without case, as a reader would). */
export const variableList = z
    .array(variableSettings, {
        error: (i) =>
            `must be a list of {name, type: query|custom|interval, ...}, got ${r.describe(i.input)}`,
    })
    .max(MAX_VARIABLES, {
        error: (i) =>
            `lists ${(i.input as unknown[]).length} variables, more than ` +
            `the ${MAX_VARIABLES} one dashboard takes`,
    })
    .superRefine((vs, ctx) => {
        const seen = new Map<string, string>();
        vs.forEach((v, i) => {
            const first = seen.get(v.name.toLowerCase());
            if (first !== undefined)
                ctx.addIssue({
                    code: "custom",
                    path: [i, "name"],
                    message: `names the variable "${v.name}" twice (with "${first}"; compared without case)`,
                });
            seen.set(v.name.toLowerCase(), v.name);
        });
    });

/**
 * A value Grafana may paste into SQL as written: one word of letters, digits and `_ . : @ + -`
 * that begins and ends with a letter, digit or `_`, without `--`, and without a reserved word of
 * Trino in it. Pasted, anything else is grammar, not a value, and the table check (which takes a
 * variable for one value) would read other SQL than Athena: `a-` before a `-` of the panel starts a
 * comment (`$v-'...` hides the rest of the line from Trino, not from the check), `.salaries` after
 * `FROM hr ` names a table of another database, and `FROM`, `JOIN`, `TABLE`, `UNION` or `1.FROM`
 * make a table of what the check reads as a value (`FROM orders $v hr.salaries`).
 */
const PLAIN_VALUE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.:@+-]*[A-Za-z0-9_])?$/;
/**
 * Trino's reserved words: the keywords of its grammar that its `nonReserved` rule does not list
 * (trinodb/trino core/trino-grammar SqlBase.g4), but the literals TRUE, FALSE and NULL. Found where
 * Trino's lexer would start a word there (not after a letter or `_`; `1.5e3FROM` is a number, then
 * FROM) and end it (not before a letter, digit or `_`).
 */
const RESERVED_WORDS = (
    "alter and as between by case cast constraint create cross cube current_catalog " +
    "current_date current_path current_role current_schema current_time current_timestamp " +
    "current_user deallocate delete describe distinct drop else end escape except execute " +
    "exists extract for from full group grouping having in inner insert intersect into is join " +
    "json_array json_exists json_object json_query json_table json_value left like listagg " +
    "localtime localtimestamp natural normalize not on or order outer prepare recursive right " +
    "rollup select table then trim uescape union unnest using values when where with"
).split(" ");
const RESERVED_WORD = new RegExp(`(?<![A-Za-z_])(?:${RESERVED_WORDS.join("|")})(?![A-Za-z0-9_])`, "i");
export const isPlainValue = (value: string): boolean =>
    PLAIN_VALUE.test(value) && !value.includes("--") && !RESERVED_WORD.test(value);

/**
 * Why each of these variables could put SQL where a panel pastes it as written (any format but
 * `${name:sqlstring}`): a query variable's values are the source's data; a custom variable's are
 * text, of which a value that is not one plain word (`(SELECT max(paid) FROM hr.salaries)`,
 * `x UNION SELECT ...`) would be SQL the table check reads as one value. An interval variable's
 * values are durations. By name.
 */
export function unsafeVariables(variables: readonly VariableSettings[]): ReadonlyMap<string, string> {
    const unsafe = new Map<string, string>();
    for (const v of variables) {
        if (v.type === "query") unsafe.set(v.name, "whose values are the source's data");
        else if (v.type === "custom" && !v.values.every(isPlainValue))
            unsafe.set(v.name, "whose values are not one plain word each");
    }
    return unsafe;
}

/**
 * The variables of which several values may be chosen (`multi`, `includeAll`). Grafana joins
 * several values with commas, unquoted, in most formats (`${v:csv}`, `${v:raw}`: `x,hr.salaries`
 * after `FROM orders` is a second table); only the plugin's own (no format) and `sqlstring` or
 * `singlequote` quote each value (`unescapedVariableUses`).
 */
export function listVariables(variables: readonly VariableSettings[]): ReadonlySet<string> {
    return new Set(
        variables.filter((v) => v.type !== "interval" && (v.multi || v.includeAll)).map((v) => v.name),
    );
}

/** The names a dashboard with these variables replaces in its SQL. */
export function variableNames(...lists: (readonly { name: string }[] | undefined)[]): ReadonlySet<string> {
    return new Set(lists.flatMap((l) => (l ?? []).map((v) => v.name)));
}

/**
 * The variables of a source's own dashboard: the source stack's own, then the workspace's
 * `dashboard.variables` of other names (a source's own panels were written against its own).
 */
export function sourceDashboardVariables(
    sourceStack: readonly VariableSettings[] | undefined,
    dashboard: readonly VariableSettings[] | undefined,
): VariableSettings[] {
    const own = sourceStack ?? [];
    const names = new Set(own.map((v) => v.name.toLowerCase()));
    return [...own, ...(dashboard ?? []).filter((v) => !names.has(v.name.toLowerCase()))];
}
