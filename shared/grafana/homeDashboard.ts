/**
 * The entry point of a workspace stack's dashboards: one text panel linking every source's
 * dashboard, or, where access is per team, every team's fleet dashboard. Pure: same input →
 * byte-identical JSON.
 */
import * as text from "@grafana/grafana-foundation-sdk/text";
import { Refusal } from "../refusal";
import { byCodeUnits } from "../order";
import { athenaDashboard, BuiltDashboard, dashboardLink, finish } from "./dashboardBuilder";
import {
    FLEET_DASHBOARD_TITLE,
    HOME_DASHBOARD_TAGS,
    HOME_DASHBOARD_TITLE,
    SOURCE_DASHBOARD_TAGS,
    teamFleetTitle,
} from "./dashboardTitles";
import { GRID_COLUMNS } from "./layout";
import { nonEmpty } from "./panelSpec";
import { fleetDashboardUid, homeDashboardUid, isGrafanaUid, teamFleetDashboardUid } from "./uids";

/** Escapes text for Markdown (CommonMark/GFM table cells): every ASCII punctuation mark that matters. */
function markdownText(value: string): string {
    return value.replace(/[\r\n\t]+/g, " ").replace(/[\\`*_{}[\]()<>#+\-.!|~&]/g, "\\$&");
}

/**
 * The entry point: one text panel with a Markdown table linking every source dashboard, sorted
 * by label (then uid). A single panel stays usable with hundreds of sources (it scrolls).
 *
 * With `teams` (a workspace whose access is per team) it links each team's fleet dashboard
 * instead, and names no source: every team may view it, and a list of sources would tell each
 * team the names of accounts it may not use. Grafana's search shows each user only the source
 * dashboards their teams may view.
 */
export function homeDashboard(
    sources: readonly { label: string; dashboardUid: string }[],
    options: { title?: string; scope?: string; teams?: readonly string[] } = {},
): BuiltDashboard {
    if (options.teams !== undefined) return teamsHomeDashboard(options.teams, options);
    if (!Array.isArray(sources)) {
        throw new Refusal("home dashboard sources must be a list");
    }
    const title = options.title === undefined ? HOME_DASHBOARD_TITLE : options.title;
    if (!nonEmpty(title)) {
        throw new Refusal("home dashboard title must not be empty");
    }
    const seen = new Set<string>();
    for (const s of sources) {
        if (!nonEmpty(s?.label)) {
            throw new Refusal(
                "home dashboard: every source needs a non-empty label " +
                    `(dashboard uid ${JSON.stringify(s?.dashboardUid)})`,
            );
        }
        if (!isGrafanaUid(s.dashboardUid)) {
            throw new Refusal(
                `home dashboard: source "${s.label}" has an invalid dashboard uid ` +
                    JSON.stringify(s.dashboardUid),
            );
        }
        if (seen.has(s.dashboardUid)) {
            throw new Refusal(`home dashboard: dashboard uid "${s.dashboardUid}" is listed twice`);
        }
        seen.add(s.dashboardUid);
    }
    const sorted = [...sources].sort(
        (a, b) => byCodeUnits(a.label, b.label) || byCodeUnits(a.dashboardUid, b.dashboardUid),
    );

    const lines =
        sorted.length === 0
            ? ["No Athena sources are configured yet."]
            : [
                  `${sorted.length} Athena source${sorted.length === 1 ? "" : "s"}, one dashboard each ` +
                      `(search by tag \`${SOURCE_DASHBOARD_TAGS[1]}\` to filter).`,
                  "",
                  "| Source | Dashboard uid |",
                  "| --- | --- |",
                  ...sorted.map(
                      (s) => `| [${markdownText(s.label)}](/d/${s.dashboardUid}) | \`${s.dashboardUid}\` |`,
                  ),
              ];

    const uid = homeDashboardUid(options.scope);
    const panel = new text.PanelBuilder()
        .id(1)
        .title("Source dashboards")
        .mode(text.TextMode.Markdown)
        .content(lines.join("\n"))
        .gridPos({ x: 0, y: 0, w: GRID_COLUMNS, h: Math.min(Math.max(sorted.length + 4, 6), 40) });

    const builder = athenaDashboard(title, uid, HOME_DASHBOARD_TAGS)
        .link(
            dashboardLink(
                FLEET_DASHBOARD_TITLE,
                fleetDashboardUid(options.scope),
                "Every source on one dashboard",
            ),
        )
        .withPanel(panel);

    return finish(builder, uid, title);
}

function teamsHomeDashboard(
    teams: readonly string[],
    options: { title?: string; scope?: string },
): BuiltDashboard {
    const title = options.title === undefined ? HOME_DASHBOARD_TITLE : options.title;
    if (!nonEmpty(title)) throw new Refusal("home dashboard title must not be empty");
    if (!Array.isArray(teams) || teams.length === 0 || !teams.every(nonEmpty))
        throw new Refusal("home dashboard: give the names of the workspace's teams");
    const sorted = [...new Set(teams)].sort(byCodeUnits);
    const scope = options.scope ?? "fleet";
    const lines = [
        "Each team's Athena sources on one dashboard. A source's own dashboard: " +
            `search by tag \`${SOURCE_DASHBOARD_TAGS[1]}\` ` +
            `(you see those of the sources your teams may query).`,
        "",
        "| Team | Dashboard |",
        "| --- | --- |",
        ...sorted.map((t) => {
            const link = `[${markdownText(teamFleetTitle(t))}](/d/${teamFleetDashboardUid(scope, t)})`;
            return `| ${markdownText(t)} | ${link} |`;
        }),
    ];
    const uid = homeDashboardUid(options.scope);
    const panel = new text.PanelBuilder()
        .id(1)
        .title("Team dashboards")
        .mode(text.TextMode.Markdown)
        .content(lines.join("\n"))
        .gridPos({ x: 0, y: 0, w: GRID_COLUMNS, h: Math.min(Math.max(sorted.length + 4, 6), 40) });
    return finish(athenaDashboard(title, uid, HOME_DASHBOARD_TAGS).withPanel(panel), uid, title);
}
