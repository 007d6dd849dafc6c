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
  /** For metrics: the pool's size and the connections open now. */
  stats(): { poolSize: number; connectionsOpen: number };
  close(): Promise<void>;
}

/** A pooled postgres.js client; connect attempts give up after 1.5 s so a dead database fails requests fast. */
export function connectDatabase(url: string, poolSize: number): DatabaseHandle {
  // postgres.js does not expose its pool; the sockets it asks us for are its connections, so they are counted here.
  let connectionsOpen = 0;
  // `socket` is a documented postgres.js option that its type definitions leave out.
  const socket = (options: unknown) => {
    const opened = openPostgresSocket(options as PostgresSocketOptions);
    opened.once("connect", () => {
      connectionsOpen++;
      opened.once("close", () => connectionsOpen--);
    });
    return opened;
  };
  // postgres.js waits `backoff` seconds, growing with every failure to 20 s, before a query may try a
  // connection again: while PostgreSQL is down requests would hang that long instead of answering 503, and
  // they would come back that late. A query tries once, at once (nothing retries without a query).
  const sql = postgres(url, { max: poolSize, connect_timeout: 1.5, idle_timeout: 60, backoff: () => 0, onnotice: () => {}, ...{ socket } });
  return {
    db: drizzle(sql, { schema }),
    ping: async () => void (await sql`select 1`),
    stats: () => ({ poolSize, connectionsOpen }),
    close: () => sql.end({ timeout: 5 }),
  };
}
