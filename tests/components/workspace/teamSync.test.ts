/**
 * Teams synced from the identity provider: `teams[].groups` (IAM Identity Center group IDs or SAML
 * group names) validated with one line naming the key, planned as the provider's `teamSync`, and
 * shown in the access table and the pull request's access diff.
 */
import assert from "node:assert/strict";
import { workspaceSettings } from "../../../shared/config/workspace";
import { accessChanges, accessTable } from "../../../tools/plan/access";
import { WORKSPACE_DIR, byType, configProblems } from "../../support/program";
import {
    PlannedSource,
    planSource,
    planWorkspace,
    workspaceVariant,
    wsKey,
} from "../../support/workspaceSources";

const TEAM = "grafana:oss/team:Team";
const GROUP = "9a6731e4-1051-70a9-2f5b-5c3a1c1e0c11";

describe("teams from the identity provider: the groups key", () => {
    const problems = (teams: unknown) => {
        const r = workspaceSettings.safeParse({ workspaceId: "g-0123456789", sources: [], teams });
        return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };

    it("takes Identity Center group IDs and SAML group names, with or without members", () => {
        assert.deepEqual(
            problems([
                { name: "a", groups: [GROUP, "CN=Sales Analysts,OU=Groups"] },
                { name: "b", groups: [GROUP], members: ["x@example.com"] },
            ]),
            [],
        );
        const parsed = workspaceSettings.parse({
            workspaceId: "g-0123456789",
            sources: [],
            teams: [{ name: "a", groups: [GROUP] }],
        });
        assert.deepEqual(parsed.teams[0].groups, [GROUP]);
    });

    it("refuses a SAML group name on a created workspace that signs in with Identity Center only: no user would join", () => {
        const created = (authentication: string[] | undefined, groups: string[]) => {
            const r = workspaceSettings.safeParse({
                createWorkspace: { name: "observability", ...(authentication ? { authentication } : {}) },
                sources: [],
                teams: [{ name: "a", groups }],
            });
            return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        };
        for (const sso of [undefined, ["AWS_SSO"]])
            assert.deepEqual(created(sso, [GROUP, "finance-analysts"]), [
                'teams.0.groups.1: is "finance-analysts", not an IAM Identity Center group ID, and the ' +
                    "workspace signs in with IAM Identity Center only (createWorkspace.authentication): no " +
                    "user would join the team; give the group's ID (Identity Store GroupId)",
            ]);
        // With SAML any value may be what the assertion carries; an existing workspace's sign-in is unknown.
        assert.deepEqual(created(["AWS_SSO", "SAML"], [GROUP, "finance-analysts"]), []);
        assert.deepEqual(created(["SAML"], ["finance-analysts"]), []);
        assert.deepEqual(problems([{ name: "a", groups: ["finance-analysts"] }]), []);
    });

    it("refuses duplicates after folding, unbounded lists and lengths, and odd characters, naming the key", () => {
        assert.deepEqual(problems([{ name: "a", groups: ["Sales", "sales"] }]), [
            "teams.0.groups: lists a group twice (compared without case)",
        ]);
        assert.deepEqual(problems([{ name: "a", groups: ["ｓales", "sales"] }]), [
            "teams.0.groups: lists a group twice (compared without case)",
        ]);
        assert.deepEqual(problems([{ name: "a", groups: Array.from({ length: 101 }, (_, i) => `g${i}`) }]), [
            "teams.0.groups: must list at most 100 groups",
        ]);
        assert.match(
            problems([{ name: "a", groups: ["x".repeat(191)] }])[0],
            /^teams\.0\.groups\.0: must be at most 190 characters/,
        );
        assert.match(
            problems([{ name: "a", groups: [""] }])[0],
            /^teams\.0\.groups\.0: must be an IAM Identity Center group ID or a SAML group name/,
        );
        assert.match(
            problems([{ name: "a", groups: ["a\nb"] }])[0],
            /^teams\.0\.groups\.0: must be one line/,
        );
        assert.match(
            problems([{ name: "a", groups: ["sa\u200bles"] }])[0],
            /^teams\.0\.groups\.0: must not hold invisible characters/,
        );
        assert.match(
            problems([{ name: "a", groups: [" sales"] }])[0],
            /^teams\.0\.groups\.0: must not start or end with a space/,
        );
        assert.match(
            problems([{ name: "a", groups: "sales" }])[0],
            /^teams\.0\.groups: must be a list of IAM Identity Center group IDs or SAML group names/,
        );
        assert.match(problems([{ name: "a", groups: [7] }])[0], /^teams\.0\.groups\.0: /);
        assert.deepEqual(problems([{ name: "a", existing: true, groups: [GROUP] }]), [
            "teams.0.groups: must be left out for an existing team: its " +
                "team sync is managed where the team is",
        ]);
    });
});

