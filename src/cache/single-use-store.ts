import { createHash } from "node:crypto";
import type { Clock } from "../lib/clock";
import { callRedis } from "./redis-calls";
import type { RedisClient } from "./redis";

/**
 * Short-lived records that can be taken once: OAuth states, mfa_tokens, passkey challenges. `take` is an atomic
 * read-and-delete, so of any number of concurrent requests with one id exactly one gets the record; expiry is
 * judged by the injected clock (a Redis TTL only collects garbage).
 */
export interface SingleUseStore<T> {
  save(id: string, record: T, expiresAt: number): Promise<void>;
  take(id: string): Promise<T | null>;
}

interface Stored<T> {
  record: T;
  expiresAt: number;
}

// Kept under a hash of the id, so a dump of the store gives nothing that could be presented as one.
const storageKey = (namespace: string, id: string) => `${namespace}:${createHash("sha256").update(id).digest("hex")}`;

/** Redis (one server or a Cluster: one key per call): SET with a TTL, GETDEL to take. */
export function createRedisSingleUseStore<T>(redis: RedisClient, clock: Clock, namespace: string): SingleUseStore<T> {
  return {
    async save(id, record, expiresAt) {
      const ttlMs = Math.max(1, expiresAt - clock.now());
      await callRedis(() => redis.set(storageKey(namespace, id), JSON.stringify({ record, expiresAt }), "PX", ttlMs));
    },
    async take(id) {
      const value = await callRedis(() => redis.getdel(storageKey(namespace, id)));
      if (value === null) return null;
      const entry = JSON.parse(value) as Stored<T>;
      return clock.now() < entry.expiresAt ? entry.record : null;
    },
  };
}

/**
 * One process's store (no Redis); `take` runs to its end synchronously, so nothing interleaves between the read
 * and the delete. Bounded: expired entries are swept, then the oldest dropped.
 */
export function createMemorySingleUseStore<T>(clock: Clock, namespace: string, maxEntries = 100_000): SingleUseStore<T> {
  const entries = new Map<string, Stored<T>>();
  function makeRoom(now: number) {
    if (entries.size < maxEntries) return;
    for (const [key, entry] of entries) if (now >= entry.expiresAt) entries.delete(key);
    // A Map iterates in insertion order: the first keys are the oldest.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  }
  return {
    async save(id, record, expiresAt) {
      makeRoom(clock.now());
      entries.set(storageKey(namespace, id), { record: structuredClone(record), expiresAt });
    },
    async take(id) {
      const key = storageKey(namespace, id);
      const entry = entries.get(key);
      entries.delete(key);
      return entry && clock.now() < entry.expiresAt ? entry.record : null;
    },
  };
}

export const singleUseStore = <T>(redis: RedisClient | null, clock: Clock, namespace: string): SingleUseStore<T> =>
  redis ? createRedisSingleUseStore<T>(redis, clock, namespace) : createMemorySingleUseStore<T>(clock, namespace);
