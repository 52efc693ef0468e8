/**
 * The command lines of the tools (synth, fleet and each of its commands, plan-diff, policy,
 * state-guard, bench, config-docs, schema): each declares its options once, in a table, and both
 * the parser (`util.parseArgs`) and the `--help` text (with its examples) are made from that
 * table, so the help can never list an option the parser does not take, or miss one it does.
 */
import { parseArgs } from "util";

/** One option of a command line. */
interface OptionSpec {
    type: "string" | "boolean";
    /** The value's placeholder in the help, e.g. `FILE` (string options; default `VALUE`). */
    value?: string;
    /** May be given more than once; the values are kept in order. */
    multiple?: boolean;
    /** The command refuses to run without it. */
    required?: boolean;
    /** What the help says happens without it, e.g. `example`, or `the current folder`. */
    default?: string;
    /** One line: what it does. */
    help: string;
    /**
     * Free text that may hold line breaks (a message for the Markdown comment, which renders every
     * text through one escaping function). Any other value with a control character is refused:
     * it would land in output (a log line, a stack name) and could forge lines there.
     */
    freeText?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;

/** The parsed values of a table: strings, string lists, booleans; absent when not given. */
export type OptionValues<T extends OptionTable> = {
    [K in keyof T]?: T[K]["type"] extends "boolean"
        ? boolean
        : T[K]["multiple"] extends true
          ? string[]
          : string;
};

/** What a command's `--help` prints, besides its options. */
export interface CommandHelp {
    /** The command line before its options, e.g. `npm run synth -- <project-dir>`. */
    usage: string;
    /** One or two sentences: what it does. */
    summary: string;
    /** The positional arguments, `[name, what]`. */
    positionals?: [string, string][];
    /** Further lines shown after the options (how options combine, what is written where). */
    notes?: string[];
    /** Exit codes and what each means. */
    exitCodes: [number, string][];
    /** Command lines that show it at work, each with what it does: `[command line, what]`. */
    examples?: [string, string][];
}

/** A command line that cannot be run: exit code 2, one line. */
export class UsageError extends Error {}

/** Every command takes --help (and -h). */
const HELP: OptionSpec = { type: "boolean", help: "print this help and exit" };

/** C0 and C1 control characters and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Refuses a value (of option `name`) that could forge an output line or be read as an option. */
export function plainText(name: string, value: string): string {
    const m = CONTROL.exec(value);
    if (m)
        throw new UsageError(
            `${name} holds a control character ` +
                `(U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}): refused`,
        );
    return value;
}

/**
 * Parses `argv` against `table` (plus --help): unknown options, a missing value, a value with a
 * control character and a missing required option are UsageErrors. `help` is true when --help
 * was given; nothing else is checked then, so `--help` always answers.
 */
/** Whether the command line asks for the help (`--help` or `-h` anywhere before a `--`). */
export function asksForHelp(argv: readonly string[]): boolean {
    const end = argv.indexOf("--");
    return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

export function parseOptions<T extends OptionTable>(
    argv: string[],
    table: T,
): { values: OptionValues<T>; positionals: string[]; help: boolean } {
    if (asksForHelp(argv)) return { values: {}, positionals: [], help: true };
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            strict: true,
            options: Object.fromEntries(
                Object.entries(table).map(([name, o]) => [
                    name,
                    { type: o.type, multiple: o.multiple ?? false },
                ]),
            ),
        });
    } catch (e) {
        // Node's advice on positionals that start with "-" would mislead: none of these takes one.
        throw new UsageError((e as Error).message.split("\n")[0].split(". To specify")[0]);
    }
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    for (const [name, spec] of Object.entries(table)) {
        const v = values[name];
        if (v === undefined) {
            if (spec.required) throw new UsageError(`--${name} ${spec.value ?? "VALUE"} is required`);
            continue;
        }
        if (spec.freeText) continue;
        for (const s of Array.isArray(v) ? v : typeof v === "string" ? [v] : []) plainText(`--${name}`, s);
    }
    parsed.positionals.forEach((p, i) => plainText(`argument ${i + 1}`, p));
    return { values: values as OptionValues<T>, positionals: parsed.positionals, help: false };
}

/** `--name VALUE`, `[--name VALUE]...`: an option as the usage line shows it. */
function synopsis(name: string, o: OptionSpec): string {
    const flag = o.type === "boolean" ? `--${name}` : `--${name} ${o.value ?? "VALUE"}`;
    return o.required ? flag : `[${flag}]${o.multiple ? "..." : ""}`;
}

/**
 * The `--help` text of a command, from its option table: usage, every option with its default, exit codes.
 */
export function helpText(help: CommandHelp, table: OptionTable): string {
    const all: OptionTable = { ...table, help: HELP };
    const usage = [help.usage, ...Object.entries(all).map(([n, o]) => synopsis(n, o))].join(" ");
    const lines = [`usage: ${usage}`, "", help.summary];
    if (help.positionals?.length) {
        lines.push("", "arguments:");
        const width = Math.max(...help.positionals.map(([n]) => n.length));
        for (const [n, what] of help.positionals) lines.push(`  ${n.padEnd(width)}  ${what}`);
    }
    lines.push("", "options:");
    const flags = Object.entries(all).map(
        ([n, o]) => [o.type === "boolean" ? `--${n}` : `--${n} ${o.value ?? "VALUE"}`, o] as const,
    );
    const width = Math.max(...flags.map(([f]) => f.length));
    for (const [flag, o] of flags) {
        const extra = [
            o.required ? "required" : undefined,
            o.multiple ? "may be repeated" : undefined,
            o.default !== undefined ? `default: ${o.default}` : undefined,
        ].filter((x) => x);
        lines.push(`  ${flag.padEnd(width)}  ${o.help}${extra.length ? ` (${extra.join("; ")})` : ""}`);
    }
    if (help.notes?.length) lines.push("", ...help.notes);
    if (help.examples?.length)
        lines.push(
            "",
            "examples:",
            ...help.examples.flatMap(([line, what]) => [`  ${line}`, `      ${what}`]),
        );
    lines.push("", "exit codes:", ...help.exitCodes.map(([code, what]) => `  ${code}  ${what}`));
    return `${lines.join("\n")}\n`;
}
