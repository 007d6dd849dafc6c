import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail } from "../support/env";
import { startHarness, type CallResult, type Harness } from "../support/harness";
import { looksLikeStackTrace } from "../support/response-checks";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * PostgreSQL and Redis are reached through loopback TCP proxies, so the test can make either one vanish
 * (every connection dropped, new ones accepted and closed at once, as docker-proxy or HAProxy do in front
 * of a stopped server) and come back, while the real servers keep running. The servers themselves stopped
 * and started under load: real-servers.test.ts.
 */

type Proxy = Awaited<ReturnType<typeof startTcpProxy>>;

const PASSWORD = "outage-secret-Pa55word!";
const FAST_MS = 2000;
const RECOVERY_MS = 10_000;
const POLL_MS = 100;

let database: TestDatabase;
let pgProxy: Proxy;
let redisProxy: Proxy;
let h: Harness;

/** Every response body seen while a dependency was down, with the request that produced it. */
const outageResponses: { what: string; result: CallResult }[] = [];

function targetOf(url: string, defaultPort: number) {
  const parsed = new URL(url);
  return { host: parsed.hostname || "127.0.0.1", port: Number(parsed.port || defaultPort) };
}

/** The database URL, but pointing at the proxy. */
function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(port);
  return parsed.toString();
}

