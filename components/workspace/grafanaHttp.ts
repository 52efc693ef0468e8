/**
 * Grafana's HTTP API as the two clients call it (healthCheckClient.ts, pluginClient.ts): one call
 * with the token as a bearer token, answers read defensively, credentials scrubbed from every
 * message, and the retry settings they share.
 *
 * Pure: no Pulumi import. Its functions are captured by value into the serialized dynamic
 * providers (dataSourceHealthCheck.ts, athenaPluginInstallation.ts), so it must only use globals
 * (fetch, AbortController, setTimeout) and plain functions and constants of this module; no imports.
 */

export const DEFAULT_TIMEOUT_MS = 15000;
export const DEFAULT_INITIAL_BACKOFF_MS = 2000;
export const MAX_BACKOFF_MS = 15000;
const MAX_MESSAGE_CHARS = 2000;

export function positiveOr(value: number | undefined, fallback: number): number {
    return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Text from Grafana (or whatever answers at its URL) with every credential taken out: the token
 * itself, anything after "Bearer", an echoed Authorization header, and anything shaped like a
 * Grafana service account token. Every message built from an answer goes through this: a proxy or
 * a misbehaving server may echo the request's headers into its error.
 */
export function scrubCredentials(text: string, token: string): string {
    let out = token.length >= 4 ? text.split(token).join("[secret]") : text;
    out = out.replace(/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, "$1[secret]");
    out = out.replace(/\bBearer\s+[^\s"',}]+/gi, "Bearer [secret]");
    out = out.replace(/\bglsa_[A-Za-z0-9_]+/g, "[secret]");
    return out;
}

function truncate(text: string): string {
    const t = text.trim();
    return t.length > MAX_MESSAGE_CHARS ? `${t.slice(0, MAX_MESSAGE_CHARS)}… (truncated)` : t;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isTransientStatus(status: number): boolean {
    return status === 429 || status === 502 || status === 503 || status === 504;
}

function describeNetworkError(err: unknown): string {
    const e = err as { message?: string; cause?: { code?: string; message?: string } } | undefined;
    const cause = e?.cause;
    const detail = cause ? (cause.code ?? cause.message) : undefined;
    const base = e?.message ?? String(err);
    return detail ? `${base} (${detail})` : base;
}

/** One answer of Grafana's HTTP API, read whole; `failure` instead when there was none in time. */
interface Answer {
    status: number;
    text: string;
    /** The body, when it is a JSON object. */
    body?: Record<string, unknown>;
    /** The body's `message`, Grafana's error text. */
    message?: string;
    location?: string | null;
}

/**
 * One call of Grafana's HTTP API with the token as a bearer token. Redirects are not followed:
 * one means the URL is not the workspace's root (a login page would answer 200 with HTML).
 */
export async function callGrafana(
    url: string,
    token: string,
    timeoutMs: number,
    method: "GET" | "POST" = "GET",
    json?: unknown,
): Promise<Answer | { failure: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
        let response: Response;
        try {
            response = await fetch(url, {
                method,
                headers: {
                    Authorization: `Bearer ${token}`,
                    Accept: "application/json",
                    ...(json === undefined ? {} : { "Content-Type": "application/json" }),
                },
                body: json === undefined ? undefined : JSON.stringify(json),
                redirect: "manual",
                signal: controller.signal,
            });
        } catch (err) {
            return {
                failure: controller.signal.aborted
                    ? `Grafana did not answer within ${timeoutMs} ms`
                    : `network error calling Grafana: ${describeNetworkError(err)}`,
            };
        }
        let text: string;
        try {
            text = await response.text();
        } catch (err) {
            return {
                failure: controller.signal.aborted
                    ? `Grafana did not finish its answer within ${timeoutMs} ms`
                    : `network error reading Grafana's answer: ${describeNetworkError(err)}`,
            };
        }
        let body: Record<string, unknown> | undefined;
        try {
            const parsed: unknown = JSON.parse(text);
            if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
                body = parsed as Record<string, unknown>;
        } catch {
            body = undefined;
        }
        return {
            status: response.status,
            text,
            body,
            message: typeof body?.message === "string" ? body.message : undefined,
            location: response.headers.get("location"),
        };
    } finally {
        clearTimeout(timer);
    }
}

/** What an answer says, for a message: Grafana's own message, else its text, else the status. */
export function answerText(a: Answer): string {
    return a.message !== undefined && a.message.trim() !== ""
        ? truncate(a.message)
        : a.text.trim() !== ""
          ? truncate(a.text)
          : `HTTP ${a.status} with an empty body`;
}
