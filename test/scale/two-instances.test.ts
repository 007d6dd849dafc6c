import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_REDIS_URL, uniqueEmail, uniqueId } from "../support/env";
import { startInstance, type Instance } from "../support/instance";
import { startOAuthProvider, type OAuthProvider } from "../support/oauth-provider";
import { msUntilRefusedElsewhere, PUSH_WINDOW_MS } from "../support/pushed-window";
import { startRedisCluster } from "../support/redis-cluster";
import { makeFolder, removeFolder } from "../support/redis-servers";
import { smtpEnv, startSmtpInbox, type SmtpInbox } from "../support/smtp-inbox";
import { createTestCertificates } from "../support/tls-certificates";

/**
 * Two real instances (`bun src/index.ts serve`) built from one configuration, on one PostgreSQL database and
 * one Redis, started together on a fresh database (they migrate it under the advisory lock; the 4-instance
 * race itself is in test/db/migrate.test.ts). The test plays the load balancer and sends each request to one
 * or the other: nothing a request needs may live in one process's memory. Once on a single Redis, once on a
 * 3-master Redis Cluster with a password and TLS.
 */

const PASSWORD = "correct horse battery";
const MAX_ATTEMPTS = 3;

interface RedisUnderTest {
  env: Record<string, string>;
  /** How the start-up log names it. */
  described: string;
  stop(): Promise<void>;
}

const REDIS_SETUPS: [string, () => Promise<RedisUnderTest>][] = [
  ["a single Redis", async () => ({ env: { REDIS_URL: TEST_REDIS_URL }, described: "Redis at redis://", stop: async () => {} })],
  [
    "a Redis Cluster (password, TLS)",
    async () => {
      const folder = await makeFolder("tls");
      const tls = await createTestCertificates(folder);
      const cluster = await startRedisCluster({ auth: { password: `cluster-${uniqueId()}`, tls } });
      return {
        // Bun trusts the test CA the way it would trust a private CA in production.
        env: { ...cluster.env(), NODE_EXTRA_CA_CERTS: tls.ca },
        described: "Redis Cluster through 127.0.0.1:",
        async stop() {
          await cluster.stop();
          await removeFolder(folder);
        },
      };
    },
  ],
];

let database: TestDatabase;
let inbox: SmtpInbox;
let idp: OAuthProvider;
beforeAll(async () => {
  [database, inbox, idp] = await Promise.all([createTestDatabase({ migrate: false }), startSmtpInbox(), startOAuthProvider()]);
});
afterAll(async () => {
  await Promise.all([inbox?.close(), idp?.stop()]);
  await database?.drop();
});

/** Registers on `on`, verifies the mailed code on `verifyOn`; returns the access token. */
async function verifiedUser(on: Instance, verifyOn: Instance, email: string): Promise<string> {
  const registered = await on.call("POST", "/auth/register", { email, password: PASSWORD });
  expect(registered.status).toBe(201);
  const { otp_token } = registered.body;
  const verified = await verifyOn.call("POST", "/auth/verify-otp", { email, code: inbox.latestCode(email), otp_token });
  expect(verified.status).toBe(200);
  return verified.body.access_token as string;
}

const me = (on: Instance, token: string) => on.call("GET", "/auth/me", undefined, { authorization: `Bearer ${token}` });

