import type { Redis } from "ioredis";
import { connectRedis, waitForRedis } from "./cache/redis";
import type { Config } from "./config/load";
import { connectDatabase, type DatabaseHandle } from "./db/client";
import { systemClock, type Clock } from "./lib/clock";
import { deriveKey } from "./lib/crypto";
import { createLogger, type Logger } from "./lib/log";
import { createSmtpMailer, type Mailer } from "./mail/mailer";
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
import { createRedisOtpStore } from "./otp/redis-store";
import { createOtpService } from "./otp/service";

export interface Deps {
  config: Config;
  clock: Clock;
  log: Logger;
  database: DatabaseHandle;
  redis: Redis;
  mailer: Mailer;
  tokens: TokenIssuer;
  auth: AuthService;
  oauth: OAuthService;
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the defaults (tests pass a fake clock or a logger that records). */
export type DepOverrides = Partial<Pick<Deps, "clock" | "log" | "mailer">>;

/** Builds every dependency from config, in one place; nothing here listens on a port. */
export async function buildDeps(config: Config, overrides: DepOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const database = connectDatabase(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, log);
  if (!(await waitForRedis(redis, 3000))) log.warn("redis not reachable yet; requests that need it answer 503");
  const mailer = overrides.mailer ?? createSmtpMailer(config);
  const store = createRedisOtpStore(redis);
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
  return {
    config, clock, log, database, redis, mailer, tokens, auth, oauth,
    readiness: [
      { name: "postgres", check: database.ping },
      { name: "redis", check: store.ping },
    ],
    async close() {
      mailer.close();
      redis.disconnect();
      await database.close();
    },
  };
}