beforeAll(async () => {
  database = await createTestDatabase();
  const pg = targetOf(database.url, 5432);
  const redis = targetOf(TEST_REDIS_URL, 6379);
  pgProxy = await startTcpProxy(pg.host, pg.port);
  redisProxy = await startTcpProxy(redis.host, redis.port);
  h = await startHarness({
    database,
    env: {
      DATABASE_URL: viaProxy(database.url, pgProxy.port),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}/0`,
    },
  });
  // Sanity: both dependencies are reachable through the proxies before anything is cut.
  const ready = await h.call("GET", "/ready");
  expect(ready.status).toBe(200);
}, 30_000);

afterAll(async () => {
  pgProxy?.restore();
  redisProxy?.restore();
  await h?.close();
  pgProxy?.close();
  redisProxy?.close();
  await database?.drop();
}, 30_000);

/** How long the test waits for any single answer during an outage before calling it a hang. */
const HANG_MS = 5000;

/**
 * Calls the app while a dependency is down, records the response, and returns it with how long it took.
 * A request that does not answer within HANG_MS fails the test right here, with a message that says so,
 * instead of letting the whole test run into its timeout.
 */
async function timedCall(what: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const started = performance.now();
  const result = await Promise.race([h.call(method, path, body, headers), Bun.sleep(HANG_MS).then(() => null)]);
  const elapsedMs = performance.now() - started;
  if (result === null) {
    throw new Error(`${what}: ${method} ${path} gave no answer within ${HANG_MS} ms (expected a 503 within ${FAST_MS} ms)`);
  }
  outageResponses.push({ what, result });
  return { ...result, elapsedMs };
}

/** An error body is JSON with a string `detail`, never the password and never a stack trace. */
function expectCleanErrorBody(what: string, result: CallResult) {
  const text = typeof result.body === "string" ? result.body : JSON.stringify(result.body);
  expect(typeof result.body, `${what}: body is JSON`).toBe("object");
  expect(result.body, `${what}: body is JSON`).not.toBeNull();
  expect(typeof result.body.detail, `${what}: detail is a string`).toBe("string");
  expect(text.includes(PASSWORD), `${what}: body must not echo the password`).toBe(false);
  expect(looksLikeStackTrace(text), `${what}: body must not carry a stack trace: ${text}`).toBe(false);
  expect(result.headers.get("content-type") ?? "", `${what}: content-type`).toContain("application/json");
}

/** Polls GET /ready every 100 ms until it answers 200; returns how long that took, or fails after 10 s. */
async function waitUntilReady(): Promise<number> {
  const started = performance.now();
  let last: CallResult | undefined;
  while (performance.now() - started < RECOVERY_MS) {
    last = await h.call("GET", "/ready");
    if (last.status === 200) return performance.now() - started;
    await Bun.sleep(POLL_MS);
  }
  throw new Error(`/ready did not return to 200 within ${RECOVERY_MS} ms; last: ${last?.status} ${JSON.stringify(last?.body)}`);
}

type Timed = CallResult & { elapsedMs: number };

/** A 503 naming the dependency, answered within FAST_MS. */
function expectFast503(what: string, result: Timed, dependency: string) {
  expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBe(503);
  expect(result.body.detail).toContain(dependency);
  expect(result.elapsedMs).toBeLessThan(FAST_MS);
}

/** /ready's 503 names the dependency that is down and reports the other as ok. */
function expectReadyReports(ready: Timed, down: "postgres" | "redis", up: "postgres" | "redis") {
  expect(ready.status, JSON.stringify(ready.body)).toBe(503);
  expect(ready.body.checks[down]).toBe("unavailable");
  expect(ready.body.checks[up]).toBe("ok");
  expect(ready.body.detail.toLowerCase()).toContain(down);
  expect(ready.body.detail.toLowerCase()).not.toContain(up);
  expect(ready.elapsedMs).toBeLessThan(FAST_MS);
}

describe("Redis outage", () => {
  test("requests that need Redis answer 503 fast, /ready says so, /health stays up, and the service recovers by itself", async () => {
    // Accounts that exist before the outage: one waiting for its code, one already verified.
    const pendingEmail = uniqueEmail("redis-pending");
    const pending = await h.call("POST", "/auth/register", { email: pendingEmail, password: PASSWORD });
    expect(pending.status).toBe(201);
    const pendingCode = h.inbox.latestCode(pendingEmail);
    const verifiedEmail = uniqueEmail("redis-verified");
    await h.createVerifiedUser(verifiedEmail, PASSWORD);

    redisProxy.cut();
    try {
      const register = await timedCall("register (redis down)", "POST", "/auth/register", {
        email: uniqueEmail("redis-new"),
        password: PASSWORD,
      });
      expectFast503("register", register, "Redis");

      for (const email of [pendingEmail, verifiedEmail]) {
        const verify = await timedCall(`verify-otp ${email} (redis down)`, "POST", "/auth/verify-otp", { email, code: pendingCode });
        expectFast503(`verify-otp ${email}`, verify, "Redis");

        const resend = await timedCall(`resend-otp ${email} (redis down)`, "POST", "/auth/resend-otp", { email });
        expectFast503(`resend-otp ${email}`, resend, "Redis");
      }

      expectReadyReports(await timedCall("ready (redis down)", "GET", "/ready"), "redis", "postgres");

      const health = await h.call("GET", "/health");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: "ok" });

      for (const { what, result } of outageResponses) expectCleanErrorBody(what, result);
    } finally {
      redisProxy.restore();
    }

    await waitUntilReady();
    const ready = await h.call("GET", "/ready");
    expect(ready.body.checks).toEqual({ postgres: "ok", redis: "ok" });

    // The outage left nothing behind: a whole new registration works end to end.
    const token = await h.createVerifiedUser(uniqueEmail("redis-after"), PASSWORD);
    const me = await h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
  }, 30_000);
});

describe("PostgreSQL outage", () => {
  test("requests that need PostgreSQL answer 503 fast, /ready says so, and the service recovers by itself", async () => {
    const email = uniqueEmail("pg");
    const token = await h.createVerifiedUser(email, PASSWORD);
    const before = outageResponses.length;

    pgProxy.cut();
    try {
      const login = await timedCall("login (postgres down)", "POST", "/auth/login", { email, password: PASSWORD });
      expectFast503("login", login, "PostgreSQL");

      const me = await timedCall("me (postgres down)", "GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });
      expectFast503("me", me, "PostgreSQL");

      expectReadyReports(await timedCall("ready (postgres down)", "GET", "/ready"), "postgres", "redis");

      const health = await h.call("GET", "/health");
      expect(health.status).toBe(200);

      for (const { what, result } of outageResponses.slice(before)) expectCleanErrorBody(what, result);
    } finally {
      pgProxy.restore();
    }

    await waitUntilReady();
    const login = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(typeof login.body.access_token).toBe("string");
    expect(JSON.stringify(login.body)).not.toContain(PASSWORD);
    const me = await h.call("GET", "/auth/me", undefined, { authorization: `Bearer ${login.body.access_token}` });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
  }, 30_000);
});

test("no response given during an outage echoes the password or carries a stack trace", () => {
  // At least the Redis outage's six answers; the PostgreSQL outage adds three more when it gets that far.
  expect(outageResponses.length).toBeGreaterThanOrEqual(6);
  for (const { what, result } of outageResponses) expectCleanErrorBody(what, result);
});
