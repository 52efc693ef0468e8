/**
 * `npm run fleet -- synth --out DIR`: the offline plan of every stack of the repository, the way
 * `npm run synth` plans one, in one process (docs/fleet.md).
 *
 * The stacks are the stack files of the three projects: `infra-account-b/Pulumi.<stack>.yaml`
 * (sources), `infra-account-a/Pulumi.<stack>.yaml` (workspaces) and the root `Pulumi.<stack>.yaml`
 * (the one-stack project), each project's `Pulumi.example.yaml` as `--examples` says. Sources are
 * planned first; a workspace's stack references then resolve to those plans' outputs (as
 * `synth --ref` resolves them: secret outputs as stand-ins, never a real value), so its plan holds
 * one data source per source it charts. Root stacks read no other stack. Each plan is written as
 * it is made, `DIR/<folder>.<stack>.json` (`infra-account-b`, `infra-account-a`, `grafana-athena`),
 * the names and format of `npm run synth`'s `out/`, so `npm run plan-diff -- BASE HEAD` compares two
 * runs. Only each source's contract stays in memory, so memory grows with the number of sources by
 * a few hundred bytes each, not by their plans.
 *
 * A stack that is refused (bad config, a program refusal, a broken stack file, a source it reads
 * that was refused or has no stack file) is one line on stderr, `<stack file>: <message>`; the
 * others are still planned. Exit codes: 0 every selected stack planned; 1 one or more refused;
 * 2 a bad command line.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { WORKSPACE_NAMESPACE } from "../../../shared/config/workspace";
import { UnreadableFile, readTextFile } from "../../../shared/files";
import { EXAMPLE_STACK, PROJECT_FOLDERS, SOURCE_PROJECT } from "../../../shared/inventory";
import { stackFileConfig } from "../../../shared/stackFiles";
import { MockWorld, Plan, ProgramError, StackRefOutputs, runProgram } from "../../plan/mock/runtime";
import { refFromPlan, writePlan } from "../../plan/synth";
import { readProject, readStackConfig } from "../../plan/stackConfig";
import { organization, readInventory } from "./fleetInventory";
import {
    ExamplesMode,
    ROOT_PROJECT,
    SynthSelection,
    SynthStack,
    SynthUsageError,
    exampleOf,
    listedSources,
    selectStacks,
    synthStack,
} from "./synthSelect";

const EXAMPLES_MODES: readonly ExamplesMode[] = ["include", "exclude", "only"];

export const SYNTH_USAGE =
    "usage: npm run fleet -- synth --out DIR [--root DIR] [--org ORG] [--stacks LIST] [--base REF] " +
    `[--examples include|exclude|only]

Plans every stack file of the three projects offline (no cloud, no Pulumi CLI), sources first,
then the workspaces resolved against those source plans, then the root stacks, and writes one plan
per stack as DIR/<folder>.<stack>.json (infra-account-b, infra-account-a, grafana-athena): the
format of npm run synth, which npm run plan-diff -- BASE_DIR HEAD_DIR compares.

  --out DIR        where the plans go (created; plans of stacks planned again are overwritten)
  --root DIR       the repository (default: the current folder)
  --org ORG        the organisation stack names are qualified in (default: PULUMI_ORG, else organization)
  --stacks LIST    only these stacks (comma-separated; a stack name or a fully qualified one), and
                   every workspace a selected source feeds
  --base REF       only the stacks a change since REF touches (see fleet affected), and every
                   workspace a selected source feeds
  --examples MODE  include (default): the Pulumi.example.yaml stacks too; exclude: real stacks
                   only; only: the example stacks only

A refused stack is one line on stderr, "<stack file>: <message>"; the others are still planned.
Exit codes: 0 every stack planned; 1 one or more refused; 2 a bad command line.
`;

export interface SynthIo {
    out(text: string): void;
    err(text: string): void;
    env?: NodeJS.ProcessEnv;
}
/** The options of the synth command; the fleet's own --root and --org among them. */
const OPTIONS = {
    out: { type: "string" },
    root: { type: "string" },
    org: { type: "string" },
    stacks: { type: "string" },
    base: { type: "string" },
    examples: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/**
 * Whether a fleet command line is the synth command (its first positional argument, wherever the options
 * are).
 */
export function isSynthCommand(argv: readonly string[]): boolean {
    try {
        return (
            parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false })
                .positionals[0] === "synth"
        );
    } catch {
        return false;
    }
}

/** What happened to one stack. */
export interface SynthOutcome {
    stack: SynthStack;
    /** The plan's file, when it was planned. */
    planFile?: string;
    resources?: number;
    /** Why it was refused, one line. */
    refused?: string;
}

/** The message of a refusal, as one line: config problems joined, anything else its first line. */
function refusalLine(e: unknown): string {
    if (e instanceof ProgramError && e.configProblems.length > 0) return e.configProblems.join("; ");
    const message = e instanceof Error ? e.message : String(e);
    return message.trim().split("\n")[0] ?? message;
}

