import type { AuditLog } from "../../audit/log";
import type { AuditRepository } from "../../audit/repository";
import type { AuditFilters } from "./model";
import { auditFilterOf, toAuditView } from "./service";

/** The most rows one export holds; narrow the filters (a time range) for more. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;
const BATCH = 1000;
const COLUMNS = ["id", "created_at", "event", "outcome", "user_id", "email", "ip", "user_agent", "detail"] as const;

/**
 * One CSV cell. Emails and user agents are chosen by whoever sent the request: a cell that a spreadsheet would
 * read as a formula (=, +, -, @, tab, CR) is prefixed with `'` (OWASP's advice against CSV injection).
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== String(value) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The audit events matching `filters`, newest first, as CSV (RFC 4180, CRLF line ends, a header row). */
export function createAuditExport({ auditEvents, audit }: { auditEvents: AuditRepository; audit: Pick<AuditLog, "flush"> }) {
  return async (filters: AuditFilters): Promise<string> => {
    await audit.flush();
    const filter = auditFilterOf(filters);
    const lines = [COLUMNS.join(",")];
    let beforeId: number | undefined;
    while (lines.length - 1 < AUDIT_EXPORT_MAX_ROWS) {
      const limit = Math.min(BATCH, AUDIT_EXPORT_MAX_ROWS - (lines.length - 1));
      const rows = await auditEvents.list({ ...filter, limit, beforeId });
      for (const row of rows.slice(0, limit)) {
        const view = toAuditView(row);
        lines.push(COLUMNS.map((column) => csvCell(view[column])).join(","));
      }
      if (rows.length <= limit) break;
      beforeId = rows[limit - 1]!.id;
    }
    return `${lines.join("\r\n")}\r\n`;
  };
}
