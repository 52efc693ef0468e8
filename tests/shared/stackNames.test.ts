/**
 * Stack names a pull request can write, as a file name (`Pulumi.<stack>.yaml`) or in a workspace's
 * `sources`: only what the Pulumi CLI takes for a stack name (pulumi/pulumi
 * sdk/go/common/tokens/stack_name.go: letters, digits, `_`, `.`, `-`, at most 100 characters), and
 * never `.` or `..`, which a path or a URL built from the name reads as a folder. Pure.
 */
import assert from "node:assert/strict";
import { sourceStackName } from "../../shared/config/rules";
import { stackOfFile } from "../../shared/stackFiles";

describe("stack names from file names and from sources", () => {
    it("takes Pulumi.<stack>.yaml for a stack only when <stack> is a stack name", () => {
        assert.equal(stackOfFile("Pulumi.prod-eu.1.yaml"), "prod-eu.1");
        for (const name of [
            "Pulumi...yaml",
            "Pulumi....yaml",
            `Pulumi.${"a".repeat(101)}.yaml`,
            "Pulumi.a b.yaml",
        ]) {
            assert.equal(stackOfFile(name), undefined, name);
        }
        assert.equal(stackOfFile(`Pulumi.${"a".repeat(100)}.yaml`), "a".repeat(100));
    });

    it("refuses a source stack whose parts are . or .., or whose stack name is longer than Pulumi's 100", () => {
        for (const stack of [
            "org/grafana-athena-source/..",
            "org/grafana-athena-source/.",
            "../grafana-athena-source/x",
            `org/grafana-athena-source/${"a".repeat(101)}`,
        ]) {
            const parsed = sourceStackName.safeParse(stack);
            assert.equal(parsed.success, false, stack);
            assert.match(parsed.error!.issues[0].message, /^must be a fully qualified stack name/, stack);
        }
        assert.equal(sourceStackName.safeParse("org/grafana-athena-source/a..b").success, true);
    });
});
