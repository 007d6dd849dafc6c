import { loadConfig } from "../config/load";
import { runMigrations } from "../db/migrate";

export async function migrateCommand(): Promise<number> {
  const config = loadConfig(process.env);
  await runMigrations(config.DATABASE_URL);
  console.log("Migrations applied.");
  return 0;
}
