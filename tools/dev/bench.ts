/**
 * Plan-time benchmark of the workspace stack (infra-account-a with its example config) fed by N
 * generated source stacks, side by side with its floor (tools/dev/benchFloor: the same stack
 * references and resources per source, no logic) in the same run. Each (program, N) runs in a
 * fresh child process (tools/dev/benchWorker.ts), so no run warms another's caches; the runs are
 * sequential, so they do not share the CPU.
 *
 *   npm run bench                                   # N = 500, 1000, 2000, 5000, organisation mode
 *   npm run bench -- --sizes 50,100 --runs 3
 *   npm run bench -- --help                         # the options (BENCH_OPTIONS), defaults, exit codes
 * npm run bench -- --fleet 100,300 [--separate 10] # fleet synth of a generated repository
 * (tools/dev/benchFleet.ts) npm run bench -- --check 100,1000 [--runs 3] # fleet check of one, beside fleet
 * list of it (tools/dev/benchFleet.ts)
 *
 * Prints a Markdown table: the program run's time and the process's peak memory for both, the
 * ratio to the floor, and how much longer each doubling of N takes. Organisation mode, as the
 * explicit assume policy holds at most about 137 sources.
 */
import { spawn } from "child_process";
import * as path from "path";
import { CommandHelp, OptionTable, UsageError, asksForHelp, helpText, parseOptions } from "../cli/options";
import type { PlanResource, RunRequest } from "../plan/mock/runtime";
import { readProject, readStackConfig } from "../plan/stackConfig";
import { benchCheck, benchFleet } from "./benchFleet";
import {
    BENCH_ORGANIZATION_ID,
    BENCH_SOURCE_ROLE_NAME,
    REPO_ROOT,
    benchSourceRefs,
    benchSourceStack,
} from "./benchSources";

type AssumeMode = "explicit" | "organization";

const WORKSPACE_DIR = path.join(REPO_ROOT, "infra-account-a");
const FLOOR_DIR = path.join(__dirname, "benchFloor");
const DEFAULT_SIZES = [500, 1000, 2000, 5000];

/** The floor program with N generated sources. */
export function floorRequest(n: number): RunRequest {
    const project = readProject(FLOOR_DIR);
    const sources = Array.from({ length: n }, (_, k) => benchSourceStack(k + 1));
    return {
        projectDir: FLOOR_DIR,
        project: project.name,
        stack: "bench",
        config: { [`${project.name}:sources`]: JSON.stringify(sources) },
        secretKeys: [],
        stackRefs: benchSourceRefs(n),
    };
}

/** The workspace stack's example config with N generated sources, in the given assume mode. */
export function benchRequest(n: number, mode: AssumeMode): RunRequest {
    const project = readProject(WORKSPACE_DIR);
    const { config, secretKeys } = readStackConfig(project, path.join(WORKSPACE_DIR, "Pulumi.example.yaml"));
    const ns = project.name;
    config[`${ns}:sources`] = JSON.stringify(
        Array.from({ length: n }, (_, k) => ({ stack: benchSourceStack(k + 1) })),
    );
    delete config[`${ns}:sourceRoleName`];
    delete config[`${ns}:organizationId`];
    if (mode === "organization") {
        config[`${ns}:sourceRoleName`] = BENCH_SOURCE_ROLE_NAME;
        config[`${ns}:organizationId`] = BENCH_ORGANIZATION_ID;
    }
    return {
        projectDir: WORKSPACE_DIR,
        project: project.name,
        stack: "bench",
        config,
        secretKeys,
        stackRefs: benchSourceRefs(n),
    };
}

/**
 * The length, in resources, of the longest chain of dependent resources: the longest path in the
 * graph whose edges are `dependsOn` (dependency -> dependent) and parent -> child. Only the given
 * resources are nodes; edges to names outside the list (reads, stack references) are ignored.
 * 0 for no resources. Throws on a cycle (a plan never has one).
 */
