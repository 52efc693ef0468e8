/**
 * The security properties of the CI (the workflows, the local actions, CODEOWNERS), as rules over
 * their parsed YAML, their parsed `${{ }}` expressions and the commands of their scripts split into
 * words. Each rule returns the violations it finds, one line each, so a test can prove both that
 * the repository keeps them and that a CI breaking one is caught.
 *
 * Expressions are read as GitHub reads them: context names, property names and function names are
 * case-insensitive (`SECRETS.X` is `secrets.x`, `toJson` is `toJSON`), and so are string
 * comparisons (`==` ignores case). docs/ci.md ("What the rules check") lists what each rule covers.
 */
import YAML from "yaml";

export interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    if?: string | boolean;
    "continue-on-error"?: boolean | string;
    "working-directory"?: string;
    shell?: string;
}

export interface Job {
    if?: string | boolean;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    environment?: string | { name: string };
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
    env?: Record<string, unknown>;
    outputs?: Record<string, string>;
    /** A reusable workflow's call. */
    uses?: string;
    secrets?: unknown;
    with?: Record<string, unknown>;
}

interface Workflow {
    file: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
    /** The `# vX.Y.Z` comment of each `uses:` value, by the value (undefined: no comment). */
    useComments: { uses: string; comment: string | undefined }[];
}

/** A local composite action (`.github/actions/<name>/action.yml`). */
interface Action {
    /** `./.github/actions/<name>`, as a step's `uses` names it. */
    ref: string;
    file: string;
    steps: Step[];
    useComments: Workflow["useComments"];
}

/** Commit SHA → release tag of each action, each checked against the action's repository. */
export type PinTable = Record<string, Record<string, string>>;

/** Everything the rules look at. */
export interface Ci {
    workflows: Workflow[];
    actions: Action[];
    /** `.github/CODEOWNERS`, undefined when there is none. */
    codeowners: string | undefined;
    /** CODEOWNERS files GitHub would ignore or prefer (`CODEOWNERS`, `docs/CODEOWNERS`): none may exist. */
    otherCodeowners: string[];
    pins: PinTable;
}

function parseYaml(file: string, text: string) {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const useComments: Workflow["useComments"] = [];
    YAML.visit(doc, {
        Pair(_, pair) {
            if (YAML.isScalar(pair.key) && pair.key.value === "uses" && YAML.isScalar(pair.value)) {
                useComments.push({ uses: String(pair.value.value), comment: pair.value.comment?.trim() });
            }
        },
    });
    return { js: (doc.toJS() ?? {}) as Record<string, unknown>, useComments };
}

/** Parses a workflow; YAML errors are thrown with the file's name. */
export function parseWorkflow(file: string, text: string): Workflow {
    const { js, useComments } = parseYaml(file, text);
    const raw = js.on;
    const on =
        typeof raw === "string"
            ? { [raw]: null }
            : Array.isArray(raw)
              ? Object.fromEntries((raw as string[]).map((t) => [t, null]))
              : (raw as Record<string, unknown>);
    return {
        file,
        on: on ?? {},
        permissions: js.permissions as Workflow["permissions"],
        env: js.env as Workflow["env"],
        jobs: (js.jobs ?? {}) as Record<string, Job>,
        useComments,
    };
}

/** Parses a local composite action. */
export function parseAction(ref: string, file: string, text: string): Action {
    const { js, useComments } = parseYaml(file, text);
    const runs = (js.runs ?? {}) as { using?: string; steps?: Step[] };
    if (runs.using !== "composite")
        throw new Error(`${file}: only composite local actions are supported (runs.using: composite)`);
    return { ref, file, steps: runs.steps ?? [], useComments };
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

type Expr =
    | { kind: "literal"; value: string | number | boolean | null }
    /** A context path, lower-cased, `*` for an index that is not a literal (`secrets[x]` is `secrets.*`). */
    | { kind: "ref"; path: string; inner: Expr[] }
    | { kind: "call"; name: string; args: Expr[]; path: string }
    | { kind: "not"; arg: Expr }
    | { kind: "binary"; op: string; left: Expr; right: Expr };

type Token = { t: "str" | "num" | "id" | "op"; v: string };

function tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "'") {
            let v = "";
            i++;
            for (;;) {
                if (i >= text.length) throw new Error(`unterminated string in "${text}"`);
                if (text[i] === "'" && text[i + 1] === "'") {
                    v += "'";
                    i += 2;
                } else if (text[i] === "'") {
                    i++;
                    break;
                } else v += text[i++];
            }
            tokens.push({ t: "str", v });
        } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
            const m = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(text.slice(i))!;
            tokens.push({ t: "num", v: m[0] });
            i += m[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
            tokens.push({ t: "id", v: m[0] });
            i += m[0].length;
        } else {
            const op =
                ["==", "!=", "<=", ">=", "&&", "||"].find((o) => text.startsWith(o, i)) ??
                (/[!<>()[\].,*]/.test(c) ? c : undefined);
            if (op === undefined) throw new Error(`unexpected "${c}" in "${text}"`);
            tokens.push({ t: "op", v: op });
            i += op.length;
        }
    }
    return tokens;
}

/** Parses one expression (the text inside `${{ }}`, or a whole `if:`). Throws on a syntax error. */
export function parseExpression(text: string): Expr {
    const tokens = tokenize(text);
    let pos = 0;
    const peek = (v?: string) =>
        pos < tokens.length && (v === undefined || (tokens[pos].t === "op" && tokens[pos].v === v))
            ? tokens[pos]
            : undefined;
    const expect = (v: string) => {
        if (!peek(v)) throw new Error(`expected "${v}" in "${text}"`);
        pos++;
    };
    const binary = (ops: string[], next: () => Expr) => (): Expr => {
        let left = next();
        while (peek() && tokens[pos].t === "op" && ops.includes(tokens[pos].v)) {
            const op = tokens[pos++].v;
            left = { kind: "binary", op, left, right: next() };
        }
        return left;
    };
    const primary = (): Expr => {
        const tok = tokens[pos++];
        if (tok === undefined) throw new Error(`unexpected end of "${text}"`);
        let e: Expr;
        if (tok.t === "str") e = { kind: "literal", value: tok.v };
        else if (tok.t === "num") e = { kind: "literal", value: Number(tok.v) };
        else if (tok.t === "op" && tok.v === "(") {
            e = or();
            expect(")");
        } else if (tok.t === "id") {
            const name = tok.v.toLowerCase();
            if (peek("(")) {
                pos++;
                const args: Expr[] = [];
                while (!peek(")")) {
                    args.push(or());
                    if (!peek(")")) expect(",");
                }
                pos++;
                e = { kind: "call", name, args, path: "" };
            } else if (["true", "false", "null"].includes(name))
                e = { kind: "literal", value: name === "null" ? null : name === "true" };
            else e = { kind: "ref", path: name, inner: [] };
        } else throw new Error(`unexpected "${tok.v}" in "${text}"`);
        // Property access and indexing: on a context, a longer path; on a call's result, its path.
        for (;;) {
            if (peek(".")) {
                pos++;
                const p = tokens[pos++];
                if (p === undefined || !(p.t === "id" || (p.t === "op" && p.v === "*")))
                    throw new Error(`expected a property name in "${text}"`);
                e = extend(e, p.v.toLowerCase(), []);
            } else if (peek("[")) {
                pos++;
                const index = or();
                expect("]");
                e =
                    index.kind === "literal" && typeof index.value === "string"
                        ? extend(e, index.value.toLowerCase(), [])
                        : extend(e, "*", [index]);
            } else break;
        }
        return e;
    };
    const unary = (): Expr => {
        if (peek("!")) {
            pos++;
            return { kind: "not", arg: unary() };
        }
        return primary();
    };
    const relational = binary(["<", "<=", ">", ">="], unary);
    const equality = binary(["==", "!="], relational);
    const and = binary(["&&"], equality);
    const or = binary(["||"], and);
    const e = or();
    if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos].v}" in "${text}"`);
    return e;
}

