import { afterAll, describe, expect, test } from "bun:test";
import type { Redis } from "ioredis";
import { connectRedis, waitForRedis } from "../../src/cache/redis";
import { AppError } from "../../src/errors";
import { createLogger } from "../../src/lib/log";
import { createLoginGuard } from "../../src/ratelimit/login-guard";
import { createRouteLimits } from "../../src/ratelimit/route-limits";
import { TEST_REDIS_URL, uniqueId } from "../support/env";
import { freePort } from "../support/free-port";

const log = createLogger("error", () => {});
const clients: Redis[] = [];
afterAll(() => clients.forEach((client) => client.disconnect()));

function redisAt(url: string): Redis {
  const client = connectRedis(url, `otp-auth-test:${uniqueId()}:`, log);
  clients.push(client);
  return client;
}

const SETTINGS = { mailPerHour: 2, passwordPerMinute: 3, codePerMinute: 4, oauthPerMinute: 5, passkeyPerMinute: 6 };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe.each(["redis", "memory"] as const)("route limits, called directly (%s)", (store) => {
  const redis = async () => {
    if (store === "memory") return null;
    const client = redisAt(TEST_REDIS_URL);
    expect(await waitForRedis(client, 3000)).toBe(true);
    return client;
  };

  test("each kind has its own budget and window; a refusal is a 429 with the headers, reported to onRefused", async () => {
    const refused: string[] = [];
    const limits = createRouteLimits({ redis: await redis(), settings: SETTINGS, onRefused: (name) => refused.push(name) });
    for (const [kind, points, window] of [
      ["mail", 2, 3600],
      ["password", 3, 60],
      ["code", 4, 60],
      ["oauth", 5, 60],
      ["passkey", 6, 60],
    ] as const) {
      for (let i = 1; i <= points; i++) {
        const quota = await limits.consume(kind, "203.0.113.7");
        expect(quota).toMatchObject({ limit: points, remaining: points - i, windowSeconds: window });
        expect(quota.resetMs).toBeGreaterThan(0);
        expect(quota.resetMs).toBeLessThanOrEqual(window * 1000);
      }
      const error = await refusal(limits.consume(kind, "203.0.113.7"));
      expect(error.status).toBe(429);
      expect(error.code).toBe("rate_limited");
      expect(error.headers).toMatchObject({
        "RateLimit-Limit": String(points),
        "RateLimit-Remaining": "0",
        "RateLimit-Policy": `${points};w=${window}`,
      });
      expect(Number(error.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
      expect(error.headers["RateLimit-Reset"]).toBe(error.headers["Retry-After"]!);
    }
    expect(refused).toEqual(["mail", "password", "code", "oauth", "passkey"]);
    // Another client is untouched.
    expect((await limits.consume("mail", "203.0.113.8")).remaining).toBe(1);
  });

  test("the login guard reports its refusals to onRefused under its own names", async () => {
    const refused: string[] = [];
    const guard = createLoginGuard({
      redis: await redis(),
      log,
      settings: { maxConsecutiveFailures: 2, blockSeconds: 60, blockMaxSeconds: 60, maxFailuresPerIpPerDay: 3 },
      onRefused: (name) => refused.push(name),
    });
    const wrong = () => Promise.reject(new AppError(401, "Incorrect email or password.", "invalid_credentials"));
    for (let i = 0; i < 2; i++) expect((await refusal(guard.protect("a@example.com", "198.18.0.1", wrong))).status).toBe(401);
    expect((await refusal(guard.protect("a@example.com", "198.18.0.1", wrong))).code).toBe("login_blocked");
    expect((await refusal(guard.protect("b@example.com", "198.18.0.1", wrong))).status).toBe(401);
    expect((await refusal(guard.protect("c@example.com", "198.18.0.1", async () => "token"))).code).toBe("login_blocked");
    expect(refused).toEqual(["login-pair", "login-ip"]);
    // Neither limit touches another client.
    expect(await guard.protect("a@example.com", "198.18.0.2", async () => "token")).toBe("token");
  });
});

test("without Redis the limits fail closed at once: 503, never a 500 or a wait", async () => {
  const redis = redisAt(`redis://127.0.0.1:${await freePort()}/0`);
  const limits = createRouteLimits({ redis, settings: SETTINGS });
  const guard = createLoginGuard({
    redis,
    log,
    settings: { maxConsecutiveFailures: 2, blockSeconds: 1, blockMaxSeconds: 1, maxFailuresPerIpPerDay: 2 },
  });
  let attempted = false;
  const started = performance.now();
  const errors = [
    await refusal(limits.consume("code", "203.0.113.7")),
    await refusal(
      guard.protect("a@example.com", "203.0.113.7", async () => {
        attempted = true;
      }),
    ),
  ];
  expect(performance.now() - started).toBeLessThan(1000);
  for (const error of errors) {
    expect(error.status).toBe(503);
    expect(error.detail).toBe("Redis is unavailable. Please try again shortly.");
  }
  expect(attempted).toBe(false);
});
