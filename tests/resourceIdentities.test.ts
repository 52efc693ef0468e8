/**
 * Every resource of every example plan keeps its identity (type, name and parent make its URN):
 * a change that renamed or re-parented one would make the next `pulumi up` of a deployed stack
 * delete it and create a new one. The expected list is tests/fixtures/example-resource-identities.json;
 * a resource added on purpose is added there, in the same change.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthExamples } from "../tools/plan/synth";
import { REPO } from "./support/program";

type Identity = [type: string, name: string, parent: string | null];

const FIXTURE = path.join(__dirname, "fixtures", "example-resource-identities.json");

describe("resource identities of the example plans (npm run synth in this checkout) @stack-files", function () {
    this.timeout(60_000);

    it("are exactly the pinned ones: nothing renamed, re-parented or dropped", async () => {
        const expected = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, Identity[]>;
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "identities-"));
        try {
            const plans = await synthExamples(out, REPO);
            const actual = Object.fromEntries(
                plans.map((p) => [
                    `${p.project}/${p.stack}`,
                    p.resources.map((r): Identity => [r.type, r.name, r.parent]),
                ]),
            );
            assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
            for (const [stack, identities] of Object.entries(expected)) {
                const key = (i: Identity) => JSON.stringify(i);
                const have = new Set(actual[stack].map(key));
                const want = new Set(identities.map(key));
                const missing = [...want].filter((i) => !have.has(i));
                const added = [...have].filter((i) => !want.has(i));
                assert.deepEqual(
                    missing,
                    [],
                    `${stack}: these would be replaced or deleted by the next pulumi up`,
                );
                assert.deepEqual(
                    added,
                    [],
                    `${stack}: new resources; pin them in ${path.relative(REPO, FIXTURE)}`,
                );
            }
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
