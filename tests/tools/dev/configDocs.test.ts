/**
 * The config reference (docs/config/<project>.md) is generated from the Pulumi.yaml files, and a
 * page that no longer matches its Pulumi.yaml fails here, naming the page and the command that
 * fixes it. The generator reads every form of declaration the Pulumi project schema allows.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { proseCell as cell } from "../../../shared/markdown";
import { main } from "../../../tools/dev/configDocs";
import {
    CONFIG_DOCS_COMMAND,
    PROJECT_FOLDERS,
    configPages,
    readProjectReference,
    renderConfigReference,
    stalePages,
} from "../../../tools/dev/configPages";
import { REPO } from "../../support/program";

/** A throwaway root holding copies of the three Pulumi.yaml files and the generated pages. */
function scratchRoot(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "config-docs-"));
    for (const folder of PROJECT_FOLDERS) {
        fs.mkdirSync(path.join(root, folder), { recursive: true });
        fs.copyFileSync(path.join(REPO, folder, "Pulumi.yaml"), path.join(root, folder, "Pulumi.yaml"));
    }
    for (const page of configPages(root)) {
        fs.mkdirSync(path.dirname(path.join(root, page.file)), { recursive: true });
        fs.writeFileSync(path.join(root, page.file), page.text);
    }
    return root;
}