/** Plans one stack file under the mock runtime, its stack references resolved by `resolve`. */
async function planStack(
    root: string,
    org: string,
    s: SynthStack,
    resolve: (name: string) => StackRefOutputs | undefined,
): Promise<Plan> {
    const projectDir = path.join(root, s.folder);
    const project = readProject(projectDir);
    // A file that is not a stack file is refused naming it (readStackConfig alone would say less);
    // read as every tool reads one (a regular file, bounded): a FIFO or a huge file is one line.
    let text: string;
    try {
        text = readTextFile(s.file);
    } catch (e) {
        // The outcome's line names the file already: say only what is wrong with it.
        if (e instanceof UnreadableFile) throw new UnreadableFile(e.message.replace(s.file, "").trim());
        throw e;
    }
    stackFileConfig(text, path.relative(root, s.file));
    const { config, secretKeys } = readStackConfig(project, s.file);
    const world = s.kind === "root" ? rootWorld(config) : undefined;
    const { plan } = await runProgram({
        projectDir,
        project: project.name,
        stack: s.stack,
        organization: org,
        config,
        secretKeys,
        resolveStackRef: resolve,
        world,
    });
    return plan;
}

/**
 * The root program refuses a workspace whose role is not the one its source trusts
 * (`source.grafanaRoleArn`); only AWS knows a real workspace's role, and the mock would make one up
 * from the workspace ID, refusing every real root stack. Offline, the workspace is taken to use the
 * role the source trusts; `pulumi preview` makes the real check.
 */
function rootWorld(config: Record<string, string>): MockWorld | undefined {
    const parse = (v: string | undefined) => {
        try {
            return v === undefined ? undefined : (JSON.parse(v) as Record<string, unknown>);
        } catch {
            return undefined;
        }
    };
    const roleArn = parse(config[`${ROOT_PROJECT}:source`])?.grafanaRoleArn;
    const workspaceId = parse(config[`${ROOT_PROJECT}:workspace`])?.workspaceId;
    return typeof roleArn === "string" && typeof workspaceId === "string"
        ? { workspaces: { [workspaceId]: { roleArn } } }
        : undefined;
}

/**
 * Late rejections of a refused program's outputs arrive after its outcome is decided (tools/plan/synth.ts
 * says why).
 */
let ignoringLateRejections = false;

/**
 * Plans `selection` into `outDir`, one stack after another in this process (Pulumi's runtime is
 * global, and one process keeps the SDK and the programs' modules loaded between stacks).
 */
export async function synthFleet(
    root: string,
    org: string,
    selection: SynthSelection,
    outDir: string,
    report: (o: SynthOutcome) => void = () => undefined,
): Promise<SynthOutcome[]> {
    if (!ignoringLateRejections) {
        process.on("unhandledRejection", () => undefined);
        ignoringLateRejections = true;
    }
    fs.mkdirSync(outDir, { recursive: true });
    const outcomes: SynthOutcome[] = [];
    const done = (o: SynthOutcome) => {
        outcomes.push(o);
        report(o);
    };
    const rel = (f: string) => path.relative(root, f);
    const sourceFiles = new Map(readInventory(root, org).sources.map((e) => [e.stack, e.file]));
    /** Each planned source's contract as a stack reference reads it, or why it has none. */
    const contracts = new Map<string, StackRefOutputs | { refused: string }>();

    /** Plans `s` and writes its plan; the plan, or undefined when it was refused (and reported). */
    const plan = async (
        s: SynthStack,
        resolve: (name: string) => StackRefOutputs | undefined,
    ): Promise<Plan | { refused: string }> => {
        try {
            const p = await planStack(root, org, s, resolve);
            const file = path.join(outDir, s.planName);
            writePlan(p, file);
            done({ stack: s, planFile: file, resources: p.resources.length });
            return p;
        } catch (e) {
            const refused = refusalLine(e);
            writeRefusal(s, refused);
            done({ stack: s, refused });
            return { refused };
        }
    };
    /**
     * A refused stack's record in place of its plan (tools/plan/format.ts `refused`): the plan diff
     * then says it was refused, not that its stack file was removed.
     */
    const writeRefusal = (s: SynthStack, refused: string) => {
        const project =
            s.kind === "source"
                ? SOURCE_PROJECT
                : s.kind === "workspace"
                  ? WORKSPACE_NAMESPACE
                  : ROOT_PROJECT;
        writePlan(
            { project, stack: s.stack, resources: [], reads: [], outputs: {}, secretOutputs: [], refused },
            path.join(outDir, s.planName),
        );
    };
    const contract = (p: Plan | { refused: string }) => ("refused" in p ? p : refFromPlan(p));

    // The example source feeds the example workspace only: a real workspace never charts it.
    let exampleContract: StackRefOutputs | { refused: string } | undefined;
    for (const s of selection.sources) {
        const c = contract(await plan(s, () => undefined));
        if (s.stack === EXAMPLE_STACK) exampleContract = c;
        else contracts.set(s.stack, c);
    }

    // A source a workspace reads that was not selected is planned for its outputs only (no plan file).
    const unwritten = async (s: SynthStack): Promise<StackRefOutputs | { refused: string }> => {
        try {
            return refFromPlan(await planStack(root, org, s, () => undefined));
        } catch (e) {
            return { refused: refusalLine(e) };
        }
    };
    const contractOf = async (stack: string): Promise<StackRefOutputs | { refused: string } | undefined> => {
        if (!contracts.has(stack)) {
            const file = sourceFiles.get(stack);
            if (file === undefined) return undefined;
            contracts.set(stack, await unwritten(synthStack("source", root, stack, file)));
        }
        return contracts.get(stack);
    };

    const exampleSource = exampleOf("source", root)[0];
    for (const w of selection.workspaces) {
        // The example workspace charts the example source, whatever stack names it lists (as npm run synth
        // plans it).
        const isExample = w.stack === EXAMPLE_STACK;
        const wanted = isExample ? [] : (listedSources(w.file) ?? [...sourceFiles.keys()]);
        const problems: string[] = [];
        const resolved = new Map<string, StackRefOutputs>();
        let example: StackRefOutputs | undefined;
        if (isExample && exampleSource) {
            exampleContract ??= await unwritten(exampleSource);
            if ("refused" in exampleContract)
                problems.push(`reads the source ${rel(exampleSource.file)}, which was refused`);
            else example = exampleContract;
        }
        for (const stack of wanted) {
            const c = await contractOf(stack);
            if (c === undefined)
                problems.push(
                    `lists the source ${stack}, which has no stack file ` +
                        `${PROJECT_FOLDERS.source}/Pulumi.${stack}.yaml`,
                );
            else if ("refused" in c)
                problems.push(
                    `reads the source ${PROJECT_FOLDERS.source}/Pulumi.${stack}.yaml, which was refused`,
                );
            else resolved.set(stack, c);
        }
        if (problems.length > 0) {
            writeRefusal(w, problems.join("; "));
            done({ stack: w, refused: problems.join("; ") });
            continue;
        }
        await plan(w, (name) => {
            const [, project, stack] = name.split("/");
            if (project !== SOURCE_PROJECT) return undefined;
            return isExample ? example : resolved.get(stack);
        });
    }

    for (const r of selection.roots) await plan(r, () => undefined);
    return outcomes;
}

