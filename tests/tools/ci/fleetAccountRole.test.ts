/**
 * `fleet preview|up --account-role NAME`: each source stack runs with its own account's CI role
 * (the bootstrap's), by a fresh GitHub OIDC token of the job; the account is the one its stack
 * file allows. Bad stack files and token answers are refused in one line; no token is echoed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Refusal } from "../../../shared/refusal";
import { Fetch, accountRoleEnv, githubIdToken, stackAccount } from "../../../tools/ci/fleet/accountRole";
import { fleet } from "../../../tools/ci/fleet/cli";
import type { Runner } from "../../../tools/ci/fleet/orchestrate";
import { readInventory } from "../../../tools/ci/fleet/fleetInventory";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUveCJ9.c2lnbmF0dXJl";
const BEARER = "request-bearer-secret-0123456789";
const ENV = {
    ACTIONS_ID_TOKEN_REQUEST_URL:
        "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0",
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: BEARER,
};

function fakeFetch(
    answer: { ok?: boolean; status?: number; body?: string } = {},
    seen: { url?: string; auth?: string }[] = [],
): Fetch {
    return async (url, init) => {
        seen.push({ url, auth: init.headers.Authorization });
        return {
            ok: answer.ok ?? true,
            status: answer.status ?? 200,
            text: async () => answer.body ?? JSON.stringify({ value: JWT }),
        };
    };
}

describe("fleet --account-role: each source stack with its own account's CI role", () => {
    let repo: RepositoryCopy;
    let tokens: string;
    before(() => {
        repo = copyRepository();
        repo.writeStack(
            "infra-account-b",
            "sales",
            exampleStackConfig("infra-account-b", { "aws:allowedAccountIds": ["222233334444"] }),
        );
        repo.writeStack(
            "infra-account-b",
            "gov",
            exampleStackConfig(
                "infra-account-b",
                { "aws:region": "us-gov-west-1", "aws:allowedAccountIds": ["333344445555"] },
                ["grafana-athena-source:grafanaRoleArn"],
            ),
        );
        repo.writeStack(
            "infra-account-b",
            "two",
            exampleStackConfig("infra-account-b", {
                "aws:allowedAccountIds": ["222233334444", "999988887777"],
            }),
        );
        repo.writeStack(
            "infra-account-b",
            "none",
            exampleStackConfig("infra-account-b", {}, ["aws:allowedAccountIds"]),
        );
        tokens = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-oidc-test-"));
    });
    after(() => {
        repo.remove();
        fs.rmSync(tokens, { recursive: true, force: true });
    });
    const entry = (stack: string) =>
        readInventory(repo.root, "organization").sources.find((s) => s.stack === stack)!;

    it("gives the stack its account's role and a fresh token of the job, in a private file, and blanks other credentials", async () => {
        const seen: { url?: string; auth?: string }[] = [];
        const env = await accountRoleEnv(
            repo.root,
            entry("sales"),
            "grafana-athena-ci-plan",
            tokens,
            ENV,
            fakeFetch({}, seen),
        );
        assert.equal(env.AWS_ROLE_ARN, "arn:aws:iam::222233334444:role/grafana-athena-ci-plan");
        assert.equal(fs.readFileSync(env.AWS_WEB_IDENTITY_TOKEN_FILE, "utf8"), JWT);
        assert.equal(
            fs.statSync(env.AWS_WEB_IDENTITY_TOKEN_FILE).mode & 0o077,
            0,
            "only the job's user may read the token",
        );
        assert.equal(path.dirname(env.AWS_WEB_IDENTITY_TOKEN_FILE), tokens);
        assert.equal(env.AWS_ROLE_SESSION_NAME, "grafana-athena-sales");
        for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"])
            assert.equal(env[k], "", k);
        assert.equal(new URL(seen[0].url!).searchParams.get("audience"), "sts.amazonaws.com");
        assert.equal(seen[0].auth, `Bearer ${BEARER}`);
        // A token per stack: GitHub's last five minutes, a shard runs longer.
        await accountRoleEnv(
            repo.root,
            entry("sales"),
            "grafana-athena-ci-plan",
            tokens,
            ENV,
            fakeFetch({}, seen),
        );
        assert.equal(seen.length, 2);
    });

    it("names the role in the partition of the stack's region", async () => {
        assert.deepEqual(stackAccount(repo.root, entry("gov")), {
            accountId: "333344445555",
            partition: "aws-us-gov",
        });
    });

    it("refuses a stack file that does not name exactly one account, naming the file", () => {
        for (const stack of ["two", "none"]) {
            assert.throws(
                () => stackAccount(repo.root, entry(stack)),
                (e: Error) =>
                    e instanceof Refusal &&
                    e.message.startsWith(
                        `infra-account-b/Pulumi.${stack}.yaml: ` +
                            `aws:allowedAccountIds must name exactly one account`,
                    ),
            );
        }
    });

    it("takes an IAM role name, from the option or FLEET_ACCOUNT_ROLE, and refuses anything else before running a stack", async () => {
        let ran = 0;
        const runner: Runner = { run: async () => ((ran += 1), { changes: {} }) };
        for (const [argv, env] of [
            [["--account-role", "grafana-athena-ci-plan\nINJECTED"], {}],
            [["--account-role", "grafana athena"], {}],
            [[], { FLEET_ACCOUNT_ROLE: "arn:aws:iam::222233334444:role/grafana-athena-ci-plan" }],
        ] as [string[], NodeJS.ProcessEnv][]) {
            let err = "";
            const code = await fleet(["preview", "--root", repo.root, "--stacks", "sales", ...argv], {
                out: () => undefined,
                err: (t) => (err += t),
                runner,
                env,
            });
            assert.equal(code, 2, err);
            assert.match(err, /^fleet: --account-role (takes an IAM role name|holds a control character)/);
            assert.equal(err.trim().split("\n").length, 1);
            assert.doesNotMatch(err, /INJECTED\n/);
        }
        assert.equal(ran, 0);
        const code = await fleet(
            ["preview", "--root", repo.root, "--stacks", "sales", "--account-role", "grafana-athena-ci-plan"],
            { out: () => undefined, err: () => undefined, runner, env: {} },
        );
        assert.equal(code, 0);
        assert.equal(ran, 1);
    });

    it("refuses in one line, never echoing a token, when the job has no token or GitHub does not give one", async () => {
        const cases: [NodeJS.ProcessEnv, Fetch, RegExp][] = [
            [{}, fakeFetch(), /needs the job's OIDC token: .*id-token: write/],
            [
                { ...ENV, ACTIONS_ID_TOKEN_REQUEST_URL: "http://example.com/token" },
                fakeFetch(),
                /must be https/,
            ],
            [ENV, fakeFetch({ ok: false, status: 403, body: BEARER }), /answered HTTP 403/],
            [ENV, fakeFetch({ body: `{"value": "${BEARER}"}` }), /answered without a token/],
            [ENV, fakeFetch({ body: "x".repeat(100_000) }), /answered without a token/],
            [
                ENV,
                async () => {
                    throw new Error(`boom ${BEARER}`);
                },
                /did not answer/,
            ],
        ];
        for (const [env, f, expected] of cases) {
            await assert.rejects(githubIdToken(env, f), (e: Error) => {
                assert.ok(e instanceof Refusal);
                assert.match(e.message, expected);
                assert.doesNotMatch(e.message, /\n/);
                assert.ok(!e.message.includes(BEARER) && !e.message.includes(JWT));
                return true;
            });
        }
    });
});
