import { join } from "node:path";
import { freePort } from "./free-port";
import { makeFolder, redisCli, removeFolder, serverArgs, startServer, stopServer, waitFor, type ServerAuth } from "./redis-servers";

export interface RedisSentinelSetup {
  masterName: string;
  sentinelPort: number;
  /** The servers' ports: the first started as master, the second as its replica. */
  ports: [number, number];
  auth: ServerAuth;
  /** The service's variables that point at this setup (REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_PASSWORD). */
  env(): Record<string, string>;
  /** The port of the master, as the Sentinel reports it now. */
  masterPort(): Promise<number>;
  /** Kills the server on this port, as a crash would. */
  killServer(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Sentinel setup on loopback: a master, one replica of it, and one Sentinel (quorum 1, master judged
 * down after 1 s) that promotes the replica when the master goes. Each process in its own temporary folder,
 * all stopped and removed on failure and by `stop()`.
 */
export async function startRedisSentinel({
  auth = {},
  masterName = "otp-auth-test",
}: {
  auth?: ServerAuth;
  masterName?: string;
} = {}): Promise<RedisSentinelSetup> {
  const procs = new Map<number, Bun.Subprocess>();
  const folders: string[] = [];
  const stop = async () => {
    await Promise.all([...procs.values()].map((proc) => stopServer(proc, "SIGKILL")));
    await Promise.all(folders.map(removeFolder));
  };
  const start = async (argsFor: (port: number, folder: string) => string[] | Promise<string[]>, check: ServerAuth = auth) => {
    const folder = await makeFolder("redis-sentinel");
    folders.push(folder);
    const port = freePort();
    procs.set(port, await startServer(port, folder, check, await argsFor(port, folder)));
    return port;
  };
  try {
    // No 5 s wait before the first full sync of a replica (repl-diskless-sync-delay), here or after a failover.
    const quickSync = ["--repl-diskless-sync-delay", "0"];
    const master = await start((port, folder) => [...serverArgs(port, folder, auth), ...quickSync]);
    const replica = await start((port, folder) => [
      ...serverArgs(port, folder, auth),
      ...quickSync,
      "--replicaof",
      "127.0.0.1",
      String(master),
    ]);
    await waitFor("the replica in sync", async () =>
      (await redisCli(replica, auth, "INFO", "replication")).output.includes("master_link_status:up"),
    );
    const sentinel = await start(async (port, folder) => {
      const config = [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${folder}`,
        `logfile ${join(folder, "redis.log")}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${master} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 10000`,
        ...(auth.password ? [`sentinel auth-pass ${masterName} ${auth.password}`] : []),
      ];
      const file = join(folder, "sentinel.conf");
      await Bun.write(file, `${config.join("\n")}\n`);
      return [file, "--sentinel"];
    }, {});
    // The Sentinel learns of the replica from the master's INFO; until then it could not promote it.
    await waitFor("the Sentinel to know the replica", async () =>
      (await redisCli(sentinel, {}, "SENTINEL", "REPLICAS", masterName)).output.split("\n").includes(String(replica)),
    );

    return {
      masterName,
      sentinelPort: sentinel,
      ports: [master, replica],
      auth,
      env() {
        const env: Record<string, string> = { REDIS_SENTINELS: `127.0.0.1:${sentinel}`, REDIS_SENTINEL_NAME: masterName };
        if (auth.password) env.REDIS_PASSWORD = auth.password;
        return env;
      },
      async masterPort() {
        const answer = (await redisCli(sentinel, {}, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)).output.trim().split("\n");
        return Number(answer[1]);
      },
      async killServer(port) {
        const proc = procs.get(port);
        if (proc) await stopServer(proc, "SIGKILL");
        procs.delete(port);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
