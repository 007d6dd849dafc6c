import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { uniqueEmail, uniqueId } from "../support/env";
import { startInstance, type Instance } from "../support/instance";
import { msUntil, msUntilRefusedElsewhere, PUSH_WINDOW_MS } from "../support/pushed-window";
import { startRedisServer, type RedisServer } from "../support/redis-server";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * Revocations and /auth/me's profiles are pushed to every instance (Redis pub/sub), not read per request.
 * Two real instances on one PostgreSQL and a Redis of this file's own (its command counts are this test's
 * alone, and killing its subscribers touches nobody else); B reaches it through a TCP proxy the test can cut.
 */

const PASSWORD = "correct horse battery";
const ADMIN = { ADMIN_EMAIL: "admin@otp-auth.test", ADMIN_PASSWORD: "admin password long enough" };
const adminAuth = { authorization: `Basic ${btoa(`${ADMIN.ADMIN_EMAIL}:${ADMIN.ADMIN_PASSWORD}`)}` };

let database: TestDatabase;
let inbox: SmtpInbox;
let redis: RedisServer;
let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
let raw: Redis;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  [database, inbox, redis] = await Promise.all([createTestDatabase({ migrate: false }), startSmtpInbox(), startRedisServer()]);
  proxy = await startTcpProxy("127.0.0.1", redis.port);
  raw = new Redis(redis.url);
  const env = {
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
    SECRET_KEY: "pushed-state-secret-0123456789abcdefghijkl",
    ...smtpEnv(inbox),
    ...ADMIN,
    // Both instances stand behind one address, as behind a load balancer (tokens name it as their issuer).
    PUBLIC_URL: "http://auth.otp-auth.test",
  };
  a = await startInstance("A", { ...env, REDIS_URL: redis.url });
  b = await startInstance("B", { ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}/0` });
  await Promise.all([loads(a, 1), loads(b, 1)]);
}, 90_000);

afterAll(async () => {
  const exits = await Promise.all([a?.stop(), b?.stop()]);
  raw?.disconnect();
  proxy?.close();
  await redis?.close();
  await inbox?.close();
  await database?.drop();
  expect(exits).toEqual([0, 0]);
}, 30_000);

/** Waits until the instance has loaded its revocation set `count` times (at start, and after each resubscription). */
async function loads(instance: Instance, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  const seen = () => instance.output().split('"revocations loaded"').length - 1;
  while (seen() < count) {
    if (Date.now() > deadline)
      throw new Error(`${instance.name} loaded its revocations ${seen()} times, not ${count}:\n${instance.output()}`);
    await Bun.sleep(10);
  }
}
const loadCount = (instance: Instance) => instance.output().split('"revocations loaded"').length - 1;

/** How many revocation checks reached Redis so far (the per-request path is one MGET, and EXISTS after a refill). */
async function revocationLookups(): Promise<number> {
  const stats = await raw.info("commandstats");
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls("mget") + calls("exists");
}

const me = (on: Instance, token: string) => on.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });

async function signUp(email: string): Promise<{ access_token: string; refresh_token: string }> {
  const { otp_token } = (await a.call("POST", "/auth/register", { email, password: PASSWORD })).body;
  const verified = await a.call("POST", "/auth/verify-otp", { email, code: inbox.latestCode(email), otp_token });
  expect(verified.status).toBe(200);
  return verified.body;
}

describe("state pushed to every instance", () => {
  test("a session ended on A is refused on B within 100 ms, and B's checks ask Redis nothing", async () => {
    const tokens = await signUp(uniqueEmail("pushed"));
    const before = await revocationLookups();
    for (let i = 0; i < 20; i++) expect((await me(b, tokens.access_token)).status).toBe(200);
    expect(await msUntilRefusedElsewhere(a, b, tokens.access_token)).toBeLessThan(PUSH_WINDOW_MS);
    expect(await revocationLookups()).toBe(before);
  });

  test("a user disabled by the admin on A is refused on B within 100 ms; an email changed on A shows on B", async () => {
    const email = uniqueEmail("admin");
    const tokens = await signUp(email);
    const profile = (await me(b, tokens.access_token)).body;
    expect(profile.email).toBe(email);

    const renamed = uniqueEmail("renamed");
    expect((await a.call("PUT", `/auth/admin/users/${profile.id}`, { email: renamed }, adminAuth)).status).toBe(200);
    let since = performance.now();
    const shown = await msUntil(since, async () => (await me(b, tokens.access_token)).body.email === renamed);
    expect(shown).toBeLessThan(PUSH_WINDOW_MS);
    expect((await me(b, tokens.access_token)).body).toEqual({ ...profile, email: renamed });

    expect((await a.call("PUT", `/auth/admin/users/${profile.id}`, { is_active: false }, adminAuth)).status).toBe(200);
    since = performance.now();
    const refused = await msUntil(since, async () => (await me(b, tokens.access_token)).status === 401);
    console.log(`user disabled on A: refused on B after ${refused.toFixed(1)} ms; email change shown after ${shown.toFixed(1)} ms`);
    expect(refused).toBeLessThan(PUSH_WINDOW_MS);
  });

  test("B's subscription killed: a session ended on A right after is refused on B, then B is back on its own copy", async () => {
    const tokens = await signUp(uniqueEmail("killed"));
    expect((await me(b, tokens.access_token)).status).toBe(200);
    const loadedBefore = loadCount(b);
    // Both instances' subscriber connections are dropped by Redis; the revocation below is published to nobody.
    expect(await raw.client("KILL", "TYPE", "pubsub")).toBeGreaterThanOrEqual(2);
    expect((await a.call("POST", "/auth/logout", undefined, { authorization: `Bearer ${tokens.access_token}` })).status).toBe(200);
    expect((await me(b, tokens.access_token)).status).toBe(401);
    await loads(b, loadedBefore + 1);
    const before = await revocationLookups();
    expect((await me(b, tokens.access_token)).status).toBe(401);
    expect(await revocationLookups()).toBe(before);
  });

  test("what changed while B was cut off from Redis holds on B once it is back: the ended session and the new email", async () => {
    const email = uniqueEmail("cut");
    const ended = await signUp(email);
    const kept = (await a.call("POST", "/auth/login", { email, password: PASSWORD })).body;
    const profile = (await me(b, kept.access_token)).body;
    expect(profile.email).toBe(email);
    const loadedBefore = loadCount(b);
    proxy.cut();
    try {
      expect((await a.call("POST", "/auth/logout", undefined, { authorization: `Bearer ${ended.access_token}` })).status).toBe(200);
      const renamed = uniqueEmail("renamed-while-cut");
      expect((await a.call("PUT", `/auth/admin/users/${profile.id}`, { email: renamed }, adminAuth)).status).toBe(200);
      const cutOff = await me(b, ended.access_token);
      expect(cutOff.status).toBe(503);
      expect(cutOff.body.code).toBe("redis_unavailable");
      proxy.restore();
      await loads(b, loadedBefore + 1);
      const before = await revocationLookups();
      expect((await me(b, ended.access_token)).status).toBe(401);
      expect((await me(b, kept.access_token)).body).toEqual({ ...profile, email: renamed });
      expect(await revocationLookups()).toBe(before);
    } finally {
      proxy.restore();
    }
  });
});
