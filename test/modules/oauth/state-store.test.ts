import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { connectRedis, waitForRedis, type RedisClient } from "../../../src/cache/redis";
import { AppError } from "../../../src/errors";
import { createLogger } from "../../../src/lib/log";
import {
  createMemoryOAuthStateStore,
  createRedisOAuthStateStore,
  type OAuthStateRecord,
  type OAuthStateStore,
} from "../../../src/modules/oauth/state-store";
import { createFakeClock } from "../../support/clock";
import { TEST_REDIS_URL, uniqueId } from "../../support/env";
import { freePort } from "../../support/free-port";
import { leaseSharedRedisCluster } from "../../support/redis-cluster";

const quiet = createLogger("error", () => {});
const clients: RedisClient[] = [];
let lease: Awaited<ReturnType<typeof leaseSharedRedisCluster>>;
beforeAll(async () => {
  lease = await leaseSharedRedisCluster();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await lease?.release();
});

type Clock = ReturnType<typeof createFakeClock>;
// The app's own client (it fails fast instead of queueing), connected before use.
async function connectedRedis(prefix = `otp-auth-test:${uniqueId()}:`) {
  const redis = connectRedis(TEST_REDIS_URL, prefix, quiet);
  clients.push(redis);
  if (!(await waitForRedis(redis, 3000))) throw new Error("Redis is not reachable");
  return redis;
}

// The same client on a real 3-master Redis Cluster: each state's key lands on whichever master owns its slot.
async function connectedCluster() {
  const nodes = lease.cluster.ports.map((port) => ({ host: "127.0.0.1", port }));
  const cluster = connectRedis({ kind: "cluster", nodes, tls: false }, `otp-auth-test:${uniqueId()}:`, quiet);
  clients.push(cluster);
  if (!(await waitForRedis(cluster, 5000))) throw new Error("the test cluster is not reachable");
  return cluster;
}

const backends: [string, (clock: Clock) => Promise<OAuthStateStore>][] = [
  ["redis", async (clock) => createRedisOAuthStateStore(await connectedRedis(), clock)],
  ["redis cluster", async (clock) => createRedisOAuthStateStore(await connectedCluster(), clock)],
  ["memory", async (clock) => createMemoryOAuthStateStore(clock)],
];

const record = (provider = "google"): OAuthStateRecord => ({
  provider,
  codeVerifier: `verifier-${uniqueId()}`,
  redirectUri: "http://127.0.0.1:5500/callback",
});

describe.each(backends)("OAuth state store contract: %s", (_name, makeStore) => {
  test("take returns the saved record once, then nothing", async () => {
    const clock = createFakeClock();
    const store = await makeStore(clock);
    const saved = record();
    await store.save("id-1", saved, 600);
    expect(await store.take("id-1")).toEqual(saved);
    expect(await store.take("id-1")).toBeNull();
  });

  test("an unknown id gives nothing, and ids do not interfere", async () => {
    const store = await makeStore(createFakeClock());
    const [a, b] = [record("google"), record("github")];
    await store.save("a", a, 600);
    await store.save("b", b, 600);
    expect(await store.take("c")).toBeNull();
    expect(await store.take("b")).toEqual(b);
    expect(await store.take("a")).toEqual(a);
  });

  test("a record expires after its TTL by the injected clock", async () => {
    const clock = createFakeClock();
    const store = await makeStore(clock);
    await store.save("fresh", record(), 60);
    await store.save("stale", record(), 60);
    clock.advance(59_999);
    expect(await store.take("fresh")).not.toBeNull();
    clock.advance(1);
    expect(await store.take("stale")).toBeNull();
  });

  test("of concurrent takes of one id, exactly one gets the record", async () => {
    const store = await makeStore(createFakeClock());
    const saved = record();
    await store.save("raced", saved, 600);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take("raced")));
    expect(results.filter((r) => r !== null)).toEqual([saved]);
  });

  test("only the record's fields come back", async () => {
    const store = await makeStore(createFakeClock());
    await store.save("extra", { ...record(), secret: "not stored" } as OAuthStateRecord, 600);
    expect(Object.keys((await store.take("extra"))!).sort()).toEqual(["codeVerifier", "provider", "redirectUri"]);
  });
});

describe("Redis state store", () => {
  test("keys are hashes of the id, and carry a TTL", async () => {
    const prefix = `otp-auth-test:${uniqueId()}:`;
    const redis = await connectedRedis(prefix);
    const raw = new Redis(TEST_REDIS_URL);
    clients.push(raw);
    await createRedisOAuthStateStore(redis, createFakeClock()).save("plain-state-id", record(), 120);
    const keys = await raw.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^.*oauth-state:[0-9a-f]{64}$/);
    expect(keys[0]).not.toContain("plain-state-id");
    expect(await raw.ttl(keys[0]!)).toBeGreaterThan(110);
  });

  test("an unreachable Redis is a 503", async () => {
    const redis = connectRedis(`redis://127.0.0.1:${freePort()}`, "x:", quiet);
    clients.push(redis);
    const store = createRedisOAuthStateStore(redis, createFakeClock());
    const error = await store.save("id", record(), 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
  });
});

describe("memory state store", () => {
  test("holds at most maxEntries: expired records go first, then the oldest", async () => {
    const clock = createFakeClock();
    const store = createMemoryOAuthStateStore(clock, 3);
    await store.save("old", record(), 10);
    await store.save("a", record(), 600);
    clock.advance(10_000);
    await store.save("b", record(), 600);
    await store.save("c", record(), 600); // full: "old" has expired and makes room
    expect(await store.take("a")).not.toBeNull();
    await store.save("d", record(), 600);
    await store.save("e", record(), 600); // full, nothing expired: the oldest ("b") is dropped
    expect(await store.take("b")).toBeNull();
    for (const id of ["c", "d", "e"]) expect(await store.take(id)).not.toBeNull();
  });
});
