/**
 * The names users find this program's dashboards by: titles and tags, and the fleet dashboard's
 * variable that panel SQL may use. Every dashboard links to the others by these, and the config
 * rules read them without building a dashboard (no Grafana Foundation SDK loaded to check a stack
 * file), so they live apart from any one dashboard.
 */

export const SOURCE_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena"];
export const HOME_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena-home"];
export const HOME_DASHBOARD_TITLE = "Athena sources";

export const FLEET_DASHBOARD_TAGS: readonly string[] = ["athena", "grafana-athena-fleet"];
export const FLEET_DASHBOARD_TITLE = "Athena fleet";

/** The title of a team's fleet dashboard. */
export function teamFleetTitle(team: string): string {
    return `${FLEET_DASHBOARD_TITLE}: ${team}`;
}

/** The fleet dashboard's data source variable: one row per selected source. */
export const FLEET_VARIABLE = "source";
