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

export const registerBody = z.object({ email: emailField, password: passwordField });
export const loginBody = registerBody;
/** Hands back the token of the step that mailed the code; optional, as the original's clients do not send it. */
const otpTokenField = z
  .string()
  .min(16)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be the otp_token as received")
  .meta({ description: "The `otp_token` of the answer that started this code step (register, or a login's `otp_required`)." });
export const verifyOtpBody = z.object({ email: emailField, code: codeField, otp_token: otpTokenField.optional() });
export const resendOtpBody = z.object({ email: emailField });
export const codeSendBody = z.object({ email: emailField });
export const codeSignInBody = z.object({ email: emailField, code: codeField });

export const registerResponse = messageResponse.extend({
  otp_token: z.string().meta({
    description:
      "Send it back with the code to /auth/verify-otp: the account then gets this registration's password, " +
      "and a sign-in right after needs no second code. Without it the password always needs a code to sign in.",
  }),
});
const refreshTokenField = z.string().min(16).max(128).meta({ description: "The refresh token from the last sign-in or refresh." });
export const refreshBody = z.object({ refresh_token: refreshTokenField });

export const verifyOtpResponse = sessionTokensResponse.extend({ message: z.string() });
export const profileResponse = z.object({
  id: z.number().int(),
  email: z.string(),
  is_active: z.boolean(),
  is_verified: z.boolean(),
  created_at: z.string().meta({ format: "date-time" }),
  auth_provider: z.string(),
});

export type ProfileResponse = z.infer<typeof profileResponse>;
