import type { Logger } from "../lib/log";
import { selfCommand, WORKER_ENV } from "./workers";

// A worker that ran this long before dying starts the backoff over: it was not a crash loop.
const HEALTHY_RUN_MS = 30_000;
const restartDelay = (crashes: number) => Math.min(250 * 2 ** crashes, 30_000);
// Workers take up to their own grace period (serve.ts) to finish requests; this one is a backstop above it.
const STOP_TIMEOUT_MS = 10_000;

interface Slot {
  proc: Bun.Subprocess | null;
  startedAt: number;
  crashes: number;
  restart?: ReturnType<typeof setTimeout>;
}

/**
 * Runs `count` copies of `serve` sharing one port (each listens with reusePort, and the kernel spreads new
 * connections over them), restarts one that dies (with backoff), and on SIGTERM or SIGINT passes SIGTERM on and
 * waits for every worker to finish. Returns the exit code once all have stopped.
 */
export async function superviseWorkers({
  count,
  env,
  log,
}: {
  count: number;
  env: Record<string, string | undefined>;
  log: Logger;
}): Promise<number> {
  const workerEnv = Object.fromEntries(Object.entries({ ...env, [WORKER_ENV]: "1" }).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const slots: Slot[] = Array.from({ length: count }, () => ({ proc: null, startedAt: 0, crashes: 0 }));
  let stopping = false;

  function start(slot: Slot, index: number) {
    slot.startedAt = Date.now();
    const proc = Bun.spawn([...selfCommand(), "serve"], { env: workerEnv, stdin: "ignore", stdout: "inherit", stderr: "inherit" });
    slot.proc = proc;
    void proc.exited.then((code) => {
      if (slot.proc !== proc) return;
      slot.proc = null;
      if (stopping) return;
      slot.crashes = Date.now() - slot.startedAt > HEALTHY_RUN_MS ? 0 : slot.crashes + 1;
      const delayMs = restartDelay(slot.crashes);
      log.error("worker exited; restarting it", { worker: index, pid: proc.pid, code, signal: proc.signalCode, delay_ms: delayMs });
      slot.restart = setTimeout(() => start(slot, index), delayMs);
    });
  }

  slots.forEach(start);
  log.info("supervisor started workers", { workers: count, pids: slots.map((slot) => slot.proc?.pid) });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  stopping = true;
  log.info("supervisor stopping workers", { signal });
  const running = slots.flatMap((slot) => {
    clearTimeout(slot.restart);
    return slot.proc ? [slot.proc] : [];
  });
  for (const proc of running) proc.kill("SIGTERM");
  const backstop = setTimeout(() => {
    for (const proc of running) if (proc.exitCode === null) proc.kill("SIGKILL");
  }, STOP_TIMEOUT_MS);
  const codes = await Promise.all(running.map((proc) => proc.exited));
  clearTimeout(backstop);
  // A worker still loading its code has no handler yet, so the SIGTERM sent above ends it by default: that is
  // the stop asked for (it had taken no request), not a failure.
  const exits = running.map((proc, i) => (proc.signalCode === "SIGTERM" ? 0 : codes[i]));
  log.info("supervisor stopped", { worker_exits: exits });
  return exits.every((code) => code === 0) ? 0 : 1;
}

/** In a worker: stops it (as SIGTERM does) when its supervisor is gone, so no worker outlives it. */
export function exitWithSupervisor(): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
  }, 1000);
  timer.unref?.();
  return () => clearInterval(timer);
}
