import { join } from "node:path";

/** The development entry: `bun src/index.ts ...`, the same CLI the binary has. */
export const DEV_ENTRY = ["bun", join(import.meta.dir, "../../src/index.ts")];

export interface Finished {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end. An empty folder as `cwd` keeps the repository's .env and bunfig.toml out. */
export async function runToEnd(command: string[], env: Record<string, string>, cwd = "/tmp"): Promise<Finished> {
  const proc = Bun.spawn(command, { env, cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { exitCode, stdout, stderr };
}

export const startProcess = (command: string[], env: Record<string, string>, cwd = "/tmp") =>
  Bun.spawn(command, { env, cwd, stdout: "pipe", stderr: "pipe" });

/** Waits until `base`/health answers 200; fails early if the process exits. */
export async function waitForHealth(base: string, proc: Bun.Subprocess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      const stderr = proc.stderr instanceof ReadableStream ? await new Response(proc.stderr).text() : "";
      throw new Error(`server exited with ${proc.exitCode}: ${stderr}`);
    }
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(50);
  }
  throw new Error(`server did not answer ${base}/health within ${timeoutMs} ms`);
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}
