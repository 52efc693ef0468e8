/**
 * The Pulumi CLI the engine tests run, and how they run it. Which CLI: `PULUMI_CLI_BIN` (a folder
 * holding `pulumi` and the language hosts, for a user's own installation), else the folder
 * `tools/dev/pulumi-cli.sh` prints (the user's installation when it matches the SDK, or the one it
 * builds from the Go modules), else `pulumi` on PATH. Every command runs as a child process with a
 * deadline, without blocking this process: the fake Grafana the programs call lives here.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "../../support/repo";

export interface Run {
    command: string;
    status: number | null;
    stdout: string;
    stderr: string;
}

/** The folder holding `pulumi` and its language hosts. */
export function cliBin(): string {
    const given = process.env.PULUMI_CLI_BIN;
    if (given) return given;
    const script = path.join(REPO, "tools", "dev", "pulumi-cli.sh");
    if (fs.existsSync(script)) {
        const found = spawnSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
        const folder = found.stdout.trim().split("\n").pop() ?? "";
        if (found.status !== 0 || !fs.existsSync(path.join(folder, "pulumi"))) {
            throw new Error(
                `tools/dev/pulumi-cli.sh found no Pulumi CLI (exit ` +
                    `${found.status}); set PULUMI_CLI_BIN to the folder of yours`,
            );
        }
        return folder;
    }
    const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
    if (which.status === 0) return path.dirname(which.stdout.trim());
    throw new Error("no Pulumi CLI: set PULUMI_CLI_BIN to the folder holding pulumi and its language hosts");
}

/** Runs `pulumi args...` in `cwd` with `env`; resolves when it ends, or kills it at the deadline. */
export function pulumi(
    bin: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    deadlineMs = 600_000,
): Promise<Run> {
    const command = `pulumi ${args.join(" ")}`;
    return new Promise((resolve) => {
        const child = spawn(path.join(bin, "pulumi"), args, {
            cwd,
            env,
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        const timer = setTimeout(() => {
            stderr += `\n[killed after ${deadlineMs} ms]`;
            // The CLI's own group: its language host and plugins end with it.
            if (child.pid) process.kill(-child.pid, "SIGKILL");
        }, deadlineMs);
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ command, status, stdout, stderr });
        });
    });
}

/** The run's output as one text, for messages and for searching secrets in. */
export const transcript = (r: Run) => `$ ${r.command} (exit ${r.status})\n${r.stdout}\n${r.stderr}`;

/** Fails with the command's whole output unless it exited 0. */
export function succeeded(r: Run): Run {
    if (r.status !== 0) throw new Error(`expected exit 0:\n${transcript(r).slice(-8000)}`);
    return r;
}
