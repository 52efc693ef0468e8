/**
 * What every dashboard of this program shares, built with the Grafana Foundation SDK's typed
 * builders: the Grafana 10.4 schema version, uid, tags, time settings, links between dashboards,
 * and the finished JSON. Pure: same input → byte-identical JSON.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

/** Dashboard JSON model version of Grafana 10.4. */
const SCHEMA_VERSION = 39;

export interface BuiltDashboard {
    uid: string;
    title: string;
    json: Record<string, unknown>;
}

/**
 * The SDK's DashboardBuilder starts from `schemaVersion: 36` and has no setter for it. Its
 * builders keep their state in the `protected internal` object, so a subclass is the SDK's own
 * extension point: this one stamps the Grafana 10.4 schema version.
 */
class Grafana104DashboardBuilder extends dashboard.DashboardBuilder {
    constructor(title: string) {
        super(title);
        this.internal.schemaVersion = SCHEMA_VERSION;
    }
}

/** A dashboard of this program: its uid, tags, and the settings every one of them shares. */
export function athenaDashboard(
    title: string,
    uid: string,
    tags: readonly string[],
    description?: string,
): dashboard.DashboardBuilder {
    const builder = new Grafana104DashboardBuilder(title).uid(uid);
    if (description !== undefined) builder.description(description);
    return builder
        .tags([...tags])
        .editable()
        .timezone("browser")
        .time({ from: "now-7d", to: "now" });
}

/** A link from one of this program's dashboards to another. */
export function dashboardLink(title: string, uid: string, tooltip: string): dashboard.DashboardLinkBuilder {
    return new dashboard.DashboardLinkBuilder(title)
        .type(dashboard.DashboardLinkType.Link)
        .url(`/d/${uid}`)
        .icon("dashboard")
        .tooltip(tooltip);
}

export function finish(
    builder: cog.Builder<dashboard.Dashboard>,
    uid: string,
    title: string,
): BuiltDashboard {
    // Round trip through JSON: drops the SDK's marker methods (`_implementsDataqueryVariant`) and
    // detaches the result from the builder's internal state.
    const json = JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
    return { uid, title, json };
}
