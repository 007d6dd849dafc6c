import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { openPostgresSocket, type PostgresSocketOptions } from "./socket";

/** Either driver: postgres.js for an external PostgreSQL, PGlite for the embedded one. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A pooled postgres.js client; connect attempts give up after 1.5 s so a dead database fails requests fast. */
export function connectDatabase(url: string, poolSize: number): DatabaseHandle {
  // `socket` is a documented postgres.js option that its type definitions leave out.
  const socket = (options: unknown) => openPostgresSocket(options as PostgresSocketOptions);
  const sql = postgres(url, { max: poolSize, connect_timeout: 1.5, idle_timeout: 60, onnotice: () => {}, ...{ socket } });
  return {
    db: drizzle(sql, { schema }),
    ping: async () => void (await sql`select 1`),
    close: () => sql.end({ timeout: 5 }),
  };
}