export function longestChain(
    resources: readonly (Pick<PlanResource, "name" | "parent"> & {
        options: Pick<PlanResource["options"], "dependsOn">;
    })[],
): number {
    const names = new Set(resources.map((r) => r.name));
    const next = new Map<string, string[]>();
    const indegree = new Map<string, number>();
    for (const n of names) {
        next.set(n, []);
        indegree.set(n, 0);
    }
    const edge = (from: string | null | undefined, to: string) => {
        if (!from || !names.has(from) || from === to) return;
        next.get(from)!.push(to);
        indegree.set(to, indegree.get(to)! + 1);
    };
    for (const r of resources) {
        for (const d of new Set(r.options.dependsOn)) edge(d, r.name);
        if (!r.options.dependsOn.includes(r.parent ?? "")) edge(r.parent, r.name);
    }
    // Kahn's algorithm: longest path ending at each node, in topological order.
    const depth = new Map<string, number>();
    const ready = [...names].filter((n) => indegree.get(n) === 0);
    for (const n of ready) depth.set(n, 1);
    let done = 0;
    let best = 0;
    while (ready.length > 0) {
        const n = ready.pop()!;
        done += 1;
        const d = depth.get(n)!;
        best = Math.max(best, d);
        for (const m of next.get(n)!) {
            depth.set(m, Math.max(depth.get(m) ?? 0, d + 1));
            const left = indegree.get(m)! - 1;
            indegree.set(m, left);
            if (left === 0) ready.push(m);
        }
    }
    if (done !== names.size) {
        throw new Error(
            `the dependency graph has a cycle among: ` +
                `${[...names].filter((n) => indegree.get(n)! > 0).join(", ")}`,
        );
    }
    return best;
}

/** Which program a worker plans. */
export type BenchProgram = "workspace" | "floor";

/** What a worker reports for one (program, N). */
export interface BenchResult {
    program: BenchProgram;
    n: number;
    /** Wall time of the program run (`runProgram`), after the node_modules the program loads are loaded. */
    planMs: number;
    /** The process's peak resident memory, in MiB. */
    peakMiB: number;
    resources: number;
    /** The workspace's longest chain of dependent resources. */
    chain?: number;
}

/** Runs one (program, N) in a fresh `node -r tools/register.js` process. */
function runWorker(program: BenchProgram, n: number): Promise<BenchResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            [
                "-r",
                path.join(REPO_ROOT, "tools", "register.js"),
                path.join(__dirname, "benchWorker.ts"),
                program,
                String(n),
            ],
            {
                cwd: REPO_ROOT,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("close", (code) => {
            const line = out.trim().split("\n").pop() ?? "";
            if (code !== 0 || !line.startsWith("{")) {
                reject(new Error(`bench worker (${program}, N=${n}) exited with ${code}:\n${err}${out}`));
                return;
            }
            resolve(JSON.parse(line) as BenchResult);
        });
    });
}

const num = (v: number) => v.toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface BenchRow {
    n: number;
    workspace: BenchResult;
    floor: BenchResult;
}

/** The table: per N the program and its floor, their ratio, and the growth from the previous N. */
export function markdownTable(rows: readonly BenchRow[]): string {
    const lines = [
        "| N | workspace (ms) | floor (ms) | workspace / floor | workspace vs previous N | floor vs " +
            "previous N | workspace peak (MiB) | floor peak (MiB) | " +
            "resources (workspace / floor) | longest chain |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    rows.forEach((r, i) => {
        const prev = rows[i - 1];
        const growth = (now: number, before?: number) =>
            before === undefined ? "" : `${(now / before).toFixed(2)}x`;
        lines.push(
            `| ${num(r.n)} | ${num(Math.round(r.workspace.planMs))} | ` +
                `${num(Math.round(r.floor.planMs))} | ` +
                `${(r.workspace.planMs / r.floor.planMs).toFixed(2)}x | ` +
                `${growth(r.workspace.planMs, prev?.workspace.planMs)} | ` +
                `${growth(r.floor.planMs, prev?.floor.planMs)} | ` +
                `${num(Math.round(r.workspace.peakMiB))} | ${num(Math.round(r.floor.peakMiB))} | ` +
                `${num(r.workspace.resources)} / ${num(r.floor.resources)} | ${r.workspace.chain ?? ""} |`,
        );
    });
    return lines.join("\n");
}

/** bench's options: the parser and `--help` are both made from this table. */
export const BENCH_OPTIONS = {
    sizes: {
        type: "string",
        value: "N,N,...",
        default: DEFAULT_SIZES.join(","),
        help: "the numbers of generated source stacks to plan the workspace with (1 to 20000 each)",
    },
    runs: {
        type: "string",
        value: "R",
        default: "1",
        help: "runs per size and program; the median is shown",
    },
    fleet: {
        type: "string",
        value: "N,N,...",
        help:
            "instead: fleet synth of a generated repository of N source " +
            "stacks each (tools/dev/benchFleet.ts)",
    },
    separate: {
        type: "string",
        value: "N",
        default: "10",
        help: "with --fleet: also N separate npm run synth calls, the baseline",
    },
    check: {
        type: "string",
        value: "N,N,...",
        help:
            "instead: fleet check of a generated repository of N source stacks " +
            "each, beside fleet list of it (tools/benchFleet.ts)",
    },
} as const satisfies OptionTable;

