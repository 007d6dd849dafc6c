import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { users, type User } from "../../db/schema";

export interface UserChanges {
  email?: string;
  passwordHash?: string;
  isActive?: boolean;
  isVerified?: boolean;
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

// `%`, `_` and `\` in a search are literal characters, not patterns.
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createAdminUserRepository(db: Database) {
  return {
    /** One page in id order, after `afterId`; one row more than asked says whether another page follows. */
    list: ({ limit, afterId, search }: { limit: number; afterId?: number; search?: string }): Promise<User[]> =>
      db
        .select()
        .from(users)
        .where(
          and(
            afterId === undefined ? undefined : gt(users.id, afterId),
            search === undefined ? undefined : sql`${users.email} ilike ${likePattern(search.toLowerCase())}`,
          ),
        )
        .orderBy(asc(users.id))
        .limit(limit + 1),

    async create(values: { email: string; passwordHash: string | null; isActive: boolean; isVerified: boolean }): Promise<User> {
      const [user] = await db
        .insert(users)
        .values({ ...values, isDisabled: !values.isActive, authProvider: "local" })
        .returning();
      return user!;
    },

    async update(id: number, changes: UserChanges): Promise<User | undefined> {
      const [user] = await db
        .update(users)
        .set({ ...columnsFor(changes), updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning();
      return user;
    },

    /** Deletes the user; its sessions and OAuth links go with it (foreign keys cascade). */
    async delete(id: number): Promise<boolean> {
      return (await db.delete(users).where(eq(users.id, id)).returning({ id: users.id })).length === 1;
    },
  };
}
