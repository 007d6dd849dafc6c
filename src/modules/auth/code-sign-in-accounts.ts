import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/rows";
import { users } from "../../db/schema";
import type { WebhookOutbox } from "../../webhooks/outbox";

export type CodeSignInAccounts = ReturnType<typeof createCodeSignInAccounts>;

/** The accounts a code sign-in creates (CODE_SIGN_IN_CREATES_ACCOUNTS). */
export function createCodeSignInAccounts(db: Database, outbox: WebhookOutbox) {
  return {
    /**
     * Makes sure the address has an account and returns its id (and whether this call created it): a new one has no password and is not verified
     * yet (the session statement of the sign-in verifies it, and writes `user.verified`). An account created
     * meanwhile by a concurrent registration or sign-in is kept as it is, so one address never gets two rows.
     */
    async ensureAccount(email: string): Promise<{ id: number; created: boolean } | undefined> {
      const withEvents = outbox.wants("user.created");
      const events = withEvents
        ? outbox.ctes("created", "user.created", { from: sql`inserted`, userId: sql`inserted.id`, email: sql`inserted.email` })
        : sql``;
      const [row] = await queryRows<{ id: number; created: boolean }>(
        db,
        sql`
        with inserted as (
          insert into ${users} (email, password_hash) values (${email}, null)
          on conflict (email) do nothing
          returning id, email
        )${events}
        select id, true as created from inserted
        union all
        select id, false as created from ${users} where email = ${email} and not exists (select 1 from inserted)`,
      );
      if (withEvents) outbox.written();
      if (row) return row;
      // A row inserted by a transaction that committed after this statement's snapshot: read it afresh.
      const [existing] = await queryRows<{ id: number }>(db, sql`select id from ${users} where email = ${email}`);
      return existing && { id: existing.id, created: false };
    },
  };
}
