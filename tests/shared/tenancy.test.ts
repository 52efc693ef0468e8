/**
 * Tenancy as an attacker tries it: look-alike team, data source and folder names (NFKC, case
 * folding and Unicode's confusable skeleton), a source label that passes for one of the program's
 * own dashboards, two sources claiming one account or role, an external ID that is not a secret,
 * and outputs large enough to make the workspace's plan unreviewable. Pure rules, no mocks; the
 * workspace program's own refusals of the same cases are in components/workspace/workspaceRefusals.test.ts.
 */
import assert from "node:assert/strict";
import { MAX_SOURCE_PANEL_SQL_CHARS, MAX_TEAMS } from "../../shared/config/bounds";
import { sourceOutputs } from "../support/sourceOutputs";
import { teamList } from "../../shared/config/workspace";
import { PublicSourceOutputs, checkPublicSourceOutputs, checkSourceOutputs } from "../../shared/contract";
import { undefinedTeamProblems } from "../../shared/grafana/permissions";
import { nameKey, skeleton } from "../../shared/naming";
import { Refusal } from "../../shared/refusal";
import { sourceSetProblems } from "../../shared/sources";
import { sharedWorkspaceProblems, workspaceSummary } from "../../shared/inventory";

/**
 * Look-alikes of "finance": upper case, full-width, a Cyrillic і, a ligature, a dotless ı with a
 * combining dot above (drawn as i), an i with one (its dot drawn over the i's own), a Turkish İ.
 */
const FINANCE_ALIKES = [
    "Finance",
    "ｆｉｎａｎｃｅ",
    "f\u0456nance",
    "\ufb01nance",
    "FINANCE ",
    "f\u0131\u0307nance",
    "fi\u0307nance",
    "fi\u0307\u0307nance",
    "F\u0130NANCE",
];

const outputs = (account: string, label = "Sales"): PublicSourceOutputs => sourceOutputs(account, { label });

const refusalOf = (f: () => unknown): string => {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof Refusal, String(e));
        return e.message;
    }
    throw new Error("accepted");
};

describe("names compared as a reader compares them", () => {
    it("folds case, compatibility forms and look-alike characters of other scripts to one key", () => {
        for (const alike of FINANCE_ALIKES) assert.equal(nameKey(alike), nameKey("finance"), alike);
        // UTS #39: "rn" looks like "m", "0" like "O"; different names stay different.
        assert.equal(skeleton("rn"), skeleton("m"));
        assert.notEqual(nameKey("finance"), nameKey("fiance"));
        assert.notEqual(nameKey("sales-eu"), nameKey("sales-us"));
    });
});

