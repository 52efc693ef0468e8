/**
 * The offline plan: runs a project's real `index.ts` under the mock runtime and prints what the
 * stack would create, as JSON (docs/offline-plan.md).
 *
 * npm run synth -- <project-dir> [--stack NAME] [--config FILE] [--ref STACK=PLANFILE]... [--ref-dir DIR]
 * [--out FILE]   npm run synth                  # every example stack, in order, into out/, with a summary
 *   npm run synth -- --help        # the options (SYNTH_OPTIONS), their defaults and the exit codes
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { MAX_PLAN_FILE_BYTES, UnreadableFile, readTextFile } from "../../shared/files";
import { PROJECT_FOLDERS } from "../../shared/inventory";
import { stackFileConfig } from "../../shared/stackFiles";
import { CommandHelp, OptionTable, UsageError, asksForHelp, helpText, parseOptions } from "../cli/options";
import { Plan, ProgramError, SECRET, StackRefOutputs, runProgram } from "./mock/runtime";
import { accessLines, accessTable } from "./access";
import { alertRuleLines } from "./alertRules";
import { alertingLines } from "./contactPoints";
import { variableLines } from "./dashboardVariables";
import { readPlanFile } from "./format";
import { readProject, readStackConfig } from "./stackConfig";

export { UsageError };

export interface SynthArgs {
    projectDir: string;
    stack: string;
    configFile?: string;
    refs: Record<string, string>;
    /** `DIR/<stack>.json` resolves the stack reference `<any org>/grafana-athena-source/<stack>`. */
    refDir?: string;
    out?: string;
}

/** The source project: `--ref-dir` resolves its stacks. */
const SOURCE_PROJECT = "grafana-athena-source";

/** synth's options: the parser and `--help` are both made from this table. */
export const SYNTH_OPTIONS = {
    stack: {
        type: "string",
        value: "NAME",
        default: "example",
        help: "the stack to plan: its config is <project-dir>/Pulumi.<NAME>.yaml",
    },
    config: {
        type: "string",
        value: "FILE",
        default: "<project-dir>/Pulumi.<stack>.yaml",
        help: "read the stack config from FILE instead (the same shape: a config: map)",
    },
    ref: {
        type: "string",
        value: "STACK=PLANFILE",
        multiple: true,
        help: "the stack reference STACK resolves to the outputs of an earlier plan",
    },
    "ref-dir": {
        type: "string",
        value: "DIR",
        help: "DIR/<stack>.json resolves the stack reference <any org>/grafana-athena-source/<stack>",
    },
    out: {
        type: "string",
        value: "FILE",
        default: "the plan is printed on stdout",
        help: "write the plan to FILE",
    },
} as const satisfies OptionTable;

export const SYNTH_HELP: CommandHelp = {
    usage: "npm run synth -- <project-dir>",
    summary:
        "The offline plan: runs a project's real program under the mock runtime and " +
        "prints, as JSON, what the stack would create. No cloud access.",
    positionals: [
        [
            "<project-dir>",
            "infra-account-b (a source), infra-account-a (the workspace), . (the root " +
                "project) or bootstrap (the CI roles of every account)",
        ],
    ],
    notes: [
        "Without arguments (npm run synth), plans every example stack in order (the source, the workspace " +
            "fed by it, the root project, the bootstrap) into out/ and prints a summary.",
        "Files read (stack files, --config, plans) must be regular files: a " +
            "folder, pipe or device is refused, naming it.",
    ],
    examples: [
        ["npm run synth", "every example stack into out/, with a summary"],
        [
            "npm run synth -- infra-account-a --stack grafana --ref-dir plans",
            "the workspace stack grafana, its sources read from earlier plans in plans/",
        ],
    ],
    exitCodes: [
        [0, "planned (or --help)"],
        [
            1,
            "the program refused (bad config, a refusal: one line per problem on stderr, " +
                "nothing on stdout), or a file named is not readable",
        ],
        [2, "a bad command line (an unknown option, a missing value, a stack config that does not exist)"],
    ],
};

