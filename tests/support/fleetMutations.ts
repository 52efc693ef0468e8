/**
 * Small fleets made from the example stack files, each with mistakes or attacks a user or a pull
 * request could make, from a seed (the same fleet every run): what tests/tools/ci/fleetCheckParity.test.ts
 * gives to `fleet check` and `fleet synth`. A fleet is two or three source stacks (the example source
 * in accounts of their own), one workspace stack charting every source stack file (the example
 * workspace's account and workspace), and sometimes a root stack (the example root stack).
 */
import type { ProjectFolder } from "./repository";
import type { UserStack } from "./userStacks";

export const SRC = (k: string) => `grafana-athena-source:${k}`;
export const WS = (k: string) => `grafana-athena-workspace:${k}`;
export const ROOT = (k: string) => `grafana-athena:${k}`;

type Config = Record<string, unknown>;
export interface Fleet {
    sources: Config[];
    workspace: Config;
    /** A second workspace stack, when a mutation adds one. */
    sibling?: Config;
    root?: Config;
    /** The example root stack, for a mutation of the root stack where the fleet has none. */
    rootExample: Config;
    mutations: string[];
}

/** A mutation: one plausible mistake or attack, on the fleet in place. */
export interface Mutation {
    name: string;
    apply(fleet: Fleet, pick: <T>(items: readonly T[]) => T): void;
}

/** mulberry32: a small, seeded, well-spread generator. */
function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export const obj = (v: unknown): Config => ({ ...(v as Config) });
export const GRAFANA_ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "999988887777";

/** Source mutations: each on one source stack file. */
export const onSource = (name: string, change: (s: Config, fleet: Fleet) => void): Mutation => ({
    name: `source: ${name}`,
    apply: (fleet, pick) => change(pick(fleet.sources), fleet),
});
export const onWorkspace = (name: string, change: (w: Config, fleet: Fleet) => void): Mutation => ({
    name: `workspace: ${name}`,
    apply: (fleet) => change(fleet.workspace, fleet),
});
export const onRoot = (name: string, change: (r: Config) => void): Mutation => ({
    name: `root: ${name}`,
    apply: (fleet) => {
        fleet.root ??= { ...fleet.rootExample };
        change(fleet.root);
    },
});
export const panel = (title: string, sql: string) => ({ type: "stat", title, sql });
export const sqlAlert = (name: string, sql: string, extra: Config = {}) => ({
    name,
    kind: "sql",
    sql,
    above: 1,
    ...extra,
});

/**
 * The fleet of `seed` (0: the examples as they are, unmutated): two or three sources, the workspace,
 * a root stack where a mutation changes one, and mutations: seed i (1..mutations.length) makes the
 * i-th alone, so each is judged by itself; a later seed makes two picked at random.
 */
export function makeFleet(
    seed: number,
    example: (folder: ProjectFolder) => Config,
    mutations: readonly Mutation[],
): Fleet {
    const next = random(seed * 2654435761);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const count = next() < 0.25 ? 3 : 2;
    const base = example("infra-account-b");
    const sources = Array.from({ length: count }, (_, i) => {
        const account = `22223333${String(4444 + i)}`;
        return {
            ...base,
            stack: `sales-${i}`,
            "aws:allowedAccountIds": [account],
            [SRC("dataLocations")]: [`s3://example-sales-data-${account}/warehouse/`],
            [SRC("results")]: {
                ...obj(base[SRC("results")]),
                bucket: `grafana-athena-query-results-${account}`,
            },
            [SRC("label")]: `Sales ${i}`,
        } as Config;
    });
    const workspace = example("infra-account-a");
    delete workspace[WS("sources")];
    // The root stack on a workspace of its own: on the workspace stack's, its folder would be that stack's.
    const rootExample = (): Config => {
        const root = example(".");
        const key = "grafana-athena:workspace";
        return { ...root, [key]: { ...obj(root[key]), workspaceId: "g-0a1b2c3d4e" } };
    };
    const fleet: Fleet = {
        sources,
        workspace,
        root: seed === 0 ? rootExample() : undefined,
        rootExample: rootExample(),
        mutations: [],
    };
    const times = mutations.length === 0 ? 0 : seed <= mutations.length ? 1 : 2;
    for (let i = 0; i < times; i++) {
        const m = seed <= mutations.length ? mutations[seed - 1] : pick(mutations);
        m.apply(fleet, pick);
        fleet.mutations.push(m.name);
    }
    return fleet;
}

/** The fleet's stack files: `sales-<i>` sources, the `grafana` workspace (and `bi`), the `dev` root. */
export function fleetFiles(fleet: Fleet): UserStack[] {
    const stack = (folder: ProjectFolder, name: string, config: Config): UserStack => {
        const { stack: _name, ...rest } = config;
        return { folder, stack: name, config: rest };
    };
    return [
        ...fleet.sources.map((s) => stack("infra-account-b", String(s.stack), s)),
        stack("infra-account-a", "grafana", fleet.workspace),
        ...(fleet.sibling ? [stack("infra-account-a", "bi", fleet.sibling)] : []),
        ...(fleet.root ? [stack(".", "dev", fleet.root)] : []),
    ];
}
