/**
 * "Save & test" as code: the same check the Grafana UI runs when you press
 * "Save & test" on a data source, i.e.
 *
 *     GET <grafanaUrl>/api/datasources/uid/<uid>/health
 *     Authorization: Bearer <token>
 *
 * What Grafana answers (pkg/api/datasources.go, checkDatasourceHealth):
 *   - 200 `{"status":"OK","message":"...","details"?:{...}}` when the plugin's
 *     CheckHealth reports OK;
 *   - 400 `{"status":"ERROR","message":"<the plugin's message>"}` when the
 *     plugin reports an error (Athena: AWS errors such as AccessDenied);
 *   - `{"message":"..."}` without `status` for Grafana's own errors:
 *     401 bad/expired token, 403 no access to the data source, 404 unknown uid
 *     or "Plugin not found", 500 "Plugin health check failed" /
 *     "Unable to find datasource plugin", 503 "Plugin unavailable".
 * Bodies are parsed defensively: anything unexpected (HTML login page, proxy
 * error text) is reported verbatim, truncated.
 *
 * Pure: no Pulumi import. It is also captured by value into the serialized
 * dynamic provider (dataSourceHealthCheck.ts), so it must only use globals
 * (fetch, AbortController, setTimeout), plain functions and constants of this
 * module, and grafanaHttp.ts (captured by value the same way).
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

export interface HealthCheckRequest {
    /** Workspace root URL, e.g. https://g-abc123.grafana-workspace.eu-west-1.amazonaws.com */
    grafanaUrl: string;
    /** Grafana service account token (or API key). */
    token: string;
    dataSourceUid: string;
    dataSourceName: string;
    /** The Pulumi stack that owns the source account's role and workgroup. */
    sourceStack: string;
    /** Per attempt, default 15000. */
    timeoutMs?: number;
    /** Whole check including retries, default 120000. */
    deadlineMs?: number;
    /** First pause between attempts, default 2000, doubling, capped at 15000. */
    initialBackoffMs?: number;
}

interface HealthCheckResult {
    ok: boolean;
    /** HTTP status of the last attempt; absent for network errors and timeouts. */
    status?: number;
    /** The plugin's (or Grafana's) own message, verbatim, from the last attempt. */
    message: string;
    hint?: string;
    attempts: number;
}

const DEFAULT_DEADLINE_MS = 120000;

/** One attempt's outcome, before retry policy is applied. */
interface Attempt {
    ok: boolean;
    status?: number;
    message: string;
    transient: boolean;
}

/**
 * Plugin messages that are usually eventual consistency right after
 * `pulumi up` created or changed a role, a trust policy, a permission policy
 * or a bucket policy (IAM takes a few seconds to propagate). They are retried
 * within the deadline; if they persist, the last one is reported with its hint.
 */
function looksLikePropagationDelay(message: string): boolean {
    return (
        /not authorized to perform:?\s*sts:AssumeRole/i.test(message) ||
        (/AccessDenied/i.test(message) && /AssumeRole/i.test(message)) ||
        /not authorized to perform:?\s*(athena|s3|glue|kms):/i.test(message) ||
        /Unable to verify\/create output bucket/i.test(message) ||
        /The security token included in the request is invalid/i.test(message)
    );
}

function healthUrl(grafanaUrl: string, uid: string): string {
    return `${grafanaUrl.trim().replace(/\/+$/, "")}/api/datasources/uid/${encodeURIComponent(uid)}/health`;
}

async function attemptOnce(url: string, token: string, timeoutMs: number): Promise<Attempt> {
    const answer = await callGrafana(url, token, timeoutMs);
    if ("failure" in answer) return { ok: false, message: answer.failure, transient: true };
    const { status, body, location } = answer;
    if (status >= 300 && status < 400) {
        return {
            ok: false,
            status,
            message: `Grafana redirected the health check${location ? ` to ${location}` : ""}`,
            transient: false,
        };
    }
    if (status === 200 && body && typeof body.status === "string" && body.status.toUpperCase() === "OK") {
        return { ok: true, status, message: answer.message ?? "OK", transient: false };
    }
    const message = answerText(answer);
    if (status === 200) {
        // 200 without {"status":"OK"}: not Grafana's health API answering.
        return {
            ok: false,
            status,
            message: `unexpected answer (no "status":"OK"): ${message}`,
            transient: false,
        };
    }
    // Never retry the token (401/403) or an unknown uid (404).
    if (status === 401 || status === 403 || status === 404) {
        return { ok: false, status, message, transient: false };
    }
    if (isTransientStatus(status)) {
        return { ok: false, status, message, transient: true };
    }
    return { ok: false, status, message, transient: looksLikePropagationDelay(message) };
}

