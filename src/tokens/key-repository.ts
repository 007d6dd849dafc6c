import { asc, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { signingKeys, type SigningKeyRow } from "../db/schema";

// Any fixed 64-bit number, the same in every instance: instances starting together create one first key.
const FIRST_KEY_LOCK = 7_202_612_070_005n;

/** The signing keys table: read whole (it holds a handful of rows), added to, and pruned of keys past use. */
export function createSigningKeyRepository(db: Database) {
  const list = (from: Pick<Database, "select"> = db): Promise<SigningKeyRow[]> =>
    from.select().from(signingKeys).orderBy(asc(signingKeys.activatesAt), asc(signingKeys.kid));
  return {
    list: () => list(),
    add: async (row: SigningKeyRow) => void (await db.insert(signingKeys).values(row)),
    /** Adds the key `make` builds if `needed` says the table lacks one, deciding under a lock; true if it did. */
    addIfNeeded: (needed: (rows: SigningKeyRow[]) => boolean, make: () => Promise<SigningKeyRow>) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_KEY_LOCK.toString()}::bigint)`);
        if (!needed(await list(tx))) return false;
        await tx.insert(signingKeys).values(await make());
        return true;
      }),
    remove: async (kids: string[]) => {
      if (kids.length > 0) await db.delete(signingKeys).where(inArray(signingKeys.kid, kids));
    },
  };
}

export type SigningKeyRepository = ReturnType<typeof createSigningKeyRepository>;