describe("config reference (npm run config-docs)", () => {
    it("the committed pages are what the Pulumi.yaml files generate", () => {
        assert.deepEqual(stalePages(REPO), [], `run ${CONFIG_DOCS_COMMAND} and commit docs/config/`);
    });

    it("a Pulumi.yaml edited by hand differs from its keys' declarations, a page from its Pulumi.yaml; the messages name the file and the fix", () => {
        const root = scratchRoot();
        try {
            assert.deepEqual(stalePages(root), []);
            const workspace = path.join(root, "infra-account-a", "Pulumi.yaml");
            const declared = fs.readFileSync(workspace, "utf8");
            fs.writeFileSync(
                workspace,
                `${declared}  newKey:\n    type: string\n    description: A key added by hand.\n`,
            );
            const bootstrap = path.join(root, "bootstrap", "Pulumi.yaml");
            const bootstrapDeclared = fs.readFileSync(bootstrap, "utf8");
            fs.writeFileSync(
                bootstrap,
                `${bootstrapDeclared}  newKey:\n    type: string\n    description: A key added later.\n`,
            );
            fs.rmSync(path.join(root, "docs", "config", "grafana-athena.md"));
            assert.deepEqual(stalePages(root), [
                "infra-account-a/Pulumi.yaml is stale (it differs from its keys' " +
                    "declarations in shared/config/): run npm run config-docs",
                "bootstrap/Pulumi.yaml is stale (it differs from its keys' " +
                    "declarations in shared/config/): run npm run config-docs",
                "docs/config/grafana-athena.md is missing: run npm run config-docs",
            ]);
            const out: string[] = [];
            const err: string[] = [];
            assert.equal(
                main(
                    ["--check", "--root", root],
                    (t) => out.push(t),
                    (t) => err.push(t),
                ),
                1,
            );
            assert.equal(err.length, 3);
            assert.equal(
                main(
                    ["--root", root],
                    (t) => out.push(t),
                    (t) => err.push(t),
                ),
                0,
            );
            assert.deepEqual(stalePages(root), []);
            assert.equal(
                fs.readFileSync(workspace, "utf8"),
                declared,
                "the declarations win over a hand edit",
            );
            assert.equal(fs.readFileSync(bootstrap, "utf8"), bootstrapDeclared);
            const page = fs.readFileSync(
                path.join(root, "docs", "config", "grafana-athena-bootstrap.md"),
                "utf8",
            );
            assert.doesNotMatch(page, /newKey/);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("lists every key of each project with its type, default, whether it is required, and its description", () => {
        const pages = Object.fromEntries(configPages(REPO).map((p) => [p.file, p.text]));
        assert.deepEqual(Object.keys(pages), [
            "docs/config/grafana-athena-source.md",
            "docs/config/grafana-athena-workspace.md",
            "docs/config/grafana-athena.md",
            "docs/config/grafana-athena-bootstrap.md",
        ]);
        const source = pages["docs/config/grafana-athena-source.md"];
        assert.match(
            source,
            /\| `grafana-athena-source:tables` \| `array<string>` \|  \| yes \| Tables of the database/,
        );
        assert.match(source, /\| `grafana-athena-source:catalog` \| `string` \| `AwsDataCatalog` \| no \|/);
        assert.match(source, /\| `grafana-athena-source:kmsKeyArns` \| `array<string>` \| `\[\]` \| no \|/);
        assert.match(source, /\| `grafana-athena-source:label` \| `string` \| `""` \| no \|/);
        const workspace = pages["docs/config/grafana-athena-workspace.md"];
        assert.match(
            workspace,
            /\| `grafana-athena-workspace:tokenRotationDays` \| `integer` \| `7` \| no \|/,
        );
        assert.match(
            workspace,
            /\| `grafana-athena-workspace:verifyDataSources` \| `boolean` \| `true` \| no \|/,
        );
        // `<stack>` would vanish as an HTML tag on GitHub, and `|` would end the cell.
        assert.match(workspace, /org\/grafana-athena-source\/&lt;stack&gt;/);
        assert.match(workspace, /barchart\\\|gauge/);
        assert.match(
            pages["docs/config/grafana-athena.md"],
            /\| `grafana-athena:source` \| `object` \|  \| yes \|/,
        );
    });

    it("reads every declaration form the project schema allows, as the Pulumi CLI does", () => {
        const ref = readProjectReference(
            [
                "name: demo",
                "runtime: nodejs",
                "config:",
                "  aws:region: eu-west-1", // another namespace: a value for every stack
                "  plain: hello", // shorthand of the project: a default
                "  count: 3",
                "  flag: false",
                "  list: [a, b]",
                "  demo:qualified:", // the project's own namespace written out
                "    type: string",
                "  described:",
                "    description: Only a description.",
                "  grid:",
                "    type: array",
                "    items:",
                "      type: array",
                "      items:",
                "        type: integer",
                "    description: |",
                "      Two lines",
                "      of text.",
                "  token:",
                "    type: string",
                "    secret: true",
                "  settings:",
                "    type: object",
                "    default: {a: 1}",
                "  fixed:",
                "    value: {hello: world}",
                "  nothing: null",
                "  aws:profile:",
                "    value: prod",
            ].join("\n"),
        );
        const byKey = Object.fromEntries(ref.keys.map((k) => [k.key, k]));
        assert.deepEqual(
            ref.keys.map((k) => k.key),
            [
                "aws:region",
                "plain",
                "count",
                "flag",
                "list",
                "demo:qualified",
                "described",
                "grid",
                "token",
                "settings",
                "fixed",
                "nothing",
                "aws:profile",
            ],
            "the order of Pulumi.yaml",
        );
        assert.deepEqual(byKey["aws:region"], {
            key: "aws:region",
            fullKey: "aws:region",
            type: undefined,
            description: undefined,
            secret: false,
            default: undefined,
            value: "eu-west-1",
            required: false,
        });
        assert.deepEqual(
            [byKey.plain.fullKey, byKey.plain.default, byKey.plain.required, byKey.plain.type],
            ["demo:plain", "hello", false, undefined],
        );
        assert.deepEqual(
            [byKey.count.default, byKey.flag.default, byKey.list.default],
            [3, false, ["a", "b"]],
        );
        assert.deepEqual(
            [byKey["demo:qualified"].fullKey, byKey["demo:qualified"].required],
            ["demo:qualified", true],
        );
        assert.equal(
            byKey.described.required,
            true,
            "no default and no value: the CLI refuses a stack without it",
        );
        assert.equal(byKey.grid.type, "array<array<integer>>");
        assert.equal(byKey.grid.description, "Two lines\nof text.");
        assert.equal(byKey.token.secret, true);
        assert.deepEqual(byKey.settings.default, { a: 1 });
        assert.deepEqual([byKey.fixed.value, byKey.fixed.required], [{ hello: "world" }, false]);
        assert.equal(byKey.nothing.required, true);
        assert.deepEqual(
            [byKey["aws:profile"].value, byKey["aws:profile"].required],
            ["prod", false],
            "another namespace is never required",
        );

        const page = renderConfigReference(ref, "demo/Pulumi.yaml");
        assert.match(
            page,
            /\| `aws:region` \| \(any\) \| `eu-west-1` \(set for every stack\) \| no \| Not type-checked by the CLI/,
        );
        assert.match(page, /\| `demo:grid` \| `array<array<integer>>` \|  \| yes \| Two lines of text\. \|/);
        assert.match(
            page,
            /\| `demo:token` \| `string` \|  \| yes \| \*\*Secret\*\*: the CLI refuses a value that is not encrypted/,
        );
        assert.match(page, /\| `demo:settings` \| `object` \| `\{"a":1\}` \| no \|/);
        assert.match(page, /\| `demo:list` \| \(any\) \| `\["a","b"\]` \| no \|/);
    });

    it("a project without config keys, or with the old config-directory string, gets a page that says so", () => {
        for (const text of [
            "name: empty\nruntime: nodejs\n",
            "name: empty\nruntime: nodejs\nconfig: ./stacks\n",
        ]) {
            const ref = readProjectReference(text);
            assert.deepEqual(ref.keys, []);
            assert.match(renderConfigReference(ref, "Pulumi.yaml"), /This project declares no config keys\./);
        }
        assert.throws(
            () => readProjectReference("runtime: nodejs\n", "x/Pulumi.yaml"),
            /^Error: x\/Pulumi\.yaml: no project name$/,
        );
        assert.throws(
            () => readProjectReference("name: [\n", "x/Pulumi.yaml"),
            /^Error: x\/Pulumi\.yaml: not YAML/,
        );
    });

    it("cells stay one line, escape what Markdown would eat, and keep code spans as written", () => {
        assert.equal(cell("a | b\n  c <d> & `x|<y>`"), "a \\| b c &lt;d&gt; &amp; `x\\|<y>`");
    });

    it("answers --help and refuses an unknown flag with exit 2", () => {
        const out: string[] = [];
        const err: string[] = [];
        assert.equal(
            main(
                ["--help"],
                (t) => out.push(t),
                (t) => err.push(t),
            ),
            0,
        );
        assert.match(out.join(""), /^usage: npm run config-docs -- \[--check\] \[--root DIR\] \[--help\]\n/);
        assert.equal(
            main(
                ["--bogus"],
                (t) => out.push(t),
                (t) => err.push(t),
            ),
            2,
        );
        assert.equal(err.join(""), "config-docs: Unknown option '--bogus'\n");
    });
});
