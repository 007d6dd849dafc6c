import { and, eq, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { preparedStatement } from "../../db/prepared";
import { mfaRecoveryCodes, userMfa } from "../../db/schema";

export type MfaRepository = ReturnType<typeof createMfaRepository>;

/** The authenticator-app rows and recovery codes; every rule that must hold under concurrency is one statement. */
export function createMfaRepository(db: Database) {
  const enabledRow = preparedStatement<{ user_id: number }>(
    db,
    "mfa_enabled",
    sql`select user_id from ${userMfa} where user_id = ${sql.placeholder("userId")}::int and enabled_at is not null`,
  );
  return {
    /** The user's row: `enabled` false while the secret awaits its first code. */
    async find(userId: number): Promise<{ sealedSecret: string; enabled: boolean } | null> {
      const [row] = await db
        .select({ secret: userMfa.secret, enabledAt: userMfa.enabledAt })
        .from(userMfa)
        .where(eq(userMfa.userId, userId));
      return row ? { sealedSecret: row.secret, enabled: row.enabledAt !== null } : null;
    },

    /** Asked on every sign-in, so prepared once (see db/prepared.ts) rather than built and parsed per call. */
    isEnabled: async (userId: number): Promise<boolean> => (await enabledRow({ userId })).length > 0,

    /** Stores a pending secret, replacing an earlier pending one; false (nothing written) when the factor is on. */
    async savePending(userId: number, sealedSecret: string): Promise<boolean> {
      const rows = await db
        .insert(userMfa)
        .values({ userId, secret: sealedSecret })
        .onConflictDoUpdate({
          target: userMfa.userId,
          set: { secret: sealedSecret, lastUsedStep: null, createdAt: sql`now()` },
          setWhere: isNull(userMfa.enabledAt),
        })
        .returning({ userId: userMfa.userId });
      return rows.length > 0;
    },

    /**
     * Turns the factor on with the recovery codes, if the pending secret is still the one whose code was checked
     * (an enroll in between replaced it otherwise); `step` is that code's, so it cannot be used again.
     */
    async enable(userId: number, sealedSecret: string, step: number, codeHashes: string[]): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(userMfa)
          .set({ enabledAt: sql`now()`, lastUsedStep: step })
          .where(and(eq(userMfa.userId, userId), eq(userMfa.secret, sealedSecret), isNull(userMfa.enabledAt)))
          .returning({ userId: userMfa.userId });
        if (rows.length === 0) return false;
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
        await tx.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ codeHash, userId })));
        return true;
      });
    },

    /** Records `step` as used if it is later than the last used one: of two requests with one code, one wins. */
    async claimStep(userId: number, step: number): Promise<boolean> {
      const rows = await db
        .update(userMfa)
        .set({ lastUsedStep: step })
        .where(
          and(eq(userMfa.userId, userId), isNotNull(userMfa.enabledAt), or(isNull(userMfa.lastUsedStep), lt(userMfa.lastUsedStep, step))),
        )
        .returning({ userId: userMfa.userId });
      return rows.length > 0;
    },

    /** Marks an unused recovery code of the user used; true for the one request that did. */
    async useRecoveryCode(userId: number, codeHash: string): Promise<boolean> {
      const rows = await db
        .update(mfaRecoveryCodes)
        .set({ usedAt: sql`now()` })
        .where(and(eq(mfaRecoveryCodes.codeHash, codeHash), eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)))
        .returning({ codeHash: mfaRecoveryCodes.codeHash });
      return rows.length > 0;
    },

    /** How many of the user's recovery codes are still unused. */
    async unusedRecoveryCodes(userId: number): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(mfaRecoveryCodes)
        .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
      return row?.n ?? 0;
    },

    /** Removes the factor and its recovery codes; true when it was on. */
    async remove(userId: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.delete(userMfa).where(eq(userMfa.userId, userId)).returning({ enabledAt: userMfa.enabledAt });
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
        return rows.some((row) => row.enabledAt !== null);
      });
    },
  };
}
