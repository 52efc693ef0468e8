/**
 * The command lines: every CLI answers --help from the same option table its parser uses (usage,
 * every option with its default, exit codes); everyday mistakes are one line naming the option,
 * with the documented exit code.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { BENCH_HELP, BENCH_OPTIONS, parseCli as benchParseCli } from "../../../tools/dev/bench";
import { main as policyMain } from "../../../tools/ci/policy";
import { STATE_GUARD_HELP, STATE_GUARD_OPTIONS } from "../../../tools/ci/stateGuard/cli";
import { OptionTable, UsageError, helpText, parseOptions } from "../../../tools/cli/options";
import { FLEET_COMMANDS, fleet } from "../../../tools/ci/fleet/cli";
import { COMMON_OPTIONS } from "../../../tools/ci/fleet/command";
import { PLAN_DIFF_OPTIONS, main as planDiffMain } from "../../../tools/ci/planDiff/cli";
import { SYNTH_OPTIONS, main as synthMain, parseArgs as synthParseArgs } from "../../../tools/plan/synth";
import { CONFIG_DOCS_OPTIONS, main as configDocsMain } from "../../../tools/dev/configDocs";
import { SCHEMA_OPTIONS, main as schemaMain } from "../../../tools/dev/schema";
import { runMain, runProcess } from "../../support/cli";
import { REPO } from "../../support/program";

async function runFleet(argv: string[], env: NodeJS.ProcessEnv = {}) {
    let out = "";
    let err = "";
    const code = await fleet(argv, { out: (t) => (out += t), err: (t) => (err += t), env });
    return { code, out, err };
}

/** Every option of `table` appears in `help` with its placeholder, and its default when it has one. */
function assertDocuments(help: string, table: OptionTable) {
    for (const [name, o] of Object.entries(table)) {
        const flag = o.type === "boolean" ? `--${name}` : `--${name} ${o.value ?? "VALUE"}`;
        const line = help.split("\n").find((l) => l.startsWith(`  ${flag} `) || l === `  ${flag}`);
        assert.ok(line, `${flag} is listed:\n${help}`);
        if (o.default !== undefined)
            assert.ok(line.includes(`default: ${o.default}`), `${flag} shows its default: ${line}`);
        assert.ok(help.split("\n")[0].includes(flag), `the usage line shows ${flag}`);
    }
    assert.match(help, /^exit codes:\n(  \d  .+\n)+$/m);
    assert.match(help, /^  2  a bad command line/m);
}

