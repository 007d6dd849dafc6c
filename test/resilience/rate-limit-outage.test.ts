import { afterAll, beforeAll, expect, test } from "bun:test";
import { TEST_REDIS_URL, uniqueEmail } from "../support/env";
import { startHarness, type CallResult, type Harness } from "../support/harness";
import { clientBudgets, loginGuard } from "../support/limits";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * Redis is reached through a loopback TCP proxy that the test cuts: every rate-limited route must answer
 * the usual fast 503 (fail closed: no request gets through uncounted), never a 500 or a hang, and work
 * again by itself once Redis is back.
 */

const PASSWORD = "outage-secret-Pa55word!";
const FAST_MS = 2000;
const HANG_MS = 5000;

let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let h: Harness;

beforeAll(async () => {
  const redis = new URL(TEST_REDIS_URL);
  proxy = await startTcpProxy(redis.hostname || "127.0.0.1", Number(redis.port || 6379));
  h = await startHarness({
    env: {
      REDIS_URL: `redis://127.0.0.1:${proxy.port}/0`,
      ...clientBudgets(50),
      ...loginGuard({ failures: 5, failuresPerIpPerDay: 50 }),
    },
  });
}, 30_000);

afterAll(async () => {
  proxy?.restore();
  await h?.close();
  proxy?.close();
}, 30_000);

async function timed(method: string, path: string, body?: unknown) {
  const started = performance.now();
  const result = await Promise.race([h.call(method, path, body), Bun.sleep(HANG_MS).then(() => null)]);
  if (result === null) throw new Error(`${method} ${path} gave no answer within ${HANG_MS} ms`);
  return { ...result, elapsedMs: performance.now() - started };
}

function expectFastRedis503(what: string, result: CallResult & { elapsedMs: number }) {
  expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBe(503);
  expect(result.body).toEqual({ detail: "Redis is unavailable. Please try again shortly.", code: "redis_unavailable" });
  expect(JSON.stringify(result.body)).not.toContain(PASSWORD);
  expect(result.elapsedMs, what).toBeLessThan(FAST_MS);
}

test("with Redis down every rate-limited route answers a fast 503, and the limits work again once it is back", async () => {
  const email = uniqueEmail("outage");
  await h.createVerifiedUser(email, PASSWORD);
  const ok = await h.call("POST", "/auth/login", { email, password: PASSWORD });
  expect(ok.status).toBe(200);
  expect(ok.headers.get("ratelimit-remaining")).toBe("49");

  proxy.cut();
  try {
    const requests: [string, string, unknown?][] = [
      ["POST", "/auth/register", { email: uniqueEmail("outage-new"), password: PASSWORD }],
      ["POST", "/auth/resend-otp", { email }],
      ["POST", "/auth/verify-otp", { email, code: "123456" }],
      ["POST", "/auth/login", { email, password: PASSWORD }],
      ["POST", "/auth/login", { email, password: "a wrong password" }],
      ["GET", "/auth/oauth/github/start"],
      ["POST", "/auth/oauth/github/callback", { code: "c", state: "s" }],
    ];
    for (const [method, path, body] of requests) {
      // Twice: the second call meets the client already reconnecting, which must fail just as fast.
      for (let i = 0; i < 2; i++) expectFastRedis503(`${method} ${path}`, await timed(method, path, body));
    }
    // Routes without a limit do not touch Redis.
    expect((await h.call("GET", "/health")).status).toBe(200);
  } finally {
    proxy.restore();
  }

  const deadline = performance.now() + 10_000;
  let after: CallResult | undefined;
  while (performance.now() < deadline) {
    after = await h.call("POST", "/auth/login", { email, password: PASSWORD });
    if (after.status !== 503) break;
    await Bun.sleep(100);
  }
  expect(after!.status, JSON.stringify(after!.body)).toBe(200);
  // The requests refused during the outage were never counted: the budget goes on from where it was.
  expect(after!.headers.get("ratelimit-remaining")).toBe("48");
}, 30_000);
