import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";

const REDIS_SERVER = "redis-server";

/**
 * A real redis-server of our own on a spare loopback port, in a temporary folder, without persistence: the
 * tests stop it (losing its data, as a crash would) and start it again on the same port. It is killed when
 * the test process exits, whatever happened. `args` are more redis-server options (`--maxmemory-policy allkeys-lru`).
 */
export async function startRedisServer({ args = [] }: { args?: string[] } = {}) {
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "otp-auth-redis-"));
  let proc: Bun.Subprocess | null = null;

  async function start() {
    proc = Bun.spawn(
      [
        REDIS_SERVER,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--daemonize",
        "no",
        ...args,
      ],
      {
        stdout: "ignore",
        stderr: "ignore",
      },
    );
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode} (is port ${port} free?)`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port} within 10 s`);
      await Bun.sleep(20);
    }
  }

  const killNow = () => {
    proc?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killNow);
  await start();

  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    /** Stops the server (SIGTERM; with no persistence configured, its data is gone) and waits for it to exit. */
    async stop() {
      const stopping = proc;
      proc = null;
      stopping?.kill("SIGTERM");
      await stopping?.exited;
    },
    /** Starts it again, empty, on the same port. */
    start,
    async close() {
      await this.stop();
      process.off("exit", killNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

/** True when something on 127.0.0.1:`port` answers PING with PONG. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (socket) => void socket.write("PING\r\n"),
        data: (socket, chunk) => {
          reply += chunk.toString();
          if (reply.includes("\r\n")) {
            socket.end();
            resolve(reply.startsWith("+PONG"));
          }
        },
        error: () => resolve(false),
        connectError: () => resolve(false),
        close: () => resolve(reply.startsWith("+PONG")),
      },
    }).catch(() => resolve(false));
  });
}
