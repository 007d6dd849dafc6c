import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, type AuditEvent } from "../db/schema";

interface AuditQuery {
  limit: number;
  beforeId?: number;
  userId?: number;
  event?: string;
  email?: string;
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

export function createAuditRepository(db: Database) {
  return {
    /** Newest first; one row more than asked says whether another page follows. */
    list: ({ limit, beforeId, userId, event, email }: AuditQuery): Promise<AuditEvent[]> =>
      db
        .select()
        .from(auditEvents)
        .where(
          and(
            beforeId === undefined ? undefined : lt(auditEvents.id, beforeId),
            userId === undefined ? undefined : eq(auditEvents.userId, userId),
            event === undefined ? undefined : eq(auditEvents.event, event),
            email === undefined ? undefined : eq(auditEvents.email, email),
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(limit + 1),
  };
}
