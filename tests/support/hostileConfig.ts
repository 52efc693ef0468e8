/**
 * What the hostile-config tests share: the projects' keys by namespace, a secret that must never
 * be printed, the projects' readers on a changed example stack, and what a refusal must look like
 * (one line naming its key, no secret, no library default, no long echo).
 */
import assert from "node:assert/strict";
import { ConfigError, formatProblem } from "../../shared/config/problems";
import { awsRegion, readSettings } from "../../shared/config/read";
import { ROOT_KEY_KINDS, ROOT_NAMESPACE, ROOT_SECRET_FIELDS, rootSettings } from "../../shared/config/root";
import { SOURCE_KEY_KINDS, SOURCE_NAMESPACE, sourceSettingsFor } from "../../shared/config/source";
import { WORKSPACE_KEY_KINDS, WORKSPACE_NAMESPACE, workspaceSettings } from "../../shared/config/workspace";
import { ROOT_DIR, SOURCE_DIR, Variant, WORKSPACE_DIR, exampleConfig } from "./program";

export const SRC = (k: string) => `grafana-athena-source:${k}`;
export const WS = (k: string) => `grafana-athena-workspace:${k}`;
export const ROOT = (k: string) => `grafana-athena:${k}`;
export const SECRET = "s3cr3t-value-that-must-never-be-printed-0123456789";
/** The root project's example objects, changed. */
export function rootSet(
    change: (c: { source: Record<string, unknown>; workspace: Record<string, unknown> }) => void,
): Record<string, unknown> {
    const { config } = exampleConfig(ROOT_DIR);
    const c = {
        source: JSON.parse(config[ROOT("source")]),
        workspace: JSON.parse(config[ROOT("workspace")]),
    };
    change(c);
    return { [ROOT("source")]: c.source, [ROOT("workspace")]: c.workspace };
}
/**
 * The projects' readers (shared/config/read.ts `readSettings` with each project's keys, schema and
 * secret fields, as the three components/rootConfig.ts files call it) on a project's example stack config
 * changed by `variant`: the same rules as a program run, without the mock runtime, so that every class of
 * hostile value can be tried in several forms and the suite stays fast. One program run per project
 * (the cases at the end) proves the wiring.
 */
export function readerProblems(dir: string, variant: Variant): string[] {
    const { config, secretKeys } = exampleConfig(dir, variant);
    const view = { all: config, isSecret: (k: string) => secretKeys.includes(k) };
    const region = awsRegion(config);
    const earlier = typeof region === "string" ? [] : [region];
    try {
        if (dir === SOURCE_DIR)
            readSettings(
                SOURCE_NAMESPACE,
                SOURCE_KEY_KINDS,
                sourceSettingsFor(typeof region === "string" ? region : undefined),
                earlier,
                view,
            );
        else if (dir === WORKSPACE_DIR)
            readSettings(WORKSPACE_NAMESPACE, WORKSPACE_KEY_KINDS, workspaceSettings, earlier, view);
        else readSettings(ROOT_NAMESPACE, ROOT_KEY_KINDS, rootSettings, [], view, ROOT_SECRET_FIELDS);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems.map(formatProblem);
        throw e;
    }
    return [];
}
/** Every problem one line that names its key, with no secret, no library default and no long echo. */
export function assertRefused(problems: string[], key: string, what: string, secret = SECRET) {
    const keys = problems.map((p) => p.slice(0, p.indexOf(": ")));
    assert.ok(
        keys.some((k) => k === key || k.startsWith(`${key}.`) || k.startsWith(`${key}[`)),
        `${what}: no problem names ${key}:\n${problems.join("\n")}`,
    );
    for (const p of problems) {
        assert.match(p, /^(grafana-athena(-source|-workspace)?|aws):[\w.[\]-]+: \S/, `${what}: ${p}`);
        assert.ok(!p.includes(secret), `${what}: a secret's value in: ${p}`);
        assert.doesNotMatch(
            p,
            /\[object Object\]|undefined|Invalid input|expected (string|object|array), received/,
            `${what}: ${p}`,
        );
        assert.ok(
            !p.includes("\n") && p.length <= 400,
            `${what}: ${p.length} characters: ${p.slice(0, 120)}…`,
        );
    }
}
export const SOURCE_RESULTS = { bucket: "grafana-athena-query-results-222233334444", prefix: "grafana/" };
export const DATA_BUCKET = "s3://example-sales-data-222233334444";
export const rootWith = (
    change: (c: { source: Record<string, unknown>; workspace: Record<string, unknown> }) => void,
) => rootSet(change);
