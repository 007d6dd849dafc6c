import { and, eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../../db/client";
import { oauthAccounts, users, type User } from "../../db/schema";
import type { WebhookOutbox } from "../../webhooks/outbox";

export interface LinkInput {
  provider: string;
  providerUserId: string;
  email: string;
}

export type OAuthAccountRepository = ReturnType<typeof createOAuthAccountRepository>;

export function createOAuthAccountRepository(db: Database, outbox: WebhookOutbox) {
  return {
    /** The user a provider identity is linked to, if any. */
    async findLinkedUser(provider: string, providerUserId: string): Promise<User | undefined> {
      const rows = await db
        .select(getTableColumns(users))
        .from(oauthAccounts)
        .innerJoin(users, eq(users.id, oauthAccounts.userId))
        .where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerUserId, providerUserId)))
        .limit(1);
      return rows[0];
    },

    findUserByEmail: async (email: string): Promise<User | undefined> =>
      (await db.select().from(users).where(eq(users.email, email)).limit(1))[0],

    /** Links an identity to an existing user; a concurrent link of the same identity is left as it is. */
    async link(userId: number, { provider, providerUserId, email }: LinkInput): Promise<void> {
      await db.insert(oauthAccounts).values({ provider, providerUserId, userId, email }).onConflictDoNothing();
    },

    /**
     * Creates a user who signs in through the provider only (no password, so password login is refused)
     * together with its link, in one transaction. Throws a unique violation when the address or the
     * identity was taken meanwhile; the caller then resolves the sign-in again.
     */
    async createUserWithLink({ provider, providerUserId, email }: LinkInput): Promise<User> {
      const created = await db.transaction(async (tx) => {
        const [user] = await tx
          .insert(users)
          .values({ email, passwordHash: null, authProvider: provider, isVerified: true, isActive: true })
          .returning();
        await tx.insert(oauthAccounts).values({ provider, providerUserId, userId: user!.id, email });
        await outbox.write(tx, [{ type: "user.created", userId: user!.id, email }]);
        return user!;
      });
      if (outbox.wants("user.created")) outbox.written();
      return created;
    },
  };
}
