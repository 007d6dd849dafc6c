import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { appError } from "../../errors";
import { ACCOUNT_ERRORS } from "../../errors/account";
import { ADMIN_ERRORS } from "../../errors/admin";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/log";
import type { TokenIssuer } from "../../tokens/access-token";
import type { Profiles } from "../auth/profile-cache";

/** Who acts on the admin API: an admin user (bearer token), or the ADMIN_EMAIL/ADMIN_PASSWORD of Basic (null). */
export interface AdminActor {
  adminId: number | null;
}

export interface AdminAccessSettings {
  /** Lower-cased ADMIN_EMAIL: that account holds the role whatever its column says. */
  adminEmail: string | null;
  sessionMinutes: number;
}

export type AdminAccess = ReturnType<typeof createAdminAccess>;

/**
 * Bearer tokens on the admin API. The role is read from PostgreSQL on every admin request, together with the
 * token's session (one indexed join): a role taken back, a user disabled or a session ended counts at once,
 * whatever the token says, and the session's age bounds how long after a sign-in the token is an admin's.
 */
export function createAdminAccess({
  db,
  tokens,
  isRevoked,
  profiles,
  clock,
  log,
  settings,
}: {
  db: Database;
  tokens: TokenIssuer;
  isRevoked: (sessionId: string) => Promise<boolean>;
  profiles: Pick<Profiles, "forget">;
  clock: Clock;
  log: Logger;
  settings: AdminAccessSettings;
}) {
  const standingOf = async (userId: number, sessionId: string) =>
    (
      await db
        .select({
          role: users.role,
          email: users.email,
          isActive: users.isActive,
          isVerified: users.isVerified,
          isDisabled: users.isDisabled,
          signedInAt: sessions.createdAt,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .limit(1)
    )[0];

  /** Writes the role of the ADMIN_EMAIL account, so its user object says so too; returns whether it changed. */
  async function promoteConfiguredAdmin(): Promise<boolean> {
    if (!settings.adminEmail) return false;
    const changed = await db
      .update(users)
      .set({ role: "admin", updatedAt: sql`now()` })
      .where(and(eq(users.email, settings.adminEmail), eq(users.role, "user")))
      .returning({ id: users.id });
    for (const { id } of changed) await profiles.forget(id);
    return changed.length > 0;
  }

  return {
    promoteConfiguredAdmin,

    /** Start-up: a database that cannot be written now leaves the promotion to that account's first admin request. */
    async start() {
      await promoteConfiguredAdmin().catch((error) =>
        log.warn("could not give the ADMIN_EMAIL account the admin role at start-up", { error: (error as Error).message }),
      );
    },

    /** The admin behind a bearer token, or the error to answer: 401 for a bad or old token, 403 for a non-admin. */
    async authorize(token: string): Promise<AdminActor> {
      const claims = await tokens.verifyAccessToken(token);
      if (!claims || (await isRevoked(claims.sessionId))) throw appError(ACCOUNT_ERRORS.invalidToken);
      const standing = await standingOf(claims.userId, claims.sessionId);
      if (!standing) throw appError(ACCOUNT_ERRORS.invalidToken);
      const configured = standing.email === settings.adminEmail;
      if (!(standing.role === "admin" || configured) || !standing.isActive || !standing.isVerified || standing.isDisabled) {
        throw appError(ADMIN_ERRORS.notAdmin);
      }
      if (clock.now() - standing.signedInAt.getTime() > settings.sessionMinutes * 60_000) throw appError(ADMIN_ERRORS.sessionExpired);
      // The ADMIN_EMAIL account created after start-up: its user object says admin from its first admin request on.
      if (configured && standing.role !== "admin") await promoteConfiguredAdmin();
      return { adminId: claims.userId };
    },
  };
}
