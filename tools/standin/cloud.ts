/**
 * The stand-ins for the AWS, random and time providers: each answers from the fake cloud the
 * offline plan uses (tools/plan/mock/fakeCloud.ts: the same IDs, ARNs and outputs per type), and keeps
 * what it created in its store, so that refresh, import, `get` and delete behave as against a
 * cloud: a resource read back is the one created, a deleted one is gone, an existing one (seeded
 * by the test) can be adopted and is still there after `destroy`.
 */
import { createHash, randomBytes } from "node:crypto";
import { CALLS, CloudContext, RESOURCES } from "../plan/mock/fakeCloud";
import { Props } from "./wire";
import { Store, now, readSeed } from "./store";

/** Which account the stand-in's credentials reach (the test sets it per stack, as a profile would). */
export const ACCOUNT_ENV = "GRAFANA_ATHENA_STANDIN_ACCOUNT";

const TOKEN_TYPE = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";

export interface Answer {
    id: string;
    outs: Props;
}

/** One stand-in provider: what the gRPC server (server.ts) calls. */
export interface StandIn {
    /** Applies the provider's configuration (`aws:region`, the Grafana URL and token, ...). */
    configure(config: Props): void;
    create(type: string, name: string, inputs: Props): Promise<Answer>;
    /** The resource as it is now, or undefined when it is gone. */
    read(type: string, id: string, state: Props): Promise<{ outs: Props; inputs: Props } | undefined>;
    update(type: string, id: string, olds: Props, news: Props): Promise<Props>;
    delete(type: string, id: string, state: Props): Promise<void>;
    invoke(token: string, args: Props): Promise<Props>;
    /** Output properties that are secret whatever the inputs (the real schemas' `secret: true`). */
    secretOutputs(type: string): string[];
}

