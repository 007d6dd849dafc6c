import { freePort } from "./free-port";
import { DEV_ENTRY } from "./process";

/**
 * `otp-auth serve` as a real process on a free loopback port (`bun src/index.ts serve`, run from /tmp so no
 * .env or bunfig.toml of the repository applies). Its stdout and stderr are read all along, so a chatty
 * server never blocks on a full pipe, and kept for the test to read.
 */
export async function startAppProcess(env: Record<string, string>) {
  const port = freePort();
  const proc = Bun.spawn([...DEV_ENTRY, "serve"], {
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: String(port), LOG_FORMAT: "json", ...env },
    cwd: "/tmp",
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(proc.stdout), drain(proc.stderr)]);
  const kill = () => proc.kill("SIGKILL");
  process.once("exit", kill);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${base}/health`).then(
      (res) => res.ok,
      () => false,
    ))
  ) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      kill();
      throw new Error(`otp-auth serve did not come up (exit code ${proc.exitCode}): ${output.slice(-2000)}`);
    }
    await Bun.sleep(50);
  }
  return {
    base,
    port,
    proc,
    /** Everything the process wrote so far, stdout and stderr. */
    output: () => output,
    /** True while the process runs. */
    alive: () => proc.exitCode === null && proc.signalCode === null,
    /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
    async stop() {
      process.off("exit", kill);
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(kill, 10_000);
      await proc.exited;
      clearTimeout(timer);
      await drained;
    },
  };
}

export type AppProcess = Awaited<ReturnType<typeof startAppProcess>>;
