import { z } from "zod";

/** A 6-digit code from the app, or a recovery code (`xxxxx-xxxxx`, case, spaces and dashes ignored). */
const secondFactorCode = z
  .string()
  .trim()
  .min(6)
  .max(32)
  .regex(/^[A-Za-z0-9 -]+$/, "must be a 6-digit code or a recovery code")
  .meta({ example: "123456" });
// Digits as any code field takes them; a length other than 6 is a wrong code (400), not a malformed request.
const totpCode = z
  .string()
  .trim()
  .regex(/^\d{4,10}$/, "must be digits")
  .meta({ example: "123456", description: "The authenticator app's current 6-digit code." });

export const mfaTokenField = z
  .string()
  .min(16)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "must be the mfa_token as received")
  .meta({ description: "The `mfa_token` of the first factor's `mfa_required` answer." });

export const mfaVerifyBody = z.object({ mfa_token: mfaTokenField, code: secondFactorCode });
export const totpConfirmBody = z.object({ code: totpCode });
export const totpDisableBody = z.object({ code: secondFactorCode });

export const totpEnrollResponse = z.object({
  secret: z.string().meta({ description: "The shared secret in base32, for typing into the app." }),
  otpauth_uri: z.string().meta({ description: "The `otpauth://totp/...` URI, for a QR code." }),
});
export const mfaStatusResponse = z.object({
  totp_enabled: z.boolean(),
  recovery_codes_remaining: z.number().int().meta({ description: "Unused recovery codes; 0 while the app is off." }),
});
export const recoveryCodesResponse = z.object({
  recovery_codes: z.array(z.string()).meta({ description: "Ten single-use codes, each a way past the app once; shown only now." }),
});
