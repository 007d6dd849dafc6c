import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Cluster, Redis } from "ioredis";
import { connectRedis, waitForRedis } from "../../src/cache/redis";
import { AppError } from "../../src/errors";
import { createLogger } from "../../src/lib/log";
import { createMemoryOtpStore } from "../../src/otp/memory-store";
import { createRedisOtpStore } from "../../src/otp/redis-store";
import type { OtpStore } from "../../src/otp/store";
import { createOtpService, type OtpSettings } from "../../src/otp/service";
import { createFakeClock } from "../support/clock";
import { TEST_REDIS_URL, uniqueEmail, uniqueId } from "../support/env";
import { leaseSharedRedisCluster, type RedisCluster } from "../support/redis-cluster";

// The OTP rules, exercised on the service and its Redis store directly (no HTTP).
const settings: OtpSettings = {
  secret: "otp-service-test-secret-0123456789abcdef",
  length: 6,
  ttlSeconds: 120,
  maxAttempts: 5,
  resendCooldownSeconds: 60,
  maxSendsPerHour: 10,
  maxFailuresPerWindow: 25,
  failureWindowSeconds: 86_400,
};

let redis: Redis;
// A real 3-master Redis Cluster on loopback, reached with the app's own client (the same one buildDeps makes).
let lease: Awaited<ReturnType<typeof leaseSharedRedisCluster>>;
let cluster: RedisCluster;
let clusterClient: Cluster;
const clusterPrefix = `otp-auth-test:${uniqueId()}:`;
beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: `otp-auth-test:${uniqueId()}:` });
  lease = await leaseSharedRedisCluster();
  cluster = lease.cluster;
  const nodes = cluster.ports.map((port) => ({ host: "127.0.0.1", port }));
  clusterClient = connectRedis(
    { kind: "cluster", nodes, tls: false },
    clusterPrefix,
    createLogger("error", () => {}),
  ) as Cluster;
  if (!(await waitForRedis(clusterClient, 5000))) throw new Error("the test cluster is not reachable");
});
afterAll(async () => {
  redis.disconnect();
  clusterClient?.disconnect();
  await lease?.release();
});

// One contract, three stores: every rule below must hold on Redis and on a Redis Cluster (Lua) and in process alike.
const STORES: [string, () => OtpStore][] = [
  ["Redis", () => createRedisOtpStore(redis)],
  ["Redis Cluster", () => createRedisOtpStore(clusterClient)],
  ["in-process", () => createMemoryOtpStore()],
];

const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error) => (error instanceof AppError ? error.status : Promise.reject(error)),
  );

describe.each(STORES)("OTP service on the %s store", (_name, createStore) => {
  function makeService(overrides: Partial<OtpSettings> = {}) {
    const clock = createFakeClock();
    return { clock, otp: createOtpService({ store: createStore(), clock, settings: { ...settings, ...overrides } }) };
  }

  test("codes have OTP_LENGTH digits and are not predictable", async () => {
    for (const length of [4, 6, 10]) {
      const { otp } = makeService({ length, resendCooldownSeconds: 0, maxSendsPerHour: 1000 });
      const email = uniqueEmail();
      const codes = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const code = await otp.issueOtp(email, "register");
        expect(code).toMatch(new RegExp(`^\\d{${length}}$`));
        codes.add(code);
      }
      // 40 draws from 10^length values: repeats are possible for 4 digits, but not many.
      expect(codes.size).toBeGreaterThan(30);
    }
  });

  test("a code for one purpose is useless for the other", async () => {
    const { otp } = makeService();
    const email = uniqueEmail();
    const code = await otp.issueOtp(email, "register");
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "recheck", code))).toBe(400);
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "register", code))).toBe(200);
  });

  test("a code is bound to its address", async () => {
    const { otp } = makeService();
    const [alice, bob] = [uniqueEmail("alice"), uniqueEmail("bob")];
    const code = await otp.issueOtp(alice, "register");
    await otp.issueOtp(bob, "register");
    expect(await statusOf(otp.verifyAndConsumeOtp(bob, "register", code))).toBe(400);
  });

  test("withdrawing a code kills it and lifts the cooldown, but never a newer code", async () => {
    const { otp, clock } = makeService();
    const email = uniqueEmail();
    const first = await otp.issueOtp(email, "register");
    await otp.withdrawOtp(email, "register", first);
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "register", first))).toBe(400);
    const second = await otp.issueOtp(email, "register");
    clock.advance(1000);
    await otp.withdrawOtp(email, "register", first);
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "register", second))).toBe(200);
  });

  test("hasPendingOtp follows the code's life", async () => {
    const { otp, clock } = makeService();
    const email = uniqueEmail();
    expect(await otp.hasPendingOtp(email, "recheck")).toBe(false);
    await otp.issueOtp(email, "recheck");
    expect(await otp.hasPendingOtp(email, "recheck")).toBe(true);
    expect(await otp.hasPendingOtp(email, "register")).toBe(false);
    clock.advance(120_000);
    expect(await otp.hasPendingOtp(email, "recheck")).toBe(false);
  });

  test("concurrent issues respect the cooldown: exactly one code is sent", async () => {
    const { otp } = makeService();
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 25 }, () => statusOf(otp.issueOtp(email, "register"))));
    expect(results.filter((s) => s === 200).length).toBe(1);
    expect(results.filter((s) => s === 429).length).toBe(24);
  });

  test("a code expires after its lifetime, by the service's clock", async () => {
    const { otp, clock } = makeService();
    const email = uniqueEmail();
    const code = await otp.issueOtp(email, "register");
    clock.advance(settings.ttlSeconds * 1000);
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "register", code))).toBe(400);
    expect(await otp.hasPendingOtp(email, "register")).toBe(false);
  });

  test("wrong tries kill the code at the limit, even for the right code afterwards", async () => {
    const { otp } = makeService();
    const email = uniqueEmail();
    const code = await otp.issueOtp(email, "register");
    const wrong = code === "000000" ? "000001" : "000000";
    const statuses = [];
    for (let i = 0; i < settings.maxAttempts; i++) statuses.push(await statusOf(otp.verifyAndConsumeOtp(email, "register", wrong)));
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    expect(await statusOf(otp.verifyAndConsumeOtp(email, "register", code))).toBe(429);
  });

  test("50 concurrent verifications of one code: exactly one succeeds", async () => {
    const { otp } = makeService();
    const email = uniqueEmail();
    const code = await otp.issueOtp(email, "register");
    const results = await Promise.all(Array.from({ length: 50 }, () => statusOf(otp.verifyAndConsumeOtp(email, "register", code))));
    expect(results.filter((s) => s === 200).length).toBe(1);
  });

  test("concurrent issues with no cooldown never exceed the hourly cap", async () => {
    const { otp } = makeService({ resendCooldownSeconds: 0, maxSendsPerHour: 7 });
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 30 }, () => statusOf(otp.issueOtp(email, "register"))));
    expect(results.filter((s) => s === 200).length).toBe(7);
  });
});

