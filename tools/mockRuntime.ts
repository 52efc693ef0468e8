/**
 * The Pulumi mock runtime that both the tests and `npm run synth` use: it runs a project's real
 * `index.ts` with `pulumi.runtime.setMocks`, records every resource with its inputs and options,
 * fills provider-computed values deterministically, answers the data-source calls the programs
 * make, resolves stack references from a map, and throws on anything it does not know.
 *
 * Options are read off the mock monitor's register requests (DESIGN.md, "Recording resource
 * options under mocks"): `getProtect()`, `getRetainondelete()`, `getImportid()`, `getParent()`,
 * `getDependenciesList()`, `getAdditionalsecretoutputsList()`.
 */
import { createHash } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** The account the mocked cloud answers with when the config names none. */
export const DEFAULT_ACCOUNT_ID = "123456789012";
/** A fixed clock, so rotation times and token expiries are the same in every run. */
export const MOCK_NOW = "2026-01-01T00:00:00Z";
/** What every secret value looks like in a plan. */
export const SECRET = "[secret]";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** What the stack reference `STACK` resolves to: an earlier plan's outputs. */
export interface StackRefOutputs {
    outputs: Record<string, unknown>;
    secretOutputs?: string[];
}

/** Things that exist before the program runs (answers to lookups and reads). */
export interface MockWorld {
    /** `aws.grafana.getWorkspace` answers, by workspace ID. Default: Grafana 10.4, a service role. */
    workspaces?: Record<string, Partial<{ endpoint: string; roleArn: string; grafanaVersion: string; accountId: string }>>;
    /** State of existing Athena workgroups read by `Workgroup.get`, by name. */
    workgroups?: Record<string, { tags?: Record<string, string>; configuration?: Record<string, unknown> }>;
}

export interface RunRequest {
    /** Folder holding the project's `index.ts` (and `Pulumi.yaml`). */
    projectDir: string;
    project: string;
    stack: string;
    /** Stack config, `namespace:key` -> value as Pulumi passes it (strings; lists and objects as JSON). */
    config: Record<string, string>;
    /** Keys of `config` that are secrets. */
    secretKeys?: string[];
    /** Stack references, by fully qualified stack name. */
    stackRefs?: Record<string, StackRefOutputs>;
    world?: MockWorld;
}

export interface PlanOptions {
    protect: boolean;
    retainOnDelete: boolean;
    import: string | null;
    dependsOn: string[];
    additionalSecretOutputs: string[];
}

export interface PlanResource {
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    inputs: Record<string, unknown>;
    options: PlanOptions;
}

/** A resource that is read, not managed (e.g. an existing workgroup); destroy never touches it. */
export interface PlanRead {
    type: string;
    name: string;
    id: string;
    parent: string | null;
}

export interface Plan {
    project: string;
    stack: string;
    resources: PlanResource[];
    reads: PlanRead[];
    outputs: Record<string, unknown>;
    secretOutputs: string[];
}

/** What a run gives tests: the plan as printed, plus the values the plan redacts. */
export interface RunResult {
    plan: Plan;
    /** Inputs with secrets in clear, by resource name (for evaluating policies in tests). */
    rawInputs: Record<string, Record<string, unknown>>;
    /** Input paths that were secret, by resource name. */
    secretInputs: Record<string, string[]>;
    /** Outputs in clear. */
    rawOutputs: Record<string, unknown>;
}

/** The program failed: config problems (one per line) or an error it threw. */
export class ProgramError extends Error {
    constructor(
        message: string,
        /** Config problems, one line each, when the failure was a config mistake. */
        readonly configProblems: string[] = [],
    ) {
        super(message);
        this.name = "ProgramError";
    }
}

const hash = (s: string, n = 16) => createHash("sha256").update(s).digest("hex").slice(0, n);

