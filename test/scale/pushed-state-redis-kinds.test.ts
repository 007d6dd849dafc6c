import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { uniqueEmail, uniqueId } from "../support/env";
import { startHarness, type Harness } from "../support/harness";
import { PUSH_WINDOW_MS } from "../support/pushed-window";
import { leaseSharedRedisCluster, type RedisCluster } from "../support/redis-cluster";
import { redisCli } from "../support/redis-servers";
import { startRedisSentinel, type RedisSentinelSetup } from "../support/redis-sentinel";

/**
 * Revocations pushed between two apps on one database and one Redis Cluster, or one Sentinel setup: PUBLISH
 * reaches a subscriber on any cluster node, a dropped subscriber connection is replaced (on a cluster, on any
 * node), and through Sentinels the subscriber follows a failover to the promoted replica.
 */

const REDIS_PASSWORD = "pushed-state-redis-password";

const loaded = (h: Harness) => h.logs.filter((line) => line.includes('"revocations loaded"')).length;
async function loads(h: Harness, count: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (loaded(h) < count) {
    if (Date.now() > deadline) throw new Error(`revocations loaded ${loaded(h)} times, not ${count}`);
    await Bun.sleep(10);
  }
}

/** Ends a session on `a` and returns how long `b` took to refuse its access token. */
async function refusedAfter(a: Harness, b: Harness): Promise<number> {
  const tokens = await a.signUp(uniqueEmail("pushed"));
  expect((await b.callAs(tokens.access_token, "GET", "/auth/me")).status).toBe(200);
  expect((await a.callAs(tokens.access_token, "POST", "/auth/logout")).status).toBe(200);
  const since = performance.now();
  while ((await b.callAs(tokens.access_token, "GET", "/auth/me")).status !== 401) {
    if (performance.now() - since > 5000) throw new Error("not refused within 5 s");
    // In-process calls answered from memory never yield to I/O, where B's subscriber reads the message.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - since;
}

async function startPair(env: Record<string, string>, backend: "services" | "cluster", database: TestDatabase) {
  const shared = { ...env, REDIS_KEY_PREFIX: `otp-auth-test:${uniqueId()}:` };
  const a = await startHarness({ backend, database, env: shared });
  const b = await startHarness({ backend, database, env: shared });
  await Promise.all([loads(a, 1), loads(b, 1)]);
  return [a, b] as const;
}

describe("on a Redis Cluster", () => {
  let database: TestDatabase;
  let lease: Awaited<ReturnType<typeof leaseSharedRedisCluster>>;
  let cluster: RedisCluster;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    [database, lease] = await Promise.all([createTestDatabase(), leaseSharedRedisCluster()]);
    cluster = lease.cluster;
    [a, b] = await startPair({}, "cluster", database);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await lease?.release();
    await database?.drop();
  });

  test("a session ended on A is refused on B within 100 ms", async () => {
    expect(await refusedAfter(a, b)).toBeLessThan(PUSH_WINDOW_MS);
  });

  test("with every subscriber connection killed, B still refuses within 100 ms and is back on its copy after reloading", async () => {
    const before = loaded(b);
    for (let i = 0; i < cluster.ports.length; i++) await cluster.cli(i, "CLIENT", "KILL", "TYPE", "pubsub");
    // Whether B is still resubscribing (asking Redis) or already back on its copy, it refuses within the window.
    expect(await refusedAfter(a, b)).toBeLessThan(PUSH_WINDOW_MS);
    await loads(b, before + 1);
    expect(await refusedAfter(a, b)).toBeLessThan(PUSH_WINDOW_MS);
  });
});

describe("through Sentinels", () => {
  let database: TestDatabase;
  let setup: RedisSentinelSetup;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    [database, setup] = await Promise.all([createTestDatabase(), startRedisSentinel({ auth: { password: REDIS_PASSWORD } })]);
    // REDIS_URL "" unsets the harness's single Redis: the Sentinel's master is the store.
    [a, b] = await startPair({ REDIS_URL: "", ...setup.env() }, "services", database);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await setup?.stop();
    await database?.drop();
  });

  test("a session ended on A is refused on B within 100 ms, before and after a failover", async () => {
    expect(await refusedAfter(a, b)).toBeLessThan(PUSH_WINDOW_MS);
    const [before, master] = [loaded(b), await setup.masterPort()];
    await setup.killServer(master);
    await loads(b, before + 1, 30_000);
    expect(await setup.masterPort()).not.toBe(master);
    // Both apps' commands may still be on their way to the promoted replica: retry the sign-up until they are.
    let ms: number | undefined;
    for (let attempt = 0; ms === undefined; attempt++) {
      ms = await refusedAfter(a, b).catch((error) => {
        if (attempt === 20) throw error;
        return Bun.sleep(250).then(() => undefined);
      });
    }
    expect(ms).toBeLessThan(PUSH_WINDOW_MS);
    expect(
      (await redisCli(await setup.masterPort(), setup.auth, "PUBSUB", "NUMSUB", `${b.config.REDIS_KEY_PREFIX}revoked-sessions`)).output,
    ).toContain("2");
  }, 60_000);
});
