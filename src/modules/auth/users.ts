import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users, type User } from "../../db/schema";

export type UserRepository = ReturnType<typeof createUserRepository>;

export function createUserRepository(db: Database) {
  // Every sign-in and every /auth/me reads one of these: prepared (see db/prepared.ts), one index probe each.
  const byEmail = db.select().from(users).where(eq(users.email, sql.placeholder("email"))).limit(1).prepare("users_by_email");
  const byId = db.select().from(users).where(eq(users.id, sql.placeholder("id"))).limit(1).prepare("users_by_id");
  return {
    findByEmail: async (email: string): Promise<User | undefined> => (await byEmail.execute({ email }))[0],

    findById: async (id: number): Promise<User | undefined> => (await byId.execute({ id }))[0],

    /**
     * Creates the unverified account, or replaces the password of one that is still unverified.
     * Returns null when the address belongs to a verified account: one statement, so concurrent
     * registrations of one address end in exactly one row.
     */
    async saveUnverified(email: string, passwordHash: string): Promise<{ id: number } | null> {
      const rows = await db
        .insert(users)
        .values({ email, passwordHash })
        .onConflictDoUpdate({
          target: users.email,
          set: { passwordHash, updatedAt: sql`now()` },
          setWhere: eq(users.isVerified, false),
        })
        .returning({ id: users.id });
      return rows[0] ?? null;
    },

    /**
     * Sets the password after a reset code proved the address: that also verifies the address (activating
     * an account that was only waiting for it) and counts as a code check.
     */
    async resetPassword(id: number, passwordHash: string, at: Date): Promise<void> {
      await db.update(users)
        .set({
          passwordHash,
          isActive: sql`${users.isActive} or not ${users.isVerified}`,
          isVerified: true,
          lastOtpVerifiedAt: at,
          updatedAt: sql`now()`,
        })
        .where(eq(users.id, id));
    },

    async setPassword(id: number, passwordHash: string): Promise<void> {
      await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, id));
    },
  };
}