/** Recursively replaces secret-wrapped values; `found` collects their paths and clear values. */
function unwrapSecrets(value: unknown, at: string, found: { paths: string[]; values: string[] }): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${at}[${i}]`, found));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG_KEY] === SECRET_SIG) {
            found.paths.push(at);
            const inner = unwrapSecrets(o.value, at, { paths: [], values: found.values });
            if (typeof inner === "string") found.values.push(inner);
            return inner;
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v, at ? `${at}.${k}` : k, found)]));
    }
    return value;
}

/**
 * Redacts a value for the plan: known secret values (generated by the mocks, or secret config)
 * are replaced wherever they occur, so a trust policy that carries the external ID stays
 * readable; a secret with nothing known inside is shown as `[secret]` whole.
 */
function redact(value: unknown, secrets: Set<string>, isSecretPath: (p: string) => boolean, at = ""): unknown {
    if (typeof value === "string") {
        let out = value;
        for (const s of secrets) {
            if (s.length >= 8 && out.includes(s)) out = out.split(s).join(SECRET);
        }
        // A secret whose secret part is known (and now hidden) stays readable; others are hidden whole.
        return isSecretPath(at) && out === value && !value.includes(SECRET) ? SECRET : out;
    }
    if (Array.isArray(value)) return value.map((v, i) => redact(v, secrets, isSecretPath, `${at}[${i}]`));
    if (value && typeof value === "object") {
        if (isSecretPath(at)) return SECRET;
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, secrets, isSecretPath, at ? `${at}.${k}` : k)]),
        );
    }
    return isSecretPath(at) && value !== undefined ? SECRET : value;
}

function generated(seed: string, length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
    let out = "";
    let counter = 0;
    while (out.length < length) {
        const bytes = createHash("sha256").update(`${seed}#${counter++}`).digest();
        for (const b of bytes) {
            if (out.length < length) out += alphabet[b % alphabet.length];
        }
    }
    return out;
}

function addDays(iso: string, days: number): string {
    return new Date(Date.parse(iso) + days * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}

interface ProviderInfo {
    name: string;
    type: string;
    inputs: Record<string, unknown>;
}

/**
 * The program's entry points are reloaded for every run, so that each run is a fresh program. The
 * modules they import (components, shared/) hold no state of their own and stay loaded: compiling
 * them again for every run was most of a run's time.
 */
function clearProgramEntries() {
    for (const key of Object.keys(require.cache)) {
        if (path.basename(key) === "index.ts" && !key.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[key];
        }
    }
}

/** Runs one program under the mocks and returns its plan. Runs are serialised: Pulumi's runtime is global. */
export async function runProgram(req: RunRequest): Promise<RunResult> {
    const previous = queue;
    let release!: () => void;
    queue = new Promise<void>((r) => (release = r));
    await previous;
    // The Pulumi SDK records a stack trace for every promise it makes (for its leak report);
    // formatting them through source maps was a third of a plan's time. A plan's errors are
    // reported by message, so short traces lose nothing.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
        return await runProgramNow(req);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
        // A refused program leaves outputs that will never resolve; the SDK would list them as
        // "promises still active" when the process exits. The run is over: forget them.
        (require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates?: Set<unknown> } }).getStore().leakCandidates?.clear();
        release();
    }
}
let queue: Promise<void> = Promise.resolve();

