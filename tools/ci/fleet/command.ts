/**
 * What every `npm run fleet` command is made of (cli.ts lists them): the options all of them take,
 * what a command is given when it runs, and the entry that declares it with its --help.
 */
import type { OptionTable } from "../../cli/options";
import { UsageError } from "../../cli/options";
import type { Inventory, StackEntry } from "./fleetInventory";
import type { Fetch } from "./accountRole";
import type { Runner } from "./orchestrate";

export interface FleetIo {
    out(text: string): void;
    err(text: string): void;
    /** The runner for preview, up and destroy (default: the Automation API). */
    runner?: Runner;
    /**
     * Instead of `runner`: the runner made from each source stack's environment under
     * `--account-role` (undefined without it), as the Automation API's runner is made.
     */
    stackRunner?: (stackEnv: StackEnvOf | undefined) => Runner;
    /** How the job's OIDC token is fetched under `--account-role` (default: fetch). */
    fetch?: Fetch;
    env?: NodeJS.ProcessEnv;
}

/** The environment a stack's Pulumi CLI gets on top of the job's (its account's role), if any. */
export type StackEnvOf = (entry: StackEntry) => Promise<Record<string, string> | undefined>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
    org: {
        type: "string",
        value: "ORG",
        default: "$PULUMI_ORG, else organization, the local backend's",
        help: "the organisation stack names are qualified in",
    },
    root: {
        type: "string",
        value: "DIR",
        default: "the current folder",
        help: "the checkout of this repository whose stack files are the fleet",
    },
} as const satisfies OptionTable;

/** `--base REF`: only what a change since REF touches. */
export const BASE_OPTION = {
    base: {
        type: "string",
        value: "REF",
        default: "every stack",
        help: "only the stacks a change since REF (a commit, branch or tag) touches",
    },
} as const satisfies OptionTable;

/** What a command is given: the parsed options and the fleet they apply to. */
export interface FleetContext {
    /** The options of the command's table (and COMMON_OPTIONS), as parsed. */
    values: Record<string, string | boolean | string[] | undefined>;
    positionals: string[];
    /** The repository root (checked: an existing folder). */
    root: string;
    org: string;
    io: FleetIo;
    /** Every stack of the repository (read on first use, once). */
    all(): Inventory;
    /** The stacks `--base` selects (all without it). */
    selected(): Inventory;
}

/** One command of `npm run fleet`: add an entry to FLEET_COMMANDS to add a command (and its --help). */
export interface FleetCommandSpec {
    /** One line, for the list of commands. */
    summary: string;
    /** Its own options; COMMON_OPTIONS and --help are added. */
    options: OptionTable;
    /** Positional arguments after the command, as the usage line shows them (default: none). */
    positionals?: string;
    notes?: string[];
    /** Command lines that show it at work (`--help` prints them). */
    examples: [string, string][];
    exitCodes: [number, string][];
    run(ctx: FleetContext): Promise<number> | number;
}

export const USAGE_EXITS: [number, string][] = [
    [
        2,
        "a bad command line (an unknown option, a missing or bad value, a missing --root, an unknown --base)",
    ],
];

export const names = (entries: readonly StackEntry[]) => entries.map((e) => e.name);
export const whole = (flag: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
        throw new UsageError(`--${flag} takes a whole number, at least ${min}, got "${text}"`);
    return n;
};
