import { z } from "zod";
import { codeField, emailField } from "../auth/model";

const date = z.string().meta({ format: "date-time" });

/** The fresh proof a deletion needs: the password, or a code from POST /auth/account/delete/code. */
export const deleteAccountBody = z.object({
  password: z.string().min(1).max(1024).optional(),
  code: codeField.optional(),
});
/** A fresh proof of the account's owner: its password, or a code mailed to it for this step. */
export type OwnerProof = z.infer<typeof deleteAccountBody>;

export const emailChangeBody = z.object({
  new_email: emailField,
  password: z.string().min(1).max(1024).optional(),
  code: codeField.optional().meta({ description: "Instead of the password: a code from POST /auth/email/change/code." }),
});

export const emailChangeConfirmBody = z.object({ code: codeField });

export const emailChangeConfirmResponse = z.object({ message: z.string(), email: z.string() });

export const deletionResponse = z.object({
  message: z.string(),
  delete_after: date.meta({ description: "When the account and everything keyed to it are deleted, unless cancelled before." }),
});

export const deletionStatusResponse = z.object({
  delete_after: date.nullable().meta({ description: "When a pending deletion happens; null when none is pending." }),
});

/** The single-use cancellation code of a notice (a deletion's, or a change of email's to the old address). */
export const cancelBody = z.object({
  token: z
    .string()
    .trim()
    .min(16)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/, "must be the code as mailed")
    .meta({ description: "The cancellation code of the notice." }),
});

const nullableDate = date.nullable();

export const accountExportResponse = z.object({
  exported_at: date,
  profile: z.object({
    id: z.number().int(),
    email: z.string(),
    is_active: z.boolean(),
    is_verified: z.boolean(),
    is_disabled: z.boolean(),
    auth_provider: z.string(),
    role: z.string(),
    locale: z.string().nullable(),
    has_password: z.boolean(),
    last_code_check_at: nullableDate,
    deletion_due_at: nullableDate,
    created_at: date,
    updated_at: date,
  }),
  oauth_accounts: z.array(z.object({ provider: z.string(), provider_user_id: z.string(), email: z.string(), created_at: date })),
  email_changes: z.array(
    z.object({ old_email: z.string(), new_email: z.string(), created_at: date, confirmed_at: nullableDate, cancel_until: date }),
  ),
  sessions: z.array(
    z.object({
      id: z.string(),
      created_at: date,
      last_used_at: date,
      expires_at: date,
      revoked_at: nullableDate,
      user_agent: z.string().nullable(),
      ip: z.string().nullable(),
    }),
  ),
  second_factors: z.object({
    authenticator_app: z.object({ enrolled_at: date, enabled_at: nullableDate }).nullable(),
    recovery_codes: z.object({ total: z.number().int(), unused: z.number().int() }),
    passkeys: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        device_type: z.string(),
        backed_up: z.boolean(),
        transports: z.array(z.string()),
        created_at: date,
        last_used_at: nullableDate,
      }),
    ),
  }),
  audit_events: z.array(
    z.object({
      id: z.number().int(),
      created_at: date,
      event: z.string(),
      outcome: z.string(),
      ip: z.string().nullable(),
      user_agent: z.string().nullable(),
      detail: z.string().nullable(),
    }),
  ),
});

export type AccountExport = z.infer<typeof accountExportResponse>;
