import type { Clock } from "../lib/clock";
import { callRedis } from "./redis-calls";
import type { RedisClient } from "./redis";

export interface InstanceInfo {
  id: string;
  host: string;
  pid: number;
  version: string;
  started_at: string;
  last_seen_at: string;
}

const KEY = "instances";
const HEARTBEAT_MS = 10_000;
/** An instance not heard from for this long is shown no more, and its entry is removed by the next reader. */
export const INSTANCE_STALE_MS = 60_000;

export type InstanceRegistry = ReturnType<typeof createInstanceRegistry>;

/**
 * The instances seen recently: each one writes its entry into one Redis hash every 10 s (one key, so it works on
 * a Cluster too). Without Redis there is one instance, this one.
 */
export function createInstanceRegistry({
  redis,
  clock,
  self,
}: {
  redis: RedisClient | null;
  clock: Clock;
  self: Omit<InstanceInfo, "last_seen_at">;
}) {
  let timer: Timer | undefined;
  const now = () => new Date(clock.now()).toISOString();
  const beat = () => redis?.hset(KEY, self.id, JSON.stringify({ ...self, last_seen_at: now() }));

  return {
    start() {
      // A missed beat (Redis away) only makes this instance look older in the list.
      void beat()?.catch(() => {});
      timer = setInterval(() => void beat()?.catch(() => {}), HEARTBEAT_MS);
      timer.unref();
    },

    /** Newest first; entries of instances gone quiet are dropped. */
    async list(): Promise<InstanceInfo[]> {
      if (!redis) return [{ ...self, last_seen_at: now() }];
      const entries = await callRedis(() => redis.hgetall(KEY));
      const fresh: InstanceInfo[] = [];
      const stale: string[] = [];
      for (const [id, text] of Object.entries(entries)) {
        const info = JSON.parse(text) as InstanceInfo;
        if (clock.now() - Date.parse(info.last_seen_at) > INSTANCE_STALE_MS) stale.push(id);
        else fresh.push(info);
      }
      if (stale.length > 0) await callRedis(() => redis.hdel(KEY, ...stale));
      return fresh.sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at));
    },

    async stop() {
      clearInterval(timer);
      await redis?.hdel(KEY, self.id).catch(() => {});
    },
  };
}
