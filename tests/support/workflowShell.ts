/** The commands of a step's script, split into words: which tool it runs, with which arguments. */

// ---------------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------------

const SHELL_KEYWORDS = new Set([
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "for",
    "!",
    "{",
    "}",
    "time",
    "exec",
    "command",
    "env",
    "sudo",
    "nohup",
]);

/**
 * The simple commands of a bash script, as words (quotes removed, variables left as written): split
 * at newlines, `;`, `&&`, `||`, `|`, `&`, parentheses and `$(`, without the keywords and the
 * variable assignments that lead a command. Enough to find which programs a step runs and with
 * which arguments; not a full shell.
 */
export function commandsOf(script: string): string[][] {
    const commands: string[][] = [];
    let words: string[] = [];
    let word: string | undefined;
    const endWord = () => {
        if (word !== undefined) words.push(word);
        word = undefined;
    };
    const endCommand = () => {
        endWord();
        while (
            words.length > 0 &&
            (SHELL_KEYWORDS.has(words[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))
        )
            words.shift();
        if (words.length > 0) commands.push(words);
        words = [];
    };
    const text = script.replace(/\\\n/g, " ");
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "'") {
            const end = text.indexOf("'", i + 1);
            word = (word ?? "") + text.slice(i + 1, end < 0 ? text.length : end);
            i = end < 0 ? text.length : end;
        } else if (c === '"') {
            let j = i + 1;
            let v = "";
            while (j < text.length && text[j] !== '"') {
                if (text[j] === "\\" && j + 1 < text.length) j++;
                v += text[j++];
            }
            word = (word ?? "") + v;
            i = j;
        } else if (c === "#" && word === undefined) {
            while (i < text.length && text[i] !== "\n") i++;
            endCommand();
        } else if (c === "$" && text[i + 1] === "(") {
            endCommand();
            i++;
        } else if ("\n;&|()".includes(c)) {
            endCommand();
        } else if (/\s/.test(c)) {
            endWord();
        } else word = (word ?? "") + c;
    }
    endCommand();
    return commands;
}

export const program = (words: string[]) => (words[0] ?? "").split("/").pop() ?? "";

const afterNpx = (words: string[]) =>
    program(words) === "npx" ? words.slice(1).filter((w, i) => i > 0 || !w.startsWith("-")) : words;

/** `npm run [flags] NAME [--] ARGS`: the script's name and its arguments. */
function npmRun(words: string[]): { script: string; args: string[] } | undefined {
    if (program(words) !== "npm") return undefined;
    const at = words.findIndex((w, i) => i > 0 && (w === "run" || w === "run-script"));
    if (at < 0) return undefined;
    const rest = words.slice(at + 1);
    const name = rest.findIndex((w) => !w.startsWith("-"));
    if (name < 0) return undefined;
    const args = rest.slice(name + 1);
    return { script: rest[name], args: args[0] === "--" ? args.slice(1) : args };
}

/**
 * The fleet command a command runs (`npm run fleet -- up ...`, `ts-node tools/ci/fleet/cli.ts up ...`), with
 * its arguments.
 */
export function fleetCommand(words: string[]): string[] | undefined {
    const run = npmRun(words);
    if (run?.script === "fleet") return run.args;
    const w = afterNpx(words);
    const cli = w.findIndex((x) => /(^|\/)tools\/fleet\/cli(\.ts)?$/.test(x));
    return cli >= 0 ? w.slice(cli + 1) : undefined;
}

/** The plan diff's arguments, for a command that runs it. */
export function planDiffCommand(words: string[]): string[] | undefined {
    const run = npmRun(words);
    if (run?.script === "plan-diff") return run.args;
    const w = afterNpx(words);
    const cli = w.findIndex((x) => /(^|\/)tools\/planDiff\/cli(\.ts)?$/.test(x));
    return cli >= 0 ? w.slice(cli + 1) : undefined;
}

const PULUMI_CHANGES = new Set([
    "up",
    "update",
    "destroy",
    "refresh",
    "import",
    "cancel",
    "state",
    "rm",
    "watch",
]);

/** Whether a command is the Pulumi CLI; its words after the program, flags included. */
const pulumiArgs = (words: string[]): string[] | undefined => {
    const w = afterNpx(words);
    return program(w) === "pulumi" ? w.slice(1) : undefined;
};

/** The first word of the fleet's command line that is not an option: its command. */
export const firstCommand = (args: string[]) => args.find((a) => !a.startsWith("-"));

/**
 * Whether a command changes a stack or its state: `fleet up`, `fleet destroy` (but its --preview and
 * --list), or a Pulumi command that is not a read (flags before the command included).
 */
export function changesStacks(words: string[]): boolean {
    const fleet = fleetCommand(words);
    if (fleet !== undefined)
        return (
            firstCommand(fleet) === "up" ||
            (firstCommand(fleet) === "destroy" && !fleet.includes("--preview") && !fleet.includes("--list"))
        );
    const pulumi = pulumiArgs(words);
    return pulumi !== undefined && pulumi.some((a) => PULUMI_CHANGES.has(a));
}

/**
 * Whether a command needs the Pulumi CLI: Pulumi itself, or a fleet preview, up or destroy (not its
 * offline --list).
 */
export const runsPulumi = (words: string[]) =>
    pulumiArgs(words) !== undefined ||
    ["preview", "up"].includes(firstCommand(fleetCommand(words) ?? []) ?? "") ||
    (firstCommand(fleetCommand(words) ?? []) === "destroy" &&
        !(fleetCommand(words) ?? []).includes("--list"));

/** The value of `--flag V` or `--flag=V` in a command's arguments. */
export function option(args: string[], flag: string): string | undefined {
    for (let i = args.length - 1; i >= 0; i--) {
        if (args[i] === flag) return args[i + 1];
        if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
    }
    return undefined;
}

/** For a package install command: whether install scripts stay off (the last word on it wins). */
export function installScriptsOff(words: string[], env: Record<string, unknown>): boolean | undefined {
    const tool = program(words);
    const sub = words[1];
    const installs =
        (tool === "npm" &&
            [
                "ci",
                "clean-install",
                "ic",
                "install-clean",
                "isntall-clean",
                "install-ci-test",
                "cit",
                "i",
                "install",
                "install-test",
                "it",
                "isntall",
                "add",
            ].includes(sub ?? "")) ||
        (tool === "yarn" &&
            (sub === undefined || sub.startsWith("-") || sub === "install" || sub === "add")) ||
        (tool === "pnpm" && ["i", "install", "add"].includes(sub ?? ""));
    if (!installs) return undefined;
    let off: boolean | undefined;
    for (const [k, v] of Object.entries(env))
        if (k.toLowerCase() === "npm_config_ignore_scripts") off = !/^(false|0|)$/i.test(String(v));
    for (const w of words) {
        if (w === "--ignore-scripts" || /^--ignore-scripts=true$/i.test(w)) off = true;
        if (w === "--no-ignore-scripts" || /^--ignore-scripts=(false|0)?$/i.test(w)) off = false;
    }
    return off === true;
}
