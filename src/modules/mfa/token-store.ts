import { createHash } from "node:crypto";
import { callRedis } from "../../cache/redis-calls";
import type { RedisClient } from "../../cache/redis";
import type { Clock } from "../../lib/clock";
import type { SignInProof } from "../sessions/repository";

/** A first factor that was right, waiting for the second: who, and what it proved, for the session it will open. */
export interface PendingSignIn {
  userId: number;
  email: string;
  /** When the address was last proven (ms since epoch), as the first factor would have opened its session with. */
  verifiedAt: number;
  proof: SignInProof;
  /** Wrong codes sent with this mfa_token so far. */
  tries: number;
  expiresAt: number;
}

/**
 * Short-lived, single-use mfa_tokens, kept under a hash of the token. `take` is an atomic read-and-delete: of
 * concurrent requests with one token exactly one gets the record; a wrong code puts it back with one more try.
 */
export interface MfaTokenStore {
  save(token: string, record: PendingSignIn): Promise<void>;
  take(token: string): Promise<PendingSignIn | null>;
}

const storageKey = (token: string) => `mfa-token:${createHash("sha256").update(token).digest("hex")}`;

/** Redis (one server or a Cluster: one key per call); the TTL only collects garbage, the clock decides expiry. */
export function createRedisMfaTokenStore(redis: RedisClient, clock: Clock): MfaTokenStore {
  return {
    async save(token, record) {
      const ttlMs = Math.max(1, record.expiresAt - clock.now());
      await callRedis(() => redis.set(storageKey(token), JSON.stringify(record), "PX", ttlMs));
    },
    async take(token) {
      const value = await callRedis(() => redis.getdel(storageKey(token)));
      if (value === null) return null;
      const record = JSON.parse(value) as PendingSignIn;
      return clock.now() < record.expiresAt ? record : null;
    },
  };
}

/** One process's store (no REDIS_URL); `take` runs to its end synchronously. Bounded: expired entries are swept. */
export function createMemoryMfaTokenStore(clock: Clock, maxEntries = 100_000): MfaTokenStore {
  const entries = new Map<string, PendingSignIn>();
  return {
    async save(token, record) {
      if (entries.size >= maxEntries) {
        for (const [key, entry] of entries) if (clock.now() >= entry.expiresAt) entries.delete(key);
        for (const key of entries.keys()) {
          if (entries.size < maxEntries) break;
          entries.delete(key);
        }
      }
      entries.set(storageKey(token), { ...record });
    },
    async take(token) {
      const key = storageKey(token);
      const entry = entries.get(key);
      entries.delete(key);
      return entry && clock.now() < entry.expiresAt ? entry : null;
    },
  };
}
