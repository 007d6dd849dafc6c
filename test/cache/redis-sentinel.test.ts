import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { uniqueEmail } from "../support/env";
import { startHarness, type Harness } from "../support/harness";
import { redisCli } from "../support/redis-servers";
import { startRedisSentinel, type RedisSentinelSetup } from "../support/redis-sentinel";

/**
 * The service reaches Redis through a real Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME), with a password
 * on the servers: it works like on a single Redis, and when the master dies the Sentinel promotes the
 * replica and the service follows it by itself.
 */

const PASSWORD = "correct horse battery";
const REDIS_PASSWORD = "sentinel-test-redis-password";

let setup: RedisSentinelSetup;
let h: Harness;

beforeAll(async () => {
  setup = await startRedisSentinel({ auth: { password: REDIS_PASSWORD } });
  // REDIS_URL "" unsets the harness's single Redis: the Sentinel's master is the store.
  h = await startHarness({ env: { REDIS_URL: "", ...setup.env() } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await setup?.stop();
}, 30_000);

async function register(email: string) {
  const res = await h.call("POST", "/auth/register", { email, password: PASSWORD });
  expect(res.status).toBe(201);
  return h.inbox.latestCode(email);
}

async function waitUntilReady(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await h.call("GET", "/ready");
    if (last.status === 200) return last;
    await Bun.sleep(100);
  }
  throw new Error(`/ready did not return to 200 within ${timeoutMs} ms: ${JSON.stringify(last?.body)}`);
}

describe("Redis through Sentinel", () => {
  test("codes live on the master the Sentinel names, and /ready names the Sentinel setup", async () => {
    expect(h.config.backends.store).toBe("redis-sentinel");
    const ready = await h.call("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: "ok", "redis-sentinel": "ok" });

    const email = uniqueEmail("sentinel");
    const code = await register(email);
    const master = await setup.masterPort();
    expect(master).toBe(setup.ports[0]);
    const keys = (await redisCli(master, setup.auth, "KEYS", `${h.config.REDIS_KEY_PREFIX}*`)).output;
    expect(keys).toContain(`otp:{${email}}:code:register`);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
  });

  test("when the master dies, the replica is promoted and the service follows it with the codes it held", async () => {
    const email = uniqueEmail("failover");
    const code = await register(email);
    const [oldMaster, replica] = setup.ports;
    // Replication is asynchronous: make sure the replica has the code before the master goes.
    expect((await redisCli(oldMaster, setup.auth, "WAIT", "1", "2000")).output.trim()).toBe("1");
    const logsBefore = h.logs.length;

    await setup.killServer(oldMaster);
    // While the Sentinel decides, requests fail fast (503) or, once it has, succeed; none hangs.
    const during = await Promise.race([h.call("GET", "/ready"), Bun.sleep(5000).then(() => null)]);
    expect(during).not.toBeNull();
    expect([200, 503]).toContain(during!.status);

    await waitUntilReady(30_000);
    expect(await setup.masterPort()).toBe(replica);
    expect((await h.call("POST", "/auth/verify-otp", { email, code })).status).toBe(200);
    const fresh = uniqueEmail("after-failover");
    await register(fresh);

    const lines = h.logs.slice(logsBefore).map((line) => JSON.parse(line).message as string);
    expect(lines.filter((message) => message === "redis connection lost").length).toBe(1);
    expect(lines.filter((message) => message === "redis connection restored").length).toBe(1);
  }, 60_000);
});
