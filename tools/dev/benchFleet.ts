/**
 * Benchmark of `npm run fleet -- synth`: a generated repository of N source stacks and one
 * workspace stack charting all of them (organisation mode: the explicit assume policy holds at most
 * about 137 sources), planned by one `fleet synth` process, beside the baseline measured in the
 * same run: the same stacks of a small repository planned by one `npm run synth` process per stack
 * (what a script calling synth in a loop does). Every run is a fresh child process, one at a time;
 * its wall time and peak resident memory come from GNU time (`/usr/bin/time -f "%e %M"`).
 *
 *   npm run bench -- --fleet 50,300                 # fleet synth at N = 50 and 300, baseline at N = 10
 *   npm run bench -- --fleet 300 --separate 20
 *
 * Prints a Markdown table: per N, the wall time, seconds per stack and peak memory of fleet synth,
 * and for the baseline's N the same for separate processes, with the ratio per stack.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { BENCH_ORGANIZATION_ID, BENCH_SOURCE_ROLE_NAME, REPO_ROOT, benchAccountId } from "./benchSources";

/** What a generated repository holds: the programs and their project files, the example stack files only. */
const PROGRAM_FILES =
    /^(index\.ts|config\.ts|Pulumi(\.example)?\.yaml|package(-lock)?\.json|tsconfig\.json|(shared|components|infra-account-a|infra-account-b)\/.+)$/;
const USER_STACK = /^(infra-account-a|infra-account-b)\/Pulumi\.(?!example\.)[\w.-]+\.yaml$/;

function programFiles(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (e.name === "node_modules" || e.name === ".git" || e.name === "out") return [];
        const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
        if (e.isDirectory()) return programFiles(path.join(dir, e.name), rel);
        return e.isFile() && PROGRAM_FILES.test(rel) && !USER_STACK.test(rel) ? [rel] : [];
    });
}

/** The example stack file's config map of a project folder. */
function example(folder: string): Record<string, unknown> {
    return (
        YAML.parse(fs.readFileSync(path.join(REPO_ROOT, folder, "Pulumi.example.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        }
    ).config;
}

const pad = (i: number) => String(i).padStart(4, "0");

/**
 * A throwaway repository with `n` source stacks (`src-0001`, ...) and the workspace stack `grafana` charting
 * every one.
 */
function generateFleet(n: number): { root: string; stacks: { folder: string; stack: string }[] } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "grafana-athena-fleet-bench-"));
    for (const f of programFiles(REPO_ROOT)) {
        fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(root, f));
    }
    fs.symlinkSync(
        fs.realpathSync(path.join(REPO_ROOT, "node_modules")),
        path.join(root, "node_modules"),
        "dir",
    );
    const source = example("infra-account-b");
    const stacks: { folder: string; stack: string }[] = [];
    for (let i = 1; i <= n; i++) {
        const account = benchAccountId(i);
        const config = {
            ...source,
            "aws:allowedAccountIds": [account],
            "grafana-athena-source:workgroup": { name: `grafana-${pad(i)}` },
            "grafana-athena-source:dataLocations": [`s3://data-${account}/warehouse/`],
            "grafana-athena-source:results": {
                bucket: `grafana-athena-query-results-${account}`,
                prefix: "grafana/",
            },
            "grafana-athena-source:label": `Source ${pad(i)}`,
        };
        fs.writeFileSync(
            path.join(root, "infra-account-b", `Pulumi.src-${pad(i)}.yaml`),
            YAML.stringify({ config }),
        );
        stacks.push({ folder: "infra-account-b", stack: `src-${pad(i)}` });
    }
    const workspace = { ...example("infra-account-a") };
    delete workspace["grafana-athena-workspace:sources"];
    workspace["grafana-athena-workspace:sourceRoleName"] = BENCH_SOURCE_ROLE_NAME;
    workspace["grafana-athena-workspace:organizationId"] = BENCH_ORGANIZATION_ID;
    fs.writeFileSync(
        path.join(root, "infra-account-a", "Pulumi.grafana.yaml"),
        YAML.stringify({ config: workspace }),
    );
    stacks.push({ folder: "infra-account-a", stack: "grafana" });
    return { root, stacks };
}

interface Measured {
    wallS: number;
    peakMiB: number;
}

/** Runs one command under GNU time; its wall seconds and peak resident memory. Throws when it fails. */
function timed(args: string[], cwd: string): Measured {
    const report = path.join(os.tmpdir(), `grafana-athena-bench-time-${process.pid}`);
    try {
        execFileSync(
            "/usr/bin/time",
            [
                "-o",
                report,
                "-f",
                "%e %M",
                process.execPath,
                "-r",
                path.join(__dirname, "..", "register.js"),
                ...args,
            ],
            { cwd, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * 1024 * 1024 },
        );
        const [wall, kib] = fs.readFileSync(report, "utf8").trim().split(/\s+/).slice(-2).map(Number);
        return { wallS: wall, peakMiB: kib / 1024 };
    } finally {
        fs.rmSync(report, { force: true });
    }
}

