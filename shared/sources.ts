/**
 * Rules over the set of sources one workspace stack charts: each is a data account of its own,
 * a data source under a name of its own, and no source's name passes for one of the program's
 * own dashboards or folders. Names are compared as a reader compares them (`nameKey`: case,
 * Unicode compatibility forms and look-alike characters folded).
 */
import type { PublicSourceOutputs } from "./contract";
import { FLEET_DASHBOARD_TITLE, HOME_DASHBOARD_TITLE, teamFleetTitle } from "./grafana/dashboardTitles";
import { teamFolderTitle } from "./grafana/permissions";
import { nameKey } from "./naming";

interface ChartedSource {
    /** The source stack's fully qualified name. */
    stack: string;
    /** The data source name it gets in Grafana (also its dashboard's title). */
    name: string;
    /** Where the name comes from: the workspace's `sources[].name`, or else the source's `label` output. */
    named?: boolean;
    outputs: PublicSourceOutputs;
}

/** The titles this workspace stack gives its own dashboards and folders. */
interface ProgramTitles {
    /** The stack's folder (`dashboard.folder`). */
    folder: string;
    /** The workspace's teams: each has a fleet dashboard and a folder of its own. */
    teams: readonly string[];
}

/**
 * The titles of the program's own dashboards and folders, and the prefixes of those it makes per
 * team, as `nameKey`s: a source named "Athena fleet" or "Athena fleet: finance" would make its
 * dashboard pass for the program's (in Grafana and in the plan's access table).
 */
function reservedKeys(titles: ProgramTitles): { exact: Map<string, string>; prefixes: [string, string][] } {
    const exact = new Map<string, string>();
    for (const t of [FLEET_DASHBOARD_TITLE, HOME_DASHBOARD_TITLE, titles.folder]) exact.set(nameKey(t), t);
    for (const team of titles.teams) {
        for (const t of [teamFleetTitle(team), teamFolderTitle(titles.folder, team)])
            exact.set(nameKey(t), t);
    }
    const prefixes: [string, string][] = [teamFleetTitle(""), `${titles.folder} (`].map((p) => [
        nameKey(p),
        p,
    ]);
    return { exact, prefixes };
}

/**
 * One line per problem of the set: two sources of one account (one account is one source: its
 * role ARN, which the contract ties to its account, is then unique too), two sources of one
 * name (data source names are unique in Grafana), a name that is, or looks like, one of the
 * program's own titles. Each line names the source stack and the key to change.
 */
export function sourceSetProblems(sources: readonly ChartedSource[], titles?: ProgramTitles): string[] {
    const problems: string[] = [];
    const byAccount = new Map<string, string>();
    const byRole = new Map<string, string>();
    for (const { stack, outputs } of sources) {
        const first = byAccount.get(outputs.accountId);
        const firstRole = byRole.get(outputs.roleArn);
        if (first !== undefined) {
            problems.push(
                `source stacks "${first}" and "${stack}" both claim the account ` +
                    `${outputs.accountId} (output "accountId"): ` +
                    `one data account is one source stack; list it once`,
            );
        } else if (firstRole !== undefined) {
            problems.push(
                `source stacks "${firstRole}" and "${stack}" both claim the role ` +
                    `${outputs.roleArn} (output "roleArn"); list it once`,
            );
        }
        byAccount.set(outputs.accountId, first ?? stack);
        byRole.set(outputs.roleArn, firstRole ?? stack);
    }
    // "Sales", "ＳＡＬＥＳ" and "Sаles" (Cyrillic а) would be data sources that look like one.
    const byName = new Map<string, { stack: string; name: string }>();
    const reserved = titles === undefined ? undefined : reservedKeys(titles);
    for (const { stack, name, named } of sources) {
        const key = nameKey(name);
        const where = named ? "its name in sources[].name" : `its output "label"`;
        const first = byName.get(key);
        if (first) {
            const alike =
                first.name === name
                    ? `both be called "${name}"`
                    : `be called "${first.name}" and "${name}", which look alike,`;
            problems.push(
                `source stacks "${first.stack}" and "${stack}" would ${alike} in ` +
                    `Grafana; give one a name (sources[].name)`,
            );
        } else {
            byName.set(key, { stack, name });
        }
        const title = reserved?.exact.get(key) ?? reserved?.prefixes.find(([p]) => key.startsWith(p))?.[1];
        if (title !== undefined) {
            problems.push(
                `source stack "${stack}": ${where} is "${name}", which is or looks like ` +
                    `"${title}", a title of this workspace stack's own ` +
                    `dashboards and folders; give the source another ` +
                    `${named ? "name" : "label (or a name in sources[].name)"}`,
            );
        }
    }
    return problems;
}