function extend(e: Expr, name: string, inner: Expr[]): Expr {
    if (e.kind === "ref") return { kind: "ref", path: `${e.path}.${name}`, inner: [...e.inner, ...inner] };
    if (e.kind === "call") return { ...e, path: `${e.path}.${name}`, args: [...e.args, ...inner] };
    return e;
}

/** The `${{ }}` expressions of a string value, parsed. */
export function expressionsIn(value: string): Expr[] {
    const found: Expr[] = [];
    const re = /\$\{\{([\s\S]*?)\}\}/g;
    for (let m = re.exec(value); m !== null; m = re.exec(value)) found.push(parseExpression(m[1]));
    return found;
}

/**
 * An `if:` as GitHub evaluates it: a bare expression, or one `${{ }}`. A value with text around its
 * `${{ }}` is a non-empty string, which is always true.
 */
function parseCondition(condition: string | boolean | undefined): Expr {
    if (condition === undefined) return { kind: "literal", value: true };
    if (typeof condition === "boolean") return { kind: "literal", value: condition };
    const text = condition.trim();
    const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
    if (whole && !whole[1].includes("}}")) return parseExpression(whole[1]);
    if (text.includes("${{")) return { kind: "literal", value: text };
    return parseExpression(text);
}

/** Every context path an expression reads, lower-cased; a whole context passed on (`toJSON(secrets)`) is its bare name. */
export function refsOf(e: Expr): string[] {
    switch (e.kind) {
        case "literal":
            return [];
        case "ref":
            return [e.path, ...e.inner.flatMap(refsOf)];
        case "call":
            return e.args.flatMap(refsOf);
        case "not":
            return refsOf(e.arg);
        case "binary":
            return [...refsOf(e.left), ...refsOf(e.right)];
    }
}

/** The terms of an expression joined by `&&` (the expression itself when it is not an `&&`). */
const conjunctsOf = (x: Expr): Expr[] =>
    x.kind === "binary" && x.op === "&&" ? [...conjunctsOf(x.left), ...conjunctsOf(x.right)] : [x];

/** The terms of a condition joined by a top-level `&&`, or undefined when a top-level `||` makes every term optional. */
export function conjuncts(condition: string | boolean | undefined): Expr[] | undefined {
    const e = parseCondition(condition);
    if (e.kind === "binary" && e.op === "||") return undefined;
    // A truthy literal (true, a non-empty string) guarantees nothing.
    return conjunctsOf(e).filter((t) => !(t.kind === "literal" && Boolean(t.value)));
}

/** An expression as text, normalised (lower-case paths), for messages and tests. */
export function show(e: Expr): string {
    switch (e.kind) {
        case "literal":
            return typeof e.value === "string" ? `'${e.value}'` : String(e.value);
        case "ref":
            return e.path;
        case "call":
            return `${e.name}(${e.args.map(show).join(", ")})${e.path}`;
        case "not":
            return `!${show(e.arg)}`;
        case "binary":
            return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    }
}

type Operand = { ref: string } | { literal: string };
const matches = (e: Expr, o: Operand) =>
    "ref" in o
        ? e.kind === "ref" && e.path === o.ref
        : e.kind === "literal" &&
          typeof e.value === "string" &&
          e.value.toLowerCase() === o.literal.toLowerCase();
/** Whether a term is `a OP b` (either way round; string literals compared as GitHub does, ignoring case). */
function isComparison(term: Expr, op: "==" | "!=", a: Operand, b: Operand): boolean {
    return (
        term.kind === "binary" &&
        term.op === op &&
        ((matches(term.left, a) && matches(term.right, b)) ||
            (matches(term.left, b) && matches(term.right, a)))
    );
}
/** Whether a condition requires (a top-level `&&` term) `a OP b`. */
const requiresComparison = (
    condition: string | boolean | undefined,
    op: "==" | "!=",
    a: Operand,
    b: Operand,
) => (conjuncts(condition) ?? []).some((t) => isComparison(t, op, a, b));
const requiresCall = (condition: string | boolean | undefined, name: string, negated: boolean) =>
    (conjuncts(condition) ?? []).some((t) =>
        negated
            ? t.kind === "not" && t.arg.kind === "call" && t.arg.name === name
            : t.kind === "call" && t.name === name,
    );

/** Every string value below a value (keys too), depth first. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(stringsIn);
    if (value !== null && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
    return [];
}
/** The context paths the expressions of a value read. */
const refsIn = (value: unknown): string[] =>
    stringsIn(value).flatMap((s) => expressionsIn(s).flatMap(refsOf));
/** A step's `with:` input as text, `${{ }}` included. */
const input = (s: Step, key: string): string => (s.with?.[key] === undefined ? "" : String(s.with[key]));
/** The single context path a value is, when it is exactly `${{ path }}`. */
function refValue(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
    if (!m) return undefined;
    const e = parseExpression(m[1]);
    return e.kind === "ref" ? e.path : undefined;
}

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

/** The fleet command a command runs (`npm run fleet -- up ...`, `ts-node tools/ci/fleet/cli.ts up ...`), with its arguments. */
export function fleetCommand(words: string[]): string[] | undefined {
    const run = npmRun(words);
    if (run?.script === "fleet") return run.args;
    const w = afterNpx(words);
    const cli = w.findIndex((x) => /(^|\/)tools\/fleet\/cli(\.ts)?$/.test(x));
    return cli >= 0 ? w.slice(cli + 1) : undefined;
}

