import { envSchema, PRODUCTION_SECRET_MIN_LENGTH, type Env } from "./schema";

/** Which implementation serves each part; decided by which variables are set. */
export interface Backends {
  database: "postgres" | "pglite";
  store: "redis" | "memory";
  mail: "smtp" | "catcher";
}

export type Config = Omit<Env, "LOG_FORMAT"> & {
  LOG_FORMAT: "json" | "pretty";
  smtpSecurity: "starttls" | "tls" | "none";
  /** OTP_RECHECK_MINUTES, or the access token lifetime when it is unset (as in the original). */
  otpRecheckMinutes: number;
  backends: Backends;
};

export const ADMIN_PASSWORD_PRODUCTION_MIN_LENGTH = 16;

/** Where the embedded PostgreSQL keeps its files inside DATA_DIR. */
export const embeddedDatabaseDir = (dataDir: string) => `${dataDir}/postgres`;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Reads the environment into a Config, or throws a ConfigError naming every bad variable (never its value). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty line in .env (`SMTP_USERNAME=`) means "not set", as it did in the original.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => {
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
  if ((present.ADMIN_EMAIL === undefined) !== (present.ADMIN_PASSWORD === undefined)) {
    problems.push(`${present.ADMIN_EMAIL === undefined ? "ADMIN_EMAIL" : "ADMIN_PASSWORD"}: is required when ${present.ADMIN_EMAIL === undefined ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"} is set`);
  }
  if (present.SMTP_SERVER !== undefined && present.FROM_EMAIL === undefined) {
    problems.push("FROM_EMAIL: is required when SMTP_SERVER is set");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const config = parsed.data;
  return {
    ...config,
    LOG_FORMAT: config.LOG_FORMAT ?? (config.NODE_ENV === "production" ? "json" : "pretty"),
    smtpSecurity: config.SMTP_SECURITY ?? (config.SMTP_PORT === 465 ? "tls" : "starttls"),
    otpRecheckMinutes: config.OTP_RECHECK_MINUTES ?? config.ACCESS_TOKEN_EXPIRE_MINUTES,
    backends: {
      database: config.DATABASE_URL ? "postgres" : "pglite",
      store: config.REDIS_URL ? "redis" : "memory",
      mail: config.SMTP_SERVER ? "smtp" : "catcher",
    },
  };
}
