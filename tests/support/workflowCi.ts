/**
 * The repository's CI as parsed by tests/support/workflowRules.ts, and the edits the tests make
 * to it (a job's condition, a step's input, an added step) to show that each rule catches a CI
 * that breaks it: on the parsed YAML, not the text, so rewording a step does not make them miss.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { Ci, PinTable, parseAction, parseWorkflow } from "./workflowModel";
import { RULES } from "./workflowRules";
import { TRUST_RULES } from "./workflowTrust";

/** Every rule of the CI (the workflow rules and the trust rules) broken by `ci`. */
function violations(ci: Ci): string[] {
    return [...Object.values(RULES), ...Object.values(TRUST_RULES)].flatMap((rule) => rule(ci));
}

export const ROOT = path.join(__dirname, "..", "..");
export const GITHUB = path.join(ROOT, ".github");
export const WORKFLOWS = fs
    .readdirSync(path.join(GITHUB, "workflows"))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
export const ACTIONS = fs.existsSync(path.join(GITHUB, "actions"))
    ? fs.readdirSync(path.join(GITHUB, "actions")).sort()
    : [];
export const PINS = Object.fromEntries(
    Object.entries(
        JSON.parse(
            fs.readFileSync(path.join(__dirname, "..", "fixtures", "action-pins.json"), "utf8"),
        ) as Record<string, unknown>,
    ).filter(([k]) => !k.startsWith("$")),
) as PinTable;

/** The CI's files by their path under .github/. */
type Texts = Record<string, string | undefined>;
export const TEXTS: Texts = {
    ...Object.fromEntries(
        WORKFLOWS.map((f) => [`workflows/${f}`, fs.readFileSync(path.join(GITHUB, "workflows", f), "utf8")]),
    ),
    ...Object.fromEntries(
        ACTIONS.map((a) => [
            `actions/${a}/action.yml`,
            fs.readFileSync(path.join(GITHUB, "actions", a, "action.yml"), "utf8"),
        ]),
    ),
    CODEOWNERS: fs.existsSync(path.join(GITHUB, "CODEOWNERS"))
        ? fs.readFileSync(path.join(GITHUB, "CODEOWNERS"), "utf8")
        : undefined,
};
const OTHER_CODEOWNERS = ["CODEOWNERS", "docs/CODEOWNERS"].filter((f) => fs.existsSync(path.join(ROOT, f)));

/** Parsed files by their text: a breaking case changes one file, the others are parsed once. */
const parsed = new Map<string, unknown>();
const once = <T>(key: string, parse: () => T): T => {
    if (!parsed.has(key)) parsed.set(key, parse());
    return parsed.get(key) as T;
};

export function build(texts: Texts = TEXTS, otherCodeowners = OTHER_CODEOWNERS): Ci {
    const entries = Object.entries(texts).filter((e): e is [string, string] => e[1] !== undefined);
    return {
        workflows: entries
            .filter(([f]) => f.startsWith("workflows/"))
            .map(([f, t]) => once(`${f}\0${t}`, () => parseWorkflow(f.slice("workflows/".length), t))),
        actions: entries
            .filter(([f]) => f.startsWith("actions/"))
            .map(([f, t]) =>
                once(`${f}\0${t}`, () =>
                    parseAction(`./.github/${path.posix.dirname(f)}`, `.github/${f}`, t),
                ),
            ),
        codeowners: texts.CODEOWNERS,
        otherCodeowners,
        pins: PINS,
    };
}

export const PR = "workflows/pull-request.yml";
export const PREVIEW = "workflows/preview.yml";
export const COMMENT = "workflows/plan-comment.yml";
export const DEPLOY = "workflows/deploy.yml";
export const CLI = "actions/pulumi-cli/action.yml";

/** The CI with one file's parsed YAML changed by `change` (comments and layout kept). */
export function edit(file: string, change: (doc: YAML.Document.Parsed) => void): Ci {
    const doc = YAML.parseDocument(TEXTS[file]!);
    change(doc);
    return build({ ...TEXTS, [file]: doc.toString() });
}
/** A job's map in a workflow document. */
export const job = (doc: YAML.Document, name: string) => {
    const j = doc.getIn(["jobs", name]);
    assert.ok(YAML.isMap(j), `no job ${name}`);
    return j;
};
/** The first step of a job whose plain value passes `pick` (its uses, name, run...). */
export function step(
    doc: YAML.Document,
    jobName: string,
    pick: (s: Record<string, unknown>) => boolean,
): YAML.YAMLMap {
    const steps = job(doc, jobName).get("steps");
    assert.ok(YAML.isSeq(steps), `job ${jobName} has no steps`);
    const found = steps.items.find((s) => YAML.isMap(s) && pick(s.toJSON() as Record<string, unknown>));
    assert.ok(YAML.isMap(found), `job ${jobName} has no such step`);
    return found;
}
export const uses = (prefix: string) => (s: Record<string, unknown>) =>
    String(s.uses ?? "").startsWith(prefix);
export const runs = (re: RegExp) => (s: Record<string, unknown>) => re.test(String(s.run ?? ""));
/** Replaces part of a scalar value (a condition, a script) in place; the part must be there. */
export function rewrite(node: YAML.YAMLMap, key: string, find: string | RegExp, replace: string) {
    const value = String(node.get(key));
    assert.ok(
        typeof find === "string" ? value.includes(find) : find.test(value),
        `${key} no longer contains ${find}`,
    );
    node.set(key, value.replace(find, replace));
}
/** Adds a step (a plain object) to a job, at `index` (default: last). */
export function addStep(doc: YAML.Document, jobName: string, value: Record<string, unknown>, index?: number) {
    const steps = job(doc, jobName).get("steps") as YAML.YAMLSeq;
    const node = doc.createNode(value);
    steps.items.splice(index ?? steps.items.length, 0, node);
    return node;
}
/** Adds a job (a plain object) to a workflow. */
export const addJob = (doc: YAML.Document, name: string, value: Record<string, unknown>) =>
    (doc.get("jobs") as YAML.YAMLMap).set(name, doc.createNode(value));

export const caught = (ci: Ci, pattern: RegExp) => {
    const found = violations(ci);
    assert.ok(
        found.some((v) => pattern.test(v)),
        `not caught: ${pattern}; found ${JSON.stringify(found)}`,
    );
};
