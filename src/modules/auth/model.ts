import { z } from "zod";
import { messageResponse } from "../../http/responses";
import { sessionTokensResponse } from "../sessions/model";

// Trimmed and lower-cased before validation, so " Ann@Example.COM " and "ann@example.com" are one account.
export const emailField = z.string().trim().toLowerCase().max(254).pipe(z.email()).meta({ example: "ann@example.com" });
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export const passwordField = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).meta({ example: "correct horse battery" });
export const codeField = z
  .string()
  .trim()
  .regex(/^\d{4,10}$/, "must be 4-10 digits")
  .meta({ example: "123456" });

/**
 * The language of the mails this request sends, and (on a sign-in) the one saved for later mails. A tag we do
 * not speak, or anything that is not a tag, is ignored rather than refused (docs/localization.md).
 */
export const localeField = z.string().max(64).optional().catch(undefined).meta({
  description: "Language of the mails: en, de, fr or es (a BCP-47 tag such as de-AT counts as de); others are ignored.",
  example: "de",
});

export const registerBody = z.object({ email: emailField, password: passwordField, locale: localeField });
export const loginBody = registerBody;
/** Hands back the token of the step that mailed the code; optional, as the original's clients do not send it. */
const otpTokenField = z
  .string()
  .min(16)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be the otp_token as received")
  .meta({ description: "The `otp_token` of the answer that started this code step (register, or a login's `otp_required`)." });
export const verifyOtpBody = z.object({ email: emailField, code: codeField, otp_token: otpTokenField.optional(), locale: localeField });
export const resendOtpBody = z.object({ email: emailField, locale: localeField });
export const codeSendBody = z.object({ email: emailField, locale: localeField });
export const codeSignInBody = z.object({ email: emailField, code: codeField, locale: localeField });

export const registerResponse = messageResponse.extend({
  otp_token: z.string().meta({
    description:
      "Send it back with the code to /auth/verify-otp: the account then gets this registration's password, " +
      "and a sign-in right after needs no second code. Without it the password always needs a code to sign in.",
  }),
});
const refreshTokenField = z.string().min(16).max(128).meta({ description: "The refresh token from the last sign-in or refresh." });
export const refreshBody = z.object({ refresh_token: refreshTokenField });

/** A sign-in's tokens; during a pending deletion of the account, with when it happens, so the client can offer to cancel it. */
export const signInResponse = sessionTokensResponse.extend({
  account_deletion_due_at: z.string().optional().meta({
    format: "date-time",
    description: "Only while a deletion of this account is pending: ask whether to cancel it (DELETE /auth/account/deletion).",
  }),
});
export const verifyOtpResponse = signInResponse.extend({ message: z.string() });
export const profileResponse = z.object({
  id: z.number().int(),
  email: z.string(),
  is_active: z.boolean(),
  is_verified: z.boolean(),
  created_at: z.string().meta({ format: "date-time" }),
  auth_provider: z.string(),
  role: z.enum(["admin", "user"]).meta({ description: "`admin` may use the admin API and console (see docs/admin-console.md)." }),
});

export type ProfileResponse = z.infer<typeof profileResponse>;
