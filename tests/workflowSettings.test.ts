/**
 * The settings checklist of docs/ci.md ("Settings checklist") kept in step with the CI: every
 * rule names the repository settings it relies on (a rule a setting does not back is a promise
 * the repository cannot keep), each of those is an item of the checklist, and the environments,
 * variables, secrets and required checks the workflows use are all there.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { RULES } from "./support/workflowRules";
import { TRUST_RULES } from "./support/workflowTrust";
import { REPO } from "./support/repo";

const DOC = fs.readFileSync(path.join(REPO, "docs", "ci.md"), "utf8");
const section = (title: string) => {
    const start = DOC.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `docs/ci.md has no section "${title}"`);
    const end = DOC.indexOf("\n## ", start + 4);
    return DOC.slice(start, end < 0 ? undefined : end);
};
/** The ids of the checklist's items, `- [ ] \`id\`: ...`, with the text of each. */
function checklist(text = section("Settings checklist")): Map<string, string> {
    const items = new Map<string, string>();
    for (const m of text.matchAll(/^- \[ \] `([a-z-]+)`: ([\s\S]*?)(?=^- \[ \] |^\s*$)/gm))
        items.set(m[1], m[2].replace(/\s+/g, " "));
    return items;
}

/** Without these, any rule can be removed by a pull request nobody who owns the CI reviewed. */
const EVERY_RULE = [
    "ruleset-pull-request",
    "ruleset-code-owners",
    "ruleset-no-bypass",
    "ruleset-dismiss-stale",
    "ruleset-last-push",
    "ruleset-required-checks",
];
/** What each rule relies on beyond EVERY_RULE. */
const RELIES_ON: Record<string, string[]> = {
    pinnedActions: ["actions-pinned-only"],
    trustedTriggers: ["actions-may-not-approve"],
    tokenPermissions: ["actions-read-only-token", "actions-may-not-approve"],
    pullRequestCredentials: [
        "environment-preview",
        "oidc-subject",
        "repository-variables",
        "environment-secrets",
    ],
    noActorConditions: [],
    commentFromData: ["actions-read-only-token"],
    productionFromMain: ["environment-plan", "environment-production", "oidc-subject", "environment-secrets"],
    noCaches: [],
    pulumiCliVerified: ["plugin-checksums"],
    shardedMatrices: ["repository-variables"],
    scheduledRun: ["private-repository"],
    noPersistedCredentials: [],
    noRunAfterFailure: [],
    noExpressionsInScripts: [],
    artifacts: ["private-repository"],
    noInstallScripts: [],
    codeOwners: [],
    timeouts: [],
    nodeVersion: [],
    noPluginAcquisition: ["plugin-checksums"],
    stateGuardFirst: ["environment-preview", "kms-secrets-provider"],
    approvalOfTheCommit: ["repository-variables", "environment-preview"],
    noPackageRunners: [],
    noCopiesIntoCheckout: [],
    noHeadCheckout: [],
};

type Wf = { jobs: Record<string, { name?: string; environment?: string | { name: string } }> };
const WORKFLOWS = fs.readdirSync(path.join(REPO, ".github", "workflows")).filter((f) => f.endsWith(".yml"));
const texts = WORKFLOWS.map((f) => fs.readFileSync(path.join(REPO, ".github", "workflows", f), "utf8"));
const parsed = (f: string) =>
    YAML.parse(fs.readFileSync(path.join(REPO, ".github", "workflows", f), "utf8")) as Wf;

describe("docs/ci.md's settings checklist is in step with the CI", () => {
    const items = checklist();

    it("every rule names the settings it relies on, and each is an item of the checklist; no item is left over", () => {
        assert.deepEqual(
            Object.keys(RELIES_ON).sort(),
            [...Object.keys(RULES), ...Object.keys(TRUST_RULES)].sort(),
        );
        const used = new Set([...EVERY_RULE, ...Object.values(RELIES_ON).flat()]);
        for (const id of used) assert.ok(items.has(id), `docs/ci.md's checklist has no item \`${id}\``);
        assert.deepEqual(
            [...items.keys()].filter((id) => !used.has(id)),
            [],
            "a checklist item no rule relies on",
        );
    });

    it("names every environment the workflows use, and the branch-protection settings GitHub calls by name", () => {
        const envs = new Set(
            WORKFLOWS.flatMap((f) =>
                Object.values(parsed(f).jobs).flatMap((j) =>
                    j.environment === undefined
                        ? []
                        : [typeof j.environment === "string" ? j.environment : j.environment.name],
                ),
            ),
        );
        for (const e of envs)
            assert.ok(items.has(`environment-${e}`), `the environment ${e} has no checklist item`);
        for (const [id, words] of [
            ["ruleset-code-owners", "Require review from Code Owners"],
            ["ruleset-dismiss-stale", "Dismiss stale pull request approvals when new commits are pushed"],
            ["ruleset-last-push", "Require approval of the most recent reviewable push"],
            ["actions-may-not-approve", "Allow GitHub Actions to create and approve pull requests"],
            ["ruleset-no-bypass", "bypass"],
        ])
            assert.ok(items.get(id)!.includes(words), `${id} says "${words}"`);
    });

    it("the required checks are the names of the jobs that run on every pull request", () => {
        const required = items.get("ruleset-required-checks")!;
        const named = [...required.matchAll(/`([^`]+)` \(([\w-]+\.yml)\)/g)].map((m) => [m[1], m[2]]);
        assert.ok(named.length >= 1, "no required check named");
        for (const [check, file] of named)
            assert.ok(
                Object.values(parsed(file).jobs).some((j) => j.name === check),
                `${file} has no job named "${check}"`,
            );
        assert.ok(
            named.some(
                ([c, f]) => f === "pull-request.yml" && c === parsed("pull-request.yml").jobs.test.name,
            ),
            "pull-request.yml's test job is a required check",
        );
    });

    it("every repository variable and secret the workflows read is in the settings table", () => {
        const table = section("Settings");
        const refs = (kind: string) =>
            new Set(
                texts.flatMap((t) =>
                    [...t.matchAll(new RegExp(`\\b${kind}\\.([A-Z_][A-Z0-9_]*)`, "g"))].map((m) => m[1]),
                ),
            );
        for (const v of refs("vars"))
            assert.match(
                table,
                new RegExp(`\\| \`${v}\` \\| repository variable \\|`),
                `vars.${v} is not in the settings table`,
            );
        for (const s of refs("secrets"))
            assert.ok(
                s === "GITHUB_TOKEN" || table.includes(`\`${s}\``),
                `secrets.${s} is not in the settings table`,
            );
    });

    it("catches a checklist that lost an item, and a rule with no settings named", () => {
        const without = checklist(
            section("Settings checklist").replace(/^- \[ \] `ruleset-last-push`:/m, "- removed:"),
        );
        assert.ok(!without.has("ruleset-last-push"));
        assert.ok(
            [...EVERY_RULE].some((id) => !without.has(id)),
            "the test would see the missing item",
        );
        assert.ok(
            !Object.keys({ ...RULES, ...TRUST_RULES, extraRule: () => [] }).every((k) => k in RELIES_ON),
            "a new rule must name its settings",
        );
    });
});
