import { hostname } from "node:os";
import packageJson from "../../../package.json";
import type { AuditLog } from "../../audit/log";
import { createAuditRepository } from "../../audit/repository";
import { createInstanceRegistry } from "../../cache/instances";
import { redisTargetOf, type RedisClient } from "../../cache/redis";
import type { RuntimeConfig } from "../../config/load";
import { configWarnings } from "../../config/warnings";
import type { DatabaseHandle } from "../../db/client";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { ReadinessCheck } from "../../lib/readiness";
import { smtpSettingsFrom } from "../../mail/mailer";
import type { TokenIssuer } from "../../tokens/access-token";
import type { WebhookOutbox } from "../../webhooks/outbox";
import type { CodeDelivery } from "../auth/code-delivery";
import type { PasswordHasher } from "../auth/password";
import type { Profiles } from "../auth/profile-cache";
import type { MfaService } from "../mfa/service";
import type { PasswordService } from "../passwords/service";
import type { SessionService } from "../sessions/service";
import { createAdminAccess } from "./access";
import { createAccountActions } from "./account-actions";
import { createActivityReport } from "./activity";
import { createAuditExport } from "./audit-export";
import type { AdminInsights } from "./console-routes";
import { createHealthService } from "./health";
import { createAdminUserRepository } from "./repository";
import { createAdminService } from "./service";
import { createUserDirectory } from "./user-directory";

export type AdminModule = Awaited<ReturnType<typeof createAdminModule>>;

/** Everything behind the admin API and console, built from the parts the rest of the service already has. */
export async function createAdminModule(parts: {
  config: RuntimeConfig;
  database: DatabaseHandle;
  redis: RedisClient | null;
  outbox: WebhookOutbox;
  hasher: PasswordHasher;
  passwords: PasswordService;
  sessions: SessionService;
  codes: CodeDelivery;
  audit: AuditLog;
  profiles: Profiles;
  mfa: MfaService;
  tokens: TokenIssuer;
  readiness: ReadinessCheck[];
  clock: Clock;
  log: Logger;
}) {
  const { config, database, audit, clock } = parts;
  const db = database.db;
  const adminEmail = config.ADMIN_EMAIL?.trim().toLowerCase() ?? null;
  const directory = createUserDirectory(db);
  const auditEvents = createAuditRepository(db);
  const access = createAdminAccess({
    db,
    tokens: parts.tokens,
    isRevoked: parts.sessions.isRevoked,
    profiles: parts.profiles,
    clock,
    log: parts.log,
    settings: { adminEmail, sessionMinutes: config.ADMIN_SESSION_MINUTES },
  });
  await access.start();
  const startedAt = clock.now();
  const instances = createInstanceRegistry({
    redis: parts.redis,
    clock,
    self: {
      id: crypto.randomUUID(),
      host: hostname(),
      pid: process.pid,
      version: packageJson.version,
      started_at: new Date(startedAt).toISOString(),
    },
  });
  instances.start();
  const health = createHealthService({
    readiness: parts.readiness,
    database: config.backends.database === "postgres" ? "postgres" : "pglite",
    redisTarget: redisTargetOf(config),
    redis: parts.redis,
    smtp: config.backends.mail === "smtp" ? smtpSettingsFrom(config) : null,
    warnings: configWarnings(config),
    version: packageJson.version,
    startedAt,
    instances,
    clock,
  });
  const insights: AdminInsights = {
    exportAudit: createAuditExport({ auditEvents, audit }),
    activity: createActivityReport({ db, audit, clock }),
    health: health.report,
  };
  return {
    service: createAdminService({
      users: createAdminUserRepository(db, parts.outbox),
      directory,
      auditEvents,
      passwords: parts.hasher,
      sessions: parts.sessions,
      audit,
      profiles: parts.profiles,
      mfa: parts.mfa,
      adminEmail,
    }),
    access,
    actions: createAccountActions({ directory, sessions: parts.sessions, codes: parts.codes, passwords: parts.passwords, audit }),
    insights,
    close: () => instances.stop(),
  };
}
