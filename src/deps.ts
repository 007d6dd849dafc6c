import { createAuditLog, type AuditLog } from "./audit/log";
import { connectRedis, describeRedis, redisTargetOf, waitForRedis, type RedisClient, type RedisTarget } from "./cache/redis";
import { channelName, subscribeChannels, type ChannelListener, type Subscriber } from "./cache/subscriber";
import { embeddedDatabaseDir, type Config, type RuntimeConfig } from "./config/load";
import { loadOrCreateSecretKey } from "./config/secret-key";
import { connectDatabase, type DatabaseHandle } from "./db/client";
import { openEmbeddedDatabase } from "./db/pglite";
import { systemClock, type Clock } from "./lib/clock";
import { consoleWriter, createLogger, type Logger } from "./lib/log";
import { createMetrics, type Metrics } from "./lib/metrics";
import type { ReadinessCheck } from "./lib/readiness";
import { startMailCatcher, type MailCatcher } from "./mail/catcher";
import { countingMailer } from "./mail/counting-mailer";
import { mailRendererFrom } from "./mail/setup";
import { createAccountDeletionJob, type AccountDeletionJob } from "./modules/account/deletion-job";
import { createAccountDeletionService, deletionSettingsFrom, type AccountDeletionService } from "./modules/account/deletion";
import { createAccountExporter, type AccountExporter } from "./modules/account/export";
import { createAccountRepository } from "./modules/account/repository";
import { createEmailChangeService, emailChangeSettingsFrom, type EmailChangeService } from "./modules/account/email-change";
import { createEmailChangeRepository } from "./modules/account/email-changes";
import { createSmtpMailer, smtpSettingsFrom, type Mailer } from "./mail/mailer";
import type { AdminAccess } from "./modules/admin/access";
import type { AdminService } from "./modules/admin/service";
import { createAdminModule, type AdminModule } from "./modules/admin/setup";
import { codeDeliverySettingsFrom, createCodeDelivery } from "./modules/auth/code-delivery";
import { codeSignInSettingsFrom, createCodeSignInService, type CodeSignInService } from "./modules/auth/code-sign-in";
import { createCodeSignInAccounts } from "./modules/auth/code-sign-in-accounts";
import { authSettingsFrom, createAuthService, type AuthService } from "./modules/auth/service";
import { createPasswordHasher, passwordSettingsFrom } from "./modules/auth/password";
import { createUserRepository } from "./modules/auth/users";
import { createPushedProfiles, uncachedProfiles, type Profiles } from "./modules/auth/profile-cache";
import { createPushedRevocationStore } from "./modules/sessions/pushed-revocations";
import { createOAuthAccountRepository } from "./modules/oauth/accounts";
import { createProviderClient } from "./modules/oauth/provider-client";
import { defineProviders } from "./modules/oauth/providers";
import { createMfaRepository } from "./modules/mfa/repository";
import { createMfaService, mfaSettingsFrom, type MfaService } from "./modules/mfa/service";
import { relyingPartyFrom } from "./modules/passkeys/relying-party";
import { createPasskeyRepository } from "./modules/passkeys/repository";
import { createPasskeyService, type PasskeyService } from "./modules/passkeys/service";
import { singleUseStore } from "./cache/single-use-store";
import { createMemoryMfaTokenStore, createRedisMfaTokenStore, type MfaTokenStore } from "./modules/mfa/token-store";
import { createOAuthService, oauthSettingsFrom, type OAuthService } from "./modules/oauth/service";
import { createMemoryOAuthStateStore, createRedisOAuthStateStore, type OAuthStateStore } from "./modules/oauth/state-store";
import { createMemoryOtpStore } from "./otp/memory-store";
import { createRedisOtpStore } from "./otp/redis-store";
import { createOtpService, otpSettingsFrom } from "./otp/service";
import type { OtpStore } from "./otp/store";
import { createPasswordService, type PasswordService } from "./modules/passwords/service";
import { createSessionRepository } from "./modules/sessions/repository";
import { createWebhookAdminService, type WebhookAdminService } from "./modules/webhooks/service";
import { createWebhooks } from "./webhooks/setup";
import {
  createMemoryRevocationStore,
  createRedisRevocationStore,
  revocationTtlMsFrom,
  type RecentlyRevoked,
  type RevocationStore,
} from "./modules/sessions/revocations";
import { createSessionService, sessionSettingsFrom, type SessionService } from "./modules/sessions/service";
import { createLimiter, type OnRefused } from "./ratelimit/limiters";
import { createLoginGuard, loginGuardSettingsFrom, type LoginGuard } from "./ratelimit/login-guard";
import { createRouteLimits, routeLimitSettingsFrom, type RouteLimits } from "./ratelimit/route-limits";
import { createTokenIssuer, tokenSettingsFrom, type TokenIssuer } from "./tokens/access-token";
import type { Keyring } from "./tokens/keyring";
import { keyringFor } from "./tokens/setup";

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
  /** The asymmetric signing keys (kept in the database); null under HS256, whose key is SECRET_KEY. */
  keyring: Keyring | null;
  sessions: SessionService;
  audit: AuditLog;
  auth: AuthService;
  codeSignIn: CodeSignInService;
  passwords: PasswordService;
  admin: AdminService;
  /** Bearer tokens of users with the admin role on the admin API (role read per request). */
  adminAccess: AdminAccess;
  /** The rest of the admin console's API: account actions, audit export, activity and health. */
  adminConsole: Pick<AdminModule, "actions" | "insights">;
  oauth: OAuthService;
  mfa: MfaService;
  passkeys: PasskeyService;
  /** Deleting one's own account; its job (deleting accounts past their grace period) runs until close(). */
  accountDeletion: AccountDeletionService;
  accountDeletionJob: AccountDeletionJob;
  accountExport: AccountExporter;
  emailChange: EmailChangeService;
  /** The admin API of webhooks; the worker that sends them runs from buildDeps until close(). */
  webhooks: WebhookAdminService;
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
type DepOverrides = Partial<Pick<Deps, "clock" | "log" | "mailer">> & { onRefused?: OnRefused };

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