/**
 * Runs the data source's health check, retrying transient failures with
 * exponential backoff until `deadlineMs`. Never throws; never takes longer
 * than deadlineMs + timeoutMs.
 */
export async function checkDataSourceHealth(req: HealthCheckRequest): Promise<HealthCheckResult> {
    const timeoutMs = positiveOr(req.timeoutMs, DEFAULT_TIMEOUT_MS);
    const deadlineMs = positiveOr(req.deadlineMs, DEFAULT_DEADLINE_MS);
    const initialBackoffMs = positiveOr(req.initialBackoffMs, DEFAULT_INITIAL_BACKOFF_MS);

    const missing = (
        [
            ["grafanaUrl", req.grafanaUrl],
            ["token", req.token],
            ["dataSourceUid", req.dataSourceUid],
        ] as const
    )
        .filter(([, v]) => typeof v !== "string" || v.trim() === "")
        .map(([k]) => k);
    if (missing.length > 0) {
        const message = `cannot run the health check: ${missing.join(", ")} is missing or empty`;
        return { ok: false, message, hint: hintFor(message), attempts: 0 };
    }
    if (!/^https?:\/\//i.test(req.grafanaUrl.trim())) {
        const message = `cannot run the health check: grafanaUrl "${req.grafanaUrl}" is not an http(s) URL`;
        return { ok: false, message, hint: hintFor(message), attempts: 0 };
    }

    const url = healthUrl(req.grafanaUrl, req.dataSourceUid);
    const deadlineAt = Date.now() + deadlineMs;
    let backoff = initialBackoffMs;
    let attempts = 0;
    // What Grafana last actually answered: a later attempt cut short by the deadline must not hide it.
    let lastAnswered: Awaited<ReturnType<typeof attemptOnce>> | undefined;

    for (;;) {
        attempts += 1;
        // The first attempt always gets the full per-attempt time; later ones
        // only what is left of the deadline.
        const remaining = deadlineAt - Date.now();
        const attemptTimeout = attempts === 1 ? timeoutMs : Math.max(1, Math.min(timeoutMs, remaining));
        const attempt = await attemptOnce(url, req.token, attemptTimeout);
        if (attempt.status !== undefined) lastAnswered = attempt;
        const answer = attempt.status === undefined && attempts > 1 && lastAnswered ? lastAnswered : attempt;
        const result = { ...answer, message: scrubCredentials(answer.message, req.token) };

        if (result.ok) {
            return { ok: true, status: result.status, message: result.message, attempts };
        }
        const left = deadlineAt - Date.now();
        if (!result.transient || left <= backoff) {
            const out: HealthCheckResult = { ok: false, message: result.message, attempts };
            if (result.status !== undefined) out.status = result.status;
            const hint = hintFor(result.message, result.status);
            if (hint !== undefined) out.hint = hint;
            return out;
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
}

/**
 * The most likely fix for a failed health check, from the plugin's (or
 * Grafana's) message and the HTTP status. Undefined when nothing fits.
 */
export function hintFor(message: string, status?: number): string | undefined {
    const m = message ?? "";

    if (status === 401 || /\b(invalid|expired) (api key|token)\b/i.test(m)) {
        return (
            "Grafana rejected the token (expired, revoked or wrong). Run `pulumi up` on the workspace stack to " +
            "rotate it, or set `grafanaUrl`/`grafanaAuth` in the stack config to the workspace URL and a valid token."
        );
    }
    if (
        /plugin not found|plugin not installed|unable to find datasource plugin|plugin unavailable|unknown (data ?source|plugin) type|plugin .*not (installed|registered)/i.test(
            m,
        )
    ) {
        return (
            "The Athena plugin is missing or not running in this workspace: install or update the Amazon Athena " +
            "plugin in the AMG workspace (Administration > Plugins / plugin management), and make sure the " +
            "workspace runs Grafana >= 10.4."
        );
    }
    if (status === 404) {
        return (
            "Grafana has no data source with this uid: it was deleted or recreated outside Pulumi, or grafanaUrl " +
            "points at another workspace. Run `pulumi refresh` and `pulumi up` on the workspace stack."
        );
    }
    if (status === 403) {
        return (
            "The token's service account may not query this data source: give it the Admin role (or " +
            "datasources:query on this data source), or set `grafanaAuth` to a token that has it."
        );
    }
    if (
        /not authorized to perform:?\s*sts:AssumeRole/i.test(m) ||
        (/AccessDenied/i.test(m) && /AssumeRole/i.test(m))
    ) {
        return (
            "The workspace role could not assume the source account's role: the external ID or the role's trust " +
            "policy does not match. Re-run `pulumi up` on the source stack, then on the workspace stack, so the " +
            "data source's external ID and role ARN match the role; check that `grafanaRoleArn` in the source " +
            "stack's config is the ARN of the workspace's IAM role."
        );
    }
    if (/not authorized to perform:?\s*athena:/i.test(m) || /athena:\w*WorkGroup/i.test(m)) {
        return (
            "The role may not use this Athena workgroup: the workgroup must carry the tag `GrafanaDataSource` = " +
            "`true` (exactly that key and value). Tag it (or let the source stack manage it) and re-run `pulumi up` " +
            "on the source stack."
        );
    }
    if (
        /not authorized to perform:?\s*s3:/i.test(m) ||
        /Unable to verify\/create output bucket/i.test(m) ||
        (/Access Denied/i.test(m) && /(output ?location|s3:\/\/|Amazon S3|S3 ?Exception|bucket)/i.test(m))
    ) {
        return (
            "Athena could not use the query results location: the `results` bucket/prefix in the source stack's " +
            "config must match the workgroup's output location (the role may only read and write there). Fix " +
            "`results` or the workgroup's result configuration and re-run `pulumi up` on the source stack."
        );
    }
    if (/not authorized to perform:?\s*glue:/i.test(m)) {
        return (
            "The role may not read the Glue Data Catalog database/table behind the query: check the databases " +
            "listed in the source stack's config and re-run `pulumi up` on the source stack."
        );
    }
    if (/not authorized to perform:?\s*kms:/i.test(m) || /KMS/.test(m)) {
        return (
            "The role may not use the KMS key that encrypts the data or the results: list the key in the source " +
            "stack's config and re-run `pulumi up` on the source stack."
        );
    }
    if (/redirected/i.test(m) || /unexpected answer/i.test(m) || /not an http\(s\) URL/i.test(m)) {
        return (
            "grafanaUrl does not look like the workspace's root URL: use https://<workspace-id>.grafana-workspace." +
            "<region>.amazonaws.com (no path)."
        );
    }
    if (
        /did not (answer|finish)|network error/i.test(m) ||
        status === 502 ||
        status === 503 ||
        status === 504
    ) {
        return (
            "Grafana was unreachable or busy until the deadline: check grafanaUrl and that the workspace is ACTIVE, " +
            "then re-run `pulumi up`."
        );
    }
    if (/is missing or empty/i.test(m)) {
        return "Set `grafanaUrl` and `grafanaAuth` in the workspace stack's config (or let the stack create the token).";
    }
    return undefined;
}

/** One paragraph for a Pulumi error: which data source, where, what Grafana said, what to do. */
export function formatHealthFailure(result: HealthCheckResult, req: HealthCheckRequest): string {
    const status = result.status !== undefined ? `HTTP ${result.status}` : "no HTTP answer";
    const attempts = result.attempts === 1 ? "1 attempt" : `${result.attempts} attempts`;
    const hint = result.hint ?? hintFor(result.message, result.status);
    const message = /[.!?]$/.test(result.message.trim())
        ? result.message.trim()
        : `${result.message.trim()}.`;
    return (
        `Grafana health check ("Save & test") failed for data source "${req.dataSourceName}" ` +
        `(uid ${req.dataSourceUid}) from source stack "${req.sourceStack}": ${status} after ${attempts}; ` +
        `Grafana/plugin message: ${message}` +
        (hint ? ` Likely fix: ${hint}` : "")
    );
}