/** The command line; undefined for none (every example stack). */
export function parseArgs(argv: string[]): SynthArgs | undefined {
    if (argv.length === 0) return undefined;
    const { values, positionals } = parseOptions(argv, SYNTH_OPTIONS);
    if (positionals.length !== 1)
        throw new UsageError(
            "give one project folder: infra-account-b, infra-account-a, . or bootstrap (see --help)",
        );
    const refs: Record<string, string> = {};
    for (const v of values.ref ?? []) {
        const eq = v.indexOf("=");
        if (eq <= 0)
            throw new UsageError(`--ref takes STACK=PLANFILE, got ${JSON.stringify(v.slice(0, 100))}`);
        refs[v.slice(0, eq)] = v.slice(eq + 1);
    }
    // The stack names a file beside the project: a name, never a path.
    if (values.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.stack))
        throw new UsageError(
            `--stack takes a stack name (letters, digits, -, _ and .), got ` +
                `${JSON.stringify(values.stack.slice(0, 100))}`,
        );
    return {
        projectDir: positionals[0],
        stack: values.stack ?? "example",
        configFile: values.config,
        refs,
        refDir: values["ref-dir"],
        out: values.out,
    };
}

/**
 * A stack reference resolves to the outputs of an earlier plan (secret ones marked). A plan shows
 * a secret output as "[secret]"; the reading stack gets a stand-in of the secret's usual shape
 * instead (48 characters, different per stack and output), never the real value, and its plan
 * shows it as "[secret]" again.
 */
export function refFromPlan(plan: Plan): StackRefOutputs {
    const outputs = { ...plan.outputs };
    for (const k of plan.secretOutputs) {
        if (outputs[k] === SECRET)
            outputs[k] = createHash("sha256")
                .update(`${plan.project}/${plan.stack}/${k}`)
                .digest("hex")
                .slice(0, 48);
    }
    return { outputs, secretOutputs: plan.secretOutputs };
}

/** A plan named on the command line (`--ref`, a plan of `--ref-dir`), read as every tool reads a file. */
function readRefPlan(file: string): StackRefOutputs {
    const text = readTextFile(file, MAX_PLAN_FILE_BYTES);
    return refFromPlan(readPlanFile(file, () => text));
}

/**
 * What a stack reference that no plan resolves says: the file it was looked for in (`--ref-dir`),
 * or that the repository has no stack file for that source, or how to pass its plan.
 */
export function missingStackRefLine(
    name: string,
    repositoryRoot: string,
    refDir: string | undefined,
): string {
    const [, project, stack] = name.split("/");
    if (project !== SOURCE_PROJECT || stack === undefined) {
        return (
            `stack reference ${name} is not known offline: pass --ref ${name}=PLANFILE ` +
            `(--ref-dir resolves ${SOURCE_PROJECT} stacks only)`
        );
    }
    const stackFile = path.join(PROJECT_FOLDERS.source, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(path.join(repositoryRoot, stackFile))) {
        return (
            `stack reference ${name}: no stack file ${stackFile} in this repository: add it ` +
            `(or correct the stack name), or pass --ref ${name}=PLANFILE`
        );
    }
    if (refDir !== undefined) {
        const plan = path.join(refDir, `${stack}.json`);
        return (
            `stack reference ${name}: no plan ${plan} (plan ${stackFile} into it with ` +
            `npm run synth -- ${PROJECT_FOLDERS.source} --stack ${stack} --out ${plan})`
        );
    }
    return (
        `stack reference ${name} is not known offline: plan ${stackFile} and pass --ref ` +
        `${name}=PLANFILE, or --ref-dir DIR holding ${stack}.json`
    );
}

export async function synth(args: SynthArgs): Promise<Plan> {
    const projectDir = path.resolve(args.projectDir);
    const project = readProject(projectDir);
    const stackFile = args.configFile
        ? path.resolve(args.configFile)
        : path.join(projectDir, `Pulumi.${args.stack}.yaml`);
    let stackConfig;
    try {
        stackConfig = readStackConfig(project, stackFile);
    } catch (e) {
        if (!(e instanceof UnreadableFile) || fs.existsSync(stackFile))
            throw args.configFile && e instanceof UnreadableFile
                ? new UnreadableFile(`--config ${e.message}`)
                : e;
        throw new UsageError(
            args.configFile
                ? `--config ${args.configFile} does not exist`
                : `no stack config ${stackFile}: create it, or pass --config FILE`,
        );
    }
    const { config, secretKeys } = stackConfig;
    const stackRefs: Record<string, StackRefOutputs> = {};
    for (const [stack, file] of Object.entries(args.refs)) stackRefs[stack] = readRefPlan(file);
    const refDir = args.refDir;
    if (refDir !== undefined) {
        const st = fs.statSync(refDir, { throwIfNoEntry: false });
        if (!st) throw new UsageError(`--ref-dir ${refDir} does not exist`);
        if (!st.isDirectory()) throw new UsageError(`--ref-dir ${refDir} is not a folder`);
    }
    const resolveStackRef = refDir
        ? (name: string): StackRefOutputs | undefined => {
              const [, refProject, stack] = name.split("/");
              if (refProject !== SOURCE_PROJECT || stack === undefined || !/^[A-Za-z0-9_.-]+$/.test(stack))
                  return undefined;
              const file = path.join(refDir, `${stack}.json`);
              return fs.existsSync(file) ? readRefPlan(file) : undefined;
          }
        : undefined;
    // The repository the project belongs to: where a source's stack file would be.
    const repositoryRoot = fs.existsSync(path.join(projectDir, PROJECT_FOLDERS.source))
        ? projectDir
        : path.dirname(projectDir);
    const missingStackRef = (name: string) => missingStackRefLine(name, repositoryRoot, refDir);
    const { plan } = await runProgram({
        projectDir,
        project: project.name,
        stack: args.stack,
        config,
        secretKeys,
        stackRefs,
        resolveStackRef,
        missingStackRef,
    });
    return plan;
}

