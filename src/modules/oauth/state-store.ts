import type { RedisClient } from "../../cache/redis";
import { createMemorySingleUseStore, createRedisSingleUseStore, type SingleUseStore } from "../../cache/single-use-store";
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

const NAMESPACE = "oauth-state";

const oauthStates = (store: SingleUseStore<OAuthStateRecord>, clock: Clock): OAuthStateStore => ({
  save: (id, { provider, codeVerifier, redirectUri }, ttlSeconds) =>
    store.save(id, { provider, codeVerifier, redirectUri }, clock.now() + ttlSeconds * 1000),
  take: (id) => store.take(id),
});

export const createRedisOAuthStateStore = (redis: RedisClient, clock: Clock): OAuthStateStore =>
  oauthStates(createRedisSingleUseStore(redis, clock, NAMESPACE), clock);

export const createMemoryOAuthStateStore = (clock: Clock, maxEntries = 100_000): OAuthStateStore =>
  oauthStates(createMemorySingleUseStore(clock, NAMESPACE, maxEntries), clock);
