/**
 * The fleet summary as a job summary renders it: a failure's first line is text a stack file can
 * put there (a refusal quotes the value it refuses), so in the rendered table it must stay text:
 * no HTML comment that hides the rows after it, no image that calls a server, no link, no mention,
 * no cell or row of its own. Pure: the table, no runner.
 */
import assert from "node:assert/strict";
import { cell, code } from "../../../shared/markdown";
import { StackResult, summaryTable } from "../../../tools/ci/fleet/orchestrate";

const result = (name: string, error?: string): StackResult =>
    ({
        name,
        project: "grafana-athena-source",
        status: error === undefined ? "unchanged" : "failed",
        changes: {},
        attempts: 1,
        ...(error === undefined ? {} : { error }),
    }) as StackResult;

describe("the fleet summary in a job summary", () => {
    const hostile =
        'database: must be lowercase letters, got "<!-- ![x](https://evil.example/p?q) @acme/admins ' +
        '`x|y` | ok | \\| [link](https://evil.example) </td> &#60;b>"';
    const results = [result("org/grafana-athena-source/a", hostile), result("org/grafana-athena-source/b")];

    it("renders a hostile failure line as inert text in one cell of its row", () => {
        const rendered = summaryTable("preview", results, undefined, true);
        const row = rendered.split("\n").find((l) => l.includes("/a "))!;
        for (const live of ["<!--", "![x](", "[link](", "https://", "@acme", "</td>", "&#60;"]) {
            assert.ok(!row.includes(live), `${live} stays live in ${row}`);
        }
        assert.doesNotMatch(row, /(^|[^\\])`/, "a backtick opens a code span");
        // Five cells: every | of the text is escaped (a backslash before it that is not itself escaped).
        const unescaped = row.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1;
        assert.equal(unescaped, 6, row);
        // The next row is still there, whole.
        assert.match(rendered, /\| org\/grafana-athena-source\/b \| unchanged \| no changes \| 1 \|  \|$/m);
    });

    it("prints the same failure as written on a terminal", () => {
        const printed = summaryTable("preview", results);
        assert.ok(printed.includes("<!-- ![x](https://evil.example/p?q) @acme/admins"));
    });

    it("a backslash before a | never unescapes it: GitHub reads \\\\ as one escaped character", () => {
        /** The delimiters GitHub's table scanner finds: a | not taken by a backslash pair. */
        const delimiters = (row: string) => row.replace(/\\[\\|]/g, "").split("|").length - 1;
        for (const text of ["a\\|b", "a\\\\|b", "\\\\\\|"]) {
            assert.equal(delimiters(`| ${cell(text)} |`), 2, text);
            assert.equal(delimiters(`| ${cell(code(text))} |`), 2, text);
        }
    });
});
