/**
 * The Athena plugin installed as code: Grafana's plugin API, as Amazon Managed Grafana serves it.
 *
 *     GET  <grafanaUrl>/api/plugins/<id>/settings   200 {info: {version}} | 404 not installed
 *     POST <grafanaUrl>/api/plugins/<id>/install    {"version": "..."}: 200 installed;
 *          409 that version is already installed; 404 {"message":"Not found"} when plugin
 *          management is off (the route is not registered); another version installed is replaced
 *
 * Right after an install, the settings may still answer 404 for a while: the check waits.
 *
 * Pure: no Pulumi import. Captured by value into the serialized dynamic provider
 * (athenaPluginInstallation.ts) with grafanaHttp.ts and healthCheckClient.ts: globals only.
 */
import {
    DEFAULT_INITIAL_BACKOFF_MS,
    DEFAULT_TIMEOUT_MS,
    MAX_BACKOFF_MS,
    answerText,
    callGrafana,
    isTransientStatus,
    positiveOr,
    scrubCredentials,
    sleep,
} from "./grafanaHttp";
import { hintFor } from "./healthCheckClient";
import { meetsPluginFloor, pluginVersionProblem } from "../../shared/grafana/pluginVersion";
import { currentConfiguration } from "../../shared/grafana/version";

export interface PluginRequest {
    grafanaUrl: string;
    token: string;
    /** The Amazon Managed Grafana workspace, for the messages. */
    workspaceId: string;
    pluginId: string;
    /** The version to install when the plugin is missing or of another major version. */
    version: string;
    /**
     * The major version this program supports: one installed at it, at or above `minimumVersion`, is left as
     * it is.
     */
    major: number;
    /**
     * The floor within the major (shared/grafana/pluginVersion.ts says why): an installed version below
     * it is replaced by `version`, and only a version at or above it counts as installed.
     */
    minimumVersion: string;
    timeoutMs?: number;
    /** Whole operation including waiting for Grafana to report the plugin, default 180000. */
    deadlineMs?: number;
    initialBackoffMs?: number;
}

interface PluginResult {
    ok: boolean;
    /** What was done: nothing (a supported version was there), an install, or a change of version. */
    action?: "present" | "installed" | "replaced";
    /** The version Grafana reports once done. */
    installedVersion?: string;
    message: string;
}

const DEFAULT_PLUGIN_DEADLINE_MS = 180000;

function pluginUrl(grafanaUrl: string, pluginId: string, what: "settings" | "install"): string {
    return `${grafanaUrl.trim().replace(/\/+$/, "")}/api/plugins/${encodeURIComponent(pluginId)}/${what}`;
}

/** The installed version, `null` when the plugin is not installed, or a failure to report. */
async function installedVersion(
    req: PluginRequest,
    timeoutMs: number,
): Promise<{ version: string | null } | { failure: string; status?: number; transient: boolean }> {
    const answer = await callGrafana(
        pluginUrl(req.grafanaUrl, req.pluginId, "settings"),
        req.token,
        timeoutMs,
    );
    if ("failure" in answer) return { failure: answer.failure, transient: true };
    if (answer.status === 404) return { version: null };
    const info = answer.body?.info as { version?: unknown } | undefined;
    if (answer.status === 200 && typeof info?.version === "string") return { version: info.version };
    return {
        failure: `reading the plugin's settings: HTTP ${answer.status}: ${answerText(answer)}`,
        status: answer.status,
        transient: isTransientStatus(answer.status),
    };
}

function majorOf(version: string): number {
    return Number(/^v?(\d+)/.exec(version.trim())?.[1] ?? NaN);
}

/** Whether an installed version is one this program can use: the supported major, at or above the floor. */
function usable(version: string, req: PluginRequest): boolean {
    return majorOf(version) === req.major && meetsPluginFloor(version, req.minimumVersion);
}

/** The exact fix when plugin management is off in the workspace. */
function pluginManagementHint(workspaceId: string, pluginId: string): string {
    return (
        `Plugin management is off in workspace ${workspaceId}, so ${pluginId} cannot be installed through the API. ` +
        `Turn it on, keeping the workspace's other settings: aws grafana update-workspace-configuration ` +
        `--workspace-id ${workspaceId} --configuration ` +
        `"$(${currentConfiguration(workspaceId)} | jq -c '.plugins.pluginAdminEnabled = true')" ` +
        `(this restarts the workspace; the configuration sent replaces the whole one), ` +
        `then run pulumi up again; or install the plugin in the workspace's plugin catalog by hand.`
    );
}

