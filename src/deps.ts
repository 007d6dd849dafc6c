import { createAuditLog, type AuditLog } from "./audit/log";
import { createAuditRepository } from "./audit/repository";
import { connectRedis, describeRedis, redisTargetOf, waitForRedis, type RedisClient, type RedisTarget } from "./cache/redis";
import { embeddedDatabaseDir, type Config } from "./config/load";
import { loadOrCreateSecretKey } from "./config/secret-key";
import { connectDatabase, type DatabaseHandle } from "./db/client";
import { openEmbeddedDatabase } from "./db/pglite";
import { systemClock, type Clock } from "./lib/clock";
import { deriveKey } from "./lib/crypto";
import { consoleWriter, createLogger, type Logger } from "./lib/log";
import { createMetrics, type Metrics } from "./lib/metrics";
import { startMailCatcher, type MailCatcher } from "./mail/catcher";
import { countingMailer } from "./mail/counting-mailer";
import { createSmtpMailer, smtpSettingsFrom, type Mailer } from "./mail/mailer";
import { createAdminUserRepository } from "./modules/admin/repository";
import { createAdminService, type AdminService } from "./modules/admin/service";
import { createCodeDelivery } from "./modules/auth/code-delivery";
import { createAuthService, type AuthService } from "./modules/auth/service";
import { createPasswordHasher } from "./modules/auth/password";
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
import { createPasswordService, type PasswordService } from "./modules/passwords/service";
import { createSessionRepository } from "./modules/sessions/repository";
import { createMemoryRevocationStore, createRedisRevocationStore } from "./modules/sessions/revocations";
import { createSessionService, type SessionService } from "./modules/sessions/service";
import type { OnRefused } from "./ratelimit/limiters";
import { createLoginGuard, type LoginGuard } from "./ratelimit/login-guard";
import { createRouteLimits, type RouteLimits } from "./ratelimit/route-limits";
import { createTokenIssuer, type TokenIssuer } from "./tokens/access-token";

/** The configuration with SECRET_KEY settled (set, or generated into DATA_DIR outside production). */
export type RuntimeConfig = Config & { SECRET_KEY: string };

