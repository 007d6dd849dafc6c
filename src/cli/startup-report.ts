import { describeRedis, redisTargetOf } from "../cache/redis";
import { embeddedDatabaseDir, type RuntimeConfig } from "../config/load";
import { redactUrl } from "../lib/redact-url";

export { redactUrl };
// Moved to config/, where the admin console's health view reads them too.
export { issuerWarning, trustProxyWarning } from "../config/warnings";

/** Where each part runs, in words a newcomer understands; written once at start-up. */
export function describeBackends(config: RuntimeConfig): Record<string, string> {
  const { backends } = config;
  const redis = redisTargetOf(config);
  return {
    database:
      backends.database === "postgres"
        ? `PostgreSQL at ${redactUrl(config.DATABASE_URL!)}`
        : `embedded PostgreSQL (PGlite) in ${embeddedDatabaseDir(config.DATA_DIR)}`,
    store: redis ? describeRedis(redis).description : "in-process store (one instance only; codes are lost on restart)",
    mail:
      backends.mail === "smtp"
        ? `SMTP ${config.SMTP_SERVER}:${config.SMTP_PORT} (${config.smtpSecurity})`
        : "development mail catcher (nothing leaves this machine)",
  };
}

export function mailCatcherBanner(baseUrl: string): string {
  const lines = [
    "DEVELOPMENT MAIL CATCHER ACTIVE: no SMTP_SERVER is set.",
    "Mails are not sent; they are kept in memory and shown, codes included, at",
    `  ${baseUrl}/dev/mailbox`,
    "The server listens on 127.0.0.1 only. Never use this mode for real users:",
    "set SMTP_SERVER, FROM_EMAIL (and SMTP_USERNAME/SMTP_PASSWORD) to send real mail.",
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = "!".repeat(width + 4);
  return [rule, ...lines.map((line) => `! ${line.padEnd(width)} !`), rule].join("\n");
}
