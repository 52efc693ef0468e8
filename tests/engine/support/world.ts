/**
 * One world the engine tests run the real CLI in, all of it in a temporary folder: a file backend
 * and the passphrase secrets provider, a PULUMI_HOME holding only the stand-in provider plugins
 * (automatic plugin acquisition off: nothing is downloaded), the fake cloud's state, a copy of
 * the programs (so a user's own stack files change nothing), and the fake Grafana over HTTPS on
 * 127.0.0.1 with a certificate made for this run and trusted through NODE_EXTRA_CA_CERTS.
 *
 * The programs run through the Automation API as inline programs (`stack()`): the CLI drives the
 * engine and starts the providers and plugins, and the program runs in this process, served to
 * the CLI by the SDK's language runtime (`pulumi up --client`). That needs no Node.js language
 * host, which the Go module proxy does not serve (tools/dev/pulumi-cli.sh); the CLI reads the
 * project's Pulumi.yaml from its folder as for any program (config declarations, options).
 * Commands that need a language host of their own (a policy pack, `pulumi package add`) run the
 * CLI as a process (`run()`).
 *
 * Opt-in, `GRAFANA_ATHENA_ENGINE_SANDBOX=1` runs the same steps against a real sandbox account
 * pair instead (docs/deploying.md): the real provider plugins of the user's PULUMI_HOME, the AWS
 * profiles named by GRAFANA_ATHENA_SANDBOX_SOURCE_PROFILE and ..._WORKSPACE_PROFILE, the stack
 * files named by GRAFANA_ATHENA_SANDBOX_SOURCE_STACK_FILE and ..._WORKSPACE_STACK_FILE; the file
 * backend and the passphrase stay temporary. `.ci/run` never sets it.
 */
import { execFileSync } from "node:child_process";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installStandIns } from "../../../tools/standin/install";
import { ACCOUNT_ENV } from "../../../tools/standin/cloud";
import { Holdings, WORLD_ENV, Seed, readHoldings, writeJson } from "../../../tools/standin/store";
import { FakeGrafana, FakeGrafanaVersion } from "../../support/fakeGrafana";
import { REPO } from "../../support/repo";
import { RepositoryCopy, copyRepository } from "../../support/repository";
import { Run, cliBin, pulumi, succeeded } from "./cli";

const TOKEN_TYPE = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";

/** A key and a self-signed certificate for 127.0.0.1, made with openssl for this run only. */
function certificate(dir: string): { key: string; cert: string; certFile: string } {
    const keyFile = path.join(dir, "grafana.key");
    const certFile = path.join(dir, "grafana.pem");
    execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            keyFile,
            "-out",
            certFile,
        ],
        { stdio: "pipe" },
    );
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile };
}

/** Which side of the pair a command runs as: the data account or the Grafana account. */
export type Side = "source" | "workspace";

export const SANDBOX = process.env.GRAFANA_ATHENA_ENGINE_SANDBOX === "1";

/** A sandbox setting, or a one-line refusal naming the variable. */
export function sandboxSetting(name: string): string {
    const value = process.env[name];
    if (!value)
        throw new Error(
            `GRAFANA_ATHENA_ENGINE_SANDBOX=1 needs ${name} ` +
                `(docs/deploying.md, "Engine tests against a sandbox")`,
        );
    return value;
}