describe("OTP service on Redis", () => {
  test("the Redis keys expire on their own", async () => {
    const otp = createOtpService({ store: createRedisOtpStore(redis), clock: createFakeClock(), settings });
    const email = uniqueEmail();
    await otp.issueOtp(email, "register");
    const prefix = redis.options.keyPrefix!;
    const raw = new Redis(TEST_REDIS_URL);
    try {
      const keys = await raw.keys(`${prefix}*${email}*`);
      expect(keys.length).toBe(2);
      for (const key of keys) {
        const ttl = await raw.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(3_600_000);
      }
    } finally {
      raw.disconnect();
    }
  });
});

describe("OTP service on a Redis Cluster", () => {
  const settingsForMany = { ...settings, resendCooldownSeconds: 0 };

  /** The masters' keys under this file's prefix, one list per master (read on each master directly). */
  async function keysPerMaster(pattern: string): Promise<string[][]> {
    return Promise.all(
      cluster.ports.map(async (port) => {
        const node = new Redis({ host: "127.0.0.1", port });
        try {
          return await node.keys(`${clusterPrefix}${pattern}`);
        } finally {
          node.disconnect();
        }
      }),
    );
  }

  test("the codes of different addresses spread over every master, each address's keys on one", async () => {
    const otp = createOtpService({ store: createRedisOtpStore(clusterClient), clock: createFakeClock(), settings: settingsForMany });
    const label = `spread${uniqueId()}`;
    const emails = Array.from({ length: 60 }, () => uniqueEmail(label));
    for (const email of emails) await otp.issueOtp(email, "register");
    const perMaster = await keysPerMaster(`otp:{${label}-*`);
    // 60 random addresses over 3 masters: the chance that one master gets none is about 3 * (2/3)^60, 1e-10.
    expect(perMaster.map((keys) => keys.length > 0)).toEqual([true, true, true]);
    expect(perMaster.flat().length).toBe(emails.length * 2);
    for (const email of emails) {
      const holders = perMaster.filter((keys) => keys.some((key) => key.includes(`{${email}}`)));
      expect(holders.length).toBe(1);
      expect(holders[0]!.filter((key) => key.includes(`{${email}}`)).sort()).toEqual([
        `${clusterPrefix}otp:{${email}}:code:register`,
        `${clusterPrefix}otp:{${email}}:sends`,
      ]);
    }
  });

  test("with the key prefix applied, both keys of a script hash to one slot: the address's", async () => {
    const email = uniqueEmail();
    const slotOf = async (key: string) => Number((await cluster.cli(0, "CLUSTER", "KEYSLOT", key)).trim());
    const codeSlot = await slotOf(`${clusterPrefix}otp:{${email}}:code:register`);
    expect(await slotOf(`${clusterPrefix}otp:{${email}}:sends`)).toBe(codeSlot);
    expect(await slotOf(`${clusterPrefix}otp:{${email}}:code:recheck`)).toBe(codeSlot);
    expect(await slotOf(email)).toBe(codeSlot);
  });

  test("codes of addresses on every master verify once and are consumed there", async () => {
    const otp = createOtpService({ store: createRedisOtpStore(clusterClient), clock: createFakeClock(), settings });
    const emails = Array.from({ length: 12 }, () => uniqueEmail("owner"));
    const codes = await Promise.all(emails.map((email) => otp.issueOtp(email, "register")));
    const results = await Promise.all(
      emails.map((email, i) =>
        otp.verifyAndConsumeOtp(email, "register", codes[i]!).then(
          () => "ok",
          (e) => e,
        ),
      ),
    );
    expect(results).toEqual(emails.map(() => "ok"));
    expect((await keysPerMaster("otp:{owner-*:code:*")).flat()).toEqual([]);
  });
});
