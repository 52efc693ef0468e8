import { strict as assert } from "node:assert";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import {
    checkDataSourceHealth,
    formatHealthFailure,
    hintFor,
    HealthCheckRequest,
} from "../../../components/workspace/healthCheckClient";

const TOKEN = "glsa_test_token_123";

const ASSUME_DENIED =
    "operation error STS: AssumeRole, https response error StatusCode: 403, api error AccessDenied: " +
    "User: arn:aws:sts::111111111111:assumed-role/grafana-workspace/abc is not authorized to perform: " +
    "sts:AssumeRole on resource: arn:aws:iam::222222222222:role/grafana-athena-reader";
const WORKGROUP_DENIED =
    "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/grafana-athena-reader/x is not " +
    "authorized to perform: athena:GetWorkGroup on resource: " +
    "arn:aws:athena:eu-west-1:222222222222:workgroup/primary";
const S3_DENIED =
    "InvalidRequestException: Unable to verify/create output bucket athena-results-222222222222";

interface Seen {
    path: string;
    auth: string | undefined;
}

describe("checkDataSourceHealth against a local fake Grafana", () => {
    let server: http.Server;
    let baseUrl: string;
    const seen: Seen[] = [];
    const flakyCount = new Map<string, number>();

    function reply(res: http.ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    }

    before(async () => {
        server = http.createServer((req, res) => {
            const path = req.url ?? "";
            seen.push({ path, auth: req.headers.authorization });
            const m = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(path);
            if (!m) return reply(res, 404, { message: "Not found" });
            switch (decodeURIComponent(m[1])) {
                case "ok":
                    return reply(res, 200, { status: "OK", message: "Data source is working" });
                case "assume":
                    return reply(res, 400, { status: "ERROR", message: ASSUME_DENIED });
                case "workgroup":
                    return reply(res, 400, { status: "ERROR", message: WORKGROUP_DENIED });
                case "s3":
                    return reply(res, 400, { status: "ERROR", message: S3_DENIED });
                case "expired":
                    return reply(res, 401, { message: "Unauthorized" });
                case "missing":
                    return reply(res, 404, { message: "Data source not found" });
                case "echo":
                    // A proxy that repeats the request's headers in its error.
                    return reply(res, 400, {
                        status: "ERROR",
                        message:
                            `denied: authorization: ${req.headers.authorization}; ` +
                            `token ${TOKEN}; other glsa_abcDEF012_9f`,
                    });
                case "echo-text": {
                    res.writeHead(500, { "Content-Type": "text/plain" });
                    return res.end(
                        `upstream failed for request with Authorization=${req.headers.authorization}`,
                    );
                }
                case "slow": {
                    // Answers long after any deadline a test gives: a client that waits for it fails.
                    const t = setTimeout(() => reply(res, 200, { status: "OK", message: "late" }), 10_000);
                    res.on("close", () => clearTimeout(t));
                    return;
                }
                case "flaky": {
                    const n = (flakyCount.get("flaky") ?? 0) + 1;
                    flakyCount.set("flaky", n);
                    if (n === 1) return reply(res, 503, { message: "Plugin unavailable" });
                    return reply(res, 200, { status: "OK", message: "Data source is working" });
                }
                case "denied-then-slow": {
                    // Denied once (a role still propagating), then no answer in time.
                    const n = (flakyCount.get("denied-then-slow") ?? 0) + 1;
                    flakyCount.set("denied-then-slow", n);
                    if (n === 1) return reply(res, 400, { status: "ERROR", message: ASSUME_DENIED });
                    const t = setTimeout(
                        () => reply(res, 400, { status: "ERROR", message: ASSUME_DENIED }),
                        2000,
                    );
                    res.on("close", () => clearTimeout(t));
                    return;
                }
                default:
                    return reply(res, 404, { message: "Data source not found" });
            }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        // Node loads fetch's HTTP client on the first call: on a busy machine that alone can take
        // longer than the tests' 200 ms per attempt, whichever test the worker runs first.
        await (await fetch(`${baseUrl}warm-up`)).text();
    });

    after(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    beforeEach(() => {
        seen.length = 0;
    });

    function req(uid: string, extra: Partial<HealthCheckRequest> = {}): HealthCheckRequest {
        return {
            grafanaUrl: baseUrl,
            token: TOKEN,
            dataSourceUid: uid,
            dataSourceName: `athena-${uid}`,
            sourceStack: "org/infra-account-b/prod",
            timeoutMs: 200,
            deadlineMs: 150,
            initialBackoffMs: 10,
            ...extra,
        };
    }

    it("never copies the token or an Authorization header into a result or an error", async () => {
        for (const uid of ["echo", "echo-text"]) {
            const r = await checkDataSourceHealth(req(uid));
            assert.equal(r.ok, false);
            const failure = formatHealthFailure(r, req(uid));
            for (const text of [r.message, failure]) {
                assert.ok(!text.includes(TOKEN), `${uid}: ${text}`);
                assert.ok(!/glsa_/.test(text), `${uid}: ${text}`);
                assert.ok(!/Bearer\s+(?!\[secret\])/.test(text), `${uid}: ${text}`);
            }
            assert.match(r.message, /\[secret\]/);
        }
    });

    it("OK: sends the path and bearer token once", async () => {
        const r = await checkDataSourceHealth(req("ok"));
        assert.deepEqual(r, { ok: true, status: 200, message: "Data source is working", attempts: 1 });
        assert.deepEqual(seen, [{ path: "/api/datasources/uid/ok/health", auth: `Bearer ${TOKEN}` }]);
    });

    it("assume-role denied: reports the plugin's message verbatim with an external ID hint", async () => {
        const r = await checkDataSourceHealth(req("assume"));
        assert.equal(r.ok, false);
        assert.equal(r.status, 400);
        assert.equal(r.message, ASSUME_DENIED);
        assert.match(r.hint ?? "", /external ID/);
        assert.match(r.hint ?? "", /grafanaRoleArn/);
        assert.ok(r.attempts >= 1, "propagation-like denials are retried within the deadline");
        const text = formatHealthFailure(r, req("assume"));
        for (const part of [
            "athena-assume",
            "uid assume",
            "org/infra-account-b/prod",
            "HTTP 400",
            ASSUME_DENIED,
            "external ID",
        ]) {
            assert.ok(text.includes(part), `missing ${part} in: ${text}`);
        }
    });

    it("workgroup denied: hint names the GrafanaDataSource tag", async () => {
        const r = await checkDataSourceHealth(req("workgroup"));
        assert.equal(r.ok, false);
        assert.equal(r.message, WORKGROUP_DENIED);
        assert.match(r.hint ?? "", /`GrafanaDataSource` = `true`/);
    });

    it("S3 output bucket: hint names the results location", async () => {
        const r = await checkDataSourceHealth(req("s3"));
        assert.equal(r.ok, false);
        assert.match(r.hint ?? "", /`results` bucket\/prefix/);
        assert.match(hintFor("Access Denied (Service: Amazon S3; Status Code: 403)") ?? "", /results/);
    });

    it("401: no retry, token hint", async () => {
        const r = await checkDataSourceHealth(req("expired", { deadlineMs: 5000 }));
        assert.equal(r.ok, false);
        assert.equal(r.status, 401);
        assert.equal(r.attempts, 1);
        assert.equal(seen.length, 1);
        assert.match(r.hint ?? "", /rotate/);
    });

    it("404: unknown uid, no retry", async () => {
        const r = await checkDataSourceHealth(req("missing", { deadlineMs: 5000 }));
        assert.equal(r.status, 404);
        assert.equal(r.attempts, 1);
    });

    it("slow answer: gives up within deadline + one timeout", async () => {
        const timeoutMs = 80;
        const deadlineMs = 150;
        const started = Date.now();
        const r = await checkDataSourceHealth(req("slow", { timeoutMs, deadlineMs }));
        const elapsed = Date.now() - started;
        assert.equal(r.ok, false);
        assert.equal(r.status, undefined);
        assert.match(r.message, /did not answer within/);
        assert.ok(r.attempts >= 2, `retried timeouts, attempts=${r.attempts}`);
        // Far below the answer's 10 s; the slack over deadline + timeout is for a loaded machine,
        // whose timers fire late.
        assert.ok(elapsed < deadlineMs + timeoutMs + 1000, `elapsed ${elapsed} ms`);
    });

    it("a retry cut short by the deadline does not hide what Grafana answered before", async () => {
        const r = await checkDataSourceHealth(req("denied-then-slow", { timeoutMs: 300, deadlineMs: 350 }));
        assert.equal(r.ok, false);
        assert.ok(r.attempts >= 2, `attempts=${r.attempts}`);
        assert.equal(r.status, 400);
        assert.equal(r.message, ASSUME_DENIED);
        assert.match(r.hint ?? "", /external ID/);
    });

    it("503 then OK: retried once", async () => {
        const r = await checkDataSourceHealth(req("flaky", { deadlineMs: 2000 }));
        assert.equal(r.ok, true);
        assert.equal(r.attempts, 2);
        assert.equal(seen.length, 2);
    });

    it("plugin missing and bad input map to hints", () => {
        assert.match(hintFor("Plugin not found", 404) ?? "", /Grafana >= 10\.4/);
        assert.match(hintFor("Unauthorized", 401) ?? "", /grafanaAuth/);
    });
});