/** The plan diff's arguments, for a command that runs it. */
function planDiffCommand(words: string[]): string[] | undefined {
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
const firstCommand = (args: string[]) => args.find((a) => !a.startsWith("-"));
/** Whether a command changes a stack or its state: `fleet up`, or a Pulumi command that is not a read (flags before the command included). */
export function changesStacks(words: string[]): boolean {
    const fleet = fleetCommand(words);
    if (fleet !== undefined) return firstCommand(fleet) === "up";
    const pulumi = pulumiArgs(words);
    return pulumi !== undefined && pulumi.some((a) => PULUMI_CHANGES.has(a));
}
/** Whether a command needs the Pulumi CLI: Pulumi itself, or a fleet preview or up. */
export const runsPulumi = (words: string[]) =>
    pulumiArgs(words) !== undefined ||
    ["preview", "up"].includes(firstCommand(fleetCommand(words) ?? []) ?? "");

/** The value of `--flag V` or `--flag=V` in a command's arguments. */
function option(args: string[], flag: string): string | undefined {
    for (let i = args.length - 1; i >= 0; i--) {
        if (args[i] === flag) return args[i + 1];
        if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
    }
    return undefined;
}

/** For a package install command: whether install scripts stay off (the last word on it wins). */
function installScriptsOff(words: string[], env: Record<string, unknown>): boolean | undefined {
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

// ---------------------------------------------------------------------------------------------
// Jobs
// ---------------------------------------------------------------------------------------------

const ENV_PREVIEW = "preview";
const ENV_PLAN = "plan";
const ENV_PRODUCTION = "production";
const PREVIEW_ROLE = "vars.aws_preview_role_arn";
const DEPLOY_ROLE = "vars.aws_role_arn";
const ARN_LITERAL = /arn:aws[\w-]*:iam::/i;
/** The local action that installs the verified Pulumi CLI. */
const PULUMI_CLI_ACTION = "./.github/actions/pulumi-cli";
/** The oldest Pulumi CLI the programs support: it validates object-typed config values (pulumi/pulumi#20132). */
const OLDEST_PULUMI_CLI = [3, 187, 0];
/** The Dependabot account, as GitHub names a pull request's author. */
const DEPENDABOT = "dependabot[bot]";
/** Triggers whose runs a pull request's author cannot start with code of their own and a write token. */
const ALLOWED_TRIGGERS = new Set(["pull_request", "push", "schedule", "workflow_dispatch", "workflow_run"]);
/** Files a pull request must not change without a code owner: the CI, what guards it, and what it installs. */
const CODE_OWNED = [
    ".github/CODEOWNERS",
    ".github/workflows/pull-request.yml",
    ".github/actions/pulumi-cli/action.yml",
    ".github/dependabot.yml",
    "tests/workflows.test.ts",
    "tests/support/workflowRules.ts",
    "tests/support/workflowTrust.ts",
    "tests/support/workflowCi.ts",
    "tests/workflowTrust.test.ts",
    "tests/fixtures/action-pins.json",
    "tests/stateGuard.test.ts",
    "tests/pulumiCliAction.test.ts",
    "tests/workflowScripts.test.ts",
    "tests/workflowSettings.test.ts",
    "package.json",
    "package-lock.json",
    ".mocharc.json",
    ".ci/run",
    "tools/register.js",
    "tools/ci/stateGuard/cli.ts",
    "tools/ci/stateGuard/reviewed.txt",
    "tools/ci/fleet/cli.ts",
    "tools/ci/planDiff/cli.ts",
    "tools/plan/format.ts",
    "policy/index.ts",
    "docs/ci.md",
];

const environmentOf = (job: Job): string | undefined =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
export const stepsOf = (job: Job): Step[] => job.steps ?? [];
export const usesOf = (step: Step): string => (step.uses ?? "").split("@")[0].toLowerCase();
const needsOf = (job: Job): string[] =>
    job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
const triggers = (wf: Workflow): string[] => Object.keys(wf.on ?? {});
export const jobsOf = (ci: Ci) =>
    ci.workflows.flatMap((wf) =>
        Object.entries(wf.jobs).map(([name, job]) => ({ wf, name, job, at: `${wf.file}: job ${name}` })),
    );
export const isWorkflowRun = (wf: Workflow) => triggers(wf).includes("workflow_run");
export const isPullRequest = (wf: Workflow) =>
    triggers(wf).some((t) => t === "pull_request" || t === "pull_request_target");
/** Programs that read the folder they run in (its package.json, .npmrc, node_modules, git config). */
const READS_FOLDER = new Set([
    "npm",
    "npx",
    "node",
    "yarn",
    "pnpm",
    "ts-node",
    "git",
    "make",
    "bash",
    "sh",
    "python",
    "python3",
]);
/** A job's steps with the steps of the local actions it uses in their place. */
export function expandedSteps(ci: Ci, job: Job): Step[] {
    return stepsOf(job).flatMap((s) => {
        const action = ci.actions.find((a) => a.ref === (s.uses ?? "").replace(/\/$/, ""));
        return action ? [s, ...action.steps] : [s];
    });
}

/**
 * A job's token permissions; `undefined` when neither the job nor the workflow sets them: then the
 * job gets the repository's default token, which may be read/write on everything.
 */
function effectivePermissions(wf: Workflow, job: Job): Record<string, string> | undefined {
    const p = job.permissions !== undefined ? job.permissions : wf.permissions;
    if (p === undefined || p === null) return undefined;
    if (typeof p === "string")
        return p === "read-all" ? { all: "read" } : p === "write-all" ? { all: "write" } : { all: p };
    return Object.fromEntries(Object.entries(p).map(([k, v]) => [k.toLowerCase(), String(v).toLowerCase()]));
}
const mayWrite = (perms: Record<string, string> | undefined, scope: string) =>
    perms === undefined || perms[scope] === "write" || perms.all === "write";
const writes = (perms: Record<string, string> | undefined) =>
    perms === undefined || Object.values(perms).includes("write");

/** Whether a value reads a secret other than the run's own token (any spelling, the whole context too). */
const readsSecret = (value: unknown) =>
    refsIn(value).some((r) => (r === "secrets" || r.startsWith("secrets.")) && r !== "secrets.github_token");

/** Whether a job gets cloud credentials or the backend's secrets: an OIDC token, an AWS role, a secret other than the run's own token (the workflow's env included). */
export function hasCredentials(wf: Workflow, job: Job): boolean {
    const perms = effectivePermissions(wf, job);
    return (
        // The repository's default token never includes id-token: a job without a block has none.
        (perms !== undefined && mayWrite(perms, "id-token")) ||
        stepsOf(job).some((s) => usesOf(s) === "aws-actions/configure-aws-credentials") ||
        readsSecret({
            env: wf.env,
            jobEnv: job.env,
            steps: job.steps,
            with: job.with,
            secrets: job.secrets,
        }) ||
        job.secrets !== undefined
    );
}

/** Whether a job holds more than a pull request's author already has: credentials, an environment, or the workflow_run token. */
export const privileged = (wf: Workflow, job: Job) =>
    hasCredentials(wf, job) || environmentOf(job) !== undefined || isWorkflowRun(wf);

/** The jobs of a workflow that hold a privilege, and every job whose outputs they rely on (what they need, transitively). */
function privilegedJobs(wf: Workflow): Set<string> {
    const found = new Set<string>();
    const add = (name: string) => {
        if (found.has(name) || wf.jobs[name] === undefined) return;
        found.add(name);
        needsOf(wf.jobs[name]).forEach(add);
    };
    for (const [name, job] of Object.entries(wf.jobs)) if (privileged(wf, job)) add(name);
    return found;
}

/** The folders a job checks out into (`.` for the workspace itself). */
export const checkoutFolders = (job: Job) =>
    stepsOf(job)
        .filter((s) => usesOf(s) === "actions/checkout")
        .map((s) => (input(s, "path") || ".").replace(/^\.\//, "").replace(/\/$/, "") || ".");

/** The commands of a step's script, with the step's environment. */
export const stepCommands = (s: Step) => (s.run === undefined ? [] : commandsOf(s.run));
/** A `"$VAR"` argument resolved through the step's environment (the `${{ }}` text it is set to). */
const resolve = (s: Step, arg: string | undefined) => {
    const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(arg ?? "");
    return m && s.env?.[m[1]] !== undefined ? String(s.env[m[1]]) : arg;
};
const normalDir = (d: string | undefined) =>
    (d ?? "")
        .replace(/\/+$/, "")
        .replace(/\$\{\{\s*runner\.temp\s*\}\}/i, "${{ runner.temp }}")
        .replace(/^\$\{?RUNNER_TEMP\}?(?=\/|$)/, "${{ runner.temp }}");
/** The plan diff's options that take a value. */
const PLAN_DIFF_VALUES = new Set(["--out", "--full", "--base-label", "--head-label", "--note", "--failed"]);
/** A plan diff command line: its two folders (base, head), resolved through the step's env, and its options. */
function planDiffRun(s: Step, args: string[]) {
    const positionals = args.filter(
        (a, i) => !a.startsWith("-") && !(i > 0 && PLAN_DIFF_VALUES.has(args[i - 1])),
    );
    return {
        base: normalDir(resolve(s, positionals[0])),
        head: normalDir(resolve(s, positionals[1])),
        out: normalDir(resolve(s, option(args, "--out"))),
        untrusted: args.includes("--from-pull-request"),
    };
}

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

/** 1. Every action at a full commit SHA whose `# vX.Y.Z` comment is the tag the pin table verified for it; the same action at the same commit everywhere. */
function pinnedActions(ci: Ci): string[] {
    const problems: string[] = [];
    const pins = new Map<string, string>();
    for (const unit of [...ci.workflows, ...ci.actions]) {
        for (const { uses, comment } of unit.useComments) {
            if (uses.startsWith("./")) continue;
            const [action, ref] = uses.split("@");
            if (!/^[0-9a-f]{40}$/.test(ref ?? "")) {
                problems.push(`${unit.file}: ${uses} is not pinned to a full commit SHA`);
                continue;
            }
            const version = /^(v\d+\.\d+\.\d+)$/.exec(comment ?? "")?.[1];
            if (version === undefined)
                problems.push(`${unit.file}: ${uses} has no "# vX.Y.Z" version comment`);
            const verified = ci.pins[action.toLowerCase()]?.[ref];
            if (verified === undefined)
                problems.push(
                    `${unit.file}: ${action}@${ref} is not in the verified pin table (tests/fixtures/action-pins.json)`,
                );
            else if (version !== undefined && version !== verified)
                problems.push(
                    `${unit.file}: ${action}@${ref} is ${verified}, not ${version} as its comment says`,
                );
            const pin = `${ref} ${version ?? ""}`;
            if (pins.has(action) && pins.get(action) !== pin)
                problems.push(`${unit.file}: ${action} is pinned to two commits or versions`);
            if (!pins.has(action)) pins.set(action, pin);
        }
    }
    return problems;
}

/** 2. Only triggers whose runs carry no code the pull request's author wrote with a token of the repository: no pull_request_target, no comment or review events. */
function trustedTriggers(ci: Ci): string[] {
    return ci.workflows.flatMap((wf) =>
        triggers(wf)
            .filter((t) => !ALLOWED_TRIGGERS.has(t))
            .map(
                (t) =>
                    `${wf.file}: runs on ${t}${t === "pull_request_target" ? " (pull_request_target runs with the base repository's secrets)" : ""}; only ${[...ALLOWED_TRIGGERS].join(", ")} are allowed`,
            ),
    );
}

/** 3. Every job's token is set explicitly (no repository default), and writes only what it must: id-token in a job of an environment, pull-requests in the comment workflow. */
function tokenPermissions(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        const perms = effectivePermissions(wf, job);
        if (perms === undefined) {
            problems.push(`${at} has no permissions block (it gets the repository's default token)`);
            continue;
        }
        for (const [scope, level] of Object.entries(perms)) {
            if (level !== "write") continue;
            const allowed =
                (scope === "id-token" && environmentOf(job) !== undefined && job.permissions !== undefined) ||
                (scope === "pull-requests" && isWorkflowRun(wf) && job.permissions !== undefined);
            if (!allowed) problems.push(`${at} may write ${scope}`);
        }
    }
    for (const wf of ci.workflows) {
        for (const [scope, level] of Object.entries(effectivePermissions(wf, {}) ?? {}))
            if (level === "write") problems.push(`${wf.file}: the workflow may write ${scope}`);
    }
    return problems;
}

/** 4. Pull request code gets credentials only in the approval-gated preview environment, never for forks or Dependabot's pull requests (by author), never the deploy role. */
function pullRequestCredentials(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows.filter(isPullRequest)) {
        const all = stringsIn({ env: wf.env, jobs: wf.jobs });
        if (
            all.some((s) => ARN_LITERAL.test(s)) ||
            all
                .flatMap((s) => expressionsIn(s).flatMap(refsOf))
                .some((r) => r === DEPLOY_ROLE || r === "vars" || r === "vars.*")
        ) {
            problems.push(`${wf.file}: a pull request workflow names the deploy role`);
        }
        if (readsSecret(wf.env)) problems.push(`${wf.file}: the workflow's env hands a secret to every job`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            const env = environmentOf(job);
            if (env !== undefined && env !== ENV_PREVIEW)
                problems.push(`${wf.file}: job ${name} uses the ${env} environment`);
            if (job.uses !== undefined)
                problems.push(
                    `${wf.file}: job ${name} calls a reusable workflow with the pull request's code`,
                );
            if (!hasCredentials(wf, job)) continue;
            if (env !== ENV_PREVIEW)
                problems.push(
                    `${wf.file}: job ${name} gets credentials outside the ${ENV_PREVIEW} environment`,
                );
            if (
                !requiresComparison(
                    job.if,
                    "==",
                    { ref: "github.event.pull_request.head.repo.full_name" },
                    { ref: "github.repository" },
                )
            )
                problems.push(`${wf.file}: job ${name} gets credentials for forks too`);
            if (
                !requiresComparison(
                    job.if,
                    "!=",
                    { ref: "github.event.pull_request.user.login" },
                    { literal: DEPENDABOT },
                )
            )
                problems.push(
                    `${wf.file}: job ${name} does not exclude Dependabot's pull requests by their author`,
                );
            for (const s of stepsOf(job).filter(
                (s) => usesOf(s) === "aws-actions/configure-aws-credentials",
            )) {
                if (refValue(s.with?.["role-to-assume"]) !== PREVIEW_ROLE)
                    problems.push(
                        `${wf.file}: job ${name} assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`,
                    );
            }
        }
    }
    return problems;
}

/** 5. No job that holds credentials decides by `github.actor` or `github.triggering_actor` (who acted last, not whose change it is). */
function noActorConditions(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        if (!hasCredentials(wf, job)) continue;
        const conditions = [job.if, ...stepsOf(job).map((s) => s.if)];
        if (
            conditions.some((c) =>
                refsOf(parseCondition(c)).some(
                    (r) => r === "github.actor" || r === "github.triggering_actor" || r === "github.actor_id",
                ),
            )
        ) {
            problems.push(`${at} decides by github.actor (the last actor, not the pull request's author)`);
        }
    }
    return problems;
}

/**
 * 6. The comment workflow (workflow_run) never checks out or runs the pull request's code; plans a
 * base only on this repository's default branch; holds the base's plans to the pull request's
 * limits; posts only on the PR whose head repository, branch and commit are the run's; the job
 * that may write comments runs no code at all.
 */
function commentFromData(ci: Ci): string[] {
    const problems: string[] = [];
    const UNTRUSTED =
        /^github\.event\.workflow_run\.(head_sha|head_branch|head_repository|head_commit|pull_requests)|^github\.event\.pull_request\.head|^github\.head_ref/;
    const untrustedText = /refs\/pull\/|\bpull\/[^\s]*\/(head|merge)\b/;
    for (const wf of ci.workflows.filter(isWorkflowRun)) {
        for (const [name, job] of Object.entries(wf.jobs)) {
            const perms = effectivePermissions(wf, job);
            const steps = stepsOf(job);
            const folders = checkoutFolders(job);
            if (job.uses !== undefined) problems.push(`${wf.file}: job ${name} calls a reusable workflow`);
            for (const s of steps) {
                if (
                    writes(perms) &&
                    !["actions/github-script", "actions/download-artifact"].includes(usesOf(s))
                )
                    problems.push(
                        `${wf.file}: job ${name} has a write token and runs ${s.uses ?? "a command"}`,
                    );
                if (
                    writes(perms) &&
                    usesOf(s) === "actions/download-artifact" &&
                    s.with?.["run-id"] !== undefined
                )
                    problems.push(
                        `${wf.file}: job ${name} has a write token and downloads another run's artifact`,
                    );
                if (usesOf(s) === "actions/checkout") {
                    for (const key of ["ref", "repository"]) {
                        if (
                            refsIn(s.with?.[key]).some((r) => UNTRUSTED.test(r)) ||
                            untrustedText.test(input(s, key))
                        )
                            problems.push(`${wf.file}: job ${name} checks out the pull request's ${key}`);
                    }
                    if (s.with?.repository !== undefined)
                        problems.push(`${wf.file}: job ${name} checks out another repository`);
                    if (s.with?.ref !== undefined) {
                        const cond = [...(conjuncts(job.if) ?? []), ...(conjuncts(s.if) ?? [])];
                        const onDefault = cond.some((t) =>
                            equatesOutput(t, "github.event.repository.default_branch", "base-ref"),
                        );
                        const sameRepo = cond.some((t) => equatesOutput(t, "github.repository", "base-repo"));
                        if (!onDefault || !sameRepo)
                            problems.push(
                                `${wf.file}: job ${name} checks out a base without requiring the default branch of this repository`,
                            );
                    }
                }
                if (s.run !== undefined) {
                    if (
                        refsIn(s.env).some(
                            (r) => UNTRUSTED.test(r) && r !== "github.event.workflow_run.head_sha",
                        ) ||
                        untrustedText.test(s.run)
                    )
                        problems.push(`${wf.file}: job ${name} fetches the pull request's code`);
                    // npm, node and friends read the folder they run in (package.json, .npmrc, node_modules):
                    // only ever a checkout of this job's own, never a folder of downloaded data.
                    const dir = (s["working-directory"] ?? "").replace(/^\.\//, "").replace(/\/$/, "");
                    const readsFolder = stepCommands(s).some(
                        (w) =>
                            READS_FOLDER.has(program(w)) ||
                            program(w).startsWith("./") ||
                            w[0]?.startsWith("./"),
                    );
                    if (readsFolder && (s["working-directory"] === undefined || !folders.includes(dir)))
                        problems.push(`${wf.file}: job ${name} runs a command outside a checkout of its own`);
                    for (const words of stepCommands(s)) {
                        if (
                            program(words) === "git" &&
                            words.some((w) => ["fetch", "pull", "clone"].includes(w))
                        )
                            problems.push(`${wf.file}: job ${name} fetches code with git`);
                        const diff = planDiffCommand(words);
                        if (diff !== undefined && !diff.includes("--from-pull-request"))
                            problems.push(
                                `${wf.file}: job ${name} renders the plans without --from-pull-request`,
                            );
                    }
                }
            }
            // The base plans of the comment (a plan diff whose --out a later step uploads) are first
            // read under the pull request's limits: as the head of a --from-pull-request run.
            // Commands in order: (step, command within the step).
            const runs = steps.flatMap((s, i) =>
                stepCommands(s)
                    .map(planDiffCommand)
                    .flatMap((a, k) =>
                        a === undefined ? [] : [{ i, order: i * 1000 + k, ...planDiffRun(s, a) }],
                    ),
            );
            const uploaded = steps.map((s, i) => ({
                i,
                path: usesOf(s) === "actions/upload-artifact" ? normalDir(input(s, "path")) : undefined,
            }));
            for (const r of runs.filter((r) => uploaded.some((u) => u.i > r.i && u.path === r.out))) {
                if (!runs.some((c) => c.order < r.order && c.untrusted && c.head === r.base))
                    problems.push(
                        `${wf.file}: job ${name} renders base plans (${r.base}) not held to the pull request's limits (plan-diff --from-pull-request)`,
                    );
            }
            const other = steps.some((s) => usesOf(s) === "actions/checkout" && s.with?.ref !== undefined);
            const renders = steps.some((s) => stepCommands(s).some((w) => planDiffCommand(w) !== undefined));
            if (other && renders)
                problems.push(
                    `${wf.file}: job ${name} renders the comment beside a checkout of another commit`,
                );
            if (writes(perms)) {
                const bind = (field: string, run: string) =>
                    (conjuncts(job.if) ?? []).some((t) => equatesOutput(t, run, field));
                for (const [field, run] of [
                    ["head-sha", "github.event.workflow_run.head_sha"],
                    ["head-repo", "github.event.workflow_run.head_repository.full_name"],
                    ["head-branch", "github.event.workflow_run.head_branch"],
                ]) {
                    if (!bind(field, run))
                        problems.push(
                            `${wf.file}: job ${name} may post without the pull request's ${field} being the run's (${run})`,
                        );
                }
            }
        }
    }
    return problems;
}

/** Whether a term is `context == needs.<job>.outputs.<output>` (either way round). */
function equatesOutput(t: Expr, context: string, output: string): boolean {
    if (t.kind !== "binary" || t.op !== "==") return false;
    const sides = [t.left, t.right];
    return (
        sides.some((x) => x.kind === "ref" && x.path === context) &&
        sides.some(
            (x) =>
                x.kind === "ref" &&
                /^needs\.[\w-]+\.outputs\.[\w-]+$/.test(x.path) &&
                x.path.endsWith(`.outputs.${output}`),
        )
    );
}

/** 7. Production and plan: only from main (the job's condition and a step before anything secret), only the right role, `up` only with a reviewed plan of the same run. */
function productionFromMain(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        const env = environmentOf(job);
        const steps = stepsOf(job);
        const credentialSteps = steps.filter((s) => usesOf(s) === "aws-actions/configure-aws-credentials");
        const refs = refsIn({ env: job.env, steps: job.steps, with: job.with });
        if (
            (refs.includes(DEPLOY_ROLE) || stringsIn(job.steps).some((s) => ARN_LITERAL.test(s))) &&
            env !== ENV_PRODUCTION
        )
            problems.push(`${at} uses the deploy role outside production`);
        if (
            env === ENV_PRODUCTION &&
            credentialSteps.some((s) => refValue(s.with?.["role-to-assume"]) !== DEPLOY_ROLE)
        )
            problems.push(`${at} assumes a role other than vars.AWS_ROLE_ARN`);
        if (
            (env === ENV_PLAN || env === ENV_PREVIEW) &&
            credentialSteps.some((s) => refValue(s.with?.["role-to-assume"]) !== PREVIEW_ROLE)
        )
            problems.push(`${at} (${env}) assumes a role other than vars.AWS_PREVIEW_ROLE_ARN`);
        const changing = expandedSteps(ci, job).filter(
            (s) =>
                stepCommands(s).some(changesStacks) ||
                (usesOf(s) === "pulumi/actions" &&
                    s.with?.command !== undefined &&
                    s.with.command !== "preview"),
        );
        if (changing.length > 0 && env !== ENV_PRODUCTION) problems.push(`${at} deploys outside production`);
        if (env !== ENV_PRODUCTION && env !== ENV_PLAN) continue;
        const bad = triggers(wf).filter((t) => !["push", "schedule", "workflow_dispatch"].includes(t));
        if (bad.length > 0) problems.push(`${at} (${env}) runs on ${bad.join(", ")}`);
        if (!requiresComparison(job.if, "==", { ref: "github.ref" }, { literal: "refs/heads/main" }))
            problems.push(`${at} (${env}) does not require refs/heads/main in its condition`);
        const guard = steps.findIndex(
            (s) => s.if === undefined && s["continue-on-error"] === undefined && isMainGuard(s.run ?? ""),
        );
        const firstSecret = steps.findIndex(
            (s) =>
                usesOf(s) === "aws-actions/configure-aws-credentials" ||
                readsSecret(s) ||
                usesOf(s) === "actions/download-artifact",
        );
        if (guard < 0 || (firstSecret >= 0 && guard > firstSecret))
            problems.push(`${at} (${env}) does not check GITHUB_REF first`);
        for (const s of steps.filter((s) => usesOf(s) === "actions/checkout")) {
            if (s.with?.ref !== undefined || s.with?.repository !== undefined)
                problems.push(`${at} (${env}) checks out something other than the run's commit`);
        }
        for (const s of steps.filter((s) => usesOf(s) === "actions/download-artifact")) {
            if (s.with?.["run-id"] !== undefined || s.with?.pattern !== undefined)
                problems.push(`${at} (${env}) downloads artifacts of another run`);
        }
        for (const s of changing) {
            const commands = stepCommands(s).filter(changesStacks);
            const ups = commands
                .map(fleetCommand)
                .filter((a): a is string[] => a !== undefined && firstCommand(a) === "up");
            if (commands.length !== 1 || ups.length !== 1 || option(ups[0], "--plan-dir") === undefined) {
                problems.push(
                    `${at} changes stacks other than by applying a reviewed plan (fleet up --plan-dir)`,
                );
                continue;
            }
            const dir = normalDir(resolve(s, option(ups[0], "--plan-dir")));
            const download = steps.find(
                (d) => usesOf(d) === "actions/download-artifact" && normalDir(input(d, "path")) === dir,
            );
            const planner = needsOf(job)
                .map((n) => wf.jobs[n])
                .find(
                    (p) =>
                        p !== undefined &&
                        environmentOf(p) === ENV_PLAN &&
                        stepsOf(p).some(
                            (u) =>
                                usesOf(u) === "actions/upload-artifact" &&
                                download !== undefined &&
                                u.with?.name === download.with?.name &&
                                normalDir(input(u, "path")) === dir,
                        ) &&
                        stepsOf(p).some((u) =>
                            stepCommands(u)
                                .map(fleetCommand)
                                .some(
                                    (a) =>
                                        a !== undefined &&
                                        firstCommand(a) === "preview" &&
                                        normalDir(resolve(u, option(a, "--plan-dir"))) === dir,
                                ),
                        ),
                );
            if (planner === undefined)
                problems.push(
                    `${at} applies plans that no plan job it needs saved (pulumi preview --save-plan)`,
                );
        }
    }
    return problems;
}

/** The step that stops a job not running from main: `if [ "$GITHUB_REF" != "refs/heads/main" ]; then ...; exit 1; fi`, alone. */
function isMainGuard(script: string): boolean {
    return /^\s*if \[ "\$GITHUB_REF" != "refs\/heads\/main" \]; then [^\n]*exit 1; fi\s*$/.test(script);
}

/** 8. No cache in a job that holds credentials, an environment or the workflow_run token, nor in a job whose outputs such a job relies on: no `cache:`, `package-manager-cache: false` on setup-node, no actions/cache. */
function noCaches(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows) {
        const guarded = privilegedJobs(wf);
        for (const name of guarded) {
            for (const s of expandedSteps(ci, wf.jobs[name])) {
                const uses = usesOf(s);
                if (uses === "actions/cache" || uses.startsWith("actions/cache/"))
                    problems.push(`${wf.file}: job ${name} restores or saves a cache (${s.uses})`);
                if (/^actions\/setup-/.test(uses) && s.with?.cache !== undefined && s.with.cache !== "")
                    problems.push(
                        `${wf.file}: job ${name} restores a ${uses} cache (cache: ${s.with.cache})`,
                    );
                if (uses === "actions/setup-node" && String(s.with?.["package-manager-cache"]) !== "false")
                    problems.push(
                        `${wf.file}: job ${name} lets setup-node cache by package.json's packageManager (package-manager-cache is not false)`,
                    );
            }
        }
    }
    return problems;
}

