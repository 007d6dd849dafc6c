import { embeddedDatabaseDir, loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";
import { openEmbeddedDatabase } from "../db/pglite";
import type { CliContext } from "./context";

export async function migrateCommand({ env }: CliContext): Promise<number> {
  const config = loadConfig(env);
  if (config.DATABASE_URL) await runMigrations(config.DATABASE_URL);
  else await (await openEmbeddedDatabase(embeddedDatabaseDir(config.DATA_DIR))).close();
  console.log("Migrations applied.");
  return 0;
}