/** What is kept in Redis when one is configured, and in this process otherwise. */
interface Stores {
  otp: OtpStore;
  revocations: RevocationStore;
  /** The profiles /auth/me answers with (see modules/auth/profile-cache.ts). */
  profiles: Profiles;
  oauthStates: OAuthStateStore;
  /** mfa_tokens waiting for the second factor (see modules/mfa/token-store.ts). */
  mfaTokens: MfaTokenStore;
  /** Where the rate limiters (per-client budgets, login guards) count: Redis, or this process (null). */
  limiters: RedisClient | null;
  /** The connection that keeps this process's copies of revocations and profiles current; null without Redis. */
  subscriber: Subscriber | null;
  close(): void;
}

/** The one place that picks Redis or the in-process stores. */
function buildStores(
  redis: RedisClient | null,
  { clock, log, keyPrefix }: { clock: Clock; log: Logger; keyPrefix: string },
  revoked: { ttlMs: number; recentlyRevoked: RecentlyRevoked },
): Stores {
  if (redis) {
    const channels = { revocations: channelName(keyPrefix, "revoked-sessions"), users: channelName(keyPrefix, "users-changed") };
    const source = createRedisRevocationStore(redis, revoked.ttlMs, revoked.recentlyRevoked, { clock, channel: channels.revocations });
    const revocations = createPushedRevocationStore({ source, clock, ttlMs: revoked.ttlMs, log });
    const profiles = createPushedProfiles(redis, channels.users);
    const listeners: Record<string, ChannelListener> = {
      [channels.revocations]: revocations.listener,
      [channels.users]: profiles.listener,
    };
    const subscriber = subscribeChannels(redis, listeners, log);
    return {
      otp: createRedisOtpStore(redis),
      revocations,
      profiles,
      oauthStates: createRedisOAuthStateStore(redis, clock),
      mfaTokens: createRedisMfaTokenStore(redis, clock),
      limiters: redis,
      subscriber,
      close() {
        subscriber.close();
        revocations.close();
      },
    };
  }
  return {
    otp: createMemoryOtpStore(),
    revocations: createMemoryRevocationStore(clock, revoked.ttlMs, revoked.recentlyRevoked),
    profiles: uncachedProfiles,
    oauthStates: createMemoryOAuthStateStore(clock),
    mfaTokens: createMemoryMfaTokenStore(clock),
    limiters: null,
    subscriber: null,
    close() {},
  };
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
  // Checked first: a bad MAIL_TEMPLATES_DIR file stops the start before anything is opened.
  const mailRenderer = mailRendererFrom(input);
  const config: RuntimeConfig = { ...input, SECRET_KEY: input.SECRET_KEY ?? developmentSecretKey(input.DATA_DIR, log) };
  const database = await openDatabase(config, log);
  const redisTarget = redisTargetOf(config);
  const redis = redisTarget ? await openRedis(redisTarget, config, log) : null;
  const webhooks = createWebhooks({ db: database.db, config, log });
  const sessionRepository = createSessionRepository(database.db, webhooks.outbox);
  const revocationTtlMs = revocationTtlMsFrom(config);
  const stores = buildStores(
    redis,
    { clock, log, keyPrefix: config.REDIS_KEY_PREFIX },
    {
      ttlMs: revocationTtlMs,
      recentlyRevoked: () => sessionRepository.listRevokedSince(new Date(clock.now() - revocationTtlMs)),
    },
  );
  const mailCatcher = config.backends.mail === "catcher" && !overrides.mailer ? await startMailCatcher() : null;
  const smtp = smtpSettingsFrom(config);
  const mailer = countingMailer(
    overrides.mailer ?? createSmtpMailer(mailCatcher ? { ...smtp, host: "127.0.0.1", port: mailCatcher.port, security: "none" } : smtp),
    metrics.mailed,
  );
  metrics.watchDatabase(database.stats);
  if (redis) metrics.watchRedis(() => redis.status === "ready");

  const otp = createOtpService({ store: stores.otp, clock, onVerify: metrics.otpVerified, settings: otpSettingsFrom(config) });
  const keyring = keyringFor(config, database.db, clock, log);
  await keyring?.start();
  const tokens = createTokenIssuer({ settings: tokenSettingsFrom(config), keyring, clock });
  const audit = createAuditLog({ db: database.db, clock, log, settings: { flushDelayMs: 250, maxBatch: 200 } });
  const sessions = createSessionService({
    repository: sessionRepository,
    revocations: stores.revocations,
    audit,
    tokens,
    clock,
    log,
    settings: sessionSettingsFrom(config),
  });
  const users = createUserRepository(database.db, webhooks.outbox);
  const passwords = createPasswordHasher(passwordSettingsFrom(config));
  const codes = createCodeDelivery({
    otp,
    mailer,
    renderer: mailRenderer,
    savedLocale: users.localeOf,
    audit,
    log,
    settings: codeDeliverySettingsFrom(config),
  });
  const mfa = createMfaService({
    repository: createMfaRepository(database.db),
    tokens: stores.mfaTokens,
    sessions,
    users,
    codes,
    failures: createLimiter(stores.limiters, {
      name: "mfa-fail",
      points: config.OTP_MAX_FAILURES_PER_WINDOW,
      durationSeconds: config.OTP_FAILURE_WINDOW_HOURS * 3600,
    }),
    audit,
    clock,
    settings: mfaSettingsFrom(config),
  });
  // Every first factor opens its session through this: with the second factor on, it answers mfa_required instead.
  const signIns: SessionService = { ...sessions, startSession: mfa.startSession };
  const auth = createAuthService({
    users,
    otp,
    codes,
    passwords,
    sessions: signIns,
    audit,
    clock,
    settings: authSettingsFrom(config),
    profiles: stores.profiles,
  });
  const codeSignIn = createCodeSignInService({
    users,
    accounts: createCodeSignInAccounts(database.db, webhooks.outbox),
    otp,
    codes,
    sessions: signIns,
    audit,
    clock,
    settings: codeSignInSettingsFrom(config),
  });
  const passwordService = createPasswordService({ users, otp, codes, passwords, sessions, audit, clock });
  const accounts = createAccountRepository(database.db, webhooks.outbox);
  const accountDeletion = createAccountDeletionService({
    users,
    accounts,
    otp,
    codes,
    passwords,
    sessions,
    audit,
    clock,
    settings: deletionSettingsFrom(config),
  });
  const emailChange = createEmailChangeService({
    users,
    changes: createEmailChangeRepository(database.db),
    otp,
    codes,
    passwords,
    sessions,
    profiles: stores.profiles,
    audit,
    clock,
    settings: emailChangeSettingsFrom(config),
  });
  const accountDeletionJob = createAccountDeletionJob({
    accounts,
    revokeSessions: (ids) => stores.revocations.revoke(ids),
    forgetProfile: (id) => stores.profiles.forget(id),
    audit,
    clock,
    log,
  });
  const oauth = createOAuthService({
    providers: defineProviders(config),
    store: stores.oauthStates,
    accounts: createOAuthAccountRepository(database.db, webhooks.outbox),
    client: createProviderClient({ timeoutMs: 5000, log }),
    sessions: signIns,
    audit,
    clock,
    log,
    settings: oauthSettingsFrom(config),
  });
  const passkeys = createPasskeyService({
    repository: createPasskeyRepository(database.db),
    users,
    challenges: singleUseStore(redis, clock, "passkey-challenge"),
    relyingParty: relyingPartyFrom(config),
    sessions,
    codes,
    audit,
    clock,
  });
  const routeLimits = createRouteLimits({ redis: stores.limiters, settings: routeLimitSettingsFrom(config), onRefused });
  const loginGuardSettings = loginGuardSettingsFrom(config);
  const loginGuard = createLoginGuard({ redis: stores.limiters, log, settings: loginGuardSettings, onRefused });
  const adminLoginGuard = createLoginGuard({ redis: stores.limiters, log, settings: loginGuardSettings, onRefused, name: "admin" });
  const readiness: ReadinessCheck[] = [{ name: "postgres", check: database.ping }];
  if (redisTarget) readiness.push({ name: describeRedis(redisTarget).check, check: stores.otp.ping });
  const adminModule = await createAdminModule({
    config,
    database,
    redis,
    outbox: webhooks.outbox,
    hasher: passwords,
    passwords: passwordService,
    sessions,
    codes,
    audit,
    profiles: stores.profiles,
    mfa,
    tokens,
    readiness,
    clock,
    log,
  });
  webhooks.worker.start();
  accountDeletionJob.start();
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
    keyring,
    sessions,
    audit,
    auth,
    codeSignIn,
    passwords: passwordService,
    admin: adminModule.service,
    adminAccess: adminModule.access,
    adminConsole: adminModule,
    oauth,
    mfa,
    passkeys,
    accountDeletion,
    accountDeletionJob,
    emailChange,
    accountExport: createAccountExporter({ db: database.db, clock, flushAudit: () => audit.flush() }),
    webhooks: createWebhookAdminService({ ...webhooks, configured: webhooks.settings.configured }),
    routeLimits,
    loginGuard,
    adminLoginGuard,
    readiness,
    async close() {
      await webhooks.worker.stop();
      await accountDeletionJob.stop();
      await adminModule.close();
      keyring?.close();
      await audit.flush();
      mailer.close();
      stores.close();
      redis?.disconnect();
      await mailCatcher?.close();
      await database.close();
    },
  };
}
