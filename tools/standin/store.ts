/**
 * The fake cloud's memory between runs: one JSON file per stand-in provider in the folder named by
 * `GRAFANA_ATHENA_STANDIN_WORLD`, so that a refresh reads back what an earlier `up` created, an
 * import finds what existed before, and a test sees what `destroy` left. Each provider process owns
 * its file and rewrites it whole (write, then rename) after every change; the test writes the seed
 * and the clock only while no Pulumi command runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const WORLD_ENV = "GRAFANA_ATHENA_STANDIN_WORLD";

/** Things that exist before any stack runs, seeded by the test (`seed.json`). */
export interface Seed {
    /** The Grafana workspaces `aws.grafana.getWorkspace` answers, by ID. */
    workspaces?: Record<
        string,
        {
            endpoint: string;
            roleArn?: string;
            grafanaVersion?: string;
            accountId?: string;
            authenticationProviders?: string[];
        }
    >;
}

/** A provider's resources: by type token, by ID, the state the provider last answered. */
export interface Holdings {
    resources: Record<string, Record<string, Record<string, unknown>>>;
}

export function worldDir(): string {
    const dir = process.env[WORLD_ENV];
    if (!dir)
        throw new Error(`stand-in provider: ${WORLD_ENV} is not set (the folder of the fake cloud's state)`);
    return dir;
}

function readJson<T>(file: string, fallback: T): T {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return fallback;
        throw e;
    }
}

export function writeJson(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
    fs.renameSync(tmp, file);
}

const holdingsFile = (dir: string, provider: string) => path.join(dir, `${provider}.json`);

export function readHoldings(dir: string, provider: string): Holdings {
    return readJson<Holdings>(holdingsFile(dir, provider), { resources: {} });
}

export const readSeed = (dir: string): Seed => readJson<Seed>(path.join(dir, "seed.json"), {});

/**
 * The fake cloud's clock: `clock.json` `{now}` when the test moved it, else the real time. Token
 * expiries and the rotation's due date are computed from it.
 */
export function now(dir: string): Date {
    const clock = readJson<{ now?: string }>(path.join(dir, "clock.json"), {});
    return clock.now ? new Date(clock.now) : new Date();
}

/** One provider's holdings, read once and written after every change. */
export class Store {
    private readonly holdings: Holdings;

    constructor(
        readonly dir: string,
        readonly provider: string,
    ) {
        this.holdings = readHoldings(dir, provider);
    }

    get(type: string, id: string): Record<string, unknown> | undefined {
        return this.holdings.resources[type]?.[id];
    }

    put(type: string, id: string, state: Record<string, unknown>): void {
        (this.holdings.resources[type] ??= {})[id] = state;
        writeJson(holdingsFile(this.dir, this.provider), this.holdings);
    }

    remove(type: string, id: string): void {
        delete this.holdings.resources[type]?.[id];
        writeJson(holdingsFile(this.dir, this.provider), this.holdings);
    }

    all(type: string): Record<string, Record<string, unknown>> {
        return this.holdings.resources[type] ?? {};
    }
}