describe("command lines: --help", () => {
    it("is made from the option table: every option, its placeholder and its default; required ones unbracketed", () => {
        const table: OptionTable = {
            max: { type: "string", value: "N", required: true, help: "the most" },
            note: { type: "string", value: "TEXT", multiple: true, help: "a note" },
            json: { type: "boolean", help: "JSON" },
            out: { type: "string", value: "FILE", default: "stdout", help: "where" },
        };
        const help = helpText(
            {
                usage: "tool",
                summary: "Does it.",
                exitCodes: [
                    [0, "done"],
                    [2, "a bad command line"],
                ],
            },
            table,
        );
        assert.equal(
            help.split("\n")[0],
            "usage: tool --max N [--note TEXT]... [--json] [--out FILE] [--help]",
        );
        assertDocuments(help, table);
        assert.match(help, /--max N +the most \(required\)/);
        assert.match(help, /--note TEXT +a note \(may be repeated\)/);
    });

    it("synth, plan-diff and bench print it on stdout and exit 0; a bad option is one line", async function () {
        // bench as a process (its entry point's one test), on a machine shared with other test runs: a
        // generous limit, not a timing.
        this.timeout(90_000);
        const [synthHelp, diffHelp, benchHelp] = await Promise.all([
            runMain(synthMain, ["--help"]),
            runMain(planDiffMain, ["--help"]),
            runProcess("dev/bench.ts", ["-h"]),
        ]);
        for (const [r, table, usage] of [
            [synthHelp, SYNTH_OPTIONS, "usage: npm run synth -- <project-dir> "],
            [diffHelp, PLAN_DIFF_OPTIONS, "usage: npm run plan-diff -- <base-dir> <head-dir> "],
            [benchHelp, BENCH_OPTIONS, "usage: npm run bench -- "],
        ] as const) {
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stderr, "");
            assert.ok(r.stdout.startsWith(usage), r.stdout);
            assertDocuments(r.stdout, table);
        }
        assert.match(synthHelp.stdout, /--stack NAME .*\(default: example\)/);
        // The same parsers in process (main prints the message after "<tool>: " and exits 2).
        assert.throws(
            () => benchParseCli(["--sizes"]),
            (e: Error) =>
                e instanceof UsageError && e.message === "Option '--sizes <value>' argument missing",
        );
        assert.throws(
            () => synthParseArgs(["infra-account-b", "--bogus"]),
            (e: Error) => e instanceof UsageError && e.message === "Unknown option '--bogus'",
        );
    });

    it("config-docs and schema answer it from their option tables, with examples; a bad option is one line", async () => {
        const [docs, schema] = await Promise.all([
            runMain(configDocsMain, ["--help"]),
            runMain(schemaMain, ["-h"]),
        ]);
        for (const [r, table, usage] of [
            [docs, CONFIG_DOCS_OPTIONS, "usage: npm run config-docs -- "],
            [schema, SCHEMA_OPTIONS, "usage: npm run schema -- "],
        ] as const) {
            assert.equal(r.code, 0, r.stderr);
            assert.equal(r.stderr, "");
            assert.ok(r.stdout.startsWith(usage), r.stdout);
            assertDocuments(r.stdout, table);
            const examples = /\nexamples:\n((?: {2}.*\n)+)/.exec(r.stdout)?.[1] ?? "";
            const lines = examples.split("\n").filter((l) => /^ {2}\S/.test(l));
            assert.ok(lines.length >= 2 && lines.every((l) => l.trim().startsWith("npm run ")), r.stdout);
        }
        assert.match(schema.stdout, /--out FILE +write the schema to FILE \(default: stdout\)/);
        const bad = await runMain(schemaMain, ["stray"]);
        assert.deepEqual(
            [bad.code, bad.stdout, bad.stderr],
            [2, "", 'schema: takes no arguments, got "stray"\n'],
        );
        const missing = await runMain(configDocsMain, ["--root"]);
        assert.deepEqual(
            [missing.code, missing.stderr],
            [2, "config-docs: Option '--root <value>' argument missing\n"],
        );
    });

    it("fleet: --help lists every command; <command> --help shows its options and the common ones", async () => {
        const top = await runFleet(["--help"]);
        assert.equal(top.code, 0);
        for (const [name, spec] of Object.entries(FLEET_COMMANDS))
            assert.match(top.out, new RegExp(`^  ${name} +${spec.summary.replace(/[()]/g, ".")}$`, "m"));
        for (const [name, spec] of Object.entries(FLEET_COMMANDS)) {
            const r = await runFleet([name, "--help"]);
            assert.equal(r.code, 0, r.err);
            assert.ok(r.out.startsWith(`usage: npm run fleet -- ${name} `), r.out);
            assertDocuments(r.out, { ...spec.options, ...COMMON_OPTIONS });
        }
        const shards = await runFleet(["shards", "--help"]);
        assert.match(shards.out.split("\n")[0], / --max N \[--base REF\]/);
    });

    it("fleet: an unknown or missing command lists the commands on stderr and exits 2", async () => {
        for (const argv of [["bogus"], []]) {
            const r = await runFleet(argv);
            assert.equal(r.code, 2);
            assert.equal(r.out, "");
            for (const name of Object.keys(FLEET_COMMANDS))
                assert.match(r.err, new RegExp(`^  ${name} `, "m"));
        }
        assert.match((await runFleet(["bogus"])).err, /^fleet: unknown command "bogus"\n/);
    });
});

