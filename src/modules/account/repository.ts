import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/rows";
import { users } from "../../db/schema";
import type { WebhookOutbox } from "../../webhooks/outbox";

export type AccountRepository = ReturnType<typeof createAccountRepository>;

/** An account the deletion job removed, and the sessions it still had (their tokens must stop at once). */
export interface DeletedAccount {
  id: number;
  sessionIds: string[];
}

const iso = (date: Date) => date.toISOString();

export function createAccountRepository(db: Database, outbox: WebhookOutbox) {
  return {
    /**
     * Schedules the deletion unless one is pending: `scheduled` is false (and the pending due time is returned)
     * when another request got there first. Null when the account is gone.
     */
    async scheduleDeletion(userId: number, dueAt: Date, cancelHash: string): Promise<{ dueAt: Date; scheduled: boolean } | null> {
      const [row] = await db
        .update(users)
        .set({ deletionDueAt: dueAt, deletionCancelHash: cancelHash })
        .where(and(eq(users.id, userId), isNull(users.deletionDueAt)))
        .returning({ dueAt: users.deletionDueAt });
      if (row?.dueAt) return { dueAt: row.dueAt, scheduled: true };
      const [pending] = await db.select({ dueAt: users.deletionDueAt }).from(users).where(eq(users.id, userId));
      return pending?.dueAt ? { dueAt: pending.dueAt, scheduled: false } : null;
    },

    /** Cancels the pending deletion the token belongs to: one statement, so a token works once. */
    async cancelByToken(cancelHash: string, now: Date): Promise<{ id: number; email: string } | null> {
      const [row] = await db
        .update(users)
        .set({ deletionDueAt: null, deletionCancelHash: null })
        .where(and(eq(users.deletionCancelHash, cancelHash), gt(users.deletionDueAt, now)))
        .returning({ id: users.id, email: users.email });
      return row ?? null;
    },

    /** Cancels the signed-in person's pending deletion; false when none is pending. */
    async cancelForUser(userId: number, now: Date): Promise<boolean> {
      const rows = await db
        .update(users)
        .set({ deletionDueAt: null, deletionCancelHash: null })
        .where(and(eq(users.id, userId), gt(users.deletionDueAt, now)))
        .returning({ id: users.id });
      return rows.length === 1;
    },

    /**
     * Deletes up to `limit` accounts whose grace period is over, in one statement: rows another instance is
     * deleting are skipped (SKIP LOCKED), a cancellation that commits first wins (its row no longer matches),
     * and running it again finds nothing, so any number of instances may run it at any time. The foreign keys
     * take sessions, OAuth links, second factors, passkeys and registrations with the row; audit rows keep the
     * user id and lose the email, and so do rows of the address that never had the id (codes mailed to it, say).
     * That last part reads the whole audit table (it has no email index, which every audited request would pay
     * for); it runs in the background, for the few accounts due at a time. Returns the live sessions each account had, read before they went.
     */
    async deleteDue(now: Date, limit: number): Promise<DeletedAccount[]> {
      const events = outbox.wants("user.deleted")
        ? outbox.ctes("deleted", "user.deleted", { from: sql`gone`, userId: sql`gone.id`, email: sql`gone.email` })
        : sql``;
      const rows = await queryRows<{ id: number; session_ids: string | null }>(
        db,
        sql`
        with doomed as (
          select id from ${users} where deletion_due_at <= ${iso(now)}::timestamptz
          order by deletion_due_at limit ${limit} for update skip locked
        ), live as (
          select user_id, id::text as id from sessions where user_id in (select id from doomed) and revoked_at is null
        ), gone as (
          delete from ${users} where id in (select id from doomed) returning id, email
        ), scrubbed as (
          update audit_events set email = null
          where user_id in (select id from gone) or email in (select email from gone)
        )${events}
        select gone.id, (select string_agg(live.id, ',') from live where live.user_id = gone.id) as session_ids from gone`,
      );
      if (rows.length > 0 && outbox.wants("user.deleted")) outbox.written();
      return rows.map((row) => ({ id: Number(row.id), sessionIds: row.session_ids ? row.session_ids.split(",") : [] }));
    },
  };
}
