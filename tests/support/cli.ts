/**
 * The tools' command lines, two ways. In process: the tool's exported `main(argv, out, err)`,
 * what the entry point calls, with its two streams captured; most tests use this (a process costs
 * a second of start-up). As a process: `node -r tools/register.js tools/<script> ARGS`, for the
 * one test per tool that proves the entry point itself (its exit code, which stream gets what, no
 * stack trace).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO } from "./repo";

export interface CommandRun {
    code: number;
    stdout: string;
    stderr: string;
}

type Main = (argv: string[], out: (t: string) => void, err: (t: string) => void) => number | Promise<number>;

/** A tool's `main` in this process. */
export async function runMain(main: Main, argv: string[]): Promise<CommandRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(
        argv,
        (t) => (stdout += t),
        (t) => (stderr += t),
    );
    return { code, stdout, stderr };
}

/** A tool as a process started in `cwd` (default: this checkout); its exit code (-1: killed) and output. */
export function runProcess(script: string, args: string[], cwd = REPO): Promise<CommandRun> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", path.join(REPO, "tools", "register.js"), path.join(REPO, "tools", script), ...args],
            { cwd, maxBuffer: 64 * 1024 * 1024 },
            (e, stdout, stderr) => {
                const code = e
                    ? typeof (e as { code?: unknown }).code === "number"
                        ? (e as { code: number }).code
                        : -1
                    : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}
