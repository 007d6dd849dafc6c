import { availableParallelism } from "node:os";
import type { Config } from "../config/load";

/** Set in the environment of the processes a supervisor starts; not a setting (see supervisor.ts). */
export const WORKER_ENV = "OTP_AUTH_WORKER";

/**
 * How many server processes `serve` runs, and why fewer than asked when so. More than one needs every piece of
 * state outside the process: PostgreSQL (PGlite is one process's files), Redis (the in-process store holds codes
 * and limits) and SMTP (the mail catcher's inbox is one process's).
 */
export function workerPlan(config: Config): { count: number; asked: number; reason?: string } {
  const asked = config.WORKERS ?? (config.NODE_ENV === "production" ? availableParallelism() : 1);
  const { backends } = config;
  if (asked > 1 && (backends.database === "pglite" || backends.store === "memory" || backends.mail === "catcher")) {
    return { count: 1, asked, reason: "the embedded defaults run in one process: WORKERS needs DATABASE_URL, Redis and SMTP_SERVER" };
  }
  return { count: asked, asked };
}

/** The command that starts this program again: `bun src/index.ts` in development, the executable itself when compiled. */
export function selfCommand(): string[] {
  return Bun.isStandaloneExecutable ? [process.execPath] : [process.execPath, process.argv[1]!];
}