export const BENCH_HELP: CommandHelp = {
    usage: "npm run bench --",
    summary:
        "Plan-time benchmark: the workspace stack fed by N generated source stacks, " +
        "beside its floor (the same stack references and resources, no logic), each " +
        "run in a fresh process. Prints a Markdown table.",
    examples: [
        [
            "npm run bench -- --sizes 500,2000 --runs 3",
            "the workspace with 500 and 2,000 sources, the median of three runs each",
        ],
        [
            "npm run bench -- --fleet 100,300",
            "fleet synth of generated repositories of 100 and 300 source stacks",
        ],
    ],
    exitCodes: [
        [0, "measured (or --help)"],
        [1, "a run failed"],
        [2, "a bad command line"],
    ],
};

export function parseCli(argv: string[]): {
    sizes: number[];
    runs: number;
    fleet?: number[];
    separate: number;
    check?: number[];
} {
    const { values, positionals } = parseOptions(argv, BENCH_OPTIONS);
    if (positionals.length > 0)
        throw new UsageError(
            `bench takes no arguments, got ${JSON.stringify(positionals[0].slice(0, 100))} (see --help)`,
        );
    const fleet =
        values.fleet === undefined ? undefined : values.fleet.split(",").map((s) => Number(s.trim()));
    if (fleet?.some((s) => !Number.isInteger(s) || s < 1 || s > 5000))
        throw new UsageError(
            "--fleet takes a comma-separated list of whole numbers of source stacks, from 1 to 5000",
        );
    const check =
        values.check === undefined ? undefined : values.check.split(",").map((s) => Number(s.trim()));
    if (check?.some((s) => !Number.isInteger(s) || s < 1 || s > 5000))
        throw new UsageError(
            "--check takes a comma-separated list of whole numbers of source stacks, from 1 to 5000",
        );
    const separate = values.separate === undefined ? 10 : Number(values.separate);
    if (!Number.isInteger(separate) || separate < 1)
        throw new UsageError("--separate takes a whole number of source stacks, at least 1");
    const sizes =
        values.sizes === undefined ? DEFAULT_SIZES : values.sizes.split(",").map((s) => Number(s.trim()));
    if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 20000))
        throw new UsageError("--sizes takes a comma-separated list of whole numbers from 1 to 20000");
    const runs = values.runs === undefined ? 1 : Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError("--runs takes a whole number, at least 1");
    return { sizes, runs, fleet, separate, check };
}

/** The median of `runs` runs (by plan time) of one program at one N, the two programs alternating. */
async function measure(n: number, runs: number): Promise<BenchRow> {
    const got: { workspace: BenchResult[]; floor: BenchResult[] } = { workspace: [], floor: [] };
    for (let i = 0; i < runs; i++) {
        got.workspace.push(await runWorker("workspace", n));
        got.floor.push(await runWorker("floor", n));
    }
    const pick = (xs: BenchResult[]) => xs.find((x) => x.planMs === median(xs.map((y) => y.planMs)))!;
    return { n, workspace: pick(got.workspace), floor: pick(got.floor) };
}

async function main(argv: string[]): Promise<number> {
    if (asksForHelp(argv)) {
        process.stdout.write(helpText(BENCH_HELP, BENCH_OPTIONS));
        return 0;
    }
    let cli: ReturnType<typeof parseCli>;
    try {
        cli = parseCli(argv);
    } catch (e) {
        process.stderr.write(`bench: ${(e as Error).message}\n`);
        return 2;
    }
    if (cli.check) {
        process.stdout.write(
            `${benchCheck(cli.check, cli.runs, (line) => process.stderr.write(`${line}\n`))}\n`,
        );
        return 0;
    }
    if (cli.fleet) {
        process.stdout.write(
            `${benchFleet(cli.fleet, cli.separate, (line) => process.stderr.write(`${line}\n`))}\n`,
        );
        return 0;
    }
    const rows: BenchRow[] = [];
    for (const n of cli.sizes) {
        const row = await measure(n, cli.runs);
        rows.push(row);
        process.stderr.write(
            `N=${n}: workspace ${Math.round(row.workspace.planMs)} ms, floor ` +
                `${Math.round(row.floor.planMs)} ms ` +
                `(${(row.workspace.planMs / row.floor.planMs).toFixed(2)}x)\n`,
        );
    }
    process.stdout.write(`${markdownTable(rows)}\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e) => {
            process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 1;
        },
    );
}
