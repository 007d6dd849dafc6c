import { envSchema, PRODUCTION_SECRET_MIN_LENGTH, type Env } from "./schema";
import { listensBeyondLoopback } from "./listen";

/** Which implementation serves each part; decided by which variables are set. */
interface Backends {
  database: "postgres" | "pglite";
  /** `redis`: one server at REDIS_URL; `redis-cluster`: REDIS_CLUSTER_NODES; `redis-sentinel`: REDIS_SENTINELS. */
  store: "redis" | "redis-cluster" | "redis-sentinel" | "memory";
  mail: "smtp" | "catcher";
}

export type Config = Omit<Env, "LOG_FORMAT" | "CORS_ORIGINS"> & {
  LOG_FORMAT: "json" | "pretty";
  /** As set; unset: the development origins outside production, none in production. */
  CORS_ORIGINS: string[];
  smtpSecurity: "starttls" | "tls" | "none";
  /** OTP_RECHECK_MINUTES, or the access token lifetime when it is unset (as in the original). */
  otpRecheckMinutes: number;
  backends: Backends;
};

/** The configuration with SECRET_KEY settled (set, or generated into DATA_DIR outside production). */
export type RuntimeConfig = Config & { SECRET_KEY: string };

const ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH = 16;

/** Where the original's instructions serve the page from (`python -m http.server 5500`); never in production. */
const DEVELOPMENT_CORS_ORIGINS = ["http://127.0.0.1:5500", "http://localhost:5500"];

/** Where the embedded PostgreSQL keeps its files inside DATA_DIR. */
export const embeddedDatabaseDir = (dataDir: string) => `${dataDir}/postgres`;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** The Redis variables that only make sense together, or not at all together; checked on the raw values. */
function redisProblems(present: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const chosen = ["REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS"].filter((name) => present[name] !== undefined);
  if (chosen.length > 1)
    problems.push(`${chosen[1]}: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (${chosen.join(" and ")} are set)`);
  const sentinels = present.REDIS_SENTINELS !== undefined;
  if (sentinels && present.REDIS_SENTINEL_NAME === undefined) problems.push("REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS");
  if (!sentinels && present.REDIS_SENTINEL_NAME !== undefined) problems.push("REDIS_SENTINEL_NAME: only applies with REDIS_SENTINELS");
  const cluster = present.REDIS_CLUSTER_NODES !== undefined;
  if (present.REDIS_PASSWORD !== undefined && !cluster && !sentinels) {
    problems.push(
      "REDIS_PASSWORD: only applies with REDIS_CLUSTER_NODES or REDIS_SENTINELS (put a single server's password in REDIS_URL: redis://:password@host:6379)",
    );
  }
  if (envSchema.shape.REDIS_TLS.safeParse(present.REDIS_TLS).data === true && !cluster) {
    problems.push("REDIS_TLS: only applies with REDIS_CLUSTER_NODES (for a single server use a rediss:// REDIS_URL)");
  }
  // Every key carries its own hash tag ({email}); a brace in the prefix would decide the slot instead.
  if (cluster && /[{}]/.test(present.REDIS_KEY_PREFIX ?? "")) {
    problems.push("REDIS_KEY_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES (the keys carry their own hash tags)");
  }
  return problems;
}

/** WEBHOOK_URL and WEBHOOK_SECRET go together; WEBHOOK_EVENTS only says what WEBHOOK_URL receives. */
function webhookProblems(present: Record<string, string | undefined>): string[] {
  const [url, secret] = [present.WEBHOOK_URL !== undefined, present.WEBHOOK_SECRET !== undefined];
  if (url && !secret) return ["WEBHOOK_SECRET: is required when WEBHOOK_URL is set"];
  if (secret && !url) return ["WEBHOOK_URL: is required when WEBHOOK_SECRET is set"];
  if (present.WEBHOOK_EVENTS !== undefined && !url) return ["WEBHOOK_EVENTS: only applies with WEBHOOK_URL"];
  return [];
}

/** Reads the environment into a Config, or throws a ConfigError naming every bad variable (never its value). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty line in .env (`SMTP_USERNAME=`) means "not set", as it did in the original.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join(".") || "environment";
        return `${name}: ${present[name] === undefined ? "is required" : issue.message}`;
      });
  // Checked on the raw values so that they are reported together with every other problem.
  if (present.NODE_ENV === "production") {
    if ((present.SECRET_KEY ?? "").length < PRODUCTION_SECRET_MIN_LENGTH) {
      problems.push(`SECRET_KEY: must be at least ${PRODUCTION_SECRET_MIN_LENGTH} characters when NODE_ENV=production`);
    }
    if (present.SMTP_SERVER === undefined) {
      problems.push("SMTP_SERVER: is required when NODE_ENV=production (the development mail catcher is refused in production)");
    }
    if (present.ADMIN_PASSWORD !== undefined && present.ADMIN_PASSWORD.length < ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH) {
      problems.push(`ADMIN_PASSWORD: must be at least ${ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH} characters when NODE_ENV=production`);
    }
  }
  // A short admin password is refused wherever another machine could try it; the development mail catcher
  // keeps the server on loopback whatever HOST says (see listenHost), so it counts as loopback.
  const host = envSchema.shape.HOST.safeParse(present.HOST).data ?? "";
  const reachable = listensBeyondLoopback({ HOST: host, backends: { mail: present.SMTP_SERVER === undefined ? "catcher" : "smtp" } });
  if (
    present.NODE_ENV !== "production" &&
    reachable &&
    (present.ADMIN_PASSWORD?.length ?? Infinity) < ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH
  ) {
    problems.push(
      `ADMIN_PASSWORD: must be at least ${ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH} characters when the server listens beyond loopback (HOST not 127.0.0.1, ::1 or localhost)`,
    );
  }
  if ((present.ADMIN_EMAIL === undefined) !== (present.ADMIN_PASSWORD === undefined)) {
    problems.push(
      `${present.ADMIN_EMAIL === undefined ? "ADMIN_EMAIL" : "ADMIN_PASSWORD"}: is required when ${present.ADMIN_EMAIL === undefined ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"} is set`,
    );
  }
  if (present.SMTP_SERVER !== undefined && present.FROM_EMAIL === undefined) {
    problems.push("FROM_EMAIL: is required when SMTP_SERVER is set");
  }
  problems.push(...redisProblems(present));
  problems.push(...webhookProblems(present));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const config = parsed.data;
  return {
    ...config,
    LOG_FORMAT: config.LOG_FORMAT ?? (config.NODE_ENV === "production" ? "json" : "pretty"),
    CORS_ORIGINS: config.CORS_ORIGINS ?? (config.NODE_ENV === "production" ? [] : DEVELOPMENT_CORS_ORIGINS),
    smtpSecurity: config.SMTP_SECURITY ?? (config.SMTP_PORT === 465 ? "tls" : "starttls"),
    otpRecheckMinutes: config.OTP_RECHECK_MINUTES ?? config.ACCESS_TOKEN_EXPIRE_MINUTES,
    backends: {
      database: config.DATABASE_URL ? "postgres" : "pglite",
      store: config.REDIS_CLUSTER_NODES
        ? "redis-cluster"
        : config.REDIS_SENTINELS
          ? "redis-sentinel"
          : config.REDIS_URL
            ? "redis"
            : "memory",
      mail: config.SMTP_SERVER ? "smtp" : "catcher",
    },
  };
}
