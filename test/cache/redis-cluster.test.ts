import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { uniqueEmail } from "../support/env";
import { startHarness, type CallResult, type Harness } from "../support/harness";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster";

/**
 * The service on a real 3-master Redis Cluster of its own, whose nodes the test kills and restarts: one master
 * down fails its addresses fast (503) while the others keep working; all masters down fails everything fast;
 * either way the service recovers by itself when they return, and says so once in its log.
 */

const PASSWORD = "correct horse battery";
const FAST_MS = 3000;
const RECOVERY_MS = 20_000;

let cluster: RedisCluster;
let h: Harness;

beforeAll(async () => {
  // A long node timeout: the surviving masters keep serving their slots while one is away.
  cluster = await startRedisCluster({ nodeTimeoutMs: 60_000 });
  h = await startHarness({ backend: "cluster", redisCluster: cluster });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await cluster?.stop();
}, 30_000);

/** Which master (index into cluster.ports) holds a key; for an address's keys, the owner of its hash tag's slot. */
async function masterOf(key: string): Promise<number> {
  const slot = Number((await cluster.cli(0, "CLUSTER", "KEYSLOT", key)).trim());
  const raw = new Redis({ host: "127.0.0.1", port: cluster.ports[0] });
  try {
    const ranges = await raw.cluster("SLOTS");
    const [, , master] = ranges.find(([from, to]) => from <= slot && slot <= to)!;
    return cluster.ports.indexOf(master![1]);
  } finally {
    raw.disconnect();
  }
}

async function addressOn(master: number): Promise<string> {
  for (;;) {
    const email = uniqueEmail(`on${master}`);
    if ((await masterOf(email)) === master) return email;
  }
}

async function timed(run: () => Promise<CallResult>) {
  const started = performance.now();
  const result = await run();
  return { ...result, ms: performance.now() - started };
}

const register = (email: string) => timed(() => h.call("POST", "/auth/register", { email, password: PASSWORD }));

async function waitUntilReady() {
  const deadline = Date.now() + RECOVERY_MS;
  let last: CallResult | undefined;
  while (Date.now() < deadline) {
    last = await h.call("GET", "/ready");
    if (last.status === 200) return;
    await Bun.sleep(100);
  }
  throw new Error(`/ready did not return to 200 within ${RECOVERY_MS} ms: ${JSON.stringify(last?.body)}`);
}

function outageLogLines(since: number) {
  const messages = h.logs.slice(since).map((line) => JSON.parse(line).message as string);
  return {
    lost: messages.filter((m) => m === "redis connection lost").length,
    restored: messages.filter((m) => m === "redis connection restored").length,
  };
}

async function expectRegistersAndVerifies(email: string) {
  h.clock.advance(61_000);
  const res = await register(email);
  expect(res.status).toBe(201);
  expect((await h.call("POST", "/auth/verify-otp", { email, code: h.inbox.latestCode(email) })).status).toBe(200);
}

describe("a Redis Cluster that loses masters", () => {
  test("/ready names the cluster and answers for every master", async () => {
    expect(h.config.backends.store).toBe("redis-cluster");
    const ready = await h.call("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: "ok", "redis-cluster": "ok" });
  });

  test("one master down: its addresses get a fast 503, the others keep working; it returns and all works", async () => {
    // Every in-process request is the client `unknown`, whose per-IP counters (one key per kind) also live on
    // one master: the victim is a master that holds none of those the register and verify routes use.
    const counters = await Promise.all(["mail", "code"].map((kind) => masterOf(`${h.config.REDIS_KEY_PREFIX}rl:${kind}:unknown`)));
    const victim = [0, 1, 2].find((master) => !counters.includes(master))!;
    const survivor = [0, 1, 2].find((master) => master !== victim)!;
    const [onVictim, onSurvivor] = [await addressOn(victim), await addressOn(survivor)];
    const since = h.logs.length;
    await cluster.killNode(victim);

    const refused = await register(onVictim);
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("redis_unavailable");
    expect(refused.ms).toBeLessThan(FAST_MS);
    expect((await register(onSurvivor)).status).toBe(201);
    const ready = await timed(() => h.call("GET", "/ready"));
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ postgres: "ok", "redis-cluster": "unavailable" });
    expect(ready.ms).toBeLessThan(FAST_MS);

    await cluster.restartNode(victim);
    await waitUntilReady();
    await expectRegistersAndVerifies(onVictim);
    expect(outageLogLines(since)).toEqual({ lost: 1, restored: 1 });
  }, 60_000);

  test("every master down: everything fails fast; they return and the service recovers by itself", async () => {
    const emails = [await addressOn(0), await addressOn(1), await addressOn(2)];
    const since = h.logs.length;
    for (const index of [0, 1, 2]) await cluster.killNode(index);

    for (const email of emails) {
      const refused = await register(email);
      expect(refused.status).toBe(503);
      expect(refused.ms).toBeLessThan(FAST_MS);
    }
    expect((await h.call("GET", "/ready")).status).toBe(503);

    await Promise.all([0, 1, 2].map((index) => cluster.restartNode(index)));
    await waitUntilReady();
    for (const email of emails) await expectRegistersAndVerifies(email);
    // The client notices a dead node only when it next talks to it, and the per-IP counters answer 503 first
    // (their node is down too), so it may not see this short outage at all; when it does, one line each way.
    // The one-master test above proves the lines themselves.
    const lines = outageLogLines(since);
    expect(lines.lost).toBeLessThanOrEqual(1);
    expect(lines.restored).toBe(lines.lost);
  }, 60_000);
});
