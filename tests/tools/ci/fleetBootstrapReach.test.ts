/**
 * `fleet check` where the bootstrap makes the data accounts' CI roles: a source stack file whose
 * role, boundary, region, workgroup or results bucket those roles would not reach is reported,
 * one line naming the file and the key, before a deploy fails on it; a bootstrap stack file is
 * checked by its own rules. Without a bootstrap stack file nothing changes.
 */
import assert from "node:assert/strict";
import { iamNameMatches } from "../../../shared/ci/coverage";
import { fleet } from "../../../tools/ci/fleet/cli";
import { RepositoryCopy, copyRepository, exampleStackConfig } from "../../support/repository";

const SRC = (k: string) => `grafana-athena-source:${k}`;
const BOOT = (k: string) => `grafana-athena-bootstrap:${k}`;

async function check(root: string) {
    let out = "";
    let err = "";
    const code = await fleet(["check", "--root", root], {
        out: (t) => (out += t),
        err: (t) => (err += t),
        env: {},
    });
    return { code, lines: (out + err).split("\n").filter((l) => l.includes(".yaml: ")) };
}

describe("fleet check: source stacks within the reach of the bootstrap's CI roles", function () {
    this.timeout(60_000);
    let repo: RepositoryCopy;
    beforeEach(() => {
        repo = copyRepository();
        repo.writeStack(
            "infra-account-b",
            "sales",
            exampleStackConfig("infra-account-b", {
                [SRC("permissionsBoundary")]: "grafana-athena-ci-boundary",
            }),
        );
    });
    afterEach(() => repo.remove());

    it("changes nothing without a bootstrap stack file", async () => {
        repo.writeStack(
            "infra-account-b",
            "plain",
            exampleStackConfig("infra-account-b", { "aws:allowedAccountIds": ["555566667777"] }),
        );
        assert.deepEqual((await check(repo.root)).lines, []);
    });

    it("passes a source stack file within reach, and names each setting out of reach", async () => {
        repo.writeStack("bootstrap", "org", exampleStackConfig("bootstrap"));
        assert.deepEqual((await check(repo.root)).lines, []);
        repo.writeStack(
            "infra-account-b",
            "outside",
            exampleStackConfig(
                "infra-account-b",
                {
                    "aws:allowedAccountIds": ["555566667777"],
                    "aws:region": "us-east-1",
                    [SRC("roleName")]: "OtherRole",
                    [SRC("workgroup")]: { name: "analytics" },
                    [SRC("results")]: { bucket: "team-results-555566667777" },
                },
                [SRC("permissionsBoundary")],
            ),
        );
        const { code, lines } = await check(repo.root);
        assert.equal(code, 1);
        assert.deepEqual(
            lines.map((l) => l.replace(/ is .*| must .*| "[^"]*" matches.*/, "")),
            [
                "infra-account-b/Pulumi.outside.yaml: grafana-athena-source:roleName:",
                "infra-account-b/Pulumi.outside.yaml: grafana-athena-source:permissionsBoundary:",
                "infra-account-b/Pulumi.outside.yaml: aws:region:",
                "infra-account-b/Pulumi.outside.yaml: grafana-athena-source:workgroup.name:",
                "infra-account-b/Pulumi.outside.yaml: grafana-athena-source:results.bucket:",
            ],
        );
        assert.ok(
            lines.every((l) => l.includes("bootstrap/Pulumi.org.yaml")),
            lines.join("\n"),
        );
    });

    it("an existing results bucket needs no pattern, and a wider bootstrap covers the stack", async () => {
        repo.writeStack(
            "bootstrap",
            "org",
            exampleStackConfig("bootstrap", {
                [BOOT("workgroupNames")]: ["grafana*", "analytics"],
                [BOOT("regions")]: ["eu-west-1", "us-east-1"],
            }),
        );
        repo.writeStack(
            "infra-account-b",
            "covered",
            exampleStackConfig("infra-account-b", {
                "aws:allowedAccountIds": ["555566667777"],
                "aws:region": "us-east-1",
                [SRC("permissionsBoundary")]: "grafana-athena-ci-boundary",
                [SRC("workgroup")]: { name: "analytics" },
                [SRC("results")]: { bucket: "team-results-555566667777", create: false },
            }),
        );
        assert.deepEqual((await check(repo.root)).lines, []);
    });

    it("checks a bootstrap stack file by its own rules", async () => {
        repo.writeStack(
            "bootstrap",
            "bad",
            exampleStackConfig("bootstrap", { [BOOT("workgroupNames")]: ["*"] }),
        );
        const { code, lines } = await check(repo.root);
        assert.equal(code, 1);
        assert.deepEqual(lines, [
            `bootstrap/Pulumi.bad.yaml: grafana-athena-bootstrap:workgroupNames[0]: must begin with at ` +
                `least 3 characters before any *: "*" would reach other workgroups of the account`,
        ]);
    });
});

describe("IAM's wildcard matching of names", () => {
    it("matches * and ? as IAM does, everything else literally and case-sensitively", () => {
        const cases: [string, string, boolean][] = [
            ["grafana*", "grafana", true],
            ["grafana*", "grafana-sales", true],
            ["grafana*", "Grafana", false],
            ["grafana*", "xgrafana", false],
            ["grafana-athena-*", "grafana-athena-query-results-222233334444", true],
            ["grafana-athena-*", "grafana-athena", false],
            ["a?c", "abc", true],
            ["a?c", "ac", false],
            ["a*b*c", "axxbyyc", true],
            ["a*b*c", "axxbyy", false],
            ["a.c", "abc", false],
            ["*", "", true],
        ];
        for (const [p, n, want] of cases) assert.equal(iamNameMatches(p, n), want, `${p} ~ ${n}`);
        // A pattern made to backtrack: an exponential matcher would not return within the test's timeout.
        assert.equal(iamNameMatches(`${"a*".repeat(60)}b`, "a".repeat(5000)), false);
    });
});
