import { Cluster, Redis } from "ioredis";
import type { Config } from "../config/load";
import type { Logger } from "../lib/log";
import { redactUrl } from "../lib/redact-url";

/** Every Redis client the service takes: one server (REDIS_URL, or the master behind Sentinels) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

interface HostPort {
  host: string;
  port: number;
}

/** Where Redis is, as the configuration says; null under the embedded defaults. */
export type RedisTarget =
  | { kind: "single"; url: string }
  | { kind: "sentinel"; sentinels: HostPort[]; name: string; password?: string }
  | { kind: "cluster"; nodes: HostPort[]; password?: string; tls: boolean };

export function redisTargetOf(config: Config): RedisTarget | null {
  if (config.REDIS_CLUSTER_NODES) {
    return { kind: "cluster", nodes: config.REDIS_CLUSTER_NODES, password: config.REDIS_PASSWORD, tls: config.REDIS_TLS };
  }
  if (config.REDIS_SENTINELS) {
    return { kind: "sentinel", sentinels: config.REDIS_SENTINELS, name: config.REDIS_SENTINEL_NAME!, password: config.REDIS_PASSWORD };
  }
  return config.REDIS_URL ? { kind: "single", url: config.REDIS_URL } : null;
}

// Fail fast instead of queueing while Redis is away, so requests get a 503 within the 1.5 s command timeout.
const FAIL_FAST = { enableOfflineQueue: false, connectTimeout: 1500, commandTimeout: 1500, maxRetriesPerRequest: 1 } as const;
const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2000);

function connectCluster(target: Extract<RedisTarget, { kind: "cluster" }>, keyPrefix: string): Cluster {
  const { enableOfflineQueue, ...perNode } = FAIL_FAST;
  return new Cluster(target.nodes, {
    keyPrefix,
    enableOfflineQueue,
    clusterRetryStrategy: reconnectDelay,
    slotsRefreshTimeout: 1500,
    // Re-reads the slot map every 5 s (ioredis does not by default): a master back from an outage, or a replica
    // promoted in its place, is found again without waiting for a request to stumble on it.
    slotsRefreshInterval: 5000,
    // Hostnames are passed on as they are, so TLS checks the certificate against the name that was configured
    // (the cluster's own answers carry IP addresses, which the nodes' certificates often do not name).
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: { ...perNode, password: target.password, tls: target.tls ? {} : undefined },
  });
}

/**
 * A Redis client that fails fast and reconnects by itself when Redis returns. Through Sentinels it asks them
 * for the current master on every (re)connection and follows a failover.
 */
export function connectRedis(target: string | Extract<RedisTarget, { kind: "single" }>, keyPrefix: string, log: Logger): Redis;
export function connectRedis(target: RedisTarget, keyPrefix: string, log: Logger): RedisClient;
export function connectRedis(target: string | RedisTarget, keyPrefix: string, log: Logger): RedisClient {
  const where = typeof target === "string" ? { kind: "single" as const, url: target } : target;
  let redis: RedisClient;
  if (where.kind === "cluster") {
    redis = connectCluster(where, keyPrefix);
  } else if (where.kind === "sentinel") {
    redis = new Redis({
      ...FAIL_FAST,
      keyPrefix,
      retryStrategy: reconnectDelay,
      sentinels: where.sentinels,
      name: where.name,
      password: where.password,
      sentinelCommandTimeout: 1500,
      failoverDetector: true,
      // A master demoted by a failover refuses writes: reconnect, which asks the Sentinels again.
      reconnectOnError: (error) => error.message.startsWith("READONLY"),
    });
  } else {
    // Commands issued in the same event-loop turn (many requests' rate-limit, code and revocation checks under
    // load) go out in one write: the socket writes were the largest single cost of a request.
    redis = new Redis(where.url, { ...FAIL_FAST, keyPrefix, retryStrategy: reconnectDelay, enableAutoPipelining: true });
  }
  logOutages(redis, log);
  return redis;
}

/**
 * One line when the connection is lost and one when it is back, not one per failed attempt. On a cluster each
 * node counts: it is back once every node that went (and still serves slots) answers again.
 */
function logOutages(redis: RedisClient, log: Logger) {
  const WHOLE = "*";
  const down = new Set<string>();
  const lost = (what: string, error: unknown) => {
    if (down.size === 0) log.warn("redis connection lost", { error, ...(what === WHOLE ? {} : { node: what }) });
    down.add(what);
  };
  const back = (what: string) => {
    if (down.delete(what) && down.size === 0) log.info("redis connection restored");
  };
  redis.on("error", (error) => lost(WHOLE, error));
  redis.on("ready", () => back(WHOLE));
  if (redis instanceof Cluster) {
    redis.on("node error", (error: unknown, node: string) => lost(node, error));
    redis.on("+node", (node: Redis) => node.on("ready", () => back(`${node.options.host}:${node.options.port}`)));
    // After each read of the slot map: a node that no longer owns slots (replaced by its replica, or removed)
    // is not waited for, and one whose connection is up again counts as back even if it never dropped (a slot
    // map read from it that merely timed out also reports a node error).
    redis.on("refresh", () => {
      const owners = new Set(redis.slots.flatMap((nodes) => nodes?.[0] ?? []));
      const up = new Set(
        redis
          .nodes("all")
          .filter((node) => node.status === "ready")
          .map((node) => `${node.options.host}:${node.options.port}`),
      );
      for (const node of down) if (node !== WHOLE && (!owners.has(node) || up.has(node))) back(node);
    });
  }
}

/** Waits until the client is connected, or until `timeoutMs`; start-up goes on either way. */
export async function waitForRedis(redis: RedisClient, timeoutMs: number): Promise<boolean> {
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

/** The readiness check's name and the start-up report's words for each kind of Redis. */
export function describeRedis(target: RedisTarget): { check: string; description: string } {
  const list = (nodes: HostPort[]) =>
    nodes.map(({ host, port }) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`)).join(",");
  if (target.kind === "cluster") {
    return { check: "redis-cluster", description: `Redis Cluster through ${list(target.nodes)}${target.tls ? " (TLS)" : ""}` };
  }
  if (target.kind === "sentinel") {
    return { check: "redis-sentinel", description: `Redis master "${target.name}" through the Sentinels at ${list(target.sentinels)}` };
  }
  return { check: "redis", description: `Redis at ${redactUrl(target.url)}` };
}
