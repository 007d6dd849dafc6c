import { connectRedis, describeRedis, redisTargetOf, waitForRedis, type RedisClient, type RedisTarget } from "./cache/redis";
import { embeddedDatabaseDir, type Config } from "./config/load";
import { loadOrCreateSecretKey } from "./config/secret-key";
import { connectDatabase, type DatabaseHandle } from "./db/client";
import { openEmbeddedDatabase } from "./db/pglite";
import { systemClock, type Clock } from "./lib/clock";
import { deriveKey } from "./lib/crypto";
import { createLogger, type Logger } from "./lib/log";
import { startMailCatcher, type MailCatcher } from "./mail/catcher";
import { createSmtpMailer, smtpSettingsFrom, type Mailer } from "./mail/mailer";
import { createAuthService, type AuthService } from "./modules/auth/service";
import { createPasswordHasher } from "./modules/auth/password";
import { createTokenIssuer, type TokenIssuer } from "./modules/auth/tokens";
import { createUserRepository } from "./modules/auth/users";
import type { ReadinessCheck } from "./modules/health/routes";
import { createOAuthAccountRepository } from "./modules/oauth/accounts";
import { createProviderClient } from "./modules/oauth/provider-client";
import { defineProviders } from "./modules/oauth/providers";
import { createOAuthService, type OAuthService } from "./modules/oauth/service";
import { createMemoryOAuthStateStore, createRedisOAuthStateStore } from "./modules/oauth/state-store";
import { createMemoryOtpStore } from "./otp/memory-store";
import { createRedisOtpStore } from "./otp/redis-store";
import { createOtpService } from "./otp/service";

/** The configuration with SECRET_KEY settled (set, or generated into DATA_DIR outside production). */
export type RuntimeConfig = Config & { SECRET_KEY: string };

export interface Deps {
  config: RuntimeConfig;
  clock: Clock;
  log: Logger;
  database: DatabaseHandle;
  /**
   * One Redis server, the master behind Sentinels, or a Redis Cluster; null under the embedded defaults (no
   * Redis configured): the in-process stores serve instead. Keys of one multi-key command or script must share
   * a hash tag (`{...}`) to work on a Cluster.
   */
  redis: RedisClient | null;
  /** The development mail catcher, when no SMTP_SERVER is set; its inbox is served at /dev/mailbox. */
  mailCatcher: MailCatcher | null;
  mailer: Mailer;
  tokens: TokenIssuer;
  auth: AuthService;
  oauth: OAuthService;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the defaults (tests pass a fake clock or a logger that records). */
export type DepOverrides = Partial<Pick<Deps, "clock" | "log" | "mailer">>;

function developmentSecretKey(dataDir: string, log: Logger): string {
  const { secret, created } = loadOrCreateSecretKey(dataDir);
  if (created) log.warn("SECRET_KEY is not set: generated one and saved it for the next starts; set SECRET_KEY in production", { dataDir });
  return secret;
}

async function openDatabase(config: Config, log: Logger): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) return connectDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const dataDir = embeddedDatabaseDir(config.DATA_DIR);
  log.info("opening the embedded PostgreSQL (PGlite); a first start initialises it, which takes a few seconds", { dataDir });
  const started = performance.now();
  const database = await openEmbeddedDatabase(dataDir);
  log.info(database.created ? "embedded PostgreSQL initialised" : "embedded PostgreSQL opened", {
    ms: Math.round(performance.now() - started),
  });
  return database;
}

async function openRedis(target: RedisTarget, config: Config, log: Logger): Promise<RedisClient> {
  const redis = connectRedis(target, config.REDIS_KEY_PREFIX, log);
  if (!(await waitForRedis(redis, 3000))) log.warn("redis not reachable yet; requests that need it answer 503");
  return redis;
}

/** Builds every dependency from config, in one place; nothing here listens on an HTTP port. */
export async function buildDeps(input: Config, overrides: DepOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(input.LOG_LEVEL);
  const config: RuntimeConfig = { ...input, SECRET_KEY: input.SECRET_KEY ?? developmentSecretKey(input.DATA_DIR, log) };
  const database = await openDatabase(config, log);
  const redisTarget = redisTargetOf(config);
  const redis = redisTarget ? await openRedis(redisTarget, config, log) : null;
  const store = redis ? createRedisOtpStore(redis) : createMemoryOtpStore();
  const mailCatcher = config.backends.mail === "catcher" && !overrides.mailer ? await startMailCatcher() : null;
  const mailer = overrides.mailer ?? createSmtpMailer(
    mailCatcher ? { ...smtpSettingsFrom(config), host: "127.0.0.1", port: mailCatcher.port, security: "none" } : smtpSettingsFrom(config),
  );
  const otp = createOtpService({
    store,
    clock,
    settings: {
      secret: deriveKey(config.SECRET_KEY, "otp-code-hash"),
      length: config.OTP_LENGTH,
      ttlSeconds: config.OTP_EXPIRE_SECONDS,
      maxAttempts: config.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerHour: config.OTP_MAX_SENDS_PER_HOUR,
    },
  });
  const tokens = createTokenIssuer({ secret: config.SECRET_KEY, expireMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES, clock });
  const auth = createAuthService({
    users: createUserRepository(database.db),
    otp,
    mailer,
    passwords: createPasswordHasher({ memoryKib: config.PASSWORD_MEMORY_KIB, timeCost: config.PASSWORD_TIME_COST }),
    tokens,
    clock,
    log,
    settings: { otpTtlSeconds: config.OTP_EXPIRE_SECONDS, recheckAfterMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES },
  });
  const oauth = createOAuthService({
    providers: defineProviders(config),
    store: redis ? createRedisOAuthStateStore(redis, clock) : createMemoryOAuthStateStore(clock),
    accounts: createOAuthAccountRepository(database.db),
    client: createProviderClient({ timeoutMs: 5000, log }),
    tokens,
    clock,
    log,
    settings: { stateKey: deriveKey(config.SECRET_KEY, "oauth-state"), stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS },
  });
  const readiness: ReadinessCheck[] = [{ name: "postgres", check: database.ping }];
  if (redisTarget) readiness.push({ name: describeRedis(redisTarget).check, check: store.ping });
  return {
    config, clock, log, database, redis, mailCatcher, mailer, tokens, auth, oauth, readiness,
    async close() {
      mailer.close();
      redis?.disconnect();
      await mailCatcher?.close();
      await database.close();
    },
  };
}
