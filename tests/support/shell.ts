/**
 * A shell script run as a user pastes it (`bash -eo pipefail`, in a folder), where each
 * `npm run <script> [--] ARGS` calls, in this process, the `main(argv, out, err)` of the tool that
 * package.json's script starts (`node -r ./tools/register.js tools/<file>.ts`): what the tool's entry point
 * calls, with the script's folder as the current folder. Everything else the script runs is the
 * real command. A tool started as a process costs more than a second of CPU before it does
 * anything (ts-node, the Pulumi SDK), most of what a README block costs; that npm starts a
 * script's tool is proven as a process once (readme.test.ts), and each tool's entry point by its
 * own process test.
 *
 * bash reaches this process through its own `/dev/tcp` (no helper process): the `npm` function
 * sends the folder, the script and its arguments, NUL-separated, to a server on 127.0.0.1, and
 * gets back the exit code and where the tool's two streams were written. Any other `npm` command
 * is the real npm.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { REPO } from "./repo";

interface ShellRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

type Main = (argv: string[], out: (t: string) => void, err: (t: string) => void) => number | Promise<number>;

/** The only form of npm script this runs in process. */
const TOOL_SCRIPT = /^node -r \.\/tools\/register\.js (tools\/[\w./-]+\.ts)$/;

/** The tool file (relative to the package) that `npm run <name>` starts, from package.json's scripts. */
export function scriptTool(packageDir: string, name: string): string {
    const scripts =
        (
            JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
                scripts?: Record<string, string>;
            }
        ).scripts ?? {};
    const command = Object.prototype.hasOwnProperty.call(scripts, name) ? scripts[name] : undefined;
    if (command === undefined) throw new Error(`npm run ${name}: package.json has no such script`);
    const m = TOOL_SCRIPT.exec(command);
    if (!m)
        throw new Error(`npm run ${name}: "${command}" is not "node -r ./tools/register.js tools/<file>.ts"`);
    if (!fs.existsSync(path.join(packageDir, m[1])))
        throw new Error(`npm run ${name}: ${m[1]} does not exist`);
    return m[1];
}

/** bash's `npm`: `npm run NAME [--] ARGS` goes to the server on `port`, anything else to the real npm. */
function npmFunction(port: number): string {
    return `npm() {
    if [ "\${1-}" != run ] || [ $# -lt 2 ]; then command npm "$@"; return; fi
    local name=$2 fd code base
    shift 2
    if [ "\${1-}" = -- ]; then shift; fi
    exec {fd}<>/dev/tcp/127.0.0.1/${port}
    printf '%s\\0' "$#" "$PWD" "$name" "$@" >&"$fd"
    IFS=' ' read -r code base <&"$fd"
    exec {fd}>&-
    cat "$base.out"
    cat "$base.err" >&2
    return "$code"
}
`;
}

/**
 * Runs `script` in `cwd` with this process's environment less `unset`; the tools called in
 * process see the same environment and current folder while they run.
 */
export async function runShell(
    script: string,
    options: { cwd: string; unset?: string[] },
): Promise<ShellRun> {
    const streams = fs.mkdtempSync(path.join(os.tmpdir(), "shell-npm-"));
    let calls = 0;
    let queue: Promise<unknown> = Promise.resolve();
    const server = net.createServer((socket) => {
        let data = Buffer.alloc(0);
        socket.on("data", (chunk) => {
            data = Buffer.concat([data, chunk]);
            const fields = data.toString("utf8").split("\0");
            const count = Number(fields[0]);
            if (fields.length - 1 < count + 3) return;
            const [, pwd, name, ...argv] = fields.slice(0, count + 3);
            const base = path.join(streams, String(++calls));
            queue = queue.then(async () => {
                const code = await callTool(pwd, name, argv, base, options.unset ?? []);
                socket.end(`${code} ${base}\n`);
            });
        });
        socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const env = { ...process.env };
    for (const k of options.unset ?? []) delete env[k];
    try {
        return await new Promise<ShellRun>((resolve, reject) => {
            const child = spawn("bash", ["-eo", "pipefail", "-c", `${npmFunction(port)}${script}`], {
                cwd: options.cwd,
                env,
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
            child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
            child.on("error", reject);
            child.on("close", (status) => resolve({ status, stdout, stderr }));
        });
    } finally {
        server.close();
        await queue;
        fs.rmSync(streams, { recursive: true, force: true });
    }
}

/**
 * One `npm run NAME ARGS` in `pwd`: the tool's main, its streams written to BASE.out and BASE.err; its exit
 * code.
 */
async function callTool(
    pwd: string,
    name: string,
    argv: string[],
    base: string,
    unset: string[],
): Promise<number> {
    let out = "";
    let err = "";
    const saved = Object.fromEntries(unset.map((k) => [k, process.env[k]]));
    const cwd = process.cwd();
    let code: number;
    try {
        // npm runs a script in the folder of the package.json it finds from the current folder up.
        let dir = pwd;
        while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir)
            dir = path.dirname(dir);
        const tool = scriptTool(dir, name);
        // This checkout's module (the folder is a copy of it): one instance of the mock runtime per process.
        const { main } = require(path.join(REPO, tool)) as { main?: Main };
        if (typeof main !== "function") throw new Error(`${tool} exports no main(argv, out, err)`);
        for (const k of unset) delete process.env[k];
        process.chdir(dir);
        code = await main(
            argv,
            (t) => (out += t),
            (t) => (err += t),
        );
    } catch (e) {
        err += `${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
        code = 1;
    } finally {
        process.chdir(cwd);
        for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
    fs.writeFileSync(`${base}.out`, out);
    fs.writeFileSync(`${base}.err`, err);
    return code;
}
