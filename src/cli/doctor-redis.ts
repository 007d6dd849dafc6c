import { Cluster, Redis } from "ioredis";
import { describeRedis, type RedisTarget } from "../cache/redis";

export interface RedisCheck {
  name: "redis";
  ok: boolean;
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
      lazyConnect, clusterRetryStrategy: () => null, slotsRefreshTimeout: TIMEOUT_MS,
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: { ...perNode, password: target.password, tls: target.tls ? {} : undefined },
    });
  }
  if (target.kind === "sentinel") {
    return new Redis({
      ...ONCE, retryStrategy: () => null, sentinelRetryStrategy: () => null, sentinelCommandTimeout: TIMEOUT_MS,
      sentinels: target.sentinels, name: target.name, password: target.password,
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
  return `Redis ${version}: ${where}; master now at ${client.options.host}:${client.options.port}`;
}

/** Reaches the configured Redis once and says what answered, or why nothing did. */
export async function checkRedis(target: RedisTarget): Promise<RedisCheck> {
  const client = clientFor(target);
  // connect() only says "Connection is closed"; the error events have the cause (ECONNREFUSED, auth...).
  let lastError: unknown;
  client.on("error", (error) => (lastError = error));
  client.on("node error", (error) => (lastError = error));
  try {
    await client.connect().catch((error) => Promise.reject(lastError ?? error));
    return { name: "redis", ok: true, message: await summary(client, target) };
  } catch (error) {
    const where = describeRedis(target).description;
    return { name: "redis", ok: false, message: `cannot reach ${where}: ${reason(lastError ?? error)}`, fix: FIX[target.kind] };
  } finally {
    client.disconnect();
  }
}
