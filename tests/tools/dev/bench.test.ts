import assert from "node:assert/strict";
import { longestChain, markdownTable } from "../../../tools/dev/bench";
import {
    benchAccountId,
    benchSourceRef,
    benchSourceRefs,
    benchSourceStack,
} from "../../../tools/dev/benchSources";

/** A plan resource with only what the chain looks at. */
const r = (name: string, dependsOn: string[] = [], parent: string | null = null) => ({
    name,
    parent,
    options: { protect: false, retainOnDelete: false, import: null, dependsOn, additionalSecretOutputs: [] },
});

describe("bench: longestChain", () => {
    it("is 0 for no resources and 1 for independent ones", () => {
        assert.equal(longestChain([]), 0);
        assert.equal(longestChain([r("a")]), 1);
        assert.equal(longestChain([r("a"), r("b"), r("c")]), 1);
    });

    it("counts resources along dependsOn edges", () => {
        assert.equal(longestChain([r("c", ["b"]), r("b", ["a"]), r("a")]), 3);
    });

    it("counts parent -> child edges, once when a child also depends on its parent", () => {
        assert.equal(
            longestChain([r("component"), r("child", [], "component"), r("grandchild", [], "child")]),
            3,
        );
        assert.equal(longestChain([r("component"), r("child", ["component"], "component")]), 2);
    });

    it("takes the longest of several paths (diamond, fan-out)", () => {
        const diamond = [
            r("top"),
            r("left", ["top"]),
            r("right", ["top"]),
            r("mid", ["right"]),
            r("bottom", ["left", "mid"]),
        ];
        assert.equal(longestChain(diamond), 4);
        const fan = [r("root"), ...Array.from({ length: 500 }, (_, i) => r(`leaf-${i}`, ["root"]))];
        assert.equal(longestChain(fan), 2);
    });

    it("ignores edges to names that are not resources of the plan (reads, stack references)", () => {
        assert.equal(
            longestChain([r("a", ["stack-ref", "a"], "not-planned"), r("b", ["a", "stack-ref"])]),
            2,
        );
    });

    it("does not depend on the order of the resources", () => {
        const list = [r("d", ["c"]), r("a"), r("c", ["b"], "a"), r("b", ["a"])];
        assert.equal(longestChain(list), 4);
        assert.equal(longestChain([...list].reverse()), 4);
    });

    it("handles a long chain without recursion limits", () => {
        const chain = Array.from({ length: 20_000 }, (_, i) => r(`n${i}`, i === 0 ? [] : [`n${i - 1}`]));
        assert.equal(longestChain(chain), 20_000);
    });

    it("refuses a cycle, naming the resources on it", () => {
        assert.throws(() => longestChain([r("a", ["b"]), r("b", ["a"]), r("c")]), /cycle among: a, b/);
    });
});

describe("bench: generated sources", () => {
    it("gives every source its own stack, account, workgroup, role and 48-character external ID", () => {
        const refs = benchSourceRefs(500);
        const stacks = Object.keys(refs);
        assert.equal(stacks.length, 500);
        assert.equal(stacks[0], "organization/grafana-athena-source/src-0001");
        assert.equal(benchSourceStack(500), "organization/grafana-athena-source/src-0500");
        const distinct = (k: string) => new Set(Object.values(refs).map((ref) => ref.outputs[k])).size;
        for (const k of ["accountId", "workgroup", "roleArn", "externalId", "label"])
            assert.equal(distinct(k), 500, k);
        for (const ref of Object.values(refs)) {
            assert.match(String(ref.outputs.accountId), /^\d{12}$/);
            assert.equal(
                ref.outputs.roleArn,
                `arn:aws:iam::${ref.outputs.accountId}:role/AmazonManagedGrafana-CrossAccountAthena`,
            );
            assert.equal(String(ref.outputs.externalId).length, 48);
            assert.deepEqual(ref.secretOutputs, ["externalId"]);
            assert.equal(ref.outputs.contractVersion, 1);
            assert.equal(ref.outputs.catalog, "AwsDataCatalog");
            assert.match(String(ref.outputs.outputLocation), /^s3:\/\/[^/]+\/grafana\/$/);
        }
        assert.deepEqual(benchSourceRef(7), benchSourceRef(7));
        assert.equal(benchAccountId(1).length, 12);
    });

    it("prints each N beside its floor, with the ratio and the growth from the previous N", () => {
        const result = (program: "workspace" | "floor", n: number, planMs: number) => ({
            program,
            n,
            planMs,
            peakMiB: 100 + n / 10,
            resources: n * 3,
        });
        const table = markdownTable([
            {
                n: 500,
                workspace: { ...result("workspace", 500, 3000), chain: 7 },
                floor: result("floor", 500, 2500),
            },
            {
                n: 1000,
                workspace: { ...result("workspace", 1000, 6300), chain: 7 },
                floor: result("floor", 1000, 5000),
            },
        ]);
        assert.match(
            table,
            /\| 500 \| 3,000 \| 2,500 \| 1\.20x \|  \|  \| 150 \| 150 \| 1,500 \/ 1,500 \| 7 \|/,
        );
        assert.match(
            table,
            /\| 1,000 \| 6,300 \| 5,000 \| 1\.26x \| 2\.10x \| 2\.00x \| 200 \| 200 \| 3,000 \/ 3,000 \| 7 \|/,
        );
    });
});
