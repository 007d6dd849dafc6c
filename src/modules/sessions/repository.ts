import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/rows";
import { rotatedRefreshTokens, sessions, users, type Session } from "../../db/schema";

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface NewSession {
  id: string;
  userId: number;
  refreshTokenHash: string;
  now: Date;
  expiresAt: Date;
  verifiedAt: Date;
  client: ClientInfo;
}

export interface Rotation {
  oldHash: string;
  newHash: string;
  now: Date;
  expiresAt: Date;
  /** Refreshes stop once the last proof of the address (code or OAuth sign-in) is older than this. */
  proofNotBefore: Date;
  client: ClientInfo;
}

/** Why a refresh token was not exchanged, found after the rotation statement matched nothing. */
export type RefreshRefusal =
  | { reason: "unknown" | "ended" }
  | { reason: "reused"; sessionId: string; userId: number }
  | { reason: "recheck"; sessionId: string; userId: number; email: string };

export type SessionRepository = ReturnType<typeof createSessionRepository>;

const iso = (date: Date) => sql`${date.toISOString()}::timestamptz`;

export function createSessionRepository(db: Database) {
  return {
    /** Opens a session, only while the user is active: a user disabled meanwhile gets none (null). */
    async create({ id, userId, refreshTokenHash, now, expiresAt, verifiedAt, client }: NewSession): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(db, sql`
        insert into ${sessions} (id, user_id, refresh_token_hash, created_at, last_used_at, expires_at, verified_at, user_agent, ip)
        select ${id}, ${userId}, ${refreshTokenHash}, ${iso(now)}, ${iso(now)}, ${iso(expiresAt)}, ${iso(verifiedAt)},
               ${client.userAgent}, ${client.ip}
        from ${users} where ${users.id} = ${userId} and ${users.isActive}
        returning id`);
      return rows.length === 1;
    },

    /**
     * Exchanges the current refresh token for the next one in one statement: of concurrent refreshes with
     * one token exactly one matches; the old hash is remembered so that presenting it again is seen as reuse.
     */
    async rotate({ oldHash, newHash, now, expiresAt, proofNotBefore, client }: Rotation) {
      const rows = await queryRows<{ id: string; user_id: number; email: string }>(db, sql`
        with rotated as (
          update ${sessions} s
          set refresh_token_hash = ${newHash}, last_used_at = ${iso(now)}, expires_at = ${iso(expiresAt)},
              ip = coalesce(${client.ip}, s.ip), user_agent = coalesce(${client.userAgent}, s.user_agent)
          from ${users} u
          where s.refresh_token_hash = ${oldHash} and u.id = s.user_id and u.is_active
            and s.revoked_at is null and s.expires_at > ${iso(now)}
            and greatest(s.verified_at, u.last_otp_verified_at) >= ${iso(proofNotBefore)}
          returning s.id, s.user_id, u.email
        ), remembered as (
          insert into ${rotatedRefreshTokens} (token_hash, session_id, rotated_at)
          select ${oldHash}, id, ${iso(now)} from rotated
        )
        select id, user_id, email from rotated`);
      const row = rows[0];
      return row ? { sessionId: row.id, userId: row.user_id, email: row.email } : null;
    },

    /** Says why `rotate` matched nothing for this token. */
    async explainRefusal(tokenHash: string, now: Date, proofNotBefore: Date): Promise<RefreshRefusal> {
      const [current] = await queryRows<{ id: string; user_id: number; email: string; live: boolean; proven: boolean }>(db, sql`
        select s.id, s.user_id, u.email,
               (s.revoked_at is null and s.expires_at > ${iso(now)} and u.is_active) as live,
               coalesce(greatest(s.verified_at, u.last_otp_verified_at) >= ${iso(proofNotBefore)}, false) as proven
        from ${sessions} s join ${users} u on u.id = s.user_id
        where s.refresh_token_hash = ${tokenHash}`);
      if (current) {
        if (current.live && !current.proven) {
          return { reason: "recheck", sessionId: current.id, userId: current.user_id, email: current.email };
        }
        return { reason: "ended" };
      }
      const [rotated] = await queryRows<{ session_id: string; user_id: number }>(db, sql`
        select r.session_id, s.user_id from ${rotatedRefreshTokens} r join ${sessions} s on s.id = r.session_id
        where r.token_hash = ${tokenHash}`);
      return rotated ? { reason: "reused", sessionId: rotated.session_id, userId: rotated.user_id } : { reason: "unknown" };
    },

    /** Live sessions of a user, most recently used first. */
    listLive: (userId: number, now: Date): Promise<Session[]> =>
      db.select().from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .orderBy(desc(sessions.lastUsedAt)),

    /** Ends one session of this user; returns false when there was no live one with that id. */
    async revoke(userId: number, sessionId: string, now: Date): Promise<boolean> {
      const rows = await db.update(sessions).set({ revokedAt: now })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      return rows.length === 1;
    },

    /** Ends every session of a user (but `keep`), returning the ids whose access tokens must stop working. */
    async revokeAll(userId: number, now: Date, keep?: string): Promise<string[]> {
      const rows = await db.update(sessions).set({ revokedAt: now })
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? sql`${sessions.id} <> ${keep}` : undefined))
        .returning({ id: sessions.id });
      return rows.map((row) => row.id);
    },

    /** Sessions ended since `since`: what a revocation set that lost its contents must hold again. */
    async listRevokedSince(since: Date): Promise<string[]> {
      const rows = await db.select({ id: sessions.id }).from(sessions).where(gt(sessions.revokedAt, since));
      return rows.map((row) => row.id);
    },

    /** Drops a user's sessions that can never be used again, so the table only grows with live ones. */
    async pruneEnded(userId: number, now: Date): Promise<void> {
      await db.delete(sessions).where(and(
        eq(sessions.userId, userId),
        sql`(${sessions.expiresAt} <= ${iso(now)} or ${sessions.revokedAt} <= ${iso(now)} - interval '2 days')`,
      ));
    },
  };
}