/** Sends `count` requests one after another, alternating between the instances; returns the statuses in order. */
async function alternating(instances: Instance[], count: number, request: (on: Instance, i: number) => Promise<{ status: number }>) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await request(instances[i % instances.length]!, i)).status);
  return statuses;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe.each(REDIS_SETUPS)("two instances on one PostgreSQL and %s", (_name, makeRedis) => {
  let redis: RedisUnderTest;
  let a: Instance;
  let b: Instance;
  let readyKey: string;

  beforeAll(async () => {
    redis = await makeRedis();
    const env = {
      ...redis.env,
      DATABASE_URL: database.url,
      REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:`,
      SECRET_KEY: "two-instances-secret-0123456789abcdefghijkl",
      ...smtpEnv(inbox),
      OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      ...idp.env(),
    };
    // Both at once: on the first setup the database is fresh, and both run the migrations under the lock.
    [a, b] = await Promise.all([startInstance("A", env), startInstance("B", env)]);
    readyKey = redis.env.REDIS_CLUSTER_NODES ? "redis-cluster" : "redis";
  }, 90_000);

  afterAll(async () => {
    const exits = await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    expect(exits).toEqual([0, 0]);
  }, 30_000);

  test("both are ready on one migrated database, and say which Redis they use", async () => {
    for (const instance of [a, b]) {
      const ready = await instance.call("GET", "/ready");
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual({ postgres: "ok", [readyKey]: "ok" });
      const listening = instance
        .output()
        .split("\n")
        .find((line) => line.includes('"otp-auth listening"'))!;
      expect(JSON.parse(listening).store).toStartWith(redis.described);
    }
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const [applied] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const journal = await Bun.file(new URL("../../drizzle/meta/_journal.json", import.meta.url)).json();
      expect(applied!.n).toBe(journal.entries.length);
    } finally {
      await sql.end();
    }
  });

  test("a code requested on A verifies on B, and the token works on both", async () => {
    const email = uniqueEmail("a-to-b");
    const token = await verifiedUser(a, b, email);
    for (const instance of [a, b]) expect((await me(instance, token)).body.email).toBe(email);
    expect((await b.call("POST", "/auth/login", { email, password: PASSWORD })).status).toBe(200);
  });

  test("the resend cooldown is shared: a code mailed by A holds B back", async () => {
    const email = uniqueEmail("cooldown");
    expect((await a.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
    const resend = await b.call("POST", "/auth/resend-otp", { email });
    expect(resend.status).toBe(429);
    expect(resend.body.code).toBe("otp_cooldown");
    const wait = Number(resend.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(inbox.mailTo(email).length).toBe(1);
  });

  test("the attempt limit is shared: wrong tries on A and B count together", async () => {
    const email = uniqueEmail("attempts");
    expect((await a.call("POST", "/auth/register", { email, password: PASSWORD })).status).toBe(201);
    const code = inbox.latestCode(email);
    const statuses = await alternating([a, b], MAX_ATTEMPTS, (on) => on.call("POST", "/auth/verify-otp", { email, code: wrongCode(code) }));
    expect(statuses).toEqual([...Array(MAX_ATTEMPTS - 1).fill(400), 429]);
    // The code is dead everywhere, the right one included.
    for (const instance of [b, a]) {
      const late = await instance.call("POST", "/auth/verify-otp", { email, code });
      expect(late.status).toBe(429);
      expect(late.body.code).toBe("otp_attempts_exhausted");
    }
  });

  test("an OAuth sign-in started on A completes on B, and its state is spent for both", async () => {
    idp.users.github = { id: `${Date.now()}`, email: uniqueEmail("github"), verified: true };
    const start = await a.call("GET", "/auth/oauth/github/start");
    expect(start.status).toBe(200);
    const back = await idp.approve(start.body.auth_url);
    const callback = await b.call("POST", "/auth/oauth/github/callback", { code: back.code, state: back.state });
    expect(callback.status).toBe(200);
    expect((await me(a, callback.body.access_token)).body.email).toBe(idp.users.github.email);
    for (const instance of [a, b]) {
      const replay = await instance.call("POST", "/auth/oauth/github/callback", { code: back.code, state: back.state });
      expect(replay.status).toBe(400);
      expect(replay.body.code).toBe("oauth_state_used");
    }
  });

  test("a session ended on A: its refresh token fails on B at once, its access token within the push window", async () => {
    const email = uniqueEmail("revoked");
    const { otp_token } = (await a.call("POST", "/auth/register", { email, password: PASSWORD })).body;
    const tokens = (await b.call("POST", "/auth/verify-otp", { email, code: inbox.latestCode(email), otp_token })).body;
    const rotated = (await b.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).body;
    // The rotation on B is known to A: the used-up token is a reuse there.
    expect((await a.call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })).body.code).toBe("refresh_token_reused");
    const fresh = (await a.call("POST", "/auth/login", { email, password: PASSWORD })).body;
    expect((await me(b, fresh.access_token)).status).toBe(200);
    // B learns it from the Redis pub/sub message, on a cluster through the bus between the nodes (the refresh
    // token below is checked against the sessions table, so it fails at once).
    expect(await msUntilRefusedElsewhere(a, b, fresh.access_token)).toBeLessThan(PUSH_WINDOW_MS);
    expect((await b.call("POST", "/auth/refresh", { refresh_token: fresh.refresh_token })).status).toBe(401);
    expect((await me(b, rotated.access_token)).status).toBe(401);
  });

  test("per-IP budgets and password-guessing blocks are shared", async () => {
    // One counter behind both: RateLimit-Remaining falls by one per request, whichever instance answers.
    const remaining: number[] = [];
    const statuses = await alternating([a, b], 6, async (on) => {
      const res = await on.call("POST", "/auth/verify-otp", { email: uniqueEmail("budget"), code: "123456" });
      remaining.push(Number(res.headers.get("ratelimit-remaining")));
      return res;
    });
    expect(statuses.every((status) => status === 404)).toBe(true);
    expect(remaining).toEqual(remaining.map((_, i) => remaining[0]! - i));

    const email = uniqueEmail("guessed");
    await verifiedUser(a, b, email);
    const guesses = await alternating([a, b], 6, (on) => on.call("POST", "/auth/login", { email, password: "not the password" }));
    expect(guesses).toEqual([401, 401, 401, 401, 401, 429]);
    const blocked = await b.call("POST", "/auth/login", { email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("login_blocked");
  });
});
