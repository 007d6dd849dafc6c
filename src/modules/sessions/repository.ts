import { and, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { preparedStatement } from "../../db/prepared";
import { queryRows } from "../../db/rows";
import { registrations, rotatedRefreshTokens, sessions, users, type Session } from "../../db/schema";
import type { ClientInfo } from "../../lib/client-info";
import type { WebhookOutbox } from "../../webhooks/outbox";

/**
 * What a sign-in proved, recorded on the user in the statement that opens the session:
 * - `register`: a registration code verifies (and, unless an admin disabled it, activates) the account; the
 *   registration whose otp_token came with it (`registrationTokenHash`, '' for none) gives it its password;
 * - `recheck`: a re-check code records a code check, if the password is still the version the code was issued
 *   under; `bound` (its otp_token came with it) also proves the password;
 * - `password`: a password sign-in, if the password is still the version that was checked;
 * - `code`: a sign-in code (no password) records a code check; on an unverified account it verifies (and, unless
 *   an admin disabled it, activates) the account, leaving its password unproven (it may be a squatter's);
 * - `none`: an OAuth sign-in, which changes nothing.
 */
export type SignInProof =
  | { kind: "register"; registrationTokenHash: string }
  | { kind: "recheck"; passwordVersion: number; bound: boolean }
  | { kind: "password"; passwordVersion: number }
  | { kind: "code" }
  | { kind: "none" };

interface NewSession {
  id: string;
  userId: number;
  /** For the webhook events of the sign-in. */
  email: string;
  refreshTokenHash: string;
  now: Date;
  expiresAt: Date;
  verifiedAt: Date;
  client: ClientInfo;
  proof: SignInProof;
}

interface Rotation {
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
  | { reason: "recheck"; sessionId: string; userId: number; email: string; passwordVersion: number };

export type SessionRepository = ReturnType<typeof createSessionRepository>;

const iso = (date: Date) => sql`${date.toISOString()}::timestamptz`;
const p = (name: string) => sql.placeholder(name);
const at = (name: string) => sql`${sql.placeholder(name)}::timestamptz`;

// How each kind of sign-in reads or updates its user first, locking the user's row either way: an update locks
// it, and a read takes FOR SHARE. So a password change, reset or disable (an update, then the revocation of the
// sessions in a later statement) either waits for this statement to commit, and its revocation sees the new
// session, or commits first, and this statement reads the row again as it is then: a password or re-check
// sign-in then matches no row, and a disabled user's is_active is false. A plain read could open a session on
// the row as it was when the statement started and commit it after the revocation had run.
const USER_PROOFS: Record<SignInProof["kind"], SQL> = {
  register: sql`update ${users} set is_verified = true, is_active = not is_disabled, last_otp_verified_at = ${at("verifiedAt")},
      password_hash = coalesce(reg.password_hash, ${users.passwordHash}),
      password_proven = ${users.passwordProven} or reg.password_hash is not null,
      password_version = ${users.passwordVersion} + (case when reg.password_hash is null then 0 else 1 end),
      updated_at = now()
    from (select (select password_hash from ${registrations} where token_hash = ${p("registration")} and user_id = ${p("userId")}) as password_hash) reg
    where id = ${p("userId")} returning is_active`,
  // Only a verified account records a re-check, as before; the row is matched (and locked) either way.
  recheck: sql`update ${users} set
      last_otp_verified_at = case when is_verified then ${at("verifiedAt")} else last_otp_verified_at end,
      password_proven = password_proven or ${p("bound")}::boolean,
      updated_at = case when is_verified then now() else updated_at end
    where id = ${p("userId")} and password_version = ${p("passwordVersion")}::int returning is_active`,
  password: sql`select is_active from ${users} where id = ${p("userId")} and password_version = ${p("passwordVersion")}::int for share`,
  code: sql`update ${users} set is_verified = true, last_otp_verified_at = ${at("verifiedAt")},
      is_active = case when is_verified then is_active else not is_disabled end,
      password_proven = is_verified and password_proven, updated_at = now()
    where id = ${p("userId")} returning is_active`,
  none: sql`select is_active from ${users} where id = ${p("userId")} for share`,
};

/** The proofs that verify an unverified account: their statements drop its pending registrations and may write `user.verified`. */
const verifies = (kind: SignInProof["kind"]) => kind === "register" || kind === "code";

/**
 * One statement per sign-in: records the proof on the user, drops the user's sessions that can never be used
 * again (expired, or ended over two days ago, so the table only grows with live ones), and opens the new session
 * only while the user is active. One round trip and one commit instead of three. A registration (or a sign-in
 * code) also drops the address's pending registrations: the account is verified now.
 */

function openSessionStatement(kind: SignInProof["kind"]): SQL {
  const registered = verifies(kind) ? sql`, registered as (delete from ${registrations} where user_id = ${p("userId")})` : sql``;
  return sql`
    with active as (${USER_PROOFS[kind]}),
    pruned as (
      delete from ${sessions} where user_id = ${p("userId")}
        and (expires_at <= ${at("now")} or revoked_at <= ${at("now")} - interval '2 days')
    )${registered}
    ${INSERT_SESSION}`;
}

const INSERT_SESSION = sql`
    insert into ${sessions} (id, user_id, refresh_token_hash, created_at, last_used_at, expires_at, verified_at, user_agent, ip)
    select ${p("id")}::uuid, ${p("userId")}::int, ${p("hash")}, ${at("now")}, ${at("now")}, ${at("expiresAt")}, ${at("verifiedAt")},
           ${p("userAgent")}, ${p("ip")}
    from active where active.is_active
    returning id`;

/**
 * The same statement writing its webhook events too, for when an endpoint subscribes to them: `user.signed_in`
 * for the session it opens and, for a registration or sign-in code, `user.verified` if the account was not verified yet
 * (`was` reads the row as it was before this statement's update).
 */
function openSessionWithEventsStatement(kind: SignInProof["kind"], outbox: WebhookOutbox): SQL {
  const registered = verifies(kind) ? sql`, registered as (delete from ${registrations} where user_id = ${p("userId")})` : sql``;
  const user = { userId: sql`${p("userId")}::int`, email: sql`${p("email")}::text` };
  const verified = verifies(kind)
    ? sql`, was as (select is_verified from ${users} where id = ${p("userId")})${outbox.ctes("verified", "user.verified", {
        from: sql`active, was where not was.is_verified`,
        ...user,
      })}`
    : sql``;
  return sql`
    with active as (${USER_PROOFS[kind]}),
    pruned as (
      delete from ${sessions} where user_id = ${p("userId")}
        and (expires_at <= ${at("now")} or revoked_at <= ${at("now")} - interval '2 days')
    )${registered}, opened as (${INSERT_SESSION})${verified}${outbox.ctes("signed_in", "user.signed_in", {
      from: sql`opened`,
      ...user,
      sessionId: sql`opened.id`,
    })}
    select id from opened`;
}

/** Ends sessions (the `revoked` CTE's rows) and writes a `session.revoked` event for each. */
const revokedWithEvents = (revoked: SQL, outbox: WebhookOutbox) => sql`
  with revoked as (${revoked} returning id, user_id)${outbox.ctes("revoked_events", "session.revoked", {
    from: sql`revoked join ${users} u on u.id = revoked.user_id`,
    userId: sql`revoked.user_id`,
    email: sql`u.email`,
    sessionId: sql`revoked.id`,
  })}
  select id from revoked`;

/** The placeholders each proof's statement takes besides the session's own. */
function proofParameters(proof: SignInProof): Record<string, unknown> {
  switch (proof.kind) {
    case "register":
      return { registration: proof.registrationTokenHash };
    case "recheck":
      return { passwordVersion: proof.passwordVersion, bound: proof.bound };
    case "password":
      return { passwordVersion: proof.passwordVersion };
    case "code":
    case "none":
      return {};
  }
}

export function createSessionRepository(db: Database, outbox: WebhookOutbox) {
  const openers = {
    register: preparedStatement<{ id: string }>(db, "sessions_open_register", openSessionStatement("register")),
    recheck: preparedStatement<{ id: string }>(db, "sessions_open_recheck", openSessionStatement("recheck")),
    password: preparedStatement<{ id: string }>(db, "sessions_open_password", openSessionStatement("password")),
    code: preparedStatement<{ id: string }>(db, "sessions_open_code", openSessionStatement("code")),
    none: preparedStatement<{ id: string }>(db, "sessions_open", openSessionStatement("none")),
  };
  // Used instead only while an endpoint subscribes to sign-ins (or, for registrations, to verifications).
  const openersWithEvents = {
    register: preparedStatement<{ id: string }>(db, "sessions_open_register_events", openSessionWithEventsStatement("register", outbox)),
    recheck: preparedStatement<{ id: string }>(db, "sessions_open_recheck_events", openSessionWithEventsStatement("recheck", outbox)),
    password: preparedStatement<{ id: string }>(db, "sessions_open_password_events", openSessionWithEventsStatement("password", outbox)),
    code: preparedStatement<{ id: string }>(db, "sessions_open_code_events", openSessionWithEventsStatement("code", outbox)),
    none: preparedStatement<{ id: string }>(db, "sessions_open_events", openSessionWithEventsStatement("none", outbox)),
  };
  const rotation = preparedStatement<{ id: string; user_id: number; email: string }>(
    db,
    "sessions_rotate",
    sql`
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
    select id, user_id, email from rotated`,
  );

  return {
    /**
     * Opens a session after a sign-in, with what it proved recorded on the user (see openSessionStatement);
     * false when the user is not active (disabled meanwhile, or deleted).
     */
    async open({ id, userId, email, refreshTokenHash, now, expiresAt, verifiedAt, client, proof }: NewSession): Promise<boolean> {
      const withEvents = outbox.wants("user.signed_in", ...(verifies(proof.kind) ? (["user.verified"] as const) : []));
      const rows = await (withEvents ? openersWithEvents : openers)[proof.kind]({
        id,
        userId,
        email,
        hash: refreshTokenHash,
        now: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        verifiedAt: verifiedAt.toISOString(),
        userAgent: client.userAgent,
        ip: client.ip,
        ...proofParameters(proof),
      });
      if (withEvents) outbox.written();
      return rows.length === 1;
    },

    /** Whether the user exists and is active: tells a refused sign-in for a disabled user from one for a changed password. */
    async isActive(userId: number): Promise<boolean> {
      const [row] = await db.select({ isActive: users.isActive }).from(users).where(eq(users.id, userId));
      return row?.isActive ?? false;
    },

    /**
     * Exchanges the current refresh token for the next one in one statement: of concurrent refreshes with
     * one token exactly one matches; the old hash is remembered so that presenting it again is seen as reuse.
     */
    async rotate({ oldHash, newHash, now, expiresAt, proofNotBefore, client }: Rotation) {
      const [row] = await rotation({
        oldHash,
        newHash,
        now: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        proofNotBefore: proofNotBefore.toISOString(),
        ip: client.ip,
        userAgent: client.userAgent,
      });
      return row ? { sessionId: row.id, userId: row.user_id, email: row.email } : null;
    },

    /** Says why `rotate` matched nothing for this token. */
    async explainRefusal(tokenHash: string, now: Date, proofNotBefore: Date): Promise<RefreshRefusal> {
      const [current] = await queryRows<{
        id: string;
        user_id: number;
        email: string;
        password_version: number;
        live: boolean;
        proven: boolean;
      }>(
        db,
        sql`
        select s.id, s.user_id, u.email, u.password_version,
               (s.revoked_at is null and s.expires_at > ${iso(now)} and u.is_active) as live,
               coalesce(greatest(s.verified_at, u.last_otp_verified_at) >= ${iso(proofNotBefore)}, false) as proven
        from ${sessions} s join ${users} u on u.id = s.user_id
        where s.refresh_token_hash = ${tokenHash}`,
      );
      if (current) {
        if (current.live && !current.proven) {
          return {
            reason: "recheck",
            sessionId: current.id,
            userId: current.user_id,
            email: current.email,
            passwordVersion: current.password_version,
          };
        }
        return { reason: "ended" };
      }
      const [rotated] = await queryRows<{ session_id: string; user_id: number }>(
        db,
        sql`
        select r.session_id, s.user_id from ${rotatedRefreshTokens} r join ${sessions} s on s.id = r.session_id
        where r.token_hash = ${tokenHash}`,
      );
      return rotated ? { reason: "reused", sessionId: rotated.session_id, userId: rotated.user_id } : { reason: "unknown" };
    },

    /** Live sessions of a user, most recently used first. */
    listLive: (userId: number, now: Date): Promise<Session[]> =>
      db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .orderBy(desc(sessions.lastUsedAt)),

    /** Ends one session of this user; returns false when there was no live one with that id. */
    async revoke(userId: number, sessionId: string, now: Date): Promise<boolean> {
      if (outbox.wants("session.revoked")) {
        const revoked = await queryRows(
          db,
          revokedWithEvents(
            sql`update ${sessions} set revoked_at = ${iso(now)} where id = ${sessionId} and user_id = ${userId} and revoked_at is null`,
            outbox,
          ),
        );
        outbox.written();
        return revoked.length === 1;
      }
      const rows = await db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id });
      return rows.length === 1;
    },

    /** Ends every session of a user (but `keep`), returning the ids whose access tokens must stop working. */
    async revokeAll(userId: number, now: Date, keep?: string): Promise<string[]> {
      if (outbox.wants("session.revoked")) {
        const except = keep ? sql` and id <> ${keep}` : sql``;
        const revoked = await queryRows<{ id: string }>(
          db,
          revokedWithEvents(
            sql`update ${sessions} set revoked_at = ${iso(now)} where user_id = ${userId} and revoked_at is null${except}`,
            outbox,
          ),
        );
        outbox.written();
        return revoked.map((row) => row.id);
      }
      const rows = await db
        .update(sessions)
        .set({ revokedAt: now })
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
