/**
 * Markdown that survives any content, in one place: every text a pull request can supply (plans'
 * names, inputs, SQL, titles; policy violations) enters the plan-diff comment, the job summary and
 * the policy section through these. Inline code and fences longer than any backtick run inside,
 * table cells whose `|` is escaped, and `neutralize` for a whole block.
 */

/** First line of every comment: lets the commenting workflow find and update its own comment. */
export const MARKER = "<!-- grafana-athena-plan-diff -->";

/**
 * Every character a Markdown renderer (or a browser showing its output) may take as the end of a
 * line: CR and LF (CommonMark's line endings), vertical tab, form feed, NEL (U+0085), U+2028 and
 * U+2029; and the other control characters, which have no business in a comment.
 */
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text from a plan as one line: every line terminator and control character becomes a space. */
export function flat(text: string): string {
    return text.replace(LINE_BREAKING, " ");
}

/**
 * Inline code that survives backticks and line terminators in the text: the way every text from
 * a plan enters the comment. Inside a code span, Markdown shows the text as it is: no link, image,
 * heading, HTML, entity or mention is recognised there.
 */
export function code(text: string): string {
    const s = flat(text);
    const runs = s.match(/`+/g) ?? [];
    const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
    const ticks = "`".repeat(longest + 1);
    const pad =
        s.startsWith("`") || s.endsWith("`") || (s.startsWith(" ") && s.endsWith(" ") && s.trim() !== "")
            ? " "
            : "";
    return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function fence(content: string, lang = ""): string {
    const runs = content.match(/`{3,}/g) ?? [];
    const longest = runs.reduce((n, r) => Math.max(n, r.length), 0);
    const f = "`".repeat(Math.max(3, longest + 1));
    return `${f}${lang}\n${content}\n${f}`;
}

/**
 * Text for a table cell: on one line, every `|` escaped. GitHub's table scanner (cmark-gfm
 * `ext_scanners.re`, `table_cell`) reads `\\` as one escaped character, so a backslash before a `|`
 * would unescape it (`a\|b` becomes `a\\|b`, a new cell): the backslashes before a `|` are doubled.
 */
export function cell(text: string): string {
    return flat(text).replace(/(\\*)\|/g, (_, slashes: string) => `${slashes}${slashes}\\|`);
}

/** The alert lines the comment itself writes (`> [!NOTE]`): the one place a `[` stays Markdown. */
const ALERT = /^> \[!(NOTE|WARNING|CAUTION|IMPORTANT)\]$/;

/** Outside code: one character of text made inert (see `neutralize`). */
function inertChar(c: string, next: string): string {
    switch (c) {
        case "<":
            return "&lt;"; // no HTML (<img>, <details>) and no <autolink>
        case "&":
            return "&amp;"; // no entity: `&#64;` would render as @
        case "@":
            return "@\u200b"; // no mention, no e-mail autolink
        case "\\":
            return "\\\\"; // a backslash escapes nothing: "\\`" cannot hide a code span's start
        case "[":
        case "]":
            return `\\${c}`; // no link or image: [text](javascript:...), ![](...)
        case ":":
            return next === "/" ? ":\u200b" : c; // no bare-URL autolink (https://...)
        default:
            return c;
    }
}

/**
 * The one escaping function for everything the comment shows: every block passes through it, so
 * text that came from plans (resource names, inputs, SQL, titles, labels: a pull request's
 * content) or from the command line (notes, the failure message) is inert, whatever the code
 * that placed it did. Line terminators other than `\n` become spaces first, so the lines seen
 * here are the lines a renderer sees. Outside code, no `@` mention notifies anyone, no raw HTML,
 * entity, link, image or autolink renders; code spans and fenced blocks show their text as it is
 * and mention nobody. A fence closes only on a fence line at least as long as the one that opened
 * it. The marker comment of the first line and the comment's own alert lines stay.
 */
export function neutralize(block: string): string {
    let fence: string | undefined;
    return block
        .split("\n")
        .map((raw) => {
            const line = flat(raw);
            if (line === MARKER) return line;
            const ticks = /^\s*(`{3,})/.exec(line)?.[1];
            if (fence === undefined && ticks) {
                fence = ticks;
                return line;
            }
            if (fence !== undefined) {
                if (ticks && ticks.length >= fence.length && line.trim() === ticks) fence = undefined;
                return line;
            }
            if (ALERT.test(line)) return line;
            // Outside code spans (runs of backticks, matched by length).
            let out = "";
            let i = 0;
            while (i < line.length) {
                const run = /^`+/.exec(line.slice(i))?.[0];
                if (run) {
                    const end = line.indexOf(run, i + run.length);
                    if (end >= 0 && line[end + run.length] !== "`") {
                        out += line.slice(i, end + run.length);
                        i = end + run.length;
                        continue;
                    }
                    out += run;
                    i += run.length;
                    continue;
                }
                out += inertChar(line[i], line[i + 1] ?? "");
                i += 1;
            }
            return out;
        })
        .join("\n");
}

/**
 * Text from a run (a failure's first line: a refusal quotes what a stack file wrote) for one cell
 * of a table a renderer shows, such as a job summary: inert as `neutralize` makes text (no HTML,
 * comment, entity, link, image, autolink or mention), with no code span either (a cell has no
 * fence, so each backtick is escaped), its `|` escaped after its backslashes are doubled.
 */
export function inertCell(text: string): string {
    const s = flat(text);
    let out = "";
    for (let i = 0; i < s.length; i++) {
        const c = s[i];
        out += c === "`" ? "\\`" : c === "|" ? "\\|" : inertChar(c, s[i + 1] ?? "");
    }
    return out;
}

/**
 * Prose of this repository for one table cell (the config reference): on one line, `|` escaped,
 * and `<`, `>`, `&` outside code spans as entities (GitHub would read `<stack>` as an HTML tag and
 * drop it); code spans kept as written. Text a pull request supplies goes through `cell` and
 * `neutralize` instead.
 */
export function proseCell(text: string): string {
    const oneLine = text.replace(/\s*\n\s*/g, " ").trim();
    return oneLine
        .split(/(`[^`]*`)/)
        .map((part, i) =>
            i % 2 === 1 ? part : part.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
        )
        .join("")
        .replace(/\|/g, "\\|");
}