export class EngineWorld {
    /** Stand-in providers and the fake Grafana (the default), or a real sandbox account pair. */
    readonly standIn = !SANDBOX;
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "grafana-athena-engine-"));
    readonly worldDir = path.join(this.root, "world");
    readonly bin = cliBin();
    readonly repo: RepositoryCopy = copyRepository();
    readonly grafana: FakeGrafana;
    /** A Grafana of its own per workspace `start` gave a version (`grafanaOf`). */
    private readonly grafanas = new Map<string, FakeGrafana>();
    private readonly tls: { key: string; cert: string };
    /** Every command run so far, with its whole output: searched for secrets. */
    readonly runs: Run[] = [];
    private readonly env: NodeJS.ProcessEnv;

    /** The credentials each side runs with: an account of the fake cloud, or an AWS profile. */
    constructor(private readonly credentials: Record<Side, string>) {
        fs.mkdirSync(this.worldDir);
        const tls = certificate(this.root);
        this.tls = tls;
        // The system's roots and this run's certificate: the programs' Node.js trusts both.
        const trusted = path.join(this.root, "trusted.pem");
        const system =
            process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS)
                ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, "utf8")
                : "";
        fs.writeFileSync(trusted, `${system}\n${tls.cert}`);
        this.grafana = new FakeGrafana(null, {
            tls,
            keepsObjects: true,
            token: (t) => this.validTokens().includes(t),
        });
        const home = path.join(this.root, "home");
        this.env = {
            PATH: [this.bin, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
            HOME: process.env.HOME,
            TMPDIR: process.env.TMPDIR,
            LANG: process.env.LANG,
            // Python's installer (the Python example's virtual environment) and the machine's TLS roots.
            ...passThrough(/^(PIP_|PYENV_ROOT$|SSL_CERT_|REQUESTS_CA_BUNDLE$|npm_config_registry$)/),
            // A sandbox run uses the real plugins the user installed (or lets the CLI fetch them).
            ...(SANDBOX
                ? passThrough(/^(AWS_|PULUMI_HOME$)/)
                : { PULUMI_HOME: home, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" }),
            PULUMI_BACKEND_URL: `file://${path.join(this.root, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            // Types are checked once by `npm test` (tsc); the CLI only transpiles.
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            NODE_EXTRA_CA_CERTS: trusted,
            [WORLD_ENV]: this.worldDir,
        };
        fs.mkdirSync(path.join(this.root, "backend"));
    }

    /**
     * Seeds the fake cloud and starts the fake Grafana every workspace of `seed` answers at, or, for
     * a workspace `versions` names, a Grafana of its own playing that version.
     */
    async start(
        seed: Seed,
        holdings: Holdings,
        versions: Record<string, FakeGrafanaVersion> = {},
    ): Promise<void> {
        if (!this.standIn) return;
        await this.grafana.start();
        for (const [id, version] of Object.entries(versions)) {
            const own = new FakeGrafana(null, {
                tls: this.tls,
                keepsObjects: true,
                version,
                token: (t) => this.validTokens().includes(t),
            });
            await own.start();
            this.grafanas.set(id, own);
        }
        const workspaces = Object.fromEntries(
            Object.entries(seed.workspaces ?? {}).map(([id, w]) => [
                id,
                { ...w, endpoint: `127.0.0.1:${new URL(this.grafanaOf(id).url).port}` },
            ]),
        );
        writeJson(path.join(this.worldDir, "seed.json"), { ...seed, workspaces });
        writeJson(path.join(this.worldDir, "aws.json"), holdings);
        installStandIns(REPO, path.join(this.root, "plugins"), path.join(this.bin, "pulumi"), this.env);
    }

    /** The Grafana a workspace of the seed answers at. */
    grafanaOf(workspaceId: string): FakeGrafana {
        return this.grafanas.get(workspaceId) ?? this.grafana;
    }

    private credentialsOf(side: Side, account?: string): NodeJS.ProcessEnv {
        return this.standIn
            ? { [ACCOUNT_ENV]: account ?? this.credentials[side] }
            : { AWS_PROFILE: this.credentials[side] };
    }

    /** Runs `pulumi args...` as a process in a folder of the copy, with the credentials of `side`. */
    async run(folder: string, side: Side, args: string[]): Promise<Run> {
        const r = await pulumi(this.bin, [...args, "--non-interactive"], path.join(this.repo.root, folder), {
            ...this.env,
            ...this.credentialsOf(side),
        });
        this.runs.push(r);
        return r;
    }

    /** Whether the CLI has a language host of its own for `language` (beside it, or on PATH). */
    hasLanguageHost(language: "nodejs" | "python" | "yaml"): boolean {
        const name = `pulumi-language-${language}`;
        return [this.bin, ...(process.env.PATH ?? "").split(path.delimiter)].some(
            (d) => d !== "" && fs.existsSync(path.join(d, name)),
        );
    }

    /**
     * The stack `name` of the project in `folder` of the copy, created on first use, its program
     * the folder's index.ts run in this process (loaded afresh for every operation), with the
     * credentials of `side`, or of the fake cloud's `account` (a source stack of another data account).
     */
    async stack(folder: string, side: Side, name: string, account?: string): Promise<EngineStack> {
        const dir = path.join(this.repo.root, folder);
        const program = async () => {
            for (const key of Object.keys(require.cache))
                if (key.startsWith(this.repo.root + path.sep)) delete require.cache[key];
            return require(path.join(dir, "index.ts"));
        };
        const root = path.join(this.root, "cli");
        if (!fs.existsSync(root)) {
            fs.mkdirSync(root);
            fs.symlinkSync(this.bin, path.join(root, "bin"));
        }
        const pulumiCommand = await PulumiCommand.get({ root, skipVersionCheck: true });
        const workspace = await LocalWorkspace.create({
            workDir: dir,
            program,
            pulumiCommand,
            pulumiHome: this.env.PULUMI_HOME,
            envVars: Object.fromEntries(
                Object.entries({ ...this.env, ...this.credentialsOf(side, account) }).filter(
                    ([, v]) => v !== undefined,
                ),
            ) as Record<string, string>,
        });
        const stack = (await workspace.listStacks()).some((s) => s.name === name)
            ? await Stack.select(name, workspace)
            : await Stack.create(name, workspace);
        return new EngineStack(stack, this.runs);
    }

    async ok(folder: string, side: Side, args: string[]): Promise<Run> {
        return succeeded(await this.run(folder, side, args));
    }

    /** The AWS stand-in's holdings: what exists in the fake cloud now. */
    aws(): Holdings {
        return readHoldings(this.worldDir, "aws");
    }

    /** Moves the fake cloud's clock (token expiry, rotation). */
    setClock(now: Date): void {
        writeJson(path.join(this.worldDir, "clock.json"), { now: now.toISOString() });
    }

    /** Tokens Grafana accepts: those the fake cloud holds for a workspace, unexpired by its clock. */
    private validTokens(): string[] {
        let clock = Date.now();
        try {
            clock = Date.parse(
                JSON.parse(fs.readFileSync(path.join(this.worldDir, "clock.json"), "utf8")).now,
            );
        } catch {
            // no clock set: real time
        }
        return Object.values(this.aws().resources[TOKEN_TYPE] ?? {})
            .filter((t) => Date.parse(String(t.expiresAt)) > clock)
            .map((t) => String(t.key));
    }

    async close(): Promise<void> {
        if (this.standIn) for (const g of [this.grafana, ...this.grafanas.values()]) await g.stop();
        this.repo.remove();
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/**
 * One stack as the tests drive it: each operation's output and engine events are kept (`runs`,
 * searched for secrets), and a failed operation throws with its whole output.
 */
export class EngineStack {
    constructor(
        readonly stack: Stack,
        private readonly runs: Run[],
    ) {}

    /** Runs one operation; `steps` are its step operations by resource name, in order. */
    private async op<T>(
        command: string,
        body: (onOutput: (s: string) => void, onEvent: (e: EngineEvent) => void) => Promise<T>,
    ): Promise<{ result: T; steps: Map<string, string[]> }> {
        let stdout = "";
        const steps = new Map<string, string[]>();
        const onEvent = (e: EngineEvent) => {
            const step = e.resourcePreEvent?.metadata;
            if (step) {
                const name = step.urn.split("::").pop()!;
                steps.set(name, [...(steps.get(name) ?? []), step.op]);
            }
            // A refresh that found a resource's outputs changed says so when the step ends.
            const done = e.resOutputsEvent?.metadata;
            if (
                done?.op === "refresh" &&
                JSON.stringify(done.old?.outputs ?? {}) !== JSON.stringify(done.new?.outputs ?? {})
            ) {
                const name = done.urn.split("::").pop()!;
                steps.set(name, [...(steps.get(name) ?? []), "refresh changed"]);
            }
            // What a user can see: every event but the SDK's debug diagnostics, which hold the
            // RegisterResource responses unmasked (docs/deploying.md, "Secrets").
            if ((e.diagnosticEvent?.severity as string | undefined) !== "debug")
                stdout += `${JSON.stringify(e)}\n`;
        };
        try {
            const result = await body((s) => (stdout += s), onEvent);
            this.runs.push({ command, status: 0, stdout, stderr: "" });
            return { result, steps };
        } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            this.runs.push({ command, status: 1, stdout, stderr: message });
            throw new Error(`${command} failed:\n${message.slice(-8000)}`);
        }
    }

    preview(opts: { policyPacks?: string[] } = {}) {
        return this.op("preview", (onOutput, onEvent) => this.stack.preview({ ...opts, onOutput, onEvent }));
    }

    up(opts: { expectNoChanges?: boolean; replace?: string[] } = {}) {
        return this.op("up", (onOutput, onEvent) => this.stack.up({ ...opts, onOutput, onEvent }));
    }

    refresh(opts: { expectNoChanges?: boolean } = {}) {
        return this.op("refresh", (onOutput, onEvent) => this.stack.refresh({ ...opts, onOutput, onEvent }));
    }

    destroy() {
        return this.op("destroy", (onOutput, onEvent) => this.stack.destroy({ onOutput, onEvent }));
    }

    /**
     * The resources of the state, by name. The Automation API exports with `--show-secrets`, so
     * this is never searched for secrets (world.run's `pulumi stack export` is).
     */
    async exported(): Promise<{ resources: Map<string, { type: string; id?: string; urn: string }> }> {
        const deployment = await this.stack.exportStack();
        const list =
            (deployment.deployment as { resources?: { urn: string; type: string; id?: string }[] })
                .resources ?? [];
        return {
            resources: new Map(
                list.map((r) => [r.urn.split("::").pop()!, { type: r.type, id: r.id, urn: r.urn }]),
            ),
        };
    }

    async setConfig(key: string, value: string): Promise<void> {
        await this.stack.setConfig(key, { value }, true);
    }
}

/** The variables of this process whose names match. */
function passThrough(names: RegExp): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => names.test(k)));
}
