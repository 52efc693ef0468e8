/** Text from plans (names, SQL, tags) cannot forge Markdown, links or mentions in the comment. */
import { strict as assert } from "node:assert";
import { failureMarkdown, planDiffMarkdown } from "../../../../tools/ci/planDiff/markdown";
import { assertInert } from "../../../support/inertMarkdown";
import { resource, BASE_PANELS, workspacePlan } from "../../../support/planDiffPlans";

describe("planDiff: text from plans is inert in the comment", () => {
    const TERMINATORS = ["\r", "\r\n", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\n"];
    const PAYLOADS = [
        "@octocat",
        "<img src=x onerror=alert(1)>",
        "# Heading",
        "<details open>",
        "[click](javascript:alert(1))",
        "![x](https://evil.example/x.png)",
        "<https://evil.example>",
        "https://evil.example/a",
        "&#64;octocat",
        "&lt;img&gt;",
        "\\`@octocat`",
    ];

    it("in resource names, types, dashboard and panel titles, the project name, import IDs, labels and notes", () => {
        for (const t of TERMINATORS) {
            for (const p of PAYLOADS) {
                const evil = `x${t}${p}${t}# Heading ${p}`;
                const base = workspacePlan();
                const head = workspacePlan([{ ...BASE_PANELS[0], title: evil }, ...BASE_PANELS.slice(1)]);
                const dashboard = head.resources[0];
                const json = JSON.parse(String(dashboard.inputs.configJson));
                json.title = evil;
                dashboard.inputs.configJson = JSON.stringify(json);
                head.project = evil;
                head.resources.push(
                    resource(
                        `aws:s3/bucket:Bucket${t}${p}`,
                        evil,
                        { bucket: evil },
                        { import: evil, protect: true },
                    ),
                );
                head.outputs = { ...head.outputs, label: evil };
                head.reads.push({
                    type: "aws:athena/workgroup:Workgroup",
                    name: evil,
                    id: evil,
                    parent: null,
                });
                const md = planDiffMarkdown(
                    { "w.json": base },
                    { "w.json": head },
                    { notes: [evil], baseLabel: evil, headLabel: evil },
                );
                assertInert(md, `${JSON.stringify(t)} ${p}`);
                assertInert(failureMarkdown(evil, { notes: [evil] }), `failure ${JSON.stringify(t)} ${p}`);
            }
        }
    });

    it("keeps its own Markdown: alerts, headings, tables and fences still render", () => {
        const base = workspacePlan();
        const head = workspacePlan([{ ...BASE_PANELS[0], title: "New <b>title</b> @x" }]);
        const md = planDiffMarkdown(
            { "w.json": base },
            { "w.json": head },
            { notes: ["see [docs](https://x)"] },
        );
        assert.match(md, /^> \[!NOTE\]$/m);
        assert.match(md, /^> see \\\[docs\\\]\(https:\u200b\/\/x\)$/m);
        assert.match(md, /^## Offline plan diff$/m);
        assert.match(md, /^\| Stack \| Plan file \|/m);
        assert.match(md, /^```diff$/m);
    });
});
