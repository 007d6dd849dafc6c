import { createApp } from "../app";
import { LOOPBACK, listenHost } from "../config/listen";
import { loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";
import { buildDeps } from "../deps";
import { consoleWriter, createLogger } from "../lib/log";
import { mailRendererFrom } from "../mail/setup";
import { CliError, type CliContext } from "./context";
import { suggestFreePort } from "./port";
import { describeBackends, issuerWarning, mailCatcherBanner, trustProxyWarning } from "./startup-report";
import { exitWithSupervisor, superviseWorkers } from "./supervisor";
import { WORKER_ENV, workerPlan } from "./workers";

const SERVER_BODY_CAP_BYTES = 8 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 5000;

async function portInUse(port: number, host: string): Promise<CliError> {
  const free = await suggestFreePort(port, host);
  return new CliError(
    `Port ${port} is already in use on ${host}. Stop whatever uses it, or start on a free port: --port ${free} (or PORT=${free}).`,
  );
}

/** Whether the port can be bound alone: workers share it (reusePort), which would not tell another program's socket from theirs. */
function portIsFree(port: number, hostname: string): boolean {
  try {
    Bun.serve({ port, hostname, fetch: () => new Response() }).stop(true);
    return true;
  } catch {
    return false;
  }
}

export async function serve({ env }: CliContext): Promise<number> {
  const config = loadConfig(env);
  // Before any worker starts, so bad mail templates stop the service once, with the file named.
  mailRendererFrom(config);
  const host = listenHost(config);
  const worker = env[WORKER_ENV] === "1";
  const plan = worker ? { count: 1, asked: 1 } : workerPlan(config);
  // External PostgreSQL is migrated here (once, by the supervisor), under its lock; the embedded one migrates when it opens.
  if (config.DATABASE_URL && !worker) await runMigrations(config.DATABASE_URL);
  if (plan.count > 1) {
    if (!portIsFree(config.PORT, host)) throw await portInUse(config.PORT, host);
    return superviseWorkers({ count: plan.count, env, log: createLogger(config.LOG_LEVEL, consoleWriter(config.LOG_FORMAT)) });
  }
  // Listened for before the slow part of the start: a stop asked meanwhile (a supervisor stopping all its
  // workers while one still starts) ends the process cleanly once it is up, instead of killing it half-built.
  const stopAsked = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  const deps = await buildDeps(config);
  if (plan.reason) deps.log.warn(`WORKERS=${plan.asked} ignored: ${plan.reason}`);
  const app = createApp(deps);
  try {
    app.listen({
      hostname: host,
      port: config.PORT,
      // A backstop only: request-guards answers oversized bodies with a JSON 413 before reading them,
      // and Bun's own refusal (above this cap) has no body.
      maxRequestBodySize: SERVER_BODY_CAP_BYTES,
      // Workers of one supervisor share the port; the kernel spreads new connections over them.
      reusePort: worker,
    });
  } catch (error) {
    await deps.close();
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    throw await portInUse(config.PORT, host);
  }
  const stopWatching = worker ? exitWithSupervisor() : () => {};
  const shown = host === "0.0.0.0" ? LOOPBACK : host;
  const base = `http://${shown}:${app.server?.port}`;
  if (deps.mailCatcher) {
    console.warn(mailCatcherBanner(base));
    if (env.HOST && config.HOST !== LOOPBACK)
      deps.log.warn("HOST ignored while the development mail catcher is active", { host: LOOPBACK });
  }
  deps.log.info("otp-auth listening", {
    page: `${base}/`,
    docs: `${base}/docs`,
    ...(deps.mailCatcher ? { mailbox: `${base}/dev/mailbox` } : {}),
    ...describeBackends(deps.config),
    ...(worker ? { worker_pid: process.pid } : {}),
  });
  for (const warning of [trustProxyWarning(config), issuerWarning(config)])
    if (warning) deps.log.warn(warning.message, { fix: warning.fix });
  await stopAsked;
  stopWatching();
  deps.log.info("shutting down: finishing requests in flight");
  // stop() stops accepting at once and resolves when requests in flight are answered; after the grace
  // period the rest are cut so the process always exits.
  const grace = setTimeout(() => void app.server?.stop(true), SHUTDOWN_GRACE_MS);
  await app.stop();
  clearTimeout(grace);
  await deps.close();
  deps.log.info("stopped");
  return 0;
}
