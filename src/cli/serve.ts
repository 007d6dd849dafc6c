import { createApp } from "../app";
import { loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";
import { buildDeps } from "../deps";

const SERVER_BODY_CAP_BYTES = 8 * 1024 * 1024;

export async function serve(): Promise<number> {
  const config = loadConfig(process.env);
  await runMigrations(config.DATABASE_URL);
  const deps = await buildDeps(config);
  const app = createApp(deps).listen({
    hostname: config.HOST,
    port: config.PORT,
    // A backstop only: request-guards answers oversized bodies with a JSON 413 before reading them,
    // and Bun's own refusal (above this cap) has no body.
    maxRequestBodySize: SERVER_BODY_CAP_BYTES,
  });
  const shown = config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST;
  deps.log.info("otp-auth listening", {
    url: `http://${shown}:${app.server?.port}`,
    docs: `http://${shown}:${app.server?.port}/docs`,
    smtp: `${config.SMTP_SERVER}:${config.SMTP_PORT} (${config.smtpSecurity})`,
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  deps.log.info("shutting down");
  await app.stop();
  await deps.close();
  return 0;
}
