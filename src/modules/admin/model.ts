import { z } from "zod";
import { emailField, passwordField, profileResponse } from "../auth/model";

export const ADMIN_PAGE_MAX = 200;

export const userView = profileResponse;

export const listUsersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(50).meta({ description: `Users per page (1-${ADMIN_PAGE_MAX}).` }),
  cursor: z.string().regex(/^\d{1,10}$/, "must be a cursor from next_cursor").optional()
    .meta({ description: "The `next_cursor` of the previous page." }),
  q: z.string().trim().min(1).max(254).optional().meta({ description: "Only users whose email contains this text (case-insensitive)." }),
});

export const userListResponse = z.object({
  users: z.array(userView),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
});

export const createUserBody = z.object({
  email: emailField,
  password: passwordField.optional().meta({ description: "Without one, the person sets it through \"Forgot password\"." }),
  is_active: z.boolean().default(true),
  is_verified: z.boolean().default(true),
});

export const updateUserBody = z.object({
  email: emailField.optional(),
  password: passwordField.optional(),
  is_active: z.boolean().optional(),
  is_verified: z.boolean().optional(),
}).refine((body) => Object.values(body).some((value) => value !== undefined), "give at least one field to change");

export const userParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

export type UserView = z.infer<typeof userView>;
export type CreateUserBody = z.infer<typeof createUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;
