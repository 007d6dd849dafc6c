import { afterAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { runMigrations } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../support/database";

const created: TestDatabase[] = [];
afterAll(async () => {
  for (const db of created) await db.drop();
});

async function freshDatabase() {
  const db = await createTestDatabase({ migrate: false });
  created.push(db);
  return db;
}

describe("migrations", () => {
  test("four instances migrating one fresh database at once all succeed, and running again changes nothing", async () => {
    const db = await freshDatabase();
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => runMigrations(db.url)));
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    }
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const journal = await Bun.file(new URL("../../drizzle/meta/_journal.json", import.meta.url)).json();
      expect(applied[0]!.n).toBe(journal.entries.length);
      const columns = await sql`select column_name from information_schema.columns where table_name = 'users' order by column_name`;
      expect(columns.map((c) => c.column_name)).toEqual([
        "auth_provider",
        "created_at",
        "deletion_cancel_hash",
        "deletion_due_at",
        "email",
        "id",
        "is_active",
        "is_disabled",
        "is_verified",
        "last_otp_verified_at",
        "locale",
        "passkey_handle",
        "password_hash",
        "password_proven",
        "password_version",
        "role",
        "updated_at",
      ]);
    } finally {
      await sql.end();
    }
  });

  test("the database itself refuses a second account for one address, whatever its case", async () => {
    const db = await freshDatabase();
    await runMigrations(db.url);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into users (email) values ('ann@example.com')`;
      await expect(sql`insert into users (email) values ('ann@example.com')`).rejects.toThrow(/users_email_key/);
      await expect(sql`insert into users (email) values ('Ann@Example.com')`).rejects.toThrow(/users_email_lowercase/);
    } finally {
      await sql.end();
    }
  });
});
