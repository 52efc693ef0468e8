/** Stack files read as the Pulumi CLI reads them: scalars as written, hostile YAML refused in one line. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stackFileConfig, stackFileEntries } from "../../../shared/stackFiles";
import { readProject, readStackConfig } from "../../../tools/plan/stackConfig";
import { SOURCE_DIR } from "../../support/program";
import { readerProblems } from "../../support/hostileConfig";

describe("stack files read as the Pulumi CLI reads them", () => {
    it("passes text, decimal numbers and booleans as written, and keeps keys without a namespace as they are", () => {
        const entries = stackFileEntries(
            [
                "config:",
                "  grafana-athena-source:database: sales_01",
                "  grafana-athena-source:label: '1.50'",
                '  grafana-athena-source:catalog: "AwsDataCatalog"',
                "  database: payroll",
                "  grafana-athena-source:lakeFormation: true",
                "  grafana-athena-source:catalogKmsKeyArn: ~",
                "  grafana-athena-source:bytesScannedCutoff: 10737418240",
                "  grafana-athena-source:tables: [orders, 31, '0x1F']",
            ].join("\n"),
        );
        assert.deepEqual(entries, {
            "grafana-athena-source:database": "sales_01",
            "grafana-athena-source:label": "1.50",
            "grafana-athena-source:catalog": "AwsDataCatalog",
            database: "payroll",
            "grafana-athena-source:lakeFormation": "true",
            "grafana-athena-source:catalogKmsKeyArn": "",
            "grafana-athena-source:bytesScannedCutoff": "10737418240",
            "grafana-athena-source:tables": ["orders", 31, "0x1F"],
        });
    });

    it("refuses what the Pulumi CLI reads otherwise than written: numbers it rewrites, dates, tags, merge keys", () => {
        // What the 3.276.0 CLI's `pulumi config --json` printed for each: the plan would show one
        // database and the deployment grant another (`!!binary aHI=` is "hr").
        for (const [value, said] of [
            [
                "0x1f",
                /^grafana-athena-source:database: 0x1f is a number to the Pulumi CLI, which passes it rewritten/,
            ],
            ["017", /017 is a number to the Pulumi CLI/],
            ["1_000", /1_000 is a number to the Pulumi CLI/],
            ["1e3", /1e3 is a number to the Pulumi CLI/],
            ["1.50", /1\.50 is a number to the Pulumi CLI/],
            ["-0", /-0 is a number to the Pulumi CLI/],
            ["True", /True is a boolean to the Pulumi CLI, which passes it in lower case: write true$/],
            ["2024-01-01", /2024-01-01 is a date to the Pulumi CLI/],
            ["!!binary aHI=", /uses the YAML tag !!binary, which the Pulumi CLI reads its own way/],
            ["[orders, !!binary aHI=]", /uses the YAML tag !!binary/],
            // Named by the key path of the value, not only its top-level key.
            ["[orders, 0x1F]", /^grafana-athena-source:database\[1\]: 0x1F is a number to the Pulumi CLI/],
            [
                "{name: o, adopt: 0123456789}",
                /^grafana-athena-source:database\.adopt: 0123456789 is a number to the Pulumi CLI/,
            ],
            ["[{a: [x, True]}]", /^grafana-athena-source:database\[0\]\.a\[1\]: True is a boolean/],
            [
                "{a: 1, <<: {b: 2}}",
                /uses a merge key \(<<\), which the Pulumi CLI merges and this tool does not/,
            ],
        ] as const) {
            assert.throws(
                () => stackFileEntries(`config:\n  grafana-athena-source:database: ${value}\n`),
                (e: Error) => said.test(e.message) && e.message.split("\n").length === 1,
                value,
            );
        }
        // Neither a key nor a value of the secrets is shown: either may be a secret written in clear.
        for (const [entry, secret] of [
            ["hooks_T0B0xyz: 0x1f", "hooks_T0B0xyz"],
            ["ops-pager: 0x5eC12e7", "5eC12e7"],
            ["ops-pager: 2024-01-01T00:00:00Z", "2024-01-01"],
            ["ops-pager: TRUE", "true"],
        ] as const) {
            assert.throws(
                () =>
                    stackFileEntries(
                        `config:\n  grafana-athena-workspace:contactPointSecrets:\n    ${entry}\n`,
                    ),
                (e: Error) =>
                    /^grafana-athena-workspace:contactPointSecrets: the value is a (number|date|boolean) to the Pulumi CLI.*: quote it .*--secret/.test(
                        e.message,
                    ) &&
                    !e.message.toLowerCase().includes(secret.toLowerCase()) &&
                    e.message.split("\n").length === 1,
                entry,
            );
        }
        // Every tool that reads a stack file (fleet check, the inventory) refuses it too, naming the file.
        assert.throws(
            () => stackFileConfig("config:\n  grafana-athena-source:database: 0x1f\n", "Pulumi.x.yaml"),
            /^Refusal: Pulumi\.x\.yaml: grafana-athena-source:database: 0x1f is a number to the Pulumi CLI/,
        );
    });

    it("refuses a value nested too deep before turning it into data, naming the key (or the line, when the YAML parser itself overflows)", () => {
        const deep = (n: number) =>
            `config:\n  grafana-athena-source:label: ok\n  ` +
            `grafana-athena-source:tables: ${"[".repeat(n)}${"]".repeat(n)}\n`;
        assert.throws(
            () => stackFileEntries(deep(20)),
            /^Error: grafana-athena-source:tables: nests lists or objects more than 16 levels deep/,
        );
        assert.throws(
            () => stackFileEntries(deep(20_000)),
            /^Error: line 3: nests lists or objects more than 16 levels deep/,
        );
        assert.doesNotThrow(() => stackFileEntries(deep(16)));
    });

    it("so that the offline plan refuses database: 0x1F, naming the file and the key, and a bare key by its name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-yaml-"));
        try {
            const example = fs.readFileSync(path.join(SOURCE_DIR, "Pulumi.example.yaml"), "utf8");
            const file = path.join(dir, "Pulumi.x.yaml");
            fs.writeFileSync(
                file,
                example.replace(
                    "grafana-athena-source:database: sales",
                    "grafana-athena-source:database: 0x1F",
                ),
            );
            // The reader synth and the tests use (tools/plan/stackConfig.ts).
            assert.throws(
                () => readStackConfig(readProject(SOURCE_DIR), file),
                (e: Error) =>
                    e.message.startsWith(
                        `${file}: grafana-athena-source:database: 0x1F is a number to the Pulumi CLI`,
                    ),
            );
            fs.writeFileSync(
                file,
                example.replace(
                    "grafana-athena-source:database: sales",
                    "grafana-athena-source:database: sales\n  label: Payroll",
                ),
            );
            const { config, secretKeys } = readStackConfig(readProject(SOURCE_DIR), file);
            assert.equal(config.label, "Payroll");
            const found = readerProblems(SOURCE_DIR, { set: { ...config }, secretKeys });
            assert.ok(
                found.some((p) => p.startsWith("grafana-athena-source:label: is set without a namespace")),
                found.join("\n"),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
