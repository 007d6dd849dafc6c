// Processes the benchmark starts: the service itself (`bun src/index.ts serve`, as `bun run start` runs it)
// and the bare Elysia server of the framework ceiling, each on a free loopback port, stopped with SIGTERM.
import { join } from "node:path";

const root = join(import.meta.dir, "..");

export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

export interface Running {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, proc: Bun.Subprocess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode}: ${stderr()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}/health after 30 s: ${stderr()}`);
    await Bun.sleep(20);
  }
}

/**
 * Starts `bun [bunFlags] <entry> [args]` with `env` on a free port (PORT) and waits for `/health`. Its
 * stdout (one log line per request) goes to /dev/null: the service still formats and writes every line, but
 * no reader of ours competes for the CPU. Its stderr is kept to explain a failed start.
 */
export async function startBun(entry: string, args: string[], env: Record<string, string>, bunFlags: string[] = []): Promise<Running> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  let errors = "";
  const proc = Bun.spawn(["bun", ...bunFlags, join(root, entry), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env, PORT: String(port) },
    stdout: "ignore",
    stderr: "pipe",
  });
  void (async () => {
    for await (const chunk of proc.stderr) errors = (errors + new TextDecoder().decode(chunk)).slice(-4000);
  })();
  await waitHealthy(url, proc, () => errors).catch((error) => {
    proc.kill("SIGKILL");
    throw error;
  });
  return {
    url,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}

export const startService = (env: Record<string, string>, bunFlags: string[] = []) => startBun("src/index.ts", ["serve"], env, bunFlags);

export const startBareServer = () => startBun("bench/bare-server.ts", [], {});

/** CPU seconds (user + system, every thread) that these processes have used so far; gone ones count 0. */
export async function cpuSeconds(pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = await Bun.file(`/proc/${pid}/stat`).text();
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

/** `pid` and every process under it (the service's workers, when it runs more than one), as /proc lists them now. */
export async function withDescendants(pid: number): Promise<number[]> {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    const tasks = new Bun.Glob("*/children").scan({ cwd: `/proc/${found[i]}/task`, onlyFiles: false });
    try {
      for await (const children of tasks) {
        const text = await Bun.file(`/proc/${found[i]}/task/${children}`).text();
        for (const child of text.split(" ").filter(Boolean)) found.push(Number(child));
      }
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
