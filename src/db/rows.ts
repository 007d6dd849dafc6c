import type { SQL } from "drizzle-orm";
import type { Database } from "./client";

/** Rows of a raw SQL statement, whichever driver runs it (postgres.js returns the rows, PGlite `{ rows }`). */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
