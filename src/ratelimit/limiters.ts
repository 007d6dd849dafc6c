import type { RedisClient } from "../cache/redis";
import { callRedis } from "../cache/redis-calls";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

interface LimiterSpec {
  /** Part of every key (`rl:<name>:<key>`, under REDIS_KEY_PREFIX) and the name `onRefused` reports. */
  name: string;
  points: number;
  durationSeconds: number;
  /**
   * Once a key is over its limit, refuse it from this process's memory until the window ends, so a flood
   * from one client stops costing Redis round trips. Only for counters that are never reset early.
   */
  shieldInMemory?: boolean;
}

/** Called with the limiter's name each time one refuses a request (metrics hook). */
export type OnRefused = (limiter: string) => void;

/**
 * A fixed-window counter: in Redis when there is one (every instance shares it; each operation touches a
 * single key, so Redis Cluster works), otherwise in this process.
 */
export function createLimiter(
  redis: RedisClient | null,
  { name, points, durationSeconds, shieldInMemory }: LimiterSpec,
): RateLimiterAbstract {
  const options = { keyPrefix: `rl:${name}`, points, duration: durationSeconds };
  if (!redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    // Fail at once while the connection is down, rather than waiting for a command to time out.
    rejectIfRedisNotReady: true,
    ...(shieldInMemory ? { inMemoryBlockOnConsumed: points + 1 } : {}),
  });
}

type LimiterResult = { allowed: boolean; res: RateLimiterRes };

/**
 * Runs one limiter operation. A refusal comes back as `allowed: false`; a lost Redis becomes the usual
 * 503 (fail closed: without the counters nothing is let through); a Redis reply error stays a bug (500).
 */
export function runLimiter(operation: () => Promise<RateLimiterRes>): Promise<LimiterResult> {
  return callRedis(() =>
    operation().then(
      (res): LimiterResult => ({ allowed: true, res }),
      (error: unknown): LimiterResult => {
        if (error instanceof RateLimiterRes) return { allowed: false, res: error };
        throw error;
      },
    ),
  );
}

/** Like runLimiter for operations that never refuse (get, delete, penalty, reward, block). */
export const callLimiter = callRedis;
