import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";
import postgres from "postgres";
import { ConfigError, embeddedDatabaseDir, loadConfig, type Config } from "../config/load";
import { createSmtpTransport, smtpSettingsFrom } from "../mail/mailer";
import { loadMailOverrides } from "../mail/overrides";
import { SECRET_KEY_FILE } from "../config/secret-key";
import type { CliContext } from "./context";
import { redisTargetOf } from "../cache/redis";
import { checkRedis } from "./doctor-redis";
import { workerPlan } from "./workers";
import { redactUrl, trustProxyWarning } from "./startup-report";

interface Check {
  name: string;
  ok: boolean;
  /** Works, but weakens the service: shown as WARN without failing doctor. */
  warn?: boolean;
  message: string;
  fix?: string;
}

const TIMEOUT_MS = 3000;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)) || "no answer";

function nearestExistingFolder(path: string): string {
  let folder = path;
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

function checkDataDir(config: Config): Check {
  const folder = embeddedDatabaseDir(config.DATA_DIR);
  try {
    accessSync(nearestExistingFolder(folder), constants.W_OK);
    const state = existsSync(`${folder}/PG_VERSION`) ? "holds a database" : "will be created on the first start";
    return { name: "postgres", ok: true, message: `embedded PostgreSQL (PGlite) in ${folder} (${state})` };
  } catch (error) {
    return {
      name: "postgres",
      ok: false,
      message: `${folder} is not writable: ${reason(error)}`,
      fix: "set DATA_DIR to a writable folder, or DATABASE_URL",
    };
  }
}

async function checkPostgres(url: string): Promise<Check> {
  const sql = postgres(url, { max: 1, connect_timeout: TIMEOUT_MS / 1000, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    const [applied] = await sql<{ count: number }[]>`
      select count(*)::int as count from information_schema.tables where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`;
    const migrations = applied?.count ? "migrations table present" : "not migrated yet (serve or migrate will do it)";
    return { name: "postgres", ok: true, message: `PostgreSQL ${row?.server_version} at ${redactUrl(url)}; ${migrations}` };
  } catch (error) {
    return {
      name: "postgres",
      ok: false,
      message: `cannot reach ${redactUrl(url)}: ${reason(error)}`,
      fix: "start PostgreSQL or correct DATABASE_URL",
    };
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function checkSmtp(config: Config): Promise<Check> {
  const smtp = smtpSettingsFrom(config);
  const where = `${smtp.host}:${smtp.port} (${smtp.security})`;
  const transport = createSmtpTransport({ ...smtp, timeoutSeconds: TIMEOUT_MS / 1000 });
  try {
    await transport.verify();
    return { name: "smtp", ok: true, message: `${where} answered${smtp.username ? " and accepted the login" : ""}` };
  } catch (error) {
    return {
      name: "smtp",
      ok: false,
      message: `${where}: ${reason(error)}`,
      fix: "check SMTP_SERVER, SMTP_PORT, SMTP_SECURITY, SMTP_USERNAME and SMTP_PASSWORD; `otp-auth smtp-test <to>` sends a real mail",
    };
  } finally {
    transport.close();
  }
}

/** How many server processes `serve` would run, and why one when more were asked for. */
function workersCheck(config: Config): Check {
  const { count, asked, reason } = workerPlan(config);
  // A warning only when WORKERS was set: the production default (every core) quietly stays one process here.
  if (reason)
    return { name: "workers", ok: true, warn: config.WORKERS !== undefined, message: `1 process (WORKERS=${asked} ignored: ${reason})` };
  return {
    name: "workers",
    ok: true,
    message: count === 1 ? "1 server process" : `${count} server processes on one port, under a supervisor`,
  };
}

/** The mail templates: the built-in ones, or MAIL_TEMPLATES_DIR's files checked as `serve` checks them. */
function mailTemplatesCheck(config: Config): Check {
  const dir = config.MAIL_TEMPLATES_DIR;
  if (!dir) return { name: "mail", ok: true, message: `built-in templates; DEFAULT_LOCALE=${config.DEFAULT_LOCALE}` };
  const { overrides, problems } = loadMailOverrides(dir);
  if (problems.length > 0)
    return {
      name: "mail",
      ok: false,
      message: `MAIL_TEMPLATES_DIR: ${problems.join("; ")}`,
      fix: "correct the files named (see docs/localization.md)",
    };
  const files = Object.values(overrides).flatMap((templates) =>
    Object.values(templates ?? {}).flatMap((parts) => Object.keys(parts ?? {})),
  );
  return {
    name: "mail",
    ok: true,
    message: `${files.length} template file(s) from ${dir} replace built-in ones; DEFAULT_LOCALE=${config.DEFAULT_LOCALE}`,
  };
}

async function runChecks(config: Config): Promise<Check[]> {
  const redis = redisTargetOf(config);
  const checks = await Promise.all([
    config.DATABASE_URL ? checkPostgres(config.DATABASE_URL) : checkDataDir(config),
    redis ? checkRedis(redis) : { name: "redis", ok: true, message: "not set: in-process store (one instance only)" },
    config.SMTP_SERVER
      ? checkSmtp(config)
      : { name: "smtp", ok: true, message: "not set: development mail catcher (refused in production)" },
  ]);
  return checks.flat();
}

/** Checks the configuration and reaches every dependency, one line per check with what to fix. */
export async function doctor({ env }: CliContext): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.log(`FAIL config    ${problem}`);
    console.log("\nFix the variables above (see .env.example or README.md), then run doctor again.");
    return 1;
  }
  const secret = config.SECRET_KEY
    ? "SECRET_KEY set"
    : `SECRET_KEY not set: the one generated into ${config.DATA_DIR}/${SECRET_KEY_FILE} is used`;
  const proxy = trustProxyWarning(config);
  const checks: Check[] = [
    { name: "config", ok: true, message: `valid (NODE_ENV=${config.NODE_ENV}; ${secret})` },
    ...(proxy ? [{ name: "proxy", ok: true, warn: true, ...proxy }] : []),
    workersCheck(config),
    mailTemplatesCheck(config),
    ...(await runChecks(config)),
  ];
  for (const check of checks) {
    const status = !check.ok ? "FAIL" : check.warn ? "WARN" : "ok  ";
    console.log(`${status} ${check.name.padEnd(9)} ${check.message}${check.fix ? `\n     fix: ${check.fix}` : ""}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  const warned = checks.filter((check) => check.ok && check.warn).length;
  const warnings = warned === 0 ? "" : ` ${warned} warning${warned === 1 ? "" : "s"} (WARN) to look at.`;
  console.log(failed === 0 ? `\nAll checks passed.${warnings}` : `\n${failed} check${failed === 1 ? "" : "s"} failed.${warnings}`);
  return failed === 0 ? 0 : 1;
}
