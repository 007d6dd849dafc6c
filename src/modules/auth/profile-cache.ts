import type { RedisClient } from "../../cache/redis";
import { callRedis } from "../../cache/redis-calls";
import type { ChannelListener } from "../../cache/subscriber";
import type { ProfileResponse } from "./model";

/** The profiles /auth/me answers with: from this process's memory where that is safe, else from the database. */
export interface Profiles {
  read(userId: number, load: () => Promise<ProfileResponse | undefined>): Promise<ProfileResponse | undefined>;
  /**
   * Says that a user's email, is_active or is_verified changed (after the write): every instance reads it from
   * the database again. Only needed where an active, verified user can change, since only those are kept.
   */
  forget(userId: number): Promise<void>;
}

/** The embedded defaults: every read goes to the database, as before. */
export const uncachedProfiles: Profiles = { read: (_userId, load) => load(), forget: async () => {} };

const MAX_ENTRIES = 100_000;

/**
 * Profiles kept in memory while the change channel is subscribed, forgotten on every change message and all
 * of them whenever the subscription drops or comes back (changes published meanwhile were missed); while it is
 * down every read goes to the database. Only active, verified profiles are kept: the sign-in flows that
 * verify or activate an account then change nothing that is kept, and only the admin API's changes (which
 * call forget) do. A read that a change overtook is answered but not kept.
 */
export function createPushedProfiles(redis: RedisClient, channel: string): Profiles & { listener: ChannelListener } {
  const kept = new Map<number, ProfileResponse>();
  // The read in flight per user; a change drops it, so its result is not kept.
  const reading = new Map<number, object>();
  let live = false;
  let generation = 0;

  const drop = (userId: number) => {
    kept.delete(userId);
    reading.delete(userId);
  };
  const reset = (nowLive: boolean) => {
    live = nowLive;
    generation++;
    kept.clear();
    reading.clear();
  };

  return {
    async read(userId, load) {
      if (!live) return load();
      const hit = kept.get(userId);
      if (hit) return hit;
      const mark = {};
      const started = generation;
      reading.set(userId, mark);
      try {
        const profile = await load();
        if (profile?.is_active && profile.is_verified && started === generation && reading.get(userId) === mark) {
          if (kept.size >= MAX_ENTRIES) kept.delete(kept.keys().next().value!);
          kept.set(userId, profile);
        }
        return profile;
      } finally {
        if (reading.get(userId) === mark) reading.delete(userId);
      }
    },
    async forget(userId) {
      drop(userId);
      await callRedis(() => redis.publish(channel, String(userId)));
    },
    listener: {
      onMessage: (message) => drop(Number(message)),
      onSubscribed: () => reset(true),
      onLost: () => reset(false),
    },
  };
}
