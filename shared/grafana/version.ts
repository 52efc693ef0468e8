/**
 * The workspace must run Grafana >= 10.4 (the Athena plugin version this
 * program provisions, and its health check, need it). Pure: no Pulumi import.
 */

export const MIN_GRAFANA_VERSION = "10.4";

/** "10.4" -> [10, 4]; "v11" -> [11]; undefined when not a dotted number. */
function parseVersion(version: string): number[] | undefined {
    const m = /^v?(\d+(?:\.\d+)*)(?:[-+].*)?$/i.exec(version.trim());
    if (!m) return undefined;
    return m[1].split(".").map((part) => Number(part));
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
 * Undefined when `version` is >= MIN_GRAFANA_VERSION; otherwise a message
 * naming the workspace, its version and how to upgrade. An unknown or empty
 * version is a problem too: it cannot be verified.
 */
export function grafanaVersionProblem(workspaceId: string, version: string | undefined): string | undefined {
    const upgrade =
        `Upgrade it in the Amazon Managed Grafana console ("Update version"), or run ` +
        `\`aws grafana update-workspace-configuration --workspace-id ${workspaceId} ` +
        `--grafana-version ${MIN_GRAFANA_VERSION} --configuration '{}'\`; if the workspace is managed with Pulumi, ` +
        `set \`grafanaVersion: "${MIN_GRAFANA_VERSION}"\` on its aws.grafana.Workspace. ` +
        `Upgrades cannot be undone.`;

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
            `Cannot verify the Grafana version of workspace ${workspaceId}: "${trimmed}" is not a version number. ` +
            `This program needs Grafana >= ${MIN_GRAFANA_VERSION}. ${upgrade}`
        );
    }
    const minimum = parseVersion(MIN_GRAFANA_VERSION) as number[];
    if (compareVersions(parsed, minimum) >= 0) return undefined;
    return (
        `Workspace ${workspaceId} runs Grafana ${trimmed}, but this program needs Grafana >= ${MIN_GRAFANA_VERSION} ` +
        `(Athena plugin and data source health checks). ${upgrade}`
    );
}
