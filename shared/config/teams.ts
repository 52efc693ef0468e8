/**
 * The workspace's `teams`: each team's settings (members, Identity Center or SAML groups, its
 * contact point) and the list, with look-alike names refused.
 */
import { z } from "zod";
import type { TeamSpec } from "../grafana/permissions";
import { nameKey } from "../naming";
import { MAX_TEAMS } from "./bounds";
import * as r from "./rules";

/** Groups one team may be synced from: a bound on the plan's size, far above what a team needs. */
const MAX_TEAM_GROUPS = 100;

/** A group as compared for duplicates: Unicode-normalised, without case. */
const foldGroup = (g: string) => g.normalize("NFKC").toLowerCase();

const teamSettings = z
    .object(
        {
            name: r.teamName,
            existing: r
                .bool("the team exists already: look it up by name, never create or delete it")
                .default(false),
            members: z
                .array(r.memberEmail, {
                    error: (i) => `must be a list of email addresses, got ${r.describe(i.input)}`,
                })
                .refine((ms) => new Set(ms.map((m) => m.toLowerCase())).size === ms.length, {
                    error: "lists a member twice",
                })
                .optional(),
            groups: z
                .array(r.teamGroup, {
                    error: (i) =>
                        `must be a list of IAM Identity Center group IDs or SAML ` +
                        `group names, got ${r.describe(i.input)}`,
                })
                .max(MAX_TEAM_GROUPS, { error: `must list at most ${MAX_TEAM_GROUPS} groups` })
                // Folded: Grafana's unique index on (org, team, group) may compare case-insensitively
                // (MySQL's default collation), and two spellings of one group are one group to a reader.
                .refine((gs) => new Set(gs.map(foldGroup)).size === gs.length, {
                    error: "lists a group twice (compared without case)",
                })
                .optional(),
            contactPoint: r.displayName("a contact point name").optional(),
        },
        { error: r.objectOf("{name, existing?, members?, groups?, contactPoint?}") },
    )
    .strict()
    .superRefine((t, ctx) => {
        if (t.existing === true && t.members !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["members"],
                message:
                    "must be left out for an existing team: its members are managed " +
                    "where the team is (by hand, or by team sync)",
            });
        }
        if (t.existing === true && t.groups !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["groups"],
                message: "must be left out for an existing team: its team sync is managed where the team is",
            });
        }
    }, r.onAnyObject)
    .transform((t): TeamSpec => ({
        name: t.name,
        existing: t.existing,
        members: t.members,
        groups: t.groups,
        contactPoint: t.contactPoint,
    }));

/**
 * The workspace's teams. None (the default): Grafana's defaults (every user may query every data
 * source and view every dashboard). Some: every data source, folder and dashboard of the stack gets
 * exactly the grants its sources' teams call for, and no role-wide grant.
 */
export const teamList = z
    .array(teamSettings, {
        error: (i) => `must be a list of {name, existing?, members?, groups?}, got ${r.describe(i.input)}`,
    })
    .max(MAX_TEAMS, {
        error: (i) =>
            `lists ${(i.input as unknown[]).length} teams, more than the ` +
            `${MAX_TEAMS} a workspace stack manages`,
    })
    .superRefine((ts, ctx) => {
        // Compared as a reader compares them: "finance", "Finance" and "fіnance" (Cyrillic і) are one
        // name to a reader, and a source naming one would grant its data to whoever fills the other.
        const seen = new Map<string, string>();
        for (const t of ts) {
            const first = seen.get(nameKey(t.name));
            if (first !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    message:
                        first === t.name
                            ? `lists the team "${t.name}" twice`
                            : `lists the teams "${first}" and "${t.name}", which look alike (names are ` +
                              `compared ignoring case, Unicode compatibility forms and look-alike ` +
                              `characters)`,
                });
                return;
            }
            seen.set(nameKey(t.name), t.name);
        }
        // A group is who gets a team's grants. Two spellings that a reader cannot tell apart
        // (`finance-analysts` and `finance-analуsts` with a Cyrillic у, `Finance` and `finance`)
        // in one stack are one group to the reviewer and two to the identity provider: a pull
        // request adding the look-alike to a team would pass for a no-op. The same group in
        // several teams is what it says, and allowed.
        const groups = new Map<string, { group: string; team: string }>();
        for (const [i, t] of ts.entries()) {
            for (const group of t.groups ?? []) {
                const first = groups.get(nameKey(group));
                // Case and width variants in one team: refused by the team's own rule, once.
                const own = first?.team === t.name && foldGroup(first.group) === foldGroup(group);
                if (first !== undefined && first.group !== group && !own) {
                    ctx.addIssue({
                        code: "custom",
                        path: [i, "groups"],
                        message:
                            `lists the groups ${JSON.stringify(first.group)} (team "${first.team}") and ` +
                            `${JSON.stringify(group)} (team "${t.name}"), which look alike (compared ` +
                            `ignoring case, Unicode compatibility forms and look-alike characters): ` +
                            `write each group as the identity provider spells it, once`,
                    });
                    return;
                }
                groups.set(nameKey(group), { group, team: t.name });
            }
        }
    });

/**
 * The groups that can never match on a workspace the stack creates with IAM Identity Center as
 * its only sign-in (`createWorkspace.authentication` `[AWS_SSO]`): Grafana syncs a team from the
 * group IDs Identity Center gives, so a SAML group name (`finance-analysts`) would leave the team
 * empty while the plan and the access table say its group may query. Each with the path of the
 * group. With SAML, any value may be what the assertion carries.
 */
export function teamGroupProblems(
    teams: unknown,
    createWorkspace: unknown,
): { path: (string | number)[]; message: string }[] {
    const authentication = (createWorkspace as { authentication?: unknown } | undefined)?.authentication;
    if (!Array.isArray(teams) || !Array.isArray(authentication) || authentication.includes("SAML")) return [];
    const problems: { path: (string | number)[]; message: string }[] = [];
    teams.forEach((t: { groups?: unknown }, i) => {
        if (!Array.isArray(t?.groups)) return;
        t.groups.forEach((g: unknown, j) => {
            if (typeof g === "string" && !r.IDENTITY_CENTER_GROUP_ID.test(g))
                problems.push({
                    path: ["teams", i, "groups", j],
                    message:
                        `is ${r.describe(g)}, not an IAM Identity Center group ID, and the workspace ` +
                        `signs in with IAM Identity Center only (createWorkspace.authentication): no ` +
                        `user would join the team; give the group's ID (Identity Store GroupId)`,
                });
        });
    });
    return problems;
}
