import type { RedisClient } from "../../cache/redis";
import { callRedis } from "../../cache/redis-calls";
import type { Config } from "../../config/load";
import { systemClock, type Clock } from "../../lib/clock";

/**
 * The sessions ended before their access tokens expired. Checked on every authenticated request, so a
 * revoked session's access token stops working at once without a database read per request. An entry
 * only has to outlive the longest access token issued before the revocation.
 *
 * The set is a copy of what the sessions table says: a store that starts empty (a new process, or a Redis
 * that lost its data) fills itself from the database before it answers, so an ended session never comes
 * back. `recentlyRevoked` lists the sessions ended within the last `ttlMs`.
 */
export interface RevocationStore {
  revoke(sessionIds: string[]): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

export type RecentlyRevoked = () => Promise<string[]>;

/** How long a revocation is kept: it must outlive every access token issued before it; a minute more covers clock skew. */
export const revocationTtlMsFrom = (config: Config) => (config.ACCESS_TOKEN_EXPIRE_MINUTES + 1) * 60_000;

// One hash tag for all of them: the marker and an entry are read with one MGET, and a revocation's keys and
// message are written in one MULTI, also on Redis Cluster.
const key = (sessionId: string) => `revoked-session:{revoked}:${sessionId}`;
// Every live revocation by its expiry time, for an instance that loads them all (see pushed-revocations.ts).
const INDEX = "revoked-session:{revoked}:index";
// Says that the keys and the index hold every revocation the sessions table has (named anew when the index came).
const COMPLETE = "revoked-session:{revoked}:filled";

/** Runs `fill` once at a time; callers that come while it runs wait for the same run. */
function once(fill: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => (running ??= fill().finally(() => (running = null)));
}

/** The Redis set, with every live entry listed for an instance that keeps its own copy. */
export interface RedisRevocationStore extends RevocationStore {
  /** Every live revocation as [session id, expiry in ms by the clock]; fills the set from the database first if it lost it. */
  loadLive(): Promise<[string, number][]>;
}

interface RedisRevocationOptions {
  clock?: Clock;
  /** Where each revocation is published in the same MULTI as its keys (see pushed-revocations.ts); none: not published. */
  channel?: string;
}

export function createRedisRevocationStore(
  redis: RedisClient,
  ttlMs: number,
  recentlyRevoked: RecentlyRevoked,
  { clock = systemClock, channel }: RedisRevocationOptions = {},
): RedisRevocationStore {
  const write = (sessionIds: string[], complete: boolean) => {
    const now = clock.now();
    const batch = redis.multi();
    for (const id of sessionIds) batch.set(key(id), "1", "PX", ttlMs);
    if (sessionIds.length > 0) {
      batch.zadd(INDEX, ...sessionIds.flatMap((id) => [now + ttlMs, id]));
      batch.zremrangebyscore(INDEX, "-inf", now);
      batch.pexpire(INDEX, ttlMs);
    }
    if (complete) batch.set(COMPLETE, "1");
    if (channel && !complete && sessionIds.length > 0) batch.publish(channel, sessionIds.join(","));
    return callRedis(() => batch.exec());
  };
  const refill = once(async () => void (await write(await recentlyRevoked(), true)));

  return {
    async revoke(sessionIds) {
      if (sessionIds.length > 0) await write(sessionIds, false);
    },
    async isRevoked(sessionId) {
      const [complete, entry] = await callRedis(() => redis.mget(COMPLETE, key(sessionId)));
      if (complete !== null) return entry !== null;
      await refill();
      return (await callRedis(() => redis.exists(key(sessionId)))) === 1;
    },
    async loadLive() {
      if ((await callRedis(() => redis.exists(COMPLETE))) === 0) await refill();
      const flat = await callRedis(() => redis.zrangebyscore(INDEX, clock.now(), "+inf", "WITHSCORES"));
      const entries: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, Number(flat[i + 1])]);
      return entries;
    },
  };
}

/** One process's revocations (no Redis), expiring by the service's clock; filled from the database at start. */
export function createMemoryRevocationStore(clock: Clock, ttlMs: number, recentlyRevoked: RecentlyRevoked): RevocationStore {
  const until = new Map<string, number>();
  let filled = false;
  const add = (sessionIds: string[]) => {
    const now = clock.now();
    for (const [id, expiresAt] of until) if (expiresAt <= now) until.delete(id);
    for (const id of sessionIds) until.set(id, now + ttlMs);
  };
  const refill = once(async () => {
    add(await recentlyRevoked());
    filled = true;
  });

  return {
    async revoke(sessionIds) {
      add(sessionIds);
    },
    async isRevoked(sessionId) {
      if (!filled) await refill();
      const expiresAt = until.get(sessionId);
      return expiresAt !== undefined && expiresAt > clock.now();
    },
  };
}
