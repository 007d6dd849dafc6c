/** Who sent a request, as sessions and the audit log record it; null where it is not known. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}
