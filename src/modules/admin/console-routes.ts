import { Elysia } from "elysia";
import { z } from "zod";
import { errors } from "../../http/responses";
import type { RequestContext } from "../../http/request-context";
import { activityQuery, activityResponse, type ActivityQuery, type ActivityReport } from "./activity-model";
import { AUDIT_EXPORT_MAX_ROWS } from "./audit-export";
import { adminGuard, type AdminAuth } from "./guard";
import { healthResponse, type HealthReport } from "./health-model";
import { AUDIT_EVENTS } from "../../audit/events";
import { ADMIN_SECURITY, auditEventsResponse, auditExportQuery, auditListQuery, auditListResponse, type AuditFilters } from "./model";
import type { AdminService } from "./service";

export interface AdminInsights {
  exportAudit(filters: AuditFilters): Promise<string>;
  activity(query: ActivityQuery): Promise<ActivityReport>;
  health(): Promise<HealthReport>;
}

/** The audit log, the activity counts and the live health of the admin API (what the console's views read). */
export const adminConsoleRoutes = (admin: AdminService, insights: AdminInsights, context: RequestContext, auth: AdminAuth) =>
  new Elysia({ prefix: "/auth/admin", tags: ["admin"] })
    .use(context)
    .use(adminGuard(auth))
    .get("/audit", ({ query }) => admin.listAuditEvents(query), {
      admin: true,
      query: auditListQuery,
      response: { 200: auditListResponse, ...errors(401, 403, 422, 429, 503) },
      detail: {
        summary: "The audit log, newest first, a page at a time; filter by user, event, email, outcome, IP and time",
        ...ADMIN_SECURITY,
      },
    })
    .get("/audit/events", () => ({ events: [...AUDIT_EVENTS] }), {
      admin: true,
      response: { 200: auditEventsResponse, ...errors(401, 403, 429, 503) },
      detail: { summary: "Every event name the audit log records (the values the `event` filter takes)", ...ADMIN_SECURITY },
    })
    .get(
      "/audit/export",
      async ({ query }) =>
        new Response(await insights.exportAudit(query), {
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": 'attachment; filename="audit.csv"',
            "cache-control": "no-store",
          },
        }),
      {
        admin: true,
        query: auditExportQuery,
        response: { 200: z.string().meta({ description: "text/csv" }), ...errors(401, 403, 422, 429, 503) },
        detail: {
          summary: "The audit log as CSV, with the same filters",
          description: `Newest first, at most ${AUDIT_EXPORT_MAX_ROWS} rows (narrow the time range for more). Cells a spreadsheet would take for a formula start with \`'\`.`,
          ...ADMIN_SECURITY,
        },
      },
    )
    .get("/activity", ({ query }) => insights.activity(query), {
      admin: true,
      query: activityQuery,
      response: { 200: activityResponse, ...errors(401, 403, 422, 429, 503) },
      detail: { summary: "Sign-ups, sign-ins, codes sent and refusals per hour or day, over the last 7 or 30 days", ...ADMIN_SECURITY },
    })
    .get("/health", () => insights.health(), {
      admin: true,
      response: { 200: healthResponse, ...errors(401, 403, 429, 503) },
      detail: {
        summary: "Database, Redis, SMTP, configuration warnings, version, uptime and the instances seen recently",
        ...ADMIN_SECURITY,
      },
    });
