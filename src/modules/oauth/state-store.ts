import { createHash } from "node:crypto";
import { callRedis } from "../../cache/redis-calls";
import type { RedisClient } from "../../cache/redis";
import type { Clock } from "../../lib/clock";

/** What the server keeps about one started sign-in: only what the callback needs, never sent to the browser. */
export interface OAuthStateRecord {
  provider: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * One-time storage of started sign-ins. `take` is an atomic read-and-delete: of any number of concurrent
 * callbacks with one state, exactly one gets the record. Expiry is judged by the injected clock.
 */
export interface OAuthStateStore {
  save(id: string, record: OAuthStateRecord, ttlSeconds: number): Promise<void>;
  take(id: string): Promise<OAuthStateRecord | null>;
}

interface StoredRecord extends OAuthStateRecord {
  expiresAt: number;
}

// Keyed by a hash of the id, so a dump of the store gives nothing to put in a callback's `state`.
const storageKey = (id: string) => `oauth-state:${createHash("sha256").update(id).digest("hex")}`;

const stored = (record: OAuthStateRecord, expiresAt: number): StoredRecord => ({
  provider: record.provider,
  codeVerifier: record.codeVerifier,
  redirectUri: record.redirectUri,
  expiresAt,
});

const unexpired = (entry: StoredRecord | undefined, now: number): OAuthStateRecord | null =>
  entry && now < entry.expiresAt ? { provider: entry.provider, codeVerifier: entry.codeVerifier, redirectUri: entry.redirectUri } : null;

/** Redis (one server or a Cluster: one key per call): SET with a TTL (which only collects garbage; the clock decides expiry) and GETDEL to take. */
export function createRedisOAuthStateStore(redis: RedisClient, clock: Clock): OAuthStateStore {
  return {
    async save(id, record, ttlSeconds) {
      const value = JSON.stringify(stored(record, clock.now() + ttlSeconds * 1000));
      await callRedis(() => redis.set(storageKey(id), value, "EX", ttlSeconds));
    },
    async take(id) {
      const value = await callRedis(() => redis.getdel(storageKey(id)));
      return value === null ? null : unexpired(JSON.parse(value) as StoredRecord, clock.now());
    },
  };
}

/**
 * One process's store (no REDIS_URL). `take` runs synchronously to its end, so no other request can
 * interleave between the read and the delete. Bounded: expired entries are swept, then the oldest dropped.
 */
export function createMemoryOAuthStateStore(clock: Clock, maxEntries = 100_000): OAuthStateStore {
  const entries = new Map<string, StoredRecord>();

  function makeRoom(now: number) {
    if (entries.size < maxEntries) return;
    for (const [key, entry] of entries) if (now >= entry.expiresAt) entries.delete(key);
    // Map iterates in insertion order: the first keys are the oldest sign-ins.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  }

  return {
    async save(id, record, ttlSeconds) {
      const now = clock.now();
      makeRoom(now);
      entries.set(storageKey(id), stored(record, now + ttlSeconds * 1000));
    },
    async take(id) {
      const key = storageKey(id);
      const entry = entries.get(key);
      entries.delete(key);
      return unexpired(entry, clock.now());
    },
  };
}
