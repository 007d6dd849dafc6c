import { createApp } from "../app";
import { LOOPBACK, listenHost } from "../config/listen";
import { loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";
import { buildDeps } from "../deps";
import { CliError, type CliContext } from "./context";
import { suggestFreePort } from "./port";
import { describeBackends, mailCatcherBanner, trustProxyWarning } from "./startup-report";

const SERVER_BODY_CAP_BYTES = 8 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 5000;

export async function serve({ env }: CliContext): Promise<number> {
  const config = loadConfig(env);
  const host = listenHost(config);
  // External PostgreSQL is migrated here, under its lock; the embedded one migrates when it opens.
  if (config.DATABASE_URL) await runMigrations(config.DATABASE_URL);
  const deps = await buildDeps(config);
  const app = createApp(deps);
  try {
    app.listen({
      hostname: host,
      port: config.PORT,
      // A backstop only: request-guards answers oversized bodies with a JSON 413 before reading them,
      // and Bun's own refusal (above this cap) has no body.
      maxRequestBodySize: SERVER_BODY_CAP_BYTES,
    });
  } catch (error) {
    await deps.close();
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    const free = await suggestFreePort(config.PORT, host);
    throw new CliError(
      `Port ${config.PORT} is already in use on ${host}. Stop whatever uses it, or start on a free port: --port ${free} (or PORT=${free}).`,
    );
  }
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
  });
  const proxyWarning = trustProxyWarning(config);
  if (proxyWarning) deps.log.warn(proxyWarning.message, { fix: proxyWarning.fix });
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
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
