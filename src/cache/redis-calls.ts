import { Cluster, ReplyError } from "ioredis";
import { appError } from "../errors";
import { HTTP_ERRORS } from "../errors/http";
import type { RedisClient } from "./redis";

// Replies that say "not now" (a cluster reconfiguring, a demoted master, a server loading its data) rather
// than "this command is wrong": they are an outage (503), not a bug (500).
const UNAVAILABLE_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|NOREPLICAS|BUSY)\b/;

/** Runs a Redis call; a lost or refused connection becomes a 503, a script or reply error stays a bug (500). */
export async function callRedis<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ReplyError && !UNAVAILABLE_REPLY.test((error as Error).message)) throw error;
    throw appError(HTTP_ERRORS.redisUnavailable, { cause: error });
  }
}

/**
 * Readiness. One server: it answers PING. A cluster: every master that owns slots is connected and answers,
 * and each one reports every slot served (`cluster_state:ok`).
 */
export async function pingRedis(redis: RedisClient): Promise<void> {
  if (!(redis instanceof Cluster)) {
    await redis.ping();
    return;
  }
  if (redis.status !== "ready") throw new Error(`redis cluster client is ${redis.status}`);
  const owners = new Set(redis.slots.map((nodes) => nodes?.[0]).filter((key): key is string => Boolean(key)));
  if (owners.size === 0) throw new Error("no redis cluster master is known");
  const connected = new Map(redis.nodes("master").map((node) => [`${node.options.host}:${node.options.port}`, node]));
  await Promise.all(
    [...owners].map(async (key) => {
      const node = connected.get(key);
      if (!node) throw new Error(`redis cluster master ${key} is not connected`);
      const info = await node.cluster("INFO");
      if (!/^cluster_state:ok\b/m.test(info)) throw new Error(`redis cluster master ${key} reports the cluster down`);
    }),
  );
}
