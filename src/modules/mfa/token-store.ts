import type { RedisClient } from "../../cache/redis";
import { createMemorySingleUseStore, createRedisSingleUseStore, type SingleUseStore } from "../../cache/single-use-store";
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

const NAMESPACE = "mfa-token";

const mfaTokens = (store: SingleUseStore<PendingSignIn>): MfaTokenStore => ({
  save: (token, record) => store.save(token, record, record.expiresAt),
  take: (token) => store.take(token),
});

export const createRedisMfaTokenStore = (redis: RedisClient, clock: Clock): MfaTokenStore =>
  mfaTokens(createRedisSingleUseStore(redis, clock, NAMESPACE));

export const createMemoryMfaTokenStore = (clock: Clock, maxEntries = 100_000): MfaTokenStore =>
  mfaTokens(createMemorySingleUseStore(clock, NAMESPACE, maxEntries));
