import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { auditEvents, emailChanges, mfaRecoveryCodes, oauthAccounts, passkeys, sessions, userMfa, users } from "../../db/schema";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import type { Clock } from "../../lib/clock";
import type { AccountExport } from "./model";

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export type AccountExporter = ReturnType<typeof createAccountExporter>;

/**
 * Everything the service holds about one person, for GET /auth/account/export. Secrets never leave: no password
 * hash, authenticator secret, recovery-code or refresh-token hash, passkey public key or cancel-token hash.
 */
export function createAccountExporter({ db, clock, flushAudit }: { db: Database; clock: Clock; flushAudit: () => Promise<void> }) {
  return {
    async exportAccount(userId: number): Promise<AccountExport> {
      // The audit log writes in batches: the events of the last moments are in the export too.
      await flushAudit();
      const [user] = await db.select().from(users).where(eq(users.id, userId));
      if (!user) throw appError(ACCOUNT_ERRORS.invalidToken);
      const [links, changes, userSessions, mfa, recovery, keys, events] = await Promise.all([
        db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, userId)).orderBy(asc(oauthAccounts.id)),
        db.select().from(emailChanges).where(eq(emailChanges.userId, userId)).orderBy(asc(emailChanges.id)),
        db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(asc(sessions.createdAt)),
        db.select({ createdAt: userMfa.createdAt, enabledAt: userMfa.enabledAt }).from(userMfa).where(eq(userMfa.userId, userId)),
        db.select({ usedAt: mfaRecoveryCodes.usedAt }).from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId)),
        db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt)),
        db.select().from(auditEvents).where(eq(auditEvents.userId, userId)).orderBy(asc(auditEvents.id)),
      ]);
      return {
        exported_at: new Date(clock.now()).toISOString(),
        profile: {
          id: user.id,
          email: user.email,
          is_active: user.isActive,
          is_verified: user.isVerified,
          is_disabled: user.isDisabled,
          auth_provider: user.authProvider,
          role: user.role,
          locale: user.locale,
          has_password: user.passwordHash !== null,
          last_code_check_at: isoOrNull(user.lastOtpVerifiedAt),
          deletion_due_at: isoOrNull(user.deletionDueAt),
          created_at: iso(user.createdAt),
          updated_at: iso(user.updatedAt),
        },
        oauth_accounts: links.map((link) => ({
          provider: link.provider,
          provider_user_id: link.providerUserId,
          email: link.email,
          created_at: iso(link.createdAt),
        })),
        email_changes: changes.map((change) => ({
          old_email: change.oldEmail,
          new_email: change.newEmail,
          created_at: iso(change.createdAt),
          confirmed_at: isoOrNull(change.confirmedAt),
          cancel_until: iso(change.cancelUntil),
        })),
        sessions: userSessions.map((session) => ({
          id: session.id,
          created_at: iso(session.createdAt),
          last_used_at: iso(session.lastUsedAt),
          expires_at: iso(session.expiresAt),
          revoked_at: isoOrNull(session.revokedAt),
          user_agent: session.userAgent,
          ip: session.ip,
        })),
        second_factors: {
          authenticator_app: mfa[0] ? { enrolled_at: iso(mfa[0].createdAt), enabled_at: isoOrNull(mfa[0].enabledAt) } : null,
          recovery_codes: { total: recovery.length, unused: recovery.filter((code) => code.usedAt === null).length },
          passkeys: keys.map((key) => ({
            id: key.id,
            name: key.name,
            device_type: key.deviceType,
            backed_up: key.backedUp,
            transports: key.transports ? key.transports.split(",").filter(Boolean) : [],
            created_at: iso(key.createdAt),
            last_used_at: isoOrNull(key.lastUsedAt),
          })),
        },
        audit_events: events.map((event) => ({
          id: event.id,
          created_at: iso(event.createdAt),
          event: event.event,
          outcome: event.outcome,
          ip: event.ip,
          user_agent: event.userAgent,
          detail: event.detail,
        })),
      };
    },
  };
}
