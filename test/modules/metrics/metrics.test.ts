import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../../support/env";
import { freePort } from "../../support/free-port";
import { CORE_BACKENDS, startHarness, type Harness } from "../../support/harness";
import { parseMetrics, sampleValue, type Sample } from "../../support/metrics";

const PASSWORD = "correct horse battery";
// In-process requests have no connection, so without a token /metrics would refuse them (see access.test.ts).
const SCRAPE_TOKEN = "scrape-token-0123456789-abcdef";

async function scrape(h: Harness, headers: Record<string, string> = { authorization: `Bearer ${SCRAPE_TOKEN}` }): Promise<Sample[]> {
  const res = await h.call("GET", "/metrics", undefined, headers);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  return parseMetrics(res.body as string);
}

/** How much each sample moved between two scrapes (a missing sample counts as 0). */
const change =
  (before: Sample[], after: Sample[]) =>
  (name: string, labels: Record<string, string> = {}) =>
    (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);

for (const backend of CORE_BACKENDS) {
  describe(`GET /metrics (${backend})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ backend, env: { OTP_MAX_ATTEMPTS: "2", METRICS_TOKEN: SCRAPE_TOKEN } });
    });
    afterAll(() => h.close());

    test("a register → verify → login flow moves each counter by exactly its own events", async () => {
      const email = uniqueEmail("metrics");
      const before = await scrape(h);
      const registered = await h.call("POST", "/auth/register", { email, password: PASSWORD });
      expect(registered.status).toBe(201);
      const { otp_token } = registered.body;
      expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email), otp_token })).status).toBe(200);
      expect((await h.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
      const after = await scrape(h);
      const moved = change(before, after);

      expect(moved("otp_auth_mails_total", { outcome: "sent" })).toBe(1);
      expect(moved("otp_auth_mails_total", { outcome: "failed" })).toBe(0);
      expect(moved("otp_auth_otp_verifications_total", { outcome: "ok" })).toBe(1);
      expect(moved("otp_auth_otp_verifications_total", { outcome: "invalid" })).toBe(0);
      const steps = [
        ["/auth/register", "201"],
        ["/auth/verify-otp", "200"],
        ["/auth/login", "200"],
      ] as const;
      for (const [route, status] of steps) {
        const labels = { method: "POST", route, status };
        expect(moved("otp_auth_http_requests_total", labels)).toBe(1);
        expect(moved("otp_auth_http_request_duration_seconds_count", labels)).toBe(1);
        expect(moved("otp_auth_http_request_duration_seconds_bucket", { ...labels, le: "+Inf" })).toBe(1);
        expect(sampleValue(after, "otp_auth_http_request_duration_seconds_sum", labels)).toBeGreaterThan(0);
      }
      // The scrape before this one was counted once it was answered.
      expect(moved("otp_auth_http_requests_total", { method: "GET", route: "/metrics", status: "200" })).toBe(1);
    });

    test("code checks are counted by outcome: invalid, exhausted, missing", async () => {
      const email = uniqueEmail("outcomes");
      await h.call("POST", "/auth/register", { email, password: PASSWORD });
      const code = h.inbox.latestCode(email);
      const wrong = code === "000000" ? "111111" : "000000";
      const before = await scrape(h);
      expect((await h.call("POST", "/auth/verify-otp", { email, code: wrong })).status).toBe(400);
      expect((await h.call("POST", "/auth/verify-otp", { email, code: wrong })).status).toBe(429);
      expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(429);
      const other = uniqueEmail("missing");
      await h.call("POST", "/auth/register", { email: other, password: PASSWORD });
      const otherCode = h.inbox.latestCode(other);
      expect((await h.call("POST", "/auth/verify-otp", { email: other, code: otherCode })).status).toBe(200);
      expect((await h.call("POST", "/auth/verify-otp", { email: other, code: otherCode })).status).toBe(400);
      const moved = change(before, await scrape(h));
      expect(moved("otp_auth_otp_verifications_total", { outcome: "invalid" })).toBe(1);
      expect(moved("otp_auth_otp_verifications_total", { outcome: "exhausted" })).toBe(2);
      expect(moved("otp_auth_otp_verifications_total", { outcome: "ok" })).toBe(1);
      expect(moved("otp_auth_otp_verifications_total", { outcome: "missing" })).toBe(1);
    });

    test("rate-limit refusals are counted per limiter through deps.metrics.rateLimited", async () => {
      h.deps.metrics.rateLimited("login");
      h.deps.metrics.rateLimited("login");
      h.deps.metrics.rateLimited("register");
      const samples = await scrape(h);
      expect(sampleValue(samples, "otp_auth_rate_limited_total", { limiter: "login" })).toBe(2);
      expect(sampleValue(samples, "otp_auth_rate_limited_total", { limiter: "register" })).toBe(1);
    });

    test("the database pool, Redis and the process are reported", async () => {
      const samples = await scrape(h);
      if (backend === "services") {
        expect(sampleValue(samples, "otp_auth_db_pool_size")).toBe(h.config.DATABASE_POOL_SIZE);
        const open = sampleValue(samples, "otp_auth_db_connections_open")!;
        expect(open).toBeGreaterThanOrEqual(1);
        expect(open).toBeLessThanOrEqual(h.config.DATABASE_POOL_SIZE);
        expect(sampleValue(samples, "otp_auth_redis_connected")).toBe(1);
      } else {
        expect(sampleValue(samples, "otp_auth_db_pool_size")).toBe(1);
        expect(sampleValue(samples, "otp_auth_db_connections_open")).toBe(1);
        // No Redis is configured: no Redis gauge at all, rather than a misleading 0.
        expect(samples.some((sample) => sample.name.startsWith("otp_auth_redis"))).toBe(false);
      }
      expect(sampleValue(samples, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
      expect(sampleValue(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);
      expect(sampleValue(samples, "process_start_time_seconds")).toBeLessThanOrEqual(Date.now() / 1000);
      for (const sample of samples) expect(Number.isFinite(sample.value)).toBe(true);
    });
  });
}

describe("GET /metrics (services only)", () => {
  let h: Harness;
  let other: Harness;
  let otherBase: string;
  const token = "metrics-token-0123456789-abcdef";
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN: token } });
    other = await startHarness();
    // Without METRICS_TOKEN, /metrics answers only a direct loopback connection.
    const port = freePort();
    other.app.listen({ port, hostname: "127.0.0.1" });
    otherBase = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await h.close();
    await other.app.stop(true);
    await other.close();
  });
  const scrapeOther = async () => parseMetrics(await (await fetch(`${otherBase}/metrics`)).text());

  test("with METRICS_TOKEN set, only the right bearer token is let in", async () => {
    const bearer = { authorization: `Bearer ${token}` };
    expect((await h.call("GET", "/metrics", undefined, bearer)).status).toBe(200);
    const refusals: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-wrong-token-wrong" },
      { authorization: `Bearer ${token}x` },
      { authorization: `Basic ${token}` },
      { authorization: token },
    ];
    for (const headers of refusals) {
      const res = await h.call("GET", "/metrics", undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: expect.stringContaining("metrics token"), code: "metrics_unauthorized" });
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    }
    // The refusals themselves are counted, with the token's route and status.
    const samples = parseMetrics((await h.call("GET", "/metrics", undefined, bearer)).body);
    expect(sampleValue(samples, "otp_auth_http_requests_total", { method: "GET", route: "/metrics", status: "401" })).toBe(refusals.length);
  });

  test("without METRICS_TOKEN /metrics is served to a direct loopback connection, not to an in-process request", async () => {
    expect((await fetch(`${otherBase}/metrics`)).status).toBe(200);
    expect((await other.call("GET", "/metrics")).status).toBe(403);
  });

  test("a failed mail is counted as failed, not sent", async () => {
    const email = uniqueEmail("mail-fail");
    const before = await scrapeOther();
    other.inbox.refuseMail(true);
    try {
      expect((await other.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(503);
    } finally {
      other.inbox.refuseMail(false);
    }
    const moved = change(before, await scrapeOther());
    expect(moved("otp_auth_mails_total", { outcome: "failed" })).toBe(1);
    expect(moved("otp_auth_mails_total", { outcome: "sent" })).toBe(0);
  });

  test("two apps in one process keep separate metrics", async () => {
    const email = uniqueEmail("separate");
    const labels = { method: "POST", route: "/auth/register", status: "201" };
    const registered = (samples: Sample[]) => sampleValue(samples, "otp_auth_http_requests_total", labels) ?? 0;
    const bearer = { authorization: `Bearer ${token}` };
    const [ownBefore, otherBefore] = [registered(await scrape(h, bearer)), registered(await scrapeOther())];
    expect((await h.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
    expect(registered(await scrape(h, bearer))).toBe(ownBefore + 1);
    expect(registered(await scrapeOther())).toBe(otherBefore);
  });
});
