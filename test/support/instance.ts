import { freePort } from "./free-port";
import { jsonOrText } from "./http-client";
import { DEV_ENTRY } from "./process";

/** One `otp-auth serve` process on a loopback port, as a load balancer would see it. */
export interface Instance {
  name: string;
  base: string;
  /** Everything the process wrote so far (stdout and stderr: its JSON log lines). */
  output(): string;
  /** JSON call to this instance: status, parsed body, headers. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]) {
  const decoder = new TextDecoder();
  for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
}

/**
 * Starts `bun src/index.ts serve` with this environment (plus PATH, HOST and a free PORT) in an empty working
 * folder, and waits until it answers /health. Its output is read all along, so the pipes never fill up.
 */
export async function startInstance(name: string, env: Record<string, string>, cwd = "/tmp"): Promise<Instance> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn([...DEV_ENTRY, "serve"], {
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(port), LOG_FORMAT: "json", ...env },
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const chunks: string[] = [];
  void collect(proc.stdout, chunks);
  void collect(proc.stderr, chunks);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    return proc.exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${base}/health (exit ${proc.exitCode}):\n${chunks.join("")}`);
    }
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await Bun.sleep(50);
  }
  return {
    name,
    base,
    output: () => chunks.join(""),
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      const response = await fetch(`${base}${path}`, init);
      return { status: response.status, body: jsonOrText(await response.text()) as any, headers: response.headers };
    },
    stop,
  };
}
