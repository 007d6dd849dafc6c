import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, type AuditEvent } from "../db/schema";

export interface AuditFilter {
  userId?: number;
  event?: string;
  email?: string;
  outcome?: "success" | "failure";
  ip?: string;
  since?: Date;
  until?: Date;
}

interface AuditQuery extends AuditFilter {
  limit: number;
  beforeId?: number;
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

export function createAuditRepository(db: Database) {
  return {
    /** Newest first; one row more than asked says whether another page follows. */
    list: ({ limit, beforeId, userId, event, email, outcome, ip, since, until }: AuditQuery): Promise<AuditEvent[]> =>
      db
        .select()
        .from(auditEvents)
        .where(
          and(
            beforeId === undefined ? undefined : lt(auditEvents.id, beforeId),
            userId === undefined ? undefined : eq(auditEvents.userId, userId),
            event === undefined ? undefined : eq(auditEvents.event, event),
            email === undefined ? undefined : eq(auditEvents.email, email),
            outcome === undefined ? undefined : eq(auditEvents.outcome, outcome),
            ip === undefined ? undefined : eq(auditEvents.ip, ip),
            since === undefined ? undefined : gte(auditEvents.createdAt, since),
            until === undefined ? undefined : lt(auditEvents.createdAt, until),
          ),
        )
        .orderBy(desc(auditEvents.id))
        .limit(limit + 1),
  };
}
