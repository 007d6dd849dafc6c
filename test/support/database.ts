import postgres from "postgres";
import { runMigrations } from "../../src/db/migrate";
import { TEST_DATABASE_URL, uniqueId } from "./env";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A new, migrated PostgreSQL database for one test file, dropped afterwards. */
export async function createTestDatabase({ migrate = true } = {}): Promise<TestDatabase> {
  const name = `otp_auth_test_${uniqueId()}`.toLowerCase();
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = withDatabaseName(TEST_DATABASE_URL, name);
  if (migrate) await runMigrations(url);
  return {
    url,
    async drop() {
      const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
      await sql.end();
    },
  };
}
