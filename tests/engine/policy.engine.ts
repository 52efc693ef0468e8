/**
 * `pulumi preview --policy-pack policy` with the real CLI: the pack passes the example source
 * stack, and fails a stack of another team whose role trusts the Grafana workspace role without
 * an external ID, naming the policy and the resource. The CLI starts a policy pack through its
 * Node.js language host: without one (the Go module proxy does not serve it, see
 * tools/dev/pulumi-cli.sh) the tests print the CLI's answer and are skipped.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SOURCE_EXAMPLE } from "../support/examples";
import { REPO } from "../support/repo";
import { exampleStackConfig } from "../support/repository";
import { EngineStack, EngineWorld } from "./support/world";

const POLICY = path.join(REPO, "policy");
const ACCOUNT = SOURCE_EXAMPLE.dataAccount;

/**
 * A program of another team: the role Grafana may assume, trusting the workspace role with no external ID.
 */
const BROKEN_TRUST = `import * as iam from "@pulumi/aws/iam";
new iam.Role("grafana-reader", {
    name: "grafana-reader",
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { AWS: "${SOURCE_EXAMPLE.grafanaRoleArn}" },
                Action: "sts:AssumeRole",
            },
        ],
    }),
    tags: { GrafanaDataSource: "true" },
});
`;

describe("the real Pulumi CLI: the policy pack in a preview", function () {
    this.timeout(600_000);
    let world: EngineWorld;
    let sales: EngineStack;
    let broken: EngineStack;

    before(async () => {
        world = new EngineWorld({ source: ACCOUNT, workspace: ACCOUNT });
        await world.start({}, { resources: {} });
        world.repo.writeStack("infra-account-b", "sales", exampleStackConfig("infra-account-b"));
        const dir = path.join(world.repo.root, "broken-trust");
        fs.mkdirSync(dir);
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: broken-trust\nruntime:\n  name: nodejs\n  " +
                "options:\n    typescript: true\nmain: index.ts\n",
        );
        fs.writeFileSync(path.join(dir, "index.ts"), BROKEN_TRUST);
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            `config:\n  aws:region: ${SOURCE_EXAMPLE.region}\n`,
        );
        sales = await world.stack("infra-account-b", "source", "sales");
        broken = await world.stack("broken-trust", "source", "dev");
    });
    after(async () => {
        await world?.close();
    });

    /** Skips, printing the CLI's answer, when the CLI has no Node.js language host to start the pack with. */
    async function needsNodeHost(ctx: Mocha.Context): Promise<void> {
        if (world.hasLanguageHost("nodejs")) return;
        const answer = await sales.preview({ policyPacks: [POLICY] }).then(
            () => "the preview passed",
            (e: Error) =>
                e.message
                    .split("\n")
                    .filter((l) => /error/i.test(l))
                    .slice(0, 3)
                    .join("\n"),
        );
        console.log(
            `    pulumi preview --policy-pack ${POLICY}: no pulumi-language-nodejs ` +
                `beside the CLI or on PATH; the CLI answered:\n${answer}`,
        );
        ctx.skip();
    }

    it("passes the example source stack", async function () {
        await needsNodeHost(this);
        const { result } = await sales.preview({ policyPacks: [POLICY] });
        assert.doesNotMatch(result.stdout, /mandatory/);
    });

    it("fails a role that trusts the workspace role without an external ID, naming the policy", async function () {
        await needsNodeHost(this);
        const failed = await broken.preview({ policyPacks: [POLICY] }).then(
            () => "",
            (e: Error) => e.message,
        );
        assert.notEqual(failed, "", "the preview passed");
        assert.match(failed, /grafana-trust-requires-external-id/);
        assert.match(failed, /grafana-reader/);
    });
});