/** 9. The Pulumi CLI: never pulumi/actions (its download is not verified); every job that runs Pulumi first installs it with the local action, which pins one version (3.187.0 or newer) and checks the release's SHA-256 before extracting it. */
function pulumiCliVerified(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const steps = stepsOf(job);
        if (steps.some((s) => usesOf(s) === "pulumi/actions"))
            problems.push(`${at} installs the Pulumi CLI with pulumi/actions, which checks no checksum`);
        const install = steps.findIndex((s) => s.uses === PULUMI_CLI_ACTION);
        const checkout = steps.findIndex((s) => usesOf(s) === "actions/checkout");
        const use = steps.findIndex((s) => stepCommands(s).some(runsPulumi));
        if (use >= 0 && (install < 0 || install > use))
            problems.push(
                `${at} runs Pulumi without installing the verified CLI (${PULUMI_CLI_ACTION}) first`,
            );
        if (install >= 0 && (checkout < 0 || checkout > install))
            problems.push(`${at} uses ${PULUMI_CLI_ACTION} before checking out the repository`);
    }
    const action = ci.actions.find((a) => a.ref === PULUMI_CLI_ACTION);
    if (action === undefined) return [...problems, `${PULUMI_CLI_ACTION} does not exist`];
    const versions = pinnedPulumiCli(ci);
    if (versions.length !== 1)
        problems.push(
            `${action.file}: pins ${versions.length} Pulumi CLI versions (${versions.join(", ")}), not one`,
        );
    for (const v of versions) {
        const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
        if (!m) {
            problems.push(`${action.file}: PULUMI_VERSION "${v}" is not one version`);
            continue;
        }
        const [a, b, c] = m.slice(1).map(Number);
        const [x, y, z] = OLDEST_PULUMI_CLI;
        if (a < x || (a === x && (b < y || (b === y && c < z))))
            problems.push(`${action.file}: PULUMI_VERSION ${v} is older than ${OLDEST_PULUMI_CLI.join(".")}`);
    }
    for (const s of action.steps.filter((s) => s.run !== undefined)) {
        const commands = stepCommands(s);
        const vars = shellAssignments(s.run ?? "", { ...(s.env ?? {}) });
        const downloads = commands
            .map((w, i) => ({ w, i }))
            .filter(({ w }) => program(w) === "curl" || program(w) === "wget");
        for (const { w } of downloads) {
            const urls = w.map((x) => expand(x, vars)).filter((x) => /^[a-z]+:\/\//i.test(x));
            if (
                !w.includes("--fail") ||
                urls.length === 0 ||
                urls.some((u) => !u.startsWith("https://github.com/pulumi/pulumi/releases/download/"))
            ) {
                problems.push(
                    `${action.file}: downloads ${urls.join(" ") || "something"} other than from the pulumi/pulumi release over HTTPS with --fail`,
                );
            }
        }
        const check = commands.findIndex(
            (w) => program(w) === "sha256sum" && (w.includes("--check") || w.includes("-c")),
        );
        const extract = commands.findIndex((w) => program(w) === "tar");
        if (downloads.length > 0 && (check < 0 || (extract >= 0 && check > extract)))
            problems.push(
                `${action.file}: extracts the CLI without checking its SHA-256 first (sha256sum --check)`,
            );
    }
    return problems;
}

