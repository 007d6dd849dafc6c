import { createApp } from "../app";
import { loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";
import { buildDeps } from "../deps";

export async function serve(): Promise<number> {
  const config = loadConfig(process.env);
  await runMigrations(config.DATABASE_URL);
  const deps = await buildDeps(config);
  const app = createApp(deps).listen({
    hostname: config.HOST,
    port: config.PORT,
    maxRequestBodySize: config.MAX_BODY_BYTES,
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