describe("teams from the identity provider: groups that look alike", () => {
    const problems = (teams: unknown) => {
        const r = workspaceSettings.safeParse({ workspaceId: "g-0123456789", sources: [], teams });
        return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };

    it("refuses two spellings a reader cannot tell apart, in one team or two, naming both", () => {
        // A pull request adding the look-alike (a Cyrillic у, а) passes for a no-op to the reviewer.
        for (const [a, b] of [
            ["finance-analysts", "finance-anal\u0443sts"],
            ["Finance", "finance"],
            [GROUP, GROUP.replace("a", "\u0430")],
        ]) {
            assert.deepEqual(
                problems([
                    { name: "a", groups: [a] },
                    { name: "b", groups: [b] },
                ]).map((p) => p.split(", which")[0]),
                [
                    `teams.1.groups: lists the groups ${JSON.stringify(a)} (team "a") ` +
                        `and ${JSON.stringify(b)} (team "b")`,
                ],
            );
        }
        assert.match(
            problems([{ name: "a", groups: ["finance-analysts", "finance-anal\u0443sts"] }]).join("\n"),
            /^teams\.0\.groups: lists the groups "finance-analysts" \(team "a"\) and .* which look alike/,
        );
    });

    it("allows one group in several teams: what it says", () => {
        assert.deepEqual(
            problems([
                { name: "a", groups: [GROUP] },
                { name: "b", groups: [GROUP, "sales"] },
            ]),
            [],
        );
    });
});

describe("teams from the identity provider: the workspace planned", function () {
    this.timeout(60_000);
    let ops: PlannedSource;
    before(async () => {
        ops = await planSource({
            stack: "organization/grafana-athena-source/ops",
            account: "333344445555",
            label: "Ops",
            teams: ["finance"],
        });
    });
    const withTeams = (teams: unknown) => planWorkspace([ops], { set: { [wsKey("teams")]: teams } });

    it("syncs the team from its groups through teamSync, sorted and whole; members by email stay possible", async () => {
        const run = await withTeams([
            { name: "finance", groups: ["ops", GROUP], members: ["ana@example.com"] },
        ]);
        const [team] = byType(run, TEAM);
        assert.deepEqual(team.inputs.teamSync, { groups: [GROUP, "ops"] });
        assert.deepEqual(team.inputs.members, ["ana@example.com"]);
        const plain = await withTeams([{ name: "finance" }]);
        assert.equal(byType(plain, TEAM)[0].inputs.teamSync, undefined, "no groups: no team sync managed");
    });

    it("shows the groups in the access table, and a change of groups as a change of access", async () => {
        const before = await withTeams([{ name: "finance", groups: [GROUP] }]);
        const after = await withTeams([{ name: "finance", groups: [GROUP, "ops"] }]);
        const row = accessTable(before.plan)!.find((r) => r.principal.startsWith("team finance"))!;
        assert.equal(row.principal, `team finance (groups ${GROUP})`);
        assert.deepEqual(row.dataSources, ["Ops"]);
        const changes = accessChanges(before.plan, after.plan);
        assert.ok(
            changes.includes(`+ team finance (groups ${GROUP}, ops) may query "Ops"`),
            changes.join("\n"),
        );
        assert.ok(changes.includes(`- team finance (groups ${GROUP}) may query "Ops"`), changes.join("\n"));
    });

    it("refuses a bad groups key before planning, naming it", async () => {
        const problems = await configProblems(
            WORKSPACE_DIR,
            workspaceVariant([ops], { set: { [wsKey("teams")]: [{ name: "finance", groups: ["a", "A"] }] } }),
        );
        assert.deepEqual(problems, [
            "grafana-athena-workspace:teams[0].groups: lists a group twice (compared without case)",
        ]);
    });
});