/** The variables a script sets (`name="value"` lines), expanded, on top of its environment. */
function shellAssignments(script: string, env: Record<string, unknown>): Record<string, string> {
    const vars: Record<string, string> = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, String(v)]),
    );
    for (const line of script.split("\n")) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))\s*$/.exec(line);
        if (m) vars[m[1]] = expand(m[3] ?? m[4] ?? m[5] ?? "", vars);
    }
    return vars;
}
const expand = (word: string, vars: Record<string, string>) =>
    word.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => vars[name] ?? all);

/** The Pulumi CLI versions the local action pins. */
export function pinnedPulumiCli(ci: Ci): string[] {
    const action = ci.actions.find((a) => a.ref === PULUMI_CLI_ACTION);
    return [
        ...new Set(
            (action?.steps ?? [])
                .filter((s) => s.env?.PULUMI_VERSION !== undefined)
                .map((s) => String(s.env?.PULUMI_VERSION)),
        ),
    ];
}

/** 10. Matrices are over the fleet's shards, each job running its own shard of the same count; no list of stacks kept by hand. */
function shardedMatrices(ci: Ci): string[] {
    const problems: string[] = [];
    for (const wf of ci.workflows) {
        if (
            stringsIn({ env: wf.env, jobs: wf.jobs }).some((s) =>
                /PULUMI_SOURCE_STACKS|PULUMI_WORKSPACE_STACK/.test(s),
            )
        )
            problems.push(`${wf.file}: names a hand-kept stack list`);
        for (const [name, job] of Object.entries(wf.jobs)) {
            if (
                stepsOf(job).some((s) =>
                    stepCommands(s).some((w) => option(fleetCommand(w) ?? [], "--stacks") !== undefined),
                )
            )
                problems.push(`${wf.file}: job ${name} names stacks by hand (--stacks)`);
            const matrix = job.strategy?.matrix;
            if (matrix === undefined) continue;
            const keys = Object.keys(matrix);
            const from = typeof matrix.shard === "string" ? expressionsIn(matrix.shard) : [];
            const source =
                from.length === 1 &&
                from[0].kind === "call" &&
                from[0].name === "fromjson" &&
                from[0].args.length === 1 &&
                from[0].args[0].kind === "ref"
                    ? /^needs\.([\w-]+)\.outputs\.shards$/.exec(from[0].args[0].path)?.[1]
                    : undefined;
            if (keys.length !== 1 || keys[0] !== "shard" || source === undefined) {
                problems.push(`${wf.file}: job ${name} has a matrix that is not the fleet's shards`);
                continue;
            }
            const own = (s: Step) =>
                stepCommands(s)
                    .map(fleetCommand)
                    .filter((a): a is string[] => a !== undefined && option(a, "--shard") !== undefined)
                    .every((a) => {
                        const value = resolve(s, option(a, "--shard")) ?? "";
                        const parts = value.split("/").map((p) => refValue(p));
                        return (
                            parts.length === 2 &&
                            parts[0] === "matrix.shard" &&
                            parts[1] === `needs.${source}.outputs.count`
                        );
                    });
            const shardSteps = stepsOf(job).filter((s) =>
                stepCommands(s).some((w) => option(fleetCommand(w) ?? [], "--shard") !== undefined),
            );
            if (shardSteps.length === 0 || !shardSteps.every(own))
                problems.push(
                    `${wf.file}: job ${name} does not run its own shard (matrix.shard/needs.${source}.outputs.count)`,
                );
        }
    }
    return problems;
}

