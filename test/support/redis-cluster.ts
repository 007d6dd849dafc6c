import { join } from "node:path";
import { freePortWithPartner } from "./free-port";
import { makeFolder, redisCli, removeFolder, serverArgs, startServer, stopServer, waitFor, type ServerAuth } from "./redis-servers";

// A cluster node also listens on its port + 10000 for the cluster bus.
const BUS_OFFSET = 10_000;

interface ClusterNode {
  port: number;
  folder: string;
  args: string[];
  proc: Bun.Subprocess | null;
}

export interface RedisCluster {
  /** The masters' ports on 127.0.0.1. */
  ports: number[];
  auth: ServerAuth;
  /** The service's variables that point at this cluster (REDIS_CLUSTER_NODES, and REDIS_PASSWORD, REDIS_TLS). */
  env(): Record<string, string>;
  /** Runs a redis-cli command on one master (by index). */
  cli(index: number, ...command: string[]): Promise<string>;
  /** Stops one master, as a crash would (SIGKILL); its folder (and cluster identity) stays. */
  killNode(index: number): Promise<void>;
  /** Starts a killed master again on its port; it rejoins with its slots (and no data). */
  restartNode(index: number): Promise<void>;
  stop(): Promise<void>;
}

async function clusterIsOk(node: ClusterNode, auth: ServerAuth) {
  return /cluster_state:ok/.test((await redisCli(node.port, auth, "CLUSTER", "INFO")).output);
}

/**
 * A real Redis Cluster of `masters` masters (no replicas) on loopback: `redis-server --cluster-enabled yes`
 * per node in its own temporary folder, joined by `redis-cli --cluster create`, ready once every node says
 * `cluster_state:ok`. Everything is stopped and removed on failure, and by `stop()`. The other masters call a
 * silent one failed (and the whole cluster down, since it has no replica) after `nodeTimeoutMs`.
 */
export async function startRedisCluster({
  masters = 3,
  auth = {},
  nodeTimeoutMs = 5000,
}: {
  masters?: number;
  auth?: ServerAuth;
  nodeTimeoutMs?: number;
} = {}): Promise<RedisCluster> {
  const nodes: ClusterNode[] = [];
  const stop = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        if (node.proc) await stopServer(node.proc, "SIGKILL");
        await removeFolder(node.folder);
      }),
    );
  };
  try {
    for (let i = 0; i < masters; i++) {
      const folder = await makeFolder("redis-cluster");
      // A port taken between the check and the bind (tests run in parallel on this machine): try another.
      for (let attempt = 1; ; attempt++) {
        const port = freePortWithPartner(BUS_OFFSET);
        const args = [
          ...serverArgs(port, folder, auth),
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          join(folder, "nodes.conf"),
          "--cluster-node-timeout",
          String(nodeTimeoutMs),
        ];
        try {
          nodes.push({ port, folder, args, proc: await startServer(port, folder, auth, args) });
          break;
        } catch (error) {
          if (attempt === 3) {
            nodes.push({ port, folder, args, proc: null });
            throw error;
          }
        }
      }
    }
    const created = await redisCli(
      nodes[0]!.port,
      auth,
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    );
    if (created.exitCode !== 0 || !created.output.includes("[OK] All 16384 slots covered")) {
      throw new Error(`redis-cli --cluster create failed:\n${created.output}`);
    }
    await waitFor("cluster_state:ok on every node", async () => (await Promise.all(nodes.map((n) => clusterIsOk(n, auth)))).every(Boolean));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    ports: nodes.map((n) => n.port),
    auth,
    env() {
      const env: Record<string, string> = { REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(",") };
      if (auth.password) env.REDIS_PASSWORD = auth.password;
      if (auth.tls) env.REDIS_TLS = "true";
      return env;
    },
    async cli(index, ...command) {
      return (await redisCli(nodes[index]!.port, auth, ...command)).output;
    },
    async killNode(index) {
      const node = nodes[index]!;
      if (node.proc) await stopServer(node.proc, "SIGKILL");
      node.proc = null;
    },
    async restartNode(index) {
      const node = nodes[index]!;
      node.proc = await startServer(node.port, node.folder, auth, node.args);
      await waitFor(`node ${node.port} back in the cluster`, () => clusterIsOk(node, auth));
    },
    stop,
  };
}

let shared: { cluster: Promise<RedisCluster>; users: number } | null = null;

/**
 * The test process's shared plain cluster: started by the first user, stopped when the last one releases it.
 * Each user keeps to its own key prefix, as on the shared single Redis.
 */
export async function leaseSharedRedisCluster(): Promise<{ cluster: RedisCluster; release(): Promise<void> }> {
  shared ??= { cluster: startRedisCluster(), users: 0 };
  shared.users += 1;
  const lease = shared;
  let cluster: RedisCluster;
  try {
    cluster = await lease.cluster;
  } catch (error) {
    lease.users -= 1;
    if (shared === lease) shared = null;
    throw error;
  }
  let released = false;
  return {
    cluster,
    async release() {
      if (released) return;
      released = true;
      lease.users -= 1;
      if (lease.users === 0) {
        if (shared === lease) shared = null;
        await cluster.stop();
      }
    },
  };
}