export function writePlan(plan: Plan, file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
}

/** The short human summary: resources per project, each IAM policy pretty-printed. */
export function summary(plans: Plan[]): string {
    const lines: string[] = [];
    for (const plan of plans) {
        const custom = plan.resources.filter(
            (r) => !r.type.startsWith("grafana-athena:") && !r.type.startsWith("pulumi:providers:"),
        );
        lines.push(`\n== ${plan.project} (stack ${plan.stack}): ${custom.length} resources`);
        const counts = new Map<string, number>();
        for (const r of custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        for (const [type, n] of [...counts].sort()) lines.push(`   ${String(n).padStart(3)}  ${type}`);
        for (const r of plan.resources) {
            const doc =
                r.type === "aws:iam/role:Role"
                    ? r.inputs.assumeRolePolicy
                    : r.type === "aws:iam/policy:Policy" || r.type === "aws:iam/rolePolicy:RolePolicy"
                      ? r.inputs.policy
                      : undefined;
            if (typeof doc !== "string") continue;
            const what =
                r.type === "aws:iam/role:Role"
                    ? `trust policy of role ${r.inputs.name}`
                    : `policy ${r.inputs.name}`;
            lines.push(`\n-- ${what}`);
            try {
                lines.push(JSON.stringify(JSON.parse(doc), null, 2));
            } catch {
                lines.push(doc);
            }
        }
        for (const r of plan.resources) {
            const body = r.type === STACK_SET_TYPE ? r.inputs.templateBody : undefined;
            if (typeof body === "string") lines.push(...templatePolicyLines(body));
        }
        const access = accessLines(accessTable(plan));
        if (access.length) lines.push("", ...access);
        for (const [title, facts] of [
            ["-- Alert rules, per team", alertRuleLines(plan)],
            ["-- Where alerts go", alertingLines(plan)],
            ["-- Dashboard variables", variableLines(plan)],
        ] as const)
            if (facts.length) lines.push("", title, ...facts.map((l) => `   ${l}`));
        const outputs = Object.entries(plan.outputs);
        if (outputs.length) {
            lines.push(`\n-- outputs`);
            for (const [k, v] of outputs)
                lines.push(`   ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
        }
    }
    return lines.join("\n");
}

/**
 * The IAM documents of a StackSet's CloudFormation template (the bootstrap's CI roles), as the
 * summary prints every other policy: each role's trust and inline policies, each managed policy.
 */
const STACK_SET_TYPE = "aws:cloudformation/stackSet:StackSet";

/** The properties of the template's IAM resources that the summary shows. */
interface TemplateProperties {
    RoleName?: string;
    AssumeRolePolicyDocument?: unknown;
    Policies?: { PolicyName: string; PolicyDocument: unknown }[];
    ManagedPolicyName?: string;
    PolicyDocument?: unknown;
}

function templatePolicyLines(templateBody: string): string[] {
    let resources: Record<string, { Type?: string; Properties?: TemplateProperties }>;
    try {
        resources = (JSON.parse(templateBody) as { Resources?: typeof resources }).Resources ?? {};
    } catch {
        return [];
    }
    const lines: string[] = [];
    const show = (what: string, doc: unknown) => lines.push(`\n-- ${what}`, JSON.stringify(doc, null, 2));
    for (const [id, res] of Object.entries(resources)) {
        const p = res.Properties ?? {};
        if (res.Type === "AWS::IAM::Role") {
            const role = p.RoleName ?? id;
            const trust = p.AssumeRolePolicyDocument;
            show(`trust policy of role ${role} (in every account of the StackSet)`, trust);
            for (const inline of p.Policies ?? []) {
                show(`policy ${inline.PolicyName} of role ${role}`, inline.PolicyDocument);
            }
        } else if (res.Type === "AWS::IAM::ManagedPolicy") {
            show(`policy ${p.ManagedPolicyName ?? id} (in every account of the StackSet)`, p.PolicyDocument);
        }
    }
    return lines;
}

/** The example source stack with Athena's managed query results: examples/<this>/Pulumi.<this>.yaml. */
export const MANAGED_RESULTS_EXAMPLE = "managed-results";

/**
 * Plans the example stacks of the repository at `root` in order: the source, the source with
 * managed query results, the workspace fed by the first, the root project, the bootstrap.
 */
export async function synthExamples(outDir: string, root = process.cwd()): Promise<Plan[]> {
    const sourcePlanFile = path.join(outDir, "infra-account-b.example.json");
    const source = await synth({
        projectDir: path.join(root, "infra-account-b"),
        stack: "example",
        refs: {},
    });
    writePlan(source, sourcePlanFile);
    // A source with Athena's managed query results: no results bucket, no S3 write for the role.
    const managed = await synth({
        projectDir: path.join(root, "infra-account-b"),
        stack: MANAGED_RESULTS_EXAMPLE,
        configFile: path.join(
            root,
            "examples",
            MANAGED_RESULTS_EXAMPLE,
            `Pulumi.${MANAGED_RESULTS_EXAMPLE}.yaml`,
        ),
        refs: {},
    });
    writePlan(managed, path.join(outDir, `infra-account-b.${MANAGED_RESULTS_EXAMPLE}.json`));
    const workspaceFile = path.join(root, PROJECT_FOLDERS.workspace, "Pulumi.example.yaml");
    const workspaceExample = stackFileConfig(readTextFile(workspaceFile), workspaceFile);
    const sources = (workspaceExample["grafana-athena-workspace:sources"] ?? []) as { stack: string }[];
    const refs = Object.fromEntries(sources.map((s) => [s.stack, sourcePlanFile]));
    const workspace = await synth({ projectDir: path.join(root, "infra-account-a"), stack: "example", refs });
    writePlan(workspace, path.join(outDir, "infra-account-a.example.json"));
    const rootPlan = await synth({ projectDir: root, stack: "example", refs: {} });
    writePlan(rootPlan, path.join(outDir, "grafana-athena.example.json"));
    const bootstrap = await synth({ projectDir: path.join(root, "bootstrap"), stack: "example", refs: {} });
    writePlan(bootstrap, path.join(outDir, "grafana-athena-bootstrap.example.json"));
    return [source, managed, workspace, rootPlan, bootstrap];
}

/** The command: what it prints on stdout (`out`) and stderr (`err`), and its exit code. */
export async function main(
    argv: string[],
    out: (t: string) => void = (t) => process.stdout.write(t),
    err: (t: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
    let args: SynthArgs | undefined;
    try {
        if (asksForHelp(argv)) {
            out(helpText(SYNTH_HELP, SYNTH_OPTIONS));
            return 0;
        }
        args = parseArgs(argv);
        if (!args) {
            const plans = await synthExamples("out");
            out(`${summary(plans)}\n\nPlans written to out/.\n`);
            return 0;
        }
        const plan = await synth(args);
        if (args.out) {
            writePlan(plan, args.out);
            out(
                `${plan.project} (${plan.stack}): ${plan.resources.length} ` +
                    `resources planned, written to ${args.out}\n`,
            );
        } else {
            out(`${JSON.stringify(plan, null, 2)}\n`);
        }
        return 0;
    } catch (e) {
        if (e instanceof ProgramError && e.configProblems.length > 0) {
            for (const line of e.configProblems) err(`${line}\n`);
            return 1;
        }
        if (e instanceof ProgramError && e.refusal) {
            // What `pulumi up` would print for it: the message alone.
            err(`${e.message}\n`);
            return 1;
        }
        if (e instanceof UsageError) {
            err(`synth: ${e.message}\n`);
            return 2;
        }
        err(`synth: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    // A refused program leaves outputs that reject after the run has been reported (a component's
    // registerOutputs, resources waiting on the refused value): the outcome is decided by then, so
    // they must not reach Node's default handler, which would print them with a stack trace.
    process.on("unhandledRejection", () => undefined);
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