/** 11. A weekly run updates the workspace stacks and reports drift of every stack in the job summary. */
function scheduledRun(ci: Ci): string[] {
    const scheduled = ci.workflows.filter(
        (wf) =>
            Array.isArray(wf.on?.schedule) &&
            (wf.on.schedule as { cron?: string }[]).some((s) => typeof s.cron === "string"),
    );
    if (scheduled.length === 0) return ["no workflow runs on a schedule"];
    const problems: string[] = [];
    const offOnSchedule = (cond: string | boolean | undefined) =>
        (conjuncts(cond) ?? []).some(
            (t) =>
                (t.kind === "literal" && t.value === false) ||
                (t.kind === "binary" &&
                    t.op === "==" &&
                    [t.left, t.right].some((x) => x.kind === "ref" && x.path === "github.event_name") &&
                    [t.left, t.right].some(
                        (x) => x.kind === "literal" && String(x.value).toLowerCase() !== "schedule",
                    )) ||
                isComparison(t, "!=", { ref: "github.event_name" }, { literal: "schedule" }),
        );
    const steps = scheduled.flatMap((wf) =>
        Object.values(wf.jobs)
            .filter((j) => !offOnSchedule(j.if))
            .flatMap((j) => stepsOf(j).filter((s) => !offOnSchedule(s.if))),
    );
    const fleet = steps.flatMap((s) =>
        stepCommands(s)
            .map(fleetCommand)
            .filter((a): a is string[] => a !== undefined)
            .map((a) => ({ s, a })),
    );
    if (!fleet.some(({ a }) => firstCommand(a) === "up" && a.includes("--workspaces")))
        problems.push("the scheduled run does not update the workspace stacks");
    for (const what of ["--shard", "--workspaces"]) {
        const drift = fleet.some(
            ({ s, a }) =>
                firstCommand(a) === "preview" &&
                a.includes(what) &&
                a.includes("--refresh") &&
                a.includes("--expect-no-changes") &&
                option(a, "--summary") === "$GITHUB_STEP_SUMMARY" &&
                s.if !== undefined,
        );
        if (!drift) problems.push(`the scheduled run does not report drift (${what}) in the job summary`);
    }
    for (const wf of scheduled) {
        for (const s of (wf.on.schedule as { cron?: string }[]) ?? []) {
            const fields = String(s.cron).trim().split(/\s+/);
            const once = (f: string | undefined, max: number) =>
                f !== undefined && /^\d+$/.test(f) && Number(f) <= max;
            if (
                fields.length !== 5 ||
                !once(fields[0], 59) ||
                !once(fields[1], 23) ||
                fields[2] !== "*" ||
                fields[3] !== "*" ||
                !once(fields[4], 6)
            )
                problems.push(`${wf.file}: cron "${s.cron}" is not once a week`);
        }
    }
    return problems;
}