async function runProgramNow(req: RunRequest): Promise<RunResult> {
    const all = req.config;
    const allowed = parseList(all["aws:allowedAccountIds"]);
    const defaultAccount = allowed.length === 1 ? allowed[0] : DEFAULT_ACCOUNT_ID;
    const defaultRegion = all["aws:region"] ?? "us-east-1";
    const secretValues = new Set<string>();
    for (const k of req.secretKeys ?? []) {
        if (all[k]) secretValues.add(all[k]);
    }
    for (const ref of Object.values(req.stackRefs ?? {})) {
        for (const k of ref.secretOutputs ?? []) {
            if (typeof ref.outputs[k] === "string") secretValues.add(ref.outputs[k] as string);
        }
    }

    const providers = new Map<string, ProviderInfo>(); // provider URN -> info
    // A provider reference is `<provider URN>::<provider id>`.
    const providerOf = (ref: string | undefined) => (ref ? providers.get(ref.split("::").slice(0, -1).join("::")) : undefined);
    const accountFor = (ref: string | undefined) => {
        const p = providerOf(ref)?.inputs;
        if (!p) return defaultAccount;
        const ids = parseList(p.allowedAccountIds);
        if (ids.length === 1) return ids[0];
        const assumeArn = (p.assumeRoles as { roleArn?: string }[] | undefined)?.[0]?.roleArn ?? (p.assumeRole as { roleArn?: string } | undefined)?.roleArn;
        const fromArn = typeof assumeArn === "string" ? assumeArn.split(":")[4] : undefined;
        return fromArn && /^\d{12}$/.test(fromArn) ? fromArn : defaultAccount;
    };
    const regionFor = (ref: string | undefined) => (providerOf(ref)?.inputs.region as string | undefined) ?? defaultRegion;

    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            const { type, name } = args;
            // Secret inputs arrive wrapped; computed values are computed from the clear value.
            const inputs = unwrapSecrets(args.inputs, "", { paths: [], values: [] }) as Record<string, any>;
            const account = accountFor(args.provider);
            const region = regionFor(args.provider);
            const id = (v: string) => ({ id: v, state: { ...inputs } as Record<string, unknown> });
            if (type.startsWith("pulumi:providers:")) {
                return { id: `${name}-provider-id`, state: inputs };
            }
            if (!args.custom) {
                return { id: undefined, state: {} };
            }
            switch (type) {
                case "pulumi:pulumi:StackReference": {
                    const ref = req.stackRefs?.[inputs.name];
                    if (!ref) {
                        throw new Error(`stack reference "${inputs.name}" is not known offline: pass --ref ${inputs.name}=PLANFILE`);
                    }
                    return { id: inputs.name, state: { name: inputs.name, outputs: ref.outputs, secretOutputNames: ref.secretOutputs ?? [] } };
                }
                case "random:index/randomPassword:RandomPassword":
                case "random:index/randomString:RandomString": {
                    const result = generated(`${req.stack}/${name}`, Number(inputs.length ?? 32));
                    secretValues.add(result);
                    return { id: "none", state: { ...inputs, result } };
                }
                case "aws:iam/role:Role": {
                    const roleName = inputs.name ?? name;
                    return { id: roleName, state: { ...inputs, name: roleName, arn: `arn:aws:iam::${account}:role${inputs.path ?? "/"}${roleName}`, uniqueId: `AROA${hash(roleName).toUpperCase()}` } };
                }
                case "aws:iam/policy:Policy": {
                    const policyName = inputs.name ?? name;
                    const arn = `arn:aws:iam::${account}:policy${inputs.path ?? "/"}${policyName}`;
                    return { id: arn, state: { ...inputs, name: policyName, arn, policyId: `ANPA${hash(arn).toUpperCase()}` } };
                }
                case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
                case "aws:iam/rolePolicy:RolePolicy":
                case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
                case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
                case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
                case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
                case "aws:s3/bucketPolicy:BucketPolicy":
                    return id(`${name}-${hash(JSON.stringify(inputs), 8)}`);
                case "aws:s3/bucket:Bucket": {
                    const bucket = inputs.bucket ?? `${name}-${hash(name, 7)}`;
                    return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}`, region } };
                }
                case "aws:athena/workgroup:Workgroup": {
                    const wgName = inputs.name ?? args.id ?? name;
                    const existing = args.id ? (req.world?.workgroups?.[wgName] ?? { tags: {}, configuration: { enforceWorkgroupConfiguration: false } }) : {};
                    return {
                        id: wgName,
                        state: { ...existing, ...inputs, name: wgName, arn: `arn:aws:athena:${region}:${account}:workgroup/${wgName}` },
                    };
                }
                case "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount":
                    return { id: `${inputs.workspaceId},${hash(name, 4)}`, state: { ...inputs, serviceAccountId: String(parseInt(hash(name, 4), 16)) } };
                case "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": {
                    const key = `glsa_${generated(`${req.stack}/${name}/${inputs.name}`, 32)}_${hash(name, 8)}`;
                    secretValues.add(key);
                    return {
                        id: `${inputs.workspaceId},${hash(name, 4)}`,
                        state: {
                            ...inputs,
                            key,
                            serviceAccountTokenId: String(parseInt(hash(`${name}/${inputs.name}`, 4), 16)),
                            createdAt: MOCK_NOW,
                            expiresAt: addDays(MOCK_NOW, Number(inputs.secondsToLive) / 86_400),
                        },
                    };
                }
                case "time:index/rotating:Rotating": {
                    const base = (inputs.rfc3339 as string | undefined) ?? MOCK_NOW;
                    return {
                        id: base,
                        state: { ...inputs, rfc3339: base, unix: Date.parse(base) / 1000, rotationRfc3339: addDays(base, Number(inputs.rotationDays ?? 0)) },
                    };
                }
                case "grafana:oss/dataSource:DataSource":
                case "grafana:oss/folder:Folder": {
                    const uid = inputs.uid ?? hash(`${type}/${name}`, 14);
                    return { id: `1:${uid}`, state: { ...inputs, uid } };
                }
                case "grafana:oss/dashboard:Dashboard": {
                    const config = JSON.parse(String(inputs.configJson ?? "{}"));
                    const uid = config.uid ?? hash(name, 14);
                    const base = String(providerOf(args.provider)?.inputs.url ?? "https://grafana.invalid").replace(/\/+$/, "");
                    const slug = String(config.title ?? uid).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
                    return { id: `1:${uid}`, state: { ...inputs, uid, dashboardId: parseInt(hash(uid, 5), 16), url: `${base}/d/${uid}/${slug}`, version: 1 } };
                }
                case "pulumi-nodejs:dynamic:Resource": {
                    // Offline: a dynamic provider is recorded, never run.
                    const { __provider, ...rest } = inputs;
                    void __provider;
                    return { id: `dynamic-${hash(name, 8)}`, state: { ...rest, message: "not run offline", attempts: 0 } };
                }
                default:
                    throw new Error(`mock runtime: no mock for resource type "${type}" (resource "${name}"); add one to tools/mockRuntime.ts`);
            }
        },
        call(args) {
            const account = accountFor(args.provider);
            const region = regionFor(args.provider);
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: account, arn: `arn:aws:iam::${account}:role/offline-plan`, userId: `AROA${hash(account)}:offline`, id: account };
                case "aws:index/getRegion:getRegion":
                    return { name: region, region, id: region, endpoint: `${region}.amazonaws.com`, description: region };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
                case "aws:grafana/getWorkspace:getWorkspace": {
                    const wsId = String(args.inputs.workspaceId);
                    const w = req.world?.workspaces?.[wsId] ?? {};
                    const wsAccount = w.accountId ?? account;
                    return {
                        id: wsId,
                        workspaceId: wsId,
                        endpoint: w.endpoint ?? `${wsId}.grafana-workspace.${region}.amazonaws.com`,
                        roleArn: w.roleArn ?? `arn:aws:iam::${wsAccount}:role/service-role/AmazonGrafanaServiceRole-${hash(wsId, 9)}`,
                        grafanaVersion: w.grafanaVersion ?? "10.4",
                        accountAccessType: "CURRENT_ACCOUNT",
                        authenticationProviders: ["AWS_SSO"],
                        permissionType: "SERVICE_MANAGED",
                        status: "ACTIVE",
                        name: `workspace-${wsId}`,
                        arn: `arn:aws:grafana:${region}:${wsAccount}:/workspaces/${wsId}`,
                        dataSources: ["ATHENA"],
                        tags: {},
                    };
                }
                default:
                    throw new Error(`mock runtime: no mock for call "${args.token}"; add one to tools/mockRuntime.ts`);
            }
        },
    };

    await pulumi.runtime.setMocks(mocks, req.project, req.stack, false);
    pulumi.runtime.setAllConfig(req.config, req.secretKeys ?? []);

    // Record what the program asks the monitor for.
    interface Recorded {
        type: string;
        name: string;
        parentUrn: string;
        providerRef: string;
        inputs: unknown;
        options: Omit<PlanOptions, "dependsOn"> & { dependsOnUrns: string[] };
        urn?: string;
        read?: { id: string };
    }
    const recorded: Recorded[] = [];
    const byUrn = new Map<string, Recorded>();
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: any, cb: (err: any, res: any) => void): Promise<void>;
        readResource(req: any, cb: (err: any, res: any) => void): Promise<void>;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (r: any, cb) => {
        const rec: Recorded = {
            type: r.getType(),
            name: r.getName(),
            parentUrn: r.getParent(),
            providerRef: r.getProvider(),
            inputs: r.getObject()?.toJavaScript() ?? {},
            options: {
                protect: r.getProtect() ?? false,
                retainOnDelete: r.getRetainondelete() ?? false,
                import: r.getImportid() || null,
                dependsOnUrns: r.getDependenciesList(),
                additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
            },
        };
        recorded.push(rec);
        return register(r, (err, res) => {
            if (!err && res) {
                rec.urn = res.getUrn();
                byUrn.set(rec.urn!, rec);
                if (rec.type.startsWith("pulumi:providers:")) {
                    const found = { paths: [] as string[], values: [] as string[] };
                    providers.set(rec.urn!, { name: rec.name, type: rec.type, inputs: unwrapSecrets(rec.inputs, "", found) as Record<string, unknown> });
                }
            }
            cb(err, res);
        });
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (r: any, cb) => {
        const rec: Recorded = {
            type: r.getType(),
            name: r.getName(),
            parentUrn: r.getParent(),
            providerRef: r.getProvider(),
            inputs: {},
            options: { protect: false, retainOnDelete: false, import: null, dependsOnUrns: [], additionalSecretOutputs: [] },
            read: { id: r.getId() },
        };
        recorded.push(rec);
        return read(r, (err, res) => {
            if (!err && res) {
                rec.urn = res.getUrn();
                byUrn.set(rec.urn!, rec);
            }
            cb(err, res);
        });
    };

    // Errors thrown inside applies surface as rejections nobody awaits: collect them.
    const failures: unknown[] = [];
    // A resource whose inputs failed never resolves its outputs, so exports that depend on it
    // stay pending forever: stop waiting for them at the first failure.
    let failed!: (reason: unknown) => void;
    const firstFailure = new Promise<never>((_, reject) => (failed = reject));
    firstFailure.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        failures.push(reason);
        failed(reason);
    };
    process.on("unhandledRejection", onRejection);

    let programExports: Record<string, unknown>;
    try {
        clearProgramEntries();
        try {
            programExports = require(path.resolve(req.projectDir, "index.ts"));
        } catch (e) {
            throw asProgramError(e);
        }
        const names = Object.keys(programExports).filter((k) => k !== "__esModule");
        const resolved = await Promise.race([
            Promise.all(
                names.map(async (k) => {
                    const o = pulumi.output(programExports[k]) as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
                    return [k, await o.promise(), await o.isSecret] as const;
                }),
            ),
            firstFailure,
        ]);
        await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
        // Let pending rejections reach the handler.
        await new Promise((r) => setImmediate(r));
        if (failures.length > 0) {
            throw asProgramError(failures[0]);
        }

        const rawOutputs = Object.fromEntries(resolved.map(([k, v]) => [k, v]));
        const secretOutputs = resolved.filter(([, , s]) => s).map(([k]) => k).sort();
        return buildPlan(req, recorded, byUrn, rawOutputs, secretOutputs, secretValues);
    } catch (e) {
        const error = asProgramError(e);
        // Drain this run's RPCs before giving up: their late failures (e.g. a component's
        // registerOutputs on the output that threw) must not surface in the next run.
        // Bounded: a resource whose inputs failed never finishes its RPC (setMocks resets the count).
        await Promise.race([
            (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs().catch(() => undefined),
            new Promise((r) => setTimeout(r, 100)),
        ]);
        await new Promise((r) => setImmediate(r));
        throw error;
    } finally {
        process.off("unhandledRejection", onRejection);
    }

    function buildPlan(
        r: RunRequest,
        recs: Recorded[],
        urns: Map<string, Recorded>,
        rawOutputs: Record<string, unknown>,
        secretOutputs: string[],
        secrets: Set<string>,
    ): RunResult {
        const nameOf = (urn: string) => (urn ? (urns.get(urn)?.name ?? urn) : null);
        const providerName = (ref: string) => (ref ? (providerOf(ref)?.name ?? ref) : null);
        const rawInputs: Record<string, Record<string, unknown>> = {};
        const secretInputs: Record<string, string[]> = {};
        const resources: PlanResource[] = [];
        const reads: PlanRead[] = [];
        const seen = new Set<string>();
        for (const rec of recs) {
            if (rec.read) {
                reads.push({ type: rec.type, name: rec.name, id: rec.read.id, parent: nameOf(rec.parentUrn) });
                continue;
            }
            if (rec.type === "pulumi:pulumi:StackReference") {
                reads.push({ type: rec.type, name: rec.name, id: rec.name, parent: nameOf(rec.parentUrn) });
                continue;
            }
            if (seen.has(rec.name)) {
                throw new Error(`two resources are named "${rec.name}": plans refer to resources by name, so names must be unique`);
            }
            seen.add(rec.name);
            const found = { paths: [] as string[], values: [] as string[] };
            const inputs = unwrapSecrets(rec.inputs, "", found) as Record<string, unknown>;
            if (rec.type === "pulumi-nodejs:dynamic:Resource" && "__provider" in inputs) {
                inputs.__provider = "[serialized dynamic provider]";
            }
            rawInputs[rec.name] = inputs;
            secretInputs[rec.name] = found.paths;
            const secretPaths = new Set(found.paths);
            resources.push({
                type: rec.type,
                name: rec.name,
                parent: nameOf(rec.parentUrn),
                provider: providerName(rec.providerRef),
                inputs: redact(inputs, secrets, (p) => secretPaths.has(p)) as Record<string, unknown>,
                options: {
                    protect: rec.options.protect,
                    retainOnDelete: rec.options.retainOnDelete,
                    import: rec.options.import,
                    dependsOn: [...new Set(rec.options.dependsOnUrns.map((u) => nameOf(u)!))].sort(),
                    additionalSecretOutputs: [...rec.options.additionalSecretOutputs].sort(),
                },
            });
        }
        resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : 1));
        reads.sort((a, b) => (a.name < b.name ? -1 : 1));
        const outputs = Object.fromEntries(
            Object.keys(rawOutputs)
                .sort()
                .map((k) => [k, secretOutputs.includes(k) ? SECRET : redact(rawOutputs[k], secrets, () => false)]),
        );
        return { plan: { project: r.project, stack: r.stack, resources, reads, outputs, secretOutputs }, rawInputs, secretInputs, rawOutputs };
    }
}

function parseList(v: unknown): string[] {
    if (Array.isArray(v)) return v.map(String);
    if (typeof v !== "string" || v === "") return [];
    try {
        const parsed = JSON.parse(v);
        return Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
    } catch {
        return [v];
    }
}

/** A RunError from config validation carries the problem lines after its first line. */
function asProgramError(e: unknown): ProgramError {
    if (e instanceof ProgramError) return e;
    const message = e instanceof Error ? e.message : String(e);
    if (pulumi.RunError.isInstance(e) && message.startsWith("invalid configuration:")) {
        return new ProgramError(message, message.split("\n").slice(1));
    }
    return new ProgramError(message);
}