/**
 * Makes sure the plugin is installed at the supported major version and at least the floor: leaves
 * such an install as it is, installs `version` otherwise (replacing another major or a release
 * below the floor), then waits until Grafana reports a usable version. Never uninstalls. Never
 * throws; every message is free of credentials.
 */
export async function ensurePluginInstalled(req: PluginRequest): Promise<PluginResult> {
    const timeoutMs = positiveOr(req.timeoutMs, DEFAULT_TIMEOUT_MS);
    const deadlineAt = Date.now() + positiveOr(req.deadlineMs, DEFAULT_PLUGIN_DEADLINE_MS);
    let backoff = positiveOr(req.initialBackoffMs, DEFAULT_INITIAL_BACKOFF_MS);
    const scrub = (r: PluginResult): PluginResult => ({
        ...r,
        message: scrubCredentials(r.message, req.token),
    });
    const where = `${req.pluginId} in workspace ${req.workspaceId}`;
    const refused = pluginVersionProblem("version", req.version, req.major, req.minimumVersion);
    if (refused !== undefined) return scrub({ ok: false, message: `${where}: ${refused}` });
    const pause = async (): Promise<boolean> => {
        if (Date.now() + backoff >= deadlineAt) return false;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        return true;
    };

    // 1. What is there.
    let before: string | null;
    for (;;) {
        const found = await installedVersion(req, timeoutMs);
        if ("version" in found) {
            before = found.version;
            break;
        }
        if (!found.transient || !(await pause())) {
            return scrub({
                ok: false,
                message: `cannot tell whether ${where} is installed: ${found.failure}${found.status === 401 || found.status === 403 ? ` ${hintFor(found.failure, found.status) ?? ""}` : ""}`,
            });
        }
    }
    if (before !== null && usable(before, req)) {
        return scrub({
            ok: true,
            action: "present",
            installedVersion: before,
            message: `${where}: version ${before} is installed`,
        });
    }

    // 2. Install the supported version.
    for (;;) {
        const answer = await callGrafana(
            pluginUrl(req.grafanaUrl, req.pluginId, "install"),
            req.token,
            timeoutMs,
            "POST",
            { version: req.version },
        );
        if ("failure" in answer) {
            if (await pause()) continue;
            return scrub({ ok: false, message: `installing ${where}: ${answer.failure}` });
        }
        if (answer.status === 200 || answer.status === 409) break; // 409: that version is there already
        if (answer.status === 404 && /^not found$/i.test((answer.message ?? "").trim())) {
            return scrub({ ok: false, message: pluginManagementHint(req.workspaceId, req.pluginId) });
        }
        if (isTransientStatus(answer.status) && (await pause())) continue;
        const why = answerText(answer);
        const hint =
            answer.status === 401 || answer.status === 403
                ? " The token's service account must be an administrator of the workspace (the stack's own has the ADMIN role)."
                : answer.status === 404
                  ? ` Grafana's plugin catalog has no version ${req.version} for this workspace.`
                  : "";
        return scrub({
            ok: false,
            message: `installing ${where} (version ${req.version}): HTTP ${answer.status}: ${why}.${hint}`,
        });
    }

    // 3. Wait until Grafana reports it.
    for (;;) {
        const found = await installedVersion(req, timeoutMs);
        // A version below the floor still reported right after the install is not done yet.
        if ("version" in found && found.version !== null && usable(found.version, req)) {
            return scrub({
                ok: true,
                action: before === null ? "installed" : "replaced",
                installedVersion: found.version,
                message: `${where}: version ${found.version} is installed${before === null ? "" : ` (was ${before})`}`,
            });
        }
        if (!(await pause())) {
            const seen =
                "version" in found
                    ? found.version === null
                        ? "not installed yet"
                        : `at version ${found.version}`
                    : found.failure;
            return scrub({
                ok: false,
                message: `installed ${where} (version ${req.version}), but Grafana still reports it ${seen}; run pulumi up again in a minute`,
            });
        }
    }
}