/** 12. Every checkout leaves no token behind for later steps. */
function noPersistedCredentials(ci: Ci): string[] {
    return jobsOf(ci).flatMap(({ job, at }) =>
        stepsOf(job)
            .filter(
                (s) =>
                    usesOf(s) === "actions/checkout" &&
                    s.with?.["persist-credentials"] !== false &&
                    s.with?.["persist-credentials"] !== "false",
            )
            .map(() => `${at} checks out with persisted credentials`),
    );
}

/** 13. A job that runs after failures (`always()`) still requires each job it needs to have succeeded: "skipped" can hide a failure upstream. */
function noRunAfterFailure(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const e = parseCondition(job.if);
        const calls = (x: Expr): string[] =>
            x.kind === "call"
                ? [x.name, ...x.args.flatMap(calls)]
                : x.kind === "not"
                  ? calls(x.arg)
                  : x.kind === "binary"
                    ? [...calls(x.left), ...calls(x.right)]
                    : [];
        if (!calls(e).includes("always")) continue;
        if (!requiresCall(job.if, "cancelled", true)) problems.push(`${at} runs after a cancellation`);
        const all = (x: Expr): Expr[] =>
            x.kind === "binary" ? [x, ...all(x.left), ...all(x.right)] : x.kind === "not" ? all(x.arg) : [x];
        const comparisons = all(e).filter((x): x is Extract<Expr, { kind: "binary" }> => x.kind === "binary");
        if (
            comparisons.some(
                (c) =>
                    [c.left, c.right].some(
                        (x) => x.kind === "ref" && /^needs\.[\w-]+\.result$/.test(x.path),
                    ) &&
                    [c.left, c.right].some(
                        (x) =>
                            x.kind === "literal" &&
                            ((c.op === "==" && x.value !== "success") || c.op === "!="),
                    ),
            )
        ) {
            problems.push(`${at} runs when a job it needs was skipped or did not fail`);
        }
        const succeeded = (n: string) =>
            comparisons.some((c) =>
                isComparison(c, "==", { ref: `needs.${n.toLowerCase()}.result` }, { literal: "success" }),
            );
        for (const n of needsOf(job))
            if (!succeeded(n)) problems.push(`${at} runs without needs.${n} succeeding`);
    }
    return problems;
}