describe("the workspace's teams", () => {
    it("refuses two teams that look alike, whichever way they differ", () => {
        for (const alike of FINANCE_ALIKES.map((a) => a.trim())) {
            const parsed = teamList.safeParse([{ name: "finance", existing: true }, { name: alike }]);
            assert.equal(parsed.success, false, alike);
            assert.match(
                parsed.error!.issues[0].message,
                /^lists the teams "finance" and ".+", which look alike \(names are compared ignoring case/,
                alike,
            );
        }
        assert.equal(teamList.safeParse([{ name: "finance" }, { name: "sales" }]).success, true);
    });

    it("refuses a team name holding {{, which Grafana would expand in its rules' team label", () => {
        const parsed = teamList.safeParse([{ name: '{{ "finance" }}' }]);
        assert.equal(parsed.success, false);
        assert.match(parsed.error!.issues[0].message, /^must not hold \{\{: a team's name is the team label/);
        const source = checkPublicSourceOutputs.bind(undefined, "organization/grafana-athena-source/s");
        assert.throws(
            () => source({ ...outputs("222233334444"), teams: ['{{ "finance" }}'] }, "valid"),
            /output "teams\[0\]" must not hold \{\{/,
        );
    });

    it("refuses a team name with a blank that is no space (U+2800 draws nothing)", () => {
        const parsed = teamList.safeParse([{ name: "finance team" }, { name: "finance\u2800team" }]);
        assert.equal(parsed.success, false);
        assert.match(parsed.error!.issues[0].message, /must not hold invisible characters/);
    });

    it("refuses more teams than a workspace stack manages", () => {
        const parsed = teamList.safeParse(
            Array.from({ length: MAX_TEAMS + 1 }, (_, i) => ({ name: `team-${i}` })),
        );
        assert.equal(
            parsed.error!.issues[0].message,
            `lists ${MAX_TEAMS + 1} teams, more than the ${MAX_TEAMS} a workspace stack manages`,
        );
    });

    it("says a source's team looks like the workspace's when it is not it", () => {
        const problems = undefinedTeamProblems(
            ["finance"],
            [{ key: "o/grafana-athena-source/hr", teams: ["f\u0456nance"] }],
        );
        assert.deepEqual(problems, [
            'source stack "o/grafana-athena-source/hr" names the team "f\u0456nance", which ' +
                'looks like the workspace\'s team "finance" but is not it: ' +
                "name the team exactly as grafana-athena-workspace:teams does",
        ]);
    });
});

describe("the set of sources", () => {
    const titles = { folder: "Athena", teams: ["sales-analysts"] };

    it("refuses two sources of one account, or of one role", () => {
        assert.deepEqual(
            sourceSetProblems([
                { stack: "o/p/a", name: "A", outputs: outputs("222233334444") },
                { stack: "o/p/b", name: "B", outputs: { ...outputs("222233334444"), workgroup: "other" } },
            ]),
            [
                'source stacks "o/p/a" and "o/p/b" both claim the account 222233334444 (output ' +
                    '"accountId"): one data account is one source stack; list it once',
            ],
        );
        const role = outputs("222233334444").roleArn;
        assert.deepEqual(
            sourceSetProblems([
                { stack: "o/p/a", name: "A", outputs: outputs("222233334444") },
                { stack: "o/p/b", name: "B", outputs: { ...outputs("333344445555"), roleArn: role } },
            ]),
            [
                `source stacks "o/p/a" and "o/p/b" both claim the role ` +
                    `${role} (output "roleArn"); list it once`,
            ],
        );
    });

    it("refuses data source names that look alike", () => {
        for (const alike of ["SALES", "Ｓａｌｅｓ", "S\u0430les"]) {
            const problems = sourceSetProblems([
                { stack: "o/p/a", name: "Sales", outputs: outputs("222233334444") },
                { stack: "o/p/b", name: alike, outputs: outputs("333344445555") },
            ]);
            assert.deepEqual(problems, [
                `source stacks "o/p/a" and "o/p/b" would be called "Sales" and "${alike}", which ` +
                    `look alike, in Grafana; give one a name (sources[].name)`,
            ]);
        }
    });

    it("refuses a label or name that is, or looks like, a title of the program's own dashboards and folders", () => {
        for (const [label, title] of [
            ["Athena fleet", "Athena fleet"],
            ["Athena sources", "Athena sources"],
            ["Athena fleet: sales-analysts", "Athena fleet: sales-analysts"],
            ["ATHENA FLEET: anyone", "Athena fleet: "],
            ["Athena", "Athena"],
            ["Athena (sales-analysts)", "Athena (sales-analysts)"],
            ["\u0410thena fleet", "Athena fleet"],
        ]) {
            const problems = sourceSetProblems(
                [{ stack: "o/p/a", name: label, outputs: outputs("222233334444", label) }],
                titles,
            );
            assert.deepEqual(problems, [
                `source stack "o/p/a": its output "label" is "${label}", which is or looks ` +
                    `like "${title}", a title of this workspace stack's own ` +
                    "dashboards and folders; give the source another label (or a name in sources[].name)",
            ]);
        }
        const named = sourceSetProblems(
            [{ stack: "o/p/a", name: "Athena fleet", named: true, outputs: outputs("222233334444") }],
            titles,
        );
        assert.match(
            named[0],
            /^source stack "o\/p\/a": its name in sources\[\]\.name is "Athena fleet", .* give the source another name$/,
        );
        assert.deepEqual(
            sourceSetProblems(
                [{ stack: "o/p/a", name: "Sales fleet", outputs: outputs("222233334444") }],
                titles,
            ),
            [],
        );
    });
});

describe("a source's outputs, bounded and secret", () => {
    const stack = "o/grafana-athena-source/big";
    const good = { ...outputs("222233334444"), externalId: "x".repeat(48), tables: ["orders"], panels: [] };

    it("refuses 200,000 teams in one line, before reading them", () => {
        const teams = Array.from({ length: 200_000 }, (_, i) => `team-${i}`);
        const message = refusalOf(() => checkSourceOutputs(stack, { ...good, teams }));
        assert.equal(
            message,
            `source stack "${stack}": output "teams" lists 200000 items, ` +
                `more than the ${MAX_TEAMS} it may hold`,
        );
        // 200,000 malformed items are one line too, not 200,000 problems.
        const bad = refusalOf(() =>
            checkSourceOutputs(stack, { ...good, tables: Array.from({ length: 200_000 }, () => "A B") }),
        );
        assert.equal(bad.split("\n").length, 1);
        assert.ok(bad.length < 500, bad.slice(0, 200));
    });

    it("refuses a team twice, however it is written, and more than MAX_TEAMS", () => {
        assert.match(
            refusalOf(() => checkSourceOutputs(stack, { ...good, teams: ["finance", "f\u0456nance"] })),
            /output "teams" lists a team twice \(names are compared ignoring case/,
        );
        const many = Array.from({ length: MAX_TEAMS }, (_, i) => `team-${i}`);
        assert.deepEqual(checkSourceOutputs(stack, { ...good, teams: many }).teams, many);
    });

    it("refuses more panel SQL than one source may bring to the workspace's plan", () => {
        const panel = (i: number) => ({
            type: "stat",
            title: `P${i}`,
            sql: `SELECT ${"1 + ".repeat(1_200)}1 FROM orders`,
        });
        const panels = Array.from({ length: 30 }, (_, i) => panel(i));
        const total = panels.reduce((n, p) => n + p.sql.length, 0);
        assert.ok(total > MAX_SOURCE_PANEL_SQL_CHARS);
        assert.equal(
            refusalOf(() => checkSourceOutputs(stack, { ...good, panels })),
            `source stack "${stack}": output "panels" holds ${total} characters of SQL, more than the ` +
                `${MAX_SOURCE_PANEL_SQL_CHARS} one source may bring to the workspace's plan`,
        );
    });

    it("refuses an external ID that arrives as a plain output, without showing it", () => {
        const { externalId, ...rest } = good;
        const message = refusalOf(() => checkPublicSourceOutputs(stack, rest, "valid", undefined, []));
        assert.equal(
            message,
            `source stack "${stack}": output "externalId" is not a secret: a source stack of ` +
                `this program exports it as one (its value is not shown)`,
        );
        assert.ok(!message.includes(externalId));
        assert.deepEqual(
            checkPublicSourceOutputs(stack, rest, "valid", undefined, ["externalId"]).accountId,
            "222233334444",
        );
        // A source component of the same program hands its secret over directly: nothing to ask of a stack.
        assert.deepEqual(checkPublicSourceOutputs(stack, rest, "valid").accountId, "222233334444");
    });
});

describe("two workspace stacks on one workspace, routing alerts", () => {
    const WS_NS = "grafana-athena-workspace";
    const summary = (stack: string, teams: unknown[], workspaceId = "g-0123456789") =>
        workspaceSummary(
            stack,
            {
                [`${WS_NS}:workspaceId`]: workspaceId,
                [`${WS_NS}:dashboard`]: { folder: `Athena ${stack}` },
                [`${WS_NS}:teams`]: teams,
                [`${WS_NS}:sources`]: [{ stack: `organization/grafana-athena-source/${stack}`, name: stack }],
            },
            [],
        );
    const routes = (name: string) => [{ name, existing: true, contactPoint: "pager" }];

    it("are refused: each stack's notification policy tree would replace the other's", () => {
        const problems = sharedWorkspaceProblems(summary("a", routes("finance")), [
            summary("b", routes("finance")),
        ]);
        assert.deepEqual(
            problems.map((p) => `${p.key}: ${p.message}`),
            [
                `${WS_NS}:teams: routes alerts (teams[].contactPoint of "finance"), and so does workspace ` +
                    `stack "b" on the same workspace g-0123456789 ("finance"): Grafana keeps one ` +
                    `notification policy tree per organisation, and each stack's would replace the ` +
                    `other's, sending the other's teams' alerts elsewhere; route every team's alerts ` +
                    `from one of the two stacks`,
            ],
        );
    });

    it("are allowed when one of the two routes, or on two workspaces", () => {
        assert.deepEqual(
            sharedWorkspaceProblems(summary("a", routes("finance")), [summary("b", [{ name: "ops" }])]),
            [],
        );
        assert.deepEqual(
            sharedWorkspaceProblems(summary("a", routes("finance")), [
                summary("b", routes("ops"), "g-9999999999"),
            ]),
            [],
        );
    });
});
