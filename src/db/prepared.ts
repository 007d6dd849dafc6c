import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "./client";

const dialect = new PgDialect();

/**
 * A raw statement built once, with `sql.placeholder(name)` for its values. drizzle only asks postgres.js for a
 * named prepared statement when a query is prepared (its plain `db.execute` and builders send an unnamed one,
 * parsed and planned again on every call), so the hot statements go through here or a builder's `.prepare()`:
 * PostgreSQL parses and plans each once per connection, and the SQL text is not rebuilt per request.
 * PGlite runs the same statement unprepared.
 */
export function preparedStatement<Row>(db: Database, name: string, query: SQL) {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  return async (values: Record<string, unknown>): Promise<Row[]> => {
    const result = (await prepared.execute(values)) as Row[] | { rows: Row[] };
    return Array.isArray(result) ? result : result.rows;
  };
}
