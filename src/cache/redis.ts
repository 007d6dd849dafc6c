import { Redis, ReplyError } from "ioredis";
import { dependencyUnavailable } from "../errors";
import type { Logger } from "../lib/log";

/**
 * A Redis client that fails fast instead of queueing while Redis is away (so requests get a 503 within
 * the 1.5 s command timeout) and reconnects by itself when it returns.
 */
export function connectRedis(url: string, keyPrefix: string, log: Logger): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1500,
    commandTimeout: 1500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let healthy = true;
  redis.on("error", (error) => {
    if (healthy) log.warn("redis connection lost", { error });
    healthy = false;
  });
  redis.on("ready", () => {
    if (!healthy) log.info("redis connection restored");
    healthy = true;
  });
  return redis;
}

/** Waits until the client is connected, or until `timeoutMs`; start-up goes on either way. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once("ready", onReady);
  });
}

/** Runs a Redis call; a lost or refused connection becomes a 503, a script or reply error stays a bug (500). */
export async function callRedis<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw dependencyUnavailable("Redis", error);
  }
}
