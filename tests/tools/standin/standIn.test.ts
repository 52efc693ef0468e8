/**
 * The stand-in providers of the engine tests (tools/standin/) decide update or replace as the real
 * providers do for the properties the programs set, and pass secrets through as secrets: checked
 * here without a CLI, so that `npm test` catches a rule that drifts.
 */
import * as assert from "node:assert/strict";
import { REPLACING, diffInputs } from "../../../tools/standin/replaces";
import { UNKNOWN, plain, secret, secretKeys, wrapSecrets } from "../../../tools/standin/wire";
import { urnParts } from "../../../tools/standin/server";
import { RESOURCES } from "../../../tools/plan/mock/fakeCloud";

describe("stand-in providers: update or replace", () => {
    it("replaces the Grafana token when its name (the rotation time) changes, and the workgroup when its name does", () => {
        const token = "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken";
        assert.deepEqual(
            diffInputs(
                token,
                { name: "pulumi-1", secondsToLive: 2592000 },
                { name: "pulumi-2", secondsToLive: 2592000 },
            ),
            { diffs: ["name"], replaces: ["name"] },
        );
        assert.deepEqual(
            diffInputs("aws:athena/workgroup:Workgroup", { name: "a", tags: {} }, { name: "b", tags: {} })
                .replaces,
            ["name"],
        );
    });

    it("updates in place what the real providers update: tags, a policy document, a data source's JSON, a dashboard", () => {
        assert.deepEqual(
            diffInputs(
                "aws:athena/workgroup:Workgroup",
                { name: "g", tags: { a: "1" } },
                { name: "g", tags: { a: "1", b: "2" } },
            ),
            { diffs: ["tags"], replaces: [] },
        );
        assert.deepEqual(
            diffInputs(
                "aws:iam/policy:Policy",
                { name: "p", policy: "{}" },
                { name: "p", policy: '{"Version":"2012-10-17"}' },
            ).replaces,
            [],
        );
        assert.deepEqual(
            diffInputs(
                "grafana:oss/dataSource:DataSource",
                { uid: "u", jsonDataEncoded: "{}" },
                { uid: "u", jsonDataEncoded: '{"a":1}' },
            ),
            { diffs: ["jsonDataEncoded"], replaces: [] },
        );
        assert.deepEqual(
            diffInputs("grafana:oss/dataSource:DataSource", { uid: "u" }, { uid: "v" }).replaces,
            ["uid"],
        );
        assert.deepEqual(
            diffInputs(
                "grafana:oss/dashboard:Dashboard",
                { configJson: "{}" },
                { configJson: '{"title":"x"}' },
            ).replaces,
            [],
        );
    });

    it("sees no change between equal inputs, whatever the key order or a secret envelope, and a change in an unknown", () => {
        assert.deepEqual(
            diffInputs(
                "aws:iam/role:Role",
                { name: "r", tags: { a: "1", b: "2" } },
                { tags: { b: "2", a: "1" }, name: "r" },
            ).diffs,
            [],
        );
        assert.deepEqual(
            diffInputs(
                "aws:iam/role:Role",
                { name: "r", assumeRolePolicy: "x" },
                { name: "r", assumeRolePolicy: secret("x") },
            ).diffs,
            [],
        );
        assert.deepEqual(diffInputs("aws:iam/role:Role", { name: "r" }, { name: UNKNOWN }), {
            diffs: ["name"],
            replaces: ["name"],
        });
    });

    it("refuses a type it has no rules for, naming it", () => {
        assert.throws(
            () => diffInputs("aws:ec2/instance:Instance", {}, {}),
            /no replace rules for resource type "aws:ec2\/instance:Instance"/,
        );
    });

    it("has rules for every AWS, random and time type of the fake cloud the programs use", () => {
        const types = Object.keys(RESOURCES).filter(
            (t) => /^(aws|random|time):/.test(t) && t !== "random:index/randomString:RandomString",
        );
        assert.deepEqual(
            types.filter((t) => !REPLACING[t]),
            [],
        );
    });
});

describe("stand-in providers: secrets and URNs", () => {
    it("wraps again the outputs whose inputs were secret, and unwraps for computing", () => {
        const inputs = { name: "n", auth: secret("token") };
        assert.deepEqual(secretKeys(inputs), ["auth"]);
        assert.deepEqual(plain(inputs), { name: "n", auth: "token" });
        assert.deepEqual(wrapSecrets({ name: "n", auth: "token" }, ["auth"]), {
            name: "n",
            auth: secret("token"),
        });
    });

    it("reads the type of a child resource's URN", () => {
        const urn =
            "urn:pulumi:sales::grafana-athena-source::grafana-athena:source:" +
            "AthenaSourceAccess$aws:iam/role:Role::grafana-athena-role";
        assert.deepEqual(urnParts(urn), { type: "aws:iam/role:Role", name: "grafana-athena-role" });
    });
});
