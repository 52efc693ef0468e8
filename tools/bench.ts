/**
 * Plan-time benchmark of the workspace stack (infra-account-a with its example config) fed by N
 * generated source stacks. Each (N, mode) runs in a fresh child process (tools/benchWorker.ts), so
 * no run warms another's caches; the runs are sequential, so they do not share the CPU.
 *
 *   npm run bench                                   # N = 1, 10, 50, 200, 500, explicit mode
 *   npm run bench -- --sizes 1,10 --mode organization
 *
 * Prints a Markdown table. In explicit mode, an N whose assume policy would exceed the inline
 * quota is refused by the program ("refused (K fit)"), and the same N is planned in organisation
 * mode too, so every N has a plan time.
 */
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as path from "path";
import { DEFAULT_ROLE_NAME } from "../shared/config/source";
import type { PlanResource, RunRequest, StackRefOutputs } from "./mock/runtime";
import { readProject, readStackConfig } from "./stackConfig";

export type AssumeMode = "explicit" | "organization";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const WORKSPACE_DIR = path.join(REPO_ROOT, "infra-account-a");
export const DEFAULT_SIZES = [1, 10, 50, 200, 500];
/** The source project's default role name: every generated source uses it. */
export const BENCH_SOURCE_ROLE_NAME = DEFAULT_ROLE_NAME;
export const BENCH_ORGANIZATION_ID = "o-benchorg0001";

const pad = (i: number) => String(i).padStart(4, "0");

/** The fully qualified name of generated source `i` (1-based): `organization/grafana-athena-source/src-0001`. */
export function benchSourceStack(i: number): string {
    return `organization/grafana-athena-source/src-${pad(i)}`;
}

/** A distinct 12-digit account ID per generated source. */
export function benchAccountId(i: number): string {
    return String(200_000_000_000 + i * 7919);
}

/** The contract outputs of generated source `i`, as a stack reference resolves them. */
export function benchSourceRef(i: number, region = "eu-west-1"): StackRefOutputs {
    const account = benchAccountId(i);
    // 48 characters, different per source.
    const externalId = createHash("sha256").update(`bench-external-id-${i}`).digest("hex").slice(0, 48);
    return {
        outputs: {
            contractVersion: 1,
            accountId: account,
            region,
            roleArn: `arn:aws:iam::${account}:role/${BENCH_SOURCE_ROLE_NAME}`,
            externalId,
            catalog: "AwsDataCatalog",
            database: `sales_${pad(i)}`,
            workgroup: `grafana-${pad(i)}`,
            outputLocation: `s3://grafana-athena-query-results-${account}/grafana/`,
            label: `Source ${pad(i)}`,
        },
        secretOutputs: ["externalId"],
    };
}

/** Stack references of N generated sources, by stack name. */
export function benchSourceRefs(n: number): Record<string, StackRefOutputs> {
    return Object.fromEntries(Array.from({ length: n }, (_, k) => [benchSourceStack(k + 1), benchSourceRef(k + 1)]));
}

/** The workspace stack's example config with N generated sources, in the given assume mode. */
export function benchRequest(n: number, mode: AssumeMode): RunRequest {
    const project = readProject(WORKSPACE_DIR);
    const { config, secretKeys } = readStackConfig(project, path.join(WORKSPACE_DIR, "Pulumi.example.yaml"));
    const ns = project.name;
    config[`${ns}:sources`] = JSON.stringify(Array.from({ length: n }, (_, k) => ({ stack: benchSourceStack(k + 1) })));
    delete config[`${ns}:sourceRoleName`];
    delete config[`${ns}:organizationId`];
    if (mode === "organization") {
        config[`${ns}:sourceRoleName`] = BENCH_SOURCE_ROLE_NAME;
        config[`${ns}:organizationId`] = BENCH_ORGANIZATION_ID;
    }
    return { projectDir: WORKSPACE_DIR, project: project.name, stack: "bench", config, secretKeys, stackRefs: benchSourceRefs(n) };
}

/**
 * The length, in resources, of the longest chain of dependent resources: the longest path in the
 * graph whose edges are `dependsOn` (dependency -> dependent) and parent -> child. Only the given
 * resources are nodes; edges to names outside the list (reads, stack references) are ignored.
 * 0 for no resources. Throws on a cycle (a plan never has one).
 */
