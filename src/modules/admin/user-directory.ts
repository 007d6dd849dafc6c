import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { oauthAccounts, users, type User } from "../../db/schema";

export interface UserRow {
  user: User;
  mfaEnabled: boolean;
  /** ISO 8601, or null. */
  lastSignInAt: string | null;
}

export interface UserSearch {
  limit: number;
  afterId?: number;
  search?: string;
  status?: "unverified" | "disabled";
  provider?: string;
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;

// `%`, `_` and `\` in a search are literal characters, not patterns.
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// Both drivers give text the same way; timestamps they would not (PGlite a Date, postgres.js a string).
const isoText = (value: SQL) => sql<string | null>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// Derived at read time from the sessions table (its user_id index), so sign-ins write nothing more for it.
const columns = {
  user: users,
  mfaEnabled: sql<boolean>`exists (select 1 from user_mfa m where m.user_id = ${users.id} and m.enabled_at is not null)`,
  lastSignInAt: isoText(sql`(select max(s.created_at) from sessions s where s.user_id = ${users.id})`),
};

const STATUS_FILTERS = {
  unverified: sql`${users.isVerified} = false`,
  disabled: sql`${users.isDisabled} = true`,
};

/** Reads of users for the admin console: filtered pages of rows, and one user's linked accounts. */
export function createUserDirectory(db: Database) {
  return {
    /** One page in id order, after `afterId`; one row more than asked says whether another page follows. */
    list: ({ limit, afterId, search, status, provider }: UserSearch): Promise<UserRow[]> =>
      db
        .select(columns)
        .from(users)
        .where(
          and(
            afterId === undefined ? undefined : gt(users.id, afterId),
            search === undefined ? undefined : sql`${users.email} ilike ${likePattern(search.toLowerCase())}`,
            status === undefined ? undefined : STATUS_FILTERS[status],
            provider === undefined ? undefined : eq(users.authProvider, provider),
          ),
        )
        .orderBy(asc(users.id))
        .limit(limit + 1),

    find: async (id: number): Promise<UserRow | undefined> => (await db.select(columns).from(users).where(eq(users.id, id)))[0],

    linkedAccounts: (userId: number) =>
      db
        .select({ provider: oauthAccounts.provider, email: oauthAccounts.email, createdAt: oauthAccounts.createdAt })
        .from(oauthAccounts)
        .where(eq(oauthAccounts.userId, userId))
        .orderBy(asc(oauthAccounts.id)),
  };
}
