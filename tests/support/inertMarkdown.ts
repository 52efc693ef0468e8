/**
 * Whether a pull-request comment renders text from plans inert: no mention, HTML, entity, link,
 * bare URL or heading of it outside code spans and fences, by CommonMark's rules.
 */
import { strict as assert } from "node:assert";
import { MARKER } from "../../shared/markdown";

/** The line endings a renderer may honour, besides "\n": none may reach a comment. */
const TERMINATORS = ["\r", "\r\n", "\u2028", "\u2029", "\u0085", "\u000b", "\u000c"];

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
                line.replace(/\\[!-/:-@[-`{-~]/g, " ").replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, ""),
            );
    }
    return out.join("\n");
}

export function assertInert(md: string, label: string) {
    assert.equal(md.split("\n")[0], MARKER);
    for (const t of TERMINATORS)
        assert.ok(!md.includes(t), `${label}: no ${JSON.stringify(t)} reaches the comment`);
    const text = outsideCode(md.slice(MARKER.length));
    assert.doesNotMatch(text, /@[a-z]/i, `${label}: no mention outside code`);
    assert.doesNotMatch(text, /<[a-z!/]/i, `${label}: no HTML or autolink outside code`);
    assert.doesNotMatch(text, /&#|&[a-z]+;(?<!&lt;|&amp;)/i, `${label}: no entity outside code`);
    assert.doesNotMatch(text, /(?<!\\)\[[^\]]*(?<!\\)\]\(/, `${label}: no link or image outside code`);
    assert.doesNotMatch(text, /https?:\/\//, `${label}: no bare URL outside code`);
    assert.doesNotMatch(text, /^#+ .*(Heading|octocat)/m, `${label}: no heading made of plan text`);
}