describe("command lines: mistakes, one line each @stack-files", () => {
    it("parseOptions refuses unknown options, missing values, a missing required option and control characters", () => {
        const table = {
            org: { type: "string", value: "ORG", help: "o" },
            max: { type: "string", value: "N", required: true, help: "m" },
            note: { type: "string", freeText: true, help: "n" },
        } as const satisfies OptionTable;
        assert.throws(
            () => parseOptions(["--max", "1", "--nope"], table),
            (e: Error) => e instanceof UsageError && e.message === "Unknown option '--nope'",
        );
        assert.throws(() => parseOptions([], table), /^Error: --max N is required$/);
        for (const bad of ["a\nb", "a\rb", "a\u2028b", "a\u0085b", "a\u001b[31mb", "a\u0000"]) {
            assert.throws(
                () => parseOptions(["--max", "1", "--org", bad], table),
                /^Error: --org holds a control character \(U\+[0-9A-F]{4}\): refused$/,
                JSON.stringify(bad),
            );
        }
        assert.equal(
            parseOptions(["--max", "1", "--note", "two\nlines"], table).values.note,
            "two\nlines",
            "free text may hold line breaks",
        );
        assert.equal(
            parseOptions(["--help", "--nope"], table).help,
            true,
            "--help answers whatever else is there",
        );
    });

    it("fleet: --base starting with -, an unknown --base, a control character in --org or PULUMI_ORG, a missing --root: exit 2, one line", async () => {
        const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
            [
                ["affected", "--base=--octopus", "--root", REPO],
                {},
                /^fleet: --base "--octopus" is not a commit, branch or tag \(a ref cannot start with "-"\)\n$/,
            ],
            [
                ["shards", "--max", "2", "--base=-p", "--root", REPO],
                {},
                /^fleet: --base "-p" is not a commit/,
            ],
            [
                ["affected", "--base", "no-such-ref-anywhere", "--root", REPO],
                {},
                /^fleet: --base "no-such-ref-anywhere" is not a commit, branch or tag of the repository at .+\n$/,
            ],
            [
                ["list", "--org", "acme\nfleet: 0 source stacks: consistent", "--root", REPO],
                {},
                /^fleet: --org holds a control character \(U\+000A\): refused\n$/,
            ],
            [
                ["list", "--root", REPO],
                { PULUMI_ORG: "acme\r" },
                /^fleet: PULUMI_ORG takes an organisation name .*, got "acme\\r"\n$/,
            ],
            [["list", "--org", "a/b", "--root", REPO], {}, /^fleet: --org takes an organisation name/],
            [["check", "--root", "/nonexistent"], {}, /^fleet: --root \/nonexistent does not exist\n$/],
            [
                ["check", "--root", path.join(REPO, "package.json")],
                {},
                /^fleet: --root .*package\.json is not a folder\n$/,
            ],
            [["affected", "--root", REPO], {}, /^fleet: --base REF is required\n$/],
            [["list", "--max", "3", "--root", REPO], {}, /^fleet: Unknown option '--max'/],
        ];
        for (const [argv, env, expected] of cases) {
            const r = await runFleet(argv, env);
            assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
            assert.equal(r.out, "");
            assert.match(r.err, expected);
        }
    });

    it("synth: a --config that does not exist says so, without suggesting --config", async function () {
        const r = await runMain(synthMain, ["infra-account-b", "--config", "no-such-stack.yaml"]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "synth: --config no-such-stack.yaml does not exist\n");
        assert.equal(r.stdout, "");
    });
});

describe("every command's --help shows it at work", () => {
    it("synth, plan-diff, bench, policy, state-guard and each fleet command print examples, each an npm run command line", async () => {
        const helps: [string, string][] = [
            ["synth", (await runMain(synthMain, ["--help"])).stdout],
            ["plan-diff", (await runMain(planDiffMain, ["--help"])).stdout],
            ["policy", (await runMain(policyMain, ["--help"])).stdout],
            ["state-guard", helpText(STATE_GUARD_HELP, STATE_GUARD_OPTIONS)],
            ["bench", helpText(BENCH_HELP, BENCH_OPTIONS)],
        ];
        for (const name of Object.keys(FLEET_COMMANDS)) {
            let out = "";
            await fleet([name, "--help"], { out: (t) => (out += t), err: () => undefined });
            helps.push([`fleet ${name}`, out]);
        }
        for (const [name, text] of helps) {
            const examples = /\nexamples:\n((?: {2}.*\n)+)/.exec(text)?.[1];
            assert.ok(examples, `${name} --help shows no example`);
            const lines = examples.split("\n").filter((l) => /^ {2}\S/.test(l));
            assert.ok(
                lines.length >= 1 && lines.every((l) => l.trim().startsWith("npm run ")),
                `${name}: ${lines.join(" / ")}`,
            );
        }
    });
});