/** One `fleet synth` process over the repository at `root`. */
function fleetSynthRun(root: string): Measured {
    return timed(
        [
            path.join(__dirname, "..", "ci", "fleet", "cli.ts"),
            "synth",
            "--out",
            path.join(root, "plans"),
            "--root",
            root,
            "--examples",
            "exclude",
        ],
        root,
    );
}

/** One `npm run synth` process per stack, the workspace last (with --ref-dir of the source plans). */
function separateSynthRuns(root: string, stacks: readonly { folder: string; stack: string }[]): Measured {
    const refDir = path.join(root, "refs");
    fs.mkdirSync(refDir, { recursive: true });
    let wallS = 0;
    let peakMiB = 0;
    for (const s of stacks) {
        const out =
            s.folder === "infra-account-b"
                ? path.join(refDir, `${s.stack}.json`)
                : path.join(root, "plans-separate", `${s.stack}.json`);
        const args = [
            path.join(__dirname, "..", "plan", "synth.ts"),
            s.folder,
            "--stack",
            s.stack,
            "--out",
            out,
            ...(s.folder === "infra-account-a" ? ["--ref-dir", refDir] : []),
        ];
        const m = timed(args, root);
        wallS += m.wallS;
        peakMiB = Math.max(peakMiB, m.peakMiB);
    }
    return { wallS, peakMiB };
}

interface FleetRow {
    stacks: number;
    mode: "fleet synth (one process)" | "npm run synth per stack";
    measured: Measured;
}

function fleetTable(rows: readonly FleetRow[]): string {
    const lines = [
        "| stacks | how | wall (s) | s per stack | peak memory (MiB) |",
        "| ---: | --- | ---: | ---: | ---: |",
    ];
    for (const r of rows)
        lines.push(
            `| ${r.stacks} | ${r.mode} | ${r.measured.wallS.toFixed(1)} | ` +
                `${(r.measured.wallS / r.stacks).toFixed(3)} | ${Math.round(r.measured.peakMiB)} |`,
        );
    return lines.join("\n");
}

/** Runs the fleet benchmark at `sizes` (sources per repository) with the baseline at `separate` sources. */
export function benchFleet(sizes: readonly number[], separate: number, log: (line: string) => void): string {
    const rows: FleetRow[] = [];
    const withRepo = <T>(
        n: number,
        body: (root: string, stacks: { folder: string; stack: string }[]) => T,
    ): T => {
        const { root, stacks } = generateFleet(n);
        try {
            return body(root, stacks);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    };
    withRepo(separate, (root, stacks) => {
        const one = fleetSynthRun(root);
        rows.push({ stacks: stacks.length, mode: "fleet synth (one process)", measured: one });
        log(`${stacks.length} stacks: fleet synth ${one.wallS.toFixed(1)} s`);
        const many = separateSynthRuns(root, stacks);
        rows.push({ stacks: stacks.length, mode: "npm run synth per stack", measured: many });
        log(
            `${stacks.length} stacks: one synth process each ` +
                `${many.wallS.toFixed(1)} s (${(many.wallS / one.wallS).toFixed(1)}x)`,
        );
    });
    for (const n of sizes) {
        withRepo(n, (root, stacks) => {
            const m = fleetSynthRun(root);
            rows.push({ stacks: stacks.length, mode: "fleet synth (one process)", measured: m });
            log(
                `${stacks.length} stacks: fleet synth ${m.wallS.toFixed(1)} ` +
                    `s, peak ${Math.round(m.peakMiB)} MiB`,
            );
        });
    }
    return fleetTable(rows);
}

/** One fleet command (`check`, `list`) over the repository at `root`, in a process of its own. */
function fleetCommandRun(command: "check" | "list", root: string): Measured {
    return timed([path.join(__dirname, "..", "ci", "fleet", "cli.ts"), command, "--root", root], root);
}

const medianOf = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `fleet check` of a generated repository of N source stacks, beside its baseline in the same run:
 * `fleet list` of the same repository (the same start-up and the same stack files found, no rule
 * applied). The two alternate, `runs` times each; the medians are shown, and what the rules cost per
 * hundred stacks (check's time less list's).
 */
export function benchCheck(sizes: readonly number[], runs: number, log: (line: string) => void): string {
    const lines = [
        "| stacks | fleet check (s) | fleet list, the baseline (s) | ratio | the " +
            "rules, per 100 stacks (s) | peak memory of check (MiB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const n of sizes) {
        const { root, stacks } = generateFleet(n);
        try {
            const check: Measured[] = [];
            const list: Measured[] = [];
            for (let i = 0; i < runs; i++) {
                check.push(fleetCommandRun("check", root));
                list.push(fleetCommandRun("list", root));
            }
            const c = medianOf(check.map((m) => m.wallS));
            const l = medianOf(list.map((m) => m.wallS));
            const perHundred = ((c - l) / stacks.length) * 100;
            log(`${stacks.length} stacks: fleet check ${c.toFixed(2)} s, fleet list ${l.toFixed(2)} s`);
            lines.push(
                `| ${stacks.length} | ${c.toFixed(2)} | ${l.toFixed(2)} | ${(c / l).toFixed(2)}x | ` +
                    `${perHundred.toFixed(3)} | ${Math.round(Math.max(...check.map((m) => m.peakMiB)))} |`,
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    }
    return lines.join("\n");
}
