import { z } from "zod";
import { AUDIT_EVENTS } from "../../audit/events";
import { emailField, passwordField, profileResponse } from "../auth/model";

const ADMIN_PAGE_MAX = 200;

export const userView = profileResponse;

/** Who may call a route of the admin API: an admin's bearer token, or Basic with ADMIN_EMAIL/ADMIN_PASSWORD. */
export const ADMIN_SECURITY: { security: Record<string, string[]>[] } = { security: [{ adminBasic: [] }, { bearerAuth: [] }] };

export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(ADMIN_PAGE_MAX)
  .default(50)
  .meta({ description: `Items per page (1-${ADMIN_PAGE_MAX}).` });
const MAX_INT = 2_147_483_647;
const cursorOf = (max: number) =>
  z
    .string()
    .regex(/^\d{1,18}$/, "must be a cursor from next_cursor")
    .refine((cursor) => Number(cursor) <= max, "must be a cursor from next_cursor")
    .optional()
    .meta({ description: "The `next_cursor` of the previous page." });
// User ids are PostgreSQL integers, audit event ids bigints: a cursor past them would fail the query.
export const pageCursor = cursorOf(Number.MAX_SAFE_INTEGER);
const userCursor = cursorOf(MAX_INT);

export const listUsersQuery = z.object({
  limit: pageLimit,
  cursor: userCursor,
  // PostgreSQL text cannot hold a NUL character, so a search for one would fail the query.
  q: z
    .string()
    .trim()
    .min(1)
    .max(254)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the NUL character is exactly what this refuses
    .regex(/^[^\u0000]*$/, "must not contain NUL characters")
    .optional()
    .meta({ description: "Only users whose email contains this text (case-insensitive)." }),
  status: z.enum(["unverified", "disabled"]).optional().meta({ description: "Only unverified users, or only those an admin disabled." }),
  provider: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, "must be a provider name such as local, google or github")
    .optional()
    .meta({ description: "Only users whose account came from this provider (`local`, `google`, `github`)." }),
});

/** A row of the users table: the user, whether a second factor is on, and when they last signed in. */
export const userRowView = userView.extend({
  mfa_enabled: z.boolean().meta({ description: "An authenticator app is on." }),
  last_sign_in_at: z
    .string()
    .nullable()
    .meta({ format: "date-time", description: "When the newest of their sessions was opened; null when they never signed in." }),
});

export const userListResponse = z.object({
  users: z.array(userRowView),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});

export const createUserBody = z.object({
  email: emailField,
  password: passwordField.optional().meta({ description: 'Without one, the person sets it through "Forgot password".' }),
  is_active: z.boolean().default(true),
  is_verified: z.boolean().default(true),
});

export const updateUserBody = z
  .object({
    email: emailField.optional(),
    password: passwordField.optional(),
    is_active: z.boolean().optional(),
    is_verified: z.boolean().optional(),
    role: z.enum(["admin", "user"]).optional().meta({ description: "Grant (`admin`) or take back (`user`) the admin role; audited." }),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "give at least one field to change");

export const userParams = z.object({ id: z.coerce.number().int().positive().max(MAX_INT) });

export const sessionParams = userParams.extend({ session_id: z.uuid() });

const when = (description: string) => z.iso.datetime({ offset: true }).optional().meta({ description });

/** The audit filters, shared by the page-by-page list and the CSV export. */
const auditFilters = {
  user_id: z.coerce.number().int().positive().max(MAX_INT).optional().meta({ description: "Only this user's events." }),
  event: z.enum(AUDIT_EVENTS).optional().meta({ description: "Only this kind of event." }),
  email: emailField.optional().meta({ description: "Only events about this address." }),
  outcome: z.enum(["success", "failure"]).optional().meta({ description: "Only successes, or only failures." }),
  ip: z
    .string()
    .regex(/^[0-9A-Fa-f:.]{2,64}$/, "must be an IPv4 or IPv6 address")
    .optional()
    .meta({ description: "Only events from this client address." }),
  since: when("Only events at or after this time (ISO 8601)."),
  until: when("Only events before this time (ISO 8601)."),
};

export const auditListQuery = z.object({ limit: pageLimit, cursor: pageCursor, ...auditFilters });
export const auditExportQuery = z.object(auditFilters);

export const auditView = z.object({
  id: z.number().int(),
  created_at: z.string().meta({ format: "date-time" }),
  event: z.string(),
  outcome: z.enum(["success", "failure"]),
  user_id: z.number().int().nullable(),
  email: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  detail: z.string().nullable().meta({ description: "A reason code (e.g. `invalid_credentials`) or a short fact; never a secret." }),
});

export const auditListResponse = z.object({
  events: z.array(auditView),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for older events; null on the last page." }),
});

/** Every event name the audit log records: the console offers them as the event filter's suggestions. */
export const auditEventsResponse = z.object({ events: z.array(z.enum(AUDIT_EVENTS)) });

export type AuditListQuery = z.infer<typeof auditListQuery>;
export type AuditFilters = z.infer<typeof auditExportQuery>;
export type UserRowView = z.infer<typeof userRowView>;
export type ListUsersQuery = z.infer<typeof listUsersQuery>;
export type AuditView = z.infer<typeof auditView>;
export type UserView = z.infer<typeof userView>;
export type CreateUserBody = z.infer<typeof createUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;