export interface Deps {
  config: RuntimeConfig;
  clock: Clock;
  log: Logger;
  /** Prometheus metrics of this instance (GET /metrics); `metrics.rateLimited(name)` is for rate limiters. */
  metrics: Metrics;
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
  sessions: SessionService;
  audit: AuditLog;
  auth: AuthService;
  passwords: PasswordService;
  admin: AdminService;
  oauth: OAuthService;
  /** Per-client-IP budgets of the `rateLimit` macro; in Redis, or in this process without it. */
  routeLimits: RouteLimits;
  /** Password-guessing protection around the login. */
  loginGuard: LoginGuard;
  /** The same around the admin API's Basic auth, with the login's settings and counters of its own. */
  adminLoginGuard: LoginGuard;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * Parts a caller may supply instead of the defaults (tests pass a fake clock or a logger that records);
 * `onRefused` hears the name of every limiter that refuses a request.
 */
export type DepOverrides = Partial<Pick<Deps, "clock" | "log" | "mailer">> & { onRefused?: OnRefused };

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
  const log = overrides.log ?? createLogger(input.LOG_LEVEL, consoleWriter(input.LOG_FORMAT));
  const metrics = createMetrics();
  const onRefused: OnRefused = (name) => {
    metrics.rateLimited(name);
    overrides.onRefused?.(name);
  };
  const config: RuntimeConfig = { ...input, SECRET_KEY: input.SECRET_KEY ?? developmentSecretKey(input.DATA_DIR, log) };
  const database = await openDatabase(config, log);
  const redisTarget = redisTargetOf(config);
  const redis = redisTarget ? await openRedis(redisTarget, config, log) : null;
  const store = redis ? createRedisOtpStore(redis) : createMemoryOtpStore();
  const mailCatcher = config.backends.mail === "catcher" && !overrides.mailer ? await startMailCatcher() : null;
  const mailer = countingMailer(
    overrides.mailer ??
      createSmtpMailer(
        mailCatcher
          ? { ...smtpSettingsFrom(config), host: "127.0.0.1", port: mailCatcher.port, security: "none" }
          : smtpSettingsFrom(config),
      ),
    metrics.mailed,
  );
  metrics.watchDatabase(database.stats);
  if (redis) metrics.watchRedis(() => redis.status === "ready");
  const otp = createOtpService({
    store,
    clock,
    onVerify: metrics.otpVerified,
    settings: {
      secret: deriveKey(config.SECRET_KEY, "otp-code-hash"),
      length: config.OTP_LENGTH,
      ttlSeconds: config.OTP_EXPIRE_SECONDS,
      maxAttempts: config.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerHour: config.OTP_MAX_SENDS_PER_HOUR,
      maxFailuresPerWindow: config.OTP_MAX_FAILURES_PER_WINDOW,
      failureWindowSeconds: config.OTP_FAILURE_WINDOW_HOURS * 3600,
    },
  });
  const tokens = createTokenIssuer({ secret: config.SECRET_KEY, expireMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES, clock });
  // A revocation must outlive every access token issued before it; a minute more covers clock skew.
  const revocationTtlMs = (config.ACCESS_TOKEN_EXPIRE_MINUTES + 1) * 60_000;
  const audit = createAuditLog({ db: database.db, clock, log, settings: { flushDelayMs: 250, maxBatch: 200 } });
  const sessionRepository = createSessionRepository(database.db);
  const recentlyRevoked = () => sessionRepository.listRevokedSince(new Date(clock.now() - revocationTtlMs));
  const sessions = createSessionService({
    repository: sessionRepository,
    audit,
    revocations: redis
      ? createRedisRevocationStore(redis, revocationTtlMs, recentlyRevoked)
      : createMemoryRevocationStore(clock, revocationTtlMs, recentlyRevoked),
    tokens,
    clock,
    log,
    settings: {
      refreshTokenKey: deriveKey(config.SECRET_KEY, "refresh-token-hash"),
      refreshTokenExpireDays: config.REFRESH_TOKEN_EXPIRE_DAYS,
      recheckAfterMinutes: config.otpRecheckMinutes,
    },
  });
  const users = createUserRepository(database.db);
  const passwords = createPasswordHasher({ memoryKib: config.PASSWORD_MEMORY_KIB, timeCost: config.PASSWORD_TIME_COST });
  const codes = createCodeDelivery({
    otp,
    mailer,
    audit,
    log,
    settings: { otpTtlSeconds: config.OTP_EXPIRE_SECONDS, mailAfterAnswer: config.HIDE_ACCOUNT_EXISTENCE },
  });
  const auth = createAuthService({
    users,
    otp,
    codes,
    passwords,
    sessions,
    audit,
    clock,
    settings: { recheckAfterMinutes: config.otpRecheckMinutes, hideAccountExistence: config.HIDE_ACCOUNT_EXISTENCE },
  });
  const passwordService = createPasswordService({ users, otp, codes, passwords, sessions, audit, clock });
  const admin = createAdminService({
    users: createAdminUserRepository(database.db),
    auditEvents: createAuditRepository(database.db),
    passwords,
    sessions,
    audit,
  });
  const oauth = createOAuthService({
    providers: defineProviders(config),
    store: redis ? createRedisOAuthStateStore(redis, clock) : createMemoryOAuthStateStore(clock),
    accounts: createOAuthAccountRepository(database.db),
    client: createProviderClient({ timeoutMs: 5000, log }),
    sessions,
    audit,
    clock,
    log,
    settings: { stateKey: deriveKey(config.SECRET_KEY, "oauth-state"), stateTtlSeconds: config.OAUTH_STATE_TTL_SECONDS },
  });
  const routeLimits = createRouteLimits({
    redis,
    settings: {
      mailPerHour: config.RATE_LIMIT_MAIL_PER_HOUR,
      passwordPerMinute: config.RATE_LIMIT_PASSWORD_PER_MINUTE,
      codePerMinute: config.RATE_LIMIT_CODE_PER_MINUTE,
      oauthPerMinute: config.RATE_LIMIT_OAUTH_PER_MINUTE,
    },
    onRefused,
  });
  const loginGuardSettings = {
    maxConsecutiveFailures: config.LOGIN_MAX_CONSECUTIVE_FAILURES,
    blockSeconds: config.LOGIN_BLOCK_SECONDS,
    blockMaxSeconds: config.LOGIN_BLOCK_MAX_SECONDS,
    maxFailuresPerIpPerDay: config.LOGIN_MAX_FAILURES_PER_IP_PER_DAY,
  };
  const loginGuard = createLoginGuard({ redis, log, settings: loginGuardSettings, onRefused });
  const adminLoginGuard = createLoginGuard({ redis, log, settings: loginGuardSettings, onRefused, name: "admin" });
  const readiness: ReadinessCheck[] = [{ name: "postgres", check: database.ping }];
  if (redisTarget) readiness.push({ name: describeRedis(redisTarget).check, check: store.ping });
  return {
    config,
    clock,
    log,
    metrics,
    database,
    redis,
    mailCatcher,
    mailer,
    tokens,
    sessions,
    audit,
    auth,
    passwords: passwordService,
    admin,
    oauth,
    routeLimits,
    loginGuard,
    adminLoginGuard,
    readiness,
    async close() {
      await audit.flush();
      mailer.close();
      redis?.disconnect();
      await mailCatcher?.close();
      await database.close();
    },
  };
}
