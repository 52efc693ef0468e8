/** Text from plans (names, SQL, tags) cannot forge Markdown, links or mentions in the comment. */
import { strict as assert } from "node:assert";
import { MARKER } from "../../../../shared/markdown";
import { failureMarkdown, planDiffMarkdown } from "../../../../tools/ci/planDiff/markdown";
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

    /**
     * The comment as a renderer splits it into lines (CommonMark's line endings, and the others a browser may
     * honour).
     */
    const renderedLines = (md: string) => md.split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/);

    /** What a line renders outside code spans and fences, by CommonMark's rules for backtick runs. */
    function outsideCode(md: string): string {
        let fence: string | undefined;
        const out: string[] = [];
        for (const line of renderedLines(md)) {
            const ticks = /^\s*(`{3,})/.exec(line)?.[1];
            if (fence === undefined && ticks) fence = ticks;
            else if (fence !== undefined) {
                if (ticks && ticks.length >= fence.length && line.trim() === ticks) fence = undefined;
            } else
                out.push(
                    line
                        .replace(/\\[!-/:-@[-`{-~]/g, " ")
                        .replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, ""),
                );
        }
        return out.join("\n");
    }

    function assertInert(md: string, label: string) {
        assert.equal(md.split("\n")[0], MARKER);
        for (const t of TERMINATORS.filter((x) => x !== "\n"))
            assert.ok(!md.includes(t), `${label}: no ${JSON.stringify(t)} reaches the comment`);
        const text = outsideCode(md.slice(MARKER.length));
        assert.doesNotMatch(text, /@[a-z]/i, `${label}: no mention outside code`);
        assert.doesNotMatch(text, /<[a-z!/]/i, `${label}: no HTML or autolink outside code`);
        assert.doesNotMatch(text, /&#|&[a-z]+;(?<!&lt;|&amp;)/i, `${label}: no entity outside code`);
        assert.doesNotMatch(text, /(?<!\\)\[[^\]]*(?<!\\)\]\(/, `${label}: no link or image outside code`);
        assert.doesNotMatch(text, /https?:\/\//, `${label}: no bare URL outside code`);
        assert.doesNotMatch(text, /^#+ .*(Heading|octocat)/m, `${label}: no heading made of plan text`);
    }

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
