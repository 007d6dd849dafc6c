import { errorTemplate, type ErrorCatalogue } from ".";

/** Registering, verifying and signing in with a password; texts the original's clients match on. */
export const AUTH_ERRORS = {
  /** A re-check code was mailed; the answer carries the step's `otp_token`. */
  recheckRequired: { status: 400, code: "otp_required", detail: "Session expired. A new verification code has been sent." },
  /** The password was right; the answer carries an `otp_token` bound to it. */
  notVerified: { status: 400, code: "email_not_verified", detail: "Email not verified. Please complete the OTP flow." },
  alreadyVerified: { status: 400, code: "already_verified", detail: "This account is already verified. Log in to continue." },
  /** An account created by Google or GitHub sign-in, which has no password. */
  oauthOnly: errorTemplate(
    400,
    "oauth_only_account",
    (provider: string) => `This account uses ${provider} sign-in and has no password. Please sign in with ${provider}.`,
  ),
} as const satisfies ErrorCatalogue;