export function longestChain(resources: readonly (Pick<PlanResource, "name" | "parent"> & { options: Pick<PlanResource["options"], "dependsOn"> })[]): number {
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
        throw new Error(`the dependency graph has a cycle among: ${[...names].filter((n) => indegree.get(n)! > 0).join(", ")}`);
    }
    return best;
}

/** What a worker reports for one (N, mode). */
export interface BenchResult {
    n: number;
    mode: AssumeMode;
    /** Wall time of the program run (`runProgram`), after the node_modules the program loads are loaded. */
    planMs: number;
    /** Wall time of the whole child process, from spawn to exit (measured by the parent). */
    processMs?: number;
    /** The program refused the config: its error, first line. */
    refused?: string;
    resources?: number;
    /** The workspace role's assume policy: IAM size and the inline quota. */
    assumeSize?: number;
    assumeQuota?: number;
    /** Explicit mode: how many source roles of this ARN length fit the quota. */
    explicitCapacity?: number;
    chain?: number;
}

function parseCli(argv: string[]): { sizes: number[]; mode: AssumeMode } {
    let sizes = DEFAULT_SIZES;
    let mode: AssumeMode = "explicit";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--sizes") {
            sizes = value()
                .split(",")
                .map((s) => Number(s.trim()));
            if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 9999)) throw new Error("--sizes takes a comma-separated list of integers from 1 to 9999");
        } else if (a === "--mode") {
            const m = value();
            if (m !== "explicit" && m !== "organization") throw new Error(`--mode is explicit or organization, got "${m}"`);
            mode = m;
        } else {
            throw new Error(`unknown argument "${a}" (use --sizes 1,10,... and --mode explicit|organization)`);
        }
    }
    return { sizes, mode };
}

/** Runs one (N, mode) in a fresh `node -r ts-node/register/transpile-only` process. */
export function runWorker(n: number, mode: AssumeMode): Promise<BenchResult> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "benchWorker.ts"), String(n), mode], {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("close", (code) => {
            const processMs = Number(process.hrtime.bigint() - started) / 1e6;
            const line = out.trim().split("\n").pop() ?? "";
            // A refused run may exit 1 with a result: Pulumi fails a process that leaves promises
            // pending, and the resources waiting on the refused policy are exactly that.
            if (!line.startsWith("{") || (code !== 0 && !(JSON.parse(line) as BenchResult).refused)) {
                reject(new Error(`bench worker (N=${n}, ${mode}) exited with ${code}:\n${err}${out}`));
                return;
            }
            resolve({ ...(JSON.parse(line) as BenchResult), processMs });
        });
    });
}

const num = (v: number) => v.toLocaleString("en-US");
const ms = (v: number | undefined) => (v === undefined ? "" : num(Math.round(v)));

export function markdownTable(rows: readonly BenchResult[]): string {
    const lines = [
        "| N | mode | plan, program run (ms) | plan, whole process (ms) | resources planned | assume policy size / quota | longest dependency chain |",
        "| ---: | --- | ---: | ---: | ---: | --- | ---: |",
    ];
    for (const r of rows) {
        const size = r.refused
            ? `refused (${num(r.explicitCapacity ?? 0)} fit)`
            : r.assumeSize !== undefined
              ? `${num(r.assumeSize)} / ${num(r.assumeQuota ?? 0)}`
              : "";
        lines.push(
            `| ${num(r.n)} | ${r.mode} | ${ms(r.planMs)} | ${ms(r.processMs)} | ${r.refused ? "-" : num(r.resources ?? 0)} | ${size} | ${r.refused ? "-" : (r.chain ?? "")} |`,
        );
    }
    return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
    let cli: { sizes: number[]; mode: AssumeMode };
    try {
        cli = parseCli(argv);
    } catch (e) {
        process.stderr.write(`bench: ${(e as Error).message}\n`);
        return 2;
    }
    const rows: BenchResult[] = [];
    for (const n of cli.sizes) {
        const result = await runWorker(n, cli.mode);
        rows.push(result);
        process.stderr.write(`N=${n} ${cli.mode}: ${result.refused ? `refused: ${result.refused}` : `${Math.round(result.planMs)} ms`}\n`);
        if (result.refused && cli.mode === "explicit") {
            const org = await runWorker(n, "organization");
            rows.push(org);
            process.stderr.write(`N=${n} organization: ${org.refused ? `refused: ${org.refused}` : `${Math.round(org.planMs)} ms`}\n`);
        }
    }
    process.stdout.write(`${markdownTable(rows)}\n`);
    return rows.some((r) => r.refused && r.mode === "organization") ? 1 : 0;
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
