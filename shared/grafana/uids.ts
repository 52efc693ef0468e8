/**
 * Grafana uids: the one place that knows Grafana's rules for them (at most 40 characters of
 * `[A-Za-z0-9_-]`) and how this program derives each from a stable key, so that reordering or
 * relabelling sources never changes one.
 */
import { shortHash } from "../naming";
import { Refusal } from "../refusal";

/** Grafana's limit for a uid. */
const UID_MAX_LENGTH = 40;
const UID_PATTERN = /^[A-Za-z0-9_-]+$/;
/**
 * Hex characters of the hash in a dashboard uid: 80 bits make collisions among thousands of sources
 * negligible.
 */
const DASHBOARD_HASH_LENGTH = 20;

/** Whether `uid` is a uid Grafana accepts. */
export function isGrafanaUid(uid: unknown): uid is string {
    return typeof uid === "string" && UID_PATTERN.test(uid) && uid.length <= UID_MAX_LENGTH;
}

/**
 * The uid of the Athena data source of the source stack `stack` in the workspace stack `scope`
 * (`project/stack`): stable across runs, and different in two workspace stacks that share a
 * Grafana workspace, where data source uids must be unique.
 */
export function dataSourceUid(scope: string, stack: string): string {
    return `athena-${shortHash(`${scope}\n${stack}`, 20)}`;
}

/** The uid of the folder `title` of the workspace stack `scope` (`project/stack`). */
export function folderUid(scope: string, title: string): string {
    return `athena-folder-${shortHash(`${scope}/${title}`, 12)}`;
}

/**
 * A Grafana dashboard uid: `<prefix>-<20 hex chars>`. The hash covers the prefix and the key, so
 * the uid for one key differs per prefix (and from the data source uid of the same stack).
 */
export function dashboardUid(prefix: string, key: string): string {
    if (typeof prefix !== "string" || !UID_PATTERN.test(prefix)) {
        throw new Refusal(
            `dashboard uid prefix ${JSON.stringify(prefix)} must be non-empty ` +
                `and use only letters, digits, "-" and "_"`,
        );
    }
    const maxPrefix = UID_MAX_LENGTH - DASHBOARD_HASH_LENGTH - 1;
    if (prefix.length > maxPrefix) {
        throw new Refusal(
            `dashboard uid prefix "${prefix}" is longer than ${maxPrefix} ` +
                `characters (uids are at most ${UID_MAX_LENGTH})`,
        );
    }
    if (typeof key !== "string" || key.length === 0) {
        throw new Refusal(`dashboard uid key must be a non-empty string`);
    }
    return `${prefix}-${shortHash(`${prefix}\n${key}`, DASHBOARD_HASH_LENGTH)}`;
}

/**
 * The home dashboard's uid. `scope` (the workspace stack, `project/stack`) keeps two stacks that
 * share a Grafana workspace from writing over each other's home dashboard.
 */
export function homeDashboardUid(scope = "home"): string {
    return dashboardUid("athena-home", scope);
}

/** A source's dashboard uid: one per source per workspace stack. */
export function sourceDashboardUid(scope: string | undefined, sourceKey: string): string {
    return dashboardUid("athena", scope === undefined ? sourceKey : `${scope}/${sourceKey}`);
}

/** The fleet dashboard's uid: one per workspace stack. */
export function fleetDashboardUid(scope = "fleet"): string {
    return dashboardUid("athena-fleet", scope);
}

/**
 * A team's fleet dashboard uid (its sources on one dashboard): one per team per workspace stack.
 * The hash covers the team, so renaming a team replaces its dashboard rather than another's.
 */
export function teamFleetDashboardUid(scope: string, team: string): string {
    return dashboardUid("athena-fleet", `${scope}\nteam\n${team}`);
}
