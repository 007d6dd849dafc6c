import { and, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { preparedStatement } from "../../db/prepared";
import { queryRows } from "../../db/rows";
import { rotatedRefreshTokens, sessions, users, type Session } from "../../db/schema";

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * What a sign-in proved about the address, recorded on the user in the statement that opens the session:
 * `register` verifies (and activates) the account, `recheck` records a re-check code, `none` changes nothing
 * (a password or OAuth sign-in).
 */
export type SignInProof = "register" | "recheck" | "none";

export interface NewSession {
  id: string;
  userId: number;
  refreshTokenHash: string;
  now: Date;
  expiresAt: Date;
  verifiedAt: Date;
  client: ClientInfo;
  proof: SignInProof;
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
const p = (name: string) => sql.placeholder(name);
const at = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;

// How each kind of sign-in updates its user first. The update also locks the user's row and returns its
// current is_active, so a user disabled by a concurrent request gets no session (as a separate read would).
const PROOF_UPDATES: Record<Exclude<SignInProof, "none">, SQL> = {
  register: sql`update ${users} set is_verified = true, is_active = true, last_otp_verified_at = ${at("verifiedAt")},
      updated_at = now()
    where id = ${p("userId")} returning is_active`,
  // Only a verified account records a re-check, as before; the row is matched (and locked) either way.
  recheck: sql`update ${users} set
      last_otp_verified_at = case when is_verified then ${at("verifiedAt")} else last_otp_verified_at end,
      updated_at = case when is_verified then now() else updated_at end
    where id = ${p("userId")} returning is_active`,
};

/**
 * One statement per sign-in: records the proof on the user, drops the user's sessions that can never be used
 * again (expired, or ended over two days ago, so the table only grows with live ones), and opens the new session
 * only while the user is active. One round trip and one commit instead of three.
 */
function openSessionStatement(proof: SignInProof): SQL {
  const active = proof === "none"
    ? sql`select is_active from ${users} where id = ${p("userId")}`
    : PROOF_UPDATES[proof];
  return sql`
    with active as (${active}),
    pruned as (
      delete from ${sessions} where user_id = ${p("userId")}
        and (expires_at <= ${at("now")} or revoked_at <= ${at("now")} - interval '2 days')
    )
    insert into ${sessions} (id, user_id, refresh_token_hash, created_at, last_used_at, expires_at, verified_at, user_agent, ip)
    select ${p("id")}::uuid, ${p("userId")}::int, ${p("hash")}, ${at("now")}, ${at("now")}, ${at("expiresAt")}, ${at("verifiedAt")},
           ${p("userAgent")}, ${p("ip")}
    from active where active.is_active
    returning id`;
}

export function createSessionRepository(db: Database) {
  const openers = {
    register: preparedStatement<{ id: string }>(db, "sessions_open_register", openSessionStatement("register")),
    recheck: preparedStatement<{ id: string }>(db, "sessions_open_recheck", openSessionStatement("recheck")),
    none: preparedStatement<{ id: string }>(db, "sessions_open", openSessionStatement("none")),
  };
  const rotation = preparedStatement<{ id: string; user_id: number; email: string }>(db, "sessions_rotate", sql`
    with rotated as (
      update ${sessions} s
      set refresh_token_hash = ${p("newHash")}, last_used_at = ${at("now")}, expires_at = ${at("expiresAt")},
          ip = coalesce(${p("ip")}, s.ip), user_agent = coalesce(${p("userAgent")}, s.user_agent)
      from ${users} u
      where s.refresh_token_hash = ${p("oldHash")} and u.id = s.user_id and u.is_active
        and s.revoked_at is null and s.expires_at > ${at("now")}
        and greatest(s.verified_at, u.last_otp_verified_at) >= ${at("proofNotBefore")}
      returning s.id, s.user_id, u.email
    ), remembered as (
      insert into ${rotatedRefreshTokens} (token_hash, session_id, rotated_at)
      select ${p("oldHash")}, id, ${at("now")} from rotated
    )
    select id, user_id, email from rotated`);

  return {
    /**
     * Opens a session after a sign-in, with what it proved recorded on the user (see openSessionStatement);
     * false when the user is not active (disabled meanwhile, or deleted).
     */
    async open({ id, userId, refreshTokenHash, now, expiresAt, verifiedAt, client, proof }: NewSession): Promise<boolean> {
      const rows = await openers[proof]({
        id, userId, hash: refreshTokenHash, now: now.toISOString(), expiresAt: expiresAt.toISOString(),
        verifiedAt: verifiedAt.toISOString(), userAgent: client.userAgent, ip: client.ip,
      });
      return rows.length === 1;
    },

    /**
     * Exchanges the current refresh token for the next one in one statement: of concurrent refreshes with
     * one token exactly one matches; the old hash is remembered so that presenting it again is seen as reuse.
     */
    async rotate({ oldHash, newHash, now, expiresAt, proofNotBefore, client }: Rotation) {
      const [row] = await rotation({
        oldHash, newHash, now: now.toISOString(), expiresAt: expiresAt.toISOString(),
        proofNotBefore: proofNotBefore.toISOString(), ip: client.ip, userAgent: client.userAgent,
      });
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
  };
}
