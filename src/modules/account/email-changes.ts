import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { emailChanges, users, type EmailChange } from "../../db/schema";

export type EmailChangeRepository = ReturnType<typeof createEmailChangeRepository>;

/** The outcome of switching or switching back an address: done, or the address is another account's now. */
type Switch = "switched" | "taken" | "gone";

/** Thrown to roll a transaction back (a failed statement leaves PostgreSQL's transaction unable to commit). */
class Undo extends Error {
  constructor(readonly outcome: Switch) {
    super(outcome);
  }
}

const undone = <T>(error: unknown): { outcome: Switch } & T => {
  if (error instanceof Undo) return { outcome: error.outcome } as { outcome: Switch } & T;
  throw error;
};

export function createEmailChangeRepository(db: Database) {
  /** Sets a user's address if it still is `from`; a unique violation means another account has `to`. */
  async function moveAddress(on: Database, userId: number, from: string, to: string): Promise<Switch> {
    try {
      const rows = await on
        .update(users)
        .set({ email: to, updatedAt: sql`now()` })
        .where(and(eq(users.id, userId), eq(users.email, from)))
        .returning({ id: users.id });
      return rows.length === 1 ? "switched" : "gone";
    } catch (error) {
      if (isUniqueViolation(error)) return "taken";
      throw error;
    }
  }

  return {
    /** Records a new request; an earlier one still waiting for its code is dropped (one pending change at a time). */
    async begin(change: Omit<EmailChange, "id" | "confirmedAt">): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.delete(emailChanges).where(and(eq(emailChanges.userId, change.userId), isNull(emailChanges.confirmedAt)));
        await tx.insert(emailChanges).values(change);
      });
    },

    /** The change of this user waiting for its code, if any. */
    async pending(userId: number): Promise<EmailChange | undefined> {
      const [row] = await db
        .select()
        .from(emailChanges)
        .where(and(eq(emailChanges.userId, userId), isNull(emailChanges.confirmedAt)))
        .orderBy(desc(emailChanges.id))
        .limit(1);
      return row;
    },

    /**
     * Switches the account to the new address and marks the change done, in one transaction: the change must
     * still be pending (two confirmations at once switch once) and the account still have the old address.
     */
    async confirm(change: EmailChange, at: Date): Promise<Switch> {
      const result = await db
        .transaction(async (tx) => {
          const marked = await tx
            .update(emailChanges)
            .set({ confirmedAt: at })
            .where(and(eq(emailChanges.id, change.id), isNull(emailChanges.confirmedAt)))
            .returning({ id: emailChanges.id });
          if (marked.length === 0) throw new Undo("gone");
          const outcome = await moveAddress(tx, change.userId, change.oldEmail, change.newEmail);
          if (outcome !== "switched") throw new Undo(outcome);
          return { outcome };
        })
        .catch(undone);
      return result.outcome;
    },

    /**
     * Uses up a cancel token within its window: a pending change is dropped; a done one is undone (the old
     * address back). One transaction, so a token works once.
     */
    async cancel(cancelHash: string, now: Date): Promise<{ change?: EmailChange; outcome: Switch | "dropped" } | null> {
      return db
        .transaction(async (tx) => {
          const [change] = await tx
            .delete(emailChanges)
            .where(and(eq(emailChanges.cancelHash, cancelHash), gt(emailChanges.cancelUntil, now)))
            .returning();
          if (!change) return null;
          if (!change.confirmedAt) return { change, outcome: "dropped" as const };
          const outcome = await moveAddress(tx, change.userId, change.newEmail, change.oldEmail);
          // Undone, the token stays usable: nothing was cancelled.
          if (outcome !== "switched") throw new Undo(outcome);
          return { change, outcome };
        })
        .catch(undone<{ change?: EmailChange }>);
    },
  };
}
