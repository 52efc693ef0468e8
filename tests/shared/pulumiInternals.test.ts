/**
 * The Pulumi SDK's internals this repository uses (shared/pulumiInternals.ts), called as the
 * programs, the mock runtime, the stand-in providers and the compile test call them: an upgrade of
 * @pulumi/pulumi that moves, renames or changes one fails here, before it fails a plan or a deploy.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
    CHECKED_SDK_VERSION,
    isConfigSecret,
    leakCandidates,
    projectCompilerOptions,
    sdkRequire,
    waitForRPCs,
} from "../../shared/pulumiInternals";
import { serialised } from "../../tools/plan/mock/lifecycle";

describe("the Pulumi SDK's internals (shared/pulumiInternals.ts)", () => {
    it(`were checked against the installed SDK's line (${CHECKED_SDK_VERSION})`, () => {
        const installed = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8"))
            .version as string;
        assert.equal(
            installed.split(".")[0],
            CHECKED_SDK_VERSION.split(".")[0],
            `@pulumi/pulumi ${installed}: a new major version; re-check every internal`,
        );
    });

    it("isConfigSecret tells the secret keys of the program's config from the others", () =>
        serialised(async () => {
            const before = pulumi.runtime.allConfig();
            try {
                pulumi.runtime.setAllConfig({ "p:plain": "a", "p:hidden": "b" }, ["p:hidden"]);
                assert.equal(isConfigSecret("p:hidden"), true);
                assert.equal(isConfigSecret("p:plain"), false);
            } finally {
                pulumi.runtime.setAllConfig(before, []);
            }
        }));

    it("waitForRPCs resolves, and leakCandidates is the set the SDK reports at exit", async () => {
        await serialised(async () => {
            await waitForRPCs();
            const leaks = leakCandidates();
            assert.ok(leaks instanceof Set, "getStore().leakCandidates is no longer a Set");
        });
    });

    it("projectCompilerOptions reads a tsconfig.json's compilerOptions as the language host does (extends not followed)", () => {
        const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "grafana-athena-tsconfig-"));
        try {
            const file = path.join(dir, "tsconfig.json");
            fs.writeFileSync(
                file,
                JSON.stringify({ extends: "../x.json", compilerOptions: { strict: true, target: "ES2022" } }),
            );
            assert.deepEqual(projectCompilerOptions(file), { strict: true, target: "ES2022" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("sdkRequire loads the SDK's own gRPC and provider protocol", () => {
        const grpc = sdkRequire("@grpc/grpc-js") as { Server?: unknown };
        const provider = sdkRequire("./proto/provider_grpc_pb") as { ResourceProviderService?: unknown };
        assert.equal(typeof grpc.Server, "function");
        assert.equal(typeof provider.ResourceProviderService, "object");
    });
});
