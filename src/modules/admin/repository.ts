import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users, type User } from "../../db/schema";
import type { OutboxEvent, WebhookOutbox } from "../../webhooks/outbox";

export interface UserChanges {
  email?: string;
  passwordHash?: string;
  isActive?: boolean;
  isVerified?: boolean;
  role?: "admin" | "user";
}

/**
 * What the columns become: `is_active` set by an administrator is their decision, kept in `is_disabled` so no
 * code or reset switches the account back on; a password they set is proven and bumps the password version.
 */
function columnsFor({ passwordHash, isActive, ...rest }: UserChanges) {
  return {
    ...rest,
    ...(isActive === undefined ? {} : { isActive, isDisabled: !isActive }),
    ...(passwordHash === undefined ? {} : { passwordHash, passwordProven: true, passwordVersion: sql`${users.passwordVersion} + 1` }),
  };
}

export type AdminUserRepository = ReturnType<typeof createAdminUserRepository>;

/** The webhook events of an update, from the row before and after it. */
function updateEvents(changes: UserChanges, before: { isVerified: boolean; isDisabled: boolean }, after: User): OutboxEvent[] {
  const subject = { userId: after.id, email: after.email };
  const events: OutboxEvent[] = [];
  if (changes.passwordHash !== undefined) events.push({ type: "user.password_changed", ...subject });
  if (changes.isActive === false && !before.isDisabled) events.push({ type: "user.disabled", ...subject });
  if (changes.isVerified === true && !before.isVerified) events.push({ type: "user.verified", ...subject });
  return events;
}

export function createAdminUserRepository(db: Database, outbox: WebhookOutbox) {
  /** Runs a change with its webhook events in one transaction, when an endpoint subscribes to any of `types`. */
  async function withEvents<T>(
    types: OutboxEvent["type"][],
    plain: () => Promise<T>,
    change: (tx: Database) => Promise<[T, OutboxEvent[]]>,
  ) {
    if (!outbox.wants(...types)) return plain();
    const result = await db.transaction(async (tx) => {
      const [value, events] = await change(tx);
      await outbox.write(tx, events);
      return value;
    });
    outbox.written();
    return result;
  }

  return {
    create(values: { email: string; passwordHash: string | null; isActive: boolean; isVerified: boolean }): Promise<User> {
      const insert = async (on: Database) =>
        (
          await on
            .insert(users)
            .values({ ...values, isDisabled: !values.isActive, authProvider: "local" })
            .returning()
        )[0]!;
      return withEvents(
        ["user.created"],
        () => insert(db),
        async (tx) => {
          const user = await insert(tx);
          return [user, [{ type: "user.created", userId: user.id, email: user.email }]];
        },
      );
    },

    update(id: number, changes: UserChanges): Promise<User | undefined> {
      const apply = async (on: Database) =>
        (
          await on
            .update(users)
            .set({ ...columnsFor(changes), updatedAt: sql`now()` })
            .where(eq(users.id, id))
            .returning()
        )[0];
      return withEvents(
        ["user.password_changed", "user.disabled", "user.verified"],
        () => apply(db),
        async (tx) => {
          const [before] = await tx
            .select({ isVerified: users.isVerified, isDisabled: users.isDisabled })
            .from(users)
            .where(eq(users.id, id))
            .for("update");
          const user = await apply(tx);
          return [user, before && user ? updateEvents(changes, before, user) : []];
        },
      );
    },

    /** Deletes the user; its sessions and OAuth links go with it (foreign keys cascade). */
    delete(id: number): Promise<boolean> {
      const remove = (on: Database) => on.delete(users).where(eq(users.id, id)).returning({ id: users.id, email: users.email });
      return withEvents(
        ["user.deleted"],
        async () => (await remove(db)).length === 1,
        async (tx) => {
          const [gone] = await remove(tx);
          return [!!gone, gone ? [{ type: "user.deleted", userId: gone.id, email: gone.email }] : []];
        },
      );
    },
  };
}