/** The synth command: parses its command line, plans, reports. */
export async function fleetSynth(argv: string[], io: SynthIo): Promise<number> {
    try {
        let parsed;
        try {
            parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
        } catch (e) {
            throw new SynthUsageError((e as Error).message);
        }
        const { values, positionals } = parsed;
        if (values.help) {
            io.out(SYNTH_USAGE);
            return 0;
        }
        if (positionals.length !== 1 || positionals[0] !== "synth")
            throw new SynthUsageError(
                `synth takes no other arguments, got "${positionals.slice(1).join(" ")}"`,
            );
        if (values.out === undefined || values.out === "")
            throw new SynthUsageError("synth needs --out DIR (the folder for the plans)");
        const examples = (values.examples ?? "include") as ExamplesMode;
        if (!EXAMPLES_MODES.includes(examples))
            throw new SynthUsageError(`--examples takes include, exclude or only, got "${values.examples}"`);
        if (values.stacks !== undefined && values.base !== undefined)
            throw new SynthUsageError("give --stacks or --base, not both");
        const root = path.resolve(values.root ?? process.cwd());
        if (!fs.existsSync(path.join(root, PROJECT_FOLDERS.source, "Pulumi.yaml")))
            throw new SynthUsageError(
                `--root ${root} is not this repository (no ${PROJECT_FOLDERS.source}/Pulumi.yaml)`,
            );
        const org = organization(values.org, io.env ?? process.env);
        const selection = selectStacks(root, org, { stacks: values.stacks, base: values.base, examples });
        const outDir = path.resolve(values.out);
        const outcomes = await synthFleet(root, org, selection, outDir, (o) => {
            // The line names the file once, even when the refusal (a file that is not YAML) named it too.
            const file = path.relative(root, o.stack.file);
            if (o.refused !== undefined) io.err(`${file}: ${withoutPrefix(o.refused, `${file}: `)}\n`);
            else io.out(`${o.stack.planName}: ${o.resources} resources\n`);
        });
        const refused = outcomes.filter((o) => o.refused !== undefined).length;
        io.out(
            `fleet synth: ${outcomes.length - refused} of ${outcomes.length} stacks planned into ` +
                `${values.out}${refused > 0 ? `, ${refused} refused` : ""}\n`,
        );
        return refused > 0 ? 1 : 0;
    } catch (e) {
        io.err(`fleet synth: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return e instanceof SynthUsageError ? 2 : 1;
    }
}

/** A refusal that already names the file, without that name (the line names it once). */
function withoutPrefix(text: string, prefix: string): string {
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
