import { Cluster, Redis } from "ioredis";
import { describeRedis, type RedisTarget } from "../cache/redis";

interface RedisCheck {
  name: "redis";
  ok: boolean;
  /** Reached, but set up in a way that weakens the service: shown, without failing doctor. */
  warn?: boolean;
  message: string;
  fix?: string;
}

const TIMEOUT_MS = 3000;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)) || "no answer";
const versionOf = (info: string) => /redis_version:(\S+)/.exec(info)?.[1] ?? "?";

const FIX: Record<RedisTarget["kind"], string> = {
  single: "start Redis or correct REDIS_URL",
  cluster: "start the cluster's nodes or correct REDIS_CLUSTER_NODES (and REDIS_PASSWORD, REDIS_TLS)",
  sentinel: "start the Sentinels or correct REDIS_SENTINELS, REDIS_SENTINEL_NAME (and REDIS_PASSWORD)",
};

// One attempt, no reconnection: the doctor reports and exits.
const ONCE = { lazyConnect: true, connectTimeout: TIMEOUT_MS, commandTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0 } as const;

function clientFor(target: RedisTarget): Redis | Cluster {
  if (target.kind === "cluster") {
    const { lazyConnect, ...perNode } = ONCE;
    return new Cluster(target.nodes, {
      lazyConnect,
      clusterRetryStrategy: () => null,
      slotsRefreshTimeout: TIMEOUT_MS,
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: { ...perNode, password: target.password, tls: target.tls ? {} : undefined },
    });
  }
  if (target.kind === "sentinel") {
    return new Redis({
      ...ONCE,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      sentinelCommandTimeout: TIMEOUT_MS,
      sentinels: target.sentinels,
      name: target.name,
      password: target.password,
    });
  }
  return new Redis(target.url, { ...ONCE, retryStrategy: () => null });
}

/** What is reached and how it stands, in one line. */
async function summary(client: Redis | Cluster, target: RedisTarget): Promise<string> {
  const where = describeRedis(target).description;
  if (client instanceof Cluster) {
    const masters = client.nodes("master");
    const [info, state] = await Promise.all([masters[0]!.info("server"), masters[0]!.cluster("INFO")]);
    const clusterState = /cluster_state:(\S+)/.exec(state)?.[1] ?? "?";
    if (clusterState !== "ok") throw new Error(`the cluster reports cluster_state:${clusterState}`);
    return `Redis ${versionOf(info)}: ${where}; ${masters.length} master${masters.length === 1 ? "" : "s"}, cluster_state:ok`;
  }
  const version = versionOf(await client.info("server"));
  if (target.kind !== "sentinel") return `Redis ${version} at ${where.replace(/^Redis at /, "")}`;
  return `Redis ${version}: ${where}; master now at ${client.stream.remoteAddress}:${client.stream.remotePort}`;
}

/**
 * The cluster client swallows its nodes' connection errors ("Connection is closed"); one plain connection to
 * a seed node tells why (an untrusted certificate, a refused password...).
 */
async function seedProblem(target: Extract<RedisTarget, { kind: "cluster" }>, already: string): Promise<string> {
  const { host, port } = target.nodes[0]!;
  const seed = new Redis({ ...ONCE, host, port, retryStrategy: () => null, password: target.password, tls: target.tls ? {} : undefined });
  let cause: unknown;
  seed.on("error", (error) => (cause = error));
  try {
    await seed.connect();
    await seed.cluster("INFO");
    return "";
  } catch (error) {
    const why = reason(cause ?? error);
    return why === already ? "" : ` (${host}:${port}: ${why})`;
  } finally {
    seed.disconnect();
  }
}

const EVICTION_FIX = "set maxmemory-policy noeviction (redis.conf, CONFIG SET, or a managed service's parameter group)";

/**
 * A Redis that evicts keys under memory pressure drops revocations (ended sessions work again) and rate-limit
 * counters (budgets start over); only `noeviction` keeps them, since every key here has a TTL (volatile-* too).
 * Managed services often refuse CONFIG: that is said, as a warning.
 */
async function evictionWarning(client: Redis | Cluster): Promise<RedisCheck[]> {
  const masters = client instanceof Cluster ? client.nodes("master") : [client];
  let policies: string[];
  try {
    policies = await Promise.all(masters.map(async (node) => String(((await node.config("GET", "maxmemory-policy")) as string[])[1])));
  } catch (error) {
    return [
      {
        name: "redis",
        ok: true,
        warn: true,
        message: `could not read maxmemory-policy (${reason(error)}); it must be noeviction`,
        fix: EVICTION_FIX,
      },
    ];
  }
  const evicting = [...new Set(policies.filter((policy) => policy !== "noeviction"))];
  if (evicting.length === 0) return [];
  return [
    {
      name: "redis",
      ok: true,
      warn: true,
      fix: EVICTION_FIX,
      message: `maxmemory-policy is ${evicting.join(", ")}: once memory is full Redis drops keys, so ended sessions can work again and rate limits start over`,
    },
  ];
}

/** Reaches the configured Redis once and says what answered, or why nothing did; then how it evicts. */
export async function checkRedis(target: RedisTarget): Promise<RedisCheck[]> {
  const client = clientFor(target);
  // connect() only says "Connection is closed" (a cluster: "Failed to refresh slots cache"); the error events
  // have the cause (ECONNREFUSED, a refused password, an untrusted certificate...).
  let lastError: unknown;
  let lastNodeError: unknown;
  client.on("error", (error) => (lastError = error));
  client.on("node error", (error) => (lastNodeError = error));
  try {
    await client.connect().catch((error) => Promise.reject(lastNodeError ?? lastError ?? error));
    const reached: RedisCheck = { name: "redis", ok: true, message: await summary(client, target) };
    return [reached, ...(await evictionWarning(client))];
  } catch (error) {
    const where = describeRedis(target).description;
    const why = reason(error);
    const detail = target.kind === "cluster" ? await seedProblem(target, why) : "";
    return [{ name: "redis", ok: false, message: `cannot reach ${where}: ${why}${detail}`, fix: FIX[target.kind] }];
  } finally {
    client.disconnect();
  }
}
