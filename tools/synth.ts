/**
 * The offline plan: runs a project's real `index.ts` under the mock runtime and prints what the
 * stack would create, as JSON (DESIGN.md, "The offline plan").
 *
 *   npm run synth -- <project-dir> [--stack NAME] [--config FILE] [--ref STACK=PLANFILE]... [--ref-dir DIR] [--out FILE]
 *   npm run synth                  # every example stack, in order, into out/, with a summary
 *
 * Exit codes: 0 planned; 1 the program refused (bad config, a refusal: one line per problem on
 * stderr, nothing on stdout) or a plan file is broken; 2 a bad command line.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs as parseCommandLine } from "util";
import YAML from "yaml";
import { createHash } from "crypto";
import { Plan, ProgramError, SECRET, StackRefOutputs, runProgram } from "./mock/runtime";
import { readPlanFile } from "./plan/format";
import { readProject, readStackConfig } from "./stackConfig";

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

export class UsageError extends Error {}

export function parseArgs(argv: string[]): SynthArgs | undefined {
    if (argv.length === 0) return undefined;
    let parsed;
    try {
        parsed = parseCommandLine({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                out: { type: "string" },
                ref: { type: "string", multiple: true },
                "ref-dir": { type: "string" },
            },
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError("give one project folder: infra-account-b, infra-account-a or .");
    const refs: Record<string, string> = {};
    for (const v of values.ref ?? []) {
        const eq = v.indexOf("=");
        if (eq <= 0) throw new UsageError(`--ref takes STACK=PLANFILE, got "${v}"`);
        refs[v.slice(0, eq)] = v.slice(eq + 1);
    }
    return { projectDir: positionals[0], stack: values.stack ?? "example", configFile: values.config, refs, refDir: values["ref-dir"], out: values.out };
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
        if (outputs[k] === SECRET) outputs[k] = createHash("sha256").update(`${plan.project}/${plan.stack}/${k}`).digest("hex").slice(0, 48);
    }
    return { outputs, secretOutputs: plan.secretOutputs };
}

export async function synth(args: SynthArgs): Promise<Plan> {
    const projectDir = path.resolve(args.projectDir);
    const project = readProject(projectDir);
    const stackFile = args.configFile ? path.resolve(args.configFile) : path.join(projectDir, `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new UsageError(`no stack config ${stackFile}: create it, or pass --config FILE`);
    }
    const { config, secretKeys } = readStackConfig(project, stackFile);
    const read = (file: string) => fs.readFileSync(file, "utf8");
    const stackRefs: Record<string, StackRefOutputs> = {};
    for (const [stack, file] of Object.entries(args.refs)) {
        stackRefs[stack] = refFromPlan(readPlanFile(file, read));
    }
    if (args.refDir !== undefined && !fs.existsSync(args.refDir)) {
        throw new UsageError(`--ref-dir ${args.refDir} does not exist`);
    }
    const refDir = args.refDir;
    const resolveStackRef = refDir
        ? (name: string): StackRefOutputs | undefined => {
              const [, refProject, stack] = name.split("/");
              const file = path.join(refDir, `${stack}.json`);
              return refProject === SOURCE_PROJECT && fs.existsSync(file) ? refFromPlan(readPlanFile(file, read)) : undefined;
          }
        : undefined;
    const { plan } = await runProgram({ projectDir, project: project.name, stack: args.stack, config, secretKeys, stackRefs, resolveStackRef });
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
        const custom = plan.resources.filter((r) => !r.type.startsWith("grafana-athena:") && !r.type.startsWith("pulumi:providers:"));
        lines.push(`\n== ${plan.project} (stack ${plan.stack}): ${custom.length} resources`);
        const counts = new Map<string, number>();
        for (const r of custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        for (const [type, n] of [...counts].sort()) lines.push(`   ${String(n).padStart(3)}  ${type}`);
        for (const r of plan.resources) {
            const doc = r.type === "aws:iam/role:Role" ? r.inputs.assumeRolePolicy : r.type === "aws:iam/policy:Policy" || r.type === "aws:iam/rolePolicy:RolePolicy" ? r.inputs.policy : undefined;
            if (typeof doc !== "string") continue;
            const what = r.type === "aws:iam/role:Role" ? `trust policy of role ${r.inputs.name}` : `policy ${r.inputs.name}`;
            lines.push(`\n-- ${what}`);
            try {
                lines.push(JSON.stringify(JSON.parse(doc), null, 2));
            } catch {
                lines.push(doc);
            }
        }
        const outputs = Object.entries(plan.outputs);
        if (outputs.length) {
            lines.push(`\n-- outputs`);
            for (const [k, v] of outputs) lines.push(`   ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
        }
    }
    return lines.join("\n");
}

/** Plans the example stacks of the repository at `root` in order: the source, the workspace fed by it, the root project. */
export async function synthExamples(outDir: string, root = process.cwd()): Promise<Plan[]> {
    const sourcePlanFile = path.join(outDir, "infra-account-b.example.json");
    const source = await synth({ projectDir: path.join(root, "infra-account-b"), stack: "example", refs: {} });
    writePlan(source, sourcePlanFile);
    const workspaceExample = YAML.parse(fs.readFileSync(path.join(root, "infra-account-a", "Pulumi.example.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    const sources = (workspaceExample.config["grafana-athena-workspace:sources"] ?? []) as { stack: string }[];
    const refs = Object.fromEntries(sources.map((s) => [s.stack, sourcePlanFile]));
    const workspace = await synth({ projectDir: path.join(root, "infra-account-a"), stack: "example", refs });
    writePlan(workspace, path.join(outDir, "infra-account-a.example.json"));
    const rootPlan = await synth({ projectDir: root, stack: "example", refs: {} });
    writePlan(rootPlan, path.join(outDir, "grafana-athena.example.json"));
    return [source, workspace, rootPlan];
}

async function main(argv: string[]) {
    let args: SynthArgs | undefined;
    try {
        args = parseArgs(argv);
        if (!args) {
            const plans = await synthExamples("out");
            process.stdout.write(`${summary(plans)}\n\nPlans written to out/.\n`);
            return 0;
        }
        const plan = await synth(args);
        if (args.out) {
            writePlan(plan, args.out);
            process.stdout.write(`${plan.project} (${plan.stack}): ${plan.resources.length} resources planned, written to ${args.out}\n`);
        } else {
            process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
        }
        return 0;
    } catch (e) {
        if (e instanceof ProgramError && e.configProblems.length > 0) {
            for (const line of e.configProblems) process.stderr.write(`${line}\n`);
            return 1;
        }
        if (e instanceof ProgramError && e.refusal) {
            // What `pulumi up` would print for it: the message alone.
            process.stderr.write(`${e.message}\n`);
            return 1;
        }
        if (e instanceof UsageError) {
            process.stderr.write(`synth: ${e.message}\n`);
            return 2;
        }
        process.stderr.write(`synth: ${e instanceof Error ? e.message : String(e)}\n`);
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
