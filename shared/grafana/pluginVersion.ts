/**
 * The Athena plugin's version floor, and the version arithmetic it needs. Pure and import-free: the
 * plugin installation's serialized dynamic provider (components/workspace/pluginClient.ts) captures
 * these functions by value.
 *
 * Why a floor inside the supported major: every data source here authenticates with
 * `authType: "ec2_iam_role"` (AMG's workspace IAM role) and assumes the source's role with the
 * data source's own `externalId`. grafana/athena-datasource 3.1.5 (#550, "get externalId from
 * grafana config") passed Grafana's server-wide assume-role external ID to every auth type instead
 * of the data source's (pkg/athena/api/api.go: `ExternalID: authSettings.ExternalID`), so the
 * source role's `sts:ExternalId` condition denies the AssumeRole. 3.1.6 (#553, with
 * grafana/grafana-aws-sdk#248 "use configured externalID when not using Grafana Assume Role")
 * restored the data source's own external ID. 3.1.4 (#547) began that series of external ID
 * changes and is excluded with it: 3.1.6 is the first release of the series known to send the
 * data source's external ID.
 */

/** The oldest Athena plugin version whose `ec2_iam_role` sends the data source's own external ID. */
export const ATHENA_PLUGIN_MIN_VERSION = "3.1.6";

/** Longest version string looked at: anything longer is not a version. */
const MAX_VERSION_LENGTH = 64;

/** A version read: `[major, minor, patch]`, and whether it is a pre-release (below its release). */
interface PluginVersion {
    parts: [number, number, number];
    prerelease: boolean;
}

/** "3.1.6", "v3.1.6" or "3.1.6-beta.1" read; null for anything else. */
function parsePluginVersion(version: string): PluginVersion | null {
    if (typeof version !== "string" || version.length > MAX_VERSION_LENGTH) return null;
    const m = /^v?(\d{1,6})\.(\d{1,6})\.(\d{1,6})(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
    if (!m) return null;
    return { parts: [Number(m[1]), Number(m[2]), Number(m[3])], prerelease: m[4] !== undefined };
}

/** Whether `version` is at least `floor`; false for anything that does not read as a version. */
export function meetsPluginFloor(version: string, floor: string): boolean {
    const v = parsePluginVersion(version);
    const f = parsePluginVersion(floor);
    if (!v || !f) return false;
    for (let i = 0; i < 3; i++) {
        if (v.parts[i] !== f.parts[i]) return v.parts[i] > f.parts[i];
    }
    return !v.prerelease || f.prerelease;
}

/**
 * Why `version` cannot be the version installed for `major` with `floor`, in one line naming
 * `key`; undefined when it can.
 */
export function pluginVersionProblem(
    key: string,
    version: string,
    major: number,
    floor: string,
): string | undefined {
    const v = parsePluginVersion(version);
    if (!v) {
        return `${key}: "${String(version).slice(0, MAX_VERSION_LENGTH)}" is not a version such as ${floor}`;
    }
    if (v.parts[0] !== major) return `${key}: ${version} is not of the supported major version ${major}`;
    if (!meetsPluginFloor(version, floor)) {
        return (
            `${key}: ${version} is below ${floor}, the first Athena plugin release that sends ` +
            `the data source's own ` +
            `external ID with the workspace IAM role (3.1.4 and 3.1.5 do not)`
        );
    }
    return undefined;
}
