import { sql } from "drizzle-orm";
import { AppError } from "../errors";
import type { Database } from "../db/client";
import { preparedStatement } from "../db/prepared";
import { auditEvents } from "../db/schema";
import type { ClientInfo } from "../lib/client-info";
import type { Clock } from "../lib/clock";
import type { Logger } from "../lib/log";
import type { AuditEventName } from "./events";

/** What is known about the subject of an event; filled in as a service learns it. */
interface AuditSubject {
  userId?: number | null;
  email?: string | null;
  client?: ClientInfo;
  /** A reason code or a short fact; failures default to the error's code. Never a secret. */
  detail?: string | null;
}

interface AuditEntry extends AuditSubject {
  event: AuditEventName;
  outcome: "success" | "failure";
}

interface AuditSettings {
  /** Rows are written together, at most this long after the first of them. */
  flushDelayMs: number;
  /** A buffer this full is written at once. */
  maxBatch: number;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * The audit trail in `audit_events`. Entries are buffered and written in one multi-row insert, so auditing
 * adds no database round trip to a request; entries still buffered when the process dies are lost, and a
 * batch that cannot be written is dropped with a warning rather than growing memory while PostgreSQL is away.
 */
const column = (name: string, type: string) => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`;

// The whole buffer in one prepared statement whatever its length: one array per column, unnested into rows.
// A multi-row VALUES list is new SQL text for every batch size, built by drizzle and parsed by PostgreSQL
// again each time. Times travel as text (drizzle's postgres.js setup passes timestamp arrays through raw).
const INSERT_ROWS = sql`
  insert into ${auditEvents} (created_at, event, outcome, user_id, email, ip, user_agent, detail)
  select created_at::timestamptz, event, outcome, user_id, email, ip, user_agent, detail
  from unnest(${column("createdAt", "text")}, ${column("event", "text")}, ${column("outcome", "text")},
    ${column("userId", "int")}, ${column("email", "text")}, ${column("ip", "text")}, ${column("userAgent", "text")},
    ${column("detail", "text")}) as row(created_at, event, outcome, user_id, email, ip, user_agent, detail)`;

type AuditRow = typeof auditEvents.$inferInsert;

export function createAuditLog({ db, clock, log, settings }: { db: Database; clock: Clock; log: Logger; settings: AuditSettings }) {
  const insertRows = preparedStatement(db, "audit_events_insert", INSERT_ROWS);
  const write = (rows: AuditRow[]) =>
    insertRows({
      createdAt: rows.map((row) => row.createdAt.toISOString()),
      event: rows.map((row) => row.event),
      outcome: rows.map((row) => row.outcome),
      userId: rows.map((row) => row.userId ?? null),
      email: rows.map((row) => row.email ?? null),
      ip: rows.map((row) => row.ip ?? null),
      userAgent: rows.map((row) => row.userAgent ?? null),
      detail: rows.map((row) => row.detail ?? null),
    });
  let buffer: AuditRow[] = [];
  let timer: Timer | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const rows = buffer;
    buffer = [];
    if (rows.length > 0) {
      writing = writing.then(() =>
        write(rows).then(
          () => undefined,
          (error) => {
            log.warn("audit events could not be written", { dropped: rows.length, error: (error as Error).message });
          },
        ),
      );
    }
    return writing;
  }

  function record({ event, outcome, userId, email, client, detail }: AuditEntry): void {
    buffer.push({
      createdAt: new Date(clock.now()),
      event,
      outcome,
      userId: userId ?? null,
      email: email ?? null,
      ip: client?.ip ?? null,
      userAgent: client?.userAgent ?? null,
      detail: detail?.slice(0, 128) ?? null,
    });
    if (buffer.length >= settings.maxBatch) void flush();
    else timer ??= setTimeout(flush, settings.flushDelayMs);
  }

  return {
    record,
    /**
     * Runs `work` and records its outcome: success, or failure with the error's code. `work` fills in the
     * subject (the user id, say) as it learns it.
     */
    async track<T>(event: AuditEventName, subject: AuditSubject, work: (subject: AuditSubject) => Promise<T>): Promise<T> {
      try {
        const result = await work(subject);
        record({ ...subject, event, outcome: "success" });
        return result;
      } catch (error) {
        const reason = error instanceof AppError ? error.code : "error";
        record({ ...subject, event, outcome: "failure", detail: subject.detail ? `${subject.detail}: ${reason}` : reason });
        throw error;
      }
    },
    /** Writes what is buffered now; resolves when every write so far has ended. */
    flush,
  };
}
