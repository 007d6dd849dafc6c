import { afterAll, beforeAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createLogger } from "../../../src/lib/log";
import { createPushedRevocationStore } from "../../../src/modules/sessions/pushed-revocations";
import { createRedisRevocationStore, type RedisRevocationStore } from "../../../src/modules/sessions/revocations";
import { createFakeClock } from "../../support/clock";
import { TEST_REDIS_URL, uniqueId } from "../../support/env";

/**
 * The copy's states, on a real Redis: it answers from memory only between a completed load and the next lost
 * subscription; before that, Redis answers. The load is held open here to look into the window between
 * a (re)subscription and the end of its load.
 */

const TTL_MS = 31 * 60_000;
let redis: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: `otp-auth-test:${uniqueId()}:` });
});
afterAll(() => redis.disconnect());

function setUp() {
  const clock = createFakeClock();
  const real = createRedisRevocationStore(redis, TTL_MS, async () => [], { clock });
  let asked = 0;
  let release: () => void = () => {};
  let failNext = false;
  let loads = 0;
  const source: RedisRevocationStore = {
    revoke: (ids) => real.revoke(ids),
    isRevoked: (id) => {
      asked++;
      return real.isRevoked(id);
    },
    async loadLive() {
      loads++;
      if (failNext) {
        failNext = false;
        throw new Error("redis went away");
      }
      await new Promise<void>((resolve) => (release = resolve));
      return real.loadLive();
    },
  };
  const store = createPushedRevocationStore({ source, clock, ttlMs: TTL_MS, log: createLogger("error", () => {}) });
  /** Waits until the copy answers without asking Redis (its load is done). */
  async function answersFromMemory() {
    for (;;) {
      const before = asked;
      await store.isRevoked(crypto.randomUUID());
      if (asked === before) return;
      await Bun.sleep(2);
    }
  }
  const loadsStarted = async (count: number) => {
    while (loads < count) await Bun.sleep(5);
  };
  return {
    store,
    real,
    clock,
    asked: () => asked,
    release: () => release(),
    failNextLoad: () => (failNext = true),
    answersFromMemory,
    loadsStarted,
  };
}

test("Redis answers until the load after a subscription is done; then memory, which also took the messages of the window", async () => {
  const { store, real, asked, release, answersFromMemory } = setUp();
  const [before, during, after] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
  // Ended by another instance before this one subscribed: only the load can bring it.
  await real.revoke([before]);
  expect(await store.isRevoked(before)).toBe(true);
  expect(asked()).toBe(1);

  store.listener.onSubscribed();
  expect(await store.isRevoked(before)).toBe(true);
  expect(asked()).toBe(2);
  // Published after the subscription, while the load still runs.
  await real.revoke([during]);
  store.listener.onMessage(during);
  release();
  await answersFromMemory();
  const counted = asked();
  expect(await store.isRevoked(before)).toBe(true);
  expect(await store.isRevoked(during)).toBe(true);
  expect(await store.isRevoked(after)).toBe(false);
  expect(asked()).toBe(counted);

  store.listener.onLost();
  await real.revoke([after]);
  expect(await store.isRevoked(after)).toBe(true);
  expect(asked()).toBe(counted + 1);
  store.close();
});

test("a load that a lost subscription overtook is not trusted; a failed load is retried, Redis answering meanwhile", async () => {
  const { store, real, asked, release, failNextLoad, loadsStarted, answersFromMemory } = setUp();
  store.listener.onSubscribed();
  await loadsStarted(1);
  store.listener.onLost();
  release();
  const ended = crypto.randomUUID();
  await real.revoke([ended]);
  expect(await store.isRevoked(ended)).toBe(true);
  expect(asked()).toBe(1);

  failNextLoad();
  store.listener.onSubscribed();
  await loadsStarted(2);
  expect(await store.isRevoked(ended)).toBe(true);
  expect(asked()).toBe(2);
  await loadsStarted(3);
  release();
  await answersFromMemory();
  const counted = asked();
  expect(await store.isRevoked(ended)).toBe(true);
  expect(await store.isRevoked(crypto.randomUUID())).toBe(false);
  expect(asked()).toBe(counted);
  store.close();
});

test("an own revocation is refused here at once; entries go when the access tokens they cover have expired", async () => {
  const { store, clock, asked, release, answersFromMemory, loadsStarted } = setUp();
  store.listener.onSubscribed();
  await loadsStarted(1);
  release();
  await answersFromMemory();
  const counted = asked();
  const ended = crypto.randomUUID();
  await store.revoke([ended]);
  expect(await store.isRevoked(ended)).toBe(true);
  clock.advance(TTL_MS + 1);
  expect(await store.isRevoked(ended)).toBe(false);
  expect(asked()).toBe(counted);
  store.close();
});