/** 14. No `${{ }}` inside a script (workflows and local actions): values reach commands only through the environment, never pasted into code. */
function noExpressionsInScripts(ci: Ci): string[] {
    const units = [
        ...ci.workflows.flatMap((wf) =>
            Object.entries(wf.jobs).map(([name, job]) => ({
                at: `${wf.file}: job ${name}`,
                steps: stepsOf(job),
            })),
        ),
        ...ci.actions.map((a) => ({ at: a.file, steps: a.steps })),
    ];
    return units.flatMap(({ at, steps }) =>
        steps
            .filter((s) => /\$\{\{/.test(s.run ?? "") || /\$\{\{/.test(input(s, "script")))
            .map((s) => `${at}, step "${s.name ?? s.uses ?? "?"}", pastes an expression into a script`),
    );
}

/** 15. Artifacts: re-runnable (overwrite), the reviewed plans kept long enough to be approved, and nothing downloaded into a checkout (it could replace the code that runs next). */
function artifacts(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { job, at } of jobsOf(ci)) {
        const folders = checkoutFolders(job);
        for (const s of stepsOf(job)) {
            if (usesOf(s) === "actions/upload-artifact") {
                if (s.with?.overwrite !== true && s.with?.overwrite !== "true")
                    problems.push(`${at} uploads ${s.with?.name} without overwrite (a re-run fails)`);
                if (environmentOf(job) === ENV_PLAN && Number(s.with?.["retention-days"] ?? 90) < 7)
                    problems.push(`${at} keeps its plans less than 7 days`);
            }
            if (usesOf(s) === "actions/download-artifact") {
                const dir = normalDir(input(s, "path"));
                const temp = /^\$\{\{ runner\.temp \}\}(\/|$)/.test(dir) && !dir.split("/").includes("..");
                if (
                    !temp ||
                    (folders.length > 0 && folders.some((f) => dir === f || dir.startsWith(`${f}/`)))
                )
                    problems.push(
                        `${at} downloads ${s.with?.name ?? "artifacts"} into ${dir || "the workspace"}, not a folder of its own under runner.temp`,
                    );
            }
        }
    }
    return problems;
}

/** 16. Every package install, in every job, with install scripts off (`--ignore-scripts`, not undone by a later flag or npm_config_ignore_scripts). */
function noInstallScripts(ci: Ci): string[] {
    const problems: string[] = [];
    for (const { wf, job, at } of jobsOf(ci)) {
        for (const s of expandedSteps(ci, job)) {
            const env = { ...(wf.env ?? {}), ...(job.env ?? {}), ...(s.env ?? {}) };
            for (const words of stepCommands(s))
                if (installScriptsOff(words, env) === false)
                    problems.push(`${at} installs with install scripts (${words.slice(0, 4).join(" ")})`);
        }
    }
    return problems;
}

/** Whether a CODEOWNERS pattern matches a repository path (gitignore-style, as GitHub documents it). */
export function codeownersMatch(pattern: string, file: string): boolean {
    let p = pattern;
    const anchored = p.startsWith("/") || p.replace(/\/$/, "").includes("/");
    p = p.replace(/^\//, "");
    const dir = p.endsWith("/");
    p = p.replace(/\/$/, "");
    const re = p
        .split("/")
        .map((seg) =>
            seg === "**"
                ? "\u0000"
                : seg
                      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                      .replace(/\*/g, "[^/]*")
                      .replace(/\?/g, "[^/]"),
        )
        .join("/")
        .replace(/\u0000\//g, "(?:.*/)?")
        .replace(/\/\u0000/g, "(?:/.*)?")
        .replace(/\u0000/g, ".*");
    const body = `${re}${dir ? "/.*" : "(?:/.*)?"}`;
    return new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`).test(file);
}

/** 17. CODEOWNERS (in .github/, the one GitHub reads first) gives every file that guards the CI an owner (the last matching line wins), the same owners for all. */
function codeOwners(ci: Ci): string[] {
    if (ci.codeowners === undefined) return [".github/CODEOWNERS does not exist"];
    const problems = ci.otherCodeowners.map(
        (f) => `${f} exists beside .github/CODEOWNERS (GitHub reads only one)`,
    );
    const lines = ci.codeowners
        .split("\n")
        .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
        .filter((l) => l !== "")
        .map((l) => l.split(/\s+/));
    // Every workflow and local action too, whatever its name: each one enforces part of the guarantees.
    const files = [
        ...new Set([
            ...CODE_OWNED,
            ...ci.workflows.map((wf) => `.github/workflows/${wf.file}`),
            ...ci.actions.map((a) => a.file),
        ]),
    ];
    const owners = files.map((file) => {
        const rule = [...lines].reverse().find(([pattern]) => codeownersMatch(pattern, file));
        const names = (rule?.slice(1) ?? []).filter((o) =>
            /^@[\w.-]+(\/[\w.-]+)?$|^[^@\s]+@[^@\s]+$/.test(o),
        );
        if (names.length === 0) problems.push(`CODEOWNERS gives ${file} no owner`);
        return names.sort().join(" ");
    });
    if (new Set(owners.filter((o) => o !== "")).size > 1)
        problems.push(`CODEOWNERS gives the CI's files different owners: ${[...new Set(owners)].join("; ")}`);
    return problems;
}

export const RULES: Record<string, (ci: Ci) => string[]> = {
    pinnedActions,
    trustedTriggers,
    tokenPermissions,
    pullRequestCredentials,
    noActorConditions,
    commentFromData,
    productionFromMain,
    noCaches,
    pulumiCliVerified,
    shardedMatrices,
    scheduledRun,
    noPersistedCredentials,
    noRunAfterFailure,
    noExpressionsInScripts,
    artifacts,
    noInstallScripts,
    codeOwners,
};
