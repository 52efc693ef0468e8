/**
 * `--account-role NAME`: each source stack runs with the role NAME of its own account (the
 * bootstrap's `grafana-athena-ci-plan` or `grafana-athena-ci-deploy`), the account its stack file
 * names in `aws:allowedAccountIds`. Per stack, a fresh GitHub OIDC token of the job (GitHub's
 * tokens live five minutes; a shard runs for longer) is written to a private file, and the stack's
 * Pulumi CLI gets `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`: the AWS SDKs of the CLI's S3
 * backend and of the AWS provider assume the role with it themselves (the SDKs' web identity
 * credentials, read from the environment). Static credentials of the job are blanked for the stack,
 * so that they cannot win over the account's role.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GITHUB_OIDC_AUDIENCE, ciRoleArn } from "../../../shared/ci/identity";
import { partitionOf } from "../../../shared/partition";
import { Refusal } from "../../../shared/refusal";
import { readProject, readStackConfig } from "../../plan/stackConfig";
import type { StackEntry } from "./fleetInventory";

/** An IAM role name, as `--account-role` takes it. */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** The most a token answer may be: a JWT is a few kilobytes. */
const MAX_TOKEN_ANSWER = 64 * 1024;
const TOKEN_TIMEOUT_MS = 10_000;

/**
 * The account and partition a source stack runs in, from its stack file (or `text`, the file as the
 * base commit held it, for a stack whose file was removed); a Refusal naming the file otherwise.
 */
export function stackAccount(
    root: string,
    entry: StackEntry,
    text?: string,
): { accountId: string; partition: string } {
    const { config } = readStackConfig(readProject(path.join(root, entry.folder)), entry.file, text);
    const file = path.relative(root, entry.file).split(path.sep).join("/");
    let accounts: unknown;
    try {
        accounts = JSON.parse(config["aws:allowedAccountIds"] ?? "null");
    } catch {
        accounts = undefined;
    }
    if (
        !Array.isArray(accounts) ||
        accounts.length !== 1 ||
        typeof accounts[0] !== "string" ||
        !/^\d{12}$/.test(accounts[0])
    ) {
        throw new Refusal(
            `${file}: aws:allowedAccountIds must name exactly one account (12 digits) for ` +
                `--account-role: the account whose role runs the stack`,
        );
    }
    const region = config["aws:region"] ?? "";
    const partition = partitionOf(region);
    if (!partition)
        throw new Refusal(
            `${file}: aws:region must be a region of aws, aws-cn or aws-us-gov for ` +
                `--account-role, got ${JSON.stringify(region.slice(0, 40))}`,
        );
    return { accountId: accounts[0], partition };
}

export type Fetch = (
    url: string,
    init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/**
 * A fresh OIDC token of the job for AWS (GitHub's token endpoint, as `@actions/core`
 * `getIDToken` calls it: `ACTIONS_ID_TOKEN_REQUEST_URL` with `audience`, the bearer
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, the token in `value`). Never echoes either token.
 */
export async function githubIdToken(env: NodeJS.ProcessEnv, fetchImpl: Fetch): Promise<string> {
    const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!base || !bearer)
        throw new Refusal(
            "--account-role needs the job's OIDC token: run it in a GitHub " +
                "Actions job with permissions id-token: write",
        );
    let url: URL;
    try {
        url = new URL(base);
    } catch {
        throw new Refusal("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL");
    }
    if (url.protocol !== "https:") throw new Refusal("ACTIONS_ID_TOKEN_REQUEST_URL must be https");
    url.searchParams.set("audience", GITHUB_OIDC_AUDIENCE);
    let answer: { ok: boolean; status: number; text(): Promise<string> };
    try {
        answer = await fetchImpl(url.toString(), {
            headers: { Authorization: `Bearer ${bearer}`, Accept: "application/json" },
            signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
        });
    } catch (e) {
        throw new Refusal(
            `GitHub's OIDC token endpoint did not answer (${e instanceof Error ? e.name : "error"})`,
        );
    }
    if (!answer.ok) throw new Refusal(`GitHub's OIDC token endpoint answered HTTP ${answer.status}`);
    const text = await answer.text();
    let value: unknown;
    try {
        value = text.length <= MAX_TOKEN_ANSWER ? (JSON.parse(text) as { value?: unknown }).value : undefined;
    } catch {
        value = undefined;
    }
    if (typeof value !== "string" || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(value))
        throw new Refusal("GitHub's OIDC token endpoint answered without a token");
    return value;
}

/**
 * The environment of one source stack's Pulumi CLI: its account's role, by web identity. `text`:
 * the stack file as the base commit held it, for a stack whose file was removed (`fleet destroy`).
 */
export async function accountRoleEnv(
    root: string,
    entry: StackEntry,
    roleName: string,
    tokenDir: string,
    env: NodeJS.ProcessEnv = process.env,
    fetchImpl: Fetch = fetch as unknown as Fetch,
    text?: string,
): Promise<Record<string, string>> {
    const { accountId, partition } = stackAccount(root, entry, text);
    const token = await githubIdToken(env, fetchImpl);
    const file = path.join(tokenDir, `${entry.project}.${entry.stack}.jwt`);
    fs.writeFileSync(file, token, { mode: 0o600 });
    return {
        AWS_ROLE_ARN: ciRoleArn(partition, accountId, roleName),
        AWS_WEB_IDENTITY_TOKEN_FILE: file,
        AWS_ROLE_SESSION_NAME: `grafana-athena-${entry.stack}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
        // Empty is unset to the AWS SDKs: no static key or profile of the job wins over the role.
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_SESSION_TOKEN: "",
        AWS_PROFILE: "",
    };
}

/** A private folder for the tokens of one run: under the runner's temporary folder, never the checkout. */
export function tokenFolder(env: NodeJS.ProcessEnv = process.env): string {
    return fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), "fleet-oidc-"));
}