/** A configuration value as the engine passes it: lists and objects arrive JSON-encoded from stack config. */
export function configValue(config: Props, key: string): unknown {
    const v = config[key] ?? config[`${key}`];
    if (typeof v === "string" && /^[[{]/.test(v.trim())) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

/** Outputs a read does not take as inputs (what the provider computes). */
const COMPUTED = new Set([
    "arn",
    "id",
    "uniqueId",
    "policyId",
    "serviceAccountId",
    "serviceAccountTokenId",
    "key",
    "createdAt",
    "expiresAt",
    "result",
    "region",
]);

const inputsOf = (state: Props) =>
    Object.fromEntries(Object.entries(state).filter(([k]) => !COMPUTED.has(k)));

export class AwsStandIn implements StandIn {
    private region = "";
    private account = "";

    constructor(private readonly store: Store) {}

    configure(config: Props): void {
        this.region = String(configValue(config, "region") ?? process.env.AWS_REGION ?? "");
        if (!this.region) throw new Error("stand-in aws: no region: set aws:region");
        const account = process.env[ACCOUNT_ENV];
        if (!account)
            throw new Error(`stand-in aws: no credentials (${ACCOUNT_ENV} names the account they reach)`);
        // The real provider refuses credentials of any other account (its allowed_account_ids check).
        const allowed = configValue(config, "allowedAccountIds");
        if (Array.isArray(allowed) && allowed.length > 0 && !allowed.map(String).includes(account)) {
            throw new Error(`AWS account ID not allowed: ${account}`);
        }
        this.account = account;
    }

    private context(stack: string): CloudContext {
        const seed = readSeed(this.store.dir);
        return {
            stack,
            account: this.account,
            region: this.region,
            world: { workspaces: seed.workspaces },
            stackRef: () => undefined,
            stackRefMissing: (name) => `stand-in aws: no stack reference ${name}`,
            addSecret: () => undefined,
        };
    }

    async create(type: string, name: string, inputs: Props): Promise<Answer> {
        const mock = RESOURCES[type];
        if (!mock || !type.startsWith("aws:"))
            throw new Error(`stand-in aws: resource type "${type}" is not modelled`);
        const answer = mock({ type, name, inputs }, this.context(name));
        // A token's ID names it among the service account's tokens (`<workspace>,<account>,<token>`):
        // a replacement's new token has its own, as in Amazon Managed Grafana.
        const id =
            type === TOKEN_TYPE
                ? `${inputs.workspaceId},${inputs.serviceAccountId},${randomBytes(4).toString("hex")}`
                : String(answer.id);
        if (this.store.get(type, id)) throw new Error(`stand-in aws: ${type} "${id}" already exists`);
        const outs = { ...answer.state, ...this.randomised(type, name, inputs) };
        this.store.put(type, id, { ...outs, __account: this.account, __region: this.region });
        return { id, outs };
    }

    /** A token's secret is fresh on every create, as Amazon Managed Grafana's is. */
    private randomised(type: string, name: string, inputs: Props): Props {
        if (type !== TOKEN_TYPE) return {};
        const key =
            `glsa_${randomBytes(24).toString("base64url")}_` +
            `${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
        const created = now(this.store.dir);
        const expires = new Date(created.getTime() + Number(inputs.secondsToLive) * 1000);
        return { key, createdAt: created.toISOString(), expiresAt: expires.toISOString() };
    }

    async read(type: string, id: string): Promise<{ outs: Props; inputs: Props } | undefined> {
        const state = this.store.get(type, id);
        if (!state) return undefined;
        const { __account, __region, ...outs } = state;
        if (__account !== this.account || __region !== this.region) return undefined;
        return { outs, inputs: inputsOf(outs) };
    }

    async update(type: string, id: string, _olds: Props, news: Props): Promise<Props> {
        const state = this.store.get(type, id);
        if (!state) throw new Error(`stand-in aws: ${type} "${id}" does not exist`);
        const { __account, __region, ...outs } = state;
        const next = { ...outs, ...news };
        this.store.put(type, id, { ...next, __account, __region });
        return next;
    }

    async delete(type: string, id: string): Promise<void> {
        this.store.remove(type, id);
    }

    async invoke(token: string, args: Props): Promise<Props> {
        const mock = CALLS[token];
        if (!mock || !token.startsWith("aws:"))
            throw new Error(`stand-in aws: function "${token}" is not modelled`);
        if (
            token === "aws:grafana/getWorkspace:getWorkspace" &&
            !readSeed(this.store.dir).workspaces?.[String(args.workspaceId)]
        ) {
            throw new Error(
                `reading Grafana Workspace (${String(args.workspaceId)}): couldn't find resource`,
            );
        }
        return mock(args, this.context(""));
    }

    secretOutputs(type: string): string[] {
        return type === TOKEN_TYPE ? ["key"] : [];
    }
}

/**
 * `random` and `time` hold nothing in a cloud: their Read answers from the state alone, as the
 * real providers' do (hashicorp/terraform-provider-random, -time). A RandomPassword's result is
 * fresh crypto randomness. A Rotating resource is due once the fake cloud's clock passes its
 * rotation time: the real provider then reports it gone on refresh, so the next `up` creates it
 * anew (terraform-provider-time `resource_time_rotating.go`, Read removes an expired one).
 */
export class StateOnlyStandIn implements StandIn {
    constructor(
        private readonly provider: "random" | "time",
        private readonly dir: string,
    ) {}

    configure(): void {}

    async create(type: string, _name: string, inputs: Props): Promise<Answer> {
        if (this.provider === "random" && type === "random:index/randomPassword:RandomPassword") {
            return { id: "none", outs: { ...inputs, result: randomText(Number(inputs.length ?? 32)) } };
        }
        if (this.provider === "time" && type === "time:index/rotating:Rotating") {
            const base = typeof inputs.rfc3339 === "string" ? new Date(inputs.rfc3339) : now(this.dir);
            const rfc3339 = rfc(base);
            const rotation = rfc(
                new Date(Date.parse(rfc3339) + Number(inputs.rotationDays ?? 0) * 86_400_000),
            );
            return {
                id: rfc3339,
                outs: {
                    ...inputs,
                    rfc3339,
                    unix: Math.floor(Date.parse(rfc3339) / 1000),
                    rotationRfc3339: rotation,
                },
            };
        }
        throw new Error(`stand-in ${this.provider}: resource type "${type}" is not modelled`);
    }

    async read(type: string, _id: string, state: Props) {
        if (
            type === "time:index/rotating:Rotating" &&
            now(this.dir).getTime() >= Date.parse(String(state.rotationRfc3339))
        )
            return undefined;
        const computed = type === "time:index/rotating:Rotating" ? ["unix", "rotationRfc3339"] : ["result"];
        return {
            outs: state,
            inputs: Object.fromEntries(Object.entries(state).filter(([k]) => !computed.includes(k))),
        };
    }

    async update(type: string, id: string): Promise<Props> {
        throw new Error(`stand-in ${this.provider}: every input of ${type} "${id}" replaces it`);
    }

    async delete(): Promise<void> {}

    async invoke(token: string): Promise<Props> {
        throw new Error(`stand-in ${this.provider}: function "${token}" is not modelled`);
    }

    secretOutputs(type: string): string[] {
        return type === "random:index/randomPassword:RandomPassword" ? ["result"] : [];
    }
}

const rfc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function randomText(length: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    while (out.length < length) {
        // 248 = 4 * 62: bytes above it are dropped, so every character is equally likely.
        for (const b of randomBytes(length)) if (b < 248 && out.length < length) out += alphabet[b % 62];
    }
    return out;
}
