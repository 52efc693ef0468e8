/**
 * The workspace must run Grafana >= 10.4 (the Athena plugin version this
 * program provisions, and its health check, need it). Pure: no Pulumi import.
 *
 * Amazon Managed Grafana offers 10.4 and 12.4 (AWS skipped 11; the AWS Terraform provider's
 * `grafana_version` lists 9.4, 10.4 and 12.4), and its user guide has Grafana 13 pages. Upgrades
 * are in place and one way (`UpdateWorkspaceConfiguration`'s `grafanaVersion` "can only be used to
 * upgrade", AMG API reference) and leave installed plugins at their version. docs/grafana-permissions.md
 * has the version differences and their sources.
 */

export const MIN_GRAFANA_VERSION = "10.4";
/** The version new workspaces should run, and the one the upgrade message names. */
export const RECOMMENDED_GRAFANA_VERSION = "12.4";

/** The versions this program is tested against (fake Grafana servers, dashboard schemas). */
export const TESTED_GRAFANA_VERSIONS = ["10.4", "12.4", "13"] as const;

/** "10.4" -> [10, 4]; "v11" -> [11]; undefined when not a dotted number. */
function parseVersion(version: string): number[] | undefined {
    const m = /^v?(\d+(?:\.\d+)*)(?:[-+].*)?$/i.exec(version.trim());
    if (!m) return undefined;
    return m[1].split(".").map((part) => Number(part));
}

/**
 * `from` -> `to` is a downgrade (both dotted numbers, `to` the lower): Amazon Managed Grafana
 * refuses it. False when either is not a version number.
 */
export function isDowngrade(from: string, to: string): boolean {
    const [f, t] = [parseVersion(from), parseVersion(to)];
    return f !== undefined && t !== undefined && compareVersions(t, f) < 0;
}

/** Numeric comparison, missing parts count as 0: compare("10.4.1", "10.4") > 0. */
function compareVersions(a: number[], b: number[]): number {
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i++) {
        const d = (a[i] ?? 0) - (b[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/**
 * The AWS CLI command that prints a workspace's current configuration JSON. UpdateWorkspaceConfiguration
 * requires `configuration` and replaces the whole of it (an upgrade sent with `'{}'` turns plugin
 * management and unified alerting off); DescribeWorkspaceConfiguration returns it as the string
 * `configuration` (Amazon Managed Grafana API reference, both actions).
 */
export const currentConfiguration = (workspaceId: string): string =>
    `aws grafana describe-workspace-configuration --workspace-id ${workspaceId} ` +
    `--query configuration --output text`;

/**
 * Undefined when `version` is >= MIN_GRAFANA_VERSION; otherwise a message
 * naming the workspace, its version and how to upgrade. An unknown or empty
 * version is a problem too: it cannot be verified.
 */
export function grafanaVersionProblem(workspaceId: string, version: string | undefined): string | undefined {
    const upgrade =
        `Upgrade it in the Amazon Managed Grafana console ("Update version"), or run ` +
        `\`aws grafana update-workspace-configuration --workspace-id ${workspaceId} ` +
        `--grafana-version ${RECOMMENDED_GRAFANA_VERSION} --configuration ` +
        `"$(${currentConfiguration(workspaceId)})"\` (the configuration sent replaces the whole one, ` +
        `so send the current one); if the workspace is managed with Pulumi, ` +
        `set \`grafanaVersion: "${RECOMMENDED_GRAFANA_VERSION}"\` on its aws.grafana.Workspace. ` +
        `Upgrades cannot be undone, and installed plugins keep their version.`;

    const trimmed = (version ?? "").trim();
    if (trimmed === "") {
        return (
            `Cannot verify the Grafana version of workspace ${workspaceId}: it was not reported. ` +
            `This program needs Grafana >= ${MIN_GRAFANA_VERSION}. ${upgrade}`
        );
    }
    const parsed = parseVersion(trimmed);
    if (!parsed) {
        return (
            `Cannot verify the Grafana version of workspace ${workspaceId}: ` +
            `"${trimmed}" is not a version number. ` +
            `This program needs Grafana >= ${MIN_GRAFANA_VERSION}. ${upgrade}`
        );
    }
    const minimum = parseVersion(MIN_GRAFANA_VERSION) as number[];
    if (compareVersions(parsed, minimum) >= 0) return undefined;
    return (
        `Workspace ${workspaceId} runs Grafana ${trimmed}, but this ` +
        `program needs Grafana >= ${MIN_GRAFANA_VERSION} ` +
        `(Athena plugin and data source health checks). ${upgrade}`
    );
}

/**
 * What differs for this program on the workspace's Grafana (already accepted by
 * `grafanaVersionProblem`): one line each, as docs/grafana-permissions.md lists them. Not logged
 * by the program: a log line would land in the offline plan's JSON on stdout.
 */
export function grafanaVersionNotes(version: string): string[] {
    const parsed = parseVersion(version);
    if (!parsed) return [];
    const notes: string[] = [];
    const atLeast = (v: string) => compareVersions(parsed, parseVersion(v) as number[]) >= 0;
    if (!atLeast("12")) {
        notes.push(
            `Grafana ${version}: API keys still work, but Amazon Managed Grafana 12 removes them; ` +
                `give grafanaAuth a service account token, or let the stack mint one.`,
        );
    } else {
        notes.push(
            `Grafana ${version}: no API keys (service account tokens only): ` +
                `grafanaAuth must be a service account token.`,
        );
    }
    if (atLeast("13")) {
        notes.push(
            `Grafana ${version}: the dashboards stay on the classic model (schemaVersion 39, written ` +
                `through the legacy /api, which Grafana 13 deprecates but serves); ` +
                `one saved from the new editor as schema v2 reads back ` +
                `different, and the next pulumi up writes it back.`,
        );
    }
    return notes;
}
