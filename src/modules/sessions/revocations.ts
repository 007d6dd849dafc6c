import type { RedisClient } from "../../cache/redis";
import { callRedis } from "../../cache/redis-calls";
import type { Clock } from "../../lib/clock";

/**
 * The sessions ended before their access tokens expired. Checked on every authenticated request, so a
 * revoked session's access token stops working at once without a database read per request. An entry
 * only has to outlive the longest access token issued before the revocation.
 */
export interface RevocationStore {
  revoke(sessionIds: string[]): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

const key = (sessionId: string) => `revoked-session:${sessionId}`;

export function createRedisRevocationStore(redis: RedisClient, ttlMs: number): RevocationStore {
  return {
    async revoke(sessionIds) {
      if (sessionIds.length === 0) return;
      // One key per session (no multi-key command), so this works unchanged on Redis Cluster.
      await callRedis(() => Promise.all(sessionIds.map((id) => redis.set(key(id), "1", "PX", ttlMs))));
    },
    isRevoked: async (sessionId) => (await callRedis(() => redis.exists(key(sessionId)))) === 1,
  };
}

/** One process's revocations (no REDIS_URL), expiring by the service's clock. */
export function createMemoryRevocationStore(clock: Clock, ttlMs: number): RevocationStore {
  const until = new Map<string, number>();
  return {
    async revoke(sessionIds) {
      const now = clock.now();
      for (const [id, expiresAt] of until) if (expiresAt <= now) until.delete(id);
      for (const id of sessionIds) until.set(id, now + ttlMs);
    },
    async isRevoked(sessionId) {
      const expiresAt = until.get(sessionId);
      return expiresAt !== undefined && expiresAt > clock.now();
    },
  };
}
