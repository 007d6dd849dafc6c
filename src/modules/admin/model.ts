import { z } from "zod";
import { AUDIT_EVENTS } from "../../audit/events";
import { emailField, passwordField, profileResponse } from "../auth/model";

const ADMIN_PAGE_MAX = 200;

export const userView = profileResponse;

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
});

export const userListResponse = z.object({
  users: z.array(userView),
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
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), "give at least one field to change");

export const userParams = z.object({ id: z.coerce.number().int().positive().max(MAX_INT) });

export const auditListQuery = z.object({
  limit: pageLimit,
  cursor: pageCursor,
  user_id: z.coerce.number().int().positive().max(MAX_INT).optional().meta({ description: "Only this user's events." }),
  event: z.enum(AUDIT_EVENTS).optional().meta({ description: "Only this kind of event." }),
  email: emailField.optional().meta({ description: "Only events about this address." }),
});

const auditView = z.object({
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

export type AuditListQuery = z.infer<typeof auditListQuery>;
export type AuditView = z.infer<typeof auditView>;
export type UserView = z.infer<typeof userView>;
export type CreateUserBody = z.infer<typeof createUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;
