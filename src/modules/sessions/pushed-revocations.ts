import type { ChannelListener } from "../../cache/subscriber";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { RedisRevocationStore, RevocationStore } from "./revocations";

const reloadDelay = (attempt: number) => Math.min(200 * 2 ** attempt, 5000);

/**
 * This instance's copy of the revocation set in Redis, so that an authenticated request asks nobody. Kept
 * current by the channel each revocation is published on (in the MULTI that writes it), and loaded again at
 * every (re)subscription. It answers only while it is known complete:
 * - until the first subscription, and from a lost subscription until the next one, `source` (Redis) answers;
 * - after a (re)subscription the set is loaded before it answers again. Whatever was published before the
 *   subscription was confirmed had its keys written before, so the load sees it; whatever comes after arrives
 *   as a message, also while the load runs (messages are applied in every state).
 * Entries only accumulate: a revocation stays until the access tokens it covers have expired.
 */
export function createPushedRevocationStore({
  source,
  clock,
  ttlMs,
  log,
}: {
  source: RedisRevocationStore;
  clock: Clock;
  ttlMs: number;
  log: Logger;
}): RevocationStore & { listener: ChannelListener; close(): void } {
  // Insertion order is (nearly) expiry order, so expired entries are dropped from the front.
  const until = new Map<string, number>();
  let live = false;
  // Bumped by every change of the subscription: a load that finishes under an older one is of no use.
  let generation = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function add(sessionId: string, expiresAt: number) {
    const now = clock.now();
    for (const [id, at] of until) {
      if (at > now) break;
      until.delete(id);
    }
    if ((until.get(sessionId) ?? 0) < expiresAt) until.set(sessionId, expiresAt);
  }

  async function load(current: number, attempt: number) {
    try {
      const entries = await source.loadLive();
      if (current !== generation) return;
      for (const [id, expiresAt] of entries) add(id, expiresAt);
      live = true;
      log.info("revocations loaded", { count: entries.length });
    } catch (error) {
      if (current !== generation) return;
      if (attempt === 0) log.warn("revocations could not be loaded; retrying, every request asks Redis meanwhile", { error });
      retry = setTimeout(() => void load(current, attempt + 1), reloadDelay(attempt));
    }
  }

  return {
    async revoke(sessionIds) {
      // This instance refuses them at once, even before its own message comes back.
      for (const id of sessionIds) add(id, clock.now() + ttlMs);
      await source.revoke(sessionIds);
    },
    async isRevoked(sessionId) {
      if (!live) return source.isRevoked(sessionId);
      const expiresAt = until.get(sessionId);
      return expiresAt !== undefined && expiresAt > clock.now();
    },
    listener: {
      onMessage(message) {
        const expiresAt = clock.now() + ttlMs;
        for (const id of message.split(",")) if (id) add(id, expiresAt);
      },
      onSubscribed() {
        live = false;
        clearTimeout(retry);
        void load(++generation, 0);
      },
      onLost() {
        live = false;
        generation++;
        clearTimeout(retry);
      },
    },
    close() {
      generation++;
      clearTimeout(retry);
    },
  };
}
