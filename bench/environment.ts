// What one benchmark run owns: a fresh PostgreSQL database (dropped afterwards), its own Redis key prefix
// (deleted afterwards), an SMTP server for the codes, and the service's configuration. Rate limits stay on,
// set out of reach: every request comes from 127.0.0.1, so real budgets would refuse the run within a second.
import { Redis } from "ioredis";
import postgres from "postgres";
import { deriveKey } from "../src/lib/crypto";
import { startMailSink, type MailSink } from "./mail-sink";

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";

export const BENCH_SECRET = "bench-secret-key-bench-secret-key-0123456789";
export const PASSWORD_MEMORY_KIB = 19456;
export const PASSWORD_TIME_COST = 2;

export const OUT_OF_REACH = "1000000";

/** The password of every seeded user, hashed once with the service's argon2id parameters. */
export const BENCH_PASSWORD = "bench-password-1";
export const passwordHash = () =>
  Bun.password.hash(BENCH_PASSWORD, { algorithm: "argon2id", memoryCost: PASSWORD_MEMORY_KIB, timeCost: PASSWORD_TIME_COST });

export interface BenchEnvironment {
  sql: postgres.Sql;
  sink: MailSink;
  serviceEnv: Record<string, string>;
  refreshKey: string;
  cleanup(): Promise<void>;
}

export async function openEnvironment(label: string, extraEnv: Record<string, string> = {}): Promise<BenchEnvironment> {
  const stamp = `${Date.now()}_${process.pid}`;
  const dbName = `otp_auth_bench_${label}_${stamp}`;
  const prefix = `otp-auth-bench-${label}-${stamp}:`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const sql = postgres(dbUrl.toString(), { max: 4, onnotice: () => {}, connection: { application_name: "otp-auth-bench" } });
  const sink = await startMailSink();
  const serviceEnv: Record<string, string> = {
    NODE_ENV: "production",
    // Production's default is one worker per core; BENCH_WORKERS=1 measures a single process.
    ...(process.env.BENCH_WORKERS ? { WORKERS: process.env.BENCH_WORKERS } : {}),
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    SECRET_KEY: BENCH_SECRET,
    SMTP_SERVER: "127.0.0.1",
    SMTP_PORT: String(sink.port),
    SMTP_SECURITY: "none",
    FROM_EMAIL: "bench@otp-auth.test",
    PASSWORD_MEMORY_KIB: String(PASSWORD_MEMORY_KIB),
    PASSWORD_TIME_COST: String(PASSWORD_TIME_COST),
    // Codes are prepared a minute or two before they are used, and the seeded sign-ins must not need a re-check.
    OTP_EXPIRE_SECONDS: "3600",
    OTP_RECHECK_MINUTES: "1440",
    RATE_LIMIT_MAIL_PER_HOUR: OUT_OF_REACH,
    RATE_LIMIT_PASSWORD_PER_MINUTE: OUT_OF_REACH,
    RATE_LIMIT_CODE_PER_MINUTE: OUT_OF_REACH,
    RATE_LIMIT_OAUTH_PER_MINUTE: OUT_OF_REACH,
    RATE_LIMIT_PASSKEY_PER_MINUTE: OUT_OF_REACH,
    LOGIN_MAX_CONSECUTIVE_FAILURES: OUT_OF_REACH,
    LOGIN_MAX_FAILURES_PER_IP_PER_DAY: OUT_OF_REACH,
    ...extraEnv,
  };
  return {
    sql,
    sink,
    serviceEnv,
    refreshKey: deriveKey(BENCH_SECRET, "refresh-token-hash"),
    async cleanup() {
      await sink.close();
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
      const redis = new Redis(redisUrl, { lazyConnect: true });
      await redis.connect();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}
