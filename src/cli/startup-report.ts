import { describeRedis, redisTargetOf } from "../cache/redis";
import { listenHost, listensBeyondLoopback } from "../config/listen";
import { embeddedDatabaseDir, type Config, type RuntimeConfig } from "../config/load";
import { redactUrl } from "../lib/redact-url";

export { redactUrl };

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

/**
 * The hop-count TRUST_PROXY believes X-Forwarded-For from whoever connects: on a server others can reach
 * directly, each client picks its own IP, and so escapes every per-IP limit. Null when that cannot happen.
 */
export function trustProxyWarning(config: Config): { message: string; fix: string } | null {
  const hops = config.TRUST_PROXY;
  if (typeof hops !== "number" || hops === 0 || !listensBeyondLoopback(config)) return null;
  return {
    message:
      `TRUST_PROXY=${hops} believes X-Forwarded-For from any peer, and the server listens on ${listenHost(config)}: ` +
      "a client that connects directly picks its own IP and escapes the per-IP limits",
    fix: "set TRUST_PROXY to your proxies' addresses (e.g. TRUST_PROXY=loopback,10.0.0.0/8), or HOST=127.0.0.1 behind a proxy on this host",
  };
}

/** Without PUBLIC_URL the tokens' `iss` is a constant that says nothing of where to find the keys. */
export function issuerWarning(config: Config): { message: string; fix: string } | null {
  if (config.NODE_ENV !== "production" || config.PUBLIC_URL) return null;
  return {
    message: 'PUBLIC_URL is not set: access tokens carry iss "otp-auth", and verifiers cannot derive the keys\' address from it',
    fix: "set PUBLIC_URL to the https:// address clients and services reach this server at",
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
