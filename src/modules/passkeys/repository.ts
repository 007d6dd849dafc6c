import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { passkeys, sessions, users, type Passkey } from "../../db/schema";

export interface NewPasskey {
  id: string;
  userId: number;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  name: string;
}

export type PasskeyRepository = ReturnType<typeof createPasskeyRepository>;

/** The passkeys table, the users' WebAuthn handles, and the age of a session (registering needs a fresh one). */
export function createPasskeyRepository(db: Database) {
  return {
    listFor: (userId: number): Promise<Passkey[]> =>
      db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id)),

    async find(id: string): Promise<Passkey | null> {
      const [row] = await db.select().from(passkeys).where(eq(passkeys.id, id));
      return row ?? null;
    },

    /** The user's handle, made once: of two concurrent first registrations, the first write wins and both read it. */
    async handleOf(userId: number, candidate: string): Promise<string | null> {
      await db
        .update(users)
        .set({ passkeyHandle: candidate })
        .where(and(eq(users.id, userId), isNull(users.passkeyHandle)));
      const [row] = await db.select({ handle: users.passkeyHandle }).from(users).where(eq(users.id, userId));
      return row?.handle ?? null;
    },

    /** The owner of a handle, with what a sign-in needs to know of them. */
    async userByHandle(handle: string) {
      const [row] = await db
        .select({ id: users.id, email: users.email, isActive: users.isActive, isDisabled: users.isDisabled })
        .from(users)
        .where(eq(users.passkeyHandle, handle));
      return row ?? null;
    },

    /** False when the credential ID is registered already (to anyone). */
    async insert(passkey: NewPasskey): Promise<Passkey | null> {
      const [row] = await db
        .insert(passkeys)
        .values({ ...passkey, transports: passkey.transports.join(",") || null })
        .onConflictDoNothing()
        .returning();
      return row ?? null;
    },

    /**
     * Records a sign-in's counter if it moved forward (or both are 0: authenticators without a counter). One
     * statement, so of two sign-ins presenting one counter value only one passes.
     */
    async recordUse(id: string, counter: number, now: Date): Promise<boolean> {
      const rows = await db
        .update(passkeys)
        .set({ counter, lastUsedAt: now })
        .where(and(eq(passkeys.id, id), or(lt(passkeys.counter, counter), sql`(${passkeys.counter} = 0 and ${counter}::bigint = 0)`)))
        .returning({ id: passkeys.id });
      return rows.length > 0;
    },

    async rename(userId: number, id: string, name: string): Promise<Passkey | null> {
      const [row] = await db
        .update(passkeys)
        .set({ name })
        .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
        .returning();
      return row ?? null;
    },

    /** Removes one of the user's passkeys; false when the user has no such passkey. */
    async remove(userId: number, id: string): Promise<boolean> {
      const rows = await db
        .delete(passkeys)
        .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
        .returning({ id: passkeys.id });
      return rows.length > 0;
    },

    /** When the session was opened (its sign-in), if it is the user's and not ended. */
    async sessionOpenedAt(userId: number, sessionId: string): Promise<Date | null> {
      const [row] = await db
        .select({ createdAt: sessions.createdAt })
        .from(sessions)
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)));
      return row?.createdAt ?? null;
    },
  };
}
