import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/rows";
import { registrations, users, type User } from "../../db/schema";
import type { WebhookOutbox } from "../../webhooks/outbox";

export type UserRepository = ReturnType<typeof createUserRepository>;

// A registration nobody verified within a day is of no use: it goes when its address is registered again.
const REGISTRATION_LIFETIME = sql`interval '1 day'`;

/** The columns a password reset sets: it also verifies the address, as the mailed code proved it. */
const resetColumns = (passwordHash: string, at: Date) => ({
  passwordHash,
  passwordProven: true,
  passwordVersion: sql`${users.passwordVersion} + 1`,
  isActive: sql`(${users.isActive} or not ${users.isVerified}) and not ${users.isDisabled}`,
  isVerified: true,
  lastOtpVerifiedAt: at,
  updatedAt: sql`now()`,
});

const setColumns = (passwordHash: string) => ({
  passwordHash,
  passwordProven: true,
  passwordVersion: sql`${users.passwordVersion} + 1`,
  updatedAt: sql`now()`,
});

export function createUserRepository(db: Database, outbox: WebhookOutbox) {
  /**
   * Changes the password (and, for a reset, verifies the address) with its webhook events in one transaction,
   * for when an endpoint subscribes to them; the row is read locked first to tell whether it was verified.
   */
  async function changePasswordWithEvents(id: number, columns: ReturnType<typeof setColumns>) {
    await db.transaction(async (tx) => {
      const [before] = await tx.select({ isVerified: users.isVerified }).from(users).where(eq(users.id, id)).for("update");
      const [after] = await tx.update(users).set(columns).where(eq(users.id, id)).returning({ id: users.id, email: users.email });
      if (!before || !after) return;
      const subject = { userId: after.id, email: after.email };
      await outbox.write(tx, [
        { type: "user.password_changed", ...subject },
        ...(before.isVerified || !("isVerified" in columns) ? [] : [{ type: "user.verified" as const, ...subject }]),
      ]);
    });
    outbox.written();
  }

  // Every sign-in and every /auth/me reads one of these: prepared (see db/prepared.ts), one index probe each.
  const byEmail = db
    .select()
    .from(users)
    .where(eq(users.email, sql.placeholder("email")))
    .limit(1)
    .prepare("users_by_email");
  const byId = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1)
    .prepare("users_by_id");
  return {
    findByEmail: async (email: string): Promise<User | undefined> => (await byEmail.execute({ email }))[0],

    findById: async (id: number): Promise<User | undefined> => (await byId.execute({ id }))[0],

    /** The language saved with the account of an address (see docs/localization.md), if any. */
    localeOf: async (email: string): Promise<string | null | undefined> =>
      (await db.select({ locale: users.locale }).from(users).where(eq(users.email, email)).limit(1))[0]?.locale,

    /** Saves the language the person asked for by name; callers write only when it differs from the saved one. */
    async saveLocale(id: number, locale: string): Promise<void> {
      await db.update(users).set({ locale }).where(eq(users.id, id));
    },

    /**
     * Records a registration of an address that has no verified account: creates the unverified account, or
     * gives an unverified one this password (unproven, for clients that verify without the otp_token), and
     * keeps the password under the token's hash. Returns null when the address belongs to a verified
     * account. One statement, so concurrent registrations of one address end in exactly one user row.
     */
    async saveRegistration(
      email: string,
      passwordHash: string,
      tokenHash: string,
      at: Date,
      locale: string | null = null,
    ): Promise<{ id: number } | null> {
      const withEvents = outbox.wants("user.created");
      // xmax is 0 on a row this statement inserted, and set on one it updated: only a new account is "created".
      const events = withEvents
        ? outbox.ctes("created", "user.created", { from: sql`saved where saved.inserted`, userId: sql`saved.id`, email: sql`saved.email` })
        : sql``;
      const [row] = await queryRows<{ id: number }>(
        db,
        sql`
        with saved as (
          insert into ${users} (email, password_hash, password_proven, locale) values (${email}, ${passwordHash}, false, ${locale})
          on conflict (email) do update set password_hash = excluded.password_hash, password_proven = false,
            locale = coalesce(excluded.locale, ${users.locale}), updated_at = now()
            where ${users.isVerified} = false
          returning id${withEvents ? sql`, email, (xmax = 0) as inserted` : sql``}
        )${events}, pruned as (
          delete from ${registrations} where user_id in (select id from saved)
            and created_at < ${at.toISOString()}::timestamptz - ${REGISTRATION_LIFETIME}
        )
        insert into ${registrations} (token_hash, user_id, password_hash, created_at)
        select ${tokenHash}, id, ${passwordHash}, ${at.toISOString()}::timestamptz from saved
        returning user_id as id`,
      );
      if (withEvents) outbox.written();
      return row ?? null;
    },

    /**
     * Binds a token to the password an unverified account has now (a login proved it), as a registration would.
     * It replaces the earlier bindings of this very password: logins are not send-limited like registrations,
     * so repeating one must not grow the table.
     */
    async bindRegistration(userId: number, passwordHash: string, tokenHash: string, at: Date): Promise<void> {
      await queryRows(
        db,
        sql`
        with replaced as (
          delete from ${registrations} where user_id = ${userId} and password_hash = ${passwordHash}
        )
        insert into ${registrations} (token_hash, user_id, password_hash, created_at)
        values (${tokenHash}, ${userId}, ${passwordHash}, ${at.toISOString()}::timestamptz)`,
      );
    },

    /**
     * Sets the password after a reset code proved the address: that also verifies the address (activating
     * an account that was only waiting for it, never one an administrator disabled) and counts as a code check.
     */
    async resetPassword(id: number, passwordHash: string, at: Date): Promise<void> {
      if (outbox.wants("user.password_changed", "user.verified")) return changePasswordWithEvents(id, resetColumns(passwordHash, at));
      await db.update(users).set(resetColumns(passwordHash, at)).where(eq(users.id, id));
    },

    async setPassword(id: number, passwordHash: string): Promise<void> {
      if (outbox.wants("user.password_changed")) return changePasswordWithEvents(id, setColumns(passwordHash));
      await db.update(users).set(setColumns(passwordHash)).where(eq(users.id, id));
    },
  };
}
