import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { join } from "node:path";
import postgres from "postgres";

// `bun run build` embeds drizzle/ with --asset: inside the binary it sits beside the single bundled module.
export const MIGRATIONS_FOLDER = Bun.isStandaloneExecutable ? join(import.meta.dir, "drizzle") : join(import.meta.dir, "../../drizzle");

// Any fixed 64-bit number; every instance must use the same one.
const MIGRATION_LOCK_KEY = 7_202_611_250_001n;

/**
 * Applies the committed SQL migrations. drizzle's migrator takes no lock, so instances starting together
 * serialise on a PostgreSQL advisory lock held by this single connection.
 */
export async function runMigrations(url: string, folder = MIGRATIONS_FOLDER): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    await migrate(drizzle(sql), { migrationsFolder: folder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
